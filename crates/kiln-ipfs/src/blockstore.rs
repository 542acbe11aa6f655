//! The local blockstore: every block Kiln has made or verified, in one SQLite file in the data
//! directory. Offline by default, the item's files live here until (and after) they are
//! published; a gateway read lands here only after each block is verified.
//!
//! SQLite rather than a file tree because pins, block writes and garbage collection must be
//! atomic together: `add_file_pinned` commits the blocks and the pin in one transaction, so a
//! crash leaves either the whole pinned file or nothing, and a concurrent `gc` (another process,
//! WAL mode) never sees the blocks without their pin. Blocks are keyed by multihash, as in Kubo,
//! so a CIDv0 and a CIDv1 of the same bytes are one block. Blocks are re-verified when read: the
//! disk is outside the trust boundary too.

use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::path::Path;
use std::time::Duration;

// std's clock panics in a browser; web-time reads the page's there and is std's elsewhere.
use web_time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};

use crate::Cid;
use crate::block::{Block, BlockError, DAG_PB, RAW};
use crate::import::{ImportError, ImportedFile, import_file};
use crate::limits::{ReadBudget, ReadLimitError, ReadLimits};
use crate::profile::ImportProfile;
use crate::unixfs::decode_node_data;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS blocks (
    multihash BLOB PRIMARY KEY,
    data BLOB NOT NULL,
    size INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pins (
    cid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    pinned_at INTEGER NOT NULL
);
";

/// The local store of verified blocks and recursive pins.
pub struct Blockstore {
    db: Connection,
    /// What a file read out of the store may take ([`ReadLimits::default`] unless changed).
    read_limits: ReadLimits,
}

/// A recursive pin: the root and every block below it survive garbage collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub cid: Cid,
    pub name: String,
    /// Seconds since the Unix epoch.
    pub pinned_at: u64,
}

/// What the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreStats {
    pub blocks: u64,
    /// Bytes of block data (the SQLite file is somewhat larger).
    pub bytes: u64,
    pub pins: u64,
}

/// What a garbage collection removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GcReport {
    pub blocks_removed: u64,
    pub bytes_freed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the blockstore database failed: {0}")]
    Database(#[from] rusqlite::Error),
    #[error(
        "block {missing} of {root} is not in the local blockstore; fetch the DAG (kiln-cli fetch) or import its CAR first"
    )]
    Missing { root: Box<Cid>, missing: Box<Cid> },
    #[error(
        "a stored block failed verification ({0}); the blockstore file is damaged: delete the block with `kiln-cli store gc` after unpinning, then fetch it again"
    )]
    Corrupt(BlockError),
    #[error(transparent)]
    Block(#[from] BlockError),
    #[error("{cid} is a UnixFS {kind}, not a file")]
    NotAFile { cid: Box<Cid>, kind: &'static str },
    #[error("{cid} has malformed UnixFS data: {reason}")]
    BadUnixFs { cid: Box<Cid>, reason: &'static str },
    #[error("{root} declares {declared} bytes but its blocks hold {actual}; the DAG is malformed")]
    SizeMismatch {
        root: Box<Cid>,
        declared: u64,
        actual: u64,
    },
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("cannot write the file: {0}")]
    Write(io::Error),
    #[error(transparent)]
    Limit(#[from] ReadLimitError),
}

impl Blockstore {
    /// Opens (creating if needed) the blockstore at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::setup(Connection::open(path)?)
    }

    /// A blockstore that lives in memory only (tests, scratch work).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(db: Connection) -> Result<Self, StoreError> {
        // WAL: readers and one writer at once across processes, and a crash rolls back to the
        // last commit. FULL: a commit is on disk when it returns (a pin must not vanish).
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.busy_timeout(Duration::from_secs(30))?;
        db.execute_batch(SCHEMA)?;
        Ok(Blockstore {
            db,
            read_limits: ReadLimits::default(),
        })
    }

    /// Stores `block`; returns whether it was new.
    pub fn put(&self, block: &Block) -> Result<bool, StoreError> {
        Ok(put_block(&self.db, block)?)
    }

    /// Stores all `blocks` in one transaction; returns how many were new.
    pub fn put_all<'a>(
        &mut self,
        blocks: impl IntoIterator<Item = &'a Block>,
    ) -> Result<u64, StoreError> {
        let transaction = self.db.transaction()?;
        let mut new = 0;
        for block in blocks {
            new += u64::from(put_block(&transaction, block)?);
        }
        transaction.commit()?;
        Ok(new)
    }

    /// The block `cid` names, verified, if the store has it.
    pub fn get(&self, cid: &Cid) -> Result<Option<Block>, StoreError> {
        BlockReader { db: &self.db }.get(cid)
    }

    pub fn has(&self, cid: &Cid) -> Result<bool, StoreError> {
        Ok(self
            .db
            .query_row(
                "SELECT 1 FROM blocks WHERE multihash = ?1",
                [cid.hash().to_bytes()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Imports a file as UnixFS (streaming: one chunk in memory at a time) and stores its blocks.
    /// Unpinned: the next `gc` may remove it. Use [`Blockstore::add_file_pinned`] to keep it.
    pub fn add_file(
        &mut self,
        reader: impl Read,
        profile: ImportProfile,
    ) -> Result<ImportedFile, StoreError> {
        self.add(reader, profile, None)
    }

    /// Imports a file and pins it under `name`, both in one transaction.
    pub fn add_file_pinned(
        &mut self,
        reader: impl Read,
        profile: ImportProfile,
        name: &str,
    ) -> Result<ImportedFile, StoreError> {
        self.add(reader, profile, Some(name))
    }

    fn add(
        &mut self,
        reader: impl Read,
        profile: ImportProfile,
        pin_name: Option<&str>,
    ) -> Result<ImportedFile, StoreError> {
        let transaction = self.db.transaction()?;
        let mut failure = None;
        let imported = import_file(reader, profile, |block| {
            if failure.is_none()
                && let Err(error) = put_block(&transaction, &block)
            {
                failure = Some(error);
            }
        })?;
        if let Some(error) = failure {
            return Err(error.into());
        }
        if let Some(name) = pin_name {
            put_pin(&transaction, &imported.root, name)?;
        }
        transaction.commit()?;
        Ok(imported)
    }

    /// Pins `root` recursively. Every block of its DAG must be in the store, so a pin always
    /// means "all of it is here".
    pub fn pin(&self, root: &Cid, name: &str) -> Result<(), StoreError> {
        self.walk(root, false, |_| Ok(()))?;
        put_pin(&self.db, root, name)?;
        Ok(())
    }

    /// Removes the pin on `root`; returns whether there was one. The blocks stay until `gc`.
    pub fn unpin(&self, root: &Cid) -> Result<bool, StoreError> {
        Ok(self
            .db
            .execute("DELETE FROM pins WHERE cid = ?1", [root.to_string()])?
            > 0)
    }

    pub fn pins(&self) -> Result<Vec<Pin>, StoreError> {
        let mut statement = self
            .db
            .prepare("SELECT cid, name, pinned_at FROM pins ORDER BY pinned_at, cid")?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?;
        let mut pins = Vec::new();
        for row in rows {
            let (cid, name, pinned_at) = row?;
            // Only this module writes the table, from a `Cid`, so the text always parses.
            let cid = cid.parse().map_err(|_| {
                rusqlite::Error::InvalidColumnType(0, "cid".into(), rusqlite::types::Type::Text)
            })?;
            pins.push(Pin {
                cid,
                name,
                pinned_at: pinned_at.max(0) as u64,
            });
        }
        Ok(pins)
    }

    pub fn is_pinned(&self, root: &Cid) -> Result<bool, StoreError> {
        Ok(self
            .db
            .query_row(
                "SELECT 1 FROM pins WHERE cid = ?1",
                [root.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Deletes every block no pin reaches, in one transaction.
    pub fn gc(&mut self) -> Result<GcReport, StoreError> {
        let transaction = self.db.transaction()?;
        transaction.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS reachable (multihash BLOB PRIMARY KEY) WITHOUT ROWID;
             DELETE FROM reachable;",
        )?;
        {
            let store = BlockReader { db: &transaction };
            let mut pins = transaction.prepare("SELECT cid FROM pins")?;
            let roots: Vec<String> = pins
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            let mut keep =
                transaction.prepare("INSERT OR IGNORE INTO reachable (multihash) VALUES (?1)")?;
            for root in roots {
                let Ok(root) = root.parse::<Cid>() else {
                    continue;
                };
                store.walk(&root, false, |cid| {
                    keep.execute([cid.hash().to_bytes()])?;
                    Ok(())
                })?;
            }
        }
        let (blocks_removed, bytes_freed): (i64, i64) = transaction.query_row(
            "SELECT count(*), coalesce(sum(size), 0) FROM blocks
             WHERE multihash NOT IN (SELECT multihash FROM reachable)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        transaction.execute(
            "DELETE FROM blocks WHERE multihash NOT IN (SELECT multihash FROM reachable)",
            [],
        )?;
        transaction.execute("DELETE FROM reachable", [])?;
        transaction.commit()?;
        Ok(GcReport {
            blocks_removed: blocks_removed as u64,
            bytes_freed: bytes_freed as u64,
        })
    }

    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let (blocks, bytes): (i64, i64) = self.db.query_row(
            "SELECT count(*), coalesce(sum(size), 0) FROM blocks",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let pins: i64 = self
            .db
            .query_row("SELECT count(*) FROM pins", [], |row| row.get(0))?;
        Ok(StoreStats {
            blocks: blocks as u64,
            bytes: bytes as u64,
            pins: pins as u64,
        })
    }

    /// Visits every block of the DAG under `root` once, parents before children, children in
    /// link order (the order of a CAR file Kubo exports). Fails on the first missing block.
    pub fn walk_blocks(
        &self,
        root: &Cid,
        mut visit: impl FnMut(Block) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let store = BlockReader { db: &self.db };
        let mut pending = vec![*root];
        let mut seen = HashSet::new();
        while let Some(cid) = pending.pop() {
            if !seen.insert(cid.hash().to_bytes()) {
                continue;
            }
            let block = store.require(root, &cid)?;
            let mut links = block.links()?;
            links.reverse();
            pending.extend(links);
            visit(block)?;
        }
        Ok(())
    }

    fn walk(
        &self,
        root: &Cid,
        read_leaves: bool,
        visit: impl FnMut(&Cid) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        BlockReader { db: &self.db }.walk(root, read_leaves, visit)
    }

    /// The limits file reads keep to.
    pub fn read_limits(&self) -> ReadLimits {
        self.read_limits
    }

    /// Reads files under other limits (tests; a tool that reads larger DAGs on purpose).
    pub fn set_read_limits(&mut self, limits: ReadLimits) {
        self.read_limits = limits;
    }

    /// Writes the UnixFS file `root` to `out`; returns its size in bytes. Each block is verified
    /// as it is read, the read keeps to [`Self::read_limits`], and the total is checked against
    /// what the root declares.
    pub fn read_file(&self, root: &Cid, mut out: impl Write) -> Result<u64, StoreError> {
        let store = BlockReader { db: &self.db };
        let mut budget = ReadBudget::new(self.read_limits, *root);
        let mut pending = vec![(*root, 0)];
        let mut written = 0u64;
        let mut declared = None;
        while let Some((cid, depth)) = pending.pop() {
            let block = store.require(root, &cid)?;
            budget.visit(depth, block.data().len() as u64)?;
            match cid.codec() {
                RAW => {
                    out.write_all(block.data()).map_err(StoreError::Write)?;
                    written += block.data().len() as u64;
                }
                DAG_PB => {
                    let node = block.dag_pb()?;
                    let data = node.data.as_deref().unwrap_or_default();
                    let unixfs =
                        decode_node_data(data).map_err(|reason| StoreError::BadUnixFs {
                            cid: Box::new(cid),
                            reason,
                        })?;
                    if !unixfs.is_file_content() {
                        return Err(StoreError::NotAFile {
                            cid: Box::new(cid),
                            kind: unixfs.kind_name(),
                        });
                    }
                    if cid == *root {
                        declared = unixfs.file_size;
                    }
                    out.write_all(unixfs.inline).map_err(StoreError::Write)?;
                    written += unixfs.inline.len() as u64;
                    budget.links(&cid, node.links.len())?;
                    pending.extend(node.links.iter().rev().map(|link| (link.cid, depth + 1)));
                }
                codec => {
                    return Err(BlockError::UnsupportedCodec {
                        cid: Box::new(cid),
                        codec,
                    }
                    .into());
                }
            }
        }
        out.flush().map_err(StoreError::Write)?;
        match declared {
            Some(declared) if declared != written => Err(StoreError::SizeMismatch {
                root: Box::new(*root),
                declared,
                actual: written,
            }),
            _ => Ok(written),
        }
    }
}

/// Reads blocks from a connection or an open transaction.
struct BlockReader<'a> {
    db: &'a Connection,
}

impl BlockReader<'_> {
    fn get(&self, cid: &Cid) -> Result<Option<Block>, StoreError> {
        let data: Option<Vec<u8>> = self
            .db
            .query_row(
                "SELECT data FROM blocks WHERE multihash = ?1",
                [cid.hash().to_bytes()],
                |row| row.get(0),
            )
            .optional()?;
        data.map(|data| Block::verified(*cid, data).map_err(StoreError::Corrupt))
            .transpose()
    }

    fn require(&self, root: &Cid, cid: &Cid) -> Result<Block, StoreError> {
        self.get(cid)?.ok_or_else(|| StoreError::Missing {
            root: Box::new(*root),
            missing: Box::new(*cid),
        })
    }

    fn present(&self, root: &Cid, cid: &Cid) -> Result<(), StoreError> {
        self.db
            .query_row(
                "SELECT 1 FROM blocks WHERE multihash = ?1",
                [cid.hash().to_bytes()],
                |_| Ok(()),
            )
            .optional()?
            .ok_or(StoreError::Missing {
                root: Box::new(*root),
                missing: Box::new(*cid),
            })
    }

    /// Visits each CID of the DAG once. Raw leaves have no links, so unless `read_leaves` only
    /// their presence is checked (a GC over a 1 GiB file reads its few inner nodes, not the GiB).
    fn walk(
        &self,
        root: &Cid,
        read_leaves: bool,
        mut visit: impl FnMut(&Cid) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut pending = vec![*root];
        let mut seen = HashSet::new();
        while let Some(cid) = pending.pop() {
            if !seen.insert(cid.hash().to_bytes()) {
                continue;
            }
            if cid.codec() == RAW && !read_leaves {
                self.present(root, &cid)?;
            } else {
                pending.extend(self.require(root, &cid)?.links()?);
            }
            visit(&cid)?;
        }
        Ok(())
    }
}

fn put_block(db: &Connection, block: &Block) -> rusqlite::Result<bool> {
    Ok(db.execute(
        "INSERT OR IGNORE INTO blocks (multihash, data, size) VALUES (?1, ?2, ?3)",
        params![
            block.cid().hash().to_bytes(),
            block.data(),
            block.data().len() as i64
        ],
    )? > 0)
}

fn put_pin(db: &Connection, root: &Cid, name: &str) -> rusqlite::Result<()> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs()) as i64;
    db.execute(
        "INSERT INTO pins (cid, name, pinned_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (cid) DO UPDATE SET name = excluded.name",
        params![root.to_string(), name, now],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::file_cid;

    fn content(size: usize) -> Vec<u8> {
        (0..size).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn a_file_added_reads_back_byte_for_byte() {
        let mut store = Blockstore::in_memory().unwrap();
        let bytes = content(3 * 262_144 + 5);
        let added = store.add_file(&bytes[..], ImportProfile::Legacy).unwrap();
        assert_eq!(
            added.root,
            file_cid(&bytes[..], ImportProfile::Legacy).unwrap().root
        );
        let mut out = Vec::new();
        assert_eq!(
            store.read_file(&added.root, &mut out).unwrap(),
            bytes.len() as u64
        );
        assert_eq!(out, bytes);
        assert_eq!(
            store.stats().unwrap(),
            StoreStats {
                blocks: 5,
                bytes: bytes.len() as u64
                    + store.get(&added.root).unwrap().unwrap().data().len() as u64,
                pins: 0,
            }
        );
    }

    #[test]
    fn gc_keeps_pinned_dags_and_frees_the_rest() {
        let mut store = Blockstore::in_memory().unwrap();
        let kept = store
            .add_file_pinned(&content(600_000)[..], ImportProfile::Legacy, "kept")
            .unwrap();
        let dropped = store
            .add_file(&b"scratch"[..], ImportProfile::Legacy)
            .unwrap();
        assert_eq!(
            store.gc().unwrap(),
            GcReport {
                blocks_removed: 1,
                bytes_freed: 7
            }
        );
        assert!(!store.has(&dropped.root).unwrap());
        assert!(store.read_file(&kept.root, io::sink()).is_ok());

        assert!(store.unpin(&kept.root).unwrap());
        assert!(!store.unpin(&kept.root).unwrap());
        let report = store.gc().unwrap();
        assert_eq!(report.blocks_removed, 4);
        assert_eq!(store.stats().unwrap().blocks, 0);
    }

    #[test]
    fn pinning_requires_the_whole_dag() {
        let mut store = Blockstore::in_memory().unwrap();
        let mut blocks = Vec::new();
        let imported = import_file(&content(600_000)[..], ImportProfile::Legacy, |b| {
            blocks.push(b)
        })
        .unwrap();
        // Everything but the second leaf.
        store
            .put_all(
                blocks
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 1)
                    .map(|(_, b)| b),
            )
            .unwrap();
        match store.pin(&imported.root, "partial") {
            Err(StoreError::Missing { root, missing }) => {
                assert_eq!(*root, imported.root);
                assert_eq!(*missing, blocks[1].cid());
            }
            other => panic!("expected a missing block, got {other:?}"),
        }
        assert!(store.pins().unwrap().is_empty());
        store.put(&blocks[1]).unwrap();
        store.pin(&imported.root, "whole").unwrap();
        let pins = store.pins().unwrap();
        assert_eq!(pins.len(), 1);
        assert_eq!(
            (pins[0].cid, pins[0].name.as_str()),
            (imported.root, "whole")
        );
    }

    #[test]
    fn walk_visits_parents_first_and_each_block_once() {
        let mut store = Blockstore::in_memory().unwrap();
        // Three identical chunks share one leaf block.
        let imported = store
            .add_file(&vec![0u8; 3 * 262_144][..], ImportProfile::Legacy)
            .unwrap();
        let mut visited = Vec::new();
        store
            .walk_blocks(&imported.root, |block| {
                visited.push(block.cid());
                Ok(())
            })
            .unwrap();
        assert_eq!(visited.len(), 2);
        assert_eq!(visited[0], imported.root);
    }

    #[test]
    fn a_directory_is_not_read_as_a_file() {
        let store = Blockstore::in_memory().unwrap();
        // The empty UnixFS directory every IPFS node knows.
        let node = ipld_dagpb::PbNode {
            links: vec![],
            data: Some(vec![0x08, 0x01].into()),
        };
        let data = node.into_bytes();
        let cid = Cid::new_v1(
            DAG_PB,
            multihash_codetable::MultihashDigest::digest(
                &multihash_codetable::Code::Sha2_256,
                &data,
            ),
        );
        assert_eq!(
            cid.to_string(),
            "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"
        );
        store.put(&Block::verified(cid, data).unwrap()).unwrap();
        assert!(matches!(
            store.read_file(&cid, io::sink()),
            Err(StoreError::NotAFile {
                kind: "directory",
                ..
            })
        ));
    }

    #[test]
    fn the_store_survives_reopening() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("blocks.sqlite");
        let root = {
            let mut store = Blockstore::open(&path).unwrap();
            store
                .add_file_pinned(&b"kept across runs"[..], ImportProfile::Legacy, "item")
                .unwrap()
                .root
        };
        let store = Blockstore::open(&path).unwrap();
        assert!(store.is_pinned(&root).unwrap());
        let mut out = Vec::new();
        store.read_file(&root, &mut out).unwrap();
        assert_eq!(out, b"kept across runs");
    }
}
