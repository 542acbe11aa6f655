//! Props: the things that furnish a game world's camps, smithies and graveyards.

use std::f32::consts::{FRAC_PI_2, FRAC_PI_4, PI, TAU};

use glam::Quat;

use super::{DARK_WOOD, STONE, WOOD, cone_between, disc_z, footprint, thin, v};
use crate::shapes::Builder;
use crate::vocab::{Material, PartSlot::*};

const BURLAP: [u8; 3] = [185, 155, 105];
const ROPE: [u8; 3] = [120, 85, 50];
const FLAME: [u8; 3] = [250, 140, 30];
const IRON: [u8; 3] = [55, 55, 60];
const POTION: [u8; 3] = [90, 220, 80];
const BRONZE: [u8; 3] = [185, 130, 60];
const EARTH: [u8; 3] = [95, 120, 55];

/// A wooden crate: a box inside a frame of corner posts and top rails, a diagonal brace across
/// the front and the back.
pub(super) fn crate_(b: &mut Builder) {
    let h = b.height;
    let half_x = h * b.vary(0.5..0.6) * b.width;
    let half_z = h * b.vary(0.48..0.55) * b.width;

    let p = h * 0.06;
    let body = b.cuboid(
        v(0.0, h * 0.5 - p * 0.3, 0.0),
        v(half_x - p * 0.6, h * 0.5 - p * 0.3, half_z - p * 0.6),
    );
    b.part(Body, WOOD, Material::Wood, true, vec![body]);
    let mut frame: Vec<_> = footprint(4, half_x - p, half_z - p)
        .iter()
        .map(|&(x, z)| b.cuboid(v(x, h * 0.5, z), v(p, h * 0.5, p)))
        .collect();
    for z in [-1.0f32, 1.0] {
        frame.push(b.cuboid(v(0.0, h - p, z * (half_z - p)), v(half_x - 2.0 * p, p, p)));
    }
    for x in [-1.0f32, 1.0] {
        frame.push(b.cuboid(v(x * (half_x - p), h - p, 0.0), v(p, p, half_z - 2.0 * p)));
    }
    for z in [-1.0f32, 1.0] {
        let face = z * (half_z - p * 0.8);
        frame.push(b.rod(
            v(-half_x + 2.5 * p, 1.5 * p, face),
            v(half_x - 2.5 * p, h - 2.5 * p, face),
            p * 0.8,
        ));
    }
    b.part(Trim, DARK_WOOD, Material::Wood, true, frame);
}

/// A sack: a bulging body flat on the ground, a gathered neck with a tuft above, and a tie.
pub(super) fn sack(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.36..0.42) * b.width;
    let lean = h * b.vary(-0.06..0.06);
    let tuft = b.vary(0.8..1.1);

    let body = vec![
        b.ellipsoid(v(0.0, h * 0.3, 0.0), v(r, h * 0.36, r * 0.9))
            .clipped_below(0.0),
        b.ellipsoid(
            v(lean * 0.5, h * 0.52, 0.0),
            v(r * 0.72, h * 0.22, r * 0.66),
        ),
    ];
    b.part(Body, BURLAP, Material::Cloth, true, body);
    let neck = vec![
        b.cone(v(lean, h * 0.74, 0.0), r * 0.42, r * 0.22, h * 0.06),
        b.ellipsoid(
            v(lean, h * 0.91, 0.0),
            v(r * 0.42 * tuft, h * 0.09, r * 0.36 * tuft),
        ),
    ];
    b.part(Pole, BURLAP, Material::Cloth, true, neck);
    let tie = b.ring(
        v(lean, h * 0.8, 0.0),
        r * 0.22,
        thin(h * 0.03, h.max(2.0 * r)),
    );
    b.part(Trim, ROPE, Material::Cloth, false, vec![tie]);
}

/// A signpost: a square post with a pointed cap, three arrow boards pointing different ways,
/// and a mound of earth at its foot.
pub(super) fn signpost(b: &mut Builder) {
    let h = b.height;
    let board_l = h * b.vary(0.32..0.4) * b.width;
    let mound_r = h * b.vary(0.14..0.18) * b.width;
    let turns = [b.vary(0.0..TAU), b.vary(-0.9..0.9), b.vary(-0.9..0.9)];

    let post = h * 0.035 * b.width.sqrt();
    let post_top = h * 0.94;
    let pole = b.cuboid(v(0.0, post_top * 0.5, 0.0), v(post, post_top * 0.5, post));
    b.part(Pole, WOOD, Material::Wood, true, vec![pole]);
    let t = thin(h * 0.012, h.max(2.0 * board_l));
    let board_h = h * 0.045;
    let mut signs = Vec::new();
    for (i, turn) in turns.iter().enumerate() {
        let angle = if i == 0 {
            *turn
        } else {
            turns[0] + turn + PI * (i % 2) as f32
        };
        let turned = Quat::from_rotation_y(angle);
        let y = h * (0.84 - 0.13 * i as f32);
        signs.push(
            b.cuboid(
                turned * v(board_l * 0.45, 0.0, 0.0) + v(0.0, y, 0.0),
                v(board_l * 0.5, board_h, t),
            )
            .rotated(turned),
        );
        signs.push(
            b.cuboid(
                turned * v(board_l * 0.95, 0.0, 0.0) + v(0.0, y, 0.0),
                v(board_h * 0.7, board_h * 0.7, t),
            )
            .rotated(turned * Quat::from_rotation_z(FRAC_PI_4)),
        );
    }
    b.part(Top, [175, 130, 80], Material::Wood, true, signs);
    let cap_h = h - post_top;
    let cap = b.cone(
        v(0.0, post_top + cap_h * 0.5, 0.0),
        post * 1.4,
        h * 0.004,
        cap_h * 0.5,
    );
    b.part(Cap, DARK_WOOD, Material::Wood, false, vec![cap]);
    let mound = b
        .ellipsoid(v(0.0, 0.0, 0.0), v(mound_r, h * 0.07, mound_r))
        .clipped_below(0.0);
    b.part(Base, EARTH, Material::Stone, false, vec![mound]);
}

/// A campfire: flames rising from four logs leant together, inside a ring of eight stones.
pub(super) fn campfire(b: &mut Builder) {
    let h = b.height;
    let ring_r = h * b.vary(0.45..0.55) * b.width;
    let stone_r = h * b.vary(0.09..0.11) * b.width.sqrt();
    let turn = b.vary(0.0..TAU);
    let log_top = h * b.vary(0.35..0.45);

    let base = h * 0.04;
    let (c, s) = (turn.cos(), turn.sin());
    let flames = vec![
        b.cone(
            v(0.0, (base + h) * 0.5, 0.0),
            ring_r * 0.35,
            h * 0.006,
            (h - base) * 0.5,
        ),
        b.cone(
            v(c * ring_r * 0.22, base + h * 0.32, s * ring_r * 0.22),
            ring_r * 0.22,
            h * 0.006,
            h * 0.32,
        ),
        b.cone(
            v(-c * ring_r * 0.22, base + h * 0.27, -s * ring_r * 0.22),
            ring_r * 0.22,
            h * 0.006,
            h * 0.27,
        ),
    ];
    b.part(Flame, FLAME, Material::Crystal, true, flames);
    let log_r = h * 0.05 * b.width.sqrt();
    let logs = (0..4)
        .map(|k| {
            let angle = turn + FRAC_PI_4 + FRAC_PI_2 * k as f32;
            let (c, s) = (angle.cos(), angle.sin());
            b.rod(
                v(c * ring_r * 0.65, log_r, s * ring_r * 0.65),
                v(c * ring_r * 0.08, log_top, s * ring_r * 0.08),
                log_r,
            )
        })
        .collect();
    b.part(Trunk, DARK_WOOD, Material::Wood, false, logs);
    let stones = (0..8)
        .map(|k| {
            let angle = turn + TAU * k as f32 / 8.0;
            b.ellipsoid(
                v(angle.cos() * ring_r, stone_r * 0.65, angle.sin() * ring_r),
                v(stone_r * 1.15, stone_r * 0.75, stone_r),
            )
            .rotated(Quat::from_rotation_y(-(angle + FRAC_PI_2)))
        })
        .collect();
    b.part(Base, STONE, Material::Stone, false, stones);
}

/// An anvil on its wooden block: foot, waist and face, and the horn to the front.
pub(super) fn anvil(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(0.45..0.55) * b.width;
    let half_w = h * b.vary(0.1..0.12) * b.width;
    let block_h = h * b.vary(0.45..0.52);
    let block_r = h * b.vary(0.26..0.32) * b.width;

    let a = h - block_h;
    let y = |t: f32| block_h + a * t;
    let body = vec![
        b.cuboid(
            v(-half_l * 0.1, y(0.125), 0.0),
            v(half_l * 0.5, a * 0.125, half_w * 1.4),
        ),
        b.cuboid(
            v(-half_l * 0.1, y(0.4), 0.0),
            v(half_l * 0.28, a * 0.15, half_w * 0.75),
        ),
        b.cuboid(
            v(-half_l * 0.15, y(0.775), 0.0),
            v(half_l * 0.65, a * 0.225, half_w),
        ),
    ];
    b.part(Body, IRON, Material::Metal, true, body);
    let horn = cone_between(
        b,
        v(half_l * 0.5, y(0.78), 0.0),
        v(half_l * 1.05, y(0.86), 0.0),
        a * 0.2,
        h * 0.01,
    );
    b.part(Head, IRON, Material::Metal, true, vec![horn]);
    let block = b.cylinder(v(0.0, block_h * 0.5, 0.0), block_r, block_h * 0.5);
    b.part(Base, WOOD, Material::Wood, false, vec![block]);
}

/// A witch's cauldron: a round iron pot on three legs, its rim and ear handles, and a potion
/// bubbling over the top.
pub(super) fn cauldron(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.46..0.54) * b.width;
    let leg_h = h * b.vary(0.1..0.14);
    let count = b.count(Legs, 3);

    let ry = (h * 0.81 - leg_h) / 1.7;
    let y_c = leg_h + ry;
    let rim_y = y_c + 0.7 * ry;
    let rim_r = r * 0.714;
    let extent = h.max(2.0 * r);
    let pot = b.ellipsoid(v(0.0, y_c, 0.0), v(r, ry, r));
    b.part(Body, IRON, Material::Metal, true, vec![pot]);
    let rim = b.ring(v(0.0, rim_y, 0.0), rim_r, thin(h * 0.045, extent));
    b.part(Trim, IRON, Material::Metal, true, vec![rim]);
    let potion = vec![
        b.ellipsoid(v(0.0, rim_y, 0.0), v(rim_r * 0.92, h * 0.1, rim_r * 0.92))
            .clipped_below(rim_y - h * 0.02),
        b.ball(v(r * 0.2, h - h * 0.09, 0.0), h * 0.09),
        b.ball(v(-r * 0.25, rim_y + h * 0.06, r * 0.1), h * 0.05),
    ];
    b.part(Accents, POTION, Material::Crystal, false, potion);
    let leg_r = h * 0.05 * b.width.sqrt();
    let legs = footprint(count, 1.0, 1.0)
        .iter()
        .map(|&(c, s)| {
            b.rod(
                v(c * r * 0.5, y_c - ry * 0.6, s * r * 0.5),
                v(c * r * 0.65, leg_r, s * r * 0.65),
                leg_r,
            )
        })
        .collect();
    b.part(Legs, IRON, Material::Metal, true, legs);
    let ear = h * 0.07;
    let handles = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.ring(
                v(side * (r * 0.95 + ear), y_c + 0.35 * ry, 0.0),
                ear,
                thin(h * 0.022, extent),
            )
            .rotated(Quat::from_rotation_x(FRAC_PI_2))
        })
        .collect();
    b.part(Handle, IRON, Material::Metal, true, handles);
}

/// A hand torch: a tapering stick, a wrapped head with a band, and a tall flame.
pub(super) fn torch(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.045..0.055) * b.width;
    let head_h = h * b.vary(0.14..0.18);
    let flame_h = h * b.vary(0.24..0.3);

    let head_top = h - flame_h;
    let stick_top = head_top - head_h * 0.5;
    let stick = b.cone(v(0.0, stick_top * 0.5, 0.0), r * 0.65, r, stick_top * 0.5);
    b.part(Handle, WOOD, Material::Wood, true, vec![stick]);
    let head = vec![
        b.cylinder(v(0.0, stick_top, 0.0), r * 1.7, head_h * 0.5),
        b.ring(
            v(0.0, stick_top - head_h * 0.3, 0.0),
            r * 1.7,
            thin(h * 0.02, h),
        ),
    ];
    b.part(Head, [120, 100, 80], Material::Cloth, false, head);
    let flame_y = head_top + flame_h * 0.25;
    let flame = vec![
        b.ball(v(0.0, flame_y, 0.0), r * 1.6),
        b.cone(
            v(0.0, (flame_y + h) * 0.5, 0.0),
            r * 1.55,
            h * 0.004,
            (h - flame_y) * 0.5,
        ),
    ];
    b.part(Flame, FLAME, Material::Crystal, false, flame);
}

/// A bell hung from the beam of a wooden frame: flared body and crown, lip, and clapper.
pub(super) fn bell(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.36..0.44) * b.width;
    let bell_r = h * b.vary(0.2..0.24) * b.width.sqrt();
    let bell_h = h * b.vary(0.4..0.46);

    let beam_h = h * 0.1;
    let beam_bottom = h - beam_h;
    let mouth = beam_bottom - bell_h;
    let shoulder = mouth + bell_h * 0.72;
    let body = vec![
        b.cone(
            v(0.0, (mouth + shoulder) * 0.5, 0.0),
            bell_r,
            bell_r * 0.58,
            (shoulder - mouth) * 0.5,
        ),
        b.ellipsoid(
            v(0.0, shoulder, 0.0),
            v(bell_r * 0.58, bell_h * 0.28, bell_r * 0.58),
        ),
    ];
    b.part(Body, BRONZE, Material::Metal, true, body);
    let extent = h.max(2.0 * half_w);
    let lip = b.ring(
        v(0.0, mouth + h * 0.03, 0.0),
        bell_r * 0.97,
        thin(h * 0.035, extent),
    );
    b.part(Trim, BRONZE, Material::Metal, true, vec![lip]);
    let clapper = b.ball(v(0.0, mouth - h * 0.03, 0.0), h * 0.055);
    b.part(Accents, IRON, Material::Metal, false, vec![clapper]);
    let post = h * 0.05 * b.width.sqrt();
    let mut frame: Vec<_> = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.cuboid(
                v(side * half_w, beam_bottom * 0.5, 0.0),
                v(post, beam_bottom * 0.5, post),
            )
        })
        .collect();
    frame.push(b.cuboid(
        v(0.0, h - beam_h * 0.5, 0.0),
        v(half_w + post * 1.5, beam_h * 0.5, post * 1.2),
    ));
    for side in [-1.0f32, 1.0] {
        frame.push(b.cuboid(
            v(side * half_w, h * 0.03, 0.0),
            v(post * 1.2, h * 0.03, h * 0.22 * b.width),
        ));
    }
    b.part(Pole, DARK_WOOD, Material::Wood, false, frame);
}

/// A ladder: two rails, a little wider at the foot, and eight rungs.
pub(super) fn ladder(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.075..0.095) * b.width;
    let flare = b.vary(1.0..1.2);

    let rail_r = thin(h * 0.022 * b.width.sqrt(), h);
    let rung_r = thin(h * 0.012 * b.width.sqrt(), h);
    let x_at = |y: f32| half_w * (flare + (1.0 - flare) * y / h);
    let rails = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.rod(
                v(side * x_at(rail_r), rail_r, 0.0),
                v(side * x_at(h - rail_r), h - rail_r, 0.0),
                rail_r,
            )
        })
        .collect();
    b.part(Pole, WOOD, Material::Wood, true, rails);
    let rungs = (0..8)
        .map(|i| {
            let y = h * (0.09 + 0.11 * i as f32);
            b.rod(v(-x_at(y), y, 0.0), v(x_at(y), y, 0.0), rung_r)
        })
        .collect();
    b.part(Trim, WOOD, Material::Wood, true, rungs);
}

/// A gravestone: a slab with a round top on a plinth, a cross carved proud of its face, and
/// the grave's mound in front.
pub(super) fn gravestone(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.26..0.32) * b.width;
    let half_d = h * b.vary(0.06..0.08) * b.width.sqrt();
    let mound_l = h * b.vary(0.75..0.95) * b.width;

    let base_h = h * 0.1;
    let slab_top = h - half_w;
    let slab = vec![
        b.cuboid(
            v(0.0, (base_h + slab_top) * 0.5, 0.0),
            v(half_w, (slab_top - base_h) * 0.5, half_d),
        ),
        disc_z(b, v(0.0, slab_top, 0.0), half_w, half_d).clipped_below(slab_top),
    ];
    b.part(Body, [130, 130, 125], Material::Stone, true, slab);
    let base = b.cuboid(
        v(0.0, base_h * 0.5, 0.0),
        v(half_w * 1.2, base_h * 0.5, half_d * 1.8),
    );
    b.part(Base, STONE, Material::Stone, false, vec![base]);
    let cross_y = slab_top - h * 0.08;
    let extent = h.max(mound_l * 2.0 + half_d * 2.0);
    let proud = thin(h * 0.04, extent);
    let bar = thin(h * 0.035, extent);
    let cross = vec![
        b.cuboid(v(0.0, cross_y - h * 0.06, half_d), v(bar, h * 0.17, proud)),
        b.cuboid(v(0.0, cross_y, half_d), v(half_w * 0.4, bar, proud)),
    ];
    b.part(Accents, [90, 90, 88], Material::Stone, false, cross);
    let mound = b
        .ellipsoid(
            v(0.0, 0.0, half_d * 1.8 + mound_l),
            v(half_w * 0.9, h * 0.12, mound_l),
        )
        .clipped_below(0.0);
    b.part(Blanket, EARTH, Material::Cloth, false, vec![mound]);
}
