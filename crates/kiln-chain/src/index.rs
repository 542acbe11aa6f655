//! The contract's events in SQLite: what the world and the gallery show, without asking the
//! chain for every item every frame. A sync reads the events since the last processed block and
//! applies them in one transaction, so an interrupted sync leaves the index as it was. When the
//! chain no longer has the block last processed (a reorg), the last `reorg_depth` blocks are read
//! again; a reorg deeper than that rebuilds the index from the deployment block.

use std::collections::BTreeSet;
use std::path::Path;

use alloy::primitives::{Address, B256};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{BlockRef, Chain, ChainError, Deployment, KilnEvent, LoggedEvent, Placement, TokenId};

/// How many blocks a detected reorg makes the index read again (Ethereum mainnet finalises in
/// 64; anvil and the sandbox never reorganise by themselves).
pub const DEFAULT_REORG_DEPTH: u64 = 64;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    block INTEGER NOT NULL,
    block_hash BLOB NOT NULL,
    log_index INTEGER NOT NULL,
    tx BLOB NOT NULL,
    token BLOB NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (block, log_index)
);
CREATE INDEX IF NOT EXISTS events_by_token ON events (token, block, log_index);
CREATE TABLE IF NOT EXISTS tokens (
    id BLOB PRIMARY KEY,
    owner BLOB NOT NULL,
    creator BLOB NOT NULL,
    metadata_sha256 BLOB NOT NULL,
    minted_block INTEGER NOT NULL,
    minted_tx BLOB NOT NULL,
    placed INTEGER NOT NULL,
    x INTEGER,
    z INTEGER,
    rotation INTEGER
);
CREATE INDEX IF NOT EXISTS tokens_by_owner ON tokens (owner);
CREATE INDEX IF NOT EXISTS tokens_by_creator ON tokens (creator);
CREATE INDEX IF NOT EXISTS tokens_by_plot ON tokens (x, z) WHERE placed = 1;
";

/// Why the index could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("the index database cannot be used: {0}; delete the file to rebuild it from the chain")]
    Database(#[from] rusqlite::Error),
    #[error(
        "this index belongs to contract {indexed_contract} on chain {indexed_chain}, not to {asked_contract} on chain {asked_chain}: use another index file"
    )]
    OtherDeployment {
        indexed_chain: u64,
        indexed_contract: Address,
        asked_chain: u64,
        asked_contract: Address,
    },
    #[error("cannot create the index's folder {path}: {source}")]
    Folder {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("the index holds a value it did not write ({0}); delete the file to rebuild it")]
    Corrupt(String),
    #[error(transparent)]
    Chain(#[from] ChainError),
}

impl IndexError {
    /// Whether the index file itself is damaged (not busy, not another deployment's).
    fn is_damage(&self) -> bool {
        match self {
            IndexError::Corrupt(_) => true,
            IndexError::Database(rusqlite::Error::SqliteFailure(failure, _)) => matches!(
                failure.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ),
            _ => false,
        }
    }
}

/// A token as the index knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedToken {
    pub id: TokenId,
    pub owner: Address,
    pub creator: Address,
    pub metadata_sha256: B256,
    pub minted_block: u64,
    pub minted_tx: B256,
    pub placement: Option<Placement>,
}

/// What one sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    /// The first block read.
    pub from: u64,
    /// The block the index now stands at.
    pub head: BlockRef,
    /// Events read (events of blocks read again count again).
    pub events: usize,
    /// Whether the chain had reorganised since the last sync.
    pub reorganised: bool,
}

/// The event index of one deployment.
pub struct Index {
    db: Connection,
    deployment: Deployment,
    reorg_depth: u64,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("deployment", &self.deployment)
            .finish_non_exhaustive()
    }
}

impl Index {
    /// Opens (or creates) the index of `deployment` in the SQLite file at `path`.
    pub fn open(path: &Path, deployment: Deployment) -> Result<Self, IndexError> {
        // In a browser the path names a file of SQLite's in-memory file system: no folders.
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| IndexError::Folder {
                path: parent.to_owned(),
                source,
            })?;
        }
        Self::with_connection(Connection::open(path)?, deployment)
    }

    /// Opens the index at `path` as [`Index::open`] does; an index that cannot be read
    /// (damaged, or not an index at all) is moved aside to `<path>.damaged` and a new one made,
    /// which the next sync fills from the chain: the index only keeps what the chain says, so
    /// nothing is lost. Returns what was done, for the player to read.
    pub fn open_or_rebuild(
        path: &Path,
        deployment: Deployment,
    ) -> Result<(Self, Option<String>), IndexError> {
        match Self::open(path, deployment) {
            Err(error) if error.is_damage() => {
                let note = format!("the index {} was damaged ({error})", path.display());
                #[cfg(not(target_arch = "wasm32"))]
                {
                    let aside = path.with_extension("damaged");
                    std::fs::rename(path, &aside).map_err(|source| IndexError::Folder {
                        path: aside.clone(),
                        source,
                    })?;
                    for suffix in ["-wal", "-shm"] {
                        let mut journal = path.as_os_str().to_owned();
                        journal.push(suffix);
                        let _ = std::fs::remove_file(journal);
                    }
                    let index = Self::open(path, deployment)?;
                    Ok((
                        index,
                        Some(format!(
                            "{note}; it was moved to {} and is read again from the chain",
                            aside.display()
                        )),
                    ))
                }
                // A tab's index file lives in SQLite's memory file system: read again in memory.
                #[cfg(target_arch = "wasm32")]
                Ok((
                    Self::in_memory(deployment)?,
                    Some(format!("{note}; it is read again from the chain")),
                ))
            }
            opened => opened.map(|index| (index, None)),
        }
    }

    /// An index that lives in memory only.
    pub fn in_memory(deployment: Deployment) -> Result<Self, IndexError> {
        Self::with_connection(Connection::open_in_memory()?, deployment)
    }

    fn with_connection(db: Connection, deployment: Deployment) -> Result<Self, IndexError> {
        db.busy_timeout(std::time::Duration::from_secs(10))?;
        db.execute_batch(SCHEMA)?;
        let stored: Option<String> = db
            .query_row(
                "SELECT value FROM meta WHERE key = 'deployment'",
                [],
                |row| row.get(0),
            )
            .optional()?;
        match stored {
            None => {
                let json = serde_json::to_string(&deployment).expect("a deployment serialises");
                db.execute(
                    "INSERT INTO meta (key, value) VALUES ('deployment', ?1)",
                    [json],
                )?;
            }
            Some(json) => {
                let indexed: Deployment = serde_json::from_str(&json)
                    .map_err(|error| IndexError::Corrupt(format!("deployment: {error}")))?;
                if indexed.chain_id != deployment.chain_id || indexed.address != deployment.address
                {
                    return Err(IndexError::OtherDeployment {
                        indexed_chain: indexed.chain_id,
                        indexed_contract: indexed.address,
                        asked_chain: deployment.chain_id,
                        asked_contract: deployment.address,
                    });
                }
            }
        }
        Ok(Self {
            db,
            deployment,
            reorg_depth: DEFAULT_REORG_DEPTH,
        })
    }

    /// Sets how many blocks a detected reorg reads again.
    pub fn with_reorg_depth(mut self, depth: u64) -> Self {
        self.reorg_depth = depth.max(1);
        self
    }

    /// The last block the index has processed.
    pub fn cursor(&self) -> Result<Option<BlockRef>, IndexError> {
        let stored: Option<String> = self
            .db
            .query_row("SELECT value FROM meta WHERE key = 'cursor'", [], |row| {
                row.get(0)
            })
            .optional()?;
        stored
            .map(|json| {
                serde_json::from_str(&json).map_err(|e| IndexError::Corrupt(format!("cursor: {e}")))
            })
            .transpose()
    }

    /// Reads the chain's new events into the index.
    pub async fn sync<C: Chain>(&mut self, chain: &C) -> Result<SyncReport, IndexError> {
        let head = chain.head().await?;
        let cursor = self.cursor()?;
        let mut reorganised = false;
        let from = match cursor {
            None => self.deployment.block,
            Some(cursor) if chain.block_hash(cursor.number).await? == Some(cursor.hash) => {
                cursor.number.saturating_add(1)
            }
            Some(cursor) => {
                reorganised = true;
                let window = cursor
                    .number
                    .saturating_sub(self.reorg_depth - 1)
                    .max(self.deployment.block);
                // Below the window the index keeps what it has, if the chain still agrees.
                match self.last_event_block_before(window)? {
                    Some(kept) if chain.block_hash(kept.number).await? != Some(kept.hash) => {
                        self.deployment.block
                    }
                    _ => window,
                }
            }
        };
        let events = if from <= head.number {
            chain.events(from, head.number).await?
        } else {
            Vec::new()
        };
        self.apply(from, head, &events)?;
        Ok(SyncReport {
            from,
            head,
            events: events.len(),
            reorganised,
        })
    }

    fn last_event_block_before(&self, block: u64) -> Result<Option<BlockRef>, IndexError> {
        self.db
            .query_row(
                "SELECT block, block_hash FROM events WHERE block < ?1 ORDER BY block DESC LIMIT 1",
                [block as i64],
                |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?)),
            )
            .optional()?
            .map(|(number, hash)| {
                Ok(BlockRef {
                    number: number as u64,
                    hash: b256(&hash)?,
                })
            })
            .transpose()
    }

    /// Replaces everything from block `from` on with `events`, in one transaction.
    fn apply(
        &mut self,
        from: u64,
        head: BlockRef,
        events: &[LoggedEvent],
    ) -> Result<(), IndexError> {
        let tx = self.db.transaction()?;
        let mut touched = BTreeSet::new();
        {
            let mut dropped = tx.prepare("SELECT DISTINCT token FROM events WHERE block >= ?1")?;
            for token in dropped.query_map([from as i64], |row| row.get::<_, Vec<u8>>(0))? {
                touched.insert(b256(&token?)?);
            }
        }
        tx.execute("DELETE FROM events WHERE block >= ?1", [from as i64])?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO events (block, block_hash, log_index, tx, token, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for logged in events {
                let token = logged.event.token();
                touched.insert(token.0);
                insert.execute(params![
                    logged.block.number as i64,
                    logged.block.hash.as_slice(),
                    logged.log_index as i64,
                    logged.tx.as_slice(),
                    token.0.as_slice(),
                    serde_json::to_string(&logged.event).expect("an event serialises"),
                ])?;
            }
        }
        for token in touched {
            replay_token(&tx, token)?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor', ?1)",
            [serde_json::to_string(&head).expect("a block ref serialises")],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// One token.
    pub fn token(&self, id: TokenId) -> Result<Option<IndexedToken>, IndexError> {
        self.tokens_where("id = ?1", params![id.0.as_slice()])
            .map(|mut tokens| tokens.pop())
    }

    /// The tokens `owner` holds.
    pub fn by_owner(&self, owner: Address) -> Result<Vec<IndexedToken>, IndexError> {
        self.tokens_where("owner = ?1", params![owner.as_slice()])
    }

    /// The tokens `creator` minted.
    pub fn by_creator(&self, creator: Address) -> Result<Vec<IndexedToken>, IndexError> {
        self.tokens_where("creator = ?1", params![creator.as_slice()])
    }

    /// The token on plot (`x`, `z`).
    pub fn at_plot(&self, x: i32, z: i32) -> Result<Option<IndexedToken>, IndexError> {
        self.tokens_where("placed = 1 AND x = ?1 AND z = ?2", params![x, z])
            .map(|mut tokens| tokens.pop())
    }

    /// Every token standing in the world.
    pub fn placed(&self) -> Result<Vec<IndexedToken>, IndexError> {
        self.tokens_where("placed = 1", params![])
    }

    /// Every token, oldest first.
    pub fn all(&self) -> Result<Vec<IndexedToken>, IndexError> {
        self.tokens_where("1", params![])
    }

    fn tokens_where(
        &self,
        condition: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<IndexedToken>, IndexError> {
        let sql = format!(
            "SELECT id, owner, creator, metadata_sha256, minted_block, minted_tx, placed, x, z, rotation
             FROM tokens WHERE {condition} ORDER BY minted_block, id"
        );
        let mut statement = self.db.prepare(&sql)?;
        let rows = statement.query_map(values, |row| {
            Ok((
                row.get::<_, Vec<u8>>(0)?,
                row.get::<_, Vec<u8>>(1)?,
                row.get::<_, Vec<u8>>(2)?,
                row.get::<_, Vec<u8>>(3)?,
                row.get::<_, i64>(4)?,
                row.get::<_, Vec<u8>>(5)?,
                row.get::<_, bool>(6)?,
                row.get::<_, Option<i32>>(7)?,
                row.get::<_, Option<i32>>(8)?,
                row.get::<_, Option<u16>>(9)?,
            ))
        })?;
        let mut tokens = Vec::new();
        for row in rows {
            let (id, owner, creator, metadata, block, tx, placed, x, z, rotation) = row?;
            tokens.push(IndexedToken {
                id: TokenId(b256(&id)?),
                owner: address(&owner)?,
                creator: address(&creator)?,
                metadata_sha256: b256(&metadata)?,
                minted_block: block as u64,
                minted_tx: b256(&tx)?,
                placement: match (placed, x, z, rotation) {
                    (true, Some(x), Some(z), Some(rotation)) => Some(Placement { x, z, rotation }),
                    (false, ..) => None,
                    _ => {
                        return Err(IndexError::Corrupt(
                            "a placed token without its plot".into(),
                        ));
                    }
                },
            });
        }
        Ok(tokens)
    }
}

/// Rebuilds one token's row from all of its events.
fn replay_token(tx: &rusqlite::Transaction<'_>, token: B256) -> Result<(), IndexError> {
    let mut statement = tx
        .prepare("SELECT block, tx, body FROM events WHERE token = ?1 ORDER BY block, log_index")?;
    let rows = statement.query_map([token.as_slice()], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, Vec<u8>>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    let mut minted: Option<(Address, B256, u64, B256)> = None;
    let mut owner = Address::ZERO;
    let mut placement = None;
    for row in rows {
        let (block, tx_hash, body) = row?;
        let event: KilnEvent =
            serde_json::from_str(&body).map_err(|e| IndexError::Corrupt(format!("event: {e}")))?;
        match event {
            KilnEvent::Minted {
                creator,
                metadata_sha256,
                ..
            } => minted = Some((creator, metadata_sha256, block as u64, b256(&tx_hash)?)),
            KilnEvent::Transferred { to, .. } => owner = to,
            KilnEvent::Placed { placement: p, .. } => placement = Some(p),
            KilnEvent::Removed { .. } => placement = None,
        }
    }
    drop(statement);
    tx.execute("DELETE FROM tokens WHERE id = ?1", [token.as_slice()])?;
    if let Some((creator, metadata, block, minted_tx)) = minted {
        tx.execute(
            "INSERT INTO tokens (id, owner, creator, metadata_sha256, minted_block, minted_tx, placed, x, z, rotation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                token.as_slice(),
                owner.as_slice(),
                creator.as_slice(),
                metadata.as_slice(),
                block as i64,
                minted_tx.as_slice(),
                placement.is_some(),
                placement.map(|p: Placement| p.x),
                placement.map(|p| p.z),
                placement.map(|p| p.rotation),
            ],
        )?;
    }
    Ok(())
}

fn b256(bytes: &[u8]) -> Result<B256, IndexError> {
    B256::try_from(bytes).map_err(|_| IndexError::Corrupt(format!("a {}-byte hash", bytes.len())))
}

fn address(bytes: &[u8]) -> Result<Address, IndexError> {
    Address::try_from(bytes)
        .map_err(|_| IndexError::Corrupt(format!("a {}-byte address", bytes.len())))
}
