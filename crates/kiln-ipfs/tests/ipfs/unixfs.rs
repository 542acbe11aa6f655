//! The importer against reference CIDs. `unixfs_vectors.json` was written by
//! `reference/vectors.mjs` with the JavaScript UnixFS importer (npm `ipfs-unixfs-importer`
//! 17.1.1, the importer of js-ipfs and Helia), whose CIDs equal Kubo's for the same settings.
//! The content of each case is a deterministic stream both sides generate from its seed.

use std::io::Read;

use kiln_ipfs::{ImportProfile, file_cid, import_file, raw_cid};
use multihash_codetable::{Code, MultihashDigest};

#[derive(serde::Deserialize)]
struct Vector {
    profile: String,
    size: u64,
    seed: u32,
    cid: String,
}

/// The reference script's content: the top byte of a 32-bit LCG, `size` bytes long.
struct LcgContent {
    state: u32,
    left: u64,
}

impl LcgContent {
    fn new(size: u64, seed: u32) -> Self {
        Self {
            state: seed,
            left: size,
        }
    }
}

impl Read for LcgContent {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = buffer.len().min(self.left as usize);
        for byte in &mut buffer[..count] {
            self.state = self
                .state
                .wrapping_mul(1_664_525)
                .wrapping_add(1_013_904_223);
            *byte = (self.state >> 24) as u8;
        }
        self.left -= count as u64;
        Ok(count)
    }
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!("unixfs_vectors.json")).unwrap()
}

#[test]
fn file_cids_match_the_reference_importer() {
    let vectors = vectors();
    assert!(vectors.len() >= 14);
    for vector in vectors {
        let profile: ImportProfile = vector.profile.parse().unwrap();
        let imported = file_cid(LcgContent::new(vector.size, vector.seed), profile).unwrap();
        assert_eq!(
            imported.root.to_string(),
            vector.cid,
            "{} bytes, profile {profile}",
            vector.size
        );
        assert_eq!(imported.size, vector.size);
    }
}

#[test]
fn every_block_hashes_to_its_cid_and_the_root_comes_last() {
    // 175 chunks: two nodes over the leaves and a root over them.
    let size = 174 * 256 * 1024 + 1;
    let mut blocks = Vec::new();
    let imported = import_file(LcgContent::new(size, 64), ImportProfile::Legacy, |block| {
        blocks.push(block)
    })
    .unwrap();
    assert_eq!(imported.blocks, 175 + 2 + 1);
    assert_eq!(blocks.len() as u64, imported.blocks);
    assert_eq!(blocks.last().unwrap().cid(), imported.root);
    for block in &blocks {
        assert_eq!(block.cid().hash(), &Code::Sha2_256.digest(block.data()));
    }
    let leaf_bytes: usize = blocks
        .iter()
        .filter(|block| block.cid().codec() == 0x55)
        .map(|block| block.data().len())
        .sum();
    assert_eq!(leaf_bytes as u64, size);
}

#[test]
fn raw_cid_of_hello_world_is_the_well_known_one() {
    assert_eq!(
        raw_cid(b"hello world").to_string(),
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
    );
}

#[test]
fn profiles_give_different_cids_for_the_same_large_file() {
    let size = 3 * 1024 * 1024 + 5;
    let legacy = file_cid(LcgContent::new(size, 1), ImportProfile::Legacy).unwrap();
    let modern = file_cid(LcgContent::new(size, 1), ImportProfile::V1_2025).unwrap();
    assert_ne!(legacy.root, modern.root);
    assert_eq!(legacy.blocks, 13 + 1);
    assert_eq!(modern.blocks, 4 + 1);
}

#[test]
fn a_failing_reader_is_an_error_not_a_panic() {
    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let error = file_cid(Broken, ImportProfile::Legacy).unwrap_err();
    assert!(error.to_string().contains("disk on fire"), "{error}");
}
