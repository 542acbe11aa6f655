//! Plants, fruit and the rest of the landscape.

use std::f32::consts::{FRAC_PI_2, TAU};

use glam::Quat;

use super::{DARK_WOOD, LEAF, WOOD, disc_x, thin, v};
use crate::shapes::Builder;
use crate::vocab::{Material, PartSlot::*};

const PALM_LEAF: [u8; 3] = [70, 150, 60];
const COCONUT: [u8; 3] = [105, 70, 40];
const BERRY: [u8; 3] = [200, 40, 60];
const CUT_WOOD: [u8; 3] = [205, 165, 110];
const HAY: [u8; 3] = [220, 185, 90];
const TWINE: [u8; 3] = [150, 110, 60];
const PUMPKIN: [u8; 3] = [235, 120, 20];
const STEM: [u8; 3] = [95, 110, 45];
const APPLE: [u8; 3] = [200, 30, 35];
const PETALS: [u8; 3] = [245, 200, 30];
const SEEDS: [u8; 3] = [90, 55, 30];
const BAMBOO: [u8; 3] = [150, 180, 80];
const BAMBOO_NODE: [u8; 3] = [110, 140, 60];

/// A palm: a curved trunk leaning to one side, seven drooping fronds and coconuts.
pub(super) fn palm(b: &mut Builder) {
    let h = b.height;
    let lean = h * b.vary(0.05..0.12) * b.width;
    let frond_len = h * b.vary(0.36..0.44) * b.width;
    let droop = b.vary(0.3..0.55);
    let turn = b.vary(0.0..TAU);

    let crown = v(lean, h * 0.96, 0.0);
    let extent = h.max(2.0 * (lean + frond_len));
    let trunk_r = h * 0.04 * b.width.sqrt();
    let trunk = (0..3)
        .map(|i| {
            let at = |t: f32| v(lean * t * t, trunk_r + (crown.y - trunk_r) * t, 0.0);
            b.rod(
                at(i as f32 / 3.0),
                at((i + 1) as f32 / 3.0),
                trunk_r * (1.0 - 0.15 * i as f32),
            )
        })
        .collect();
    let frond_t = thin(h * 0.018, extent);
    let fronds = (0..7)
        .map(|i| {
            let angle = turn + TAU * i as f32 / 7.0;
            let tilt = droop + if i % 2 == 0 { 0.0 } else { 0.25 };
            let direction = v(
                angle.cos() * tilt.cos(),
                -tilt.sin(),
                angle.sin() * tilt.cos(),
            );
            b.ellipsoid(
                crown + direction * frond_len * 0.5,
                v(frond_len * 0.5, frond_t, h * 0.07 * b.width),
            )
            .rotated(Quat::from_rotation_y(-angle) * Quat::from_rotation_z(-tilt))
        })
        .collect();
    b.part(Leaves, PALM_LEAF, Material::Cloth, true, fronds);
    b.part(Trunk, WOOD, Material::Wood, false, trunk);
    let nuts = (0..3)
        .map(|i| {
            let angle = turn + 0.4 + TAU * i as f32 / 3.0;
            b.ball(
                crown + v(angle.cos() * h * 0.045, -h * 0.055, angle.sin() * h * 0.045),
                h * 0.035,
            )
        })
        .collect();
    b.part(Accents, COCONUT, Material::Wood, false, nuts);
}

/// A round bush: a ring of lobes flat on the ground around a taller middle one, with berries.
pub(super) fn bush(b: &mut Builder) {
    let h = b.height;
    let spread = h * b.vary(0.5..0.62) * b.width;
    let turn = b.vary(0.0..TAU);
    let sizes: Vec<f32> = (0..5).map(|_| b.vary(0.85..1.1)).collect();

    let top_r = h * 0.42;
    let mut lobes = vec![b.ellipsoid(
        v(0.0, h - top_r, 0.0),
        v(top_r * b.width, top_r, top_r * b.width),
    )];
    let mut berries = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        let angle = turn + TAU * i as f32 / 5.0;
        let (c, s) = (angle.cos(), angle.sin());
        let r = h * 0.34 * size;
        let center = v(spread * c, h * 0.3, spread * s);
        lobes.push(
            b.ellipsoid(center, v(r * b.width, r, r * b.width))
                .clipped_below(0.0),
        );
        berries.push(b.ball(
            center + v(c * r * b.width * 0.92, r * 0.3, s * r * b.width * 0.92),
            h * 0.05,
        ));
    }
    b.part(Leaves, LEAF, Material::Cloth, true, lobes);
    b.part(Accents, BERRY, Material::Cloth, false, berries);
}

/// A felled log lying along X, its cut ends showing and a branch stub on top.
pub(super) fn log(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(1.5..2.0) * b.width;
    let r = h * b.vary(0.38..0.42);
    let stub_at = b.vary(-0.5..0.5);
    let stub_lean = b.vary(-0.5..0.5);

    let extent = (2.0 * half_l).max(h);
    let trunk = disc_x(b, v(0.0, r, 0.0), r, half_l);
    b.part(Trunk, DARK_WOOD, Material::Wood, true, vec![trunk]);
    let end_t = thin(h * 0.05, extent);
    let ends = [-1.0f32, 1.0]
        .iter()
        .map(|&side| disc_x(b, v(side * (half_l + end_t * 0.6), r, 0.0), r * 0.86, end_t))
        .collect();
    b.part(Cap, CUT_WOOD, Material::Wood, false, ends);
    let stub_r = h * 0.08;
    let x = half_l * stub_at;
    let stub = b.rod(
        v(x, r, 0.0),
        v(x + stub_lean * h * 0.3, h - stub_r, stub_lean * h * 0.1),
        stub_r,
    );
    b.part(Accents, DARK_WOOD, Material::Wood, false, vec![stub]);
}

/// A tree stump: a short trunk flaring at the foot, its cut top, and roots spreading out.
pub(super) fn stump(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.55..0.7) * b.width;
    let turn = b.vary(0.0..TAU);
    let reach: Vec<f32> = (0..5).map(|_| b.vary(0.8..1.2)).collect();

    let top_t = 2.0 * thin(h * 0.04, 3.8 * r);
    let trunk = vec![
        b.cylinder(
            v(0.0, (h - top_t * 0.5) * 0.5, 0.0),
            r,
            (h - top_t * 0.5) * 0.5,
        ),
        b.cone(v(0.0, h * 0.2, 0.0), r * 1.25, r, h * 0.2),
    ];
    b.part(Trunk, DARK_WOOD, Material::Wood, true, trunk);
    let top = b.cylinder(v(0.0, h - top_t * 0.5, 0.0), r * 0.9, top_t * 0.5);
    b.part(Top, CUT_WOOD, Material::Wood, false, vec![top]);
    let root_r = h * 0.09 * b.width.sqrt();
    let roots = reach
        .iter()
        .enumerate()
        .map(|(i, reach)| {
            let angle = turn + TAU * i as f32 / 5.0;
            let (c, s) = (angle.cos(), angle.sin());
            b.rod(
                v(c * r * 0.8, h * 0.3, s * r * 0.8),
                // A sloping rod's bounds reach √2 of its radius below its end.
                v(c * r * 1.55 * reach, root_r * 1.45, s * r * 1.55 * reach),
                root_r,
            )
        })
        .collect();
    b.part(Accents, DARK_WOOD, Material::Wood, false, roots);
}

/// A round hay bale lying on its side, tied with three bands of twine.
pub(super) fn haybale(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(0.5..0.62) * b.width;

    let r = h * 0.5;
    let body = disc_x(b, v(0.0, r, 0.0), r, half_l);
    b.part(Body, HAY, Material::Cloth, true, vec![body]);
    let twine = [-0.6f32, 0.0, 0.6]
        .iter()
        .map(|&x| {
            b.ring(v(half_l * x, r, 0.0), r * 0.99, h * 0.035)
                .rotated(Quat::from_rotation_z(FRAC_PI_2))
        })
        .collect();
    b.part(Trim, TWINE, Material::Cloth, false, twine);
}

/// A pumpkin: six lobes round a squat core, a thick stem and a leaf.
pub(super) fn pumpkin(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.62..0.75) * b.width;
    let stem_lean = b.vary(-1.0..1.0);
    let leaf_angle = b.vary(0.0..TAU);

    let body_h = h * 0.8;
    let mut body = vec![b.ellipsoid(v(0.0, body_h * 0.5, 0.0), v(r * 0.8, body_h * 0.5, r * 0.8))];
    for i in 0..6 {
        let angle = TAU * i as f32 / 6.0;
        body.push(b.ellipsoid(
            v(angle.cos() * r * 0.55, body_h * 0.5, angle.sin() * r * 0.55),
            v(r * 0.45, body_h * 0.49, r * 0.45),
        ));
    }
    b.part(Body, PUMPKIN, Material::Cloth, true, body);
    let stem_r = h * 0.06;
    let stem = b.rod(
        v(0.0, body_h * 0.85, 0.0),
        v(stem_lean * h * 0.06, h - stem_r, 0.0),
        stem_r,
    );
    b.part(Pole, STEM, Material::Wood, false, vec![stem]);
    let leaf = b
        .ellipsoid(
            v(
                leaf_angle.cos() * h * 0.22,
                body_h * 0.97,
                leaf_angle.sin() * h * 0.22,
            ),
            v(h * 0.17, thin(h * 0.025, 2.0 * r), h * 0.1),
        )
        .rotated(Quat::from_rotation_y(-leaf_angle));
    b.part(Leaves, LEAF, Material::Cloth, false, vec![leaf]);
}

/// An apple: a round body a little broader above, a stem and one leaf.
pub(super) fn apple(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.44..0.5) * b.width;
    let lean = b.vary(-1.0..1.0);
    let leaf_angle = b.vary(0.0..TAU);

    let body_h = h * 0.86;
    let body = vec![
        b.ellipsoid(
            v(0.0, body_h * 0.42, 0.0),
            v(r * 0.88, body_h * 0.42, r * 0.88),
        ),
        b.ellipsoid(v(0.0, body_h * 0.6, 0.0), v(r, body_h * 0.4, r)),
    ];
    b.part(Body, APPLE, Material::Cloth, true, body);
    let stem_r = h * 0.035;
    let top = v(lean * h * 0.05, h - stem_r, 0.0);
    let stem = b.rod(v(0.0, body_h * 0.85, 0.0), top, stem_r);
    b.part(Pole, SEEDS, Material::Wood, false, vec![stem]);
    let leaf = b
        .ellipsoid(
            v(
                leaf_angle.cos() * h * 0.14,
                h * 0.92,
                leaf_angle.sin() * h * 0.14,
            ),
            v(h * 0.13, h * 0.024, h * 0.06),
        )
        .rotated(Quat::from_rotation_y(-leaf_angle) * Quat::from_rotation_z(0.35));
    b.part(Leaves, LEAF, Material::Cloth, false, vec![leaf]);
}

/// A sunflower: a tall stem with two leaves and a big face turned forward, ringed by petals.
pub(super) fn sunflower(b: &mut Builder) {
    let h = b.height;
    let head_r = h * b.vary(0.075..0.095) * b.width;
    let tilt = b.vary(0.15..0.4);
    let leaf_at = [b.vary(0.3..0.4), b.vary(0.48..0.58)];

    let reach = head_r * 1.9;
    let center = v(0.0, h - reach, 0.0);
    let face = Quat::from_rotation_x(tilt);
    let petal_t = thin(h * 0.02, h);
    let petals = (0..8)
        .map(|i| {
            let angle = TAU * i as f32 / 8.0;
            b.ellipsoid(
                center + face * v(angle.cos(), angle.sin(), 0.0) * head_r * 1.35,
                v(head_r * 0.6, head_r * 0.25, petal_t),
            )
            .rotated(face * Quat::from_rotation_z(angle))
        })
        .collect();
    b.part(Accents, PETALS, Material::Cloth, true, petals);
    let stem_r = thin(h * 0.024, h);
    let stem = b.cylinder(v(0.0, center.y * 0.5, 0.0), stem_r, center.y * 0.5);
    b.part(Pole, LEAF, Material::Cloth, false, vec![stem]);
    let leaves = leaf_at
        .iter()
        .enumerate()
        .map(|(i, &at)| {
            let side = if i == 0 { 1.0 } else { -1.0 };
            b.ellipsoid(
                v(side * h * 0.09 * b.width, h * at, 0.0),
                v(
                    h * 0.1 * b.width,
                    thin(h * 0.012, h),
                    h * 0.05 * b.width.sqrt(),
                ),
            )
            .rotated(Quat::from_rotation_z(side * -0.4))
        })
        .collect();
    b.part(Leaves, LEAF, Material::Cloth, false, leaves);
    let disc = b
        .cylinder(center + face * v(0.0, 0.0, h * 0.01), head_r, h * 0.03)
        .rotated(face * Quat::from_rotation_x(FRAC_PI_2));
    b.part(Head, SEEDS, Material::Cloth, false, vec![disc]);
}

/// A clump of bamboo: three canes of different heights, ringed at their nodes, with leaves
/// near the top.
pub(super) fn bamboo(b: &mut Builder) {
    let h = b.height;
    let spread = h * b.vary(0.07..0.1) * b.width;
    let turn = b.vary(0.0..TAU);
    let tall = [1.0, b.vary(0.72..0.85), b.vary(0.55..0.68)];

    let r = h * 0.022 * b.width.sqrt();
    let extent = h;
    let spots: Vec<_> = (0..3)
        .map(|i| {
            let angle = turn + TAU * i as f32 / 3.0;
            (spread * angle.cos(), spread * angle.sin(), h * tall[i])
        })
        .collect();
    let canes = spots
        .iter()
        .map(|&(x, z, top)| b.cylinder(v(x, top * 0.5, z), r, top * 0.5))
        .collect();
    b.part(Trunk, BAMBOO, Material::Wood, true, canes);
    let node_r = thin(h * 0.014, extent);
    let nodes = spots
        .iter()
        .flat_map(|&(x, z, top)| [0.25f32, 0.5, 0.75].map(|t| b.ring(v(x, top * t, z), r, node_r)))
        .collect();
    b.part(Trim, BAMBOO_NODE, Material::Wood, false, nodes);
    let leaf_t = thin(h * 0.012, extent);
    let leaves = spots
        .iter()
        .enumerate()
        .flat_map(|(i, &(x, z, top))| {
            let out = turn + TAU * i as f32 / 3.0;
            [0.0f32, 1.0].map(|k| {
                let angle = out + (k - 0.5) * 1.2;
                let (c, s) = (angle.cos(), angle.sin());
                let out = h * 0.06 * b.width;
                b.ellipsoid(
                    v(x + c * out, top * (0.84 - 0.1 * k), z + s * out),
                    v(h * 0.08 * b.width, leaf_t, h * 0.028 * b.width),
                )
                .rotated(Quat::from_rotation_y(-angle) * Quat::from_rotation_z(-0.4))
            })
        })
        .collect();
    b.part(Leaves, LEAF, Material::Cloth, false, leaves);
}
