//! kiln-ipfs against a real IPFS node (js-ipfs, Kubo RPC API), started by `scripts/ipfs-node`.

use std::time::Duration;

use kiln_ipfs::{
    Block, Blockstore, FailureReason, GatewayClient, GatewayError, ImportProfile, KuboClient,
    KuboError, PinState, PinningClient, PinningError, file_cid,
};

use kiln_testkit::{PinningService, TrustlessGateway, content, impatient, ipfs_node as node};

/// From empty to a DAG over 174 chunks (two levels of inner nodes), across every chunk boundary.
const SIZES: &[usize] = &[
    0,
    1,
    1_000,
    262_143,
    262_144,
    262_145,
    3 * 1024 * 1024 + 17,
    175 * 262_144 + 1,
];

#[tokio::test]
async fn our_cids_equal_the_nodes_for_every_size_class() {
    let client = node().client();
    for &size in SIZES {
        let bytes = content(size, size as u32 + 1);
        // `add` compares the node's CID with ours and fails on any difference.
        let cid = client
            .add(&bytes, ImportProfile::Legacy)
            .await
            .unwrap_or_else(|error| panic!("{size} bytes, legacy: {error}"));
        assert_eq!(
            cid,
            file_cid(&bytes[..], ImportProfile::Legacy).unwrap().root
        );
    }
    // v1-2025 differs from legacy from the second chunk on: 1 MiB chunks.
    for size in [0, 1_048_576, 1_048_577, 3 * 1024 * 1024 + 17] {
        let bytes = content(size, 7);
        let cid = client
            .add(&bytes, ImportProfile::V1_2025)
            .await
            .unwrap_or_else(|error| panic!("{size} bytes, v1-2025: {error}"));
        if size > 1_048_576 {
            assert_ne!(
                cid,
                file_cid(&bytes[..], ImportProfile::Legacy).unwrap().root
            );
        }
    }
}

#[tokio::test]
async fn publish_pins_our_dag_and_it_reads_back_verified() {
    let client = node().client();
    let mut ours = Blockstore::in_memory().unwrap();
    let bytes = content(1_500_000, 42);
    // The v1-2025 DAG, which `add` on this node could not reproduce past 174 MiB: the CAR path
    // publishes exactly our blocks.
    let root = ours
        .add_file(&bytes[..], ImportProfile::V1_2025)
        .unwrap()
        .root;
    client.publish(&ours, &root).await.unwrap();
    assert!(client.is_pinned(&root).await.unwrap());

    let mut theirs = Blockstore::in_memory().unwrap();
    let blocks = client.fetch_dag(&root, &mut theirs).await.unwrap();
    assert_eq!(blocks, 3);
    let mut out = Vec::new();
    theirs.read_file(&root, &mut out).unwrap();
    assert_eq!(out, bytes);

    assert_eq!(
        client.cat(&root, ImportProfile::V1_2025).await.unwrap(),
        bytes
    );
    assert!(matches!(
        client.cat(&root, ImportProfile::Legacy).await,
        Err(KuboError::CidMismatch { .. })
    ));

    client.pin_rm(&root).await.unwrap();
    assert!(!client.is_pinned(&root).await.unwrap());
}

#[tokio::test]
async fn blocks_go_in_and_come_back_verified() {
    let client = node().client();
    let leaf = Block::raw(b"one block".to_vec());
    client.block_put(&leaf).await.unwrap();
    assert_eq!(client.block_get(&leaf.cid()).await.unwrap(), leaf);

    let mut store = Blockstore::in_memory().unwrap();
    let bytes = content(600_000, 3);
    let root = store
        .add_file(&bytes[..], ImportProfile::Legacy)
        .unwrap()
        .root;
    let node_block = store.get(&root).unwrap().unwrap();
    client.block_put(&node_block).await.unwrap();
    assert_eq!(client.block_get(&root).await.unwrap(), node_block);
}

#[tokio::test]
async fn a_node_error_is_reported_not_retried() {
    let client = node().client();
    let never_added = kiln_ipfs::raw_cid(b"never added to this node");
    match client.pin_rm(&never_added).await {
        Err(KuboError::Node {
            call,
            status,
            message,
        }) => {
            assert_eq!(call, "pin/rm");
            assert_eq!(status, 500);
            assert!(message.contains("not pinned"), "{message}");
        }
        other => panic!("expected the node's error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_node_that_is_down_is_a_clear_error_after_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = KuboClient::with_policy(&format!("http://127.0.0.1:{port}"), impatient()).unwrap();
    let error = client.id().await.unwrap_err();
    assert!(matches!(error, KuboError::Unreachable { .. }));
    assert!(
        error.to_string().contains("is the daemon running"),
        "{error}"
    );
}

/// Publishes a file to the node and returns it with its CID.
async fn published(size: usize, seed: u32) -> (Vec<u8>, kiln_ipfs::Cid) {
    let mut ours = Blockstore::in_memory().unwrap();
    let bytes = content(size, seed);
    let root = ours
        .add_file(&bytes[..], ImportProfile::Legacy)
        .unwrap()
        .root;
    node().client().publish(&ours, &root).await.unwrap();
    (bytes, root)
}

#[tokio::test]
async fn a_gateway_fetch_round_trips_in_both_trustless_formats() {
    let (bytes, root) = published(900_000, 11).await;
    for gateway in [
        TrustlessGateway::start(&node().api),
        TrustlessGateway::start_blocks_only(&node().api),
    ] {
        let client = GatewayClient::with_policy(&[&gateway.url], impatient()).unwrap();
        let mut store = Blockstore::in_memory().unwrap();
        let mut progress = 0;
        let report = client
            .fetch_dag(&root, &mut store, &mut |bytes| progress += bytes)
            .await
            .unwrap();
        assert_eq!(report.gateway.as_deref(), Some(gateway.url.as_str()));
        assert_eq!(report.blocks_fetched, 5);
        assert!(report.rejected.is_empty());
        assert!(progress >= bytes.len() as u64);
        let mut out = Vec::new();
        store.read_file(&root, &mut out).unwrap();
        assert_eq!(out, bytes);
    }
}

#[tokio::test]
async fn a_lying_gateway_is_caught_and_the_next_one_asked() {
    let (bytes, root) = published(700_000, 12).await;
    let liar = TrustlessGateway::start(&node().api);
    liar.lie(true);
    let honest = TrustlessGateway::start(&node().api);

    // Only the liar: nothing is stored, and the error names it.
    let client = GatewayClient::with_policy(&[&liar.url], impatient()).unwrap();
    let mut store = Blockstore::in_memory().unwrap();
    match client.fetch_dag(&root, &mut store, &mut |_| {}).await {
        Err(error @ GatewayError::AllFailed { .. }) => {
            let GatewayError::AllFailed { failures, .. } = &error else {
                unreachable!()
            };
            assert_eq!(failures.len(), 1);
            assert!(matches!(failures[0].reason, FailureReason::WrongBytes(_)));
            assert!(error.to_string().contains("WRONG BYTES"), "{error}");
        }
        other => panic!("the lie went through: {other:?}"),
    }
    assert!(store.read_file(&root, std::io::sink()).is_err());

    // The liar first, then an honest gateway: the file arrives, the liar is reported.
    let client = GatewayClient::with_policy(&[&liar.url, &honest.url], impatient()).unwrap();
    let report = client
        .fetch_dag(&root, &mut store, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.gateway.as_deref(), Some(honest.url.as_str()));
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].gateway, liar.url);
    let mut out = Vec::new();
    store.read_file(&root, &mut out).unwrap();
    assert_eq!(out, bytes);
}

#[tokio::test]
async fn a_path_only_gateway_is_passed_over_as_not_trustless() {
    let (_, root) = published(300_000, 13).await;
    // js-ipfs's own gateway serves files, not verifiable blocks.
    let client = GatewayClient::with_policy(&[&node().gateway], impatient()).unwrap();
    let mut store = Blockstore::in_memory().unwrap();
    match client.fetch_dag(&root, &mut store, &mut |_| {}).await {
        Err(GatewayError::AllFailed { failures, .. }) => {
            assert!(
                matches!(failures[0].reason, FailureReason::NotTrustless(_)),
                "{:?}",
                failures[0]
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_pinning_service_pins_on_request_and_unpins_on_removal() {
    let service = PinningService::start(&node().api);
    let client = PinningClient::with_policy(&service.url, &service.token, impatient()).unwrap();
    // The blocks reach the node unpinned, as a creator's node would serve them to the service.
    let mut ours = Blockstore::in_memory().unwrap();
    let root = ours
        .add_file(&content(400_000, 21)[..], ImportProfile::Legacy)
        .unwrap()
        .root;
    let node_client = node().client();
    let mut blocks = Vec::new();
    ours.walk_blocks(&root, |block| {
        blocks.push(block);
        Ok(())
    })
    .unwrap();
    for block in &blocks {
        node_client.block_put(block).await.unwrap();
    }
    assert!(!node_client.is_pinned(&root).await.unwrap());

    let created = client.add(&root, "chair.glb", &[]).await.unwrap();
    assert_eq!(created.status, PinState::Queued);
    let mut seen = Vec::new();
    let done = client
        .wait_pinned(
            &root,
            &created.request_id,
            Duration::from_secs(30),
            &mut |state| seen.push(state),
        )
        .await
        .unwrap();
    assert_eq!(done.status, PinState::Pinned);
    assert_eq!(seen, [PinState::Pinning, PinState::Pinned]);
    assert!(node_client.is_pinned(&root).await.unwrap());

    let listed = client.list(Some(&root)).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].pin.name.as_deref(), Some("chair.glb"));

    client.remove(&created.request_id).await.unwrap();
    assert!(client.list(Some(&root)).await.unwrap().is_empty());
    assert!(!node_client.is_pinned(&root).await.unwrap());
}

#[tokio::test]
async fn a_wrong_pinning_token_is_named_as_the_problem() {
    let service = PinningService::start(&node().api);
    let client = PinningClient::with_policy(&service.url, "not-the-token", impatient()).unwrap();
    let error = client.list(None).await.unwrap_err();
    assert!(
        matches!(error, PinningError::Unauthorized { status: 401, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("check the token"));
}
