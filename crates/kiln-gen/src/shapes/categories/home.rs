//! Furniture and things of the home.

use std::f32::consts::FRAC_PI_2;

use glam::Quat;

use super::{DARK_WOOD, GOLD, METAL, WHITE, WOOD, disc_z, footprint, legs, thin, v};
use crate::shapes::Builder;
use crate::vocab::{Material, PartSlot::*};

const UPHOLSTERY: [u8; 3] = [70, 95, 150];
const BLACK: [u8; 3] = [25, 25, 28];
const BRICK: [u8; 3] = [165, 80, 60];
const FLAME: [u8; 3] = [250, 140, 30];
const WAX: [u8; 3] = [245, 238, 215];
const MIRROR: [u8; 3] = [205, 215, 225];
const BOOKS: [u8; 3] = [150, 45, 45];

/// A sofa for three: a base on short legs, seat cushions, a back and two arms.
pub(super) fn sofa(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(1.1..1.35) * b.width;
    let half_d = h * b.vary(0.48..0.56) * b.width.sqrt();
    let seat_y = h * b.vary(0.46..0.54);
    let arm_y = h * b.vary(0.66..0.76);
    let cushions = b.pick(2..=3);
    let count = b.count(Legs, 4);

    let extent = (2.0 * half_w).max(h);
    let leg_h = 2.0 * thin(h * 0.05, extent);
    let leg_r = thin(h * 0.045, extent);
    let arm_w = h * 0.13 * b.width.sqrt();
    let back_t = h * 0.13 * b.width.sqrt();
    let cushion_t = h * 0.12;
    let base_top = seat_y - cushion_t;
    let base = b.cuboid(
        v(0.0, (leg_h + base_top) * 0.5, 0.0),
        v(half_w, (base_top - leg_h) * 0.5, half_d),
    );
    let inner = half_w - 2.0 * arm_w;
    let mut seat = vec![base];
    for i in 0..cushions {
        let each = inner / cushions as f32;
        let x = -inner + each * (2 * i + 1) as f32;
        seat.push(b.cuboid(
            v(x, seat_y - cushion_t * 0.5, back_t),
            v(each * 0.96, cushion_t * 0.5, half_d - back_t),
        ));
    }
    b.part(Seat, UPHOLSTERY, Material::Cloth, true, seat);
    let back = b.cuboid(
        v(0.0, (base_top + h) * 0.5, -half_d + back_t),
        v(half_w, (h - base_top) * 0.5, back_t),
    );
    b.part(Back, UPHOLSTERY, Material::Cloth, true, vec![back]);
    let arms = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.cuboid(
                v(side * (half_w - arm_w), (leg_h + arm_y) * 0.5, 0.0),
                v(arm_w, (arm_y - leg_h) * 0.5, half_d),
            )
        })
        .collect();
    b.part(Arms, UPHOLSTERY, Material::Cloth, true, arms);
    let legs = legs(
        b,
        count,
        half_w - leg_r * 1.5,
        half_d - leg_r * 1.5,
        leg_h,
        leg_r,
    );
    b.part(Legs, DARK_WOOD, Material::Wood, false, legs);
}

/// A wardrobe: a tall box on short legs with two doors, their knobs, and a cornice.
pub(super) fn wardrobe(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.26..0.34) * b.width;
    let half_d = h * b.vary(0.14..0.18) * b.width.sqrt();
    let leg_h = h * b.vary(0.05..0.08);
    let count = b.count(Legs, 4);

    let cornice_h = h * 0.05;
    let body_top = h - cornice_h;
    let body = b.cuboid(
        v(0.0, (leg_h + body_top) * 0.5, 0.0),
        v(half_w, (body_top - leg_h) * 0.5, half_d),
    );
    b.part(Body, WOOD, Material::Wood, true, vec![body]);
    let door_h = (body_top - leg_h) * 0.46;
    let door_t = h * 0.025;
    let doors = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.cuboid(
                v(side * half_w * 0.5, (leg_h + body_top) * 0.5, half_d),
                v(half_w * 0.46, door_h, door_t),
            )
        })
        .collect();
    b.part(Door, DARK_WOOD, Material::Wood, true, doors);
    let knobs = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.ball(
                v(
                    side * half_w * 0.12,
                    (leg_h + body_top) * 0.5,
                    half_d + door_t,
                ),
                h * 0.025,
            )
        })
        .collect();
    b.part(Handle, GOLD, Material::Gold, false, knobs);
    let cornice = b.cuboid(
        v(0.0, h - cornice_h * 0.5, 0.0),
        v(half_w * 1.06, cornice_h * 0.5, half_d * 1.1),
    );
    b.part(Top, DARK_WOOD, Material::Wood, true, vec![cornice]);
    let legs = legs(b, count, half_w * 0.88, half_d * 0.8, leg_h, h * 0.03);
    b.part(Legs, DARK_WOOD, Material::Wood, true, legs);
}

/// A bookcase: sides, back, top and plinth, three or four shelves, and a row of books on
/// every shelf.
pub(super) fn bookshelf(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.24..0.3) * b.width;
    let half_d = h * b.vary(0.09..0.11) * b.width.sqrt();
    let shelves = b.pick(3..=4);
    let fills: Vec<f32> = (0..5).map(|_| b.vary(0.45..0.9)).collect();

    let t = h * 0.018;
    let plinth = h * 0.06;
    let mut frame = Vec::new();
    for side in [-1.0f32, 1.0] {
        frame.push(b.cuboid(v(side * (half_w - t), h * 0.5, 0.0), v(t, h * 0.5, half_d)));
    }
    frame.push(b.cuboid(v(0.0, h * 0.5, -half_d + t), v(half_w, h * 0.5, t)));
    frame.push(b.cuboid(v(0.0, h - t, 0.0), v(half_w, t, half_d)));
    frame.push(b.cuboid(v(0.0, plinth * 0.5, 0.0), v(half_w, plinth * 0.5, half_d)));
    b.part(Body, WOOD, Material::Wood, true, frame);

    let inner = half_w - 2.0 * t;
    let floor = plinth;
    let ceiling = h - 2.0 * t;
    let gap = (ceiling - floor) / (shelves + 1) as f32;
    let boards = (1..=shelves)
        .map(|i| {
            b.cuboid(
                v(0.0, floor + gap * i as f32, 0.0),
                v(inner, t, half_d * 0.96),
            )
        })
        .collect();
    b.part(Top, WOOD, Material::Wood, true, boards);
    let books = (0..=shelves)
        .map(|i| {
            let bottom = floor + gap * i as f32 + if i == 0 { 0.0 } else { t };
            let tall = gap * 0.72;
            let fill = fills[i as usize];
            let side = if i % 2 == 0 { -1.0 } else { 1.0 };
            b.cuboid(
                v(side * inner * (1.0 - fill), bottom + tall * 0.5, t * 0.5),
                v(inner * fill, tall * 0.5, half_d * 0.8),
            )
        })
        .collect();
    b.part(Accents, BOOKS, Material::Cloth, false, books);
}

/// A candle in a dish with a finger loop, and its flame.
pub(super) fn candle(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.11..0.15) * b.width;
    let dish_r = r * b.vary(2.0..2.5);
    let wax_top = h * b.vary(0.68..0.76);

    let dish_h = h * 0.07;
    let wax = b.cylinder(
        v(0.0, (dish_h + wax_top) * 0.5, 0.0),
        r,
        (wax_top - dish_h) * 0.5,
    );
    b.part(Body, WAX, Material::Plastic, true, vec![wax]);
    let dish = vec![
        b.cylinder(v(0.0, dish_h * 0.5, 0.0), dish_r, dish_h * 0.5),
        b.ring(v(0.0, dish_h, 0.0), dish_r * 0.92, h * 0.025),
    ];
    b.part(Base, GOLD, Material::Metal, false, dish);
    let loop_r = h * 0.09;
    let handle = b
        .ring(
            v(dish_r + loop_r * 0.7, loop_r + h * 0.025, 0.0),
            loop_r,
            h * 0.025,
        )
        .rotated(Quat::from_rotation_x(FRAC_PI_2));
    b.part(Handle, GOLD, Material::Metal, false, vec![handle]);
    let flame_h = h - wax_top;
    let flame = vec![
        b.ball(v(0.0, wax_top + flame_h * 0.3, 0.0), r * 0.55),
        b.cone(
            v(0.0, wax_top + flame_h * 0.65, 0.0),
            r * 0.5,
            h * 0.004,
            flame_h * 0.35,
        ),
    ];
    b.part(Flame, FLAME, Material::Crystal, false, flame);
}

/// A grandfather clock: a base, a narrow case, and a hood with a round crest, its face and
/// pendulum on the front.
pub(super) fn clock(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.12..0.15) * b.width;
    let half_d = h * b.vary(0.08..0.1) * b.width.sqrt();
    let base_h = h * b.vary(0.18..0.24);
    let hood_h = h * b.vary(0.26..0.3);

    let crest_r = (half_w * 0.8).min(hood_h * 0.5);
    let hood_top = h - crest_r;
    let hood_bottom = h - hood_h;
    let waist = b.cuboid(
        v(0.0, (base_h + hood_bottom) * 0.5, 0.0),
        v(half_w * 0.82, (hood_bottom - base_h) * 0.5, half_d * 0.9),
    );
    b.part(Body, DARK_WOOD, Material::Wood, true, vec![waist]);
    let base = b.cuboid(
        v(0.0, base_h * 0.5, 0.0),
        v(half_w * 1.1, base_h * 0.5, half_d * 1.05),
    );
    b.part(Base, DARK_WOOD, Material::Wood, true, vec![base]);
    let hood = vec![
        b.cuboid(
            v(0.0, (hood_bottom + hood_top) * 0.5, 0.0),
            v(half_w, (hood_top - hood_bottom) * 0.5, half_d),
        ),
        disc_z(b, v(0.0, hood_top, 0.0), crest_r, half_d * 0.9).clipped_below(hood_top),
    ];
    b.part(Top, DARK_WOOD, Material::Wood, true, hood);
    let face_y = (hood_bottom + hood_top) * 0.5;
    let face = vec![
        disc_z(b, v(0.0, face_y, half_d), half_w * 0.78, h * 0.015),
        disc_z(
            b,
            v(0.0, base_h + (hood_bottom - base_h) * 0.3, half_d * 0.9),
            half_w * 0.45,
            h * 0.015,
        ),
    ];
    b.part(Accents, GOLD, Material::Gold, false, face);
}

/// A standing (cheval) mirror: an oval frame and glass between two uprights on feet.
pub(super) fn mirror(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.2..0.25) * b.width;
    let half_h = h * b.vary(0.3..0.35);
    let foot_l = h * b.vary(0.15..0.19) * b.width.sqrt();

    let t = h * 0.025;
    let center_y = h - half_h;
    let frame = b.ellipsoid(v(0.0, center_y, 0.0), v(half_w, half_h, t));
    b.part(Body, WOOD, Material::Wood, true, vec![frame]);
    let glass = b.ellipsoid(
        v(0.0, center_y, 0.0),
        v(half_w * 0.84, half_h * 0.88, t * 1.4),
    );
    b.part(Accents, MIRROR, Material::Silver, false, vec![glass]);
    let post_r = h * 0.022;
    let post_x = half_w + post_r * 2.5;
    let mut stand = Vec::new();
    for side in [-1.0f32, 1.0] {
        let x = side * post_x;
        stand.push(b.rod(
            v(x, h * 0.04, 0.0),
            v(x, center_y + half_h * 0.2, 0.0),
            post_r,
        ));
        stand.push(b.cuboid(v(x, h * 0.02, 0.0), v(post_r * 1.2, h * 0.02, foot_l)));
        stand.push(b.rod(
            v(x, center_y, 0.0),
            v(side * half_w * 0.9, center_y, 0.0),
            post_r * 0.8,
        ));
    }
    stand.push(b.rod(
        v(-post_x, h * 0.12, 0.0),
        v(post_x, h * 0.12, 0.0),
        post_r * 0.8,
    ));
    b.part(Base, WOOD, Material::Wood, true, stand);
}

/// A grand piano: a case rounded at the tail on three legs, its lid propped open, and the
/// keyboard at the front.
pub(super) fn piano(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.38..0.44) * b.width;
    let half_l = h * b.vary(0.42..0.52) * b.width;
    let leg_h = h * b.vary(0.38..0.43);
    let case_h = h * b.vary(0.17..0.21);
    let count = b.count(Legs, 3);

    let case_top = leg_h + case_h;
    let case_y = leg_h + case_h * 0.5;
    let body = vec![
        b.cuboid(v(0.0, case_y, 0.0), v(half_w, case_h * 0.5, half_l)),
        b.cylinder(v(0.0, case_y, -half_l), half_w, case_h * 0.5),
    ];
    b.part(Body, BLACK, Material::Wood, true, body);
    let leg_r = h * 0.04;
    let spots: Vec<(f32, f32)> = if count == 3 {
        vec![
            (-half_w * 0.8, half_l * 0.8),
            (half_w * 0.8, half_l * 0.8),
            (0.0, -half_l - half_w * 0.6),
        ]
    } else {
        footprint(count, half_w * 0.8, half_l * 0.9)
    };
    let legs = spots
        .iter()
        .map(|&(x, z)| b.cylinder(v(x, leg_h * 0.5, z), leg_r, leg_h * 0.5))
        .collect();
    b.part(Legs, BLACK, Material::Wood, true, legs);
    // The lid hinges along the left edge and rises to the object's height on the right.
    let lid_t = thin(h * 0.02, 2.0 * half_l + half_w);
    let rise = ((h - case_top - 2.0 * lid_t) / (2.0 * half_w)).clamp(0.05, 0.9);
    let angle = rise.asin();
    let lid_back = -half_l - half_w;
    let lid_front = half_l * 0.75;
    let hinge = v(-half_w, case_top, 0.0);
    let offset = Quat::from_rotation_z(angle) * v(half_w, lid_t, 0.0);
    let lid = b
        .cuboid(
            v(
                hinge.x + offset.x,
                hinge.y + offset.y,
                (lid_back + lid_front) * 0.5,
            ),
            v(half_w, lid_t, (lid_front - lid_back) * 0.5),
        )
        .rotated(Quat::from_rotation_z(angle));
    let prop_x = half_w * 0.75;
    let prop = b.rod(
        v(prop_x, case_top, 0.0),
        v(prop_x, case_top + (prop_x + half_w) * angle.tan(), 0.0),
        thin(h * 0.012, 2.0 * half_l + half_w),
    );
    b.part(Top, BLACK, Material::Wood, true, vec![lid, prop]);
    let keys_d = h * 0.08;
    let keys = b.cuboid(
        v(0.0, case_top - case_h * 0.35, half_l + keys_d),
        v(half_w * 0.9, case_h * 0.2, keys_d),
    );
    b.part(Accents, WHITE, Material::Plastic, false, vec![keys]);
}

/// A fireplace: a brick surround with its opening and chimney breast, a mantel shelf, a hearth
/// slab, logs and a fire.
pub(super) fn fireplace(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.5..0.6) * b.width;
    let half_d = h * b.vary(0.2..0.25) * b.width.sqrt();
    let mantel_y = h * b.vary(0.58..0.66);
    let open_w = half_w * b.vary(0.5..0.6);
    let open_h = mantel_y * b.vary(0.62..0.72);

    let hearth_h = h * 0.05;
    let jamb = (half_w - open_w) * 0.5;
    let mut body = Vec::new();
    for side in [-1.0f32, 1.0] {
        body.push(b.cuboid(
            v(side * (open_w + jamb), (hearth_h + mantel_y) * 0.5, 0.0),
            v(jamb, (mantel_y - hearth_h) * 0.5, half_d),
        ));
    }
    body.push(b.cuboid(
        v(0.0, (hearth_h + mantel_y) * 0.5, -half_d * 0.7),
        v(open_w, (mantel_y - hearth_h) * 0.5, half_d * 0.3),
    ));
    body.push(b.cuboid(
        v(0.0, (hearth_h + open_h + mantel_y) * 0.5, 0.0),
        v(open_w, (mantel_y - hearth_h - open_h) * 0.5, half_d),
    ));
    body.push(b.cuboid(
        v(0.0, (mantel_y + h) * 0.5, -half_d * 0.1),
        v(half_w * 0.72, (h - mantel_y) * 0.5, half_d * 0.9),
    ));
    b.part(Body, BRICK, Material::Stone, true, body);
    let mantel_t = h * 0.03;
    let mantel = b.cuboid(
        v(0.0, mantel_y + mantel_t, half_d * 0.1),
        v(half_w * 1.1, mantel_t, half_d * 1.2),
    );
    b.part(Top, DARK_WOOD, Material::Wood, false, vec![mantel]);
    let hearth = b.cuboid(
        v(0.0, hearth_h * 0.5, half_d * 0.4),
        v(half_w * 1.05, hearth_h * 0.5, half_d * 1.4),
    );
    b.part(Base, [150, 148, 140], Material::Stone, false, vec![hearth]);
    let log_r = h * 0.035;
    let logs = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.rod(
                v(-open_w * 0.7, hearth_h + log_r, side * half_d * 0.15),
                v(open_w * 0.7, hearth_h + log_r, -side * half_d * 0.15),
                log_r,
            )
        })
        .collect();
    b.part(Trunk, DARK_WOOD, Material::Wood, false, logs);
    let fire_h = open_h * 0.75;
    let flames = [(0.0f32, 1.0f32), (-0.4, 0.7), (0.4, 0.75)]
        .iter()
        .map(|&(x, tall)| {
            b.cone(
                v(open_w * x, hearth_h + fire_h * tall * 0.5, 0.05 * half_d),
                open_w * 0.3,
                h * 0.006,
                fire_h * tall * 0.5,
            )
        })
        .collect();
    b.part(Flame, FLAME, Material::Crystal, false, flames);
}

/// A clawfoot bathtub: floor and four walls around the hollow, on ball feet, with a tap.
pub(super) fn bathtub(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(1.1..1.3) * b.width;
    let half_w = h * b.vary(0.5..0.6) * b.width;
    let foot_h = h * b.vary(0.12..0.16);
    let count = b.count(Legs, 4);

    let rim = h * 0.86;
    let wall = h * 0.07;
    let floor_top = foot_h + h * 0.14;
    let mut body = vec![b.cuboid(
        v(0.0, (foot_h + floor_top) * 0.5, 0.0),
        v(half_l, (floor_top - foot_h) * 0.5, half_w),
    )];
    let wall_y = (foot_h + rim) * 0.5;
    let wall_h = (rim - foot_h) * 0.5;
    for side in [-1.0f32, 1.0] {
        body.push(b.cuboid(
            v(0.0, wall_y, side * (half_w - wall)),
            v(half_l, wall_h, wall),
        ));
    }
    for side in [-1.0f32, 1.0] {
        body.push(b.cuboid(
            v(side * (half_l - wall), wall_y, 0.0),
            v(wall, wall_h, half_w),
        ));
    }
    b.part(Body, WHITE, Material::Ceramic, true, body);
    let foot_r = foot_h * 0.55;
    let feet = footprint(count, half_l * 0.8, half_w * 0.7)
        .iter()
        .map(|&(x, z)| b.ball(v(x, foot_r, z), foot_r))
        .collect();
    b.part(Legs, GOLD, Material::Gold, false, feet);
    let tap_r = thin(h * 0.045, 2.0 * half_l);
    let tap_x = half_l - wall;
    let top = h - tap_r;
    let taps = vec![
        b.rod(v(tap_x, rim, 0.0), v(tap_x, top, 0.0), tap_r),
        b.rod(v(tap_x, top, 0.0), v(tap_x - h * 0.2, top, 0.0), tap_r),
    ];
    b.part(Accents, METAL, Material::Metal, false, taps);
}
