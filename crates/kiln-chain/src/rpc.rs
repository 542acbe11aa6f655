//! Any chain with a JSON-RPC node, through alloy: anvil, a testnet, mainnet. Transactions are
//! signed here with the keystore's key, priced with EIP-1559 fees, checked against the node's
//! gas estimate before sending (a revert is reported, not paid for), and waited for until they
//! have the asked-for confirmations. Every call has a deadline.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::Duration;

use alloy::eips::BlockNumberOrTag;
use alloy::network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::providers::{Provider, RootProvider};
use alloy::rpc::types::{Filter, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::transports::{RpcError, TransportErrorKind};
use serde::{Deserialize, Serialize};

use crate::answers::{chain_log, check_kiln, clip, gas_limit, receipt_status};
use crate::chain::{ChainLog, Outgoing, Sent, SignedTx, TxStatus};
use crate::{BlockRef, Chain, ChainError, Deployment, Revert};

/// How an [`RpcChain`] talks to its node.
#[derive(Debug, Clone)]
pub struct RpcOptions {
    /// The chain the caller means; a node serving another is refused.
    pub expected_chain_id: Option<u64>,
    /// How long one request may take.
    pub request_timeout: Duration,
    /// How long a sent transaction may take to reach `confirmations`.
    pub receipt_timeout: Duration,
    /// Blocks on top of the transaction's own before it counts as done (1: mined).
    pub confirmations: u64,
    /// Where the nonce book lives, so that a restart never reuses a nonce; `None` keeps it in
    /// memory.
    pub nonce_book: Option<PathBuf>,
    /// The widest block range asked in one `eth_getLogs` (public nodes cap it).
    pub log_range: u64,
}

impl Default for RpcOptions {
    fn default() -> Self {
        Self {
            expected_chain_id: None,
            request_timeout: Duration::from_secs(20),
            receipt_timeout: Duration::from_secs(180),
            confirmations: 1,
            nonce_book: None,
            log_range: 2_000,
        }
    }
}

/// A chain behind a JSON-RPC URL.
pub struct RpcChain {
    url: String,
    provider: RootProvider,
    wallet: EthereumWallet,
    account: Address,
    chain_id: u64,
    options: RpcOptions,
    deployment: RwLock<Option<Deployment>>,
    /// One transaction is prepared and sent at a time, so nonces never collide.
    sending: tokio::sync::Mutex<NonceBook>,
}

impl std::fmt::Debug for RpcChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcChain")
            .field("url", &self.url)
            .field("chain_id", &self.chain_id)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl RpcChain {
    /// Connects to the node at `url` and checks which chain it serves.
    pub async fn connect(
        url: &str,
        signer: PrivateKeySigner,
        options: RpcOptions,
    ) -> Result<Self, ChainError> {
        let parsed: alloy::transports::http::reqwest::Url =
            url.parse().map_err(|error| ChainError::Rpc {
                url: url.to_owned(),
                detail: format!("not a URL ({error})"),
            })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ChainError::Rpc {
                url: url.to_owned(),
                detail: "only http:// and https:// node URLs are supported".into(),
            });
        }
        // The first client of the process picks the TLS crypto for all; a second call is a no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let provider = RootProvider::new_http(parsed);
        let account = signer.address();
        let mut chain = Self {
            url: url.to_owned(),
            provider,
            wallet: EthereumWallet::from(signer),
            account,
            chain_id: 0,
            deployment: RwLock::new(None),
            sending: tokio::sync::Mutex::new(NonceBook::load(options.nonce_book.as_deref())?),
            options,
        };
        let actual = chain
            .request("eth_chainId", chain.provider.get_chain_id())
            .await?;
        if let Some(expected) = chain.options.expected_chain_id
            && expected != actual
        {
            return Err(ChainError::WrongChain {
                url: chain.url.clone(),
                expected,
                actual,
            });
        }
        chain.chain_id = actual;
        Ok(chain)
    }

    /// The node's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Awaits one request under the deadline, turning transport failures into our errors.
    async fn request<T>(
        &self,
        what: &'static str,
        call: impl Future<Output = Result<T, RpcError<TransportErrorKind>>>,
    ) -> Result<T, ChainError> {
        match tokio::time::timeout(self.options.request_timeout, call).await {
            Err(_) => Err(ChainError::Timeout {
                url: self.url.clone(),
                what,
                after: self.options.request_timeout,
            }),
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(self.classify(what, error)),
        }
    }

    fn classify(&self, what: &'static str, error: RpcError<TransportErrorKind>) -> ChainError {
        if let Some(payload) = error.as_error_resp() {
            if let Some(data) = payload.as_revert_data() {
                return ChainError::Reverted(Revert::decode(&data));
            }
            if payload.message.contains("insufficient funds") {
                return ChainError::Rpc {
                    url: self.url.clone(),
                    detail: format!(
                        "{what}: {}: fund {} on this network, then retry",
                        payload.message, self.account
                    ),
                };
            }
            return ChainError::Rpc {
                url: self.url.clone(),
                detail: format!("{what} failed: {} (code {})", payload.message, payload.code),
            };
        }
        match error {
            RpcError::DeserError { err, text } => ChainError::BadAnswer {
                url: self.url.clone(),
                detail: format!("{what} answered {} that does not parse: {err}", clip(&text)),
            },
            other => ChainError::Rpc {
                url: self.url.clone(),
                detail: format!("{what} failed: {other}"),
            },
        }
    }

    fn bad_answer(&self, detail: String) -> ChainError {
        ChainError::BadAnswer {
            url: self.url.clone(),
            detail,
        }
    }

    /// Checks that `address` holds a Kiln contract.
    async fn check_contract(&self, address: Address) -> Result<(), ChainError> {
        let code = self
            .request(
                "eth_getCode",
                self.provider.get_code_at(address).into_future(),
            )
            .await?;
        check_kiln(self, address, &code).await
    }

    /// The nonce for the next transaction: the node's count of the account's transactions,
    /// unless the book knows a later one that the node still has (a stale node behind a load
    /// balancer); a booked transaction the node has forgotten was dropped and its nonce is free.
    async fn next_nonce(&self, book: &NonceBook) -> Result<u64, ChainError> {
        let pending = self
            .request(
                "eth_getTransactionCount",
                self.provider
                    .get_transaction_count(self.account)
                    .pending()
                    .into_future(),
            )
            .await?;
        let Some(last) = book.last(self.chain_id, self.account) else {
            return Ok(pending);
        };
        if last.nonce < pending {
            return Ok(pending);
        }
        let known = self
            .request(
                "eth_getTransactionByHash",
                self.provider
                    .get_transaction_by_hash(last.hash)
                    .into_future(),
            )
            .await?;
        Ok(if known.is_some() {
            last.nonce + 1
        } else {
            pending
        })
    }

    /// The block a transaction is in and what its receipt says, `None` while it has no receipt.
    async fn mined(&self, hash: B256) -> Result<Option<(u64, TxStatus)>, ChainError> {
        let receipt = self
            .request(
                "eth_getTransactionReceipt",
                self.provider.get_transaction_receipt(hash).into_future(),
            )
            .await?;
        let Some(receipt) = receipt else {
            return Ok(None);
        };
        receipt_status(hash, receipt)
            .map(Some)
            .map_err(|detail| self.bad_answer(detail))
    }

    /// Polls for the receipt until it has the asked-for confirmations or the deadline passes.
    async fn poll_receipt(&self, hash: B256) -> Result<Sent, ChainError> {
        let deadline = tokio::time::Instant::now() + self.options.receipt_timeout;
        let mut pause = Duration::from_millis(50);
        loop {
            if let Some((number, status)) = self.mined(hash).await? {
                let head = self
                    .request(
                        "eth_blockNumber",
                        self.provider.get_block_number().into_future(),
                    )
                    .await?;
                if head.saturating_add(1) >= number.saturating_add(self.options.confirmations) {
                    return match status {
                        TxStatus::Mined(sent) => Ok(sent),
                        _ => Err(ChainError::Failed {
                            hash: hash.to_string(),
                            detail: "the node mined it as failed; the gas was paid. Check the item's state and retry".into(),
                        }),
                    };
                }
            }
            if tokio::time::Instant::now() + pause > deadline {
                return Err(ChainError::Timeout {
                    url: self.url.clone(),
                    what: "the transaction's receipt (it was sent; it may still be mined)",
                    after: self.options.receipt_timeout,
                });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
}

impl Chain for RpcChain {
    fn chain_id(&self) -> u64 {
        self.chain_id
    }

    fn account(&self) -> Address {
        self.account
    }

    fn deployment(&self) -> Result<Deployment, ChainError> {
        self.deployment
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .ok_or(ChainError::NotDeployed {
                chain_id: self.chain_id,
            })
    }

    async fn attach(&self, deployment: Deployment) -> Result<(), ChainError> {
        if deployment.chain_id != self.chain_id {
            return Err(ChainError::WrongChain {
                url: self.url.clone(),
                expected: deployment.chain_id,
                actual: self.chain_id,
            });
        }
        self.check_contract(deployment.address).await?;
        *self
            .deployment
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(deployment);
        Ok(())
    }

    async fn call(&self, to: Address, data: Bytes) -> Result<Bytes, ChainError> {
        let request = TransactionRequest::default().with_to(to).with_input(data);
        self.request("eth_call", self.provider.call(request).into_future())
            .await
    }

    async fn send_recorded(
        &self,
        to: Option<Address>,
        data: Bytes,
        mut record: impl FnMut(Outgoing) -> Result<(), ChainError> + Send,
    ) -> Result<Sent, ChainError> {
        let mut book = self.sending.lock().await;
        let mut request = TransactionRequest::default()
            .with_from(self.account)
            .with_chain_id(self.chain_id)
            .with_input(data);
        request = match to {
            Some(to) => request.with_to(to),
            None => request.into_create(),
        };
        // The node's estimate runs the transaction: a revert shows here, before anything is
        // signed or paid.
        let estimate = self
            .request(
                "eth_estimateGas",
                self.provider.estimate_gas(request.clone()).into_future(),
            )
            .await?;
        let fees = self
            .request("eth_feeHistory", self.provider.estimate_eip1559_fees())
            .await?;
        let gas_limit = gas_limit(estimate).map_err(|detail| self.bad_answer(detail))?;
        let need = U256::from(gas_limit) * U256::from(fees.max_fee_per_gas);
        let have = self
            .request(
                "eth_getBalance",
                self.provider.get_balance(self.account).into_future(),
            )
            .await?;
        if have < need {
            return Err(ChainError::InsufficientFunds {
                account: self.account,
                have,
                need,
            });
        }
        let nonce = self.next_nonce(&book).await?;
        let request = request
            .with_nonce(nonce)
            .with_gas_limit(gas_limit)
            .with_max_fee_per_gas(fees.max_fee_per_gas)
            .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
        let envelope = request
            .build(&self.wallet)
            .await
            .map_err(|error| ChainError::Rpc {
                url: self.url.clone(),
                detail: format!("the transaction could not be signed: {error}"),
            })?;
        let hash = *envelope.tx_hash();
        let raw = alloy::eips::eip2718::Encodable2718::encoded_2718(&envelope);
        // Booked before it is sent: after a crash in between, the book names a transaction
        // the node may or may not have, and `next_nonce` asks.
        book.record(self.chain_id, self.account, nonce, hash)?;
        let signed = SignedTx { hash, nonce };
        record(Outgoing::Signed(signed))?;
        let pending = self
            .request(
                "eth_sendRawTransaction",
                self.provider.send_raw_transaction(&raw),
            )
            .await?;
        if *pending.tx_hash() != hash {
            return Err(self.bad_answer(format!(
                "sent transaction {hash}, the node calls it {}",
                pending.tx_hash()
            )));
        }
        drop(book);
        record(Outgoing::Sent(signed))?;
        self.poll_receipt(hash).await
    }

    async fn transaction(&self, hash: B256) -> Result<TxStatus, ChainError> {
        if let Some((_, status)) = self.mined(hash).await? {
            return Ok(status);
        }
        let pending = self
            .request(
                "eth_getTransactionByHash",
                self.provider.get_transaction_by_hash(hash).into_future(),
            )
            .await?;
        Ok(if pending.is_some() {
            TxStatus::Pending
        } else {
            TxStatus::Unknown
        })
    }

    async fn wait_for(&self, hash: B256) -> Result<Sent, ChainError> {
        self.poll_receipt(hash).await
    }

    async fn head(&self) -> Result<BlockRef, ChainError> {
        let block = self
            .request(
                "eth_getBlockByNumber",
                self.provider
                    .get_block_by_number(BlockNumberOrTag::Latest)
                    .into_future(),
            )
            .await?
            .ok_or_else(|| self.bad_answer("it has no latest block".into()))?;
        Ok(BlockRef {
            number: block.header.number,
            hash: block.header.hash,
        })
    }

    async fn block_hash(&self, number: u64) -> Result<Option<B256>, ChainError> {
        let block = self
            .request(
                "eth_getBlockByNumber",
                self.provider
                    .get_block_by_number(BlockNumberOrTag::Number(number))
                    .into_future(),
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
            let filter = Filter::new()
                .address(contract)
                .from_block(start)
                .to_block(end);
            let logs = self
                .request("eth_getLogs", self.provider.get_logs(&filter))
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

/// The last transaction this machine sent per chain and account, kept across restarts.
#[derive(Debug, Default)]
struct NonceBook {
    path: Option<PathBuf>,
    entries: BTreeMap<String, BookedTx>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct BookedTx {
    nonce: u64,
    hash: B256,
}

impl NonceBook {
    fn load(path: Option<&Path>) -> Result<Self, ChainError> {
        let failed = |path: &Path, detail: String| ChainError::Rpc {
            url: path.display().to_string(),
            detail: format!("the nonce book cannot be read: {detail}; move it aside and retry"),
        };
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let entries = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| failed(path, e.to_string()))?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(error) => return Err(failed(path, error.to_string())),
        };
        Ok(Self {
            path: Some(path.to_owned()),
            entries,
        })
    }

    fn key(chain_id: u64, account: Address) -> String {
        format!("{chain_id}:{account}")
    }

    fn last(&self, chain_id: u64, account: Address) -> Option<BookedTx> {
        self.entries.get(&Self::key(chain_id, account)).copied()
    }

    fn record(
        &mut self,
        chain_id: u64,
        account: Address,
        nonce: u64,
        hash: B256,
    ) -> Result<(), ChainError> {
        self.entries
            .insert(Self::key(chain_id, account), BookedTx { nonce, hash });
        let Some(path) = &self.path else {
            return Ok(());
        };
        let failed = |detail: String| ChainError::Rpc {
            url: path.display().to_string(),
            detail: format!("the nonce book cannot be written: {detail}"),
        };
        let bytes = serde_json::to_vec_pretty(&self.entries).map_err(|e| failed(e.to_string()))?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| failed(e.to_string()))?;
        }
        let temporary = path.with_extension("partial");
        std::fs::write(&temporary, bytes).map_err(|e| failed(e.to_string()))?;
        std::fs::rename(&temporary, path).map_err(|e| failed(e.to_string()))
    }
}
