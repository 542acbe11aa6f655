//! The weights file: the network's shape and its parameters in one file, identified by its
//! sha256 (the hash provenance records and verify compare).
//!
//! Layout: the magic `KILNGEN1`, a little-endian u32 length, that many bytes of JSON
//! ([`NetworkConfig`]), then burn's binary record of the parameters in half precision (half the
//! download for the browser; the CPU backend still computes in f32).
//!
//! The palette head is the record's last field, an `Option`. Files without one end where it
//! would begin (they were written before it existed), so the `None` tag (one zero byte) is left
//! off when writing and put back when reading: old files keep their bytes and their sha256.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::record::{BinBytesRecorder, HalfPrecisionSettings, Recorder};
use burn::tensor::backend::Backend;
use sha2::{Digest, Sha256};

use super::network::{Network, NetworkConfig};

const MAGIC: &[u8; 8] = b"KILNGEN1";
/// How the record says "no palette head".
const NO_PALETTE: u8 = 0;

#[derive(Debug, thiserror::Error)]
pub enum WeightsError {
    #[error("cannot read the weights file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the weights file {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "not a Kiln weights file (it does not start with KILNGEN1); use models/kiln-gen.bin or a file `kiln-cli train` wrote"
    )]
    NotWeights,
    #[error("the weights file is damaged: {0}")]
    Damaged(String),
}

/// A network's shape and parameters, as stored.
#[derive(Debug, Clone)]
pub struct Weights {
    pub config: NetworkConfig,
    record: Vec<u8>,
    /// Lower-case hex sha256 of the whole file.
    pub sha256: String,
}

/// The shipped weights' file name, in `models/`.
pub const SHIPPED_WEIGHTS: &str = "kiln-gen.bin";

/// Where the shipped weights are: `models/kiln-gen.bin` in the current folder, beside the
/// executable, or in the source tree this crate was built from (a developer's checkout); the
/// first that exists.
pub fn shipped_weights_path() -> Option<PathBuf> {
    let beside_executable = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("models")));
    [
        Some(PathBuf::from("models")),
        beside_executable,
        Some(source_models()),
    ]
    .into_iter()
    .flatten()
    .map(|folder| folder.join(SHIPPED_WEIGHTS))
    .find(|path| path.is_file())
}

/// The `models/` folder of the source tree this crate was built from.
pub fn source_models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models")
}

impl Weights {
    pub fn read(path: &Path) -> Result<Self, WeightsError> {
        let bytes = std::fs::read(path).map_err(|source| WeightsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, WeightsError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(WeightsError::NotWeights)?;
        let (length, rest) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| WeightsError::Damaged("it ends in the header".into()))?;
        let length = u32::from_le_bytes(*length) as usize;
        if length > rest.len() {
            return Err(WeightsError::Damaged("it ends in the header".into()));
        }
        let (config, record) = rest.split_at(length);
        let config: NetworkConfig = serde_json::from_slice(config)
            .map_err(|error| WeightsError::Damaged(format!("bad network description: {error}")))?;
        Ok(Weights {
            config,
            record: record.to_vec(),
            sha256: hex(&Sha256::digest(bytes)),
        })
    }

    /// The weights of `network`.
    pub fn from_network<B: Backend>(network: &Network<B>, config: NetworkConfig) -> Self {
        let mut record = BinBytesRecorder::<HalfPrecisionSettings>::default()
            .record(network.clone().into_record(), ())
            .expect("serialising parameters to memory does not fail");
        if config.palette_width == 0 {
            debug_assert_eq!(record.last(), Some(&NO_PALETTE));
            record.pop();
        }
        let mut weights = Weights {
            config,
            record,
            sha256: String::new(),
        };
        weights.sha256 = hex(&Sha256::digest(weights.to_bytes()));
        weights
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let config = serde_json::to_vec(&self.config).expect("the config serialises");
        let mut bytes = Vec::with_capacity(12 + config.len() + self.record.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&(config.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&config);
        bytes.extend_from_slice(&self.record);
        bytes
    }

    /// Writes the file whole or not at all (a temporary file renamed over `path`).
    pub fn write(&self, path: &Path) -> Result<(), WeightsError> {
        let error = |source| WeightsError::Write {
            path: path.display().to_string(),
            source,
        };
        let temporary = path.with_extension("bin.partial");
        std::fs::write(&temporary, self.to_bytes()).map_err(error)?;
        std::fs::rename(&temporary, path).map_err(error)
    }

    /// The network these weights describe, on `device`.
    pub fn network<B: Backend>(&self, device: &B::Device) -> Result<Network<B>, WeightsError> {
        let mut record = self.record.clone();
        if self.config.palette_width == 0 {
            record.push(NO_PALETTE);
        }
        let record = BinBytesRecorder::<HalfPrecisionSettings>::default()
            .load(record, device)
            .map_err(|error| WeightsError::Damaged(error.to_string()))?;
        Ok(self.config.init::<B>(device).load_record(record))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
