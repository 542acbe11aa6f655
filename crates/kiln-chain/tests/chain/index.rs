//! The event index: queries, resuming, reorgs, and never half a sync.

use alloy::primitives::Address;
use kiln_chain::index::SyncReport;
use kiln_chain::{Chain, Deployment, Index, IndexError, MintRequest, Placement, TokenId};

use crate::support::{Item, anvil_chain, block_on, sandbox};

#[test]
fn the_index_answers_by_owner_creator_and_plot_and_resumes_where_it_stopped() {
    let chain = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.sqlite");
    let friend = Address::repeat_byte(0x42);
    block_on(async {
        let deployment = chain.deployment().unwrap();
        let a = chain.mint(Item::new(1).request()).await.unwrap().token_id;
        let b = chain
            .mint(MintRequest {
                to: Some(friend),
                ..Item::new(2).request()
            })
            .await
            .unwrap()
            .token_id;
        chain
            .place(
                a,
                Placement {
                    x: 1,
                    z: 2,
                    rotation: 10,
                },
            )
            .await
            .unwrap();

        let mut index = Index::open(&path, deployment).unwrap();
        let first = index.sync(&chain).await.unwrap();
        assert_eq!(first.from, deployment.block);
        assert!(!first.reorganised);
        assert_eq!(first.events, 2 + 2 + 1);

        let mine = index.by_owner(chain.account()).unwrap();
        assert_eq!(mine.iter().map(|t| t.id).collect::<Vec<_>>(), vec![a]);
        assert_eq!(index.by_owner(friend).unwrap()[0].id, b);
        assert_eq!(index.by_creator(chain.account()).unwrap().len(), 2);
        let on_plot = index.at_plot(1, 2).unwrap().expect("the placed item");
        assert_eq!(on_plot.id, a);
        assert_eq!(
            on_plot.metadata_sha256,
            Item::new(1).request().metadata_sha256
        );
        assert_eq!(index.at_plot(2, 1).unwrap(), None);
        assert_eq!(index.placed().unwrap().len(), 1);

        // Reopened, it reads only what is new.
        drop(index);
        chain.transfer(a, friend).await.unwrap();
        chain
            .place(
                a,
                Placement {
                    x: 3,
                    z: 3,
                    rotation: 0,
                },
            )
            .await
            .unwrap_err();
        let mut index = Index::open(&path, deployment).unwrap();
        let resumed: SyncReport = index.sync(&chain).await.unwrap();
        assert_eq!(resumed.from, first.head.number + 1);
        assert_eq!(resumed.events, 1);
        let a_now = index.token(a).unwrap().unwrap();
        assert_eq!(a_now.owner, friend);
        assert_eq!(
            a_now.placement,
            Some(Placement {
                x: 1,
                z: 2,
                rotation: 10
            })
        );
        assert_eq!(index.by_owner(friend).unwrap().len(), 2);
        assert!(index.by_owner(chain.account()).unwrap().is_empty());

        let unchanged = index.sync(&chain).await.unwrap();
        assert_eq!(unchanged.events, 0);

        let other = Deployment {
            address: Address::repeat_byte(1),
            ..deployment
        };
        assert!(matches!(
            Index::open(&path, other),
            Err(IndexError::OtherDeployment { .. })
        ));
    });
}

#[test]
fn a_reorganised_chain_is_read_again_and_its_dropped_items_leave_the_index() {
    block_on(async {
        let (anvil, chain, deployment) = anvil_chain().await;
        let kept = chain.mint(Item::new(1).request()).await.unwrap().token_id;
        let snapshot = anvil.rpc("evm_snapshot", serde_json::json!([]));
        let dropped = chain.mint(Item::new(2).request()).await.unwrap().token_id;
        chain
            .place(
                dropped,
                Placement {
                    x: 0,
                    z: 0,
                    rotation: 0,
                },
            )
            .await
            .unwrap();

        let mut index = Index::in_memory(deployment).unwrap().with_reorg_depth(16);
        index.sync(&chain).await.unwrap();
        assert!(index.token(dropped).unwrap().is_some());

        // The chain forgets the last two blocks and grows three others at their heights.
        anvil.rpc("evm_revert", serde_json::json!([snapshot]));
        let replacement = chain.mint(Item::new(3).request()).await.unwrap().token_id;
        chain
            .place(
                replacement,
                Placement {
                    x: 0,
                    z: 0,
                    rotation: 0,
                },
            )
            .await
            .unwrap();
        chain.mint(Item::new(4).request()).await.unwrap();

        let report = index.sync(&chain).await.unwrap();
        assert!(report.reorganised);
        assert!(
            index.token(dropped).unwrap().is_none(),
            "a reorganised-away mint stayed"
        );
        assert!(index.token(kept).unwrap().is_some());
        assert_eq!(
            index.at_plot(0, 0).unwrap().map(|t| t.id),
            Some(replacement)
        );
        let ids: Vec<TokenId> = index.all().unwrap().into_iter().map(|t| t.id).collect();
        assert_eq!(ids.len(), 3, "{ids:?}");
    });
}

#[test]
fn a_sync_that_fails_halfway_leaves_the_index_as_it_was() {
    block_on(async {
        let (mut anvil, chain, deployment) = anvil_chain().await;
        chain.mint(Item::new(1).request()).await.unwrap();
        let mut index = Index::in_memory(deployment).unwrap();
        index.sync(&chain).await.unwrap();
        let before = (index.cursor().unwrap(), index.all().unwrap());
        chain.mint(Item::new(2).request()).await.unwrap();
        anvil.stop();
        assert!(matches!(
            index.sync(&chain).await,
            Err(IndexError::Chain(_))
        ));
        assert_eq!((index.cursor().unwrap(), index.all().unwrap()), before);
    });
}

/// A damaged index file is moved aside, not deleted, and the index is read again from the
/// chain; an index that is only busy or of another deployment is left alone.
#[test]
fn a_damaged_index_is_moved_aside_and_read_again_from_the_chain() {
    let chain = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.sqlite");
    block_on(async {
        let deployment = chain.deployment().unwrap();
        let minted = chain.mint(Item::new(1).request()).await.unwrap().token_id;
        let garbage = b"not an index, whatever it was".repeat(200);
        std::fs::write(&path, &garbage).unwrap();
        assert!(Index::open(&path, deployment).is_err());

        let (mut index, note) = Index::open_or_rebuild(&path, deployment).unwrap();
        let note = note.expect("the rebuild is reported");
        assert!(
            note.contains("damaged") && note.contains(".damaged"),
            "{note}"
        );
        assert_eq!(
            std::fs::read(path.with_extension("damaged")).unwrap(),
            garbage
        );
        index.sync(&chain).await.unwrap();
        assert!(index.token(minted).unwrap().is_some());

        // Whole now: opened as it is.
        let (_, note) = Index::open_or_rebuild(&path, deployment).unwrap();
        assert_eq!(note, None);
        let other = Deployment {
            chain_id: deployment.chain_id + 1,
            ..deployment
        };
        assert!(matches!(
            Index::open_or_rebuild(&path, other),
            Err(IndexError::OtherDeployment { .. })
        ));
    });
}
