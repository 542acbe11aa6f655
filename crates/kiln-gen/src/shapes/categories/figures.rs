//! Stylised creatures and figures. Each faces +Z.

use glam::Quat;

use super::{DARK_WOOD, METAL, WHITE, cone_between, thin, v};
use crate::shapes::Builder;
use crate::vocab::{Material, PartSlot::*};

const BLACK: [u8; 3] = [25, 25, 28];
const CARROT: [u8; 3] = [235, 120, 20];
const SCARF: [u8; 3] = [200, 30, 35];
const ROBOT_EYES: [u8; 3] = [90, 220, 255];
const DUCK: [u8; 3] = [245, 210, 50];
const BEAK: [u8; 3] = [240, 130, 30];
const FISH: [u8; 3] = [240, 130, 40];
const FINS: [u8; 3] = [245, 175, 90];
const SHIRT: [u8; 3] = [60, 90, 160];
const SACKCLOTH: [u8; 3] = [200, 175, 120];
const STRAW: [u8; 3] = [225, 195, 95];
const FUR: [u8; 3] = [150, 100, 55];
const EARS: [u8; 3] = [95, 60, 35];

/// A snowman: three balls of snow, a top hat, a carrot nose, coal eyes and buttons, twig arms
/// and a scarf.
pub(super) fn snowman(b: &mut Builder) {
    let h = b.height;
    let squash = b.vary(0.92..1.05);
    let arm_up = b.vary(0.04..0.2);

    let w = b.width * squash;
    let (r1, r2, r3) = (h * 0.21, h * 0.15, h * 0.11);
    let y1 = r1;
    let y2 = 2.0 * r1 + 0.7 * r2;
    let y3 = y2 + r2 + 0.7 * r3;
    let hat = y3 + 0.8 * r3;
    let body = [(y1, r1), (y2, r2), (y3, r3)]
        .iter()
        .map(|&(y, r)| b.ellipsoid(v(0.0, y, 0.0), v(r * w, r, r * w)))
        .collect();
    b.part(Body, WHITE, Material::Cloth, true, body);
    let brim = h * 0.015;
    let cap = vec![
        b.cylinder(v(0.0, hat + brim, 0.0), r3 * 1.35 * w, brim),
        b.cylinder(v(0.0, (hat + h) * 0.5, 0.0), r3 * 0.8 * w, (h - hat) * 0.5),
    ];
    b.part(Cap, BLACK, Material::Cloth, false, cap);
    let front = |y: f32, x: f32, r: f32, center: f32| {
        let dy = y - center;
        w * (r * r - dy * dy - x * x).max(0.0).sqrt()
    };
    let mut accents = vec![cone_between(
        b,
        v(0.0, y3, r3 * w * 0.8),
        v(0.0, y3 - h * 0.01, r3 * w + h * 0.1),
        h * 0.03,
        h * 0.004,
    )];
    for side in [-1.0f32, 1.0] {
        let (x, y) = (h * 0.04, y3 + h * 0.035);
        accents.push(b.ball(v(side * x * w, y, front(y, x, r3, y3)), h * 0.02));
    }
    for dy in [0.06f32, -0.01, -0.08] {
        let y = y2 + h * dy;
        accents.push(b.ball(v(0.0, y, front(y, 0.0, r2, y2)), h * 0.022));
    }
    b.part(Accents, CARROT, Material::Cloth, false, accents);
    let arm_r = thin(h * 0.016, h);
    let arms = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.rod(
                v(side * r2 * w * 0.8, y2 + h * 0.03, 0.0),
                v(
                    side * (r2 * w + h * 0.22 * b.width),
                    y2 + h * (0.03 + arm_up),
                    0.0,
                ),
                arm_r,
            )
        })
        .collect();
    b.part(Arms, DARK_WOOD, Material::Wood, false, arms);
    let scarf = b.ring(v(0.0, y2 + r2 * 0.8, 0.0), h * 0.07 * w, h * 0.035);
    b.part(Trim, SCARF, Material::Cloth, false, vec![scarf]);
}

/// A boxy robot: a torso on two (or as many as asked) legs, arms with round hands, a head on
/// a neck, eyes and an antenna.
pub(super) fn robot(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.16..0.2) * b.width;
    let leg_h = h * b.vary(0.34..0.4);
    let head_s = h * b.vary(0.085..0.1);
    let count = b.count(Legs, 2);

    let w = b.width.sqrt();
    let antenna = h * 0.09;
    let neck = h * 0.03;
    let head_y = h - antenna - head_s;
    let torso_top = head_y - head_s - neck;
    let torso = b.cuboid(
        v(0.0, (leg_h + torso_top) * 0.5, 0.0),
        v(half_w, (torso_top - leg_h) * 0.5, half_w * 0.6),
    );
    b.part(Body, METAL, Material::Metal, true, vec![torso]);
    let head = vec![
        b.cuboid(
            v(0.0, head_y, 0.0),
            v(head_s * 1.1 * w, head_s, head_s * 0.9),
        ),
        b.cylinder(
            v(0.0, torso_top + neck * 0.5, 0.0),
            head_s * 0.45,
            neck * 0.5 + head_s * 0.1,
        ),
    ];
    b.part(Head, METAL, Material::Metal, true, head);
    let arm_r = h * 0.045 * w;
    let mut arms: Vec<_> = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.rod(
                v(side * (half_w + arm_r), torso_top - arm_r * 1.2, 0.0),
                v(side * (half_w + arm_r * 1.3), leg_h + h * 0.06, h * 0.04),
                arm_r,
            )
        })
        .collect();
    for side in [-1.0f32, 1.0] {
        arms.push(b.ball(
            v(side * (half_w + arm_r * 1.3), leg_h + h * 0.06, h * 0.04),
            arm_r * 1.5,
        ));
    }
    b.part(Arms, METAL, Material::Metal, true, arms);
    let spread = half_w * 0.55;
    let leg_w = (half_w * 0.9 / count as f32).min(h * 0.065 * w);
    let legs = (0..count)
        .map(|i| {
            let x = if count == 1 {
                0.0
            } else {
                -spread + 2.0 * spread * i as f32 / (count - 1) as f32
            };
            b.cuboid(v(x, leg_h * 0.5, 0.0), v(leg_w, leg_h * 0.5, leg_w * 1.2))
        })
        .collect();
    b.part(Legs, METAL, Material::Metal, true, legs);
    let face = head_s * 0.9;
    let mut accents: Vec<_> = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.ball(
                v(side * head_s * 0.45, head_y + head_s * 0.15, face),
                head_s * 0.22,
            )
        })
        .collect();
    let knob = h * 0.03;
    accents.push(b.rod(
        v(0.0, head_y + head_s, 0.0),
        v(0.0, h - knob, 0.0),
        thin(h * 0.012, h),
    ));
    accents.push(b.ball(v(0.0, h - knob, 0.0), knob));
    b.part(Accents, ROBOT_EYES, Material::Crystal, false, accents);
}

/// A duck sitting: a round body with a raised tail, head on a thick neck, a flat beak, and
/// wings folded at its sides.
pub(super) fn duck(b: &mut Builder) {
    let h = b.height;
    let body_l = h * b.vary(0.75..0.85) * b.width;
    let body_w = h * b.vary(0.45..0.52) * b.width;
    let head_r = h * b.vary(0.19..0.22);

    let body_y = h * 0.3;
    let body = vec![
        b.ellipsoid(v(0.0, body_y, 0.0), v(body_w, body_y, body_l)),
        b.ellipsoid(
            v(0.0, h * 0.45, -body_l * 0.9),
            v(body_w * 0.35, h * 0.08, h * 0.2),
        )
        .rotated(Quat::from_rotation_x(0.6)),
    ];
    b.part(Body, DUCK, Material::Plastic, true, body);
    let head_z = body_l * 0.55;
    let head = vec![
        b.ball(v(0.0, h - head_r, head_z), head_r),
        b.ellipsoid(
            v(0.0, h * 0.55, body_l * 0.47),
            v(head_r * 0.65, h * 0.2, head_r * 0.65),
        ),
    ];
    b.part(Head, DUCK, Material::Plastic, true, head);
    let beak = b.ellipsoid(
        v(0.0, h - head_r * 1.2, head_z + head_r * 0.95),
        v(head_r * 0.45, head_r * 0.18, head_r * 0.55),
    );
    b.part(Accents, BEAK, Material::Plastic, false, vec![beak]);
    let extent = (2.0 * body_l).max(h);
    let wings = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.ellipsoid(
                v(side * body_w * 0.9, body_y + h * 0.06, -h * 0.05),
                v(thin(h * 0.05, extent), h * 0.14, body_l * 0.55),
            )
            .rotated(Quat::from_rotation_x(0.2))
        })
        .collect();
    b.part(Wings, DUCK, Material::Plastic, true, wings);
}

/// A fish: a long body, a forked tail, dorsal, belly and side fins, and two eyes.
pub(super) fn fish(b: &mut Builder) {
    let h = b.height;
    let body_l = h * b.vary(1.2..1.5) * b.width;
    let body_w = h * b.vary(0.2..0.25) * b.width;
    let spread = b.vary(0.45..0.65);

    let extent = (2.0 * body_l + h * 0.5).max(h);
    let fin_t = thin(h * 0.035, extent);
    let body = b.ellipsoid(v(0.0, h * 0.45, 0.0), v(body_w, h * 0.36, body_l));
    b.part(Body, FISH, Material::Plastic, true, vec![body]);
    let root = v(0.0, h * 0.45, -body_l * 0.95);
    let lobe = h * 0.24;
    let tail = [1.0f32, -1.0]
        .iter()
        .map(|&side| {
            let direction = v(0.0, side * spread.sin(), -spread.cos());
            b.ellipsoid(
                root + direction * lobe,
                v(body_w * 0.4, h * 0.08, lobe * 1.1),
            )
            .rotated(Quat::from_rotation_x(side * spread))
        })
        .collect();
    b.part(Tail, FINS, Material::Plastic, false, tail);
    let mut fins = vec![
        b.ellipsoid(v(0.0, h * 0.78, -h * 0.05), v(fin_t, h * 0.22, h * 0.35))
            .clipped_below(h * 0.7),
        b.ellipsoid(
            v(0.0, h * 0.14, -body_l * 0.3),
            v(fin_t, h * 0.14, h * 0.18),
        ),
    ];
    for side in [-1.0f32, 1.0] {
        fins.push(
            b.ellipsoid(
                v(side * body_w * 0.95, h * 0.35, body_l * 0.35),
                v(fin_t, h * 0.08, h * 0.16),
            )
            .rotated(Quat::from_rotation_y(side * 0.5)),
        );
    }
    b.part(Sail, FINS, Material::Plastic, false, fins);
    let eyes = [-1.0f32, 1.0]
        .iter()
        .map(|&side| b.ball(v(side * body_w * 0.72, h * 0.55, body_l * 0.68), h * 0.06))
        .collect();
    b.part(Accents, BLACK, Material::Plastic, false, eyes);
}

/// A scarecrow: a shirt with outstretched sleeves on a pole, a sack head, a pointed hat with
/// a wide brim, and straw at the cuffs.
pub(super) fn scarecrow(b: &mut Builder) {
    let h = b.height;
    let arm_span = h * b.vary(0.38..0.46) * b.width;
    let body_w = h * b.vary(0.14..0.17) * b.width;
    let hat_r = h * b.vary(0.15..0.19) * b.width.sqrt();

    let w = b.width.sqrt();
    let sleeve_y = h * 0.62;
    let sleeve_r = h * 0.05 * w;
    let mut body = vec![b.cuboid(v(0.0, h * 0.52, 0.0), v(body_w, h * 0.16, body_w * 0.6))];
    for side in [-1.0f32, 1.0] {
        body.push(b.rod(
            v(0.0, sleeve_y, 0.0),
            v(side * arm_span, sleeve_y, 0.0),
            sleeve_r,
        ));
    }
    b.part(Body, SHIRT, Material::Cloth, true, body);
    let extent = h.max(2.0 * arm_span);
    let pole = b.cylinder(v(0.0, h * 0.38, 0.0), thin(h * 0.025 * w, extent), h * 0.38);
    b.part(Pole, DARK_WOOD, Material::Wood, false, vec![pole]);
    let head = b.ball(v(0.0, h * 0.76, 0.0), h * 0.09);
    b.part(Head, SACKCLOTH, Material::Cloth, false, vec![head]);
    let brim_y = h * 0.835;
    let brim = thin(h * 0.012, extent);
    let cap = vec![
        b.cylinder(v(0.0, brim_y, 0.0), hat_r, brim),
        b.cone(
            v(0.0, (brim_y + h) * 0.5, 0.0),
            h * 0.085,
            h * 0.02,
            (h - brim_y) * 0.5,
        ),
    ];
    b.part(Cap, [150, 110, 60], Material::Cloth, false, cap);
    let straw = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            cone_between(
                b,
                v(side * arm_span, sleeve_y, 0.0),
                v(side * (arm_span + h * 0.08), sleeve_y - h * 0.06, 0.0),
                sleeve_r * 1.1,
                h * 0.015,
            )
        })
        .collect();
    b.part(Accents, STRAW, Material::Cloth, false, straw);
}

/// A dog standing: a long body on four (or as many as asked) legs, a head on a neck with a
/// snout, floppy ears, and a raised tail.
pub(super) fn dog(b: &mut Builder) {
    let h = b.height;
    let body_l = h * b.vary(0.5..0.6) * b.width;
    let body_r = h * b.vary(0.16..0.19) * b.width.sqrt();
    let leg_h = h * b.vary(0.36..0.42);
    let tail_up = b.vary(0.5..1.0);
    let count = b.count(Legs, 4);

    let w = b.width.sqrt();
    let body_y = leg_h + body_r * 0.7;
    let body = b.ellipsoid(v(0.0, body_y, 0.0), v(body_r, body_r, body_l));
    b.part(Body, FUR, Material::Cloth, true, vec![body]);
    let leg_r = h * 0.055 * w;
    let rows = count.div_ceil(2);
    let legs = (0..count)
        .map(|i| {
            let side = if i % 2 == 0 { -1.0 } else { 1.0 };
            let row = i / 2;
            let z = if rows == 1 {
                0.0
            } else {
                body_l * 0.65 * (1.0 - 2.0 * row as f32 / (rows - 1) as f32)
            };
            let x = side * body_r * 0.55;
            b.rod(v(x, leg_r, z), v(x, body_y, z), leg_r)
        })
        .collect();
    b.part(Legs, FUR, Material::Cloth, true, legs);
    let head_r = h * 0.15;
    let head_y = h - head_r;
    let head_z = body_l * 0.9;
    let head = vec![
        b.ball(v(0.0, head_y, head_z), head_r),
        b.ellipsoid(
            v(0.0, head_y - h * 0.04, head_z + head_r * 0.9),
            v(h * 0.07 * w, h * 0.06, h * 0.1),
        ),
        b.rod(
            v(0.0, body_y + body_r * 0.3, body_l * 0.7),
            v(0.0, head_y - head_r * 0.3, head_z),
            h * 0.08 * w,
        ),
    ];
    b.part(Head, FUR, Material::Cloth, true, head);
    let root = v(0.0, body_y + body_r * 0.4, -body_l * 0.9);
    let tail = b.rod(
        root,
        root + v(0.0, tail_up.sin(), -tail_up.cos()) * h * 0.22,
        thin(h * 0.035 * w, (2.0 * body_l).max(h)),
    );
    b.part(Tail, FUR, Material::Cloth, true, vec![tail]);
    let ears = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.ellipsoid(
                v(side * head_r * 0.85, head_y - h * 0.02, head_z - h * 0.02),
                v(h * 0.035, h * 0.1, h * 0.06),
            )
        })
        .collect();
    b.part(Accents, EARS, Material::Cloth, false, ears);
}
