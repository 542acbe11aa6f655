//! Training the field generator (version 1) from scratch on generated data: every step draws
//! fresh descriptions, captions them, parses the captions back (so training goes through the
//! same path as a user's prompt), builds the procedural objects and samples their fields near
//! the surface and across the cube.
//!
//! Resumable: a checkpoint (weights, optimiser state, step) is written every
//! `checkpoint_every` steps, and step `n` always draws the same data, so a resumed run continues
//! the same run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::AutodiffModule;
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::tensor::activation::{log_softmax, relu};
use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::{Distribution, Int, Tensor, TensorData};
use glam::Vec3;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::TrainError;
use crate::data::Sampler;
use crate::mesher::Field;
use crate::model::network::{Network, NetworkConfig, PALETTE_OUTPUTS, PARTS};
use crate::model::tokens::{TokenSpace, Tokens};
use crate::model::weights::Weights;
use crate::prompt::parse;
use crate::shapes::sample_shape;
use crate::vocab::Material;

/// Everything a field-generator training run depends on (models/v1/kiln-gen.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    #[serde(default)]
    pub network: NetworkConfig,
    pub steps: usize,
    /// Objects per step.
    pub batch: usize,
    /// Points per object within `truncation` of the surface.
    pub near_points: usize,
    /// The share of near points drawn part by part (a part, then one of its pieces, then a
    /// point in that piece's box) rather than over the whole object's box. Drawn over the box,
    /// a chair's legs or a mushroom's spots get a few percent of the points, and reweighing
    /// them ([`TrainConfig::part_balance`]) only makes those few count more; drawn by part,
    /// every part has points all around it. 0 (the default) draws every point over the box.
    #[serde(default)]
    pub part_focus: f32,
    /// Points per object anywhere in the cube.
    pub uniform_points: usize,
    pub learning_rate: f64,
    /// The learning rate falls along a cosine to this fraction of itself.
    pub final_learning_rate_fraction: f64,
    /// Distances are compared clamped to ±truncation (cube units).
    pub truncation: f32,
    /// Keep pulling a predicted distance that lies beyond ±truncation on the wrong side of its
    /// target (see [`distance_error`]). Without it such a prediction gets no gradient, and a
    /// network whose initial outputs land there never learns the shape: a run with planes of
    /// 32² sat at a distance loss of 0.59 from its first steps. On in the shipped toml; off by
    /// default, so that older configs still train what they trained.
    #[serde(default)]
    pub hinge_beyond_truncation: bool,
    pub kl_weight: f32,
    /// The information (nats) the latent is to carry: the KL term is
    /// `kl_weight × |KL − kl_target|`, so the latent holds about this much and no more. A
    /// latent free to hold more learns the shape itself, the text is left with too little to
    /// do, and a seed's latent then decides the object more than the prompt does; one pushed to
    /// zero makes every seed the same.
    #[serde(default)]
    pub kl_target: f32,
    /// Near the surface, how far each part weighs the same rather than by its area (0: by
    /// area, 1: all parts equal): at 0 a chair's legs or a sword's hilt are a few percent of
    /// the points, and their colour and thickness are learned last.
    #[serde(default)]
    pub part_balance: f32,
    pub colour_weight: f32,
    pub material_weight: f32,
    /// Weight of the cross-entropy of each near-surface point's part slot (with a palette
    /// head): the decoder learns which part a point is on, and the palette each part's look.
    #[serde(default)]
    pub part_weight: f32,
    pub seed: u64,
    /// Steps per epoch (one line of the training log).
    pub epoch_steps: usize,
    pub checkpoint_every: usize,
}

impl TrainConfig {
    pub fn read(path: &Path) -> Result<Self, TrainError> {
        let text = std::fs::read_to_string(path).map_err(|error| TrainError::Config {
            path: path.display().to_string(),
            reason: error.to_string(),
        })?;
        toml::from_str(&text).map_err(|error| TrainError::Config {
            path: path.display().to_string(),
            reason: error.to_string(),
        })
    }
}

/// What one step reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StepReport {
    pub step: usize,
    pub steps: usize,
    pub loss: f32,
    pub distance: f32,
    pub colour: f32,
    pub material: f32,
    /// Part-slot cross-entropy near the surface (0 without a palette head).
    pub parts: f32,
    pub kl: f32,
    pub learning_rate: f64,
    /// Time spent drawing this step's data (the rest is the network).
    pub data_seconds: f32,
}

/// A batch of training objects as the network consumes it.
struct Batch<B: Backend> {
    tokens: Vec<Tokens>,
    query: crate::model::network::QueryPoints<B>,
    /// [objects, points, 1] clamped true distances.
    distance: Tensor<B, 3>,
    /// [objects, points, 3].
    colour: Tensor<B, 3>,
    /// [objects × points] material indices.
    material: Tensor<B, 1, Int>,
    /// [objects × points] part slot indices.
    slot: Tensor<B, 1, Int>,
    /// [objects, points, 1]: 1 near the surface (where colour and material are learned).
    near: Tensor<B, 3>,
    /// [objects, points, 1]: each point's weight (see [`TrainConfig::part_balance`]).
    balance: Tensor<B, 3>,
    /// [objects, posterior_grid³].
    coarse: Tensor<B, 2>,
}

/// One step's data on the host, drawn while the previous step runs on the device.
struct HostBatch {
    tokens: Vec<Tokens>,
    samples: Samples,
    coarse: Vec<f32>,
}

/// Draws the data of step `step`: the same for every run with this config, however many threads
/// draw it, because each object has its own seed.
fn draw(config: &TrainConfig, step: usize) -> HostBatch {
    use rayon::prelude::*;
    let step_seed = config.seed ^ (step as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let objects: Vec<(Tokens, Samples, Vec<f32>)> = (0..config.batch)
        .into_par_iter()
        .map(|index| {
            draw_object(
                config,
                step_seed ^ (index as u64 + 1).wrapping_mul(0xd1b5_4a32_d192_ed03),
            )
        })
        .collect();
    let mut batch = HostBatch {
        tokens: Vec::with_capacity(config.batch),
        samples: Samples::default(),
        coarse: Vec::with_capacity(config.batch * config.network.posterior_grid.pow(3)),
    };
    for (tokens, samples, coarse) in objects {
        batch.tokens.push(tokens);
        batch.samples.append(samples);
        batch.coarse.extend(coarse);
    }
    batch
}

/// One object: a description, its caption parsed back, the shape's field sampled near the
/// surface, across the cube and on the posterior's coarse grid.
fn draw_object(config: &TrainConfig, seed: u64) -> (Tokens, Samples, Vec<f32>) {
    let mut sampler = Sampler::within(seed, TokenSpace::FIELD.categories());
    let mut rng = Pcg64Mcg::seed_from_u64(seed.rotate_left(17));
    let grid = config.network.posterior_grid;
    let mut samples = Samples::default();
    // Only what the field generator has words for: the categories it shipped with.
    let (description, tokens) = loop {
        let description = sampler.training_description();
        let caption = sampler.caption(&description);
        // The caption's parse is what the model learns from, as it will from a user's prompt.
        let description = parse(&caption).map_or(description, |parsed| parsed.description);
        if let Some(tokens) = TokenSpace::FIELD.tokenize(&description) {
            break (description, tokens);
        }
    };
    let shape = sample_shape(&description, rng.random());
    let frame = shape.unit_frame();
    let (min, max) = shape.bounds();
    let (lo, hi) = (
        frame.to_unit(min) - Vec3::splat(config.truncation),
        frame.to_unit(max) + Vec3::splat(config.truncation),
    );
    // Each part's pieces' boxes in the unit frame, grown by the band (none without focus: the
    // data path draws thousands of objects, and the shipped toml does not focus).
    let focus = config.part_focus.clamp(0.0, 1.0);
    let focused_parts = if focus > 0.0 { &shape.parts[..] } else { &[] };
    let pieces: Vec<Vec<(Vec3, Vec3)>> = focused_parts
        .iter()
        .map(|part| {
            part.geometry
                .iter()
                .map(|placed| {
                    let (min, max) = placed.bounds();
                    (
                        frame.to_unit(min) - Vec3::splat(config.truncation),
                        frame.to_unit(max) + Vec3::splat(config.truncation),
                    )
                })
                .collect()
        })
        .filter(|boxes: &Vec<_>| !boxes.is_empty())
        .collect();
    let focused = if pieces.is_empty() {
        0
    } else {
        (config.near_points as f32 * focus).round() as usize
    };
    let mut accepted = 0;
    let mut tries = 0;
    let mut near_slots = Vec::with_capacity(config.near_points);
    while accepted < config.near_points {
        tries += 1;
        let (lo, hi) = if accepted < focused {
            let part = &pieces[rng.random_range(0..pieces.len())];
            part[rng.random_range(0..part.len())]
        } else {
            (lo, hi)
        };
        let p = if tries > config.near_points * 60 {
            // A shape with little surface near its box: fall back to anywhere.
            Vec3::new(
                rng.random_range(-1.0..1.0),
                rng.random_range(-1.0..1.0),
                rng.random_range(-1.0..1.0),
            )
        } else {
            Vec3::new(
                rng.random_range(lo.x..hi.x.max(lo.x + 1e-3)),
                rng.random_range(lo.y..hi.y.max(lo.y + 1e-3)),
                rng.random_range(lo.z..hi.z.max(lo.z + 1e-3)),
            )
            .clamp(Vec3::splat(-1.0), Vec3::splat(1.0))
        };
        let (sample, slot) = shape.sample(&frame, p);
        if sample.distance.abs() > config.truncation && tries <= config.near_points * 60 {
            continue;
        }
        accepted += 1;
        near_slots.push(slot);
        samples.push(p, sample, slot, config.truncation);
    }
    samples.balance_parts(&near_slots, config.part_balance);
    for _ in 0..config.uniform_points {
        let p = Vec3::new(
            rng.random_range(-1.0..1.0),
            rng.random_range(-1.0..1.0),
            rng.random_range(-1.0..1.0),
        );
        let (sample, slot) = shape.sample(&frame, p);
        samples.push(p, sample, slot, config.truncation);
    }
    let coarse = (0..grid.pow(3))
        .map(|index| {
            let p = Vec3::from_array(Field::cube_point(grid, index));
            shape.sample(&frame, p).0.distance.clamp(-0.2, 0.2) * 5.0
        })
        .collect();
    (tokens, samples, coarse)
}

impl HostBatch {
    fn upload<B: Backend>(self, config: &TrainConfig, device: &B::Device) -> Batch<B> {
        let objects = config.batch;
        let points = config.near_points + config.uniform_points;
        let grid = config.network.posterior_grid;
        let samples = self.samples;
        Batch {
            tokens: self.tokens,
            query: config
                .network
                .query_points(&samples.positions, objects, device),
            distance: Tensor::from_data(
                TensorData::new(samples.distance, [objects, points, 1]),
                device,
            ),
            colour: Tensor::from_data(
                TensorData::new(samples.colour, [objects, points, 3]),
                device,
            ),
            material: Tensor::from_data(
                TensorData::new(samples.material, [objects * points]),
                device,
            ),
            slot: Tensor::from_data(TensorData::new(samples.slot, [objects * points]), device),
            near: Tensor::from_data(TensorData::new(samples.near, [objects, points, 1]), device),
            balance: Tensor::from_data(
                TensorData::new(samples.balance, [objects, points, 1]),
                device,
            ),
            coarse: Tensor::from_data(TensorData::new(self.coarse, [objects, grid.pow(3)]), device),
        }
    }
}

/// The per-point training targets of a batch, as flat arrays.
#[derive(Default)]
struct Samples {
    positions: Vec<[f32; 3]>,
    distance: Vec<f32>,
    colour: Vec<f32>,
    material: Vec<i64>,
    slot: Vec<i64>,
    near: Vec<f32>,
    balance: Vec<f32>,
}

impl Samples {
    fn push(
        &mut self,
        p: Vec3,
        sample: crate::shapes::FieldSample,
        slot: crate::vocab::PartSlot,
        truncation: f32,
    ) {
        self.positions.push(p.to_array());
        self.distance
            .push(sample.distance.clamp(-truncation, truncation));
        self.colour.extend_from_slice(&sample.colour);
        self.material.push(i64::from(sample.material));
        self.slot.push(slot.index() as i64);
        self.near.push(if sample.distance.abs() <= truncation {
            1.0
        } else {
            0.0
        });
        self.balance.push(1.0);
    }

    /// Reweighs the last `slots.len()` points (an object's near points, `slots` the part each
    /// is nearest) towards equal weight per part, by `amount`; their mean weight stays 1, so the
    /// losses keep their scale. No part gains more than `MAX_PART_GAIN`: a part with a handful
    /// of points would otherwise make the loss noisy.
    fn balance_parts(&mut self, slots: &[crate::vocab::PartSlot], amount: f32) {
        const MAX_PART_GAIN: f32 = 6.0;
        if amount <= 0.0 || slots.is_empty() {
            return;
        }
        let mut counts: Vec<(crate::vocab::PartSlot, usize)> = Vec::new();
        for &slot in slots {
            match counts.iter_mut().find(|(s, _)| *s == slot) {
                Some((_, count)) => *count += 1,
                None => counts.push((slot, 1)),
            }
        }
        let parts = counts.len() as f32;
        let total = slots.len() as f32;
        let weights: Vec<f32> = slots
            .iter()
            .map(|slot| {
                let count = counts.iter().find(|(s, _)| s == slot).map_or(1, |c| c.1) as f32;
                let equal = (total / (parts * count)).min(MAX_PART_GAIN);
                1.0 - amount + amount * equal
            })
            .collect();
        let mean = weights.iter().sum::<f32>() / total;
        let start = self.balance.len() - slots.len();
        for (balance, weight) in self.balance[start..].iter_mut().zip(weights) {
            *balance = weight / mean;
        }
    }

    fn append(&mut self, other: Samples) {
        self.positions.extend(other.positions);
        self.distance.extend(other.distance);
        self.colour.extend(other.colour);
        self.material.extend(other.material);
        self.slot.extend(other.slot);
        self.near.extend(other.near);
        self.balance.extend(other.balance);
    }
}

/// The loss of one batch: clamped-distance L1, colour L1 and material cross-entropy near the
/// surface, KL of the posterior against N(0, I); with a palette head also the part slot's
/// cross-entropy near the surface, and colour and material of the true part's palette entry
/// (what the palette should say, whatever the decoder's part weights).
fn loss<B: AutodiffBackend>(
    network: &Network<B>,
    batch: &Batch<B>,
    config: &TrainConfig,
    device: &B::Device,
) -> (Tensor<B, 1>, [f32; 6]) {
    let net = &config.network;
    let text = network.encode_text(&batch.tokens, net, device);
    let (mean, log_variance) = network.posterior(batch.coarse.clone(), text.shape.clone());
    let noise = Tensor::random(mean.dims(), Distribution::Normal(0.0, 1.0), device);
    let latent = mean.clone() + noise * (log_variance.clone() * 0.5).exp();
    let code = network.hyper(text, latent, net);
    let decoded = network.decode_parts(&code, &batch.query, net);
    let out = decoded.out;
    let [objects, points, _] = out.dims();
    let t = config.truncation;
    let distance = (distance_error(
        out.clone().narrow(2, 0, 1),
        batch.distance.clone(),
        t,
        config.hinge_beyond_truncation,
    ) * batch.balance.clone())
    .mean()
        / t;
    let near = batch.near.clone() * batch.balance.clone();
    let near_count = near.clone().sum().clamp_min(1.0);
    let colour = ((out.clone().narrow(2, 1, 3) - batch.colour.clone()).abs() * near.clone()).sum()
        / (near_count.clone() * 3.0);
    let logits = out
        .narrow(2, 4, Material::ALL.len())
        .reshape([objects * points, Material::ALL.len()]);
    let picked =
        log_softmax(logits, 1).gather(1, batch.material.clone().reshape([objects * points, 1]));
    let mut material = (picked.reshape([objects, points, 1]) * near.clone())
        .sum()
        .neg()
        / near_count.clone();
    let mut colour = colour;
    let mut parts = Tensor::<B, 1>::zeros([1], device);
    if let (Some(part_logits), Some(palette)) = (decoded.part_logits, code.palette) {
        let slot = batch.slot.clone().reshape([objects * points, 1]);
        let near = near.reshape([objects * points, 1]);
        let picked =
            log_softmax(part_logits.reshape([objects * points, PARTS]), 1).gather(1, slot.clone());
        parts = (picked * near.clone()).sum().neg() / near_count.clone();
        // Each point's own part's palette entry: rows object × PARTS + slot.
        let rows = Tensor::<B, 1, Int>::arange(0..objects as i64, device)
            .reshape([objects, 1])
            .repeat_dim(1, points)
            .reshape([objects * points])
            * PARTS as i64
            + batch.slot.clone();
        let own = palette
            .reshape([objects * PARTS, PALETTE_OUTPUTS])
            .select(0, rows);
        let truth = batch.colour.clone().reshape([objects * points, 3]);
        colour = colour
            + ((own.clone().narrow(1, 0, 3) - truth).abs() * near.clone()).sum()
                / (near_count.clone() * 3.0);
        let picked = log_softmax(own.narrow(1, 3, Material::ALL.len()), 1)
            .gather(1, batch.material.clone().reshape([objects * points, 1]));
        material = material + (picked * near).sum().neg() / near_count;
    }
    let kl = ((mean.powi_scalar(2) + log_variance.clone().exp() - log_variance - 1.0) * 0.5)
        .sum_dim(1)
        .mean();
    let total = distance.clone()
        + colour.clone() * config.colour_weight
        + material.clone() * config.material_weight
        + parts.clone() * config.part_weight
        + (kl.clone() - config.kl_target).abs() * config.kl_weight;
    // One read from the device per step, not one per number.
    let values = Tensor::cat(
        vec![total.clone(), distance, colour, material, parts, kl],
        0,
    )
    .into_data()
    .convert::<f32>()
    .into_vec::<f32>()
    .unwrap_or_default();
    let value = |index: usize| values.get(index).copied().unwrap_or(f32::NAN);
    (total, std::array::from_fn(value))
}

/// Trains on `B` (e.g. [`TrainBackend`] on the CPU, `Autodiff<Wgpu>` on a GPU) into `out_dir`
/// (checkpoint, log, final weights), resuming from a checkpoint there. `progress` hears every
/// step. Returns the path of the final weights.
pub fn train<B: AutodiffBackend>(
    config: &TrainConfig,
    out_dir: &Path,
    device: &B::Device,
    progress: &mut dyn FnMut(&StepReport),
) -> Result<PathBuf, TrainError> {
    let output = |source| TrainError::Output {
        path: out_dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(out_dir).map_err(output)?;
    B::seed(device, config.seed);
    let mut network: Network<B> = config.network.init(device);
    let mut optimizer = AdamConfig::new().init::<B, Network<B>>();
    let checkpoint = super::Checkpoint::new(out_dir);
    let mut start = 0;
    if let Some(step) = checkpoint.step() {
        network = Weights::read(&checkpoint.weights())?.network(device)?;
        optimizer = optimizer.load_record(checkpoint.read_optimizer(device)?);
        start = step;
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
            let batch = host.upload::<B>(config, device);
            let (total, parts) = loss(&network, &batch, config, device);
            let gradients = GradientsParams::from_grads(total.backward(), &network);
            network = optimizer.step(learning_rate, network, gradients);
            let report = StepReport {
                step: step + 1,
                steps: config.steps,
                loss: parts[0],
                distance: parts[1],
                colour: parts[2],
                material: parts[3],
                parts: parts[4],
                kl: parts[5],
                learning_rate,
                data_seconds,
            };
            progress(&report);
            epoch.add(
                report.step,
                &[
                    ("loss", report.loss),
                    ("distance", report.distance),
                    ("colour", report.colour),
                    ("material", report.material),
                    ("parts", report.parts),
                    ("kl", report.kl),
                    ("data_seconds_per_step", report.data_seconds),
                ],
            );
            if (step + 1) % config.epoch_steps == 0 || step + 1 == config.steps {
                epoch
                    .write(out_dir, started.elapsed().as_secs_f64())
                    .map_err(output)?;
            }
            if (step + 1) % config.checkpoint_every == 0 || step + 1 == config.steps {
                checkpoint.write::<B, _>(
                    &Weights::from_network(&network.valid(), config.network),
                    optimizer.to_record(),
                    step + 1,
                )?;
            }
        }
        Ok::<_, TrainError>(network)
    })?;
    let final_weights = out_dir.join("kiln-gen.bin");
    Weights::from_network(&network.valid(), config.network).write(&final_weights)?;
    Ok(final_weights)
}

/// The distance term per point, against targets clamped to ±`truncation`: the L1 of the
/// clamped prediction, so beyond the band only the sign is taught. With `hinge`, the same
/// value wherever the prediction lies inside the band, but a prediction beyond it is not
/// clamped: one past a target inside the band is pulled back, one on the far side of a
/// clamped target (target +t, prediction below −t) is pulled across, and one beyond a clamped
/// target on its own side costs nothing, as before.
fn distance_error<B: Backend>(
    prediction: Tensor<B, 3>,
    target: Tensor<B, 3>,
    truncation: f32,
    hinge: bool,
) -> Tensor<B, 3> {
    if !hinge {
        return (prediction.clamp(-truncation, truncation) - target).abs();
    }
    // Targets at the clamp: "at least this far out (in)", a one-sided error.
    let edge = truncation * (1.0 - 1e-4);
    let at_least_out = target.clone().greater_equal_elem(edge).float();
    let at_least_in = target.clone().lower_equal_elem(-edge).float();
    let error = prediction - target;
    relu(error.clone()) * (at_least_out.neg() + 1.0) + relu(error.neg()) * (at_least_in.neg() + 1.0)
}

#[cfg(test)]
mod tests {
    use burn::backend::NdArray;

    use super::*;
    use crate::train::TrainBackend;

    fn tiny() -> TrainConfig {
        TrainConfig {
            network: NetworkConfig::tiny(),
            steps: 150,
            batch: 4,
            near_points: 96,
            uniform_points: 32,
            learning_rate: 1e-2,
            final_learning_rate_fraction: 0.5,
            truncation: 0.1,
            hinge_beyond_truncation: false,
            part_focus: 0.0,
            kl_weight: 0.01,
            kl_target: 1.0,
            part_balance: 0.5,
            colour_weight: 1.0,
            material_weight: 0.3,
            part_weight: 0.3,
            seed: 5,
            epoch_steps: 50,
            checkpoint_every: 75,
        }
    }

    #[test]
    fn the_hinge_pulls_back_what_the_clamp_lets_go_and_agrees_inside_the_band() {
        let device = Default::default();
        let column = |values: &[f32]| {
            Tensor::<NdArray, 3>::from_data(
                TensorData::new(values.to_vec(), [1, values.len(), 1]),
                &device,
            )
        };
        let t = 0.1;
        // Predictions against a target inside the band (0.05) and clamped ones (±t).
        let predictions = [0.0, 0.08, 0.3, 0.6, -0.5, 0.5, -0.3, 0.3];
        let targets = [0.05, 0.05, 0.05, 0.05, t, t, -t, -t];
        let error = |hinge| -> Vec<f32> {
            distance_error(column(&predictions), column(&targets), t, hinge)
                .into_data()
                .to_vec()
                .unwrap()
        };
        let (clamped, hinged) = (error(false), error(true));
        let close = |a: f32, b: f32| (a - b).abs() < 1e-6;
        // Inside the band the two agree.
        for i in 0..2 {
            assert!(close(clamped[i], hinged[i]), "{i}: {clamped:?} {hinged:?}");
        }
        // Beyond it the clamp is flat (no gradient); the hinge grows with the distance.
        assert!(close(clamped[2], clamped[3]) && close(clamped[2], 0.05));
        assert!(close(hinged[2], 0.25) && close(hinged[3], 0.55));
        assert!(close(clamped[4], 0.2) && close(hinged[4], 0.6));
        // Past a clamped target on its own side: nothing to learn, either way.
        assert!(close(clamped[5], 0.0) && close(hinged[5], 0.0));
        assert!(close(clamped[6], 0.0) && close(hinged[6], 0.0));
        assert!(close(clamped[7], 0.2) && close(hinged[7], 0.4));
    }

    #[test]
    fn a_short_run_learns_and_resumes() {
        let folder = tempfile::tempdir().unwrap();
        let mut losses: Vec<StepReport> = Vec::new();
        let config = tiny();
        let _seeded = crate::seeded_backend();
        let weights =
            train::<TrainBackend>(&config, folder.path(), &Default::default(), &mut |report| {
                losses.push(*report)
            })
            .unwrap();
        assert_eq!(losses.len(), 150);
        let mean = |range: std::ops::Range<usize>, part: fn(&StepReport) -> f32| {
            losses[range.clone()].iter().map(part).sum::<f32>() / range.len() as f32
        };
        for (name, part) in [
            ("loss", (|l| l.loss) as fn(&StepReport) -> f32),
            ("distance", |l| l.distance),
            ("colour", |l| l.colour),
            ("material", |l| l.material),
            ("parts", |l| l.parts),
        ] {
            eprintln!("{name}: {} -> {}", mean(0..20, part), mean(130..150, part));
        }
        // Training is seeded and the CPU backend deterministic, so these numbers are the same on
        // every run: 150 steps of a tiny network on ever-new objects (of the 32 categories it has
        // words for) lower the distance error by about a tenth, 0.64 to 0.59 (a fixed batch, by
        // contrast, is learned almost perfectly); a run that does not learn stays within noise of
        // where it began.
        let (first, last) = (mean(0..20, |l| l.loss), mean(130..150, |l| l.loss));
        assert!(last < first * 0.95, "loss went from {first} to {last}");
        let (first, last) = (mean(0..20, |l| l.distance), mean(130..150, |l| l.distance));
        assert!(
            last < first * 0.95,
            "distance loss went from {first} to {last}"
        );
        // Which part a point is on is learned too (a part of 19 at chance is ln 19 = 2.9 nats).
        let (first, last) = (mean(0..20, |l| l.parts), mean(130..150, |l| l.parts));
        assert!(last < first * 0.9, "part loss went from {first} to {last}");
        assert!(Weights::read(&weights).is_ok());
        let log = std::fs::read_to_string(folder.path().join("train-log.jsonl")).unwrap();
        assert_eq!(log.lines().count(), 3);

        // Asking for more steps resumes from the checkpoint at step 150.
        let longer = TrainConfig {
            steps: 160,
            ..config
        };
        let mut resumed = Vec::new();
        train::<TrainBackend>(&longer, folder.path(), &Default::default(), &mut |report| {
            resumed.push(report.step)
        })
        .unwrap();
        assert_eq!(resumed.first(), Some(&151));
        assert_eq!(resumed.len(), 10);
    }

    #[test]
    fn part_balance_gives_small_parts_their_share_and_keeps_the_mean() {
        use crate::shapes::FieldSample;
        use crate::vocab::PartSlot;
        let sample = FieldSample {
            distance: 0.0,
            colour: [0.0; 3],
            material: 0,
        };
        let mut samples = Samples::default();
        // Ten uniform points first: balancing leaves them alone.
        for _ in 0..110 {
            samples.push(Vec3::ZERO, sample, PartSlot::Seat, 0.1);
        }
        let slots: Vec<PartSlot> = (0..100)
            .map(|i| {
                if i < 90 {
                    PartSlot::Seat
                } else {
                    PartSlot::Legs
                }
            })
            .collect();
        samples.balance_parts(&slots, 1.0);
        assert!(samples.balance[..10].iter().all(|&w| w == 1.0));
        let near = &samples.balance[10..];
        let (seat, legs) = (
            near[..90].iter().sum::<f32>(),
            near[90..].iter().sum::<f32>(),
        );
        assert!((seat - legs).abs() < 1e-3, "seat {seat}, legs {legs}");
        assert!((near.iter().sum::<f32>() / 100.0 - 1.0).abs() < 1e-5);

        // Half way: the legs gain, but less; without balancing nothing changes.
        let mut half = Samples::default();
        for _ in 0..100 {
            half.push(Vec3::ZERO, sample, PartSlot::Seat, 0.1);
        }
        half.balance_parts(&slots, 0.5);
        let legs_half = half.balance[90..].iter().sum::<f32>();
        assert!(legs_half > 10.0 && legs_half < legs, "{legs_half}");
        let mut none = Samples::default();
        for _ in 0..100 {
            none.push(Vec3::ZERO, sample, PartSlot::Seat, 0.1);
        }
        none.balance_parts(&slots, 0.0);
        assert!(none.balance.iter().all(|&w| w == 1.0));
    }

    /// Drawn part by part, the smallest part of each object gets a larger share of the near
    /// points than drawn over the box, and every one of them still lies in the band.
    #[test]
    fn part_focus_puts_points_around_small_parts() {
        let smallest_share = |part_focus: f32| {
            let config = TrainConfig {
                near_points: 400,
                uniform_points: 0,
                part_focus,
                ..tiny()
            };
            (0..24u64)
                .map(|seed| {
                    let (_, samples, _) = draw_object(&config, seed);
                    assert_eq!(samples.near.len(), 400);
                    let in_band = samples.near.iter().filter(|&&near| near == 1.0).count();
                    assert!(in_band >= 396, "seed {seed}: {in_band} of 400 in the band");
                    let mut counts = [0usize; PARTS];
                    for &slot in &samples.slot {
                        counts[slot as usize] += 1;
                    }
                    let smallest = counts.iter().filter(|&&c| c > 0).min().copied().unwrap();
                    smallest as f32 / 400.0
                })
                .sum::<f32>()
                / 24.0
        };
        let (by_box, by_part) = (smallest_share(0.0), smallest_share(1.0));
        assert!(
            by_part > by_box * 1.5,
            "smallest part's share: {by_part} by part, {by_box} by box"
        );
    }

    #[test]
    fn the_shipped_config_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/v1/kiln-gen.toml");
        let config = TrainConfig::read(&path).unwrap();
        assert!(config.steps > 0 && config.batch > 0);
    }
}
