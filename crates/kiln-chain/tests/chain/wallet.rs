//! The chain through a wallet, as the browser build reaches a real network: a wallet that
//! relays to anvil and signs with anvil's unlocked dev account, and does what players do —
//! say no, sit on another chain, disconnect.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use alloy::primitives::Address;
use kiln_chain::{
    Chain, ChainError, Eip1193, Index, Revert, WalletChain, WalletError, WalletNetwork,
    WalletOptions,
};
use kiln_testkit::{ANVIL_CHAIN_ID, Anvil, forward_rpc};
use serde_json::{Value, json};

use crate::agreement::scenario;
use crate::support::{Item, block_on, sandbox, signer};

/// A wallet in front of anvil. Its account is anvil's dev account 0, which anvil signs for.
struct TestWallet {
    port: u16,
    account: Address,
    /// What `eth_accounts` answers: empty until connected, and after a disconnect.
    accounts: Mutex<Vec<Address>>,
    /// The chain the wallet is on.
    chain_id: Mutex<u64>,
    /// Whether the wallet knows anvil's chain (else switching to it answers 4902).
    knows_anvil: AtomicBool,
    refuse_sends: AtomicBool,
    refuse_switch: AtomicBool,
    /// `eth_sendTransaction`s the player was asked to approve.
    asked_to_send: AtomicUsize,
}

impl TestWallet {
    fn new(anvil: &Anvil, chain_id: u64) -> Self {
        Self {
            port: anvil.port,
            account: signer(0).address(),
            accounts: Mutex::new(Vec::new()),
            chain_id: Mutex::new(chain_id),
            knows_anvil: AtomicBool::new(chain_id == ANVIL_CHAIN_ID),
            refuse_sends: AtomicBool::new(false),
            refuse_switch: AtomicBool::new(false),
            asked_to_send: AtomicUsize::new(0),
        }
    }

    fn refused() -> WalletError {
        WalletError {
            code: WalletError::USER_REJECTED,
            message: "User rejected the request.".into(),
            data: None,
        }
    }

    fn answer(&self, method: &str, params: Value) -> Result<Value, WalletError> {
        match method {
            "eth_requestAccounts" => {
                *self.accounts.lock().unwrap() = vec![self.account];
                Ok(json!([self.account]))
            }
            "eth_accounts" => Ok(json!(*self.accounts.lock().unwrap())),
            "eth_chainId" => Ok(json!(format!("{:#x}", *self.chain_id.lock().unwrap()))),
            "wallet_switchEthereumChain" | "wallet_addEthereumChain" => {
                if self.refuse_switch.load(Ordering::SeqCst) {
                    return Err(Self::refused());
                }
                let wanted = params[0]["chainId"].as_str().unwrap();
                assert_eq!(wanted, format!("{ANVIL_CHAIN_ID:#x}"));
                if method == "wallet_addEthereumChain" {
                    assert_eq!(
                        params[0]["rpcUrls"][0],
                        format!("http://127.0.0.1:{}", self.port)
                    );
                    self.knows_anvil.store(true, Ordering::SeqCst);
                } else if !self.knows_anvil.load(Ordering::SeqCst) {
                    return Err(WalletError {
                        code: WalletError::UNRECOGNIZED_CHAIN,
                        message: "Unrecognized chain ID".into(),
                        data: None,
                    });
                }
                *self.chain_id.lock().unwrap() = ANVIL_CHAIN_ID;
                Ok(Value::Null)
            }
            "eth_sendTransaction" => {
                self.asked_to_send.fetch_add(1, Ordering::SeqCst);
                if self.refuse_sends.load(Ordering::SeqCst) {
                    return Err(Self::refused());
                }
                if !self.accounts.lock().unwrap().contains(&self.account) {
                    return Err(WalletError {
                        code: WalletError::UNAUTHORIZED,
                        message: "not connected".into(),
                        data: None,
                    });
                }
                self.relay(method, params)
            }
            _ => self.relay(method, params),
        }
    }

    fn relay(&self, method: &str, params: Value) -> Result<Value, WalletError> {
        relay(self.port, method, params)
    }
}

impl Eip1193 for &TestWallet {
    async fn request(&self, method: &str, params: Value) -> Result<Value, WalletError> {
        self.answer(method, params)
    }
}

/// The network's node, as the world is read from it: anvil, asked over HTTP.
struct Node(u16);

impl Eip1193 for Node {
    async fn request(&self, method: &str, params: Value) -> Result<Value, WalletError> {
        relay(self.0, method, params)
    }
}

fn relay(port: u16, method: &str, params: Value) -> Result<Value, WalletError> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let answer: Value =
        serde_json::from_slice(&forward_rpc(port, body.to_string().as_bytes())).unwrap();
    match answer.get("error") {
        Some(error) => Err(WalletError {
            code: error["code"].as_i64().unwrap_or(-32603),
            message: error["message"].as_str().unwrap_or_default().to_owned(),
            data: error.get("data").cloned(),
        }),
        None => Ok(answer["result"].clone()),
    }
}

fn through<'a>(wallet: &'a TestWallet, anvil: &Anvil) -> WalletChain<Node, &'a TestWallet> {
    WalletChain::new(
        Node(anvil.port),
        wallet,
        anvil_network(anvil),
        WalletOptions::default(),
    )
}

fn anvil_network(anvil: &Anvil) -> WalletNetwork {
    WalletNetwork {
        chain_id: ANVIL_CHAIN_ID,
        name: "anvil".into(),
        rpc_url: anvil.url.clone(),
    }
}

#[test]
fn through_a_wallet_anvil_agrees_with_the_sandbox_on_every_result_and_event() {
    let on_sandbox = block_on(scenario(&sandbox()));
    let anvil = Anvil::start();
    let wallet = TestWallet::new(&anvil, ANVIL_CHAIN_ID);
    let (on_wallet, indexed) = block_on(async {
        let chain = through(&wallet, &anvil);
        assert_eq!(chain.connect().await.unwrap(), wallet.account);
        anvil.rpc("anvil_mine", json!([5]));
        let deployment = chain.deploy(kiln_chain::DEFAULT_ROYALTY_BPS).await.unwrap();
        assert_eq!(deployment.block, 6);
        anvil.rpc("anvil_mine", json!([3]));
        assert_eq!(
            chain.locate(deployment.address).await.unwrap(),
            deployment,
            "the contract is found in the block that created it"
        );
        let nothing_there = chain.locate(Address::repeat_byte(7)).await.unwrap_err();
        assert!(
            matches!(nothing_there, ChainError::NoCode { .. }),
            "{nothing_there:?}"
        );
        let observed = scenario(&chain).await;
        let mut index = Index::in_memory(deployment).unwrap();
        index.sync(&chain).await.unwrap();
        (observed, index.all().unwrap())
    });
    for ((what, sandbox_gas), (_, wallet_gas)) in on_sandbox.gas.iter().zip(&on_wallet.gas) {
        let difference = sandbox_gas.abs_diff(*wallet_gas) as f64 / *wallet_gas as f64;
        assert!(
            difference <= 0.01,
            "{what}: sandbox {sandbox_gas} gas, through the wallet {wallet_gas} gas"
        );
    }
    assert_eq!(on_sandbox.gas.len(), on_wallet.gas.len());
    assert_eq!(on_sandbox.token_uris, on_wallet.token_uris);
    assert_eq!(on_sandbox.refusals, on_wallet.refusals);
    assert_eq!(on_sandbox.events, on_wallet.events);
    assert_eq!(on_sandbox.records, on_wallet.records);
    assert_eq!(
        indexed.len(),
        on_sandbox.token_uris.len(),
        "the index read through the wallet has every token: {indexed:?}"
    );
    // The wallet was asked once per transaction that went out, never for a refused one.
    assert_eq!(
        wallet.asked_to_send.load(Ordering::SeqCst),
        1 + on_wallet.gas.len(),
        "deploy + each sent transaction"
    );
}

#[test]
fn a_refusal_another_chain_and_a_disconnect_are_errors_that_say_what_to_do() {
    let anvil = Anvil::start();
    // The player's wallet sits on mainnet and has never heard of this chain.
    let wallet = TestWallet::new(&anvil, 1);
    block_on(async {
        let chain = through(&wallet, &anvil);
        // The world reads from its own node, whatever the wallet is doing.
        chain.head().await.unwrap();
        let not_connected = chain.deploy(500).await.unwrap_err();
        assert!(
            matches!(not_connected, ChainError::WalletNotConnected),
            "{not_connected:?}"
        );
        assert!(not_connected.to_string().contains("Connect wallet"));

        // Connecting adds the chain to the wallet and switches to it.
        assert_eq!(chain.connect().await.unwrap(), wallet.account);
        let state = chain.state().await.unwrap();
        assert_eq!(
            (state.account, state.chain_id),
            (Some(wallet.account), ANVIL_CHAIN_ID)
        );
        let deployment = chain.deploy(500).await.unwrap();

        let item = Item::new(1);
        wallet.refuse_sends.store(true, Ordering::SeqCst);
        let refused = chain.mint(item.request()).await.unwrap_err();
        assert!(
            matches!(refused, ChainError::WalletRefused { .. }),
            "{refused:?}"
        );
        assert!(
            refused.to_string().contains("nothing was sent"),
            "{refused}"
        );
        let token = kiln_chain::TokenId::of(chain.account(), item.request().glb_sha256);
        assert_eq!(
            chain.token(token).await.unwrap(),
            None,
            "a refusal mints nothing"
        );

        wallet.refuse_sends.store(false, Ordering::SeqCst);
        chain.mint(item.request()).await.unwrap();
        let asked = wallet.asked_to_send.load(Ordering::SeqCst);
        let again = chain.mint(item.request()).await.unwrap_err();
        assert!(
            matches!(again, ChainError::Reverted(Revert::AlreadyMinted { token: t }) if t == token),
            "{again:?}"
        );
        assert_eq!(
            wallet.asked_to_send.load(Ordering::SeqCst),
            asked,
            "a transaction that would revert is never put to the player"
        );

        // The player disconnects Kiln in the wallet: sending stops, reading goes on.
        wallet.accounts.lock().unwrap().clear();
        let disconnected = chain.mint(Item::new(2).request()).await.unwrap_err();
        assert!(
            matches!(disconnected, ChainError::WalletNotConnected),
            "{disconnected:?}"
        );
        assert_eq!(chain.account(), Address::ZERO);
        assert!(chain.token(token).await.unwrap().is_some());

        // Reconnected, the player moves the wallet to mainnet and refuses to come back.
        chain.connect().await.unwrap();
        *wallet.chain_id.lock().unwrap() = 1;
        wallet.refuse_switch.store(true, Ordering::SeqCst);
        let stays = chain.mint(Item::new(2).request()).await.unwrap_err();
        assert!(
            matches!(&stays, ChainError::WalletRefused { what } if what.contains("switching to chain 31337")),
            "{stays:?}"
        );
        assert!(
            chain.token(token).await.unwrap().is_some(),
            "reading goes on"
        );

        // Switching back when asked: the mint goes through.
        wallet.refuse_switch.store(false, Ordering::SeqCst);
        chain.mint(Item::new(2).request()).await.unwrap();
        assert_eq!(*wallet.chain_id.lock().unwrap(), ANVIL_CHAIN_ID);

        // A node of another chain than the world's is refused before anything is read.
        let network = WalletNetwork {
            chain_id: 5,
            ..anvil_network(&anvil)
        };
        let other = WalletChain::new(Node(anvil.port), &wallet, network, WalletOptions::default());
        let wrong = other.locate(deployment.address).await.unwrap_err();
        assert!(
            matches!(
                wrong,
                ChainError::WrongChain {
                    expected: 5,
                    actual: ANVIL_CHAIN_ID,
                    ..
                }
            ),
            "{wrong:?}"
        );
    });
}
