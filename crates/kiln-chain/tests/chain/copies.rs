//! A creator's mint copied by another account, from the node's pool at a higher tip or from the
//! published files: the copier gets neither the creator's token nor its creator record, and the
//! creator's own mint lands. Attacked on anvil with automine off, so the copy really waits in the
//! same pool and is mined first.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::sol_types::SolCall;
use kiln_chain::contract::KilnItems;
use kiln_chain::{Chain, MintRequest, TokenId};
use serde_json::{Value, json};

use crate::support::{Item, anvil_chain, block_on, options, signer};

/// A hex quantity of a JSON-RPC answer.
fn quantity(value: &Value) -> U256 {
    value
        .as_str()
        .and_then(|hex| U256::from_str_radix(hex.trim_start_matches("0x"), 16).ok())
        .unwrap_or_else(|| panic!("{value} is not a quantity"))
}

/// Sends the creator's mint of `item` and, while it waits in anvil's pool, sends its calldata
/// from `copier` at a higher tip, with `to` rewritten by `rewrite`; then mines. Returns the
/// creator's token, and the hash of the copy and its receipt.
async fn copied_from_the_pool(
    anvil: &kiln_testkit::Anvil,
    creator: &kiln_chain::RpcChain,
    copier: Address,
    item: &Item,
    rewrite: Option<Address>,
) -> (kiln_chain::MintReceipt, Value) {
    anvil.rpc("evm_setAutomine", json!([false]));
    let sent = Arc::new(Mutex::new(None::<B256>));
    let landed = AtomicBool::new(false);
    let journal = Arc::clone(&sent);
    let mint = async {
        let minted = creator
            .mint_recorded(item.request(), move |outgoing| {
                if let kiln_chain::Outgoing::Signed(signed) = outgoing {
                    *journal.lock().unwrap() = Some(signed.hash);
                }
                Ok(())
            })
            .await;
        landed.store(true, Ordering::SeqCst);
        minted
    };
    let attack = async {
        // What a watcher of the pool sees: the pending transaction, calldata and fees.
        let pending = loop {
            let hash = *sent.lock().unwrap();
            if let Some(hash) = hash {
                let seen = anvil.rpc("eth_getTransactionByHash", json!([hash]));
                if !seen.is_null() {
                    assert!(seen["blockNumber"].is_null(), "automine is off: {seen}");
                    break seen;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let mut calldata: Vec<u8> = alloy::hex::decode(pending["input"].as_str().unwrap()).unwrap();
        if let Some(to) = rewrite {
            // mint(address to, bytes32, bytes32): `to` is the first word after the selector.
            calldata[4..36].copy_from_slice(B256::left_padding_from(to.as_slice()).as_slice());
        }
        let tip = quantity(&pending["maxPriorityFeePerGas"]) + U256::from(1_000_000_000u64);
        let fee_cap = quantity(&pending["maxFeePerGas"]) * U256::from(2) + tip;
        let copy = anvil.rpc(
            "eth_sendTransaction",
            json!([{
                "from": copier,
                "to": pending["to"],
                "data": Bytes::from(calldata),
                "gas": pending["gas"],
                "maxPriorityFeePerGas": format!("{tip:#x}"),
                "maxFeePerGas": format!("{fee_cap:#x}"),
            }]),
        );
        // Mine until the creator's wait for its receipt (and confirmations) is over.
        while !landed.load(Ordering::SeqCst) {
            anvil.rpc("evm_mine", json!([]));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anvil.rpc("eth_getTransactionReceipt", json!([copy]))
    };
    let (minted, copy_receipt) = tokio::join!(mint, attack);
    anvil.rpc("evm_setAutomine", json!([true]));
    let minted = minted.expect("the creator's mint lands although a copy went first");
    (minted, copy_receipt)
}

/// Anvil's dev account 1 on the creator's contract: the one who copies.
async fn second_account(
    anvil: &kiln_testkit::Anvil,
    deployment: kiln_chain::Deployment,
) -> kiln_chain::RpcChain {
    let copier = kiln_chain::RpcChain::connect(&anvil.url, signer(1), options())
        .await
        .unwrap();
    copier.attach(deployment).await.unwrap();
    copier
}

#[test]
fn a_mint_copied_from_the_pool_at_a_higher_tip_takes_nothing_of_the_creators() {
    block_on(async {
        let (anvil, creator, deployment) = anvil_chain().await;
        let copier = second_account(&anvil, deployment).await;
        let me = creator.account();
        let thief = copier.account();

        for (n, rewrite) in [(1, None), (2, Some(thief))] {
            let item = Item::new(n);
            let (minted, copy) =
                copied_from_the_pool(&anvil, &creator, thief, &item, rewrite).await;
            // The copy was mined, and before the creator's mint: it did front-run.
            assert_eq!(copy["status"], "0x1", "{copy}");
            let creators_receipt = anvil.rpc("eth_getTransactionReceipt", json!([minted.tx.hash]));
            assert_eq!(creators_receipt["blockNumber"], copy["blockNumber"]);
            assert!(
                quantity(&copy["transactionIndex"])
                    < quantity(&creators_receipt["transactionIndex"]),
                "the copy was not mined first: {copy} {creators_receipt}"
            );

            // The creator's token, record and royalties are the creator's.
            let glb = item.request().glb_sha256;
            assert_eq!(minted.token_id, TokenId::of(me, glb));
            let mine = creator.token(minted.token_id).await.unwrap().unwrap();
            assert_eq!((mine.owner, mine.creator), (me, me));
            assert_eq!(mine.metadata_sha256, item.request().metadata_sha256);

            // The copy is a token of the copier's own id, recorded as the copier's: it can be
            // told apart (its metadata names the creator, who did not mint it).
            let copy_id = TokenId::of(thief, glb);
            assert_ne!(copy_id, minted.token_id);
            let copied = creator.token(copy_id).await.unwrap().unwrap();
            assert_eq!(copied.creator, thief);
            assert_eq!(copied.owner, rewrite.unwrap_or(me));
        }
    });
}

/// Files are published before the mint, so anyone may mint them first: that neither blocks the
/// creator nor gives the first minter the creator's token.
#[test]
fn published_files_minted_first_by_another_account_neither_block_nor_take_the_creators_token() {
    block_on(async {
        let (anvil, creator, deployment) = anvil_chain().await;
        let copier = second_account(&anvil, deployment).await;
        let item = Item::new(3);
        let first = copier
            .mint(MintRequest {
                to: Some(copier.account()),
                ..item.request()
            })
            .await
            .unwrap();
        assert_eq!(
            first.token_id,
            TokenId::of(copier.account(), item.request().glb_sha256)
        );
        let minted = creator.mint(item.request()).await.unwrap();
        assert_ne!(minted.token_id, first.token_id);
        let record = creator.token(minted.token_id).await.unwrap().unwrap();
        assert_eq!(
            (record.owner, record.creator),
            (creator.account(), creator.account())
        );
        // The contract's id is the one the client computes.
        let call = KilnItems::tokenIdOfCall {
            creator: creator.account(),
            glbDigest: item.request().glb_sha256,
        };
        let answer = creator
            .call(deployment.address, call.abi_encode().into())
            .await
            .unwrap();
        let id = KilnItems::tokenIdOfCall::abi_decode_returns(&answer).unwrap();
        assert_eq!(TokenId::from(id), minted.token_id);
    });
}
