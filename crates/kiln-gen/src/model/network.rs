//! The network (see models/MODEL.md for why it looks like this):
//!
//! 1. text encoder: each (role, word) token → embedding sum → MLP; pooled over tokens → the
//!    condition vector (with `shape_words_only`, two: one of every word but colours and
//!    materials for the shape, one of every word for the palette);
//! 2. a latent `z` (CVAE: drawn from N(0, I) by the seed when generating; from the posterior
//!    encoder over the true shape when training) joins the condition;
//! 3. a hypernetwork turns the (shape) condition + z into three axis-aligned feature planes (a
//!    triplane) and a per-object bias for the point decoder;
//! 4. the point decoder reads the planes bilinearly at each query point, adds a positional
//!    encoding, and predicts signed distance and which part the point belongs to;
//! 5. a palette head gives every part slot a colour and material from the condition, the latent
//!    and the words said of that part (its role's tokens); a point's colour and material are its
//!    part weights times the palette. Weights written before the palette predicted colour and
//!    material per point instead (`palette_width` 0).

use burn::module::Module;
use burn::nn::{Embedding, EmbeddingConfig, Linear, LinearConfig};
use burn::tensor::activation::{relu, sigmoid, softmax};
use burn::tensor::backend::Backend;
use burn::tensor::{Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::tokens::{MAX_TOKENS, TokenSpace, Tokens};
use crate::vocab::Material;

/// Outputs per point: distance, three colour channels, one logit per material.
pub const OUTPUTS: usize = 1 + PALETTE_OUTPUTS;
/// What a palette says of a part: three colour channels, one logit per material.
pub const PALETTE_OUTPUTS: usize = 3 + Material::ALL.len();
/// Part slots a point can belong to.
pub const PARTS: usize = TokenSpace::FIELD.part_slots();
/// Frequencies of the positional encoding (times π).
const ENCODING_OCTAVES: usize = 3;
/// Positional encoding width: xyz plus sin and cos per axis and octave.
const ENCODING_WIDTH: usize = 3 + 3 * 2 * ENCODING_OCTAVES;

/// The shape of the network; stored with the weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NetworkConfig {
    pub token_width: usize,
    pub condition_width: usize,
    pub latent_width: usize,
    /// Side of each feature plane.
    pub plane_resolution: usize,
    pub plane_channels: usize,
    pub hyper_width: usize,
    pub decoder_width: usize,
    /// Side of the coarse distance grid the posterior encoder reads.
    pub posterior_grid: usize,
    /// How token features become one vector. Weights written before this existed pooled by
    /// mean, which is what a file without the field gets.
    #[serde(default)]
    pub pooling: Pooling,
    /// Seeds draw latents from N(0, I) scaled by this: a decoder whose posterior stayed
    /// narrower than the prior makes its best objects nearer the centre. Chosen by `kiln-cli
    /// eval --prior-scale` after training; weights written before this existed were made for
    /// 0.6.
    #[serde(default = "NetworkConfig::first_prior_scale")]
    pub prior_scale: f32,
    /// Hidden width of the palette head; 0 for weights without one (written before it existed:
    /// those predict colour and material per point).
    #[serde(default)]
    pub palette_width: usize,
    /// Whether the shape (planes, decoder bias, posterior) reads only the words that are not
    /// colours or materials, which then reach the palette alone. Nothing in the data makes a
    /// shape depend on them, but one condition for every word lets them bend it where a colour
    /// was never seen with a category (the shipped weights make "a black cup" a bottle at one
    /// seed of four). Needs a palette head;
    /// false for weights written before it existed, and left out of the header when false so
    /// that a run without it writes the bytes it wrote before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shape_words_only: bool,
}

/// Pooling of the text encoder's token features.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    /// The mean: each word weighs less the more words a prompt has, so in a long prompt the
    /// object's own word is a whisper among its attributes.
    #[default]
    Mean,
    /// The sum: every word adds its feature whatever else is said, so "chair" speaks as loudly
    /// in "a tall red wooden chair with gold legs" as in "a chair".
    Sum,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            token_width: 64,
            condition_width: 128,
            latent_width: 8,
            plane_resolution: 24,
            plane_channels: 8,
            hyper_width: 256,
            decoder_width: 64,
            posterior_grid: 12,
            pooling: Pooling::Sum,
            prior_scale: 1.0,
            palette_width: 128,
            shape_words_only: false,
        }
    }
}

#[derive(Module, Debug)]
pub struct Network<B: Backend> {
    word: Embedding<B>,
    role: Embedding<B>,
    token_hidden: Linear<B>,
    condition: Linear<B>,
    hyper_hidden: Linear<B>,
    planes: Linear<B>,
    point_bias: Linear<B>,
    point_in: Linear<B>,
    point_hidden: Linear<B>,
    point_out: Linear<B>,
    posterior_hidden: Linear<B>,
    posterior_mean: Linear<B>,
    posterior_log_variance: Linear<B>,
    /// Last, so that a file written before it existed is the same bytes up to here.
    palette: Option<Palette<B>>,
}

/// The palette head: per object and part slot, a colour and material.
#[derive(Module, Debug)]
pub struct Palette<B: Backend> {
    /// Condition and latent → the object's share of every slot's hidden features.
    object: Linear<B>,
    /// The pooled features of the words said of a part → that part's share.
    words: Linear<B>,
    /// The slot itself (a cap is red by default, a stem white).
    slot: Embedding<B>,
    hidden: Linear<B>,
    out: Linear<B>,
}

/// What the hypernetwork makes of one object's text and latent, for the point decoder.
#[derive(Debug, Clone)]
pub struct ObjectCode<B: Backend> {
    /// Flattened planes [objects × 3 × r × r, channels].
    pub planes: Tensor<B, 2>,
    /// The point decoder's per-object bias [objects, decoder_width].
    pub bias: Tensor<B, 2>,
    /// Colour (sRGB 0..1) and material logits per part slot [objects, PARTS, PALETTE_OUTPUTS];
    /// `None` for weights without a palette head.
    pub palette: Option<Tensor<B, 3>>,
}

/// The text encoder's output.
#[derive(Debug, Clone)]
pub struct EncodedText<B: Backend> {
    /// What the shape is conditioned on [objects, condition_width].
    pub shape: Tensor<B, 2>,
    /// What the palette is conditioned on [objects, condition_width]: every word. The same as
    /// `shape` unless the config keeps colours and materials out of the shape.
    pub appearance: Tensor<B, 2>,
    /// The pooled features of each part slot's words [objects, PARTS, condition_width] (zero
    /// where nothing is said of the part).
    pub parts: Tensor<B, 3>,
}

/// The point decoder's output with what training supervises besides.
#[derive(Debug, Clone)]
pub struct Decoded<B: Backend> {
    /// Distance, colour, material logits: [objects, points, OUTPUTS].
    pub out: Tensor<B, 3>,
    /// Part-slot logits per point [objects, points, PARTS]; `None` without a palette head.
    pub part_logits: Option<Tensor<B, 3>>,
}

/// Query points of a batch, with what bilinear plane reads need, computed once on the CPU.
#[derive(Debug, Clone)]
pub struct QueryPoints<B: Backend> {
    /// [objects, points, 3] in the cube [-1, 1]³.
    pub positions: Tensor<B, 3>,
    /// [objects × points × 3 planes × 4 corners] rows of the flattened planes.
    pub corners: Tensor<B, 1, Int>,
    /// [objects × points × 3 × 4, 1] bilinear weights.
    pub weights: Tensor<B, 2>,
    pub objects: usize,
    pub points: usize,
}

impl NetworkConfig {
    /// The prior scale of weights whose file does not name one.
    fn first_prior_scale() -> f32 {
        0.6
    }

    /// A network small enough to train in seconds: for tests of the pipeline, not for use.
    pub fn tiny() -> Self {
        NetworkConfig {
            token_width: 16,
            condition_width: 32,
            latent_width: 4,
            plane_resolution: 8,
            plane_channels: 4,
            hyper_width: 32,
            decoder_width: 32,
            posterior_grid: 6,
            pooling: Pooling::Sum,
            prior_scale: 1.0,
            palette_width: 16,
            shape_words_only: false,
        }
    }

    /// Outputs of the point decoder's last layer: distance and part logits with a palette head,
    /// else everything per point.
    fn point_outputs(&self) -> usize {
        if self.palette_width > 0 {
            1 + PARTS
        } else {
            OUTPUTS
        }
    }

    pub fn init<B: Backend>(&self, device: &B::Device) -> Network<B> {
        let plane_values = 3 * self.plane_resolution * self.plane_resolution * self.plane_channels;
        let conditioned = self.condition_width + self.latent_width;
        Network {
            word: EmbeddingConfig::new(TokenSpace::FIELD.words(), self.token_width).init(device),
            role: EmbeddingConfig::new(TokenSpace::FIELD.roles(), self.token_width).init(device),
            token_hidden: LinearConfig::new(self.token_width, self.condition_width).init(device),
            condition: LinearConfig::new(self.condition_width, self.condition_width).init(device),
            hyper_hidden: LinearConfig::new(conditioned, self.hyper_width).init(device),
            planes: LinearConfig::new(self.hyper_width, plane_values).init(device),
            point_bias: LinearConfig::new(conditioned, self.decoder_width).init(device),
            point_in: LinearConfig::new(
                3 * self.plane_channels + ENCODING_WIDTH,
                self.decoder_width,
            )
            .init(device),
            point_hidden: LinearConfig::new(self.decoder_width, self.decoder_width).init(device),
            point_out: LinearConfig::new(self.decoder_width, self.point_outputs()).init(device),
            posterior_hidden: LinearConfig::new(
                self.posterior_grid.pow(3) + self.condition_width,
                self.hyper_width,
            )
            .init(device),
            posterior_mean: LinearConfig::new(self.hyper_width, self.latent_width).init(device),
            posterior_log_variance: LinearConfig::new(self.hyper_width, self.latent_width)
                .init(device),
            palette: (self.palette_width > 0).then(|| {
                let width = self.palette_width;
                Palette {
                    object: LinearConfig::new(conditioned, width).init(device),
                    words: LinearConfig::new(self.condition_width, width).init(device),
                    slot: EmbeddingConfig::new(PARTS, width).init(device),
                    hidden: LinearConfig::new(width, width).init(device),
                    out: LinearConfig::new(width, PALETTE_OUTPUTS).init(device),
                }
            }),
        }
    }

    /// Rows, corner indices and weights for reading the planes at `positions` (objects ×
    /// points, each in the cube).
    pub fn query_points<B: Backend>(
        &self,
        positions: &[[f32; 3]],
        objects: usize,
        device: &B::Device,
    ) -> QueryPoints<B> {
        let points = positions.len() / objects.max(1);
        let r = self.plane_resolution;
        let mut corners = Vec::with_capacity(positions.len() * 12);
        let mut weights = Vec::with_capacity(positions.len() * 12);
        for (i, p) in positions.iter().enumerate() {
            let object = i / points.max(1);
            // Planes xy, xz, yz, each r × r, stacked per object.
            for (plane, (a, b)) in [(p[0], p[1]), (p[0], p[2]), (p[1], p[2])]
                .into_iter()
                .enumerate()
            {
                let base = (object * 3 + plane) * r * r;
                let u = ((a.clamp(-1.0, 1.0) + 1.0) * 0.5 * (r - 1) as f32).min((r - 1) as f32);
                let v = ((b.clamp(-1.0, 1.0) + 1.0) * 0.5 * (r - 1) as f32).min((r - 1) as f32);
                let (u0, v0) = ((u as usize).min(r - 2), (v as usize).min(r - 2));
                let (fu, fv) = (u - u0 as f32, v - v0 as f32);
                for (du, dv, w) in [
                    (0, 0, (1.0 - fu) * (1.0 - fv)),
                    (1, 0, fu * (1.0 - fv)),
                    (0, 1, (1.0 - fu) * fv),
                    (1, 1, fu * fv),
                ] {
                    corners.push((base + (v0 + dv) * r + u0 + du) as i64);
                    weights.push(w);
                }
            }
        }
        let flat: Vec<f32> = positions.iter().flatten().copied().collect();
        QueryPoints {
            positions: Tensor::from_data(TensorData::new(flat, [objects, points, 3]), device),
            corners: Tensor::from_data(TensorData::new(corners, [positions.len() * 12]), device),
            weights: Tensor::from_data(TensorData::new(weights, [positions.len() * 12, 1]), device),
            objects,
            points,
        }
    }
}

impl<B: Backend> Network<B> {
    /// Token ids → the condition vectors and each part's pooled word features.
    pub fn encode_text(
        &self,
        tokens: &[Tokens],
        config: &NetworkConfig,
        device: &B::Device,
    ) -> EncodedText<B> {
        let objects = tokens.len();
        let words: Vec<i64> = tokens
            .iter()
            .flat_map(|t| t.words.iter().map(|&w| i64::from(w)))
            .collect();
        let roles: Vec<i64> = tokens
            .iter()
            .flat_map(|t| t.roles.iter().map(|&r| i64::from(r)))
            .collect();
        let mask: Vec<f32> = tokens
            .iter()
            .flat_map(|t| (0..MAX_TOKENS).map(move |i| if i < t.len { 1.0 } else { 0.0 }))
            .collect();
        let pooled_by = |counted: &dyn Fn(&Tokens) -> usize| -> Vec<f32> {
            tokens
                .iter()
                .map(|t| match config.pooling {
                    Pooling::Mean => counted(t).max(1) as f32,
                    Pooling::Sum => 1.0,
                })
                .collect()
        };
        let counts = pooled_by(&|t| t.len);
        let shape_words_only = config.shape_words_only && config.palette_width > 0;
        // [objects, PARTS, MAX_TOKENS]: 1 where a token is said of that part (role 1 + slot).
        let part_of: Vec<f32> = tokens
            .iter()
            .flat_map(|t| {
                (0..PARTS).flat_map(move |slot| {
                    (0..MAX_TOKENS).map(move |i| {
                        if i < t.len && t.roles[i] as usize == 1 + slot {
                            1.0
                        } else {
                            0.0
                        }
                    })
                })
            })
            .collect();
        let part_of = Tensor::<B, 3>::from_data(
            TensorData::new(part_of, [objects, PARTS, MAX_TOKENS]),
            device,
        );
        let words =
            Tensor::<B, 2, Int>::from_data(TensorData::new(words, [objects, MAX_TOKENS]), device);
        let roles =
            Tensor::<B, 2, Int>::from_data(TensorData::new(roles, [objects, MAX_TOKENS]), device);
        let mask =
            Tensor::<B, 3>::from_data(TensorData::new(mask, [objects, MAX_TOKENS, 1]), device);
        let counts = Tensor::<B, 2>::from_data(TensorData::new(counts, [objects, 1]), device);
        let embedded = self.word.forward(words) + self.role.forward(roles);
        let hidden = relu(self.token_hidden.forward(embedded)) * mask;
        let parts = part_of.matmul(hidden.clone());
        let pool = |hidden: Tensor<B, 3>, counts: Tensor<B, 2>| {
            relu(
                self.condition
                    .forward(hidden.sum_dim(1).squeeze_dim::<2>(1) / counts),
            )
        };
        let appearance = pool(hidden.clone(), counts);
        let shape = if shape_words_only {
            let is_shape_word =
                |t: &Tokens, i: usize| i < t.len && !TokenSpace::FIELD.is_appearance(t.words[i]);
            let shape_mask: Vec<f32> = tokens
                .iter()
                .flat_map(|t| {
                    (0..MAX_TOKENS).map(move |i| f32::from(u8::from(is_shape_word(t, i))))
                })
                .collect();
            let shape_counts =
                pooled_by(&|t| (0..MAX_TOKENS).filter(|&i| is_shape_word(t, i)).count());
            let shape_mask = Tensor::<B, 3>::from_data(
                TensorData::new(shape_mask, [objects, MAX_TOKENS, 1]),
                device,
            );
            let shape_counts =
                Tensor::<B, 2>::from_data(TensorData::new(shape_counts, [objects, 1]), device);
            pool(hidden * shape_mask, shape_counts)
        } else {
            appearance.clone()
        };
        EncodedText {
            shape,
            appearance,
            parts,
        }
    }

    /// Text + latent → the object's planes, decoder bias and palette.
    pub fn hyper(
        &self,
        text: EncodedText<B>,
        latent: Tensor<B, 2>,
        config: &NetworkConfig,
    ) -> ObjectCode<B> {
        let objects = text.shape.dims()[0];
        let conditioned = Tensor::cat(vec![text.shape, latent.clone()], 1);
        let hidden = relu(self.hyper_hidden.forward(conditioned.clone()));
        let planes = self.planes.forward(hidden).reshape([
            objects * 3 * config.plane_resolution * config.plane_resolution,
            config.plane_channels,
        ]);
        let palette = self.palette.as_ref().map(|palette| {
            let device = latent.device();
            let slots = Tensor::<B, 1, Int>::arange(0..PARTS as i64, &device).reshape([1, PARTS]);
            let seen = Tensor::cat(vec![text.appearance, latent], 1);
            let hidden = relu(
                palette.object.forward(seen).unsqueeze_dim::<3>(1)
                    + palette.words.forward(text.parts)
                    + palette.slot.forward(slots),
            );
            looks(palette.out.forward(relu(palette.hidden.forward(hidden))))
        });
        ObjectCode {
            planes,
            bias: self.point_bias.forward(conditioned),
            palette,
        }
    }

    /// Distance, colour (sRGB 0..1) and material logits at the query points:
    /// [objects, points, OUTPUTS].
    pub fn decode(
        &self,
        code: &ObjectCode<B>,
        query: &QueryPoints<B>,
        config: &NetworkConfig,
    ) -> Tensor<B, 3> {
        self.decode_parts(code, query, config).out
    }

    /// [`Network::decode`] with the part logits training supervises.
    pub fn decode_parts(
        &self,
        code: &ObjectCode<B>,
        query: &QueryPoints<B>,
        config: &NetworkConfig,
    ) -> Decoded<B> {
        let (objects, points) = (query.objects, query.points);
        let channels = config.plane_channels;
        let read = code.planes.clone().select(0, query.corners.clone()) * query.weights.clone();
        let features = read
            .reshape([objects * points * 3, 4, channels])
            .sum_dim(1)
            .reshape([objects, points, 3 * channels]);
        let encoding = positional_encoding(query.positions.clone());
        let input = Tensor::cat(vec![features, encoding], 2);
        let hidden = relu(self.point_in.forward(input) + code.bias.clone().unsqueeze_dim::<3>(1));
        let hidden = relu(self.point_hidden.forward(hidden));
        let out = self.point_out.forward(hidden);
        let distance = out.clone().narrow(2, 0, 1);
        match &code.palette {
            Some(palette) => {
                let part_logits = out.narrow(2, 1, PARTS);
                let looks = softmax(part_logits.clone(), 2).matmul(palette.clone());
                Decoded {
                    out: Tensor::cat(vec![distance, looks], 2),
                    part_logits: Some(part_logits),
                }
            }
            None => Decoded {
                out: Tensor::cat(vec![distance, looks(out.narrow(2, 1, PALETTE_OUTPUTS))], 2),
                part_logits: None,
            },
        }
    }

    /// The posterior q(z | shape, text): mean and log-variance [objects, latent_width], from a
    /// coarse grid of the true signed distances [objects, posterior_grid³].
    pub fn posterior(
        &self,
        coarse: Tensor<B, 2>,
        condition: Tensor<B, 2>,
    ) -> (Tensor<B, 2>, Tensor<B, 2>) {
        let hidden = relu(
            self.posterior_hidden
                .forward(Tensor::cat(vec![coarse, condition], 1)),
        );
        (
            self.posterior_mean.forward(hidden.clone()),
            self.posterior_log_variance.forward(hidden).clamp(-8.0, 4.0),
        )
    }
}

/// Raw outputs [.., .., PALETTE_OUTPUTS] → sRGB in 0..1 (sigmoid), material logits as they are.
fn looks<B: Backend>(raw: Tensor<B, 3>) -> Tensor<B, 3> {
    let colour = sigmoid(raw.clone().narrow(2, 0, 3));
    let materials = raw.narrow(2, 3, Material::ALL.len());
    Tensor::cat(vec![colour, materials], 2)
}

/// xyz, then sin and cos of π·2^k·xyz for each octave: [.., 3] → [.., ENCODING_WIDTH].
fn positional_encoding<B: Backend>(positions: Tensor<B, 3>) -> Tensor<B, 3> {
    let mut parts = vec![positions.clone()];
    for octave in 0..ENCODING_OCTAVES {
        let scaled = positions.clone() * (std::f32::consts::PI * (1 << octave) as f32);
        parts.push(scaled.clone().sin());
        parts.push(scaled.cos());
    }
    Tensor::cat(parts, 2)
}
