//! The part generator (generator version 2; see models/MODEL.md for why it looks like this).
//! Our data is built from parts, each a few primitives with a transform; this network predicts
//! exactly that, and the object is meshed primitive by primitive ([`crate::assembly`]):
//!
//! 1. text encoder: each (role, word) token → embedding sum → a layer, summed over tokens,
//!    → a layer: one condition of every word but colours and materials (the shape), one of
//!    every word (the palette), and per part slot the words said of that part;
//! 2. the trunk reads the shape condition and the seed's noise (the same uniform values the
//!    procedural builders draw their proportions and counts from, [`crate::shapes::NOISE`]) and
//!    predicts [`PIECES`] piece slots: for the `p`-th part of the category (its order in
//!    [`crate::vocab::Category::parts`]) and its `i`-th primitive, whether it is there, which
//!    primitive, its centre, turn, size and whether it is cut below a height;
//! 3. the palette head gives every part slot a colour and material from the palette condition
//!    and the words said of that part, so "a red hilt" reaches the hilt in every category
//!    that has one. With [`PartsConfig::colour_choice`] a part's colour is a choice between its
//!    own (regressed) colour and each named colour word's exact sRGB: a colour the prompt names
//!    is then picked, not approximated, in combinations training never showed (a regressed
//!    "blue mushroom" came out sky blue, ΔE00 28 from blue).

use burn::module::Module;
use burn::nn::{Embedding, EmbeddingConfig, Linear, LinearConfig};
use burn::tensor::activation::{relu, sigmoid, softmax};
use burn::tensor::backend::Backend;
use burn::tensor::{Int, Tensor, TensorData};
use glam::{Quat, Vec3};
use serde::{Deserialize, Serialize};

use super::tokens::{MAX_TOKENS, TokenSpace, Tokens};
use crate::assembly::{Assembly, Piece};
use crate::shapes::NOISE;
use crate::shapes::sdf::{Placed, Primitive};
use crate::vocab::{Category, Colour, Material};

/// Parts a category may have, in the order it lists them.
pub const PART_POSITIONS: usize = 6;
/// Primitives one part may have.
pub const PIECES_PER_PART: usize = 10;
/// Piece slots the network predicts: part position × primitive.
pub const PIECES: usize = PART_POSITIONS * PIECES_PER_PART;
/// Primitive kinds, in [`Primitive`]'s order.
pub const KINDS: usize = 7;
/// Per piece: presence, kind logits, centre, rotation (quaternion), size, clip logit, clip
/// height.
pub const PIECE_OUTPUTS: usize = 1 + KINDS + 3 + 4 + 4 + 2;
/// Offsets of each output group within a piece's outputs.
pub(crate) const PRESENCE: usize = 0;
pub(crate) const KIND: usize = 1;
pub(crate) const CENTRE: usize = KIND + KINDS;
pub(crate) const ROTATION: usize = CENTRE + 3;
pub(crate) const SIZE: usize = ROTATION + 4;
pub(crate) const CLIP: usize = SIZE + 4;
pub(crate) const CLIP_HEIGHT: usize = CLIP + 1;
/// What the palette says of a part slot: three colour channels, one logit per material.
pub const PALETTE_OUTPUTS: usize = 3 + Material::ALL.len();
/// A part's colour choices: its own, then each named colour in [`Colour::ALL`]'s order.
pub const COLOUR_CHOICES: usize = 1 + Colour::ALL.len();
/// The smallest size the decoder makes of a primitive's dimension (cube units): a predicted
/// size at or below zero is a sliver, not a hole.
const MIN_SIZE: f32 = 0.004;

/// The shape of the part network; stored with its weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartsConfig {
    pub token_width: usize,
    pub condition_width: usize,
    pub trunk_width: usize,
    /// Hidden layers of the trunk.
    pub trunk_layers: usize,
    pub palette_width: usize,
    /// Whether a part's colour is chosen among its own and the named colours (see the module
    /// comment). Absent in weights made before it existed, which regress every colour; left
    /// out of the header when false so that their files keep their bytes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub colour_choice: bool,
}

impl Default for PartsConfig {
    fn default() -> Self {
        PartsConfig {
            token_width: 64,
            condition_width: 256,
            trunk_width: 512,
            trunk_layers: 3,
            palette_width: 128,
            colour_choice: true,
        }
    }
}

impl PartsConfig {
    /// A network small enough to train in seconds: for tests of the pipeline.
    pub fn tiny() -> Self {
        PartsConfig {
            token_width: 16,
            condition_width: 32,
            trunk_width: 64,
            trunk_layers: 2,
            palette_width: 16,
            colour_choice: true,
        }
    }

    /// A network reading `space`'s words and colouring its part slots.
    pub fn init<B: Backend>(&self, space: TokenSpace, device: &B::Device) -> PartsNetwork<B> {
        let mut trunk = Vec::with_capacity(self.trunk_layers);
        let mut width = self.condition_width + NOISE;
        for _ in 0..self.trunk_layers.max(1) {
            trunk.push(LinearConfig::new(width, self.trunk_width).init(device));
            width = self.trunk_width;
        }
        PartsNetwork {
            word: EmbeddingConfig::new(space.words(), self.token_width).init(device),
            role: EmbeddingConfig::new(space.roles(), self.token_width).init(device),
            token_hidden: LinearConfig::new(self.token_width, self.condition_width).init(device),
            token_out: LinearConfig::new(self.condition_width, self.condition_width).init(device),
            trunk,
            pieces: LinearConfig::new(width, PIECES * PIECE_OUTPUTS).init(device),
            palette_object: LinearConfig::new(self.condition_width, self.palette_width)
                .init(device),
            palette_words: LinearConfig::new(self.condition_width, self.palette_width).init(device),
            palette_slot: EmbeddingConfig::new(space.part_slots(), self.palette_width).init(device),
            palette_hidden: LinearConfig::new(self.palette_width, self.palette_width).init(device),
            palette_out: LinearConfig::new(self.palette_width, PALETTE_OUTPUTS).init(device),
            colour_choice: self
                .colour_choice
                .then(|| LinearConfig::new(self.palette_width, COLOUR_CHOICES).init(device)),
        }
    }
}

#[derive(Module, Debug)]
pub struct PartsNetwork<B: Backend> {
    word: Embedding<B>,
    role: Embedding<B>,
    token_hidden: Linear<B>,
    token_out: Linear<B>,
    trunk: Vec<Linear<B>>,
    pieces: Linear<B>,
    palette_object: Linear<B>,
    palette_words: Linear<B>,
    palette_slot: Embedding<B>,
    palette_hidden: Linear<B>,
    palette_out: Linear<B>,
    /// Last, so that weights without it keep their record's layout (see the weights module).
    colour_choice: Option<Linear<B>>,
}

/// The network's raw outputs for a batch.
#[derive(Debug, Clone)]
pub struct PartsOutput<B: Backend> {
    /// [objects, PIECES, PIECE_OUTPUTS].
    pub pieces: Tensor<B, 3>,
    /// [objects, part slots, PALETTE_OUTPUTS]: colour (sRGB 0..1) and material logits.
    pub palette: Tensor<B, 3>,
    /// [objects, part slots, COLOUR_CHOICES]: the colour choice's logits, where the network
    /// chooses colours (the palette's colour is then their softmax's mix).
    pub colour_choice: Option<Tensor<B, 3>>,
}

impl<B: Backend> PartsNetwork<B> {
    /// This network with a new colour choice head (`device`'s random draw), for a network
    /// trained without one.
    pub fn with_colour_choice(self, palette_width: usize, device: &B::Device) -> Self {
        PartsNetwork {
            colour_choice: Some(LinearConfig::new(palette_width, COLOUR_CHOICES).init(device)),
            ..self
        }
    }

    /// This network with everything but the palette held fixed: the text encoder, the trunk
    /// and the piece head get no gradients, so training changes colours and materials and
    /// leaves every shape exactly as it was.
    pub fn palette_only(self) -> Self {
        PartsNetwork {
            word: self.word.no_grad(),
            role: self.role.no_grad(),
            token_hidden: self.token_hidden.no_grad(),
            token_out: self.token_out.no_grad(),
            trunk: self.trunk.into_iter().map(Module::no_grad).collect(),
            pieces: self.pieces.no_grad(),
            ..self
        }
    }

    /// The outputs for `tokens` (of `space`, the network's own) with `noise` (one
    /// [`NOISE`]-long row of uniform values per object).
    pub fn forward(
        &self,
        space: TokenSpace,
        tokens: &[Tokens],
        noise: &[[f32; NOISE]],
        device: &B::Device,
    ) -> PartsOutput<B> {
        let objects = tokens.len();
        let ids = |pick: &dyn Fn(&Tokens) -> &[u32; MAX_TOKENS]| {
            let values: Vec<i64> = tokens
                .iter()
                .flat_map(|t| pick(t).iter().map(|&w| i64::from(w)))
                .collect();
            Tensor::<B, 2, Int>::from_data(TensorData::new(values, [objects, MAX_TOKENS]), device)
        };
        let column = |value: &dyn Fn(&Tokens, usize) -> bool| {
            let values: Vec<f32> = tokens
                .iter()
                .flat_map(|t| (0..MAX_TOKENS).map(move |i| f32::from(u8::from(value(t, i)))))
                .collect();
            Tensor::<B, 3>::from_data(TensorData::new(values, [objects, MAX_TOKENS, 1]), device)
        };
        let said = column(&|t, i| i < t.len);
        let shape_word = column(&|t, i| i < t.len && !space.is_appearance(t.words[i]));
        let slots = space.part_slots();
        // [objects, slots, MAX_TOKENS]: 1 where a token is said of that part (role 1 + slot).
        let part_of: Vec<f32> = tokens
            .iter()
            .flat_map(|t| {
                (0..slots).flat_map(move |slot| {
                    (0..MAX_TOKENS).map(move |i| {
                        f32::from(u8::from(i < t.len && t.roles[i] as usize == 1 + slot))
                    })
                })
            })
            .collect();
        let part_of = Tensor::<B, 3>::from_data(
            TensorData::new(part_of, [objects, slots, MAX_TOKENS]),
            device,
        );

        let embedded =
            self.word.forward(ids(&|t| &t.words)) + self.role.forward(ids(&|t| &t.roles));
        // Pooled before the second layer, which is linear: the same sums at a sixteenth of
        // the work.
        let features = relu(self.token_hidden.forward(embedded)) * said;
        let pool = |mask: Tensor<B, 3>| {
            self.token_out
                .forward((features.clone() * mask).sum_dim(1).squeeze_dim::<2>(1))
        };
        let shape = pool(shape_word);
        let appearance = self
            .token_out
            .forward(features.clone().sum_dim(1).squeeze_dim::<2>(1));
        let parts = part_of.matmul(features);

        let noise: Vec<f32> = noise
            .iter()
            .flat_map(|row| row.iter().map(|u| u * 2.0 - 1.0))
            .collect();
        let noise = Tensor::<B, 2>::from_data(TensorData::new(noise, [objects, NOISE]), device);
        let mut hidden = Tensor::cat(vec![relu(shape), noise], 1);
        for layer in &self.trunk {
            hidden = relu(layer.forward(hidden));
        }
        let pieces = self
            .pieces
            .forward(hidden)
            .reshape([objects, PIECES, PIECE_OUTPUTS]);

        let width = self.palette_slot.weight.dims()[1];
        let object = self
            .palette_object
            .forward(relu(appearance))
            .reshape([objects, 1, width]);
        let slot_features = self.palette_slot.weight.val().reshape([1, slots, width]);
        let palette_hidden = relu(self.palette_words.forward(relu(parts)) + object + slot_features);
        let looks = relu(self.palette_hidden.forward(palette_hidden));
        let raw = self.palette_out.forward(looks.clone());
        let own = sigmoid(raw.clone().narrow(2, 0, 3));
        let (colour, colour_choice) = match &self.colour_choice {
            None => (own, None),
            Some(layer) => {
                let logits = layer.forward(looks);
                let chances = softmax(logits.clone(), 2);
                // The mix is what training sees; a confident choice makes it the named
                // colour to within rounding.
                let named: Vec<f32> = Colour::ALL
                    .iter()
                    .flat_map(|colour| colour.srgb().map(|c| f32::from(c) / 255.0))
                    .collect();
                let named = Tensor::<B, 2>::from_data(
                    TensorData::new(named, [Colour::ALL.len(), 3]),
                    device,
                );
                let rows = objects * slots;
                let picked = chances
                    .clone()
                    .narrow(2, 1, Colour::ALL.len())
                    .reshape([rows, Colour::ALL.len()])
                    .matmul(named)
                    .reshape([objects, slots, 3]);
                (chances.narrow(2, 0, 1) * own + picked, Some(logits))
            }
        };
        let palette = Tensor::cat(vec![colour, raw.narrow(2, 3, Material::ALL.len())], 2);
        PartsOutput {
            pieces,
            palette,
            colour_choice,
        }
    }
}

/// Which colour choice a part's colour is: 1 + its index in [`Colour::ALL`] where it is a
/// named colour's exact sRGB (so a default that happens to equal one is that one, the same
/// colour), 0 (its own) otherwise.
pub fn colour_choice_of(colour: [f32; 3]) -> usize {
    Colour::ALL
        .iter()
        .position(|named| named.srgb().map(|c| f32::from(c) / 255.0) == colour)
        .map_or(0, |index| index + 1)
}

/// One object's outputs read back from the device, made into an [`Assembly`].
pub fn assemble(category: Category, pieces: &[f32], palette: &[f32]) -> Assembly {
    let parts = category.parts();
    let mut assembly = Assembly::default();
    for (slot_index, out) in pieces.chunks_exact(PIECE_OUTPUTS).enumerate() {
        let position = slot_index / PIECES_PER_PART;
        let Some(part) = parts.get(position) else {
            continue;
        };
        if out[PRESENCE] <= 0.0 {
            continue;
        }
        let kind = argmax(&out[KIND..KIND + KINDS]);
        let size: [f32; 4] = std::array::from_fn(|i| out[SIZE + i]);
        let rotation = Quat::from_xyzw(
            out[ROTATION],
            out[ROTATION + 1],
            out[ROTATION + 2],
            out[ROTATION + 3],
        );
        let rotation = if rotation.length_squared() > 1e-8 && rotation.is_finite() {
            rotation.normalize()
        } else {
            Quat::IDENTITY
        };
        let centre = Vec3::new(out[CENTRE], out[CENTRE + 1], out[CENTRE + 2]);
        if !centre.is_finite() || size.iter().any(|s| !s.is_finite()) {
            continue;
        }
        let Some(look) = palette.chunks_exact(PALETTE_OUTPUTS).nth(part.slot.index()) else {
            continue;
        };
        assembly.pieces.push(Piece {
            placed: Placed {
                primitive: primitive(kind, size),
                center: centre.clamp(Vec3::splat(-1.5), Vec3::splat(1.5)),
                rotation,
                clip_below: (out[CLIP] > 0.0 && out[CLIP_HEIGHT].is_finite())
                    .then_some(out[CLIP_HEIGHT]),
            },
            slot: part.slot,
            colour: [look[0], look[1], look[2]].map(|c| {
                if c.is_finite() {
                    c.clamp(0.0, 1.0)
                } else {
                    0.5
                }
            }),
            material: Material::ALL[argmax(&look[3..])],
        });
    }
    assembly
}

fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, &v)| {
            if v > best.1 { (i, v) } else { best }
        })
        .0
}

/// The primitive of `kind` with the four size outputs (see [`encode_primitive`]).
fn primitive(kind: usize, size: [f32; 4]) -> Primitive {
    let [a, b, c, _] = size.map(|s| s.max(MIN_SIZE));
    let rounding = size[3].max(0.0);
    match kind {
        0 => Primitive::Box {
            half: Vec3::new(a, b, c),
            rounding,
        },
        1 => Primitive::Sphere {
            radius: (a + b + c) / 3.0,
        },
        2 => Primitive::Ellipsoid {
            radii: Vec3::new(a, b, c),
        },
        3 => Primitive::Cylinder {
            radius: (a + c) * 0.5,
            half_height: b,
            rounding,
        },
        4 => Primitive::Cone {
            bottom: size[0].max(0.0),
            top: size[2].max(0.0),
            half_height: b,
        },
        5 => Primitive::Torus {
            major: (a + c) * 0.5,
            minor: b,
        },
        _ => Primitive::Capsule {
            half_length: b,
            radius: (a + c) * 0.5,
        },
    }
}

/// A primitive as the network describes it: its kind and four sizes, (x, y, z) extents and a
/// rounding where the kind has those.
pub fn encode_primitive(primitive: &Primitive) -> (usize, [f32; 4]) {
    match *primitive {
        Primitive::Box { half, rounding } => (0, [half.x, half.y, half.z, rounding]),
        Primitive::Sphere { radius } => (1, [radius, radius, radius, 0.0]),
        Primitive::Ellipsoid { radii } => (2, [radii.x, radii.y, radii.z, 0.0]),
        Primitive::Cylinder {
            radius,
            half_height,
            rounding,
        } => (3, [radius, half_height, radius, rounding]),
        Primitive::Cone {
            bottom,
            top,
            half_height,
        } => (4, [bottom, half_height, top, 0.0]),
        Primitive::Torus { major, minor } => (5, [major, minor, major, 0.0]),
        Primitive::Capsule {
            half_length,
            radius,
        } => (6, [radius, half_length, radius, 0.0]),
    }
}

/// Where each piece of `assembly` (the ground truth of a `category` object) goes among the
/// network's piece slots: its part's position in the category's part list, then its order in
/// the part. `None` for a piece past a part's [`PIECES_PER_PART`] or of a part the category
/// does not list (tests keep every builder within both).
pub fn piece_slots(category: Category, assembly: &Assembly) -> Vec<Option<usize>> {
    let parts = category.parts();
    let mut seen = [0usize; PART_POSITIONS];
    assembly
        .pieces
        .iter()
        .map(|piece| {
            let position = parts.iter().position(|part| part.slot == piece.slot)?;
            if position >= PART_POSITIONS {
                return None;
            }
            let index = seen[position];
            seen[position] += 1;
            (index < PIECES_PER_PART).then_some(position * PIECES_PER_PART + index)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Sampler;
    use crate::shapes::sample_shape;
    use crate::vocab::PartSlot;

    /// Every primitive survives being described by kind and sizes.
    #[test]
    fn primitives_round_trip_through_their_encoding() {
        let primitives = [
            Primitive::Box {
                half: Vec3::new(0.1, 0.2, 0.3),
                rounding: 0.01,
            },
            Primitive::Sphere { radius: 0.2 },
            Primitive::Ellipsoid {
                radii: Vec3::new(0.1, 0.2, 0.3),
            },
            Primitive::Cylinder {
                radius: 0.1,
                half_height: 0.3,
                rounding: 0.02,
            },
            Primitive::Cone {
                bottom: 0.2,
                top: 0.0,
                half_height: 0.3,
            },
            Primitive::Torus {
                major: 0.3,
                minor: 0.05,
            },
            Primitive::Capsule {
                half_length: 0.3,
                radius: 0.05,
            },
        ];
        for p in primitives {
            let (kind, size) = encode_primitive(&p);
            let decoded = primitive(kind, size);
            assert_eq!(std::mem::discriminant(&decoded), std::mem::discriminant(&p));
            for i in 0..64 {
                let point = Vec3::new(
                    (i % 4) as f32 * 0.15 - 0.2,
                    (i / 4 % 4) as f32 * 0.15 - 0.2,
                    (i / 16) as f32 * 0.15 - 0.2,
                );
                assert!(
                    (decoded.distance(point) - p.distance(point)).abs() < 1e-5,
                    "{p:?}"
                );
            }
        }
    }

    /// The piece layout holds every object the data makes: each part at most
    /// [`PIECES_PER_PART`] primitives, at most [`PART_POSITIONS`] parts, none unnamed.
    #[test]
    fn every_object_of_the_data_fits_the_piece_slots() {
        let mut sampler = Sampler::new(11);
        for seed in 0..3000 {
            let description = sampler.any_description();
            let shape = sample_shape(&description, seed);
            let assembly = Assembly::from_shape(&shape, &shape.unit_frame());
            let slots = piece_slots(description.category, &assembly);
            assert!(
                slots.iter().all(Option::is_some),
                "{description} (seed {seed}): a piece without a slot"
            );
            assert!(description.category.parts().len() <= PART_POSITIONS);
        }
    }

    #[test]
    fn an_untrained_network_gives_an_assembly_of_its_category_parts() {
        let device = Default::default();
        let _seeded = crate::seeded_backend();
        let network: PartsNetwork<burn::backend::NdArray> =
            PartsConfig::tiny().init(TokenSpace::CURRENT, &device);
        let description = crate::prompt::parse("a red chair").unwrap().description;
        let tokens = super::super::tokens::tokenize(&description);
        let out = network.forward(TokenSpace::CURRENT, &[tokens], &[[0.5; NOISE]], &device);
        assert_eq!(out.pieces.dims(), [1, PIECES, PIECE_OUTPUTS]);
        assert_eq!(
            out.palette.dims(),
            [1, PartSlot::ALL.len(), PALETTE_OUTPUTS]
        );
        let pieces = out.pieces.into_data().into_vec::<f32>().unwrap();
        let palette = out.palette.into_data().into_vec::<f32>().unwrap();
        let assembly = assemble(Category::Chair, &pieces, &palette);
        let parts: Vec<PartSlot> = Category::Chair.parts().iter().map(|p| p.slot).collect();
        assert!(assembly.pieces.iter().all(|p| parts.contains(&p.slot)));
    }
}
