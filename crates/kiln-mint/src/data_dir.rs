//! The data directory: one folder per user that holds everything Kiln keeps between runs — the
//! blockstore, the mint outbox, the sandbox chain, the keystore and the chain indexes. The CLI
//! and the client open the same one, so what one makes the other sees.

use std::io;
use std::path::{Path, PathBuf};

use kiln_chain::Deployment;
use kiln_ipfs::{Blockstore, StoreError};

use crate::{Outbox, OutboxError};

/// Why the data directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    #[error(
        "cannot find a home directory for Kiln's data: choose a folder with --data-dir DIR or KILN_DATA_DIR"
    )]
    NoHome,
    #[error(
        "data directory {0} is a file, not a folder: choose another with --data-dir DIR or KILN_DATA_DIR"
    )]
    NotAFolder(PathBuf),
    #[error(
        "cannot create the data directory {path} ({source}): choose another with --data-dir DIR or KILN_DATA_DIR"
    )]
    Create { path: PathBuf, source: io::Error },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("{path} is damaged: {detail}")]
    Damaged { path: PathBuf, detail: String },
}

/// A browser tab's data directory: its files live in SQLite's in-memory file system, and the
/// page keeps them in IndexedDB between visits.
#[cfg(target_arch = "wasm32")]
pub const BROWSER_DATA_DIR: &str = "/kiln";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    path: PathBuf,
}

impl DataDir {
    /// Opens `chosen` (from `--data-dir` or `KILN_DATA_DIR`), or the platform's data directory,
    /// creating it when it does not exist yet.
    pub fn open(chosen: Option<PathBuf>) -> Result<Self, DataDirError> {
        let path = match chosen {
            Some(path) => path,
            #[cfg(target_arch = "wasm32")]
            None => PathBuf::from(BROWSER_DATA_DIR),
            #[cfg(not(target_arch = "wasm32"))]
            None => directories::ProjectDirs::from("", "", "kiln")
                .map(|dirs| dirs.data_dir().to_owned())
                .ok_or(DataDirError::NoHome)?,
        };
        #[cfg(not(target_arch = "wasm32"))]
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(DataDirError::NotAFolder(path)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&path).map_err(|source| DataDirError::Create {
                    path: path.clone(),
                    source,
                })?;
            }
            Err(source) => return Err(DataDirError::Read { path, source }),
        }
        Ok(Self { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn blockstore_path(&self) -> PathBuf {
        self.path.join("blocks.sqlite")
    }

    /// The local blockstore, created on first use.
    pub fn blockstore(&self) -> Result<Blockstore, StoreError> {
        Blockstore::open(&self.blockstore_path())
    }

    /// The database that holds this data directory's plain files in a browser tab.
    #[cfg(target_arch = "wasm32")]
    pub fn browser_files_path(&self) -> PathBuf {
        self.path.join(crate::files::BROWSER_FILES)
    }

    pub fn outbox_path(&self) -> PathBuf {
        self.path.join("outbox.sqlite")
    }

    /// The mint outbox, created on first use.
    pub fn outbox(&self) -> Result<Outbox, OutboxError> {
        Outbox::open(&self.outbox_path())
    }

    /// The folder a created item's files go into: `items/<seed>-<prompt as words>`.
    pub fn item_dir(&self, prompt: &str, seed: u64) -> PathBuf {
        let words: String = prompt
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let slug: Vec<&str> = words.split('-').filter(|word| !word.is_empty()).collect();
        self.path
            .join("items")
            .join(format!("{seed}-{}", slug.join("-")))
    }

    /// The Kiln contracts `kiln-cli chain deploy` put on RPC networks, by chain id.
    pub fn deployments_path(&self) -> PathBuf {
        self.path.join("chain").join("deployments.json")
    }

    /// The recorded deployments (none when nothing was deployed yet).
    pub fn deployments(&self) -> Result<std::collections::BTreeMap<u64, Deployment>, DataDirError> {
        let path = self.deployments_path();
        match crate::files::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| DataDirError::Damaged {
                path,
                detail: format!("{error}; fix or delete it (and name the contract)"),
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Default::default()),
            Err(source) => Err(DataDirError::Read { path, source }),
        }
    }

    /// Where the event index of `deployment` lives: one file per chain and contract.
    pub fn index_path(&self, deployment: Deployment) -> PathBuf {
        self.path.join("chain").join(format!(
            "index-{}-{}.sqlite",
            deployment.chain_id, deployment.address
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_made_and_a_file_in_its_place_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let chosen = dir.path().join("nested/data");
        let data = DataDir::open(Some(chosen.clone())).unwrap();
        assert!(chosen.is_dir());
        assert_eq!(data.outbox_path(), chosen.join("outbox.sqlite"));
        assert_eq!(
            data.item_dir("A tall, RED chair!", 7),
            chosen.join("items/7-a-tall-red-chair")
        );
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let error = DataDir::open(Some(file)).unwrap_err();
        assert!(error.to_string().contains("is a file"), "{error}");
    }
}
