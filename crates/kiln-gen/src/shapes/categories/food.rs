//! Food.

use std::f32::consts::{FRAC_PI_2, TAU};

use glam::Quat;

use super::{WHITE, thin, v};
use crate::shapes::Builder;
use crate::vocab::{Material, PartSlot::*};

const SPONGE: [u8; 3] = [235, 200, 150];
const BERRY: [u8; 3] = [200, 30, 35];
const CANDLE: [u8; 3] = [120, 170, 230];
const FLAME: [u8; 3] = [250, 140, 30];
const CRUST: [u8; 3] = [190, 120, 55];
const FLOUR: [u8; 3] = [240, 225, 190];
const DOUGH: [u8; 3] = [215, 160, 90];
const ICING: [u8; 3] = [235, 110, 170];
const SPRINKLES: [u8; 3] = [80, 170, 230];
const SCOOP: [u8; 3] = [245, 225, 200];
const WAFER: [u8; 3] = [205, 150, 80];
const BUN: [u8; 3] = [210, 145, 60];
const PATTY: [u8; 3] = [95, 55, 35];
const CHEESE: [u8; 3] = [245, 190, 40];
const LETTUCE: [u8; 3] = [110, 190, 60];
const SESAME: [u8; 3] = [245, 235, 200];

/// A two-tier cake on a plate: icing round each tier's top edge, berries on the lower tier,
/// three candles and their flames on the upper.
pub(super) fn cake(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.55..0.65) * b.width;
    let tier_h = h * b.vary(0.24..0.3);
    let top_ratio = b.vary(0.6..0.7);

    let plate_r = r * 1.25;
    let extent = (2.0 * plate_r).max(h);
    let plate_h = 2.0 * thin(h * 0.02, extent);
    let first_top = plate_h + tier_h;
    let second_top = first_top + tier_h * 0.85;
    let upper = r * top_ratio;
    let tiers = vec![
        b.cylinder(v(0.0, plate_h + tier_h * 0.5, 0.0), r, tier_h * 0.5),
        b.cylinder(
            v(0.0, first_top + tier_h * 0.425, 0.0),
            upper,
            tier_h * 0.425,
        ),
    ];
    b.part(Body, SPONGE, Material::Cloth, true, tiers);
    let icing_r = thin(h * 0.035, extent);
    let icing = vec![
        b.ring(v(0.0, first_top, 0.0), r * 0.97, icing_r),
        b.ring(v(0.0, second_top, 0.0), upper * 0.95, icing_r),
    ];
    b.part(Top, WHITE, Material::Cloth, false, icing);
    let plate = b.cylinder(v(0.0, plate_h * 0.5, 0.0), plate_r, plate_h * 0.5);
    b.part(Base, WHITE, Material::Ceramic, false, vec![plate]);
    let berry_ring = (r + upper) * 0.5;
    let berries = (0..5)
        .map(|k| {
            let angle = TAU * k as f32 / 5.0 + 0.3;
            b.ball(
                v(
                    angle.cos() * berry_ring,
                    first_top + h * 0.03,
                    angle.sin() * berry_ring,
                ),
                thin(h * 0.045, extent),
            )
        })
        .collect();
    b.part(Accents, BERRY, Material::Cloth, false, berries);
    let flame_h = h * 0.08;
    let candle_top = h - flame_h;
    let candle_r = thin(h * 0.025, extent);
    let spots: Vec<(f32, f32)> = (0..3)
        .map(|k| {
            let angle = TAU * k as f32 / 3.0 + FRAC_PI_2;
            (angle.cos() * upper * 0.5, angle.sin() * upper * 0.5)
        })
        .collect();
    let candles = spots
        .iter()
        .map(|&(x, z)| {
            b.cylinder(
                v(x, (second_top + candle_top) * 0.5, z),
                candle_r,
                (candle_top - second_top) * 0.5,
            )
        })
        .collect();
    b.part(Pole, CANDLE, Material::Plastic, false, candles);
    let flames = spots
        .iter()
        .map(|&(x, z)| {
            b.cone(
                v(x, candle_top + flame_h * 0.5, z),
                candle_r * 1.3,
                h * 0.004,
                flame_h * 0.5,
            )
        })
        .collect();
    b.part(Flame, FLAME, Material::Crystal, false, flames);
}

/// A loaf of bread: a domed crust on a squared foot, three scores across the top.
pub(super) fn bread(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(1.1..1.3) * b.width;
    let half_w = h * b.vary(0.6..0.7) * b.width;
    let turn = b.vary(0.4..0.6);

    let body = vec![
        b.ellipsoid(v(0.0, h * 0.4, 0.0), v(half_l, h * 0.6, half_w))
            .clipped_below(0.0),
        b.cuboid(
            v(0.0, h * 0.2, 0.0),
            v(half_l * 0.9, h * 0.2, half_w * 0.92),
        ),
    ];
    b.part(Body, CRUST, Material::Cloth, true, body);
    let scores = [-0.45f32, 0.0, 0.45]
        .iter()
        .map(|&t| {
            let surface = h * 0.4 + h * 0.6 * (1.0 - t * t).sqrt();
            b.ellipsoid(
                v(half_l * t, surface - h * 0.01, 0.0),
                v(h * 0.09, h * 0.05, half_w * 0.5),
            )
            .rotated(Quat::from_rotation_y(turn))
        })
        .collect();
    b.part(Accents, FLOUR, Material::Cloth, false, scores);
}

/// A ring doughnut lying flat: its icing over the top half and eight sprinkles.
pub(super) fn donut(b: &mut Builder) {
    let h = b.height;
    let major = h * b.vary(0.95..1.1) * b.width;
    let turn = b.vary(0.0..TAU);

    let minor = h * 0.45;
    let icing_y = minor + h * 0.02;
    let icing_minor = minor * 1.06;
    let icing = b
        .ring(v(0.0, icing_y, 0.0), major, icing_minor)
        .clipped_below(minor + h * 0.04);
    b.part(Top, ICING, Material::Cloth, true, vec![icing]);
    let dough = b.ring(v(0.0, minor, 0.0), major, minor);
    b.part(Body, DOUGH, Material::Cloth, false, vec![dough]);
    let extent = 2.0 * (major + minor);
    let sprinkle_r = thin(h * 0.045, extent);
    let sprinkles = (0..8)
        .map(|k| {
            let angle = turn + TAU * k as f32 / 8.0;
            let offset = if k % 2 == 0 { 0.3 } else { -0.3 } * minor;
            let radius = major + offset;
            let y = icing_y + (icing_minor * icing_minor - offset * offset).sqrt();
            let center = v(angle.cos() * radius, y, angle.sin() * radius);
            let along = angle + FRAC_PI_2 + 0.7 * k as f32;
            let direction = v(along.cos(), 0.0, along.sin()) * h * 0.09;
            b.rod(center - direction, center + direction, sprinkle_r)
        })
        .collect();
    b.part(Accents, SPRINKLES, Material::Plastic, false, sprinkles);
}

/// An ice-cream cone: two scoops on a wafer cone standing on its tip, a cherry on top.
pub(super) fn icecream(b: &mut Builder) {
    let h = b.height;
    let cone_h = h * b.vary(0.46..0.52);
    let lean = b.vary(-0.04..0.04);

    let cherry = h * 0.05;
    let r = (h - cone_h - 1.6 * cherry) / 2.4;
    let round = r * 1.15 * b.width;
    let first = cone_h + r * 0.45;
    let second = first + r * 1.1;
    let scoops = vec![
        b.ellipsoid(v(0.0, first, 0.0), v(round, r, round)),
        b.ellipsoid(
            v(lean * h, second, 0.0),
            v(round * 0.85, r * 0.85, round * 0.85),
        ),
    ];
    b.part(Body, SCOOP, Material::Cloth, true, scoops);
    let extent = h.max(2.0 * round);
    let cone = vec![
        b.cone(
            v(0.0, cone_h * 0.5, 0.0),
            h * 0.015,
            round * 0.95,
            cone_h * 0.5,
        ),
        b.ring(v(0.0, cone_h, 0.0), round * 0.93, thin(h * 0.03, extent)),
    ];
    b.part(Base, WAFER, Material::Cloth, false, cone);
    let top = b.ball(v(lean * h, h - cherry, 0.0), cherry);
    b.part(Accents, BERRY, Material::Cloth, false, vec![top]);
}

/// A burger: bottom bun, patty, a slice of cheese turned to show its corners, lettuce, and
/// a domed top bun with sesame seeds.
pub(super) fn burger(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.55..0.65) * b.width;
    let turn = b.vary(0.0..FRAC_PI_2);

    let dome = h * 0.48;
    let extent = (2.2 * r).max(h);
    let buns = vec![
        b.cylinder(v(0.0, h * 0.1, 0.0), r, h * 0.1),
        b.ellipsoid(v(0.0, dome, 0.0), v(r, h - dome, r))
            .clipped_below(dome),
    ];
    b.part(Body, BUN, Material::Cloth, true, buns);
    let patty = b.cylinder(v(0.0, h * 0.29, 0.0), r * 1.04, h * 0.09);
    b.part(Base, PATTY, Material::Cloth, false, vec![patty]);
    let cheese = b
        .cuboid(
            v(0.0, h * 0.405, 0.0),
            v(r * 0.78, thin(h * 0.025, extent), r * 0.78),
        )
        .rotated(Quat::from_rotation_y(turn));
    b.part(Trim, CHEESE, Material::Cloth, false, vec![cheese]);
    let lettuce = b.ring(v(0.0, h * 0.46, 0.0), r * 1.02, h * 0.05);
    b.part(Leaves, LETTUCE, Material::Cloth, false, vec![lettuce]);
    let seeds = (0..5)
        .map(|k| {
            let angle = TAU * k as f32 / 5.0 + turn;
            let out: f32 = 0.45;
            let y = dome + (h - dome) * (1.0 - out * out).sqrt();
            b.ellipsoid(
                v(angle.cos() * r * out, y, angle.sin() * r * out),
                v(h * 0.06, thin(h * 0.032, extent), thin(h * 0.035, extent)),
            )
            .rotated(Quat::from_rotation_y(-angle))
        })
        .collect();
    b.part(Accents, SESAME, Material::Cloth, false, seeds);
}
