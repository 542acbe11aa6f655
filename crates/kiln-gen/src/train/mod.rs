//! Training from scratch on generated data, resumable from checkpoints, with a per-epoch log:
//!
//! - [`parts`]: the part generator (version 2), the shipped one: it learns each object's
//!   primitives.
//! - [`field`]: the field generator (version 1), kept so that the weights items were made
//!   with can be trained again: it learns a signed-distance field from sampled points.

mod field;
pub mod parts;

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::backend::{Autodiff, NdArray};
use burn::record::{BinFileRecorder, FullPrecisionSettings, Record, Recorder};
use burn::tensor::backend::Backend;

pub use field::{StepReport, TrainConfig, train};

use crate::model::weights::{Weights, WeightsError};

/// The CPU training backend.
pub type TrainBackend = Autodiff<NdArray>;

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("cannot read the training config {path}: {reason}")]
    Config { path: String, reason: String },
    #[error("cannot use the output folder {path}: {source}")]
    Output {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Weights(#[from] WeightsError),
    #[error("the checkpoint in {path} does not load: {reason}; delete the folder to start over")]
    Checkpoint { path: String, reason: String },
}

/// Which generator a training config trains: its `generator` key ("parts"), or the field
/// generator's config, which has none.
pub fn is_parts_config(path: &Path) -> Result<bool, TrainError> {
    let error = |reason: String| TrainError::Config {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| error(e.to_string()))?;
    match table.get("generator") {
        None => Ok(false),
        Some(toml::Value::String(name)) if name == "parts" => Ok(true),
        Some(other) => Err(error(format!(
            "generator = {other} is not one Kiln trains; use \"parts\" (or leave it out for the field generator)"
        ))),
    }
}

/// The learning rate at `step` of `steps`: a cosine from `base` down to `base ×
/// final_fraction`.
fn cosine_learning_rate(base: f64, final_fraction: f64, step: usize, steps: usize) -> f64 {
    let progress = step as f64 / steps.max(1) as f64;
    base * (final_fraction
        + (1.0 - final_fraction) * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()))
}

/// Runs `train` over the steps `steps` with each step's data drawn by `draw` on other threads
/// one or two steps ahead (the CPU draws while the device computes); `train` receives every
/// step's data and the seconds its drawing took, in order.
fn with_data_drawn_ahead<T: Send, R>(
    steps: std::ops::Range<usize>,
    draw: impl Fn(usize) -> T + Send + Sync,
    train: impl FnOnce(&mut dyn FnMut() -> (T, f32)) -> R,
) -> R {
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<(T, f32)>(2);
        let draw = &draw;
        scope.spawn(move || {
            for step in steps {
                let drawing = Instant::now();
                let batch = draw(step);
                if sender
                    .send((batch, drawing.elapsed().as_secs_f32()))
                    .is_err()
                {
                    break;
                }
            }
        });
        train(&mut || {
            receiver
                .recv()
                .expect("the data thread draws every step before it ends")
        })
    })
}

/// The files of a checkpoint in the output folder.
struct Checkpoint {
    dir: PathBuf,
}

impl Checkpoint {
    fn new(out_dir: &Path) -> Self {
        Checkpoint {
            dir: out_dir.join("checkpoint"),
        }
    }

    fn weights(&self) -> PathBuf {
        std::fs::create_dir_all(&self.dir).ok();
        self.dir.join("weights.bin")
    }

    /// Without extension: the recorder adds its own.
    fn optimizer(&self) -> PathBuf {
        self.dir.join("optimizer")
    }

    fn step_file(&self) -> PathBuf {
        self.dir.join("step")
    }

    fn step(&self) -> Option<usize> {
        std::fs::read_to_string(self.step_file())
            .ok()
            .and_then(|text| text.trim().parse().ok())
    }

    /// The optimiser's state as the checkpoint left it.
    fn read_optimizer<B: Backend, R: Record<B>>(
        &self,
        device: &B::Device,
    ) -> Result<R, TrainError> {
        BinFileRecorder::<FullPrecisionSettings>::default()
            .load(self.optimizer(), device)
            .map_err(|error| TrainError::Checkpoint {
                path: self.dir.display().to_string(),
                reason: error.to_string(),
            })
    }

    /// Writes the weights, the optimiser's state and, last, the step they are at: a checkpoint
    /// without its step file is not one.
    fn write<B: Backend, R: Record<B>>(
        &self,
        weights: &Weights,
        optimizer: R,
        step: usize,
    ) -> Result<(), TrainError> {
        weights.write(&self.weights())?;
        BinFileRecorder::<FullPrecisionSettings>::default()
            .record(optimizer, self.optimizer())
            .map_err(|error| TrainError::Checkpoint {
                path: self.dir.display().to_string(),
                reason: error.to_string(),
            })?;
        std::fs::write(self.step_file(), step.to_string()).map_err(|source| TrainError::Output {
            path: self.dir.display().to_string(),
            source,
        })
    }
}

/// Running means of one epoch's named values, written as one JSON line to `train-log.jsonl`.
#[derive(Default)]
struct EpochLog {
    steps: usize,
    last_step: usize,
    sums: Vec<(&'static str, f64)>,
    /// Seconds into the run when the epoch began.
    began: f64,
}

impl EpochLog {
    fn add(&mut self, step: usize, values: &[(&'static str, f32)]) {
        self.steps += 1;
        self.last_step = step;
        for &(name, value) in values {
            match self.sums.iter_mut().find(|(known, _)| *known == name) {
                Some((_, sum)) => *sum += f64::from(value),
                None => self.sums.push((name, f64::from(value))),
            }
        }
    }

    fn write(&mut self, out_dir: &Path, seconds: f64) -> std::io::Result<()> {
        use std::io::Write;
        let n = self.steps.max(1) as f64;
        let mut line = serde_json::Map::new();
        line.insert("step".into(), self.last_step.into());
        line.insert("seconds_since_start".into(), seconds.into());
        for &(name, sum) in &self.sums {
            line.insert(name.into(), (sum / n).into());
        }
        line.insert(
            "seconds_per_step".into(),
            ((seconds - self.began) / n).into(),
        );
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(out_dir.join("train-log.jsonl"))?;
        writeln!(file, "{}", serde_json::Value::Object(line))?;
        *self = EpochLog {
            began: seconds,
            ..EpochLog::default()
        };
        Ok(())
    }
}
