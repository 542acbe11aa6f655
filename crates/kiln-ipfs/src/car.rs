//! CAR v1 (content-addressed archive): a DAG as one file or one HTTP response, in the format
//! `ipfs dag export`, `?format=car` gateways and pinning services use. A CAR is read block by
//! block from a stream; each block is verified before anything sees it.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

use crate::Cid;
use crate::block::{Block, BlockError};
use crate::blockstore::{Blockstore, StoreError};
use crate::limits::{ReadBudget, ReadLimitError};

/// The largest header we accept. Real headers hold a few roots: tens of bytes.
const MAX_HEADER_BYTES: u64 = 64 * 1024;
/// The largest block section we accept. IPFS nodes refuse to move blocks over 2 MiB; the
/// v1-2025 profile's 1 MiB chunks are the biggest we make.
pub const MAX_BLOCK_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    roots: Vec<Cid>,
    version: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum CarError {
    #[error("cannot read the CAR: {0}")]
    Read(io::Error),
    #[error("cannot write the CAR: {0}")]
    Write(io::Error),
    #[error("not a CAR v1 file: {0}")]
    BadHeader(String),
    #[error(
        "the CAR is version {0}; Kiln reads CAR v1 (export with `ipfs dag export` or `?format=car`)"
    )]
    UnsupportedVersion(u64),
    #[error("the CAR is cut short inside a block (after {blocks} whole blocks)")]
    Truncated { blocks: u64 },
    #[error("block {index} of the CAR is {bytes} bytes, over the {MAX_BLOCK_BYTES}-byte limit")]
    BlockTooLarge { index: u64, bytes: u64 },
    #[error("block {index} of the CAR has an unreadable CID: {reason}")]
    BadCid { index: u64, reason: String },
    #[error("block {index} of the CAR is wrong: {source}")]
    BadBlock { index: u64, source: BlockError },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Limit(#[from] ReadLimitError),
}

/// Writes the DAG under `root` from `store` as a CAR v1 with that one root, parents before
/// children; returns the number of blocks written.
pub fn export_car(store: &Blockstore, root: &Cid, mut out: impl Write) -> Result<u64, CarError> {
    let header = serde_ipld_dagcbor::to_vec(&Header {
        roots: vec![*root],
        version: 1,
    })
    .map_err(|error| CarError::BadHeader(error.to_string()))?;
    let mut section = Vec::new();
    put_varint(&mut section, header.len() as u64);
    section.extend_from_slice(&header);
    out.write_all(&section).map_err(CarError::Write)?;
    let mut blocks = 0;
    store
        .walk_blocks(root, |block| {
            let cid = block.cid().to_bytes();
            let mut prefix = Vec::with_capacity(10 + cid.len());
            put_varint(&mut prefix, (cid.len() + block.data().len()) as u64);
            prefix.extend_from_slice(&cid);
            out.write_all(&prefix)
                .and_then(|()| out.write_all(block.data()))
                .map_err(StoreError::Write)?;
            blocks += 1;
            Ok(())
        })
        .map_err(|error| match error {
            StoreError::Write(error) => CarError::Write(error),
            other => CarError::Store(other),
        })?;
    out.flush().map_err(CarError::Write)?;
    Ok(blocks)
}

/// What a CAR import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarImport {
    pub roots: Vec<Cid>,
    pub blocks: u64,
    /// Blocks the store did not have before.
    pub new_blocks: u64,
}

/// Verifies and stores every block of a CAR, then pins each root under `pin_name` when given
/// (which also checks that each root's DAG is complete). Nothing unverified is stored: at the
/// first wrong block the import stops, and what came before it stays unpinned, for `gc`.
pub fn import_car(
    store: &mut Blockstore,
    input: impl Read,
    pin_name: Option<&str>,
) -> Result<CarImport, CarError> {
    import_car_within(store, input, pin_name, None)
}

/// [`import_car`] of a CAR that should hold one DAG, counting its blocks and bytes against
/// `budget`: a gateway's answer for one root.
pub(crate) fn import_car_within(
    store: &mut Blockstore,
    input: impl Read,
    pin_name: Option<&str>,
    mut budget: Option<ReadBudget>,
) -> Result<CarImport, CarError> {
    let mut reader = CarReader::new(input)?;
    let roots = reader.roots().to_vec();
    let mut blocks = Vec::new();
    let mut pending_bytes = 0usize;
    let mut count = 0;
    let mut new_blocks = 0;
    // Stored in batches, so a large CAR never sits in memory whole.
    while let Some(block) = reader.next_block()? {
        if let Some(budget) = &mut budget {
            // Where in the DAG a CAR's block lies is not known until it is walked: the walk
            // after the import checks depth and links.
            budget.visit(0, block.data().len() as u64)?;
        }
        pending_bytes += block.data().len();
        blocks.push(block);
        count += 1;
        if pending_bytes >= 16 * 1024 * 1024 {
            new_blocks += store.put_all(&blocks)?;
            blocks.clear();
            pending_bytes = 0;
        }
    }
    new_blocks += store.put_all(&blocks)?;
    if let Some(name) = pin_name {
        for root in &roots {
            store.pin(root, name)?;
        }
    }
    Ok(CarImport {
        roots,
        blocks: count,
        new_blocks,
    })
}

/// Reads a CAR v1 stream block by block, verifying each.
pub struct CarReader<R> {
    input: R,
    roots: Vec<Cid>,
    index: u64,
}

impl<R: Read> CarReader<R> {
    pub fn new(mut input: R) -> Result<Self, CarError> {
        let length = read_varint(&mut input)
            .map_err(CarError::Read)?
            .ok_or_else(|| CarError::BadHeader("the file is empty".into()))?;
        if length == 0 || length > MAX_HEADER_BYTES {
            return Err(CarError::BadHeader(format!(
                "the header claims {length} bytes"
            )));
        }
        let mut header = vec![0; length as usize];
        input.read_exact(&mut header).map_err(|error| {
            if error.kind() == io::ErrorKind::UnexpectedEof {
                CarError::BadHeader("the file ends inside the header".into())
            } else {
                CarError::Read(error)
            }
        })?;
        let header: Header = serde_ipld_dagcbor::from_slice(&header)
            .map_err(|error| CarError::BadHeader(error.to_string()))?;
        if header.version != 1 {
            return Err(CarError::UnsupportedVersion(header.version));
        }
        Ok(CarReader {
            input,
            roots: header.roots,
            index: 0,
        })
    }

    pub fn roots(&self) -> &[Cid] {
        &self.roots
    }

    /// The next block, verified, or `None` at the end of the CAR.
    pub fn next_block(&mut self) -> Result<Option<Block>, CarError> {
        let index = self.index;
        let Some(length) = read_varint(&mut self.input).map_err(|error| {
            if error.kind() == io::ErrorKind::UnexpectedEof {
                CarError::Truncated { blocks: index }
            } else {
                CarError::Read(error)
            }
        })?
        else {
            return Ok(None);
        };
        if length > MAX_BLOCK_BYTES {
            return Err(CarError::BlockTooLarge {
                index,
                bytes: length,
            });
        }
        let mut section = vec![0; length as usize];
        self.input.read_exact(&mut section).map_err(|error| {
            if error.kind() == io::ErrorKind::UnexpectedEof {
                CarError::Truncated { blocks: index }
            } else {
                CarError::Read(error)
            }
        })?;
        let mut cursor = io::Cursor::new(&section);
        let cid = Cid::read_bytes(&mut cursor).map_err(|error| CarError::BadCid {
            index,
            reason: error.to_string(),
        })?;
        let data = section.split_off(cursor.position() as usize);
        let block =
            Block::verified(cid, data).map_err(|source| CarError::BadBlock { index, source })?;
        self.index += 1;
        Ok(Some(block))
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads an unsigned LEB128 varint; `None` at a clean end of input (before its first byte).
fn read_varint(input: &mut impl Read) -> io::Result<Option<u64>> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let mut byte = [0u8];
        if let Err(error) = input.read_exact(&mut byte) {
            if shift == 0 && error.kind() == io::ErrorKind::UnexpectedEof {
                return Ok(None);
            }
            return Err(error);
        }
        value |= u64::from(byte[0] & 0x7f) << shift;
        if byte[0] & 0x80 == 0 {
            return Ok(Some(value));
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        "a varint is longer than 64 bits",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ImportProfile;

    fn store_with_file(size: usize) -> (Blockstore, Cid, Vec<u8>) {
        let mut store = Blockstore::in_memory().unwrap();
        let bytes: Vec<u8> = (0..size).map(|i| (i % 253) as u8).collect();
        let root = store
            .add_file(&bytes[..], ImportProfile::Legacy)
            .unwrap()
            .root;
        (store, root, bytes)
    }

    #[test]
    fn export_then_import_moves_the_whole_dag() {
        let (store, root, bytes) = store_with_file(700_000);
        let mut car = Vec::new();
        assert_eq!(export_car(&store, &root, &mut car).unwrap(), 4);

        let mut other = Blockstore::in_memory().unwrap();
        let imported = import_car(&mut other, &car[..], Some("item")).unwrap();
        assert_eq!(
            imported,
            CarImport {
                roots: vec![root],
                blocks: 4,
                new_blocks: 4
            }
        );
        assert!(other.is_pinned(&root).unwrap());
        let mut out = Vec::new();
        other.read_file(&root, &mut out).unwrap();
        assert_eq!(out, bytes);
    }

    #[test]
    fn the_header_is_the_dag_cbor_every_car_tool_writes() {
        let (store, root, _) = store_with_file(10);
        let mut car = Vec::new();
        export_car(&store, &root, &mut car).unwrap();
        // varint(58) {"roots": [tag 42 bytes(37) 00 <cid>], "version": 1}
        let mut expected = vec![58, 0xa2, 0x65];
        expected.extend_from_slice(b"roots");
        expected.extend_from_slice(&[0x81, 0xd8, 0x2a, 0x58, 37, 0x00]);
        expected.extend_from_slice(&root.to_bytes());
        expected.push(0x67);
        expected.extend_from_slice(b"version");
        expected.push(0x01);
        assert_eq!(&car[..expected.len()], expected);
    }

    #[test]
    fn a_flipped_byte_is_caught_and_nothing_is_stored() {
        let (store, root, _) = store_with_file(700_000);
        let mut car = Vec::new();
        export_car(&store, &root, &mut car).unwrap();
        let last = car.len() - 1;
        car[last] ^= 1;
        let mut other = Blockstore::in_memory().unwrap();
        let error = import_car(&mut other, &car[..], Some("item")).unwrap_err();
        assert!(
            matches!(
                error,
                CarError::BadBlock {
                    index: 3,
                    source: BlockError::HashMismatch { .. }
                }
            ),
            "{error}"
        );
        assert_eq!(other.stats().unwrap().pins, 0);
    }

    #[test]
    fn truncated_and_foreign_input_gives_clear_errors() {
        let (store, root, _) = store_with_file(700_000);
        let mut car = Vec::new();
        export_car(&store, &root, &mut car).unwrap();
        let mut other = Blockstore::in_memory().unwrap();
        assert!(matches!(
            import_car(&mut other, &car[..car.len() - 10], None),
            Err(CarError::Truncated { blocks: 3 })
        ));
        assert!(matches!(
            import_car(&mut other, &b""[..], None),
            Err(CarError::BadHeader(_))
        ));
        assert!(matches!(
            import_car(&mut other, &b"\x05hello"[..], None),
            Err(CarError::BadHeader(_))
        ));
        assert!(matches!(
            import_car(&mut other, &b"\xff\xff\xff\xff\x0f"[..], None),
            Err(CarError::BadHeader(_))
        ));
    }

    #[test]
    fn a_car_missing_blocks_cannot_be_pinned() {
        let (store, root, _) = store_with_file(700_000);
        let mut car = Vec::new();
        export_car(&store, &root, &mut car).unwrap();
        // Keep the header and the root node only.
        let mut reader = CarReader::new(&car[..]).unwrap();
        reader.next_block().unwrap();
        let consumed = car.len() - reader.input.len();
        let mut other = Blockstore::in_memory().unwrap();
        assert!(matches!(
            import_car(&mut other, &car[..consumed], Some("item")),
            Err(CarError::Store(StoreError::Missing { .. }))
        ));
    }
}
