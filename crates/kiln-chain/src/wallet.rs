//! A chain reached through the player's wallet (EIP-1193: MetaMask and every wallet that follows
//! the standard). The wallet holds the key and signs; Kiln only asks. The world is read from the
//! network's own node, so it shows whatever the wallet is doing (connected or not, on this chain
//! or another); a transaction is estimated there first (a revert is reported before the wallet
//! asks the player to pay for it), then sent through the wallet with `eth_sendTransaction` and
//! waited for on the node.
//!
//! The player stays in charge, so every answer is possible: a refusal, another account, another
//! chain, no account at all. Each is a [`ChainError`] that says what to do.

use std::future::Future;
use std::sync::RwLock;
use std::time::Duration;

use alloy::primitives::{Address, B256, Bytes, U64};
use alloy::rpc::types::{Block, Log as RpcLog, TransactionReceipt};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::answers::{chain_log, check_kiln, clip, gas_limit, receipt_status};
use crate::chain::{ChainLog, Outgoing, Sent, SignedTx, TxStatus};
use crate::{BlockRef, Chain, ChainError, Deployment, Revert};

/// A wallet as EIP-1193 defines it: `request({ method, params })`, answered by the wallet
/// itself (accounts, chain switching, signing) or relayed to its node. A plain JSON-RPC node
/// answers the same way (without accounts), which is how the world is read.
pub trait Eip1193: Send + Sync {
    /// One request; the wallet's error object when it refuses or fails.
    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> impl Future<Output = Result<Value, WalletError>> + Send;
}

/// What a wallet answered instead of a result: EIP-1193's `ProviderRpcError`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} (code {code})")]
pub struct WalletError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

impl WalletError {
    /// The player said no.
    pub const USER_REJECTED: i64 = 4001;
    /// The page may not use the account or method (not connected, or connection withdrawn).
    pub const UNAUTHORIZED: i64 = 4100;
    /// The wallet is not connected to any chain.
    pub const DISCONNECTED: i64 = 4900;
    /// The wallet does not know the chain it was asked to switch to (MetaMask's code, which
    /// EIP-3326 wallets share).
    pub const UNRECOGNIZED_CHAIN: i64 = 4902;

    /// The revert data a failed call or estimate carries, wherever this wallet put it: plain
    /// nodes answer `data: "0x…"`, some wallets nest it under `data.data` or
    /// `data.originalError.data`.
    pub fn revert_data(&self) -> Option<Bytes> {
        let data = self.data.as_ref()?;
        [
            Some(data),
            data.get("data"),
            data.get("originalError")
                .and_then(|error| error.get("data")),
        ]
        .into_iter()
        .flatten()
        .find_map(|value| value.as_str()?.parse::<Bytes>().ok())
    }
}

/// The chain the world lives on, as a wallet is asked to use it: what
/// `wallet_addEthereumChain` needs when the wallet does not know the chain yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletNetwork {
    pub chain_id: u64,
    /// How the wallet shows it.
    pub name: String,
    /// A node the wallet can use for it.
    pub rpc_url: String,
}

/// How a [`WalletChain`] waits.
#[derive(Debug, Clone)]
pub struct WalletOptions {
    /// How long a sent transaction may take to reach `confirmations`.
    pub receipt_timeout: Duration,
    /// Blocks on top of the transaction's own before it counts as done (1: mined).
    pub confirmations: u64,
    /// The widest block range asked in one `eth_getLogs` (wallets' nodes cap it).
    pub log_range: u64,
}

impl Default for WalletOptions {
    fn default() -> Self {
        Self {
            receipt_timeout: Duration::from_secs(300),
            confirmations: 1,
            log_range: 2_000,
        }
    }
}

/// Who the wallet lets Kiln act as, and the chain it is on, as it says now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletState {
    /// `None`: not connected (never, or the player disconnected).
    pub account: Option<Address>,
    pub chain_id: u64,
}

/// The Kiln contract on `network`: read from the node `N`, sent to through the wallet `W`.
pub struct WalletChain<N, W> {
    node: N,
    wallet: W,
    network: WalletNetwork,
    options: WalletOptions,
    /// The account the wallet last named; `None` until connected.
    account: RwLock<Option<Address>>,
    deployment: RwLock<Option<Deployment>>,
}

impl<N, W> std::fmt::Debug for WalletChain<N, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalletChain")
            .field("network", &self.network)
            .field(
                "account",
                &self.account.read().ok().and_then(|account| *account),
            )
            .finish_non_exhaustive()
    }
}

impl<N: Eip1193, W: Eip1193> WalletChain<N, W> {
    /// The world on `network`, read from `node` (which serves `network.rpc_url`), sending
    /// through `wallet`. Nothing is asked of the wallet yet: it asks the player only when
    /// [`WalletChain::connect`] is called or something is sent.
    pub fn new(node: N, wallet: W, network: WalletNetwork, options: WalletOptions) -> Self {
        Self {
            node,
            wallet,
            network,
            options,
            account: RwLock::new(None),
            deployment: RwLock::new(None),
        }
    }

    /// The account the wallet last named, `None` while not connected.
    pub fn connected(&self) -> Option<Address> {
        *self
            .account
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn set_account(&self, account: Option<Address>) {
        *self
            .account
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = account;
    }

    /// Asks the player to connect an account (the wallet's own dialog), then to switch to the
    /// world's chain if the wallet is on another.
    pub async fn connect(&self) -> Result<Address, ChainError> {
        let accounts: Vec<Address> = self
            .ask_wallet("connecting an account", "eth_requestAccounts", json!([]))
            .await?;
        let account = *accounts.first().ok_or(ChainError::WalletNotConnected)?;
        self.set_account(Some(account));
        self.use_network(self.wallet_chain_id().await?).await?;
        Ok(account)
    }

    /// What the wallet says now: the account (which the player may have changed or
    /// disconnected in the wallet) and the chain. The account Kiln sends from follows it.
    pub async fn state(&self) -> Result<WalletState, ChainError> {
        let accounts: Vec<Address> = self
            .ask_wallet("naming its account", "eth_accounts", json!([]))
            .await?;
        let account = accounts.first().copied();
        self.set_account(account);
        Ok(WalletState {
            account,
            chain_id: self.wallet_chain_id().await?,
        })
    }

    async fn wallet_chain_id(&self) -> Result<u64, ChainError> {
        let chain_id: U64 = self
            .ask_wallet("naming its chain", "eth_chainId", json!([]))
            .await?;
        Ok(chain_id.to())
    }

    /// Makes sure the wallet, on chain `current` now, is on the world's chain: asks it to
    /// switch, and to add the chain first when it does not know it.
    async fn use_network(&self, current: u64) -> Result<(), ChainError> {
        let expected = self.network.chain_id;
        if current == expected {
            return Ok(());
        }
        let chain_id = format!("{expected:#x}");
        let what = format!("switching to chain {expected} ({})", self.network.name);
        let switch = json!([{ "chainId": chain_id }]);
        match self
            .wallet
            .request("wallet_switchEthereumChain", switch.clone())
            .await
        {
            Ok(_) => {}
            Err(error) if error.code == WalletError::UNRECOGNIZED_CHAIN => {
                let add = json!([{
                    "chainId": chain_id,
                    "chainName": self.network.name,
                    "rpcUrls": [self.network.rpc_url],
                    "nativeCurrency": { "name": "Ether", "symbol": "ETH", "decimals": 18 },
                }]);
                self.ask_wallet::<Value>(&what, "wallet_addEthereumChain", add)
                    .await?;
                // Most wallets switch on adding; the others are asked again.
                if self.wallet_chain_id().await? != expected {
                    self.ask_wallet::<Value>(&what, "wallet_switchEthereumChain", switch)
                        .await?;
                }
            }
            Err(error) => return Err(self.wallet_error(&what, error)),
        }
        let actual = self.wallet_chain_id().await?;
        if actual != expected {
            return Err(ChainError::WalletOnOtherChain { expected, actual });
        }
        Ok(())
    }

    /// The Kiln contract at `address` with the block that created it, found by asking for its
    /// code at earlier blocks (a few dozen requests): the index then reads events from there,
    /// not from genesis. A node that has pruned old state cannot say; then it is block 0.
    pub async fn locate(&self, address: Address) -> Result<Deployment, ChainError> {
        self.check_node().await?;
        let head = self.head().await?.number;
        let deployment = |block| Deployment {
            chain_id: self.network.chain_id,
            address,
            block,
        };
        let code_at = |block: u64| {
            self.ask::<Bytes>(
                "reading the contract's code",
                "eth_getCode",
                json!([address, format!("{block:#x}")]),
            )
        };
        if code_at(head).await?.is_empty() {
            return Err(ChainError::NoCode {
                address,
                chain_id: self.network.chain_id,
            });
        }
        // The lowest block with code lies in low..=high.
        let (mut low, mut high) = (0, head);
        while low < high {
            let middle = low + (high - low) / 2;
            match code_at(middle).await {
                Ok(code) if code.is_empty() => low = middle + 1,
                Ok(_) => high = middle,
                Err(_) => return Ok(deployment(0)),
            }
        }
        Ok(deployment(low))
    }

    /// The node must serve the world's chain, or it would show another chain's contract.
    async fn check_node(&self) -> Result<(), ChainError> {
        let actual: U64 = self
            .ask("naming its chain", "eth_chainId", json!([]))
            .await?;
        let expected = self.network.chain_id;
        if actual.to::<u64>() != expected {
            return Err(ChainError::WrongChain {
                url: self.network.rpc_url.clone(),
                expected,
                actual: actual.to(),
            });
        }
        Ok(())
    }

    /// One request to the node whose result parses as `T`; `what` is for the messages.
    async fn ask<T: DeserializeOwned>(
        &self,
        what: &str,
        method: &str,
        params: Value,
    ) -> Result<T, ChainError> {
        let answer = self
            .node
            .request(method, params)
            .await
            .map_err(|error| self.node_error(what, error))?;
        parse(&self.network.rpc_url, method, answer)
    }

    /// One request to the wallet whose result parses as `T`; `what` is for the messages.
    async fn ask_wallet<T: DeserializeOwned>(
        &self,
        what: &str,
        method: &str,
        params: Value,
    ) -> Result<T, ChainError> {
        let answer = self
            .wallet
            .request(method, params)
            .await
            .map_err(|error| self.wallet_error(what, error))?;
        parse("your wallet", method, answer)
    }

    fn node_error(&self, what: &str, error: WalletError) -> ChainError {
        ChainError::Rpc {
            url: self.network.rpc_url.clone(),
            detail: format!("{what} failed: {error}"),
        }
    }

    fn wallet_error(&self, what: &str, error: WalletError) -> ChainError {
        match error.code {
            WalletError::USER_REJECTED => ChainError::WalletRefused {
                what: what.to_owned(),
            },
            WalletError::UNAUTHORIZED => ChainError::WalletNotConnected,
            _ => ChainError::Wallet {
                what: what.to_owned(),
                detail: error.to_string(),
            },
        }
    }

    /// A call or estimate on the node: a revert is the contract's reason, not a failure.
    async fn run(&self, what: &str, method: &str, params: Value) -> Result<Value, ChainError> {
        match self.node.request(method, params).await {
            Ok(answer) => Ok(answer),
            Err(error) => match error.revert_data() {
                Some(data) => Err(ChainError::Reverted(Revert::decode(&data))),
                None => Err(self.node_error(what, error)),
            },
        }
    }

    fn bad_answer(&self, detail: String) -> ChainError {
        ChainError::BadAnswer {
            url: self.network.rpc_url.clone(),
            detail,
        }
    }

    async fn mined(&self, hash: B256) -> Result<Option<(u64, TxStatus)>, ChainError> {
        let receipt: Option<TransactionReceipt> = self
            .ask(
                "reading a receipt",
                "eth_getTransactionReceipt",
                json!([hash]),
            )
            .await?;
        receipt
            .map(|receipt| receipt_status(hash, receipt))
            .transpose()
            .map_err(|detail| self.bad_answer(detail))
    }

    async fn poll_receipt(&self, hash: B256) -> Result<Sent, ChainError> {
        let mut waited = Duration::ZERO;
        let mut pause = Duration::from_millis(100);
        loop {
            if let Some((number, status)) = self.mined(hash).await? {
                let head: U64 = self
                    .ask("reading the head", "eth_blockNumber", json!([]))
                    .await?;
                if head.to::<u64>() + 1 >= number + self.options.confirmations {
                    return match status {
                        TxStatus::Mined(sent) => Ok(sent),
                        _ => Err(ChainError::Failed {
                            hash: hash.to_string(),
                            detail: "the chain mined it as failed; the gas was paid. Check the item's state and retry".into(),
                        }),
                    };
                }
            }
            if waited + pause > self.options.receipt_timeout {
                return Err(ChainError::Timeout {
                    url: self.network.rpc_url.clone(),
                    what: "the transaction's receipt (it was sent; it may still be mined)",
                    after: self.options.receipt_timeout,
                });
            }
            pause_for(pause).await;
            waited += pause;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
}

impl<N: Eip1193, W: Eip1193> Chain for WalletChain<N, W> {
    fn chain_id(&self) -> u64 {
        self.network.chain_id
    }

    /// The connected account; the zero address while none is (nothing can be sent then).
    fn account(&self) -> Address {
        self.connected().unwrap_or(Address::ZERO)
    }

    fn deployment(&self) -> Result<Deployment, ChainError> {
        self.deployment
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .ok_or(ChainError::NotDeployed {
                chain_id: self.network.chain_id,
            })
    }

    async fn attach(&self, deployment: Deployment) -> Result<(), ChainError> {
        if deployment.chain_id != self.network.chain_id {
            return Err(ChainError::WrongChain {
                url: self.network.rpc_url.clone(),
                expected: deployment.chain_id,
                actual: self.network.chain_id,
            });
        }
        self.check_node().await?;
        let code: Bytes = self
            .ask(
                "reading the contract's code",
                "eth_getCode",
                json!([deployment.address, "latest"]),
            )
            .await?;
        check_kiln(self, deployment.address, &code).await?;
        *self
            .deployment
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(deployment);
        Ok(())
    }

    async fn call(&self, to: Address, data: Bytes) -> Result<Bytes, ChainError> {
        let answer = self
            .run(
                "reading the contract",
                "eth_call",
                json!([{ "to": to, "data": data }, "latest"]),
            )
            .await?;
        parse(&self.network.rpc_url, "eth_call", answer)
    }

    /// The wallet signs and sends in one step, so `record` sees the transaction right after it
    /// left (its hash is not known before); an error from `record` is returned, and the
    /// transaction stands.
    async fn send_recorded(
        &self,
        to: Option<Address>,
        data: Bytes,
        mut record: impl FnMut(Outgoing) -> Result<(), ChainError> + Send,
    ) -> Result<Sent, ChainError> {
        // The account as the wallet has it now: the player may have switched or disconnected.
        let wallet = self.state().await?;
        let from = wallet.account.ok_or(ChainError::WalletNotConnected)?;
        self.use_network(wallet.chain_id).await?;
        let mut transaction = json!({ "from": from, "data": data });
        if let Some(to) = to {
            transaction["to"] = json!(to);
        }
        // The estimate runs the transaction: a revert shows here, before the player is asked.
        let estimate: U64 = parse(
            &self.network.rpc_url,
            "eth_estimateGas",
            self.run(
                "estimating the transaction",
                "eth_estimateGas",
                json!([transaction]),
            )
            .await?,
        )?;
        let gas = gas_limit(estimate.to::<u64>()).map_err(|detail| self.bad_answer(detail))?;
        transaction["gas"] = json!(format!("{gas:#x}"));
        let hash: B256 = self
            .ask_wallet(
                "sending the transaction",
                "eth_sendTransaction",
                json!([transaction]),
            )
            .await?;
        // The nonce is only for the record; the node may not have the transaction from the
        // wallet's node yet, and then it is zero.
        let sent: Value = self
            .ask(
                "reading the sent transaction",
                "eth_getTransactionByHash",
                json!([hash]),
            )
            .await?;
        let nonce = sent
            .get("nonce")
            .and_then(|nonce| serde_json::from_value::<U64>(nonce.clone()).ok())
            .map_or(0, |nonce| nonce.to::<u64>());
        let signed = SignedTx { hash, nonce };
        record(Outgoing::Signed(signed))?;
        record(Outgoing::Sent(signed))?;
        self.poll_receipt(hash).await
    }

    async fn transaction(&self, hash: B256) -> Result<TxStatus, ChainError> {
        if let Some((_, status)) = self.mined(hash).await? {
            return Ok(status);
        }
        let pending: Value = self
            .ask(
                "reading a transaction",
                "eth_getTransactionByHash",
                json!([hash]),
            )
            .await?;
        Ok(if !pending.is_null() {
            TxStatus::Pending
        } else {
            TxStatus::Unknown
        })
    }

    async fn wait_for(&self, hash: B256) -> Result<Sent, ChainError> {
        self.poll_receipt(hash).await
    }

    async fn head(&self) -> Result<BlockRef, ChainError> {
        let block: Option<Block> = self
            .ask(
                "reading the newest block",
                "eth_getBlockByNumber",
                json!(["latest", false]),
            )
            .await?;
        let block = block.ok_or_else(|| self.bad_answer("it has no latest block".into()))?;
        Ok(BlockRef {
            number: block.header.number,
            hash: block.header.hash,
        })
    }

    async fn block_hash(&self, number: u64) -> Result<Option<B256>, ChainError> {
        let block: Option<Block> = self
            .ask(
                "reading a block",
                "eth_getBlockByNumber",
                json!([format!("{number:#x}"), false]),
            )
            .await?;
        Ok(block.map(|block| block.header.hash))
    }

    async fn logs(&self, from: u64, to: u64) -> Result<Vec<ChainLog>, ChainError> {
        let contract = self.deployment()?.address;
        let mut found = Vec::new();
        let mut start = from;
        while start <= to {
            let end = to.min(start.saturating_add(self.options.log_range - 1));
            let filter = json!([{
                "address": contract,
                "fromBlock": format!("{start:#x}"),
                "toBlock": format!("{end:#x}"),
            }]);
            let logs: Vec<RpcLog> = self
                .ask("reading the contract's events", "eth_getLogs", filter)
                .await?;
            for log in logs {
                found.push(
                    chain_log(log, contract, start, end)
                        .map_err(|detail| self.bad_answer(detail))?,
                );
            }
            start = end + 1;
        }
        Ok(found)
    }
}

/// `method`'s answer from `source` as a `T`, or why it cannot be one.
fn parse<T: DeserializeOwned>(source: &str, method: &str, answer: Value) -> Result<T, ChainError> {
    serde_json::from_value(answer.clone()).map_err(|error| ChainError::BadAnswer {
        url: source.to_owned(),
        detail: format!(
            "{method} answered {} that does not parse: {error}",
            clip(&answer.to_string())
        ),
    })
}

/// Waits between polls: tokio's timer natively, the browser's in a tab (wrapped to be `Send`,
/// which it can be there: a tab runs the module on one thread).
async fn pause_for(duration: Duration) {
    #[cfg(not(target_family = "wasm"))]
    tokio::time::sleep(duration).await;
    #[cfg(target_family = "wasm")]
    send_wrapper::SendWrapper::new(gloo_timers::future::sleep(duration)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revert_data_is_found_wherever_a_wallet_puts_it() {
        let error = |data: Value| WalletError {
            code: 3,
            message: "execution reverted".into(),
            data: Some(data),
        };
        let expected: Bytes = "0x1234".parse().unwrap();
        assert_eq!(error(json!("0x1234")).revert_data(), Some(expected.clone()));
        assert_eq!(
            error(json!({ "data": "0x1234" })).revert_data(),
            Some(expected.clone())
        );
        assert_eq!(
            error(json!({ "originalError": { "data": "0x1234" } })).revert_data(),
            Some(expected)
        );
        assert_eq!(error(json!({ "reason": "nope" })).revert_data(), None);
        assert_eq!(error(json!("not hex")).revert_data(), None);
        let none = WalletError {
            data: None,
            ..error(json!(null))
        };
        assert_eq!(none.revert_data(), None);
    }
}
