//! How well the model follows prompts, measured against the procedural ground truth it never
//! sees at generation time: on prompts like the training data and on the held-out combinations
//! (composition, not memory).
//!
//! - **Category accuracy**: a nearest-neighbour classifier over ground truth (the generated
//!   occupancy's best IoU against procedural objects of every category, plain and in every
//!   proportion and style) names the category; the share named right, beside the same
//!   classifier's accuracy on the prompts' own ground-truth objects (its ceiling).
//! - **IoU** of the generated occupancy with the prompt's own ground-truth object.
//! - **Colour accuracy**: the median colour of the generated surface, named by the nearest
//!   palette colour in CIEDE2000, is the colour asked for (prompts with an object colour).
//! - **Colour error**: median CIEDE2000 between generated and ground-truth colour at points
//!   on the ground-truth surface (part colours included).
//! - **Diversity**: 1 − IoU between the objects of two seeds of the same prompt.
//! - **Mesh health**: the full pipeline's meshes that are watertight and free of degenerate
//!   triangles, and prompts that give no surface.

use serde::Serialize;

use crate::data::{Attribute, HELD_OUT, Sampler};
use crate::mesher::Field;
use crate::model::{GenerateOptions, Generator};
use crate::prompt::{Description, PartDescription};
use crate::shapes::sample_shape;
use crate::vocab::{Category, Colour, Proportion, Style};

/// Grid points per axis of the fields compared.
const GRID: usize = 24;
/// Ground-truth objects per category for the classifier.
const REFERENCES: u64 = 3;
/// Points closer than this to the ground-truth surface (cube units) carry its colour.
const SURFACE_BAND: f32 = 0.06;

/// Metrics over one set of prompts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EvalMetrics {
    pub prompts: usize,
    pub category_accuracy: f64,
    /// The classifier's accuracy on the prompts' own ground-truth objects: the ceiling the
    /// model's accuracy is to be read against.
    pub truth_category_accuracy: f64,
    pub mean_iou: f64,
    /// Over prompts that name an object colour.
    pub colour_accuracy: Option<f64>,
    pub median_colour_error: f64,
    pub diversity: f64,
    /// The same between two seeds of the ground truth: the variation the data has.
    pub truth_diversity: f64,
    pub healthy_meshes: f64,
    pub no_surface: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// Prompts drawn like the training data (held-out combinations excluded).
    pub seen: EvalMetrics,
    /// The held-out combinations (`HELD_OUT`).
    pub held_out: EvalMetrics,
}

/// Evaluates `generator` on `seen_prompts` training-like descriptions and every held-out
/// combination. `progress` hears each finished prompt.
pub fn evaluate<B: burn::tensor::backend::Backend>(
    generator: &Generator<B>,
    seen_prompts: usize,
    progress: &mut dyn FnMut(),
) -> EvalReport {
    // References: each category plain (several seeds) and in each proportion and style.
    let references: Vec<(Category, Vec<bool>)> = Category::ALL
        .iter()
        .flat_map(|&category| {
            let plain = (0..REFERENCES).map(move |seed| (Description::plain(category), seed));
            let varied = [
                Proportion::Tall,
                Proportion::Short,
                Proportion::Wide,
                Proportion::Thin,
            ]
            .into_iter()
            .map(move |proportion| {
                let mut description = Description::plain(category);
                match proportion {
                    Proportion::Tall | Proportion::Short => description.height = Some(proportion),
                    Proportion::Wide | Proportion::Thin => description.width = Some(proportion),
                }
                (description, 0)
            })
            .chain(Style::ALL.iter().map(move |&style| {
                let mut description = Description::plain(category);
                description.style = Some(style);
                (description, 0)
            }));
            plain.chain(varied).map(move |(description, seed)| {
                let shape = sample_shape(&description, seed);
                (
                    category,
                    occupancy(&shape.sample_field(&shape.unit_frame(), GRID)),
                )
            })
        })
        .collect();
    let mut sampler = Sampler::new(20_261_126);
    let seen: Vec<Description> = (0..seen_prompts)
        .map(|_| sampler.training_description())
        .collect();
    let held_out: Vec<Description> = HELD_OUT
        .iter()
        .map(|&(c, a)| held_out_description(c, a))
        .collect();
    EvalReport {
        seen: metrics(generator, &seen, &references, progress),
        held_out: metrics(generator, &held_out, &references, progress),
    }
}

/// The plainest description with a held-out combination.
pub fn held_out_description(category: Category, attribute: Attribute) -> Description {
    let mut description = Description::plain(category);
    match attribute {
        Attribute::Colour(colour) => description.colour = Some(colour),
        Attribute::Material(material) => description.material = Some(material),
        Attribute::PartColour(slot, colour) => description.parts.push(PartDescription {
            slot,
            colour: Some(colour),
            material: None,
            count: None,
        }),
    }
    description
}

fn metrics<B: burn::tensor::backend::Backend>(
    generator: &Generator<B>,
    descriptions: &[Description],
    references: &[(Category, Vec<bool>)],
    progress: &mut dyn FnMut(),
) -> EvalMetrics {
    let mut correct = 0usize;
    let mut truth_correct = 0usize;
    let mut ious = Vec::new();
    let mut colour_hits = Vec::new();
    let mut colour_errors = Vec::new();
    let mut diversity = Vec::new();
    let mut truth_diversity = Vec::new();
    let mut healthy = 0usize;
    let mut no_surface = 0usize;
    for (index, description) in descriptions.iter().enumerate() {
        let generated = generator.field(description, 0, GRID);
        let occupied = occupancy(&generated);
        correct += usize::from(classify(&occupied, references) == description.category);

        let truth_shape = sample_shape(description, 0);
        let truth = truth_shape.sample_field(&truth_shape.unit_frame(), GRID);
        let truth_occupied = occupancy(&truth);
        truth_correct += usize::from(classify(&truth_occupied, references) == description.category);
        ious.push(iou(&occupied, &truth_occupied));
        let errors: Vec<f64> = (0..truth.distance.len())
            .filter(|&i| truth.distance[i].abs() < SURFACE_BAND)
            .map(|i| ciede2000(lab(generated.colour[i]), lab(truth.colour[i])))
            .collect();
        if let Some(error) = median(errors) {
            colour_errors.push(error);
        }
        if let Some(colour) = description.colour {
            let surface: Vec<[f32; 3]> = (0..generated.distance.len())
                .filter(|&i| generated.distance[i].abs() < SURFACE_BAND)
                .map(|i| generated.colour[i])
                .collect();
            if let Some(seen) = median_colour(&surface) {
                let named = Colour::ALL
                    .iter()
                    .copied()
                    .min_by(|a, b| {
                        let distance = |c: Colour| {
                            ciede2000(lab(seen), lab(c.srgb().map(|v| f32::from(v) / 255.0)))
                        };
                        distance(*a).total_cmp(&distance(*b))
                    })
                    .expect("there are colours");
                colour_hits.push(f64::from(u8::from(named == colour)));
            }
        }
        if index % 2 == 0 {
            let other = occupancy(&generator.field(description, 1, GRID));
            diversity.push(1.0 - iou(&occupied, &other));
            let other_truth = sample_shape(description, 1);
            let other_truth = occupancy(&other_truth.sample_field(&other_truth.unit_frame(), GRID));
            truth_diversity.push(1.0 - iou(&truth_occupied, &other_truth));
        }
        match generator.generate_description(description, 0, &GenerateOptions::default()) {
            Ok(item) => healthy += usize::from(item.mesh.health().is_healthy()),
            Err(_) => no_surface += 1,
        }
        progress();
    }
    let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len().max(1) as f64;
    EvalMetrics {
        prompts: descriptions.len(),
        category_accuracy: correct as f64 / descriptions.len().max(1) as f64,
        truth_category_accuracy: truth_correct as f64 / descriptions.len().max(1) as f64,
        mean_iou: mean(&ious),
        colour_accuracy: (!colour_hits.is_empty()).then(|| mean(&colour_hits)),
        median_colour_error: median(colour_errors).unwrap_or(f64::NAN),
        diversity: mean(&diversity),
        truth_diversity: mean(&truth_diversity),
        healthy_meshes: healthy as f64 / descriptions.len().max(1) as f64,
        no_surface,
    }
}

/// The category of the reference with the best IoU.
fn classify(occupied: &[bool], references: &[(Category, Vec<bool>)]) -> Category {
    references
        .iter()
        .map(|(category, reference)| (*category, iou(occupied, reference)))
        .fold((Category::ALL[0], -1.0), |best, candidate| {
            if candidate.1 > best.1 {
                candidate
            } else {
                best
            }
        })
        .0
}

fn occupancy(field: &Field) -> Vec<bool> {
    field.distance.iter().map(|d| *d < 0.0).collect()
}

fn iou(a: &[bool], b: &[bool]) -> f64 {
    let (mut both, mut either) = (0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        both += usize::from(*x && *y);
        either += usize::from(*x || *y);
    }
    if either == 0 {
        0.0
    } else {
        both as f64 / either as f64
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[values.len() / 2])
}

/// The per-channel median of sRGB colours.
fn median_colour(colours: &[[f32; 3]]) -> Option<[f32; 3]> {
    let channel = |c: usize| median(colours.iter().map(|colour| f64::from(colour[c])).collect());
    Some([channel(0)? as f32, channel(1)? as f32, channel(2)? as f32])
}

/// CIE L*a*b* (D65) of an sRGB colour in 0..=1.
pub fn lab(srgb: [f32; 3]) -> [f64; 3] {
    let linear = srgb.map(|c| {
        let c = f64::from(c.clamp(0.0, 1.0));
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    });
    let [r, g, b] = linear;
    let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
    let f = |t: f64| {
        if t > 216.0 / 24389.0 {
            t.cbrt()
        } else {
            (24389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    [
        116.0 * f(y) - 16.0,
        500.0 * (f(x) - f(y)),
        200.0 * (f(y) - f(z)),
    ]
}

/// The CIEDE2000 colour difference (Sharma, Wu and Dalal, 2005).
pub fn ciede2000(lab1: [f64; 3], lab2: [f64; 3]) -> f64 {
    use std::f64::consts::PI;
    let [l1, a1, b1] = lab1;
    let [l2, a2, b2] = lab2;
    let c_mean = ((a1.hypot(b1)) + (a2.hypot(b2))) / 2.0;
    let g = 0.5 * (1.0 - (c_mean.powi(7) / (c_mean.powi(7) + 25f64.powi(7))).sqrt());
    let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
    let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
    let hue = |b: f64, a: f64| {
        if a == 0.0 && b == 0.0 {
            0.0
        } else {
            let h = b.atan2(a).to_degrees();
            if h < 0.0 { h + 360.0 } else { h }
        }
    };
    let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
    let dl = l2 - l1;
    let dc = c2p - c1p;
    let dh = if c1p * c2p == 0.0 {
        0.0
    } else if (h2p - h1p).abs() <= 180.0 {
        h2p - h1p
    } else if h2p - h1p > 180.0 {
        h2p - h1p - 360.0
    } else {
        h2p - h1p + 360.0
    };
    let dh_big = 2.0 * (c1p * c2p).sqrt() * (dh.to_radians() / 2.0).sin();
    let l_mean = (l1 + l2) / 2.0;
    let c_mean_p = (c1p + c2p) / 2.0;
    let h_mean = if c1p * c2p == 0.0 {
        h1p + h2p
    } else if (h1p - h2p).abs() <= 180.0 {
        (h1p + h2p) / 2.0
    } else if h1p + h2p < 360.0 {
        (h1p + h2p + 360.0) / 2.0
    } else {
        (h1p + h2p - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * (h_mean - 30.0).to_radians().cos()
        + 0.24 * (2.0 * h_mean).to_radians().cos()
        + 0.32 * (3.0 * h_mean + 6.0).to_radians().cos()
        - 0.20 * (4.0 * h_mean - 63.0).to_radians().cos();
    let d_theta = 30.0 * (-((h_mean - 275.0) / 25.0).powi(2)).exp();
    let r_c = 2.0 * (c_mean_p.powi(7) / (c_mean_p.powi(7) + 25f64.powi(7))).sqrt();
    let s_l = 1.0 + 0.015 * (l_mean - 50.0).powi(2) / (20.0 + (l_mean - 50.0).powi(2)).sqrt();
    let s_c = 1.0 + 0.045 * c_mean_p;
    let s_h = 1.0 + 0.015 * c_mean_p * t;
    let r_t = -(2.0 * d_theta * PI / 180.0).sin() * r_c;
    ((dl / s_l).powi(2)
        + (dc / s_c).powi(2)
        + (dh_big / s_h).powi(2)
        + r_t * (dc / s_c) * (dh_big / s_h))
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciede2000_matches_the_published_test_data() {
        // Pairs from Sharma, Wu and Dalal (2005), Table 1.
        for (lab1, lab2, expected) in [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 3.1571, -77.2803], [50.0, 0.0, -82.7485], 2.8615),
            ([50.0, 2.8361, -74.0200], [50.0, 0.0, -82.7485], 3.4412),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
        ] {
            let got = ciede2000(lab1, lab2);
            assert!(
                (got - expected).abs() < 1e-4,
                "{lab1:?} {lab2:?}: {got} vs {expected}"
            );
            assert!((ciede2000(lab2, lab1) - expected).abs() < 1e-4, "symmetric");
        }
        assert_eq!(ciede2000([40.0, 10.0, -5.0], [40.0, 10.0, -5.0]), 0.0);
    }

    #[test]
    fn lab_of_white_black_and_red() {
        let white = lab([1.0, 1.0, 1.0]);
        assert!(
            (white[0] - 100.0).abs() < 1e-3 && white[1].abs() < 1e-2 && white[2].abs() < 1e-2,
            "{white:?}"
        );
        assert!(lab([0.0; 3])[0].abs() < 1e-9);
        let red = lab([1.0, 0.0, 0.0]);
        assert!(
            (red[0] - 53.24).abs() < 0.05
                && (red[1] - 80.09).abs() < 0.1
                && (red[2] - 67.20).abs() < 0.1,
            "{red:?}"
        );
    }

    #[test]
    fn iou_and_held_out_descriptions() {
        assert_eq!(iou(&[true, true, false], &[true, false, false]), 0.5);
        assert_eq!(iou(&[false], &[false]), 0.0);
        for &(category, attribute) in HELD_OUT {
            assert!(held_out_description(category, attribute).is_held_out());
        }
    }
}
