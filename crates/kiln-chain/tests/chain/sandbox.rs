//! The sandbox keeps its world across restarts, and says what to do with a file it cannot read.

use kiln_chain::sandbox::SANDBOX_FILE;
use kiln_chain::{Chain, ChainError, Placement, Sandbox};

use crate::support::{Item, block_on};

#[test]
fn the_sandbox_world_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let item = Item::new(7);
    let (account, deployment, head) = block_on(async {
        let chain = Sandbox::open(dir.path()).unwrap();
        let minted = chain.mint(item.request()).await.unwrap();
        chain
            .place(
                minted.token_id,
                Placement {
                    x: 4,
                    z: 5,
                    rotation: 45,
                },
            )
            .await
            .unwrap();
        (
            chain.account(),
            chain.deployment().unwrap(),
            chain.head().await.unwrap(),
        )
    });
    block_on(async {
        let chain = Sandbox::open(dir.path()).unwrap();
        assert_eq!(chain.account(), account, "the dev key changed");
        assert_eq!(
            chain.deployment().unwrap(),
            deployment,
            "the contract moved"
        );
        assert_eq!(chain.head().await.unwrap(), head, "blocks were lost");
        let token = chain.item_at(4, 5).await.unwrap().expect("the placed item");
        let record = chain.token(token).await.unwrap().unwrap();
        assert_eq!(record.token_uri, item.token_uri());
        assert_eq!(
            record.placement,
            Some(Placement {
                x: 4,
                z: 5,
                rotation: 45
            })
        );
        // The restarted sandbox goes on where it stopped.
        let next = chain.mint(Item::new(8).request()).await.unwrap();
        assert_eq!(next.tx.block.number, head.number + 1);
    });
}

#[test]
fn two_processes_on_one_sandbox_see_each_others_transactions_and_lose_none() {
    let dir = tempfile::tempdir().unwrap();
    block_on(async {
        // The client and the CLI each hold the sandbox of one data directory.
        let client = Sandbox::open(dir.path()).unwrap();
        let cli = Sandbox::open(dir.path()).unwrap();
        let first = cli.mint(Item::new(1).request()).await.unwrap();
        assert!(
            client.token(first.token_id).await.unwrap().is_some(),
            "the client does not see the CLI's mint"
        );
        let second = client.mint(Item::new(2).request()).await.unwrap();
        assert_eq!(second.tx.block.number, first.tx.block.number + 1);
        // The CLI's next transaction builds on the client's, and neither is lost.
        let third = cli.mint(Item::new(3).request()).await.unwrap();
        assert_eq!(third.tx.block.number, second.tx.block.number + 1);
        let reopened = Sandbox::open(dir.path()).unwrap();
        for minted in [first, second, third] {
            assert!(
                reopened.token(minted.token_id).await.unwrap().is_some(),
                "a token was lost"
            );
        }
    });
}

#[test]
fn a_damaged_sandbox_file_is_refused_with_what_to_do_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SANDBOX_FILE);
    std::fs::write(&path, b"{\"format\": 1, \"chain_id\": ").unwrap();
    let error = Sandbox::open(dir.path()).unwrap_err();
    assert!(matches!(error, ChainError::Sandbox { .. }), "{error:?}");
    assert!(error.to_string().contains("move it aside"), "{error}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"{\"format\": 1, \"chain_id\": "
    );
}

#[test]
fn a_sandbox_kept_as_bytes_comes_back_whole_and_bad_bytes_are_refused() {
    // How a browser tab keeps its world in IndexedDB.
    let item = Item::new(9);
    block_on(async {
        let chain = Sandbox::in_memory().unwrap();
        let minted = chain.mint(item.request()).await.unwrap();
        let placement = Placement {
            x: -2,
            z: 3,
            rotation: 90,
        };
        chain.place(minted.token_id, placement).await.unwrap();
        let bytes = chain.to_bytes().unwrap();

        let back = Sandbox::from_bytes(&bytes, "IndexedDB").unwrap();
        assert_eq!(back.account(), chain.account(), "the dev key changed");
        assert_eq!(back.deployment().unwrap(), chain.deployment().unwrap());
        assert_eq!(back.head().await.unwrap(), chain.head().await.unwrap());
        let record = back.token(minted.token_id).await.unwrap().unwrap();
        assert_eq!(record.token_uri, item.token_uri());
        assert_eq!(record.placement, Some(placement));
        // The world goes on from where it was kept.
        let next = back.mint(Item::new(10).request()).await.unwrap();
        assert_eq!(next.tx.block.number, chain.head().await.unwrap().number + 1);

        let error = Sandbox::from_bytes(&bytes[..bytes.len() / 2], "IndexedDB").unwrap_err();
        assert!(matches!(error, ChainError::Sandbox { .. }), "{error:?}");
        assert!(error.to_string().contains("IndexedDB"), "{error}");

        // Well-formed, but without a block: refused when read, not a panic when asked for
        // its head.
        let mut state: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        state["blocks"] = serde_json::json!([]);
        let error = Sandbox::from_bytes(&serde_json::to_vec(&state).unwrap(), "IndexedDB")
            .map(|_| ())
            .unwrap_err();
        assert!(error.to_string().contains("no blocks"), "{error}");
        assert!(error.to_string().contains("move it aside"), "{error}");
    });
}
