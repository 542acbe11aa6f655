//! A block is the unit IPFS hashes, stores and moves. Every block that enters Kiln from outside
//! (a node, a gateway, a CAR file) passes through [`Block::verified`] first, so nothing is kept
//! or decoded on a CID's word alone.

use cid::multihash::Multihash;
use ipld_dagpb::PbNode;
use multihash_codetable::{Code, MultihashDigest};

use crate::Cid;

/// Multicodec of a raw block (the bytes are the content).
pub const RAW: u64 = 0x55;
/// Multicodec of a dag-pb block (UnixFS nodes).
pub const DAG_PB: u64 = 0x70;
/// Multihash code of sha2-256, the hash of every CID Kiln makes.
const SHA2_256: u64 = 0x12;
/// Multihash code of the identity "hash": the digest is the content itself.
const IDENTITY: u64 = 0x00;

/// One block of a DAG: its CID and the bytes the CID hashes. A `Block` is always verified: it is
/// made by hashing bytes ([`Block::raw`], the importer) or by checking them ([`Block::verified`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    cid: Cid,
    data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    #[error(
        "block {cid} does not match its CID: the bytes hash to {actual}; the source sent wrong data"
    )]
    HashMismatch { cid: Box<Cid>, actual: Box<Cid> },
    #[error(
        "block {cid} uses multihash code {code:#x}; Kiln verifies sha2-256 and identity CIDs only"
    )]
    UnsupportedHash { cid: Box<Cid>, code: u64 },
    #[error(
        "block {cid} uses codec {codec:#x}; Kiln reads raw (0x55) and dag-pb (0x70) blocks only"
    )]
    UnsupportedCodec { cid: Box<Cid>, codec: u64 },
    #[error("block {cid} is not valid dag-pb: {reason}")]
    BadDagPb { cid: Box<Cid>, reason: String },
}

impl Block {
    /// A raw block holding `data`.
    pub fn raw(data: Vec<u8>) -> Self {
        Block {
            cid: Cid::new_v1(RAW, Code::Sha2_256.digest(&data)),
            data,
        }
    }

    /// A block whose CID the caller has just computed from `data`.
    pub(crate) fn hashed_here(cid: Cid, data: Vec<u8>) -> Self {
        Block { cid, data }
    }

    pub fn cid(&self) -> Cid {
        self.cid
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn into_data(self) -> Vec<u8> {
        self.data
    }

    /// Accepts `data` as the block `cid` names only if it hashes to that CID.
    pub fn verified(cid: Cid, data: Vec<u8>) -> Result<Self, BlockError> {
        let hash = cid.hash();
        match hash.code() {
            SHA2_256 => {
                let actual = Code::Sha2_256.digest(&data);
                if actual.digest() != hash.digest() {
                    return Err(BlockError::HashMismatch {
                        cid: Box::new(cid),
                        actual: Box::new(Cid::new_v1(cid.codec(), actual)),
                    });
                }
            }
            IDENTITY => {
                if hash.digest() != data.as_slice() {
                    // Too long for an identity CID: name the bytes by their sha2-256.
                    let actual = Multihash::wrap(IDENTITY, &data)
                        .unwrap_or_else(|_| Code::Sha2_256.digest(&data));
                    return Err(BlockError::HashMismatch {
                        cid: Box::new(cid),
                        actual: Box::new(Cid::new_v1(cid.codec(), actual)),
                    });
                }
            }
            code => {
                return Err(BlockError::UnsupportedHash {
                    cid: Box::new(cid),
                    code,
                });
            }
        }
        Ok(Block { cid, data })
    }

    /// The CIDs this block links to, in order. Raw blocks link to nothing.
    pub fn links(&self) -> Result<Vec<Cid>, BlockError> {
        match self.cid.codec() {
            RAW => Ok(Vec::new()),
            DAG_PB => Ok(self
                .dag_pb()?
                .links
                .into_iter()
                .map(|link| link.cid)
                .collect()),
            codec => Err(BlockError::UnsupportedCodec {
                cid: Box::new(self.cid),
                codec,
            }),
        }
    }

    /// Decodes the block as a dag-pb node.
    pub(crate) fn dag_pb(&self) -> Result<PbNode, BlockError> {
        PbNode::from_bytes(self.data.clone().into()).map_err(|error| BlockError::BadDagPb {
            cid: Box::new(self.cid),
            reason: error.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_block_verifies_against_its_own_cid() {
        let block = Block::raw(b"kiln".to_vec());
        assert_eq!(
            Block::verified(block.cid(), block.data().to_vec()),
            Ok(block)
        );
    }

    #[test]
    fn one_changed_byte_is_a_hash_mismatch() {
        let block = Block::raw(b"kiln".to_vec());
        let error = Block::verified(block.cid(), b"kilm".to_vec()).unwrap_err();
        assert!(
            matches!(error, BlockError::HashMismatch { cid, actual } if *cid == block.cid() && *actual == Block::raw(b"kilm".to_vec()).cid())
        );
    }

    #[test]
    fn identity_cids_carry_their_content() {
        let cid = Cid::new_v1(RAW, Multihash::wrap(IDENTITY, b"tiny").unwrap());
        assert!(Block::verified(cid, b"tiny".to_vec()).is_ok());
        assert!(matches!(
            Block::verified(cid, b"tinY".to_vec()),
            Err(BlockError::HashMismatch { .. })
        ));
    }

    #[test]
    fn other_hashes_are_refused_not_trusted() {
        let cid = Cid::new_v1(RAW, Code::Sha2_512.digest(b"x"));
        assert_eq!(
            Block::verified(cid, b"x".to_vec()),
            Err(BlockError::UnsupportedHash {
                cid: Box::new(cid),
                code: 0x13
            })
        );
    }
}
