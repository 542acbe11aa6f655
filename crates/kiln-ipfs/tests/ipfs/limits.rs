//! DAGs built to make a reader spin are refused within the read limits: from the blockstore,
//! and from a gateway serving them, block by block or as a CAR.

use kiln_ipfs::{
    Block, Blockstore, Cid, DAG_PB, GatewayClient, GatewayError, ImportProfile, ReadLimitError,
    ReadLimits, StoreError,
};
use kiln_ipfs::{export_car, import_car};
use kiln_testkit::{TrustlessGateway, impatient};
use multihash_codetable::{Code, MultihashDigest};
use proptest::prelude::*;

/// A UnixFS file node in `store` linking to `links` (each said to hold one byte).
fn file_node(store: &Blockstore, links: &[Cid]) -> Cid {
    let node = ipld_dagpb::PbNode {
        links: links
            .iter()
            .map(|&cid| ipld_dagpb::PbLink {
                cid,
                name: Some(String::new()),
                size: Some(1),
            })
            .collect(),
        // UnixFS Data { Type: File }.
        data: Some(vec![0x08, 0x02].into()),
    };
    let data = node.into_bytes();
    let cid = Cid::new_v1(DAG_PB, Code::Sha2_256.digest(&data));
    store.put(&Block::verified(cid, data).unwrap()).unwrap();
    cid
}

/// A dag-pb bomb in `store`: `levels` file nodes, each linking `links` times to the one below,
/// over one raw leaf of one byte. Returns the root.
fn dag_bomb(store: &Blockstore, levels: usize, links: usize) -> Cid {
    let leaf = Block::raw(b"x".to_vec());
    store.put(&leaf).unwrap();
    (0..levels).fold(leaf.cid(), |below, _| file_node(store, &vec![below; links]))
}

/// Three levels of 40,000 links to one leaf read out as 64 trillion leaves: refused at the
/// root, before a link is followed.
#[test]
fn a_wide_dag_bomb_is_refused_at_its_root() {
    let store = Blockstore::in_memory().unwrap();
    let root = dag_bomb(&store, 3, 40_000);
    let mut out = Vec::new();
    match store.read_file(&root, &mut out) {
        Err(StoreError::Limit(ReadLimitError::Links { cid, links, limit })) => {
            assert_eq!((*cid, links, limit), (root, 40_000, 4_096));
        }
        other => panic!("the bomb was read: {other:?}"),
    }
    assert!(out.is_empty());
}

/// Under the link limit, the same bomb stops at the block limit (a block linked twice is read,
/// and counted, twice); a deep chain at the depth limit; a large file at the byte limit. A real
/// file of the largest size Kiln reads is within them all.
#[test]
fn bombs_under_the_link_limit_stop_at_the_other_limits() {
    let mut store = Blockstore::in_memory().unwrap();
    let root = dag_bomb(&store, 3, 4_000);
    let error = store.read_file(&root, std::io::sink()).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Limit(ReadLimitError::Blocks { limit: 65_536, .. })
        ),
        "{error}"
    );
    let chain = dag_bomb(&store, 20, 1);
    let error = store.read_file(&chain, std::io::sink()).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Limit(ReadLimitError::Depth { limit: 16, .. })
        ),
        "{error}"
    );
    let bytes = vec![7u8; 64 * 1024 * 1024];
    for profile in [ImportProfile::Legacy, ImportProfile::V1_2025] {
        let file = store.add_file(&bytes[..], profile).unwrap();
        assert_eq!(
            store.read_file(&file.root, std::io::sink()).unwrap(),
            bytes.len() as u64
        );
    }
    store.set_read_limits(ReadLimits {
        bytes: 1_000,
        ..ReadLimits::default()
    });
    let file = store
        .add_file(&[1u8; 1_001][..], ImportProfile::Legacy)
        .unwrap();
    let error = store.read_file(&file.root, std::io::sink()).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Limit(ReadLimitError::Bytes { limit: 1_000, .. })
        ),
        "{error}"
    );
}

/// A gateway serving the bomb, as a CAR or block by block: the fetch stops at the root's links
/// with the limit's error (no other gateway is asked: the same CID is the same DAG anywhere),
/// and a DAG of more distinct blocks than the limit stops at the limit's count.
#[tokio::test]
async fn a_gateway_serving_a_dag_bomb_is_refused_within_the_limits() {
    let hostile = Blockstore::in_memory().unwrap();
    let root = dag_bomb(&hostile, 3, 40_000);
    let gateway = TrustlessGateway::serving_store(hostile);
    let client = GatewayClient::with_policy(&[&gateway.url], impatient()).unwrap();
    let mut store = Blockstore::in_memory().unwrap();
    match client.fetch_dag(&root, &mut store, &mut |_| {}).await {
        Err(GatewayError::Limit(ReadLimitError::Links { links: 40_000, .. })) => {}
        other => panic!("the bomb was fetched: {other:?}"),
    }
    assert!(store.read_file(&root, std::io::sink()).is_err());

    // 300 distinct leaves under one node, fetched under a limit of 100 blocks.
    let hostile = Blockstore::in_memory().unwrap();
    let leaves: Vec<Cid> = (0..300u32)
        .map(|i| {
            let leaf = Block::raw(i.to_le_bytes().to_vec());
            hostile.put(&leaf).unwrap();
            leaf.cid()
        })
        .collect();
    let wide = file_node(&hostile, &leaves);
    let gateway = TrustlessGateway::serving_store(hostile);
    let client = GatewayClient::with_policy(&[&gateway.url], impatient())
        .unwrap()
        .with_read_limits(ReadLimits {
            blocks: 100,
            ..ReadLimits::default()
        });
    let mut store = Blockstore::in_memory().unwrap();
    match client.fetch_dag(&wide, &mut store, &mut |_| {}).await {
        Err(GatewayError::Limit(ReadLimitError::Blocks { limit: 100, .. })) => {}
        other => panic!("the fetch went past the limit: {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any DAG of file nodes over a few leaves, links repeated and nested at random: a read
    /// answers (the file, or why not) within the limits, and never panics.
    #[test]
    fn random_dags_read_within_the_limits(
        nodes in prop::collection::vec(prop::collection::vec(any::<prop::sample::Index>(), 0..12), 1..24),
    ) {
        let mut store = Blockstore::in_memory().unwrap();
        let limits = ReadLimits { blocks: 300, links_per_node: 8, depth: 5, bytes: 20_000 };
        store.set_read_limits(limits);
        let mut made: Vec<Cid> = (0..3u8)
            .map(|i| {
                let leaf = Block::raw(vec![i; 100 * (usize::from(i) + 1)]);
                store.put(&leaf).unwrap();
                leaf.cid()
            })
            .collect();
        for links in nodes {
            let links: Vec<Cid> = links.iter().map(|at| made[at.index(made.len())]).collect();
            made.push(file_node(&store, &links));
        }
        let root = *made.last().unwrap();
        let mut out = Vec::new();
        match store.read_file(&root, &mut out) {
            Ok(size) => {
                prop_assert_eq!(size, out.len() as u64);
                prop_assert!(size <= limits.bytes);
            }
            Err(StoreError::Limit(_)) => prop_assert!(out.len() as u64 <= limits.bytes),
            Err(_) => {}
        }
    }

    /// A CAR with bytes changed or cut short: the import stores only blocks that match their
    /// CIDs, or stops with why; what reads back is the file or an error, never other bytes.
    #[test]
    fn mutated_cars_never_panic_or_store_wrong_blocks(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut ours = Blockstore::in_memory().unwrap();
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let file = ours.add_file(&bytes[..], ImportProfile::Legacy).unwrap();
        let mut car = Vec::new();
        export_car(&ours, &file.root, &mut car).unwrap();
        for (at, byte) in flips {
            let at = at.index(car.len());
            car[at] = byte;
        }
        if truncate {
            car.truncate(cut.index(car.len()));
        }
        let mut theirs = Blockstore::in_memory().unwrap();
        let _ = import_car(&mut theirs, &car[..], None);
        let mut out = Vec::new();
        if theirs.read_file(&file.root, &mut out).is_ok() {
            prop_assert!(out == bytes, "other bytes read back");
        }
    }
}
