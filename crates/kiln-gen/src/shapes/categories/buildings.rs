//! Buildings and landmarks.

use std::f32::consts::{FRAC_PI_2, FRAC_PI_4};

use glam::Quat;

use super::{DARK_WOOD, GOLD, ROOF, STONE, WHITE, WOOD, slab_between, thin, v};
use crate::shapes::Builder;
use crate::vocab::{Material, PartSlot::*};

const WATER: [u8; 3] = [60, 140, 210];
const MARBLE: [u8; 3] = [230, 228, 220];
const IRON: [u8; 3] = [45, 45, 50];
const CANVAS: [u8; 3] = [200, 180, 130];
const SAND: [u8; 3] = [215, 185, 120];
const LIGHT: [u8; 3] = [255, 230, 120];
const RED: [u8; 3] = [200, 30, 35];

/// A castle: four round corner towers joined by curtain walls around a square keep, cone
/// roofs, battlements front and back, and a gate.
pub(super) fn castle(b: &mut Builder) {
    let h = b.height;
    let half = h * b.vary(0.45..0.55) * b.width;
    let tower_r = h * b.vary(0.09..0.11) * b.width.sqrt();
    let tower_h = h * b.vary(0.48..0.56);
    let wall_h = tower_h * b.vary(0.6..0.7);
    let keep_h = h * b.vary(0.58..0.66);

    let wall_t = h * 0.05;
    let keep_half = half * 0.42;
    let corners = [(-1.0f32, -1.0f32), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)];
    let mut body: Vec<_> = corners
        .iter()
        .map(|&(x, z)| b.cylinder(v(x * half, tower_h * 0.5, z * half), tower_r, tower_h * 0.5))
        .collect();
    for side in [-1.0f32, 1.0] {
        body.push(b.cuboid(
            v(0.0, wall_h * 0.5, side * half),
            v(half, wall_h * 0.5, wall_t),
        ));
    }
    for side in [-1.0f32, 1.0] {
        body.push(b.cuboid(
            v(side * half, wall_h * 0.5, 0.0),
            v(wall_t, wall_h * 0.5, half),
        ));
    }
    body.push(b.cuboid(
        v(0.0, keep_h * 0.5, -half * 0.15),
        v(keep_half, keep_h * 0.5, keep_half),
    ));
    b.part(Body, STONE, Material::Stone, true, body);
    let spire_h = h * 0.24;
    let mut roofs: Vec<_> = corners
        .iter()
        .map(|&(x, z)| {
            b.cone(
                v(x * half, tower_h + spire_h * 0.5, z * half),
                tower_r * 1.25,
                tower_r * 0.15,
                spire_h * 0.5,
            )
        })
        .collect();
    roofs.push(b.cone(
        v(0.0, (keep_h + h) * 0.5, -half * 0.15),
        keep_half * 1.2,
        keep_half * 0.12,
        (h - keep_h) * 0.5,
    ));
    b.part(Roof, [60, 80, 160], Material::Ceramic, false, roofs);
    let merlon = h * 0.04;
    let merlons = [-1.0f32, 1.0]
        .iter()
        .flat_map(|&side| {
            [-0.55f32, 0.0, 0.55].map(|x| {
                b.cuboid(
                    v(x * half, wall_h + merlon, side * half),
                    v(half * 0.12, merlon, wall_t * 1.2),
                )
            })
        })
        .collect();
    b.part(Trim, STONE, Material::Stone, true, merlons);
    let gate_h = wall_h * 0.62;
    let gate = b.cuboid(
        v(0.0, gate_h * 0.5, half + wall_t * 0.5),
        v(half * 0.2, gate_h * 0.5, wall_t * 1.2),
    );
    b.part(Door, DARK_WOOD, Material::Wood, false, vec![gate]);
}

/// A windmill: a tapering tower, a domed cap, four sails on a hub at the front, a door and a
/// window.
pub(super) fn windmill(b: &mut Builder) {
    let h = b.height;
    let base_r = h * b.vary(0.15..0.19) * b.width;
    let body_h = h * b.vary(0.6..0.66);
    let spin = b.vary(0.0..FRAC_PI_2);

    let top_r = base_r * 0.7;
    let body = b.cone(v(0.0, body_h * 0.5, 0.0), base_r, top_r, body_h * 0.5);
    b.part(Body, WHITE, Material::Stone, true, vec![body]);
    let cap_h = h * 0.13;
    let cap = b
        .ellipsoid(v(0.0, body_h, 0.0), v(top_r * 1.15, cap_h, top_r * 1.15))
        .clipped_below(body_h);
    b.part(Roof, ROOF, Material::Wood, false, vec![cap]);
    // The sails turn in front of the cap; the longest reaches the object's height.
    let hub = v(0.0, body_h + cap_h * 0.3, top_r * 1.15 + h * 0.04);
    let up = (0..4)
        .map(|k| (spin + FRAC_PI_2 * k as f32).cos())
        .fold(0.0f32, f32::max);
    let length = (h - hub.y) / up;
    let extent = h.max(2.0 * length);
    let sail_t = thin(h * 0.012, extent);
    let mut sails = vec![b.ball(hub, h * 0.045)];
    for k in 0..4 {
        let angle = spin + FRAC_PI_2 * k as f32;
        let direction = v(-angle.sin(), angle.cos(), 0.0);
        sails.push(
            b.cuboid(
                hub + direction * length * 0.55,
                v(h * 0.055, length * 0.45, sail_t),
            )
            .rotated(Quat::from_rotation_z(angle)),
        );
    }
    b.part(Sail, [235, 225, 200], Material::Cloth, false, sails);
    let door_h = h * 0.09;
    let door = vec![
        b.cuboid(
            v(0.0, door_h, base_r * 0.97),
            v(base_r * 0.28, door_h, h * 0.03),
        ),
        b.cuboid(
            v(0.0, body_h * 0.55, (base_r + top_r) * 0.5),
            v(base_r * 0.16, h * 0.04, h * 0.03),
        ),
    ];
    b.part(Door, DARK_WOOD, Material::Wood, false, door);
}

/// A wishing well: a round stone wall with water inside, two posts and a beam under a gable
/// roof, and a bucket on its rope.
pub(super) fn well(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.26..0.32) * b.width;
    let wall_h = h * b.vary(0.3..0.36);
    let roof_h = h * b.vary(0.2..0.25);

    // Two stacked rings, their hole at least two fifths of the well across.
    let m = (wall_h * 0.25).min(r * 0.3);
    let wall = [m, 3.0 * m]
        .iter()
        .map(|&y| b.ring(v(0.0, y, 0.0), r - m, m))
        .collect();
    b.part(Body, STONE, Material::Stone, true, wall);
    let post = h * 0.035;
    let post_top = h - roof_h;
    let beam_y = wall_h + (post_top - wall_h) * 0.7;
    let mut frame: Vec<_> = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.cuboid(
                v(side * (r - m), post_top * 0.5, 0.0),
                v(post, post_top * 0.5, post),
            )
        })
        .collect();
    frame.push(b.rod(
        v(-(r - m) - post * 2.0, beam_y, 0.0),
        v(r - m + post * 2.0, beam_y, 0.0),
        post * 0.8,
    ));
    b.part(Pole, WOOD, Material::Wood, false, frame);
    let roof = b
        .cuboid(
            v(0.0, post_top, 0.0),
            v(
                r * 1.15,
                roof_h * std::f32::consts::FRAC_1_SQRT_2,
                roof_h * std::f32::consts::FRAC_1_SQRT_2,
            ),
        )
        .rotated(Quat::from_rotation_x(FRAC_PI_4))
        .clipped_below(post_top - post);
    b.part(Roof, ROOF, Material::Wood, false, vec![roof]);
    let hole = r - 2.0 * m;
    let bucket_h = h * 0.07;
    let bucket_y = wall_h + bucket_h * 1.6;
    let extent = h.max(2.0 * r);
    let accents = vec![
        b.ellipsoid(
            v(0.0, wall_h * 0.5, 0.0),
            v(hole * 1.05, h * 0.05, hole * 1.05),
        ),
        b.rod(
            v(0.0, bucket_y + bucket_h, 0.0),
            v(0.0, beam_y, 0.0),
            thin(h * 0.01, extent),
        ),
        b.cylinder(v(0.0, bucket_y, 0.0), h * 0.06, bucket_h),
    ];
    b.part(Accents, WATER, Material::Glass, false, accents);
}

/// A ridge tent: two sloping canvas sides, a pole at each end standing above the ridge, and
/// door flaps half closing the front.
pub(super) fn tent(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.6..0.75) * b.width;
    let half_l = h * b.vary(0.85..1.05) * b.width;
    let flap = b.vary(0.35..0.5);

    let ridge = h * 0.9;
    let extent = h.max(2.0 * half_l).max(2.0 * half_w);
    let t = thin(h * 0.03, extent);
    let sides = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            slab_between(b, v(side * half_w, 0.0, 0.0), v(0.0, ridge, 0.0), t, half_l)
                .clipped_below(0.0)
        })
        .collect();
    b.part(Body, CANVAS, Material::Cloth, true, sides);
    let pole_r = thin(h * 0.022, extent);
    let poles = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.rod(
                v(0.0, pole_r, side * half_l * 0.97),
                v(0.0, h - pole_r, side * half_l * 0.97),
                pole_r,
            )
        })
        .collect();
    b.part(Pole, DARK_WOOD, Material::Wood, false, poles);
    // Each flap covers the front from its side a fraction of the way in.
    let slope = (half_w * half_w + ridge * ridge).sqrt();
    let flaps = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            let inward = v(-side * ridge, -half_w, 0.0) / slope * (half_w * flap * 0.5);
            slab_between(
                b,
                v(side * half_w, 0.0, half_l) + inward,
                v(0.0, ridge, half_l) + inward,
                half_w * flap * 0.5,
                t,
            )
            .clipped_below(0.0)
        })
        .collect();
    b.part(Door, [170, 150, 105], Material::Cloth, false, flaps);
}

/// A fountain: a round basin of water, a column carrying a bowl, and a jet of water.
pub(super) fn fountain(b: &mut Builder) {
    let h = b.height;
    let basin_r = h * b.vary(0.7..0.85) * b.width;
    let basin_h = h * b.vary(0.18..0.24);
    let bowl_y = h * b.vary(0.55..0.62);
    let bowl_r = basin_r * b.vary(0.36..0.44);

    let m = basin_h * 0.5;
    let extent = (2.0 * basin_r).max(h);
    let basin = vec![
        b.ring(v(0.0, m, 0.0), basin_r - m, m),
        b.cylinder(v(0.0, basin_h * 0.2, 0.0), basin_r - m, basin_h * 0.2),
    ];
    b.part(Base, STONE, Material::Stone, true, basin);
    let column_r = h * 0.06 * b.width.sqrt();
    let column = b.cylinder(v(0.0, bowl_y * 0.5, 0.0), column_r, bowl_y * 0.5);
    b.part(Pole, STONE, Material::Stone, true, vec![column]);
    let bowl_d = h * 0.1;
    let rim = thin(h * 0.025, 2.0 * basin_r);
    let bowl = vec![
        b.cone(
            v(0.0, bowl_y - bowl_d * 0.5, 0.0),
            bowl_r * 0.3,
            bowl_r,
            bowl_d * 0.5,
        ),
        b.ring(v(0.0, bowl_y, 0.0), bowl_r * 0.96, rim),
    ];
    b.part(Top, STONE, Material::Stone, true, bowl);
    let jet_top = h * 0.06;
    let water = vec![
        b.cylinder(
            v(0.0, basin_h * 0.55, 0.0),
            basin_r - 1.8 * m,
            thin(basin_h * 0.15, extent),
        ),
        b.ellipsoid(
            v(0.0, bowl_y, 0.0),
            v(bowl_r * 0.85, thin(h * 0.04, extent), bowl_r * 0.85),
        )
        .clipped_below(bowl_y - thin(h * 0.01, extent)),
        b.cylinder(
            v(0.0, (bowl_y + h - jet_top) * 0.5, 0.0),
            thin(h * 0.025, 2.0 * basin_r),
            (h - jet_top - bowl_y) * 0.5,
        ),
        b.ball(v(0.0, h - jet_top, 0.0), jet_top),
    ];
    b.part(Accents, WATER, Material::Glass, false, water);
}

/// A statue: a figure on a plinth, one arm raised.
pub(super) fn statue(b: &mut Builder) {
    let h = b.height;
    let plinth_h = h * b.vary(0.25..0.32);
    let plinth = h * b.vary(0.16..0.2) * b.width;
    let raise = b.vary(0.15..0.45);
    let count = b.count(Legs, 2);

    let s = h - plinth_h;
    let w = b.width.sqrt();
    let y = |t: f32| plinth_h + s * t;
    let torso = b.cuboid(
        v(0.0, y(0.62), 0.0),
        v(s * 0.13 * w, s * 0.16, s * 0.08 * w),
    );
    b.part(Body, MARBLE, Material::Stone, true, vec![torso]);
    let head = b.ball(v(0.0, y(0.87), 0.0), s * 0.08);
    b.part(Head, MARBLE, Material::Stone, true, vec![head]);
    let arm_r = s * 0.04 * w;
    let shoulder = s * 0.15 * w;
    let arms = vec![
        b.rod(
            v(-shoulder, y(0.74), 0.0),
            v(-shoulder - s * 0.05, y(0.45), 0.0),
            arm_r,
        ),
        b.rod(
            v(shoulder, y(0.74), 0.0),
            v(
                shoulder + s * 0.26 * raise.sin(),
                y(0.74) + s * 0.26 * raise.cos() - arm_r,
                0.0,
            ),
            arm_r,
        ),
    ];
    b.part(Arms, MARBLE, Material::Stone, true, arms);
    let leg_r = s * 0.05 * w;
    let spread = s * 0.07 * w;
    let legs = (0..count)
        .map(|i| {
            let x = if count == 1 {
                0.0
            } else {
                -spread + 2.0 * spread * i as f32 / (count - 1) as f32
            };
            b.rod(v(x, y(0.0) + leg_r, 0.0), v(x, y(0.47), 0.0), leg_r)
        })
        .collect();
    b.part(Legs, MARBLE, Material::Stone, true, legs);
    let base = vec![
        b.cuboid(
            v(0.0, plinth_h * 0.42, 0.0),
            v(plinth, plinth_h * 0.42, plinth),
        ),
        b.cuboid(
            v(0.0, plinth_h * 0.92, 0.0),
            v(plinth * 1.12, plinth_h * 0.08, plinth * 1.12),
        ),
    ];
    b.part(Base, STONE, Material::Stone, false, base);
}

/// A wrought-iron gate between two stone posts: bars and rails, a gabled top rail, spikes on
/// the bars.
pub(super) fn gate(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.45..0.55) * b.width;
    let post = h * b.vary(0.055..0.07) * b.width.sqrt();
    let rise = h * b.vary(0.14..0.2);

    let extent = h.max(2.0 * (half_w + 2.0 * post));
    let bar_r = thin(h * 0.016, extent);
    let door_top = h * 0.92 - rise;
    let spike_h = h * 0.07;
    let bars_x: Vec<f32> = (0..6)
        .map(|i| -half_w + 2.0 * half_w * (i as f32 + 0.5) / 6.0)
        .collect();
    let crest = |x: f32| door_top + rise * (1.0 - x.abs() / half_w);
    let mut doors: Vec<_> = [h * 0.12, door_top * 0.55]
        .iter()
        .map(|&y| b.rod(v(-half_w, y, 0.0), v(half_w, y, 0.0), bar_r))
        .collect();
    doors.extend(
        bars_x
            .iter()
            .map(|&x| b.rod(v(x, h * 0.04, 0.0), v(x, crest(x), 0.0), bar_r)),
    );
    b.part(Door, IRON, Material::Metal, true, doors);
    let finial = post * 1.2;
    let post_h = h - 2.0 * finial;
    let mut posts: Vec<_> = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.cuboid(
                v(side * (half_w + post), post_h * 0.5, 0.0),
                v(post, post_h * 0.5, post),
            )
        })
        .collect();
    for side in [-1.0f32, 1.0] {
        posts.push(b.ball(v(side * (half_w + post), h - finial, 0.0), finial));
    }
    b.part(Pole, STONE, Material::Stone, false, posts);
    let top = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.rod(
                v(side * half_w, door_top, 0.0),
                v(0.0, door_top + rise, 0.0),
                bar_r * 1.3,
            )
        })
        .collect();
    b.part(Top, IRON, Material::Metal, true, top);
    let spikes = bars_x
        .iter()
        .map(|&x| {
            b.cone(
                v(x, crest(x) + spike_h * 0.5, 0.0),
                bar_r * 2.2,
                h * 0.004,
                spike_h * 0.5,
            )
        })
        .collect();
    b.part(Accents, GOLD, Material::Gold, false, spikes);
}

/// A lighthouse: a tapering tower on a base, striped, a gallery, the light, a roof and a door.
pub(super) fn lighthouse(b: &mut Builder) {
    let h = b.height;
    let base_r = h * b.vary(0.1..0.12) * b.width;
    let top_r = base_r * b.vary(0.6..0.7);
    let gallery_y = h * b.vary(0.7..0.76);

    let plinth_h = h * 0.05;
    let body = b.cone(
        v(0.0, (plinth_h + gallery_y) * 0.5, 0.0),
        base_r,
        top_r,
        (gallery_y - plinth_h) * 0.5,
    );
    b.part(Body, WHITE, Material::Stone, true, vec![body]);
    let radius_at = |y: f32| base_r + (top_r - base_r) * (y - plinth_h) / (gallery_y - plinth_h);
    let band = h * 0.05;
    let mut trim: Vec<_> = [0.3f32, 0.58]
        .iter()
        .map(|&t| {
            let y = plinth_h + (gallery_y - plinth_h) * t;
            b.cylinder(v(0.0, y, 0.0), radius_at(y - band) + h * 0.006, band)
        })
        .collect();
    trim.push(b.cylinder(v(0.0, gallery_y, 0.0), top_r * 1.5, h * 0.015));
    b.part(Trim, RED, Material::Stone, false, trim);
    let lantern_h = h * 0.1;
    let light = b.cylinder(
        v(0.0, gallery_y + lantern_h * 0.5, 0.0),
        top_r * 0.75,
        lantern_h * 0.5,
    );
    b.part(Shade, LIGHT, Material::Crystal, false, vec![light]);
    let roof_y = gallery_y + lantern_h;
    let roof = b.cone(
        v(0.0, (roof_y + h) * 0.5, 0.0),
        top_r * 0.95,
        top_r * 0.05,
        (h - roof_y) * 0.5,
    );
    b.part(Roof, RED, Material::Metal, false, vec![roof]);
    let door_h = h * 0.05;
    let door = b.cuboid(
        v(0.0, plinth_h + door_h, base_r),
        v(base_r * 0.28, door_h, h * 0.025),
    );
    b.part(Door, DARK_WOOD, Material::Wood, false, vec![door]);
    let base = b.cylinder(v(0.0, plinth_h * 0.5, 0.0), base_r * 1.4, plinth_h * 0.5);
    b.part(Base, STONE, Material::Stone, false, vec![base]);
}

/// An obelisk: a tall square shaft narrowing in two steps, a pointed tip, on a stepped base.
pub(super) fn obelisk(b: &mut Builder) {
    let h = b.height;
    let half = h * b.vary(0.055..0.07) * b.width;
    let base_h = h * b.vary(0.06..0.09);
    let tip_h = h * b.vary(0.07..0.1);

    let top = h - tip_h;
    let mid = base_h + (top - base_h) * 0.5;
    let shaft = vec![
        b.cuboid(
            v(0.0, (base_h + mid) * 0.5, 0.0),
            v(half, (mid - base_h) * 0.5, half),
        ),
        b.cuboid(
            v(0.0, (mid + top) * 0.5, 0.0),
            v(half * 0.85, (top - mid) * 0.5, half * 0.85),
        ),
    ];
    b.part(Body, [215, 200, 170], Material::Stone, true, shaft);
    let tip = b.cone(
        v(0.0, top + tip_h * 0.5, 0.0),
        half * 0.85,
        half * 0.04,
        tip_h * 0.5,
    );
    b.part(Cap, GOLD, Material::Gold, false, vec![tip]);
    let base = vec![
        b.cuboid(
            v(0.0, base_h * 0.25, 0.0),
            v(half * 2.6, base_h * 0.25, half * 2.6),
        ),
        b.cuboid(
            v(0.0, base_h * 0.75, 0.0),
            v(half * 1.8, base_h * 0.25, half * 1.8),
        ),
    ];
    b.part(Base, STONE, Material::Stone, false, base);
}

/// A step pyramid: square tiers narrowing to a capstone, an entrance at the foot.
pub(super) fn pyramid(b: &mut Builder) {
    let h = b.height;
    let half = h * b.vary(0.75..0.9) * b.width;
    let steps = b.pick(4..=6);

    let cap_h = h * 0.1;
    let step_h = (h - cap_h) / steps as f32;
    let tiers = (0..steps)
        .map(|i| {
            let size = half * (1.0 - 0.82 * i as f32 / steps as f32);
            b.cuboid(
                v(0.0, step_h * (i as f32 + 0.5), 0.0),
                v(size, step_h * 0.5, size),
            )
        })
        .collect();
    b.part(Body, SAND, Material::Stone, true, tiers);
    let top_half = half * (1.0 - 0.82 * (steps - 1) as f32 / steps as f32);
    let cap = b.cone(
        v(0.0, h - cap_h * 0.5, 0.0),
        top_half * 0.9,
        top_half * 0.05,
        cap_h * 0.5,
    );
    b.part(Cap, GOLD, Material::Gold, false, vec![cap]);
    let door = b.cuboid(
        v(0.0, step_h * 0.4, half),
        v(half * 0.1, step_h * 0.4, thin(h * 0.03, 2.0 * half)),
    );
    b.part(Door, [60, 45, 30], Material::Stone, false, vec![door]);
}
