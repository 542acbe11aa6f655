//! The model and the generator: prompt → tokens → network → decoded field → mesh. Generic over
//! burn's `Backend`: NdArray on CPUs, Wgpu on GPUs. Everything the user gets comes from the
//! network's output; nothing here calls the procedural shapes.

pub mod network;
pub mod tokens;
pub mod weights;

use std::time::{Duration, Instant};

use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorData};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::mesh::Mesh;
use crate::mesher::{Field, MeshError, MeshOptions, mesh_field};
use crate::prompt::{Description, PromptError, parse};
pub use network::{Network, NetworkConfig, OUTPUTS, QueryPoints};
pub use tokens::{Tokens, tokenize};
pub use weights::{Weights, WeightsError};

/// How finely the field is decoded and how many triangles the mesh may keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenerateOptions {
    /// Grid points per axis of the decoded field.
    pub resolution: usize,
    pub max_triangles: usize,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            resolution: 48,
            max_triangles: 10_000,
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

/// One generated object.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// In metres, standing on y = 0, centred on the Y axis.
    pub mesh: Mesh,
    pub description: Description,
    pub unknown_words: Vec<String>,
    pub timings: Timings,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Prompt(#[from] PromptError),
    #[error("the model produced no surface for this prompt; try another seed")]
    Mesh(#[from] MeshError),
    #[error("resolution {0} is outside 8..=128")]
    Resolution(usize),
}

/// A loaded model, ready to generate on one device.
pub struct Generator<B: Backend> {
    network: Network<B>,
    config: NetworkConfig,
    device: B::Device,
    /// sha256 of the weights file, the model's identity in provenance records.
    weights_sha256: String,
}

impl<B: Backend> Generator<B> {
    pub fn new(weights: &Weights, device: B::Device) -> Result<Self, WeightsError> {
        Ok(Generator {
            network: weights.network(&device)?,
            config: weights.config,
            device,
            weights_sha256: weights.sha256.clone(),
        })
    }

    pub fn weights_sha256(&self) -> &str {
        &self.weights_sha256
    }

    /// Generates what `prompt` describes; `seed` picks one of its plausible variations.
    pub fn generate(
        &self,
        prompt: &str,
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<Generated, GenerateError> {
        let started = Instant::now();
        let parsed = parse(prompt)?;
        let mut generated = self.generate_description(&parsed.description, seed, options)?;
        generated.unknown_words = parsed.unknown_words;
        generated.timings.tokenize += started.elapsed() - generated.timings.total;
        generated.timings.total = started.elapsed();
        Ok(generated)
    }

    pub fn generate_description(
        &self,
        description: &Description,
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<Generated, GenerateError> {
        if !(8..=128).contains(&options.resolution) {
            return Err(GenerateError::Resolution(options.resolution));
        }
        let started = Instant::now();
        let tokens = tokenize(description);
        let tokenized = Instant::now();
        let condition = self
            .network
            .encode_text(std::slice::from_ref(&tokens), &self.device);
        let latent = Tensor::from_data(
            TensorData::new(
                latent_for_seed(seed, self.config.latent_width),
                [1, self.config.latent_width],
            ),
            &self.device,
        );
        let (planes, bias) = self.network.hyper(condition, latent, &self.config);
        let encoded = Instant::now();
        let field = self.decode_field(planes, bias, options.resolution);
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
            unknown_words: Vec::new(),
            timings: Timings {
                tokenize: tokenized - started,
                encode: encoded - tokenized,
                decode: decoded - encoded,
                mesh: meshed - decoded,
                total: meshed - started,
            },
        })
    }

    /// The decoded field on a `resolution`³ grid over the cube.
    pub fn decode_field(
        &self,
        planes: Tensor<B, 2>,
        bias: Tensor<B, 2>,
        resolution: usize,
    ) -> Field {
        let total = resolution.pow(3);
        let mut field = Field::cube(resolution);
        const CHUNK: usize = 16_384;
        let mut start = 0;
        while start < total {
            let end = (start + CHUNK).min(total);
            let positions: Vec<[f32; 3]> = (start..end)
                .map(|i| Field::cube_point(resolution, i))
                .collect();
            let query = self.config.query_points::<B>(&positions, 1, &self.device);
            let out = self
                .network
                .decode(planes.clone(), bias.clone(), &query, &self.config)
                .into_data();
            let values = out.convert::<f32>().into_vec::<f32>().unwrap_or_default();
            for point in values.chunks_exact(OUTPUTS) {
                field.distance.push(point[0]);
                field.colour.push([point[1], point[2], point[3]]);
                let material = point[4..]
                    .iter()
                    .enumerate()
                    .fold((0, f32::NEG_INFINITY), |best, (i, &logit)| {
                        if logit > best.1 { (i, logit) } else { best }
                    })
                    .0;
                field.material.push(material as u8);
            }
            start = end;
        }
        field
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

/// Scales a mesh from the cube to metres (the description's height) and stands it on y = 0,
/// centred on the Y axis.
#[cfg(test)]
mod tests {
    use burn::backend::NdArray;

    use super::*;

    fn weights(seed: u64) -> Weights {
        let device = Default::default();
        NdArray::<f32>::seed(&device, seed);
        let network: Network<NdArray> = NetworkConfig::tiny().init(&device);
        Weights::from_network(&network, NetworkConfig::tiny())
    }

    fn generator(weights: &Weights) -> Generator<NdArray> {
        Generator::new(weights, Default::default()).unwrap()
    }

    fn field(generator: &Generator<NdArray>, prompt: &str, seed: u64) -> Field {
        let description = parse(prompt).unwrap().description;
        let condition = generator
            .network
            .encode_text(&[tokenize(&description)], &generator.device);
        let latent = Tensor::from_data(
            TensorData::new(latent_for_seed(seed, 4), [1, 4]),
            &generator.device,
        );
        let (planes, bias) = generator
            .network
            .hyper(condition, latent, &generator.config);
        generator.decode_field(planes, bias, 16)
    }

    #[test]
    fn the_same_prompt_seed_and_weights_give_the_same_field() {
        let weights = weights(1);
        let (a, b) = (generator(&weights), generator(&weights));
        assert_eq!(field(&a, "a red chair", 3), field(&b, "a red chair", 3));
        assert_ne!(field(&a, "a red chair", 3), field(&a, "a red chair", 4));
        assert_ne!(field(&a, "a red chair", 3), field(&a, "a blue chair", 3));
    }

    #[test]
    fn other_weights_give_another_field() {
        let (a, b) = (generator(&weights(1)), generator(&weights(2)));
        assert_ne!(field(&a, "a red chair", 3), field(&b, "a red chair", 3));
    }

    #[test]
    fn weights_survive_the_file_format() {
        let original = weights(5);
        let bytes = original.to_bytes();
        let read = Weights::from_bytes(&bytes).unwrap();
        assert_eq!(read.sha256, original.sha256);
        assert_eq!(read.config, NetworkConfig::tiny());
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

    #[test]
    fn bad_prompts_are_errors_not_panics() {
        let generator = generator(&weights(1));
        let options = GenerateOptions::default();
        assert!(matches!(
            generator.generate("", 0, &options),
            Err(GenerateError::Prompt(PromptError::Empty))
        ));
        assert!(matches!(
            generator.generate("a spoon", 0, &options),
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
}
