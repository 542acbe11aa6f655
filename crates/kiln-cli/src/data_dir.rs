//! The data directory: one folder per user that holds everything Kiln keeps between runs.

use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use kiln_ipfs::Blockstore;

#[derive(Debug, Clone)]
pub struct DataDir {
    path: PathBuf,
}

impl DataDir {
    /// Opens `chosen` (from `--data-dir` or `KILN_DATA_DIR`), or the platform's data directory,
    /// creating it when it does not exist yet.
    pub fn open(chosen: Option<PathBuf>) -> anyhow::Result<Self> {
        let path = match chosen {
            Some(path) => path,
            None => directories::ProjectDirs::from("", "", "kiln")
                .map(|dirs| dirs.data_dir().to_owned())
                .context(
                    "cannot find a home directory for Kiln's data: choose a folder with --data-dir DIR or KILN_DATA_DIR",
                )?,
        };
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => bail!(
                "data directory {} is a file, not a folder: choose another with --data-dir DIR or KILN_DATA_DIR",
                path.display()
            ),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&path).with_context(|| {
                    format!(
                        "cannot create the data directory {}: choose another with --data-dir DIR or KILN_DATA_DIR",
                        path.display()
                    )
                })?;
            }
            Err(error) => {
                return Err(error)
                    .with_context(|| format!("cannot read the data directory {}", path.display()));
            }
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
    pub fn blockstore(&self) -> anyhow::Result<Blockstore> {
        let path = self.blockstore_path();
        Blockstore::open(&path)
            .with_context(|| format!("cannot open the blockstore {}", path.display()))
    }
}
