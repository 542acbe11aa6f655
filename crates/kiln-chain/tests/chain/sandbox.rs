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
