//! Tools and weapons, standing upright like the sword and the axe.

use std::f32::consts::{FRAC_PI_2, FRAC_PI_3};

use glam::Quat;

use super::{DARK_WOOD, GOLD, METAL, WOOD, cone_between, thin, v};
use crate::shapes::Builder;
use crate::vocab::{Material, PartSlot::*};

const LEATHER: [u8; 3] = [100, 60, 35];
const STRING: [u8; 3] = [230, 225, 210];
const ORB: [u8; 3] = [120, 190, 255];
const STAR: [u8; 3] = [245, 210, 60];

/// A longbow standing on a tip: two limbs bending out to a wrapped grip, and the string.
pub(super) fn bow(b: &mut Builder) {
    let h = b.height;
    let depth = h * b.vary(0.14..0.2) * b.width;
    let bend = b.vary(0.7..0.8);

    let limb_r = thin(h * 0.02 * b.width.sqrt(), h);
    let low_tip = v(0.0, limb_r, 0.0);
    let high_tip = v(0.0, h - limb_r, 0.0);
    let low_mid = v(depth * bend, h * 0.22, 0.0);
    let high_mid = v(depth * bend, h * 0.78, 0.0);
    let grip_low = v(depth, h * 0.4, 0.0);
    let grip_high = v(depth, h * 0.6, 0.0);
    let limbs = [
        (low_tip, low_mid),
        (low_mid, grip_low),
        (grip_high, high_mid),
        (high_mid, high_tip),
    ]
    .iter()
    .map(|&(from, to)| b.rod(from, to, limb_r))
    .collect();
    b.part(Body, WOOD, Material::Wood, true, limbs);
    let grip = b.rod(grip_low, grip_high, limb_r * 1.6);
    b.part(Handle, LEATHER, Material::Cloth, false, vec![grip]);
    let string = b.rod(low_tip, high_tip, thin(h * 0.006, h));
    b.part(Trim, STRING, Material::Cloth, false, vec![string]);
}

/// A spear: a leaf-shaped head on a long shaft, a collar below the head and a butt cap.
pub(super) fn spear(b: &mut Builder) {
    let h = b.height;
    let head_l = h * b.vary(0.12..0.16);
    let head_w = h * b.vary(0.035..0.045) * b.width;

    let shaft_r = thin(h * 0.024 * b.width.sqrt(), h);
    let head = b.ellipsoid(
        v(0.0, h - head_l * 0.5, 0.0),
        v(head_w, head_l * 0.5, thin(h * 0.025 * b.width.sqrt(), h)),
    );
    b.part(Head, METAL, Material::Metal, true, vec![head]);
    let shaft_top = h - head_l * 0.8;
    let shaft = b.cylinder(v(0.0, shaft_top * 0.5, 0.0), shaft_r, shaft_top * 0.5);
    b.part(Handle, WOOD, Material::Wood, false, vec![shaft]);
    let band = h * 0.025;
    let trim = vec![
        b.cylinder(v(0.0, h - head_l - band, 0.0), shaft_r * 1.8, band),
        b.cylinder(v(0.0, band, 0.0), shaft_r * 1.5, band),
    ];
    b.part(Trim, METAL, Material::Metal, false, trim);
}

/// A wizard's staff: a crooked shaft ending in a ring that holds a glowing orb.
pub(super) fn staff(b: &mut Builder) {
    let h = b.height;
    let ring_r = h * b.vary(0.06..0.075) * b.width;
    let kink = h * b.vary(-0.03..0.03) * b.width;
    let orb = b.vary(0.6..0.72);

    let shaft_r = thin(h * 0.024 * b.width.sqrt(), h);
    let minor = thin(h * 0.018, h);
    let center = v(0.0, h - ring_r - minor, 0.0);
    let shaft = vec![
        b.rod(v(0.0, shaft_r, 0.0), v(kink, h * 0.5, 0.0), shaft_r),
        b.rod(v(kink, h * 0.5, 0.0), center - v(0.0, ring_r, 0.0), shaft_r),
    ];
    b.part(Handle, DARK_WOOD, Material::Wood, true, shaft);
    let ring = b
        .ring(center, ring_r, minor)
        .rotated(Quat::from_rotation_x(FRAC_PI_2));
    b.part(Head, DARK_WOOD, Material::Wood, true, vec![ring]);
    let ball = b.ball(center, ring_r * orb);
    b.part(Accents, ORB, Material::Crystal, false, vec![ball]);
}

/// A magic wand: a tapering shaft on a handle with a pommel, and a six-pointed star.
pub(super) fn wand(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.03..0.036) * b.width.sqrt();
    let star_r = h * b.vary(0.1..0.13) * b.width;
    let handle_h = h * b.vary(0.28..0.34);

    let star = v(0.0, h - star_r, 0.0);
    let shaft_top = star.y - star_r * 0.3;
    let shaft = b.cone(
        v(0.0, (handle_h + shaft_top) * 0.5, 0.0),
        r,
        r * 0.55,
        (shaft_top - handle_h) * 0.5,
    );
    b.part(Body, [40, 30, 35], Material::Wood, true, vec![shaft]);
    let handle = vec![
        b.cylinder(v(0.0, handle_h * 0.5, 0.0), r * 1.4, handle_h * 0.5),
        b.ball(v(0.0, r * 1.6, 0.0), r * 1.6),
    ];
    b.part(Handle, GOLD, Material::Gold, false, handle);
    let t = thin(h * 0.025, h);
    let mut points: Vec<_> = (0..3)
        .map(|k| {
            b.cuboid(star, v(star_r * 0.22, star_r, t))
                .rotated(Quat::from_rotation_z(FRAC_PI_3 * k as f32))
        })
        .collect();
    points.push(b.ball(star, star_r * 0.35));
    b.part(Accents, STAR, Material::Crystal, false, points);
}

/// A shovel standing on its blade: a rounded blade, the socket, a shaft and a D grip.
pub(super) fn shovel(b: &mut Builder) {
    let h = b.height;
    let blade_w = h * b.vary(0.11..0.13) * b.width;
    let blade_h = h * b.vary(0.22..0.26);
    let grip_r = h * b.vary(0.05..0.06) * b.width;

    let t = thin(h * 0.024 * b.width.sqrt(), h);
    let blade = vec![
        b.ellipsoid(v(0.0, blade_h * 0.4, 0.0), v(blade_w, blade_h * 0.4, t)),
        b.cuboid(v(0.0, blade_h * 0.7, 0.0), v(blade_w, blade_h * 0.3, t)),
    ];
    b.part(Head, METAL, Material::Metal, true, blade);
    let shaft_r = thin(h * 0.024 * b.width.sqrt(), h);
    let minor = thin(h * 0.018, h);
    let grip = v(0.0, h - grip_r - minor, 0.0);
    let shaft_top = grip.y - grip_r;
    let handle = vec![
        b.cylinder(
            v(0.0, (blade_h + shaft_top) * 0.5, 0.0),
            shaft_r,
            (shaft_top - blade_h) * 0.5,
        ),
        b.ring(grip, grip_r, minor)
            .rotated(Quat::from_rotation_x(FRAC_PI_2)),
    ];
    b.part(Handle, WOOD, Material::Wood, false, handle);
    let collar = cone_between(
        b,
        v(0.0, blade_h - h * 0.02, 0.0),
        v(0.0, blade_h + h * 0.1, 0.0),
        h * 0.04 * b.width.sqrt(),
        shaft_r * 1.2,
    );
    b.part(Trim, METAL, Material::Metal, false, vec![collar]);
}

/// A pickaxe: a handle and a head with two pointed arms drooping to either side.
pub(super) fn pickaxe(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.3..0.36) * b.width;
    let droop = h * b.vary(0.06..0.12);

    let head_h = h * 0.12;
    let hub = v(0.0, h - head_h * 0.5, 0.0);
    let arm_r = h * 0.045;
    let mut head = vec![b.cuboid(hub, v(h * 0.05, head_h * 0.5, h * 0.05 * b.width.sqrt()))];
    for side in [-1.0f32, 1.0] {
        head.push(cone_between(
            b,
            hub,
            v(side * half_w, hub.y - droop, 0.0),
            arm_r,
            h * 0.008,
        ));
    }
    b.part(Head, METAL, Material::Metal, true, head);
    let handle = b.cylinder(
        v(0.0, hub.y * 0.5, 0.0),
        thin(h * 0.025 * b.width.sqrt(), h),
        hub.y * 0.5,
    );
    b.part(Handle, WOOD, Material::Wood, false, vec![handle]);
}

/// A scythe: a long, bent snath with two grips, and a long curved blade at the top.
pub(super) fn scythe(b: &mut Builder) {
    let h = b.height;
    let blade_l = h * b.vary(0.45..0.55) * b.width;
    let blade_h = h * b.vary(0.1..0.13);
    let bend = h * b.vary(0.03..0.08) * b.width;

    let t = thin(h * 0.02, h);
    let base = h - blade_h;
    let blade = b
        .ellipsoid(v(blade_l * 0.5, base, 0.0), v(blade_l * 0.5, blade_h, t))
        .clipped_below(base);
    b.part(Head, METAL, Material::Metal, true, vec![blade]);
    let r = thin(h * 0.024 * b.width.sqrt(), h);
    let top = base + blade_h * 0.3;
    let x_at = |y: f32| {
        if y < h * 0.5 {
            bend * y / (h * 0.5)
        } else {
            bend * (1.0 - (y - h * 0.5) / (top - h * 0.5))
        }
    };
    let snath = vec![
        b.rod(v(0.0, r, 0.0), v(bend, h * 0.5, 0.0), r),
        b.rod(v(bend, h * 0.5, 0.0), v(0.0, top, 0.0), r),
    ];
    b.part(Handle, WOOD, Material::Wood, false, snath);
    let grips = [0.42f32, 0.7]
        .iter()
        .map(|&at| {
            let y = h * at;
            b.rod(
                v(x_at(y), y, 0.0),
                v(x_at(y), y + h * 0.03, h * 0.12 * b.width),
                r,
            )
        })
        .collect();
    b.part(Trim, WOOD, Material::Wood, false, grips);
}
