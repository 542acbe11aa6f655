//! The path from an item's files to its token, as a journal that survives crashes.
//!
//! - [`Outbox`]: one row per item and the step it reached, in SQLite; every step is written
//!   down before it starts and after it ends, so a restarted process knows where each item
//!   stands.
//! - [`ItemFiles`]: an item's GLB, thumbnail and canonical metadata, made from the model's
//!   output and a [`Recipe`] (prompt, seed, weights, creation time) that makes them again.
//! - [`Step`]: generated → exported → stored → published → submitted → confirmed (→ verified,
//!   when asked).
//! - [`advance`]: runs an item's remaining steps. Each step is idempotent, files are pinned
//!   before the mint, the chain is asked for the token before anything is sent, and a
//!   transaction written down before it left is looked for instead of sent again.
//! - [`verify`]: a token's record, files and mesh checked from the chain alone, by re-running
//!   the generator.
//!
//! Joins kiln-asset, kiln-ipfs and kiln-chain. No Bevy here.

mod data_dir;
mod export;
mod files;
mod outbox;
mod steps;
mod verify;

pub use data_dir::{DataDir, DataDirError};
pub use export::{
    CpuModel, ExportError, ExportTimings, GLB_FILE, Generate, ItemFiles, METADATA_FILE, Recipe,
    THUMBNAIL_FILE, generated_glb, regenerate_glb, store_weights, weights_cid, write_all_or_none,
};
pub use outbox::{ItemId, Outbox, OutboxError, OutboxItem, Step, StepEvent};
pub use steps::{
    ExportedItem, MintError, Progress, Publish, Steps, advance, export_generated, finish_sent,
    read_exported,
};
pub use verify::{Check, Content, GEOMETRY_TOLERANCE, Verification, verify};
