//! The UnixFS file importer: cuts a file into fixed-size raw leaves and links them in a balanced
//! DAG of dag-pb nodes, exactly as `ipfs add --cid-version=1` (Kubo) and the JavaScript importer
//! do, so that our CIDs are the CIDs every IPFS node computes for the same bytes.
//!
//! No maintained Rust crate builds this DAG bit-exactly, so the layout is ours; the encodings
//! come from `cid`, `multihash-codetable` and `ipld-dagpb`. The DAG is built as the file streams
//! in: memory stays at one chunk plus one pending list per tree level, whatever the file size.

use std::io::{self, Read};

use bytes::Bytes;
use ipld_dagpb::{PbLink, PbNode};
use multihash_codetable::{Code, MultihashDigest};

use crate::Cid;
use crate::block::{Block, DAG_PB, RAW};
use crate::profile::ImportProfile;
use crate::unixfs::file_node_data;

/// What importing a file produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFile {
    /// The CID of the file: what `ipfs add` prints.
    pub root: Cid,
    /// Bytes of file content.
    pub size: u64,
    /// Blocks emitted (leaves and inner nodes).
    pub blocks: u64,
    pub profile: ImportProfile,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the content to import: {0}")]
    Read(#[from] io::Error),
}

/// The CID of `bytes` as one raw block (CIDv1, raw codec, sha2-256). For content under one chunk
/// this is also its UnixFS file CID.
pub fn raw_cid(bytes: &[u8]) -> Cid {
    Cid::new_v1(RAW, Code::Sha2_256.digest(bytes))
}

/// The raw CID of content whose sha256 is `digest`: what the Kiln contract derives a token's
/// metadata URI from, here without the content.
pub fn raw_cid_of_sha256(digest: [u8; 32]) -> Cid {
    let multihash = cid::multihash::Multihash::wrap(u64::from(Code::Sha2_256), &digest)
        .expect("a 32-byte digest fits a 64-byte multihash");
    Cid::new_v1(RAW, multihash)
}

/// The UnixFS CID of everything `reader` yields, without keeping any block.
pub fn file_cid(reader: impl Read, profile: ImportProfile) -> Result<ImportedFile, ImportError> {
    import_file(reader, profile, |_| {})
}

/// Imports everything `reader` yields as a UnixFS file, handing each block to `emit` (children
/// before their parents, the root last).
pub fn import_file(
    mut reader: impl Read,
    profile: ImportProfile,
    mut emit: impl FnMut(Block),
) -> Result<ImportedFile, ImportError> {
    let mut dag = DagBuilder {
        max_links: profile.max_links(),
        levels: Vec::new(),
        blocks: 0,
    };
    let mut chunk = vec![0u8; profile.chunk_size()];
    let mut size = 0u64;
    let mut leaves = 0u64;
    loop {
        let filled = read_full(&mut reader, &mut chunk)?;
        // An empty file is one empty leaf, as in Kubo.
        if filled == 0 && leaves > 0 {
            break;
        }
        let leaf = Block::raw(chunk[..filled].to_vec());
        dag.push(
            0,
            Child {
                cid: leaf.cid(),
                file_size: filled as u64,
                dag_size: filled as u64,
            },
            &mut emit,
        );
        dag.blocks += 1;
        emit(leaf);
        size += filled as u64;
        leaves += 1;
        if filled < chunk.len() {
            break;
        }
    }
    let root = dag.finish(&mut emit);
    Ok(ImportedFile {
        root,
        size,
        blocks: dag.blocks,
        profile,
    })
}

/// Reads until `buffer` is full or the input ends; returns the bytes read.
fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// A node's entry in its parent.
#[derive(Debug, Clone, Copy)]
struct Child {
    cid: Cid,
    /// Bytes of file content below it (UnixFS `blocksizes`).
    file_size: u64,
    /// Bytes of all blocks below it, itself included (dag-pb `Tsize`).
    dag_size: u64,
}

/// The balanced layout, bottom-up: every `max_links` entries of a level become one node of the
/// level above. This is the JavaScript importer's `balanced` layout and gives the same tree as
/// Kubo's top-down builder.
struct DagBuilder {
    max_links: usize,
    /// `levels[0]` holds leaves not yet linked, `levels[1]` nodes over leaves, and so on.
    levels: Vec<Vec<Child>>,
    blocks: u64,
}

impl DagBuilder {
    fn push(&mut self, level: usize, child: Child, emit: &mut impl FnMut(Block)) {
        if self.levels.len() <= level {
            self.levels.resize_with(level + 1, Vec::new);
        }
        self.levels[level].push(child);
        if self.levels[level].len() == self.max_links {
            let children = std::mem::take(&mut self.levels[level]);
            let parent = self.link(&children, emit);
            self.push(level + 1, parent, emit);
        }
    }

    /// Links what is left, level by level, and returns the root.
    fn finish(&mut self, emit: &mut impl FnMut(Block)) -> Cid {
        let mut level = 0;
        loop {
            let higher_levels_empty = self.levels[level + 1..].iter().all(Vec::is_empty);
            let pending = std::mem::take(&mut self.levels[level]);
            match pending.as_slice() {
                [] => {}
                // The one entry of the top level is the root: a lone leaf stands for itself.
                [only] if higher_levels_empty => return only.cid,
                children => {
                    let parent = self.link(children, emit);
                    if higher_levels_empty {
                        // Nothing above: the node over the last entries is the root.
                        return parent.cid;
                    }
                    self.push(level + 1, parent, emit);
                }
            }
            level += 1;
        }
    }

    /// Emits the dag-pb node over `children` and returns its entry for the level above.
    fn link(&mut self, children: &[Child], emit: &mut impl FnMut(Block)) -> Child {
        let block_sizes: Vec<u64> = children.iter().map(|child| child.file_size).collect();
        let node = PbNode {
            links: children
                .iter()
                .map(|child| PbLink {
                    cid: child.cid,
                    name: Some(String::new()),
                    size: Some(child.dag_size),
                })
                .collect(),
            data: Some(Bytes::from(file_node_data(&block_sizes))),
        };
        let data = node.into_bytes();
        let cid = Cid::new_v1(DAG_PB, Code::Sha2_256.digest(&data));
        let entry = Child {
            cid,
            file_size: block_sizes.iter().sum(),
            dag_size: data.len() as u64 + children.iter().map(|c| c.dag_size).sum::<u64>(),
        };
        self.blocks += 1;
        emit(Block::hashed_here(cid, data));
        entry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_raw_cid_of_a_digest_is_the_raw_cid_of_its_content() {
        let bytes = b"a metadata document";
        let digest: [u8; 32] = Code::Sha2_256.digest(bytes).digest().try_into().unwrap();
        assert_eq!(raw_cid_of_sha256(digest), raw_cid(bytes));
        assert_ne!(raw_cid_of_sha256([0; 32]), raw_cid(bytes));
    }
}
