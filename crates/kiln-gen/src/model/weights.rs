//! The weights file: the network's shape and its parameters in one file, identified by its
//! sha256 (the hash provenance records and verify compare). Two generators, two layouts:
//!
//! - **Part generator** (version 2, the shipped one): the magic `KILNGEN2`, a little-endian u32
//!   length, that many bytes of JSON ([`PartsHeader`]: the network's shape, the sha256 of the
//!   vocabulary it reads and every parameter tensor's shape), then burn's binary record of the
//!   parameters in half precision. Loading checks the vocabulary and every shape, so weights
//!   of another vocabulary or a damaged file are an error, never wrong output. The colour
//!   choice head is the record's last field, an `Option`; weights without one (the first
//!   part generator's) end where it would begin, as the field generator's palette below.
//! - **Field generator** (version 1, what items made before 2026-12 name): the magic
//!   `KILNGEN1`, a u32 length, JSON ([`NetworkConfig`]), then the record. Its palette head is
//!   the record's last field, an `Option`. Files without one end where it would begin (they
//!   were written before it existed), so the `None` tag (one zero byte) is left off when
//!   writing and put back when reading: old files keep their bytes and their sha256.

use std::path::{Path, PathBuf};

use burn::module::{Module, ModuleVisitor, Param};
use burn::record::{BinBytesRecorder, HalfPrecisionSettings, Recorder};
use burn::tensor::Tensor;
use burn::tensor::backend::Backend;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::network::{Network, NetworkConfig};
use super::parts::{PartsConfig, PartsNetwork};
use super::tokens::{TokenSpace, vocabulary_sha256};

const MAGIC: &[u8; 8] = b"KILNGEN1";
const PARTS_MAGIC: &[u8; 8] = b"KILNGEN2";
/// How the record says "no palette head" (or "no colour choice head").
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
    #[error(
        "these weights were trained on another vocabulary (sha256 {weights}…, this build's is {ours}…): use the weights file that came with this build, or retrain with `kiln-cli train`"
    )]
    Vocabulary { weights: String, ours: String },
    #[error("{0} weights cannot be used as {1} weights")]
    WrongGenerator(&'static str, &'static str),
}

/// What a part generator's weights file says of itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartsHeader {
    pub network: PartsConfig,
    /// The word and part ids the network reads: the first so many categories and part slots
    /// of the vocabulary (later builds add theirs after them).
    pub space: TokenSpace,
    /// sha256 of what those ids mean ([`vocabulary_sha256`]).
    pub vocabulary: String,
    /// Every parameter tensor's path and shape, in the record's order.
    pub tensors: Vec<(String, Vec<usize>)>,
    /// sha256 of the parameters' record that follows the header: a damaged or cut record is
    /// an error before it is decoded (burn's decoder panics on one).
    pub record_sha256: String,
}

/// Which generator the weights are for, and its shape.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightsModel {
    /// Version 1: a signed-distance field decoded on a grid.
    Field(NetworkConfig),
    /// Version 2: parts made of primitives.
    Parts(PartsHeader),
}

/// A network's shape and parameters, as stored.
#[derive(Debug, Clone)]
pub struct Weights {
    pub model: WeightsModel,
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

/// The weights file among `extra` folders and the shipped `models/` folders (and their
/// subfolders one deep: `models/v1/`) whose sha256 is `sha256`: how verification finds the
/// generator an item names when it is not the current one.
pub fn find_weights(sha256: &str, extra: &[PathBuf]) -> Option<PathBuf> {
    let beside_executable = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("models")));
    let roots = extra.iter().cloned().chain(
        [
            Some(PathBuf::from("models")),
            beside_executable,
            Some(source_models()),
        ]
        .into_iter()
        .flatten(),
    );
    let mut folders = Vec::new();
    for root in roots {
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        folders.push(root);
        folders.extend(
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.is_dir()),
        );
    }
    folders
        .iter()
        .filter_map(|folder| std::fs::read_dir(folder).ok())
        .flat_map(|entries| entries.flatten().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "bin") && path.is_file())
        .find(|path| {
            // Only files that start like weights are hashed (a checkpoint's optimiser state
            // is not).
            std::fs::read(path).is_ok_and(|bytes| {
                (bytes.starts_with(MAGIC) || bytes.starts_with(PARTS_MAGIC))
                    && hex(&Sha256::digest(&bytes)) == sha256
            })
        })
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
        let (parts, rest) = if let Some(rest) = bytes.strip_prefix(PARTS_MAGIC) {
            (true, rest)
        } else {
            (
                false,
                bytes.strip_prefix(MAGIC).ok_or(WeightsError::NotWeights)?,
            )
        };
        let (length, rest) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| WeightsError::Damaged("it ends in the header".into()))?;
        let length = u32::from_le_bytes(*length) as usize;
        if length > rest.len() {
            return Err(WeightsError::Damaged("it ends in the header".into()));
        }
        let (header, record) = rest.split_at(length);
        let model = if parts {
            let header: PartsHeader = serde_json::from_slice(header).map_err(|error| {
                WeightsError::Damaged(format!("bad network description: {error}"))
            })?;
            if hex(&Sha256::digest(record)) != header.record_sha256 {
                return Err(WeightsError::Damaged(
                    "its parameters are not the ones its header names (cut short or changed)"
                        .into(),
                ));
            }
            let ours = vocabulary_sha256(header.space);
            if !header.space.fits_this_build() || header.vocabulary != ours {
                return Err(WeightsError::Vocabulary {
                    weights: header.vocabulary.chars().take(12).collect(),
                    ours: ours.chars().take(12).collect(),
                });
            }
            WeightsModel::Parts(header)
        } else {
            WeightsModel::Field(serde_json::from_slice(header).map_err(|error| {
                WeightsError::Damaged(format!("bad network description: {error}"))
            })?)
        };
        Ok(Weights {
            model,
            record: record.to_vec(),
            sha256: hex(&Sha256::digest(bytes)),
        })
    }

    /// Whether these are a part generator's weights.
    pub fn is_parts(&self) -> bool {
        matches!(self.model, WeightsModel::Parts(_))
    }

    /// The generator version the weights are for: 1 (field) or 2 (parts).
    pub fn generator_version(&self) -> u32 {
        match self.model {
            WeightsModel::Field(_) => 1,
            WeightsModel::Parts(_) => 2,
        }
    }

    /// The field generator's shape, for its weights.
    pub fn field_config(&self) -> Option<&NetworkConfig> {
        match &self.model {
            WeightsModel::Field(config) => Some(config),
            WeightsModel::Parts(_) => None,
        }
    }

    /// The field generator's shape, to change what is read after training (its prior scale).
    pub fn field_config_mut(&mut self) -> Option<&mut NetworkConfig> {
        match &mut self.model {
            WeightsModel::Field(config) => Some(config),
            WeightsModel::Parts(_) => None,
        }
    }

    /// The weights of a part network reading `space`.
    pub fn from_parts_network<B: Backend>(
        network: &PartsNetwork<B>,
        config: PartsConfig,
        space: TokenSpace,
    ) -> Self {
        let mut record = BinBytesRecorder::<HalfPrecisionSettings>::default()
            .record(network.clone().into_record(), ())
            .expect("serialising parameters to memory does not fail");
        if !config.colour_choice {
            debug_assert_eq!(record.last(), Some(&NO_PALETTE));
            record.pop();
        }
        let mut weights = Weights {
            model: WeightsModel::Parts(PartsHeader {
                network: config,
                space,
                vocabulary: vocabulary_sha256(space),
                tensors: tensor_shapes(network),
                record_sha256: hex(&Sha256::digest(&record)),
            }),
            record,
            sha256: String::new(),
        };
        weights.sha256 = hex(&Sha256::digest(weights.to_bytes()));
        weights
    }

    /// What a part generator's weights say of themselves.
    pub fn parts_header(&self) -> Option<&PartsHeader> {
        match &self.model {
            WeightsModel::Parts(header) => Some(header),
            WeightsModel::Field(_) => None,
        }
    }

    /// The word and part ids a part generator's weights read.
    pub fn parts_space(&self) -> Option<TokenSpace> {
        match &self.model {
            WeightsModel::Parts(header) => Some(header.space),
            WeightsModel::Field(_) => None,
        }
    }

    /// The part network these weights describe, on `device`; every tensor's shape checked
    /// against the header and the header's against the network it names.
    pub fn parts_network<B: Backend>(
        &self,
        device: &B::Device,
    ) -> Result<PartsNetwork<B>, WeightsError> {
        let WeightsModel::Parts(header) = &self.model else {
            return Err(WeightsError::WrongGenerator(
                "field generator",
                "part generator",
            ));
        };
        let empty = header.network.init::<B>(header.space, device);
        let expected = tensor_shapes(&empty);
        if expected != header.tensors {
            return Err(WeightsError::Damaged(format!(
                "its header lists {} tensors that do not match the network it describes ({} tensors{})",
                header.tensors.len(),
                expected.len(),
                first_difference(&expected, &header.tensors)
            )));
        }
        let mut bytes = self.record.clone();
        if !header.network.colour_choice {
            bytes.push(NO_PALETTE);
        }
        let record = BinBytesRecorder::<HalfPrecisionSettings>::default()
            .load(bytes, device)
            .map_err(|error| WeightsError::Damaged(error.to_string()))?;
        let network = empty.load_record(record);
        let loaded = tensor_shapes(&network);
        if loaded != expected {
            return Err(WeightsError::Damaged(format!(
                "its parameters do not have the shapes its header lists{}",
                first_difference(&expected, &loaded)
            )));
        }
        Ok(network)
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
            model: WeightsModel::Field(config),
            record,
            sha256: String::new(),
        };
        weights.sha256 = hex(&Sha256::digest(weights.to_bytes()));
        weights
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let (magic, config) = match &self.model {
            WeightsModel::Field(config) => (MAGIC, serde_json::to_vec(config)),
            WeightsModel::Parts(header) => (PARTS_MAGIC, serde_json::to_vec(header)),
        };
        let config = config.expect("the header serialises");
        let mut bytes = Vec::with_capacity(12 + config.len() + self.record.len());
        bytes.extend_from_slice(magic);
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
        let WeightsModel::Field(config) = &self.model else {
            return Err(WeightsError::WrongGenerator(
                "part generator",
                "field generator",
            ));
        };
        let mut record = self.record.clone();
        if config.palette_width == 0 {
            record.push(NO_PALETTE);
        }
        let record = BinBytesRecorder::<HalfPrecisionSettings>::default()
            .load(record, device)
            .map_err(|error| WeightsError::Damaged(error.to_string()))?;
        Ok(config.init::<B>(device).load_record(record))
    }
}

/// Every float parameter's path and shape, in the order the module visits them (the record's).
fn tensor_shapes<B: Backend, M: Module<B>>(module: &M) -> Vec<(String, Vec<usize>)> {
    struct Shapes {
        path: Vec<String>,
        shapes: Vec<(String, Vec<usize>)>,
    }
    impl<B: Backend> ModuleVisitor<B> for Shapes {
        fn enter_module(&mut self, name: &str, _container_type: &str) {
            self.path.push(name.to_owned());
        }
        fn exit_module(&mut self, _name: &str, _container_type: &str) {
            self.path.pop();
        }
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
            self.shapes
                .push((self.path.join("."), param.val().dims().to_vec()));
        }
    }
    let mut shapes = Shapes {
        path: Vec::new(),
        shapes: Vec::new(),
    };
    module.visit(&mut shapes);
    shapes.shapes
}

fn first_difference(a: &[(String, Vec<usize>)], b: &[(String, Vec<usize>)]) -> String {
    a.iter()
        .zip(b)
        .find(|(x, y)| x != y)
        .map(|((name, shape), (_, other))| format!("; first: {name} is {shape:?}, not {other:?}"))
        .unwrap_or_default()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
