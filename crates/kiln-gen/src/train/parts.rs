//! Training the part generator from scratch: every step draws fresh descriptions, captions them,
//! parses the captions back (the path a user's prompt takes), builds the procedural objects
//! with each object's noise and teaches the network their primitives, piece by piece.
//!
//! No fields are sampled: the targets are the builders' own primitives, so a step is one pass
//! of a few matrix products and a batch of hundreds of objects fits a second on two cores.
//! Resumable like the field generator's training: a checkpoint (weights, optimiser state,
//! step) every `checkpoint_every` steps, and step `n` always draws the same data.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::AutodiffModule;
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::tensor::activation::{log_softmax, relu};
use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::{Int, Tensor, TensorData};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::TrainError;
use crate::assembly::{Assembly, canonical_rotation};
use crate::data::Sampler;
use crate::model::parts::{
    CENTRE, CLIP, CLIP_HEIGHT, COLOUR_CHOICES, KIND, KINDS, PALETTE_OUTPUTS, PIECE_OUTPUTS, PIECES,
    PRESENCE, PartsConfig, PartsNetwork, ROTATION, SIZE, colour_choice_of, encode_primitive,
    piece_slots,
};
use crate::model::tokens::{TokenSpace, Tokens, tokenize};
use crate::model::weights::Weights;
use crate::prompt::parse;
use crate::shapes::{NOISE, noise_for_seed, sample_shape_with_noise};
use crate::vocab::Material;

/// Everything a part-generator training run depends on (models/kiln-gen.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartsTrainConfig {
    /// "parts": which generator the file trains.
    pub generator: String,
    #[serde(default)]
    pub network: PartsConfig,
    pub steps: usize,
    /// Objects per step.
    pub batch: usize,
    pub learning_rate: f64,
    /// The learning rate falls along a cosine to this fraction of itself.
    pub final_learning_rate_fraction: f64,
    /// Weight of the L1 of centres, sizes and cut heights (cube units): a leg 0.01 off is a
    /// tenth of a unit of loss at 10.
    pub geometry_weight: f32,
    pub rotation_weight: f32,
    pub colour_weight: f32,
    pub material_weight: f32,
    pub seed: u64,
    /// Steps per epoch (one line of the training log).
    pub epoch_steps: usize,
    pub checkpoint_every: usize,
    /// Trains only the palette (a new colour choice head among it) on top of a finished run's
    /// weights: every other parameter is theirs, so every shape stays bit for bit theirs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub palette_from: Option<PaletteFrom>,
}

/// The finished run a palette-only run starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaletteFrom {
    /// Its weights file (relative to the folder `kiln-cli train` runs in: the repository).
    pub weights: PathBuf,
    /// Their sha256: a run starts from exactly these.
    pub sha256: String,
}

impl PartsTrainConfig {
    pub fn read(path: &Path) -> Result<Self, TrainError> {
        let error = |reason: String| TrainError::Config {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let config: Self = toml::from_str(&text).map_err(|e| error(e.to_string()))?;
        if config.generator != "parts" {
            return Err(error(format!(
                "generator = \"{}\": this is the part generator's config, which says \"parts\"",
                config.generator
            )));
        }
        Ok(config)
    }

    /// A run small enough for a test.
    pub fn tiny() -> Self {
        PartsTrainConfig {
            generator: "parts".into(),
            network: PartsConfig::tiny(),
            steps: 120,
            batch: 32,
            learning_rate: 3e-3,
            final_learning_rate_fraction: 0.1,
            geometry_weight: 10.0,
            rotation_weight: 2.0,
            colour_weight: 1.0,
            material_weight: 0.3,
            seed: 7,
            epoch_steps: 40,
            checkpoint_every: 40,
            palette_from: None,
        }
    }
}

/// What one step reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PartsStepReport {
    pub step: usize,
    pub steps: usize,
    pub loss: f32,
    /// Presence cross-entropy over every piece slot.
    pub presence: f32,
    /// Kind cross-entropy of the pieces there.
    pub kind: f32,
    /// Mean L1 (cube units) of centres, sizes and cut heights of the pieces there.
    pub geometry: f32,
    pub rotation: f32,
    /// Mean L1 of part colours (sRGB 0..1), plus the colour choice's cross-entropy where the
    /// network chooses colours.
    pub colour: f32,
    pub material: f32,
    pub learning_rate: f64,
    pub data_seconds: f32,
}

/// One step's targets on the host.
#[derive(Default)]
struct HostBatch {
    tokens: Vec<Tokens>,
    noise: Vec<[f32; NOISE]>,
    /// [objects × PIECES]: 1 where the piece slot holds a primitive.
    present: Vec<f32>,
    /// [objects × PIECES]: the primitive's kind (0 where absent).
    kind: Vec<i64>,
    /// [objects × PIECES × 3 + 4 + 1]: centre, sizes, cut height.
    geometry: Vec<f32>,
    /// [objects × PIECES × 3 + 4 + 1]: which of those count (sizes a kind does not use, and
    /// the cut height of an uncut piece, do not).
    geometry_mask: Vec<f32>,
    /// [objects × PIECES × 4].
    rotation: Vec<f32>,
    /// [objects × PIECES]: 1 where the primitive is cut below a height.
    clipped: Vec<f32>,
    /// [objects × SLOTS × 3] and [objects × SLOTS]: each part slot's colour and material.
    colour: Vec<f32>,
    material: Vec<i64>,
    /// [objects × SLOTS]: which colour choice each part slot's colour is
    /// ([`colour_choice_of`]).
    colour_choice: Vec<i64>,
    /// [objects × SLOTS]: 1 where the object has that part.
    has_slot: Vec<f32>,
}

/// The share of the colour choice's target spread over every choice (label smoothing).
const CHOICE_SMOOTHING: f32 = 0.01;
/// Part slots a run colours: every one of this build's (runs train on the whole vocabulary).
const SLOTS: usize = TokenSpace::CURRENT.part_slots();
/// Geometry values per piece: centre (3), sizes (4), cut height (1).
const GEOMETRY: usize = 8;

/// Draws the data of step `step`: the same for every run with this config.
fn draw(config: &PartsTrainConfig, step: usize) -> HostBatch {
    use rayon::prelude::*;
    let step_seed = config.seed ^ (step as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let objects: Vec<HostBatch> = (0..config.batch)
        .into_par_iter()
        .map(|index| {
            draw_object(step_seed ^ (index as u64 + 1).wrapping_mul(0xd1b5_4a32_d192_ed03))
        })
        .collect();
    let mut batch = HostBatch::default();
    for object in objects {
        batch.append(object);
    }
    batch
}

/// One object: a description, its caption parsed back, its primitives as targets.
fn draw_object(seed: u64) -> HostBatch {
    let mut sampler = Sampler::new(seed);
    let mut rng = Pcg64Mcg::seed_from_u64(seed.rotate_left(17));
    let description = sampler.training_description();
    let caption = sampler.caption(&description);
    let description = parse(&caption).map_or(description, |parsed| parsed.description);
    let noise = noise_for_seed(rng.random());
    let shape = sample_shape_with_noise(&description, &noise);
    let assembly = Assembly::from_shape(&shape, &shape.unit_frame());
    targets(&description, &tokenize(&description), noise, &assembly)
}

/// The targets of one object.
fn targets(
    description: &crate::prompt::Description,
    tokens: &Tokens,
    noise: [f32; NOISE],
    assembly: &Assembly,
) -> HostBatch {
    let mut out = HostBatch {
        tokens: vec![tokens.clone()],
        noise: vec![noise],
        present: vec![0.0; PIECES],
        kind: vec![0; PIECES],
        geometry: vec![0.0; PIECES * GEOMETRY],
        geometry_mask: vec![0.0; PIECES * GEOMETRY],
        rotation: [0.0, 0.0, 0.0, 1.0].repeat(PIECES),
        clipped: vec![0.0; PIECES],
        colour: vec![0.5; SLOTS * 3],
        material: vec![0; SLOTS],
        colour_choice: vec![0; SLOTS],
        has_slot: vec![0.0; SLOTS],
    };
    let slots = piece_slots(description.category, assembly);
    for (piece, slot) in assembly.pieces.iter().zip(slots) {
        let Some(slot) = slot else { continue };
        let (kind, size) = encode_primitive(&piece.placed.primitive);
        out.present[slot] = 1.0;
        out.kind[slot] = kind as i64;
        let geometry = &mut out.geometry[slot * GEOMETRY..][..GEOMETRY];
        let mask = &mut out.geometry_mask[slot * GEOMETRY..][..GEOMETRY];
        geometry[..3].copy_from_slice(&piece.placed.center.to_array());
        geometry[3..7].copy_from_slice(&size);
        mask[..7].fill(1.0);
        // Sizes a kind repeats (a sphere's three radii) are all taught; the rounding of a
        // kind without one is taught as zero, which is what it is.
        if let Some(height) = piece.placed.clip_below {
            geometry[7] = height;
            mask[7] = 1.0;
            out.clipped[slot] = 1.0;
        }
        let rotation = canonical_rotation(piece.placed.rotation);
        out.rotation[slot * 4..][..4].copy_from_slice(&rotation.to_array());
        let part = piece.slot.index();
        out.colour[part * 3..][..3].copy_from_slice(&piece.colour);
        out.material[part] = piece.material.index() as i64;
        out.colour_choice[part] = colour_choice_of(piece.colour) as i64;
        out.has_slot[part] = 1.0;
    }
    out
}

impl HostBatch {
    fn append(&mut self, other: HostBatch) {
        self.tokens.extend(other.tokens);
        self.noise.extend(other.noise);
        self.present.extend(other.present);
        self.kind.extend(other.kind);
        self.geometry.extend(other.geometry);
        self.geometry_mask.extend(other.geometry_mask);
        self.rotation.extend(other.rotation);
        self.clipped.extend(other.clipped);
        self.colour.extend(other.colour);
        self.material.extend(other.material);
        self.colour_choice.extend(other.colour_choice);
        self.has_slot.extend(other.has_slot);
    }
}

fn tensor<B: Backend, const D: usize>(
    values: Vec<f32>,
    shape: [usize; D],
    device: &B::Device,
) -> Tensor<B, D> {
    Tensor::from_data(TensorData::new(values, shape), device)
}

fn ints<B: Backend>(values: Vec<i64>, device: &B::Device) -> Tensor<B, 2, Int> {
    let n = values.len();
    Tensor::from_data(TensorData::new(values, [n, 1]), device)
}

/// Binary cross-entropy of `logits` against 0/1 `targets`, element by element (stable for
/// large logits).
fn binary_cross_entropy<B: Backend, const D: usize>(
    logits: Tensor<B, D>,
    targets: Tensor<B, D>,
) -> Tensor<B, D> {
    relu(logits.clone()) - logits.clone() * targets + (logits.abs().neg().exp() + 1.0).log()
}

/// The loss of one batch and its terms: [total, presence, kind, geometry, rotation, colour,
/// material].
fn loss<B: AutodiffBackend>(
    network: &PartsNetwork<B>,
    host: HostBatch,
    config: &PartsTrainConfig,
    device: &B::Device,
) -> (Tensor<B, 1>, [f32; 7]) {
    let objects = host.tokens.len();
    let rows = objects * PIECES;
    let out = network.forward(TokenSpace::CURRENT, &host.tokens, &host.noise, device);
    let pieces = out.pieces.reshape([rows, PIECE_OUTPUTS]);
    let present = tensor::<B, 2>(host.present, [rows, 1], device);
    let count = present.clone().sum().clamp_min(1.0);

    let presence =
        binary_cross_entropy(pieces.clone().narrow(1, PRESENCE, 1), present.clone()).mean();
    let kind = (log_softmax(pieces.clone().narrow(1, KIND, KINDS), 1)
        .gather(1, ints::<B>(host.kind, device))
        * present.clone())
    .sum()
    .neg()
        / count.clone();
    let predicted_geometry = Tensor::cat(
        vec![
            pieces.clone().narrow(1, CENTRE, 3),
            pieces.clone().narrow(1, SIZE, 4),
            pieces.clone().narrow(1, CLIP_HEIGHT, 1),
        ],
        1,
    );
    let geometry_mask = tensor::<B, 2>(host.geometry_mask, [rows, GEOMETRY], device);
    let geometry = ((predicted_geometry - tensor::<B, 2>(host.geometry, [rows, GEOMETRY], device))
        .abs()
        * geometry_mask.clone())
    .sum()
        / geometry_mask.sum().clamp_min(1.0);
    let clipped = tensor::<B, 2>(host.clipped, [rows, 1], device);
    let clip = (binary_cross_entropy(pieces.clone().narrow(1, CLIP, 1), clipped) * present.clone())
        .sum()
        / count.clone();
    let raw_rotation = pieces.narrow(1, ROTATION, 4);
    let norm = (raw_rotation.clone().powi_scalar(2).sum_dim(1) + 1e-6).sqrt();
    let rotation = ((raw_rotation / norm - tensor::<B, 2>(host.rotation, [rows, 4], device))
        .abs()
        .sum_dim(1)
        * present)
        .sum()
        / count;

    let slot_rows = objects * SLOTS;
    let palette = out.palette.reshape([slot_rows, PALETTE_OUTPUTS]);
    let has_slot = tensor::<B, 2>(host.has_slot, [slot_rows, 1], device);
    let slot_count = has_slot.clone().sum().clamp_min(1.0);
    let mut colour = ((palette.clone().narrow(1, 0, 3)
        - tensor::<B, 2>(host.colour, [slot_rows, 3], device))
    .abs()
        * has_slot.clone())
    .sum()
        / (slot_count.clone() * 3.0);
    if let Some(logits) = out.colour_choice {
        // The mix alone would settle for a blend of colours that lands near the target; the
        // choice's cross-entropy makes the network commit to one. Smoothed: with hard targets
        // the logits grow without end, and a first run's palette blew up at step 5,000.
        let log_chances = log_softmax(logits.reshape([slot_rows, COLOUR_CHOICES]), 1);
        let chosen = log_chances
            .clone()
            .gather(1, ints::<B>(host.colour_choice, device))
            * (1.0 - CHOICE_SMOOTHING)
            + log_chances.mean_dim(1) * CHOICE_SMOOTHING;
        colour = colour - (chosen * has_slot.clone()).sum() / slot_count.clone();
    }
    let material = (log_softmax(palette.narrow(1, 3, Material::ALL.len()), 1)
        .gather(1, ints::<B>(host.material, device))
        * has_slot)
        .sum()
        .neg()
        / slot_count;

    let total = presence.clone()
        + kind.clone()
        + clip
        + geometry.clone() * config.geometry_weight
        + rotation.clone() * config.rotation_weight
        + colour.clone() * config.colour_weight
        + material.clone() * config.material_weight;
    let values = Tensor::cat(
        vec![
            total.clone(),
            presence,
            kind,
            geometry,
            rotation,
            colour,
            material,
        ],
        0,
    )
    .into_data()
    .convert::<f32>()
    .into_vec::<f32>()
    .unwrap_or_default();
    let value = |index: usize| values.get(index).copied().unwrap_or(f32::NAN);
    (total, std::array::from_fn(value))
}

/// Trains the part generator on `B` into `out_dir` (checkpoint, log, final weights), resuming
/// from a checkpoint there. `progress` hears every step. Returns the path of the final
/// weights.
pub fn train_parts<B: AutodiffBackend>(
    config: &PartsTrainConfig,
    out_dir: &Path,
    device: &B::Device,
    progress: &mut dyn FnMut(&PartsStepReport),
) -> Result<PathBuf, TrainError> {
    let output = |source| TrainError::Output {
        path: out_dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(out_dir).map_err(output)?;
    B::seed(device, config.seed);
    let mut network: PartsNetwork<B> = match &config.palette_from {
        None => config.network.init(TokenSpace::CURRENT, device),
        Some(from) => palette_start(from, config.network, device)?,
    };
    let mut optimizer = AdamConfig::new().init::<B, PartsNetwork<B>>();
    let checkpoint = super::Checkpoint::new(out_dir);
    let mut start = 0;
    if let Some(step) = checkpoint.step() {
        network = Weights::read(&checkpoint.weights())?.parts_network(device)?;
        optimizer = optimizer.load_record(checkpoint.read_optimizer(device)?);
        start = step;
    }
    if config.palette_from.is_some() {
        network = network.palette_only();
    }
    let mut epoch = super::EpochLog::default();
    let started = Instant::now();
    let draw_step = |step| draw(config, step);
    let network = super::with_data_drawn_ahead(start..config.steps, draw_step, |next| {
        for step in start..config.steps {
            let learning_rate = super::cosine_learning_rate(
                config.learning_rate,
                config.final_learning_rate_fraction,
                step,
                config.steps,
            );
            let (host, data_seconds) = next();
            let (total, terms) = loss(&network, host, config, device);
            let gradients = GradientsParams::from_grads(total.backward(), &network);
            network = optimizer.step(learning_rate, network, gradients);
            let report = PartsStepReport {
                step: step + 1,
                steps: config.steps,
                loss: terms[0],
                presence: terms[1],
                kind: terms[2],
                geometry: terms[3],
                rotation: terms[4],
                colour: terms[5],
                material: terms[6],
                learning_rate,
                data_seconds,
            };
            progress(&report);
            epoch.add(
                report.step,
                &[
                    ("loss", report.loss),
                    ("presence", report.presence),
                    ("kind", report.kind),
                    ("geometry", report.geometry),
                    ("rotation", report.rotation),
                    ("colour", report.colour),
                    ("material", report.material),
                    ("data_seconds_per_step", data_seconds),
                ],
            );
            if (step + 1) % config.epoch_steps == 0 || step + 1 == config.steps {
                epoch
                    .write(out_dir, started.elapsed().as_secs_f64())
                    .map_err(output)?;
            }
            if (step + 1) % config.checkpoint_every == 0 || step + 1 == config.steps {
                checkpoint.write::<B, _>(
                    &Weights::from_parts_network(
                        &network.valid(),
                        config.network,
                        TokenSpace::CURRENT,
                    ),
                    optimizer.to_record(),
                    step + 1,
                )?;
            }
        }
        Ok::<_, TrainError>(network)
    })?;
    let final_weights = out_dir.join("kiln-gen.bin");
    Weights::from_parts_network(&network.valid(), config.network, TokenSpace::CURRENT)
        .write(&final_weights)?;
    Ok(final_weights)
}

/// The network a palette-only run starts from: `from`'s weights, checked, with a colour choice
/// head where `network` asks for one.
fn palette_start<B: AutodiffBackend>(
    from: &PaletteFrom,
    network: PartsConfig,
    device: &B::Device,
) -> Result<PartsNetwork<B>, TrainError> {
    let weights = Weights::read(&from.weights)?;
    let refuse = |reason: String| TrainError::Config {
        path: from.weights.display().to_string(),
        reason,
    };
    if weights.sha256 != from.sha256 {
        return Err(refuse(format!(
            "its sha256 is {}, not the {} the config names",
            weights.sha256, from.sha256
        )));
    }
    let Some(header) = weights.parts_header() else {
        return Err(refuse("not a part generator's weights".into()));
    };
    let without_choice = PartsConfig {
        colour_choice: header.network.colour_choice,
        ..network
    };
    if header.network != without_choice || header.space != TokenSpace::CURRENT {
        return Err(refuse(format!(
            "the config's [network] ({network:?}) is not the shape of these weights ({:?}) with a colour choice",
            header.network
        )));
    }
    let loaded = weights.parts_network::<B>(device)?;
    Ok(if network.colour_choice && !header.network.colour_choice {
        loaded.with_colour_choice(network.palette_width, device)
    } else {
        loaded
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::TrainBackend;

    /// A tiny run learns: presence and geometry fall well below where they start, and a
    /// checkpoint resumes into the same run's end.
    #[test]
    fn a_tiny_run_learns_the_pieces_and_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let _seeded = crate::seeded_backend();
        let config = PartsTrainConfig::tiny();
        let mut reports = Vec::new();
        train_parts::<TrainBackend>(&config, dir.path(), &Default::default(), &mut |r| {
            reports.push(*r)
        })
        .unwrap();
        let mean = |range: std::ops::Range<usize>, pick: fn(&PartsStepReport) -> f32| {
            reports[range.clone()].iter().map(pick).sum::<f32>() / range.len() as f32
        };
        let (first, last) = (0..10, 110..120);
        for (name, pick) in [
            ("presence", (|r| r.presence) as fn(&PartsStepReport) -> f32),
            ("geometry", |r| r.geometry),
            ("colour", |r| r.colour),
        ] {
            eprintln!(
                "{name}: {} -> {}",
                mean(first.clone(), pick),
                mean(last.clone(), pick)
            );
        }
        assert!(mean(last.clone(), |r| r.presence) < 0.6 * mean(first.clone(), |r| r.presence));
        assert!(mean(last.clone(), |r| r.geometry) < 0.8 * mean(first.clone(), |r| r.geometry));
        assert!(mean(last, |r| r.colour) < mean(first, |r| r.colour));
        let log = std::fs::read_to_string(dir.path().join("train-log.jsonl")).unwrap();
        assert_eq!(log.lines().count(), 3);
        let weights = Weights::read(&dir.path().join("kiln-gen.bin")).unwrap();
        assert!(weights.is_parts());

        // Resuming from the last checkpoint runs 20 more steps.
        let mut longer = config.clone();
        longer.steps = 140;
        let mut resumed = Vec::new();
        train_parts::<TrainBackend>(&longer, dir.path(), &Default::default(), &mut |r| {
            resumed.push(r.step)
        })
        .unwrap();
        assert_eq!(resumed.first(), Some(&121));
        assert_eq!(resumed.last(), Some(&140));
    }

    /// A palette-only run on a finished run's weights changes colours and leaves every shape
    /// exactly as it was; it refuses weights other than the ones it names.
    #[test]
    fn a_palette_only_run_keeps_every_shape() {
        let dir = tempfile::tempdir().unwrap();
        let _seeded = crate::seeded_backend();
        let mut first = PartsTrainConfig::tiny();
        first.steps = 20;
        first.network.colour_choice = false;
        let first_weights = train_parts::<TrainBackend>(
            &first,
            &dir.path().join("first"),
            &Default::default(),
            &mut |_| {},
        )
        .unwrap();
        let before = Weights::read(&first_weights).unwrap();
        let mut palette = PartsTrainConfig::tiny();
        palette.steps = 20;
        palette.palette_from = Some(PaletteFrom {
            weights: first_weights.clone(),
            sha256: before.sha256.clone(),
        });
        let after = train_parts::<TrainBackend>(
            &palette,
            &dir.path().join("palette"),
            &Default::default(),
            &mut |_| {},
        )
        .unwrap();
        let after = Weights::read(&after).unwrap();
        assert!(after.parts_header().unwrap().network.colour_choice);
        let device = Default::default();
        let outputs = |weights: &Weights| {
            let network = weights
                .parts_network::<burn::backend::NdArray>(&device)
                .unwrap();
            let prompts = ["a red chair with gold legs", "a tall blue tower", "a tent"];
            let tokens: Vec<Tokens> = prompts
                .iter()
                .map(|prompt| tokenize(&parse(prompt).unwrap().description))
                .collect();
            let noise: Vec<[f32; NOISE]> = (0..3).map(noise_for_seed).collect();
            let out = network.forward(TokenSpace::CURRENT, &tokens, &noise, &device);
            let values = |t: burn::tensor::Tensor<_, 3>| t.into_data().into_vec::<f32>().unwrap();
            (values(out.pieces), values(out.palette))
        };
        let (pieces_before, palette_before) = outputs(&before);
        let (pieces_after, palette_after) = outputs(&after);
        assert_eq!(pieces_before, pieces_after, "a shape changed");
        assert_ne!(palette_before, palette_after, "the palette did not learn");

        palette.palette_from.as_mut().unwrap().sha256 = "0".repeat(64);
        let refused = train_parts::<TrainBackend>(
            &palette,
            &dir.path().join("refused"),
            &Default::default(),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(refused.to_string().contains("not the"), "{refused}");
    }

    /// The shipped config is the part generator's, and a network of its size fits the browser's
    /// download (at most 8 MB of weights: stored in half precision, 2 bytes a parameter).
    #[test]
    fn the_shipped_config_parses_and_fits_the_browser() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/kiln-gen.toml");
        assert!(crate::train::is_parts_config(&path).unwrap());
        let config = PartsTrainConfig::read(&path).unwrap();
        assert!(config.steps > 0 && config.batch > 0);
        let network = config
            .network
            .init::<burn::backend::NdArray>(TokenSpace::CURRENT, &Default::default());
        let bytes = burn::module::Module::num_params(&network) * 2;
        assert!(bytes <= 8_000_000, "{bytes} bytes of weights");
    }

    /// The targets are the ground truth's own primitives: rebuilt from them, the object is the
    /// same.
    #[test]
    fn targets_hold_the_ground_truth() {
        let description = parse("a red chair with four gold legs")
            .unwrap()
            .description;
        let noise = noise_for_seed(3);
        let shape = sample_shape_with_noise(&description, &noise);
        let assembly = Assembly::from_shape(&shape, &shape.unit_frame());
        let batch = targets(&description, &tokenize(&description), noise, &assembly);
        assert_eq!(
            batch.present.iter().sum::<f32>() as usize,
            assembly.pieces.len()
        );
        let legs = crate::vocab::PartSlot::Legs.index();
        assert_eq!(batch.material[legs], Material::Gold.index() as i64);
        assert_eq!(batch.has_slot.iter().sum::<f32>(), 3.0);
    }
}
