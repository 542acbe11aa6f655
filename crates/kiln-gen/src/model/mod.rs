//! The models and the generator: prompt → tokens → network → mesh. Generic over burn's
//! `Backend`: NdArray on CPUs, Wgpu on GPUs. Everything the user gets comes from the network's
//! output; nothing here calls the procedural shapes. Two generators, chosen by the weights
//! file, so that every item keeps verifying with the generator that made it:
//!
//! - version 2, [`parts`]: the network predicts the object's primitives, meshed directly;
//! - version 1, [`network`]: the network predicts a signed-distance field, decoded on a grid
//!   and meshed by marching cubes (the items made before 2026-12).

pub mod network;
pub mod parts;
pub mod tokens;
pub mod weights;

use std::time::Duration;

// std's clock panics in a browser; web-time reads the page's there and is std's elsewhere.
use web_time::Instant;

use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorData};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::assembly::{Assembly, AssemblyMeshError, PieceMeshOptions};
use crate::compose::{self, ComposedObject};
use crate::layout;
use crate::mesh::Mesh;
use crate::mesher::{Field, MeshError, MeshOptions, mesh_field};
use crate::prompt::{Description, PromptError, PromptObject, parse};
use crate::reading::Reading;
use crate::shapes::noise_for_seed;
use crate::vocab::Style;
pub use network::{Network, NetworkConfig, OUTPUTS, ObjectCode, QueryPoints};
pub use parts::{PartsConfig, PartsNetwork};
pub use tokens::{TokenSpace, Tokens, tokenize};
pub use weights::{
    SHIPPED_WEIGHTS, Weights, WeightsError, WeightsModel, find_weights, shipped_weights_path,
    source_models,
};

/// How many triangles the mesh may keep, and (field generator) how finely the field is
/// decoded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenerateOptions {
    /// Grid points per axis of the decoded field (field generator only).
    pub resolution: usize,
    pub max_triangles: usize,
    /// Run the network at every grid point instead of coarse to fine (field generator only:
    /// same mesh, slower; for benchmarks and checks).
    pub dense: bool,
    /// Flat-shaded faces with few sides (part generator); a blocky or low-poly prompt gets
    /// them anyway.
    pub flat: bool,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            resolution: 48,
            max_triangles: Self::DEFAULT_MAX_TRIANGLES,
            dense: false,
            flat: false,
        }
    }
}

impl GenerateOptions {
    /// The triangle budget where none is chosen.
    pub const DEFAULT_MAX_TRIANGLES: usize = 10_000;

    /// The options of an item: what its creator chose (a triangle budget, flat shading; `None`
    /// and `false` where nothing was chosen), the defaults otherwise, as its metadata records.
    pub fn for_item(max_triangles: Option<u64>, flat: bool) -> Self {
        GenerateOptions {
            max_triangles: max_triangles.map_or(Self::DEFAULT_MAX_TRIANGLES, |n| {
                usize::try_from(n).unwrap_or(usize::MAX)
            }),
            flat,
            ..Self::default()
        }
    }
}

/// Where the time of one generation went.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Timings {
    pub tokenize: Duration,
    pub encode: Duration,
    pub decode: Duration,
    pub mesh: Duration,
    pub total: Duration,
}

impl Timings {
    fn add(&mut self, other: &Timings) {
        self.tokenize += other.tokenize;
        self.encode += other.encode;
        self.decode += other.decode;
        self.mesh += other.mesh;
        self.total += other.total;
    }
}

/// One generated object, or several arranged as one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// In metres, standing on y = 0, centred on the Y axis.
    pub mesh: Mesh,
    pub description: Description,
    /// What the model was given, in Kiln's words, and what the item is called: the main
    /// object's caption ("a red sword"), or the line that says several ("a red sword on a wood
    /// table").
    pub model_prompt: String,
    pub unknown_words: Vec<String>,
    /// How the prompt was read (empty for a description given as such).
    pub reading: Reading,
    /// The objects of a prompt that names several ("a cup on a table"), each as made and placed;
    /// `mesh` is them all. Empty for one object.
    pub objects: Vec<ComposedObject>,
    pub timings: Timings,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Prompt(#[from] PromptError),
    #[error("the model produced no surface for this prompt; try another seed")]
    Mesh(#[from] MeshError),
    #[error(transparent)]
    Assembly(#[from] AssemblyMeshError),
    #[error("resolution {0} is outside 8..=128")]
    Resolution(usize),
    #[error("the device failed while the model ran: {0}")]
    Device(String),
    #[error("{0}")]
    Unsupported(String),
    #[error(
        "this device answers only asynchronously (WebGPU in a browser): generate with generate_async"
    )]
    Asynchronous,
}

/// A loaded model, ready to generate on one device.
pub struct Generator<B: Backend> {
    model: Loaded<B>,
    device: B::Device,
    /// sha256 of the weights file, the model's identity in provenance records.
    weights_sha256: String,
}

/// The network a weights file holds.
enum Loaded<B: Backend> {
    Field {
        network: Box<Network<B>>,
        config: NetworkConfig,
    },
    Parts {
        network: Box<PartsNetwork<B>>,
        space: TokenSpace,
    },
}

/// The generator on the CPU (burn's NdArray backend): what verification runs where it loads
/// weights of its own, with no device to share.
pub type CpuGenerator = Generator<burn::backend::NdArray>;

impl<B: Backend> Generator<B> {
    pub fn new(weights: &Weights, device: B::Device) -> Result<Self, WeightsError> {
        let model = match &weights.model {
            WeightsModel::Field(config) => Loaded::Field {
                network: Box::new(weights.network(&device)?),
                config: *config,
            },
            WeightsModel::Parts(header) => Loaded::Parts {
                network: Box::new(weights.parts_network(&device)?),
                space: header.space,
            },
        };
        Ok(Generator {
            model,
            device,
            weights_sha256: weights.sha256.clone(),
        })
    }

    pub fn weights_sha256(&self) -> &str {
        &self.weights_sha256
    }

    /// 1 for the field generator, 2 for the part generator.
    pub fn version(&self) -> u32 {
        match self.model {
            Loaded::Field { .. } => 1,
            Loaded::Parts { .. } => 2,
        }
    }

    /// The field generator's network and shape; an error for the part generator.
    fn field_network(&self) -> Result<(&Network<B>, &NetworkConfig), GenerateError> {
        match &self.model {
            Loaded::Field { network, config } => Ok((network, config)),
            Loaded::Parts { .. } => Err(GenerateError::Device(
                "the part generator has no field network".into(),
            )),
        }
    }

    /// The part generator's prediction for `description` and `seed`: primitives in the cube.
    /// An error for the field generator.
    pub async fn assembly_async(
        &self,
        description: &Description,
        seed: u64,
    ) -> Result<Assembly, GenerateError> {
        let Loaded::Parts { network, space } = &self.model else {
            return Err(GenerateError::Device(
                "the field generator makes no parts".into(),
            ));
        };
        let tokens = space.tokenize(description).ok_or_else(|| {
            GenerateError::Unsupported(format!(
                "these weights cannot make {description}: they were trained before it was added; use the current weights"
            ))
        })?;
        let out = network.forward(*space, &[tokens], &[noise_for_seed(seed)], &self.device);
        let values = Tensor::cat(
            vec![
                out.pieces
                    .reshape([1, parts::PIECES * parts::PIECE_OUTPUTS]),
                out.palette
                    .reshape([1, space.part_slots() * parts::PALETTE_OUTPUTS]),
            ],
            1,
        )
        .into_data_async()
        .await
        .map_err(|error| GenerateError::Device(format!("{error:?}")))?;
        let values = read_floats(values)?;
        let (pieces, palette) = values.split_at(parts::PIECES * parts::PIECE_OUTPUTS);
        Ok(parts::assemble(description.category, pieces, palette))
    }

    /// [`Generator::assembly_async`] where the device answers synchronously.
    pub fn assembly(
        &self,
        description: &Description,
        seed: u64,
    ) -> Result<Assembly, GenerateError> {
        burn::tensor::try_read_sync(self.assembly_async(description, seed))
            .unwrap_or(Err(GenerateError::Asynchronous))
    }

    /// Signed distances (cube units) of the object `description` and `seed` make at `points`
    /// of the cube: what evaluation probes thin parts and cross-sections with, for either
    /// generator.
    pub fn distances(
        &self,
        description: &Description,
        seed: u64,
        points: &[[f32; 3]],
    ) -> Result<Vec<f32>, GenerateError> {
        match &self.model {
            Loaded::Parts { .. } => {
                let assembly = self.assembly(description, seed)?;
                Ok(points
                    .iter()
                    .map(|&p| assembly.sample(glam::Vec3::from_array(p)).distance)
                    .collect())
            }
            Loaded::Field { .. } => {
                let code = self.object(&field_tokens(description)?, seed)?;
                let mut distances = Vec::with_capacity(points.len());
                for chunk in points.chunks(16_384) {
                    let values = burn::tensor::try_read_sync(self.decode_positions(&code, chunk))
                        .unwrap_or(Err(GenerateError::Asynchronous))?;
                    distances.extend(values.chunks_exact(OUTPUTS).map(|point| point[0]));
                }
                Ok(distances)
            }
        }
    }

    /// Generates what `prompt` describes; `seed` picks one of its plausible variations. Where
    /// the device answers only asynchronously (WebGPU in a browser), use
    /// [`Generator::generate_async`].
    pub fn generate(
        &self,
        prompt: &str,
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<Generated, GenerateError> {
        burn::tensor::try_read_sync(self.generate_async(prompt, seed, options))
            .unwrap_or(Err(GenerateError::Asynchronous))
    }

    /// [`Generator::generate`], waiting for the device's answers without blocking: the same
    /// object, bit for bit.
    pub async fn generate_async(
        &self,
        prompt: &str,
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<Generated, GenerateError> {
        let started = Instant::now();
        let parsed = parse(prompt)?;
        let mut generated = if parsed.is_composed() {
            self.generate_composed_async(&parsed.objects, seed, options)
                .await?
        } else {
            self.generate_description_async(&parsed.description, seed, options)
                .await?
        };
        generated.description = parsed.description.clone();
        generated.model_prompt = parsed.model_prompt();
        generated.unknown_words = parsed.unknown_words;
        generated.reading = parsed.reading;
        generated.timings.tokenize += started.elapsed() - generated.timings.total;
        generated.timings.total = started.elapsed();
        Ok(generated)
    }

    /// Makes each object of a composed prompt with its own seed ([`compose::object_seed`]) and
    /// an equal share of the triangle budget, and arranges them ([`layout::arrange`]).
    async fn generate_composed_async(
        &self,
        prompt_objects: &[PromptObject],
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<Generated, GenerateError> {
        let planned = compose::plan(prompt_objects, seed);
        let each = GenerateOptions {
            max_triangles: compose::triangles_each(options.max_triangles, planned.len()),
            ..*options
        };
        let mut made = Vec::with_capacity(planned.len());
        let mut timings = Timings::default();
        for object in &planned {
            let generated = self
                .generate_description_async(&object.description, object.seed, &each)
                .await?;
            timings.add(&generated.timings);
            let mut mesh = generated.mesh;
            if object.lying {
                compose::lay_down(&mut mesh);
            }
            made.push(mesh);
        }
        let started = Instant::now();
        let to_place: Vec<layout::ToPlace<'_>> = planned
            .iter()
            .zip(&made)
            .map(|(object, mesh)| layout::ToPlace {
                mesh,
                support: object.support,
                group: object.group,
            })
            .collect();
        let positions = layout::arrange(&to_place);
        let objects: Vec<ComposedObject> = planned
            .into_iter()
            .zip(made)
            .zip(positions)
            .map(|((object, mesh), position)| ComposedObject {
                prompt: object.description.to_string(),
                seed: object.seed,
                position,
                rests_on: match object.support {
                    layout::Support::On(index) => Some(index),
                    layout::Support::Ground => None,
                },
                lying: object.lying,
                mesh: compose::translated(mesh, position),
            })
            .collect();
        let mesh = compose::merge(objects.iter().map(|object| &object.mesh));
        timings.mesh += started.elapsed();
        timings.total += started.elapsed();
        Ok(Generated {
            mesh,
            // The caller's main object replaces it; the first is as good a stand-in.
            description: prompt_objects[0].description.clone(),
            model_prompt: String::new(),
            unknown_words: Vec::new(),
            reading: Reading::default(),
            objects,
            timings,
        })
    }

    pub fn generate_description(
        &self,
        description: &Description,
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<Generated, GenerateError> {
        burn::tensor::try_read_sync(self.generate_description_async(description, seed, options))
            .unwrap_or(Err(GenerateError::Asynchronous))
    }

    async fn generate_description_async(
        &self,
        description: &Description,
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<Generated, GenerateError> {
        if let Loaded::Parts { .. } = self.model {
            let started = Instant::now();
            let assembly = self.assembly_async(description, seed).await?;
            let decoded = Instant::now();
            let mut mesh = assembly.mesh(&PieceMeshOptions {
                max_triangles: options.max_triangles,
                flat: options.flat || description.style == Some(Style::Blocky),
            })?;
            mesh.stand_on_ground(Some(description.height_metres()));
            let meshed = Instant::now();
            return Ok(Generated {
                mesh,
                description: description.clone(),
                model_prompt: description.to_string(),
                unknown_words: Vec::new(),
                reading: Reading::default(),
                objects: Vec::new(),
                timings: Timings {
                    tokenize: Duration::ZERO,
                    encode: Duration::ZERO,
                    decode: decoded - started,
                    mesh: meshed - decoded,
                    total: meshed - started,
                },
            });
        }
        if !(8..=128).contains(&options.resolution) {
            return Err(GenerateError::Resolution(options.resolution));
        }
        let started = Instant::now();
        let tokens = field_tokens(description)?;
        let tokenized = Instant::now();
        let code = self.object(&tokens, seed)?;
        let encoded = Instant::now();
        let field = if options.dense {
            self.decode_field_dense_async(&code, options.resolution)
                .await?
        } else {
            self.decode_field_async(&code, options.resolution).await?
        };
        let decoded = Instant::now();
        let mut mesh = mesh_field(
            &field,
            &MeshOptions {
                max_triangles: options.max_triangles,
            },
        )?;
        mesh.stand_on_ground(Some(description.height_metres()));
        let meshed = Instant::now();
        Ok(Generated {
            mesh,
            description: description.clone(),
            model_prompt: description.to_string(),
            unknown_words: Vec::new(),
            reading: Reading::default(),
            objects: Vec::new(),
            timings: Timings {
                tokenize: tokenized - started,
                encode: encoded - tokenized,
                decode: decoded - encoded,
                mesh: meshed - decoded,
                total: meshed - started,
            },
        })
    }

    /// The field of `description` and `seed` on a `resolution`³ grid over the model's cube,
    /// decoded densely (for evaluation against ground truth on the same grid); the part
    /// generator's primitives sampled on the grid.
    pub fn field(
        &self,
        description: &Description,
        seed: u64,
        resolution: usize,
    ) -> Result<Field, GenerateError> {
        if let Loaded::Parts { .. } = self.model {
            return Ok(self.assembly(description, seed)?.field(resolution));
        }
        let code = self.object(&field_tokens(description)?, seed)?;
        burn::tensor::try_read_sync(self.decode_field_dense_async(&code, resolution))
            .unwrap_or(Err(GenerateError::Asynchronous))
    }

    /// The field generator's object: its triplane, decoder bias and palette (the text
    /// encoded, the seed's latent, the hypernetwork).
    pub fn object(&self, tokens: &Tokens, seed: u64) -> Result<ObjectCode<B>, GenerateError> {
        let (network, config) = self.field_network()?;
        let text = network.encode_text(std::slice::from_ref(tokens), config, &self.device);
        let latent: Vec<f32> = latent_for_seed(seed, config.latent_width)
            .into_iter()
            .map(|value| value * config.prior_scale)
            .collect();
        let latent = Tensor::from_data(
            TensorData::new(latent, [1, config.latent_width]),
            &self.device,
        );
        Ok(network.hyper(text, latent, config))
    }

    /// The decoded field on a `resolution`³ grid over the cube, coarse to fine: the network
    /// runs on every other grid point first, then on every point of the coarse cells the
    /// surface may cross; elsewhere distances are interpolated. Every grid cell the surface
    /// crosses has all eight corners from the network, so the mesh is the one
    /// [`Generator::decode_field_dense`] gives, at a fraction of the cost. Panics where the
    /// device fails or answers only asynchronously; generation returns those as errors.
    pub fn decode_field(&self, code: &ObjectCode<B>, resolution: usize) -> Field {
        read_field(self.decode_field_async(code, resolution))
    }

    async fn decode_field_async(
        &self,
        code: &ObjectCode<B>,
        resolution: usize,
    ) -> Result<Field, GenerateError> {
        let n = resolution;
        // A coarse cell is two fine cells wide, so a surface inside it lies within √3 fine
        // spacings of one of its corners; with 15% to spare for a network that is not an exact
        // distance function, such a corner reads below `refine`, or two corners differ in sign.
        // Where that distance is past what the network learned (coarse grids), decode densely.
        let refine = 1.15 * 3f32.sqrt() * 2.0 / (n - 1) as f32;
        if refine >= TRUNCATION {
            return self.decode_field_dense_async(code, resolution).await;
        }
        // Coarse grid: every other fine index along each axis, and the last one.
        let mut axis: Vec<usize> = (0..n).step_by(2).collect();
        if axis.last() != Some(&(n - 1)) {
            axis.push(n - 1);
        }
        let m = axis.len();
        let fine = |x: usize, y: usize, z: usize| x + n * (y + n * z);
        let mut samples = Samples::new(n.pow(3));
        let coarse: Vec<usize> = (0..m.pow(3))
            .map(|i| fine(axis[i % m], axis[(i / m) % m], axis[i / (m * m)]))
            .collect();
        self.decode_points(code, n, &coarse, &mut samples).await?;

        let mut wanted = vec![false; n.pow(3)];
        for k in 0..m - 1 {
            for j in 0..m - 1 {
                for i in 0..m - 1 {
                    let corners = CELL_CORNERS.map(|(di, dj, dk)| {
                        samples.distance[fine(axis[i + di], axis[j + dj], axis[k + dk])]
                    });
                    let near = corners.iter().any(|d| d.abs() < refine)
                        || corners.iter().any(|d| (*d < 0.0) != (corners[0] < 0.0));
                    if !near {
                        continue;
                    }
                    for z in axis[k]..=axis[k + 1] {
                        for y in axis[j]..=axis[j + 1] {
                            for x in axis[i]..=axis[i + 1] {
                                wanted[fine(x, y, z)] = true;
                            }
                        }
                    }
                }
            }
        }
        let near_surface: Vec<usize> = (0..n.pow(3))
            .filter(|&index| wanted[index] && !samples.known[index])
            .collect();
        self.decode_points(code, n, &near_surface, &mut samples)
            .await?;

        // Far from any surface: trilinear distance, nearest coarse colour and material.
        let cell_of = |f: usize| {
            axis.partition_point(|&a| a <= f)
                .saturating_sub(1)
                .min(m - 2)
        };
        for z in 0..n {
            for y in 0..n {
                for x in 0..n {
                    let index = fine(x, y, z);
                    if samples.known[index] {
                        continue;
                    }
                    let (i, j, k) = (cell_of(x), cell_of(y), cell_of(z));
                    let t =
                        |f: usize, c: usize| (f - axis[c]) as f32 / (axis[c + 1] - axis[c]) as f32;
                    let (tx, ty, tz) = (t(x, i), t(y, j), t(z, k));
                    let mut distance = 0.0;
                    for (di, dj, dk) in CELL_CORNERS {
                        let weight = (if di == 1 { tx } else { 1.0 - tx })
                            * (if dj == 1 { ty } else { 1.0 - ty })
                            * (if dk == 1 { tz } else { 1.0 - tz });
                        distance += weight
                            * samples.distance[fine(axis[i + di], axis[j + dj], axis[k + dk])];
                    }
                    let nearest = fine(
                        axis[i + usize::from(tx > 0.5)],
                        axis[j + usize::from(ty > 0.5)],
                        axis[k + usize::from(tz > 0.5)],
                    );
                    samples.distance[index] = distance;
                    samples.colour[index] = samples.colour[nearest];
                    samples.material[index] = samples.material[nearest];
                }
            }
        }
        Ok(samples.into_field(n))
    }

    /// The network at every point of the grid: the reference [`Generator::decode_field`] is
    /// checked against. Panics where the device fails or answers only asynchronously.
    pub fn decode_field_dense(&self, code: &ObjectCode<B>, resolution: usize) -> Field {
        read_field(self.decode_field_dense_async(code, resolution))
    }

    async fn decode_field_dense_async(
        &self,
        code: &ObjectCode<B>,
        resolution: usize,
    ) -> Result<Field, GenerateError> {
        let mut samples = Samples::new(resolution.pow(3));
        let all: Vec<usize> = (0..resolution.pow(3)).collect();
        self.decode_points(code, resolution, &all, &mut samples)
            .await?;
        Ok(samples.into_field(resolution))
    }

    /// The field decoder's outputs ([`OUTPUTS`] per point) at `positions` of the cube.
    async fn decode_positions(
        &self,
        code: &ObjectCode<B>,
        positions: &[[f32; 3]],
    ) -> Result<Vec<f32>, GenerateError> {
        let (network, config) = self.field_network()?;
        let query = config.query_points::<B>(positions, 1, &self.device);
        let out = network
            .decode(code, &query, config)
            .into_data_async()
            .await
            .map_err(|error| GenerateError::Device(format!("{error:?}")))?;
        let values = read_floats(out)?;
        if values.len() != positions.len() * OUTPUTS {
            return Err(GenerateError::Device(format!(
                "the decoder gave {} values for {} points",
                values.len(),
                positions.len()
            )));
        }
        Ok(values)
    }

    /// Runs the decoder at the given grid points, in chunks.
    async fn decode_points(
        &self,
        code: &ObjectCode<B>,
        resolution: usize,
        indices: &[usize],
        samples: &mut Samples,
    ) -> Result<(), GenerateError> {
        const CHUNK: usize = 16_384;
        for chunk in indices.chunks(CHUNK) {
            let positions: Vec<[f32; 3]> = chunk
                .iter()
                .map(|&index| Field::cube_point(resolution, index))
                .collect();
            let values = self.decode_positions(code, &positions).await?;
            for (&index, point) in chunk.iter().zip(values.chunks_exact(OUTPUTS)) {
                samples.distance[index] = point[0];
                samples.colour[index] = [point[1], point[2], point[3]];
                samples.material[index] = point[4..]
                    .iter()
                    .enumerate()
                    .fold((0, f32::NEG_INFINITY), |best, (i, &logit)| {
                        if logit > best.1 { (i, logit) } else { best }
                    })
                    .0 as u8;
                samples.known[index] = true;
            }
        }
        Ok(())
    }
}

/// The field generator's tokens of `description`: an error where it names what that generator
/// (version 1, 32 categories) never knew.
pub fn field_tokens(description: &Description) -> Result<Tokens, GenerateError> {
    TokenSpace::FIELD.tokenize(description).ok_or_else(|| {
        GenerateError::Unsupported(format!(
            "the field generator (version 1) cannot make {description}: it knows the first 32 objects only; use the current weights"
        ))
    })
}

/// A device's answer as f32 values: a dtype the answer cannot be read as is an error, not an
/// empty result.
fn read_floats(data: TensorData) -> Result<Vec<f32>, GenerateError> {
    data.convert::<f32>()
        .into_vec::<f32>()
        .map_err(|error| GenerateError::Device(format!("unreadable answer: {error:?}")))
}

/// A field decoded where the device answers synchronously; the panics are documented on the
/// callers (evaluation and tests, not the generation path).
fn read_field(future: impl std::future::Future<Output = Result<Field, GenerateError>>) -> Field {
    match burn::tensor::try_read_sync(future) {
        Some(Ok(field)) => field,
        Some(Err(error)) => panic!("{error}"),
        None => panic!("{}", GenerateError::Asynchronous),
    }
}

/// The training truncation of `models/kiln-gen.toml`: beyond this distance (cube units) the
/// network learned nothing but the sign.
pub(crate) const TRUNCATION: f32 = 0.1;

/// Decoded values over a grid, filled in any order.
struct Samples {
    distance: Vec<f32>,
    colour: Vec<[f32; 3]>,
    material: Vec<u8>,
    known: Vec<bool>,
}

/// The eight corners of a grid cell, as offsets.
const CELL_CORNERS: [(usize, usize, usize); 8] = [
    (0, 0, 0),
    (1, 0, 0),
    (0, 1, 0),
    (1, 1, 0),
    (0, 0, 1),
    (1, 0, 1),
    (0, 1, 1),
    (1, 1, 1),
];

impl Samples {
    fn into_field(self, resolution: usize) -> Field {
        Field::cube_with(resolution, self.distance, self.colour, self.material)
    }

    fn new(count: usize) -> Self {
        Samples {
            distance: vec![0.0; count],
            colour: vec![[0.0; 3]; count],
            material: vec![0; count],
            known: vec![false; count],
        }
    }
}

/// The seed's latent vector: standard normal values from a fixed generator (Box-Muller), the
/// same on every machine.
pub fn latent_for_seed(seed: u64, width: usize) -> Vec<f32> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x6b69_6c6e_6c61_7465);
    (0..width)
        .map(|_| {
            let u1: f64 = rng.random_range(f64::EPSILON..1.0);
            let u2: f64 = rng.random_range(0.0..1.0);
            ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use burn::backend::NdArray;

    use super::*;

    fn weights(seed: u64) -> Weights {
        let device = Default::default();
        let _seeded = crate::seeded_backend();
        NdArray::<f32>::seed(&device, seed);
        let network: Network<NdArray> = NetworkConfig::tiny().init(&device);
        Weights::from_network(&network, NetworkConfig::tiny())
    }

    fn generator(weights: &Weights) -> Generator<NdArray> {
        // Loading initialises a network before its parameters are read: a draw from the
        // backend's generator.
        let _seeded = crate::seeded_backend();
        Generator::new(weights, Default::default()).unwrap()
    }

    fn field(generator: &Generator<NdArray>, prompt: &str, seed: u64) -> Field {
        let description = parse(prompt).unwrap().description;
        let code = generator
            .object(&field_tokens(&description).unwrap(), seed)
            .unwrap();
        generator.decode_field(&code, 16)
    }

    #[test]
    fn the_same_prompt_seed_and_weights_give_the_same_field() {
        let weights = weights(1);
        let (a, b) = (generator(&weights), generator(&weights));
        assert_eq!(field(&a, "a red chair", 3), field(&b, "a red chair", 3));
        assert_ne!(field(&a, "a red chair", 3), field(&a, "a red chair", 4));
        assert_ne!(field(&a, "a red chair", 3), field(&a, "a blue chair", 3));
    }

    /// The field generator's weights' (models/v1) coarse-to-fine field agrees with the dense one wherever it matters:
    /// the same sign everywhere and the network's own values near the surface, so the meshes
    /// are identical.
    #[test]
    fn coarse_to_fine_decoding_gives_the_dense_mesh() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/v1/kiln-gen.bin");
        let weights = Weights::read(&path).unwrap();
        let generator = generator(&weights);
        for (prompt, seed) in [
            ("a tall red chair with gold legs", 3),
            ("a pine tree", 1),
            ("a sword with a gold hilt", 2),
            ("a small boat with a white sail", 4),
        ] {
            let description = parse(prompt).unwrap().description;
            let code = generator
                .object(&field_tokens(&description).unwrap(), seed)
                .unwrap();
            let fast = generator.decode_field(&code, 48);
            let dense = generator.decode_field_dense(&code, 48);
            let mut exact = 0;
            for (index, (&f, &d)) in fast.distance.iter().zip(&dense.distance).enumerate() {
                assert_eq!(
                    f < 0.0,
                    d < 0.0,
                    "{prompt}: sign differs at {index}: {f} vs {d}"
                );
                if d.abs() < 0.04 {
                    assert_eq!(f, d, "{prompt}: a near-surface point was interpolated");
                }
                exact += usize::from(f == d);
            }
            eprintln!(
                "{prompt}: {exact} of {} points decoded",
                dense.distance.len()
            );
            assert!(
                exact < dense.distance.len() / 2,
                "{prompt}: little was saved"
            );
            let options = MeshOptions::default();
            assert_eq!(
                mesh_field(&fast, &options).unwrap(),
                mesh_field(&dense, &options).unwrap(),
                "{prompt}"
            );
        }
    }

    #[test]
    fn other_weights_give_another_field() {
        let (a, b) = (generator(&weights(1)), generator(&weights(2)));
        assert_ne!(field(&a, "a red chair", 3), field(&b, "a red chair", 3));
    }

    /// Weights without a palette head keep the layout files had before it existed (their
    /// parameters end where the palette's would begin), and load back the same.
    #[test]
    fn weights_without_a_palette_keep_their_layout() {
        let config = NetworkConfig {
            palette_width: 0,
            ..NetworkConfig::tiny()
        };
        let device = Default::default();
        let network: Network<NdArray> = {
            let _seeded = crate::seeded_backend();
            NdArray::<f32>::seed(&device, 3);
            config.init(&device)
        };
        let without = Weights::from_network(&network, config);
        let with = weights(3);
        let read = Weights::from_bytes(&without.to_bytes()).unwrap();
        assert_eq!(read.field_config().unwrap().palette_width, 0);
        assert_eq!(
            field(&generator(&without), "a red chair", 1),
            field(&generator(&read), "a red chair", 1)
        );
        // The palette's parameters are what the other file has more of, and its field differs.
        assert!(with.to_bytes().len() > without.to_bytes().len());
        assert_ne!(
            field(&generator(&with), "a red chair", 1),
            field(&generator(&read), "a red chair", 1)
        );
    }

    /// The palette hears what is said of each part from that part's words alone: "gold legs"
    /// reaches the legs' entry and no other part's.
    #[test]
    fn part_words_reach_their_own_palette_entry() {
        let generator = generator(&weights(4));
        let description = parse("a red chair with gold legs").unwrap().description;
        let (network, config) = generator.field_network().unwrap();
        let text = network.encode_text(
            &[field_tokens(&description).unwrap()],
            config,
            &generator.device,
        );
        let parts = text.parts.into_data().into_vec::<f32>().unwrap();
        let width = config.condition_width;
        for (slot, features) in parts.chunks_exact(width).enumerate() {
            let said = features.iter().any(|&f| f != 0.0);
            assert_eq!(
                said,
                slot == crate::vocab::PartSlot::Legs.index(),
                "slot {slot}"
            );
        }
        let code = generator
            .object(&field_tokens(&description).unwrap(), 1)
            .unwrap();
        let palette = code.palette.expect("tiny weights have a palette head");
        assert_eq!(
            palette.dims(),
            [1, network::PARTS, network::PALETTE_OUTPUTS]
        );
    }

    /// Colour and material words reach the palette and nothing else: "a black chair" has the
    /// shape of "a chair" (for the same seed), and its own colours. Without `shape_words_only`
    /// the words bend the shape as well.
    #[test]
    fn colours_and_materials_leave_the_shape_alone() {
        let code = |weights: &Weights, prompt: &str| {
            let generator = generator(weights);
            let tokens = field_tokens(&parse(prompt).unwrap().description).unwrap();
            let code = generator.object(&tokens, 2).unwrap();
            let values = |tensor: Tensor<NdArray, 2>| tensor.into_data().into_vec::<f32>().unwrap();
            let palette = code.palette.unwrap().into_data().into_vec::<f32>().unwrap();
            (values(code.planes), values(code.bias), palette)
        };
        let config = NetworkConfig {
            shape_words_only: true,
            ..NetworkConfig::tiny()
        };
        let device = Default::default();
        let network: Network<NdArray> = {
            let _seeded = crate::seeded_backend();
            NdArray::<f32>::seed(&device, 6);
            config.init(&device)
        };
        let apart = Weights::from_network(&network, config);
        let plain = code(&apart, "a chair with four legs");
        for coloured in [
            "a black chair with four legs",
            "a wooden chair with four gold legs",
        ] {
            let coloured = code(&apart, coloured);
            assert_eq!(coloured.0, plain.0, "planes");
            assert_eq!(coloured.1, plain.1, "decoder bias");
            assert_ne!(coloured.2, plain.2, "palette");
        }
        let mut mixed = apart;
        mixed.field_config_mut().unwrap().shape_words_only = false;
        assert_ne!(code(&mixed, "a black chair").0, code(&mixed, "a chair").0);
    }

    #[test]
    fn weights_survive_the_file_format() {
        let original = weights(5);
        let bytes = original.to_bytes();
        let read = Weights::from_bytes(&bytes).unwrap();
        assert_eq!(read.sha256, original.sha256);
        assert_eq!(read.field_config(), Some(&NetworkConfig::tiny()));
        assert_eq!(
            field(&generator(&original), "a cup", 1),
            field(&generator(&read), "a cup", 1)
        );
        assert!(matches!(
            Weights::from_bytes(b"PK\x03\x04"),
            Err(WeightsError::NotWeights)
        ));
        assert!(matches!(
            Weights::from_bytes(&bytes[..10]),
            Err(WeightsError::Damaged(_))
        ));
    }

    /// Weights written before pooling and the prior scale were named keep meaning what they
    /// meant: mean pooling, latents at 0.6.
    #[test]
    fn older_weights_files_keep_their_meaning() {
        let older = r#"{"token_width":64,"condition_width":128,"latent_width":8,
            "plane_resolution":24,"plane_channels":8,"hyper_width":256,"decoder_width":64,
            "posterior_grid":12}"#;
        let config: NetworkConfig = serde_json::from_str(older).unwrap();
        assert_eq!(config.pooling, network::Pooling::Mean);
        assert_eq!(config.prior_scale, 0.6);
        assert_eq!(NetworkConfig::default().pooling, network::Pooling::Sum);
        // A header without `shape_words_only` is the shipped file's: a run that leaves it off
        // writes the bytes it wrote before the field existed.
        assert!(!config.shape_words_only);
        let header = |config| serde_json::to_string(&config).unwrap();
        assert!(!header(NetworkConfig::default()).contains("shape_words_only"));
        let with_option = NetworkConfig {
            shape_words_only: true,
            ..NetworkConfig::tiny()
        };
        assert!(header(with_option).contains("\"shape_words_only\":true"));
    }

    #[test]
    fn bad_prompts_are_errors_not_panics() {
        let generator = generator(&weights(1));
        let options = GenerateOptions::default();
        assert!(matches!(
            generator.generate("", 0, &options),
            Err(GenerateError::Prompt(PromptError::Empty))
        ));
        assert!(matches!(
            generator.generate("a qwzxv", 0, &options),
            Err(GenerateError::Prompt(PromptError::NoObject { .. }))
        ));
        let tiny_grid = GenerateOptions {
            resolution: 2,
            ..options
        };
        assert!(matches!(
            generator.generate("a cup", 0, &tiny_grid),
            Err(GenerateError::Resolution(2))
        ));
    }

    #[test]
    fn seeds_map_to_the_same_latent_everywhere() {
        let latent = latent_for_seed(42, 4);
        assert_eq!(latent, latent_for_seed(42, 4));
        assert_ne!(latent, latent_for_seed(43, 4));
        assert!(latent.iter().all(|v| v.is_finite() && v.abs() < 6.0));
    }

    fn parts_weights(seed: u64, space: TokenSpace) -> Weights {
        let device = Default::default();
        let _seeded = crate::seeded_backend();
        NdArray::<f32>::seed(&device, seed);
        let network: PartsNetwork<NdArray> = PartsConfig::tiny().init(space, &device);
        Weights::from_parts_network(&network, PartsConfig::tiny(), space)
    }

    /// A part generator's weights file with its JSON header changed by `edit`.
    fn with_header(weights: &Weights, edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
        let bytes = weights.to_bytes();
        let length = u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
        let mut header: serde_json::Value =
            serde_json::from_slice(&bytes[12..12 + length]).unwrap();
        edit(&mut header);
        let header = serde_json::to_vec(&header).unwrap();
        let mut out = bytes[..8].to_vec();
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&bytes[12 + length..]);
        out
    }

    /// The first part generator's weights (models/v2: every colour regressed, no colour
    /// choice head) load as they are, keep their bytes and sha256 when written back, and
    /// differ in layout from weights with a colour choice by exactly that head.
    #[test]
    fn part_weights_without_a_colour_choice_keep_their_layout() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/v2/kiln-gen.bin");
        let bytes = std::fs::read(&path).unwrap();
        let first = Weights::from_bytes(&bytes).unwrap();
        assert_eq!(first.to_bytes(), bytes);
        let WeightsModel::Parts(header) = &first.model else {
            panic!("models/v2 holds a part generator")
        };
        assert!(!header.network.colour_choice);
        let network = first.parts_network::<NdArray>(&Default::default()).unwrap();
        assert_eq!(
            Weights::from_parts_network(&network, header.network, header.space).sha256,
            first.sha256
        );
        let item = generator(&first)
            .generate("a red chair", 1, &GenerateOptions::default())
            .unwrap();
        assert!(item.mesh.triangle_count() > 100);

        let config = PartsConfig {
            colour_choice: false,
            ..PartsConfig::tiny()
        };
        let device = Default::default();
        let network: PartsNetwork<NdArray> = config.init(TokenSpace::CURRENT, &device);
        let without = Weights::from_parts_network(&network, config, TokenSpace::CURRENT);
        let read = Weights::from_bytes(&without.to_bytes()).unwrap();
        read.parts_network::<NdArray>(&device).unwrap();
        let with = parts_weights(3, TokenSpace::CURRENT);
        let head = (PartsConfig::tiny().palette_width + 1) * parts::COLOUR_CHOICES;
        // Half precision: two bytes a parameter, and the record's tag saying the head is there.
        assert!(with.to_bytes().len() - without.to_bytes().len() >= head * 2);
    }

    /// The part generator's weights survive their file, name their vocabulary and shapes,
    /// and generate the same object for the same prompt and seed.
    #[test]
    fn part_weights_survive_their_file_and_generate() {
        let weights = parts_weights(3, TokenSpace::CURRENT);
        assert_eq!(weights.generator_version(), 2);
        let read = Weights::from_bytes(&weights.to_bytes()).unwrap();
        assert_eq!(read.sha256, weights.sha256);
        let (a, b) = (generator(&weights), generator(&read));
        assert_eq!(b.version(), 2);
        let description = parse("a red chair").unwrap().description;
        assert_eq!(
            a.assembly(&description, 4).unwrap(),
            b.assembly(&description, 4).unwrap()
        );
        assert_ne!(
            a.assembly(&description, 4).unwrap(),
            a.assembly(&description, 5).unwrap()
        );
    }

    /// Weights whose header names another vocabulary, or tensors of other shapes than its
    /// network has, are refused with an error, not read into wrong objects or a panic.
    #[test]
    fn part_weights_of_another_vocabulary_or_shape_are_refused() {
        let weights = parts_weights(3, TokenSpace::CURRENT);
        let other_vocabulary = with_header(&weights, |header| {
            header["vocabulary"] = serde_json::json!("0".repeat(64));
        });
        assert!(matches!(
            Weights::from_bytes(&other_vocabulary),
            Err(WeightsError::Vocabulary { .. })
        ));
        let other_shape = with_header(&weights, |header| {
            header["tensors"][0][1][0] = serde_json::json!(9999);
        });
        let read = Weights::from_bytes(&other_shape).unwrap();
        assert!(matches!(
            {
                let _seeded = crate::seeded_backend();
                Generator::<NdArray>::new(&read, Default::default())
            },
            Err(WeightsError::Damaged(_))
        ));
        let wider = with_header(&weights, |header| {
            header["network"]["trunk_width"] = serde_json::json!(65);
        });
        let read = Weights::from_bytes(&wider).unwrap();
        assert!(matches!(
            {
                let _seeded = crate::seeded_backend();
                Generator::<NdArray>::new(&read, Default::default())
            },
            Err(WeightsError::Damaged(_))
        ));
        let bytes = weights.to_bytes();
        assert!(matches!(
            Weights::from_bytes(&bytes[..bytes.len() - 100]),
            Err(WeightsError::Damaged(_))
        ));
        let mut changed = bytes.clone();
        let last = changed.len() - 1;
        changed[last] ^= 0x55;
        assert!(matches!(
            Weights::from_bytes(&changed),
            Err(WeightsError::Damaged(_))
        ));
    }

    /// Weights trained on the first 32 categories keep loading and making those once the
    /// vocabulary has grown, and say plainly that they cannot make what came after.
    #[test]
    fn part_weights_of_an_older_vocabulary_keep_working() {
        let weights = parts_weights(3, TokenSpace::FIELD);
        let generator = generator(&Weights::from_bytes(&weights.to_bytes()).unwrap());
        let chair = parse("a red chair").unwrap().description;
        assert!(generator.assembly(&chair, 1).is_ok());
        if let Some(&newer) = crate::vocab::Category::ALL.get(32) {
            let description = Description::plain(newer);
            assert!(matches!(
                generator.assembly(&description, 1),
                Err(GenerateError::Unsupported(_))
            ));
        }
    }
}
