//! What a real node gives when something is wrong: another chain, no contract, another
//! contract, no money, no answer, a wrong answer, or a node that went away. Each is a typed
//! error that says what to do.

use std::net::TcpListener;
use std::time::Duration;

use alloy::primitives::Address;
use alloy::signers::local::PrivateKeySigner;
use kiln_chain::contract::PlainItems;
use kiln_chain::{Chain, ChainError, Deployment, RpcChain, RpcOptions};
use kiln_testkit::http_server::{self, Response};
use kiln_testkit::{ANVIL_CHAIN_ID, Anvil};

use crate::support::{Item, anvil_chain, block_on, options, signer};

#[test]
fn a_node_of_another_chain_is_refused() {
    let anvil = Anvil::start();
    let error = block_on(RpcChain::connect(
        &anvil.url,
        signer(0),
        RpcOptions {
            expected_chain_id: Some(1),
            ..RpcOptions::default()
        },
    ))
    .unwrap_err();
    assert!(
        matches!(
            error,
            ChainError::WrongChain {
                expected: 1,
                actual: ANVIL_CHAIN_ID,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("check the RPC URL"), "{error}");
}

#[test]
fn an_address_without_code_or_with_another_contract_is_refused() {
    block_on(async {
        let (_anvil, chain, _) = anvil_chain().await;
        let empty = Deployment {
            chain_id: ANVIL_CHAIN_ID,
            address: Address::repeat_byte(0x77),
            block: 0,
        };
        let error = chain.attach(empty).await.unwrap_err();
        assert!(matches!(error, ChainError::NoCode { .. }), "{error:?}");

        let plain = chain
            .send(None, PlainItems::BYTECODE.clone())
            .await
            .unwrap()
            .created
            .unwrap();
        let error = chain
            .attach(Deployment {
                address: plain,
                ..empty
            })
            .await
            .unwrap_err();
        assert!(matches!(error, ChainError::NotKiln { .. }), "{error:?}");
        assert!(
            error.to_string().contains("not a Kiln items contract"),
            "{error}"
        );
    });
}

#[test]
fn an_account_without_ether_is_told_to_fund_it_and_nothing_is_sent() {
    block_on(async {
        let (anvil, chain, deployment) = anvil_chain().await;
        let poor = RpcChain::connect(&anvil.url, PrivateKeySigner::random(), options())
            .await
            .unwrap();
        poor.attach(deployment).await.unwrap();
        let item = Item::new(1);
        let error = poor.mint(item.request()).await.unwrap_err();
        assert!(
            matches!(error, ChainError::InsufficientFunds { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("fund the account"), "{error}");
        assert_eq!(
            chain
                .token(kiln_chain::TokenId::of(
                    poor.account(),
                    item.request().glb_sha256
                ))
                .await
                .unwrap(),
            None
        );
    });
}

#[test]
fn a_node_that_never_answers_times_out() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let error = block_on(RpcChain::connect(
        &url,
        signer(0),
        RpcOptions {
            request_timeout: Duration::from_millis(300),
            ..options()
        },
    ))
    .unwrap_err();
    assert!(matches!(error, ChainError::Timeout { .. }), "{error:?}");
    drop(silent);
}

#[test]
fn a_node_that_went_away_or_was_never_there_says_so() {
    block_on(async {
        let (mut anvil, chain, _) = anvil_chain().await;
        anvil.stop();
        let error = chain.mint(Item::new(1).request()).await.unwrap_err();
        assert!(matches!(error, ChainError::Rpc { .. }), "{error:?}");
        assert!(error.to_string().contains("check that it runs"), "{error}");
    });
    let error = block_on(RpcChain::connect("ftp://example.org", signer(0), options())).unwrap_err();
    assert!(error.to_string().contains("http://"), "{error}");
}

/// A proxy in front of anvil that hands out logs of another contract.
fn lying_proxy(upstream: String) -> String {
    http_server::start(move |request, runtime| {
        let mut body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let method = body["method"].as_str().unwrap_or_default().to_owned();
        let client = alloy::transports::http::reqwest::Client::new();
        let mut answer: serde_json::Value = runtime.block_on(async {
            let response = client
                .post(&upstream)
                .json(&body.take())
                .send()
                .await
                .unwrap();
            response.json().await.unwrap()
        });
        if method == "eth_getLogs" {
            for log in answer["result"].as_array_mut().into_iter().flatten() {
                log["address"] = serde_json::json!("0x00000000000000000000000000000000000000aa");
            }
        }
        Response::json(200, answer)
    })
}

#[test]
fn a_node_that_lies_about_logs_is_caught() {
    block_on(async {
        let (anvil, chain, deployment) = anvil_chain().await;
        chain.mint(Item::new(1).request()).await.unwrap();
        let proxy = lying_proxy(anvil.url.clone());
        let liar = RpcChain::connect(&proxy, signer(0), options())
            .await
            .unwrap();
        liar.attach(deployment).await.unwrap();
        let head = liar.head().await.unwrap();
        let error = liar
            .events(deployment.block, head.number)
            .await
            .unwrap_err();
        assert!(matches!(error, ChainError::BadAnswer { .. }), "{error:?}");
    });
}

#[test]
fn the_nonce_book_carries_over_a_restart_and_forgets_dropped_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("nonces.json");
    let with_book = || RpcOptions {
        nonce_book: Some(book.clone()),
        ..options()
    };
    block_on(async {
        let (anvil, chain, deployment) = anvil_chain().await;
        drop(chain);
        let first = RpcChain::connect(&anvil.url, signer(1), with_book())
            .await
            .unwrap();
        first.attach(deployment).await.unwrap();
        first.mint(Item::new(1).request()).await.unwrap();
        let booked: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&book).unwrap()).unwrap();
        let key = format!("{ANVIL_CHAIN_ID}:{}", signer(1).address());
        assert_eq!(booked[&key]["nonce"], 0, "{booked}");
        drop(first);

        let restarted = RpcChain::connect(&anvil.url, signer(1), with_book())
            .await
            .unwrap();
        restarted.attach(deployment).await.unwrap();
        restarted.mint(Item::new(2).request()).await.unwrap();

        // A booked transaction the node never heard of (dropped from its pool) frees its nonce.
        let mut booked: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&book).unwrap()).unwrap();
        booked[&key] = serde_json::json!({"nonce": 7, "hash": format!("0x{}", "ab".repeat(32))});
        std::fs::write(&book, booked.to_string()).unwrap();
        let after_drop = RpcChain::connect(&anvil.url, signer(1), with_book())
            .await
            .unwrap();
        after_drop.attach(deployment).await.unwrap();
        let minted = after_drop.mint(Item::new(3).request()).await.unwrap();
        assert!(minted.tx.block.number > 0);
    });
}

#[test]
fn a_transaction_counts_as_done_only_with_the_confirmations_asked_for() {
    block_on(async {
        let (anvil, chain, deployment) = anvil_chain().await;
        let patient = RpcChain::connect(
            &anvil.url,
            signer(1),
            RpcOptions {
                confirmations: 3,
                ..options()
            },
        )
        .await
        .unwrap();
        patient.attach(deployment).await.unwrap();
        // anvil mines the mint at once. The mint must not return while its block is the head:
        // watched for a second from the moment the block exists (not from the call, whose own
        // estimate and signing take long on a loaded machine).
        let before = chain.head().await.unwrap().number;
        let mint = patient.mint(Item::new(1).request());
        tokio::pin!(mint);
        let mut mined_at: Option<std::time::Instant> = None;
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            tokio::select! {
                biased;
                result = &mut mint => panic!(
                    "returned before 3 confirmations (head {:?}): {result:?}",
                    chain.head().await.unwrap()
                ),
                () = tokio::time::sleep(Duration::from_millis(50)) => {
                    if mined_at.is_none() && chain.head().await.unwrap().number > before {
                        mined_at = Some(std::time::Instant::now());
                    }
                    if mined_at.is_some_and(|at| at.elapsed() > Duration::from_secs(1)) {
                        break;
                    }
                    assert!(std::time::Instant::now() < deadline, "the mint was never mined");
                }
            }
        }
        kiln_testkit::anvil_rpc(anvil.port, "anvil_mine", serde_json::json!(["0x2"]));
        let minted = mint.await.unwrap();
        assert_eq!(minted.tx.block.number, before + 1);
        assert!(chain.head().await.unwrap().number >= minted.tx.block.number + 2);
    });
}
