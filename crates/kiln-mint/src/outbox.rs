//! The mint outbox: one SQLite row per item with the step it reached, and a log of every step's
//! start, end and failure. Nothing about an item lives only in memory.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard};
// std's clock panics in a browser; web-time reads the page's there and is std's elsewhere.
use web_time::{SystemTime, UNIX_EPOCH};

use kiln_chain::{Address, B256, Deployment, SignedTx, TokenId};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::Recipe;

/// The items table. Its digests are empty while an item is only generated: its files, and so
/// their digests, do not exist yet; its recipe makes them.
const ITEMS_TABLE: &str = "(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_dir TEXT NOT NULL,
    network TEXT NOT NULL,
    chain_id INTEGER NOT NULL,
    contract BLOB NOT NULL,
    glb_sha256 BLOB,
    metadata_sha256 BLOB,
    state TEXT NOT NULL,
    tx_hash BLOB,
    tx_nonce INTEGER,
    token_id BLOB,
    block INTEGER,
    gas_used INTEGER,
    last_error TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    recipe TEXT,
    UNIQUE (chain_id, contract, glb_sha256)
)";

const STEPS_TABLE: &str = "
CREATE TABLE IF NOT EXISTS steps (
    item INTEGER NOT NULL REFERENCES items (id),
    step TEXT NOT NULL,
    phase TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS steps_by_item ON steps (item, at_ms);
";

/// `PRAGMA user_version` of the current layout. 0 was the first (no recipes, digests required).
const SCHEMA_VERSION: i64 = 2;

/// The steps an item goes through, in order; an item's state is the last step it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The model made the object, and its recipe (prompt, seed, weights, creation time) is
    /// written down: the files can be made again, byte for byte, from that alone.
    Generated,
    /// Its three files are in a folder (written by `kiln-cli export` or from the recipe).
    Exported,
    /// The files are in the local blockstore, pinned, their CIDs checked.
    Stored,
    /// The files are on the configured IPFS node or pinning service (or none is configured).
    Published,
    /// The mint transaction is signed and written down; it may or may not have left.
    Submitted,
    /// The token exists on the chain.
    Confirmed,
    /// The token verified: files by CID, digests, and the generator re-run (when asked for).
    Verified,
}

impl Step {
    pub const ALL: [Step; 7] = [
        Step::Generated,
        Step::Exported,
        Step::Stored,
        Step::Published,
        Step::Submitted,
        Step::Confirmed,
        Step::Verified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Generated => "generated",
            Step::Exported => "exported",
            Step::Stored => "stored",
            Step::Published => "published",
            Step::Submitted => "submitted",
            Step::Confirmed => "confirmed",
            Step::Verified => "verified",
        }
    }

    /// The step after this one, `None` after the last.
    pub fn next(self) -> Option<Step> {
        Step::ALL.into_iter().find(|step| *step > self)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Step {
    type Err = OutboxError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Step::ALL
            .into_iter()
            .find(|step| step.as_str() == text)
            .ok_or_else(|| OutboxError::Corrupt(format!("unknown step {text:?}")))
    }
}

/// An item's row number in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ItemId(pub i64);

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One item in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxItem {
    pub id: ItemId,
    pub item_dir: PathBuf,
    /// The network as the user named it: `sandbox` or an RPC URL.
    pub network: String,
    pub chain_id: u64,
    pub contract: Address,
    /// The digests of its files; `None` while it is only generated.
    pub glb_sha256: Option<B256>,
    pub metadata_sha256: Option<B256>,
    /// What its files are made from, for an item that went through `generated`.
    pub recipe: Option<Recipe>,
    /// The last step finished.
    pub state: Step,
    /// The mint transaction, once signed.
    pub tx_hash: Option<B256>,
    pub tx_nonce: Option<u64>,
    pub token_id: Option<TokenId>,
    pub block: Option<u64>,
    pub gas_used: Option<u64>,
    /// Why the last attempt stopped, if it failed.
    pub last_error: Option<String>,
    pub created_ms: u64,
    pub updated_ms: u64,
}

impl OutboxItem {
    pub fn is_done(&self) -> bool {
        self.state >= Step::Confirmed
    }
}

/// A step's start, end or failure, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepEvent {
    pub step: Step,
    /// `started`, `finished` or `failed`.
    pub phase: String,
    pub at_ms: u64,
    pub detail: Option<String>,
}

/// The outbox database failed.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("the mint outbox cannot be used: {0}; it is kept as it is, nothing was lost")]
    Database(#[from] rusqlite::Error),
    #[error("the mint outbox holds a value it did not write ({0})")]
    Corrupt(String),
    #[error("there is no item {0} in the mint outbox: `kiln-cli outbox` lists them")]
    NoSuchItem(ItemId),
    #[error(
        "the mint outbox was written by a newer Kiln (layout {0}, this one knows {SCHEMA_VERSION}): update Kiln"
    )]
    Newer(i64),
}

/// The outbox of a data directory.
pub struct Outbox {
    db: Mutex<Connection>,
}

impl fmt::Debug for Outbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outbox").finish_non_exhaustive()
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}

impl Outbox {
    /// Opens (or creates) the outbox in the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<Self, OutboxError> {
        Self::with_connection(Connection::open(path)?)
    }

    pub fn in_memory() -> Result<Self, OutboxError> {
        Self::with_connection(Connection::open_in_memory()?)
    }

    fn with_connection(mut db: Connection) -> Result<Self, OutboxError> {
        db.busy_timeout(std::time::Duration::from_secs(10))?;
        // Every write is on disk before the call returns: a step written down survives a
        // power cut, not just a crash.
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        migrate(&mut db)?;
        Ok(Self { db: Mutex::new(db) })
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        // SQLite rolls back whatever a panicking holder left unfinished.
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Puts an exported item in the outbox for `deployment`, or finds it there: the same GLB
    /// on the same contract is one item, however often it is queued.
    pub fn enqueue(
        &self,
        item_dir: &Path,
        network: &str,
        deployment: Deployment,
        glb_sha256: B256,
        metadata_sha256: B256,
    ) -> Result<ItemId, OutboxError> {
        let db = self.db();
        let now = now_ms() as i64;
        db.execute(
            "INSERT OR IGNORE INTO items
             (item_dir, network, chain_id, contract, glb_sha256, metadata_sha256, state, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'exported', ?7, ?7)",
            params![
                item_dir.to_string_lossy(),
                network,
                deployment.chain_id as i64,
                deployment.address.as_slice(),
                glb_sha256.as_slice(),
                metadata_sha256.as_slice(),
                now,
            ],
        )?;
        let id = db.query_row(
            "SELECT id FROM items WHERE chain_id = ?1 AND contract = ?2 AND glb_sha256 = ?3",
            params![
                deployment.chain_id as i64,
                deployment.address.as_slice(),
                glb_sha256.as_slice()
            ],
            |row| row.get(0),
        )?;
        Ok(ItemId(id))
    }

    /// Writes down a generated item by its recipe, before its files are made: the item is
    /// `generated`, and its files can be made again from the recipe if the process stops.
    pub fn order(
        &self,
        item_dir: &Path,
        network: &str,
        deployment: Deployment,
        recipe: &Recipe,
    ) -> Result<ItemId, OutboxError> {
        let recipe = serde_json::to_string(recipe)
            .map_err(|error| OutboxError::Corrupt(format!("a recipe: {error}")))?;
        let mut db = self.db();
        let tx = db.transaction()?;
        let now = now_ms() as i64;
        tx.execute(
            "INSERT INTO items (item_dir, network, chain_id, contract, state, recipe, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, 'generated', ?5, ?6, ?6)",
            params![
                item_dir.to_string_lossy(),
                network,
                deployment.chain_id as i64,
                deployment.address.as_slice(),
                recipe,
                now,
            ],
        )?;
        let id = ItemId(tx.last_insert_rowid());
        self.log(&tx, id, Step::Generated, "finished", None)?;
        tx.commit()?;
        Ok(id)
    }

    /// Writes down that a generated item's files are in its folder, with their digests: the
    /// item is `exported`. When the same object is in the outbox already (the same prompt and
    /// seed made twice), this order is folded into that item, whose id is returned.
    pub fn exported(
        &self,
        id: ItemId,
        glb_sha256: B256,
        metadata_sha256: B256,
    ) -> Result<ItemId, OutboxError> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT other.id FROM items AS other JOIN items AS this
                 ON other.chain_id = this.chain_id AND other.contract = this.contract
                 WHERE this.id = ?1 AND other.id != ?1 AND other.glb_sha256 = ?2",
                params![id.0, glb_sha256.as_slice()],
                |row| row.get(0),
            )
            .optional()?;
        let survivor = match existing {
            Some(other) => {
                tx.execute("DELETE FROM steps WHERE item = ?1", [id.0])?;
                tx.execute("DELETE FROM items WHERE id = ?1", [id.0])?;
                let detail =
                    format!("made again by a later order (item {id}), folded into this one");
                self.log(
                    &tx,
                    ItemId(other),
                    Step::Exported,
                    "finished",
                    Some(&detail),
                )?;
                ItemId(other)
            }
            None => {
                tx.execute(
                    "UPDATE items SET state = 'exported', glb_sha256 = ?2, metadata_sha256 = ?3,
                     last_error = NULL, updated_ms = ?4 WHERE id = ?1",
                    params![
                        id.0,
                        glb_sha256.as_slice(),
                        metadata_sha256.as_slice(),
                        now_ms() as i64
                    ],
                )?;
                self.log(&tx, id, Step::Exported, "finished", None)?;
                id
            }
        };
        tx.commit()?;
        Ok(survivor)
    }

    pub fn get(&self, id: ItemId) -> Result<OutboxItem, OutboxError> {
        self.items_where("id = ?1", params![id.0])?
            .pop()
            .ok_or(OutboxError::NoSuchItem(id))
    }

    /// Items that have not reached a token yet, oldest first.
    pub fn unfinished(&self) -> Result<Vec<OutboxItem>, OutboxError> {
        self.items_where("state NOT IN ('confirmed', 'verified')", params![])
    }

    /// Every item, oldest first.
    pub fn all(&self) -> Result<Vec<OutboxItem>, OutboxError> {
        self.items_where("1", params![])
    }

    /// Writes down that `step` starts for `id`.
    pub fn started(&self, id: ItemId, step: Step) -> Result<(), OutboxError> {
        self.log(&self.db(), id, step, "started", None)
    }

    /// Writes down that `step` ended well: the item's state becomes `step`.
    pub fn finished(
        &self,
        id: ItemId,
        step: Step,
        detail: Option<&str>,
    ) -> Result<(), OutboxError> {
        let mut db = self.db();
        let tx = db.transaction()?;
        tx.execute(
            "UPDATE items SET state = ?2, last_error = NULL, updated_ms = ?3 WHERE id = ?1",
            params![id.0, step.as_str(), now_ms() as i64],
        )?;
        self.log(&tx, id, step, "finished", detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Writes down that `step` failed; the item keeps its state, and the reason.
    pub fn failed(&self, id: ItemId, step: Step, reason: &str) -> Result<(), OutboxError> {
        let mut db = self.db();
        let tx = db.transaction()?;
        tx.execute(
            "UPDATE items SET last_error = ?2, updated_ms = ?3 WHERE id = ?1",
            params![id.0, reason, now_ms() as i64],
        )?;
        self.log(&tx, id, step, "failed", Some(reason))?;
        tx.commit()?;
        Ok(())
    }

    /// Writes down the signed mint transaction before it is sent: the item is `submitted`.
    pub fn submitted(&self, id: ItemId, signed: SignedTx) -> Result<(), OutboxError> {
        let mut db = self.db();
        let tx = db.transaction()?;
        tx.execute(
            "UPDATE items SET state = 'submitted', tx_hash = ?2, tx_nonce = ?3, last_error = NULL, updated_ms = ?4 WHERE id = ?1",
            params![id.0, signed.hash.as_slice(), signed.nonce as i64, now_ms() as i64],
        )?;
        let detail = format!("transaction {} (nonce {})", signed.hash, signed.nonce);
        self.log(&tx, id, Step::Submitted, "finished", Some(&detail))?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets a mint transaction the chain never saw (it may be signed and sent anew).
    pub fn forget_transaction(&self, id: ItemId, why: &str) -> Result<(), OutboxError> {
        let db = self.db();
        db.execute(
            "UPDATE items SET state = 'published', tx_hash = NULL, tx_nonce = NULL, updated_ms = ?2 WHERE id = ?1",
            params![id.0, now_ms() as i64],
        )?;
        self.log(&db, id, Step::Submitted, "failed", Some(why))
    }

    /// Writes down the token: the item is `confirmed`.
    pub fn confirmed(
        &self,
        id: ItemId,
        token: TokenId,
        tx_hash: B256,
        block: u64,
        gas_used: u64,
    ) -> Result<(), OutboxError> {
        let mut db = self.db();
        let tx = db.transaction()?;
        tx.execute(
            "UPDATE items SET state = 'confirmed', token_id = ?2, tx_hash = ?3, block = ?4, gas_used = ?5,
             last_error = NULL, updated_ms = ?6 WHERE id = ?1",
            params![
                id.0,
                token.0.as_slice(),
                tx_hash.as_slice(),
                block as i64,
                gas_used as i64,
                now_ms() as i64
            ],
        )?;
        let detail = format!("token {token} in block {block}");
        self.log(&tx, id, Step::Confirmed, "finished", Some(&detail))?;
        tx.commit()?;
        Ok(())
    }

    /// The item's step log, oldest first.
    pub fn events(&self, id: ItemId) -> Result<Vec<StepEvent>, OutboxError> {
        let db = self.db();
        let mut statement = db.prepare(
            "SELECT step, phase, at_ms, detail FROM steps WHERE item = ?1 ORDER BY rowid",
        )?;
        let rows = statement.query_map([id.0], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut events = Vec::new();
        for row in rows {
            let (step, phase, at_ms, detail) = row?;
            events.push(StepEvent {
                step: step.parse()?,
                phase,
                at_ms: at_ms as u64,
                detail,
            });
        }
        Ok(events)
    }

    fn log(
        &self,
        db: &Connection,
        id: ItemId,
        step: Step,
        phase: &str,
        detail: Option<&str>,
    ) -> Result<(), OutboxError> {
        let changed = db.execute(
            "INSERT INTO steps (item, step, phase, at_ms, detail)
             SELECT id, ?2, ?3, ?4, ?5 FROM items WHERE id = ?1",
            params![id.0, step.as_str(), phase, now_ms() as i64, detail],
        )?;
        if changed == 0 {
            return Err(OutboxError::NoSuchItem(id));
        }
        Ok(())
    }

    fn items_where(
        &self,
        condition: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<OutboxItem>, OutboxError> {
        let db = self.db();
        let sql = format!(
            "SELECT id, item_dir, network, chain_id, contract, glb_sha256, metadata_sha256, state,
                    tx_hash, tx_nonce, token_id, block, gas_used, last_error, created_ms, updated_ms,
                    recipe
             FROM items WHERE {condition} ORDER BY id"
        );
        let mut statement = db.prepare(&sql)?;
        let rows = statement.query_map(values, read_row)?;
        rows.map(|row| row?).collect()
    }
}

/// Brings the database to the current layout: creates it, or rebuilds the items table of the
/// first layout (SQLite cannot relax NOT NULL in place), in one transaction.
fn migrate(db: &mut Connection) -> Result<(), OutboxError> {
    let version: i64 = db.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(OutboxError::Newer(version));
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    // SQLite's way to rebuild a table that others refer to: references unchecked while it
    // happens (this switch only works outside a transaction), checked again before commit.
    db.pragma_update(None, "foreign_keys", false)?;
    let rebuilt = rebuild(db);
    db.pragma_update(None, "foreign_keys", true)?;
    rebuilt
}

fn rebuild(db: &mut Connection) -> Result<(), OutboxError> {
    let tx = db.transaction()?;
    let has_items: bool = tx.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'items'",
        [],
        |row| row.get(0),
    )?;
    if has_items {
        tx.execute_batch(&format!(
            "CREATE TABLE items_next {ITEMS_TABLE};
             INSERT INTO items_next (id, item_dir, network, chain_id, contract, glb_sha256,
                 metadata_sha256, state, tx_hash, tx_nonce, token_id, block, gas_used, last_error,
                 created_ms, updated_ms)
             SELECT id, item_dir, network, chain_id, contract, glb_sha256, metadata_sha256, state,
                 tx_hash, tx_nonce, token_id, block, gas_used, last_error, created_ms, updated_ms
             FROM items;
             DROP TABLE items;
             ALTER TABLE items_next RENAME TO items;"
        ))?;
    } else {
        tx.execute_batch(&format!("CREATE TABLE items {ITEMS_TABLE};"))?;
    }
    tx.execute_batch(STEPS_TABLE)?;
    let dangling: i64 =
        tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })?;
    if dangling > 0 {
        return Err(OutboxError::Corrupt(format!(
            "{dangling} step records name no item"
        )));
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// Reads a row of `items`; the inner result is our own decoding of what SQLite returned.
fn read_row(row: &Row<'_>) -> rusqlite::Result<Result<OutboxItem, OutboxError>> {
    let b256 = |bytes: Vec<u8>| {
        B256::try_from(bytes.as_slice())
            .map_err(|_| OutboxError::Corrupt(format!("a {}-byte digest", bytes.len())))
    };
    let id = ItemId(row.get(0)?);
    let item_dir: String = row.get(1)?;
    let network: String = row.get(2)?;
    let chain_id: i64 = row.get(3)?;
    let contract: Vec<u8> = row.get(4)?;
    let glb: Option<Vec<u8>> = row.get(5)?;
    let metadata: Option<Vec<u8>> = row.get(6)?;
    let state: String = row.get(7)?;
    let tx_hash: Option<Vec<u8>> = row.get(8)?;
    let tx_nonce: Option<i64> = row.get(9)?;
    let token: Option<Vec<u8>> = row.get(10)?;
    let block: Option<i64> = row.get(11)?;
    let gas_used: Option<i64> = row.get(12)?;
    let last_error: Option<String> = row.get(13)?;
    let created_ms: i64 = row.get(14)?;
    let updated_ms: i64 = row.get(15)?;
    let recipe: Option<String> = row.get(16)?;
    Ok((|| {
        Ok(OutboxItem {
            id,
            item_dir: PathBuf::from(item_dir),
            network,
            chain_id: chain_id as u64,
            contract: Address::try_from(contract.as_slice())
                .map_err(|_| OutboxError::Corrupt("a contract address".into()))?,
            glb_sha256: glb.map(b256).transpose()?,
            metadata_sha256: metadata.map(b256).transpose()?,
            recipe: recipe
                .map(|text| {
                    serde_json::from_str(&text)
                        .map_err(|error| OutboxError::Corrupt(format!("a recipe: {error}")))
                })
                .transpose()?,
            state: state.parse()?,
            tx_hash: tx_hash.map(b256).transpose()?,
            tx_nonce: tx_nonce.map(|n| n as u64),
            token_id: token.map(b256).transpose()?.map(TokenId),
            block: block.map(|n| n as u64),
            gas_used: gas_used.map(|n| n as u64),
            last_error,
            created_ms: created_ms as u64,
            updated_ms: updated_ms as u64,
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment() -> Deployment {
        Deployment {
            chain_id: 7,
            address: Address::repeat_byte(9),
            block: 1,
        }
    }

    #[test]
    fn an_item_is_queued_once_and_its_steps_are_written_down_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.sqlite");
        let outbox = Outbox::open(&path).unwrap();
        let (glb, metadata) = (B256::repeat_byte(1), B256::repeat_byte(2));
        let id = outbox
            .enqueue(
                Path::new("/items/chair"),
                "sandbox",
                deployment(),
                glb,
                metadata,
            )
            .unwrap();
        let again = outbox
            .enqueue(
                Path::new("/elsewhere"),
                "sandbox",
                deployment(),
                glb,
                metadata,
            )
            .unwrap();
        assert_eq!(
            id, again,
            "the same GLB on the same contract became two items"
        );
        let other_chain = Deployment {
            chain_id: 8,
            ..deployment()
        };
        let elsewhere = outbox
            .enqueue(
                Path::new("/items/chair"),
                "sandbox",
                other_chain,
                glb,
                metadata,
            )
            .unwrap();
        assert_ne!(id, elsewhere);

        outbox.started(id, Step::Stored).unwrap();
        outbox.failed(id, Step::Stored, "disk full").unwrap();
        assert_eq!(outbox.get(id).unwrap().state, Step::Exported);
        assert_eq!(
            outbox.get(id).unwrap().last_error.as_deref(),
            Some("disk full")
        );
        outbox.finished(id, Step::Stored, None).unwrap();
        outbox
            .finished(id, Step::Published, Some("no node configured"))
            .unwrap();
        let signed = SignedTx {
            hash: B256::repeat_byte(3),
            nonce: 4,
        };
        outbox.submitted(id, signed).unwrap();
        drop(outbox);

        // A new process reads what the old one wrote.
        let outbox = Outbox::open(&path).unwrap();
        let item = outbox.get(id).unwrap();
        assert_eq!(item.state, Step::Submitted);
        assert_eq!((item.tx_hash, item.tx_nonce), (Some(signed.hash), Some(4)));
        assert_eq!(item.last_error, None);
        assert_eq!(outbox.unfinished().unwrap().len(), 2);

        outbox
            .forget_transaction(id, "the node never saw it")
            .unwrap();
        assert_eq!(outbox.get(id).unwrap().state, Step::Published);
        assert_eq!(outbox.get(id).unwrap().tx_hash, None);
        outbox
            .confirmed(id, TokenId(glb), B256::repeat_byte(5), 12, 117_104)
            .unwrap();
        let item = outbox.get(id).unwrap();
        assert!(item.is_done());
        assert_eq!(item.token_id, Some(TokenId(glb)));
        let phases: Vec<String> = outbox
            .events(id)
            .unwrap()
            .into_iter()
            .map(|e| format!("{} {}", e.step, e.phase))
            .collect();
        assert_eq!(
            phases,
            [
                "stored started",
                "stored failed",
                "stored finished",
                "published finished",
                "submitted finished",
                "submitted failed",
                "confirmed finished"
            ]
        );
        assert!(matches!(
            outbox.get(ItemId(99)),
            Err(OutboxError::NoSuchItem(_))
        ));
        assert!(matches!(
            outbox.started(ItemId(99), Step::Stored),
            Err(OutboxError::NoSuchItem(_))
        ));
    }

    #[test]
    fn an_outbox_of_the_first_layout_is_brought_forward_with_its_items() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.sqlite");
        {
            let db = Connection::open(&path).unwrap();
            db.execute_batch(
                "CREATE TABLE items (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, item_dir TEXT NOT NULL,
                    network TEXT NOT NULL, chain_id INTEGER NOT NULL, contract BLOB NOT NULL,
                    glb_sha256 BLOB NOT NULL, metadata_sha256 BLOB NOT NULL, state TEXT NOT NULL,
                    tx_hash BLOB, tx_nonce INTEGER, token_id BLOB, block INTEGER, gas_used INTEGER,
                    last_error TEXT, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
                    UNIQUE (chain_id, contract, glb_sha256));
                 CREATE TABLE steps (item INTEGER NOT NULL REFERENCES items (id), step TEXT NOT NULL,
                    phase TEXT NOT NULL, at_ms INTEGER NOT NULL, detail TEXT);",
            )
            .unwrap();
            db.execute(
                "INSERT INTO items (item_dir, network, chain_id, contract, glb_sha256,
                 metadata_sha256, state, created_ms, updated_ms)
                 VALUES ('/items/old', 'sandbox', 7, ?1, ?2, ?3, 'stored', 1, 2)",
                params![
                    Address::repeat_byte(9).as_slice(),
                    B256::repeat_byte(1).as_slice(),
                    B256::repeat_byte(2).as_slice()
                ],
            )
            .unwrap();
            db.execute(
                "INSERT INTO steps VALUES (1, 'stored', 'finished', 2, NULL)",
                [],
            )
            .unwrap();
        }
        let outbox = Outbox::open(&path).unwrap();
        let old = outbox.get(ItemId(1)).unwrap();
        assert_eq!(old.state, Step::Stored);
        assert_eq!(old.glb_sha256, Some(B256::repeat_byte(1)));
        assert_eq!(old.recipe, None);
        assert_eq!(outbox.events(ItemId(1)).unwrap().len(), 1);
        // The new layout takes generated items, and the old item keeps its place.
        let recipe = Recipe::new("a chair", 1, &"ab".repeat(32), 0);
        let new = outbox
            .order(Path::new("/items/new"), "sandbox", deployment(), &recipe)
            .unwrap();
        assert_eq!(new, ItemId(2));
        drop(outbox);
        let outbox = Outbox::open(&path).unwrap();
        assert_eq!(outbox.all().unwrap().len(), 2);

        let db = Connection::open(&path).unwrap();
        db.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(db);
        assert!(matches!(
            Outbox::open(&path),
            Err(OutboxError::Newer(version)) if version == SCHEMA_VERSION + 1
        ));
    }

    #[test]
    fn steps_come_in_order() {
        assert_eq!(Step::Generated.next(), Some(Step::Exported));
        assert_eq!(Step::Exported.next(), Some(Step::Stored));
        assert_eq!(Step::Submitted.next(), Some(Step::Confirmed));
        assert_eq!(Step::Confirmed.next(), Some(Step::Verified));
        assert_eq!(Step::Verified.next(), None);
        for step in Step::ALL {
            assert_eq!(step.as_str().parse::<Step>().unwrap(), step);
        }
        assert!("minted".parse::<Step>().is_err());
    }
}
