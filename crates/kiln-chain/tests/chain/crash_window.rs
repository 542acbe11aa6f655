//! What a crash-safe journal needs from a chain: the signed transaction's hash before it
//! leaves, and later where that transaction stands, on both backends.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kiln_chain::{Chain, ChainError, Outgoing, SignedTx, TokenId, TxStatus};

use crate::support::{Item, anvil_chain, block_on, sandbox};

async fn record_then_find<C: Chain>(chain: &C) {
    // A journal that fails to write the hash down: nothing may be sent.
    let item = Item::new(1);
    let refused = chain
        .mint_recorded(item.request(), |_| {
            Err(ChainError::Sandbox {
                path: "journal".into(),
                detail: "disk full".into(),
            })
        })
        .await;
    assert!(refused.is_err());
    assert_eq!(
        chain
            .token(TokenId::of(chain.account(), item.request().glb_sha256))
            .await
            .unwrap(),
        None
    );

    // A journal that writes it down finds the transaction again, mined, by its hash. It is
    // shown the transaction signed, then taken by the node: two moments, in that order.
    let recorded = Arc::new(Mutex::new(Vec::new()));
    let journal = Arc::clone(&recorded);
    let minted = chain
        .mint_recorded(item.request(), move |outgoing| {
            journal.lock().unwrap().push(outgoing);
            Ok(())
        })
        .await
        .unwrap();
    let shown = recorded.lock().unwrap().clone();
    let [Outgoing::Signed(signed), Outgoing::Sent(sent)] = shown[..] else {
        panic!("the journal was shown {shown:?}");
    };
    assert_eq!(signed, sent);
    assert_eq!(signed.hash, minted.tx.hash);
    match chain.transaction(signed.hash).await.unwrap() {
        TxStatus::Mined(sent) => assert_eq!(sent.outcome, minted.tx),
        other => panic!("a mined mint is {other:?}"),
    }
    assert_eq!(
        chain.wait_for(signed.hash).await.unwrap().outcome,
        minted.tx
    );
    let never_sent = Item::new(2).request().glb_sha256;
    assert_eq!(
        chain.transaction(never_sent).await.unwrap(),
        TxStatus::Unknown
    );
}

#[test]
fn a_recorded_transaction_is_found_again_on_the_sandbox_and_on_anvil() {
    block_on(record_then_find(&sandbox()));
    block_on(async {
        let (_anvil, chain, _) = anvil_chain().await;
        record_then_find(&chain).await;
    });
}

#[test]
fn a_transaction_sent_but_not_yet_mined_is_pending_and_can_be_waited_for() {
    block_on(async {
        let (anvil, chain, _) = anvil_chain().await;
        anvil.rpc("evm_setAutomine", serde_json::json!([false]));
        let recorded = Arc::new(Mutex::new(None::<SignedTx>));
        let journal = Arc::clone(&recorded);
        let mint = chain.mint_recorded(Item::new(1).request(), move |outgoing| {
            if let Outgoing::Signed(signed) = outgoing {
                *journal.lock().unwrap() = Some(signed);
            }
            Ok(())
        });
        let watch = async {
            let hash = loop {
                if let Some(signed) = *recorded.lock().unwrap() {
                    break signed.hash;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            };
            // Sent, in the pool, not in a block: what a restarted journal would find.
            let mut status = chain.transaction(hash).await.unwrap();
            while status == TxStatus::Unknown {
                tokio::time::sleep(Duration::from_millis(20)).await;
                status = chain.transaction(hash).await.unwrap();
            }
            assert_eq!(status, TxStatus::Pending);
            anvil.rpc("evm_mine", serde_json::json!([]));
            hash
        };
        let (minted, hash) = tokio::join!(mint, watch);
        assert_eq!(minted.unwrap().tx.hash, hash);
        assert!(matches!(
            chain.transaction(hash).await.unwrap(),
            TxStatus::Mined(_)
        ));
    });
}
