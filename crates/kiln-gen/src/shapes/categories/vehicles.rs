//! Vehicles: wheels, wings and rotors. Each faces +Z (its front) with its wheels' axles along
//! X; wheels are listed front to back, left before right.

use std::f32::consts::{FRAC_PI_2, PI};

use glam::Quat;

use super::{DARK_WOOD, METAL, WHITE, WOOD, cone_between, disc_x, disc_z, slab_between, thin, v};
use crate::shapes::Builder;
use crate::vocab::{Material, PartSlot::*};

const TYRE: [u8; 3] = [30, 30, 32];
const CAR: [u8; 3] = [200, 30, 35];
const GLASS: [u8; 3] = [150, 200, 225];
const LIGHTS: [u8; 3] = [250, 235, 170];
const TRUCK: [u8; 3] = [35, 80, 210];
const ENGINE: [u8; 3] = [30, 60, 45];
const PLANE: [u8; 3] = [235, 235, 230];
const BALLOON: [u8; 3] = [220, 60, 50];
const BASKET: [u8; 3] = [160, 120, 70];
const FLAME: [u8; 3] = [250, 140, 30];
const RED: [u8; 3] = [200, 30, 35];

/// A hand cart: an open box on two big wheels and an axle, two shafts resting on the ground.
pub(super) fn cart(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(0.55..0.7) * b.width;
    let half_w = h * b.vary(0.4..0.48) * b.width;
    let wheel_r = h * b.vary(0.32..0.38);
    let shaft_l = h * b.vary(0.8..1.0) * b.width;

    let extent = (2.0 * half_l + shaft_l).max(h);
    let board = thin(h * 0.03, extent);
    let floor_y = wheel_r * 0.9;
    let floor_t = thin(h * 0.04, extent);
    let side_h = (h - floor_y) * 0.5;
    let side_y = floor_y + side_h;
    let mut body = vec![b.cuboid(v(0.0, floor_y + floor_t, 0.0), v(half_w, floor_t, half_l))];
    for side in [-1.0f32, 1.0] {
        body.push(b.cuboid(
            v(side * (half_w - board), side_y, 0.0),
            v(board, side_h, half_l),
        ));
    }
    for side in [-1.0f32, 1.0] {
        body.push(b.cuboid(
            v(0.0, side_y, side * (half_l - board)),
            v(half_w, side_h, board),
        ));
    }
    b.part(Body, WOOD, Material::Wood, true, body);
    let wheel_t = thin(h * 0.04, extent);
    let wheel_x = half_w + wheel_t * 2.0;
    let mut wheels: Vec<_> = [-1.0f32, 1.0]
        .iter()
        .map(|&side| disc_x(b, v(side * wheel_x, wheel_r, 0.0), wheel_r, wheel_t))
        .collect();
    wheels.push(b.rod(
        v(-wheel_x, wheel_r, 0.0),
        v(wheel_x, wheel_r, 0.0),
        thin(h * 0.03, extent),
    ));
    b.part(Wheels, DARK_WOOD, Material::Wood, false, wheels);
    let shaft_r = thin(h * 0.05, extent);
    let shafts = [-1.0f32, 1.0]
        .iter()
        .map(|&side| {
            b.rod(
                v(side * half_w * 0.6, floor_y + floor_t, half_l),
                v(side * half_w * 0.35, shaft_r, half_l + shaft_l),
                shaft_r,
            )
        })
        .collect();
    b.part(Handle, WOOD, Material::Wood, true, shafts);
}

/// A car: a low body, a cabin with a band of windows, four wheels, head and tail lights.
pub(super) fn car(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(1.3..1.5) * b.width;
    let half_w = h * b.vary(0.55..0.62) * b.width;
    let wheel_r = h * b.vary(0.2..0.24);
    let body_top = h * b.vary(0.52..0.6);
    let cabin = b.vary(0.45..0.55);

    let bottom = wheel_r * 0.6;
    let body = b.cuboid(
        v(0.0, (bottom + body_top) * 0.5, 0.0),
        v(half_w, (body_top - bottom) * 0.5, half_l),
    );
    b.part(Body, CAR, Material::Metal, true, vec![body]);
    let cabin_z = -half_l * 0.1;
    let cabin_h = h - body_top;
    let roof = b.cuboid(
        v(0.0, body_top + cabin_h * 0.5, cabin_z),
        v(half_w * 0.84, cabin_h * 0.5, half_l * cabin),
    );
    b.part(Roof, CAR, Material::Metal, true, vec![roof]);
    let wheel_t = h * 0.1 * b.width.sqrt();
    let wheels = [1.0f32, -1.0]
        .iter()
        .flat_map(|&z| {
            [-1.0f32, 1.0].map(|x| {
                disc_x(
                    b,
                    v(x * (half_w - wheel_t * 0.4), wheel_r, z * half_l * 0.62),
                    wheel_r,
                    wheel_t,
                )
            })
        })
        .collect();
    b.part(Wheels, TYRE, Material::Plastic, false, wheels);
    let windows = b.cuboid(
        v(0.0, body_top + cabin_h * 0.45, cabin_z),
        v(half_w * 0.88, cabin_h * 0.28, half_l * cabin + h * 0.04),
    );
    b.part(Door, GLASS, Material::Glass, false, vec![windows]);
    let light_y = bottom + (body_top - bottom) * 0.6;
    let lights = [1.0f32, -1.0]
        .iter()
        .flat_map(|&z| {
            [-1.0f32, 1.0].map(|x| b.ball(v(x * half_w * 0.65, light_y, z * half_l), h * 0.07))
        })
        .collect();
    b.part(Accents, LIGHTS, Material::Crystal, false, lights);
}

/// A lorry: a cab at the front, a tall cargo box behind on a chassis, six wheels, windscreen,
/// bumper and headlights.
pub(super) fn truck(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(1.05..1.25) * b.width;
    let half_w = h * b.vary(0.36..0.42) * b.width;
    let wheel_r = h * b.vary(0.15..0.18);
    let cab_len = half_l * b.vary(0.5..0.62);
    let cab_top = h * b.vary(0.72..0.8);

    let chassis_bottom = wheel_r * 0.9;
    let chassis_top = wheel_r * 1.6;
    let cab_back = half_l - cab_len;
    let cargo_front = cab_back - h * 0.04;
    let cargo = b.cuboid(
        v(0.0, (chassis_top + h) * 0.5, (cargo_front - half_l) * 0.5),
        v(
            half_w,
            (h - chassis_top) * 0.5,
            (cargo_front + half_l) * 0.5,
        ),
    );
    b.part(Body, WHITE, Material::Metal, true, vec![cargo]);
    let cab = b.cuboid(
        v(
            0.0,
            (chassis_bottom + cab_top) * 0.5,
            half_l - cab_len * 0.5,
        ),
        v(
            half_w * 0.96,
            (cab_top - chassis_bottom) * 0.5,
            cab_len * 0.5,
        ),
    );
    b.part(Head, TRUCK, Material::Metal, true, vec![cab]);
    let chassis = b.cuboid(
        v(0.0, (chassis_bottom + chassis_top) * 0.5, 0.0),
        v(half_w * 0.8, (chassis_top - chassis_bottom) * 0.5, half_l),
    );
    b.part(Base, [60, 60, 65], Material::Metal, false, vec![chassis]);
    let wheel_t = h * 0.07 * b.width.sqrt();
    let wheels = [half_l - cab_len * 0.5, -half_l * 0.42, -half_l * 0.75]
        .iter()
        .flat_map(|&z| {
            [-1.0f32, 1.0].map(|x| {
                disc_x(
                    b,
                    v(x * (half_w - wheel_t * 0.5), wheel_r, z),
                    wheel_r,
                    wheel_t,
                )
            })
        })
        .collect();
    b.part(Wheels, TYRE, Material::Plastic, false, wheels);
    let extent = (2.0 * half_l).max(h);
    let glass_h = (cab_top - chassis_top) * 0.22;
    let glass_t = thin(h * 0.03, extent);
    let windscreen = b.cuboid(
        v(0.0, cab_top - glass_h * 1.3, half_l),
        v(half_w * 0.8, glass_h, glass_t),
    );
    b.part(Door, GLASS, Material::Glass, false, vec![windscreen]);
    let front = half_l + glass_t;
    let accents = vec![
        b.cuboid(
            v(0.0, chassis_bottom + h * 0.04, front),
            v(half_w, h * 0.045, glass_t),
        ),
        b.ball(v(-half_w * 0.65, chassis_top + h * 0.05, half_l), h * 0.05),
        b.ball(v(half_w * 0.65, chassis_top + h * 0.05, half_l), h * 0.05),
    ];
    b.part(Accents, LIGHTS, Material::Metal, false, accents);
}

/// A steam locomotive: boiler with its smokebox and dome, a cab at the back, a chimney,
/// six wheels, and a frame with a cowcatcher.
pub(super) fn train(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(1.1..1.3) * b.width;
    let half_w = h * b.vary(0.3..0.36) * b.width;
    let wheel_r = h * b.vary(0.15..0.18);
    let boiler_r = h * b.vary(0.2..0.24) * b.width.sqrt();
    let cab_len = half_l * b.vary(0.55..0.65);

    // A short, wide engine keeps its boiler low enough for the chimney and dome.
    let boiler_r = boiler_r.min(half_w).min(h * 0.26);
    let extent = (2.0 * half_l + h * 0.25).max(h);

    let frame_bottom = wheel_r * 0.8;
    let frame_top = wheel_r * 1.45;
    let cab_front = -half_l + cab_len;
    let boiler_y = frame_top + boiler_r;
    let boiler = vec![
        b.cylinder(
            v(0.0, boiler_y, (half_l + cab_front) * 0.5),
            boiler_r,
            (half_l - cab_front) * 0.5,
        )
        .rotated(Quat::from_rotation_x(FRAC_PI_2)),
        disc_z(
            b,
            v(0.0, boiler_y, half_l - h * 0.04),
            boiler_r * 1.08,
            thin(h * 0.04, extent),
        ),
        b.ball(
            v(0.0, boiler_y + boiler_r, (half_l + cab_front) * 0.45),
            boiler_r * 0.45,
        ),
    ];
    b.part(Body, ENGINE, Material::Metal, true, boiler);
    let roof_t = 2.0 * thin(h * 0.02, extent);
    let cab = vec![
        b.cuboid(
            v(
                0.0,
                (frame_top + h - roof_t) * 0.5,
                (cab_front - half_l) * 0.5,
            ),
            v(half_w, (h - roof_t - frame_top) * 0.5, cab_len * 0.5),
        ),
        b.cuboid(
            v(0.0, h - roof_t * 0.5, (cab_front - half_l) * 0.5),
            v(half_w * 1.08, roof_t * 0.5, cab_len * 0.56),
        ),
    ];
    b.part(Head, ENGINE, Material::Metal, true, cab);
    let chimney_z = half_l - boiler_r * 0.9;
    let chimney_bottom = boiler_y + boiler_r * 0.8;
    let chimney_top = h * 0.9;
    let chimney = b.cone(
        v(0.0, (chimney_bottom + chimney_top) * 0.5, chimney_z),
        h * 0.07,
        h * 0.1,
        (chimney_top - chimney_bottom) * 0.5,
    );
    b.part(Pole, [40, 40, 45], Material::Metal, false, vec![chimney]);
    let wheel_t = h * 0.05 * b.width.sqrt();
    let wheels = [half_l * 0.55, 0.0, -half_l * 0.55]
        .iter()
        .flat_map(|&z| {
            [-1.0f32, 1.0].map(|x| disc_x(b, v(x * half_w * 0.85, wheel_r, z), wheel_r, wheel_t))
        })
        .collect();
    b.part(Wheels, RED, Material::Metal, false, wheels);
    let frame = vec![
        b.cuboid(
            v(0.0, (frame_bottom + frame_top) * 0.5, 0.0),
            v(half_w * 0.7, (frame_top - frame_bottom) * 0.5, half_l),
        ),
        slab_between(
            b,
            v(0.0, h * 0.03, half_l + h * 0.22),
            v(0.0, frame_top, half_l),
            half_w * 0.75,
            thin(h * 0.03, extent),
        ),
    ];
    b.part(Base, [40, 40, 45], Material::Metal, false, frame);
}

/// A propeller plane on its landing gear: fuselage, wings and tailplane, tail fin, propeller,
/// two main wheels on struts and a tail wheel, and the cockpit canopy.
pub(super) fn plane(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(1.2..1.4) * b.width;
    let span = h * b.vary(1.5..1.8) * b.width;
    let fus_r = h * b.vary(0.17..0.2) * b.width.sqrt();
    let spin = b.vary(0.0..PI);

    let wheel_r = h * 0.1;
    let fus_y = 2.0 * wheel_r + fus_r * 0.85;
    let extent = (2.0 * span).max(2.0 * half_l).max(h);
    let wing_t = thin(h * 0.03, extent);
    let body = b.ellipsoid(v(0.0, fus_y, 0.0), v(fus_r, fus_r, half_l));
    b.part(Body, PLANE, Material::Metal, true, vec![body]);
    let tail_z = -half_l * 0.85;
    let wings = vec![
        b.cuboid(
            v(0.0, fus_y - fus_r * 0.3, half_l * 0.15),
            v(span, wing_t, h * 0.28),
        ),
        b.cuboid(
            v(0.0, fus_y + fus_r * 0.2, tail_z),
            v(span * 0.35, wing_t, h * 0.14),
        ),
    ];
    b.part(Wings, PLANE, Material::Metal, true, wings);
    let fin = b.cuboid(
        v(0.0, (fus_y + h) * 0.5, tail_z),
        v(wing_t, (h - fus_y) * 0.5, h * 0.16),
    );
    b.part(Sail, RED, Material::Metal, false, vec![fin]);
    let nose = half_l * 0.95;
    let blade = (fus_y - h * 0.03).min(h * 0.5);
    let propeller = vec![
        cone_between(
            b,
            v(0.0, fus_y, nose),
            v(0.0, fus_y, half_l + h * 0.12),
            fus_r * 0.4,
            h * 0.02,
        ),
        b.cuboid(
            v(0.0, fus_y, half_l + h * 0.05),
            v(thin(h * 0.05, extent), blade, wing_t),
        )
        .rotated(Quat::from_rotation_z(spin)),
    ];
    b.part(Accents, [60, 60, 65], Material::Metal, false, propeller);
    // Wheels and struts thick enough that the object still stands on them in a 48³ field.
    let strut_r = thin(h * 0.04, extent);
    let wheel_t = thin(h * 0.07, extent);
    let main_z = half_l * 0.3;
    let mut gear: Vec<_> = [-1.0f32, 1.0]
        .iter()
        .map(|&x| disc_x(b, v(x * fus_r * 1.3, wheel_r, main_z), wheel_r, wheel_t))
        .collect();
    let tail_wheel = thin(wheel_r * 0.5, extent);
    gear.push(disc_x(b, v(0.0, tail_wheel, tail_z), tail_wheel, wheel_t));
    for x in [-1.0f32, 1.0] {
        gear.push(b.rod(
            v(x * fus_r * 1.3, wheel_r, main_z),
            v(x * fus_r * 0.4, fus_y - fus_r * 0.8, main_z),
            strut_r,
        ));
    }
    b.part(Wheels, TYRE, Material::Plastic, false, gear);
    let canopy = b.ellipsoid(
        v(0.0, fus_y + fus_r * 0.75, half_l * 0.25),
        v(fus_r * 0.6, fus_r * 0.5, half_l * 0.22),
    );
    b.part(Door, GLASS, Material::Glass, false, vec![canopy]);
}

/// A helicopter: a round cabin with its tail boom and fin, a glass nose, a four-bladed rotor
/// on a mast and a tail rotor, and two skids on struts.
pub(super) fn helicopter(b: &mut Builder) {
    let h = b.height;
    let body_r = h * b.vary(0.26..0.3) * b.width.sqrt();
    let body_l = h * b.vary(0.45..0.55) * b.width;
    let boom = h * b.vary(0.9..1.1) * b.width;
    let rotor = h * b.vary(1.3..1.5) * b.width;
    let spin = b.vary(0.0..FRAC_PI_2);

    let skid_h = h * 0.16;
    let ry = h * 0.3;
    let cy = skid_h + ry;
    let extent = (2.0 * rotor).max(body_l + boom + rotor).max(h);
    let tail = v(0.0, cy + ry * 0.45, -body_l - boom);
    let fin_t = thin(h * 0.02, extent);
    let body = vec![
        b.ellipsoid(v(0.0, cy, 0.0), v(body_r, ry, body_l)),
        b.rod(
            v(0.0, cy + ry * 0.3, -body_l * 0.6),
            tail,
            thin(h * 0.06 * b.width.sqrt(), extent),
        ),
        b.cuboid(tail + v(0.0, h * 0.1, 0.0), v(fin_t, h * 0.14, h * 0.09)),
    ];
    b.part(Body, [240, 200, 40], Material::Metal, true, body);
    // Blades and skids thick enough to show in a 48³ field of the whole rotor's breadth.
    let blade_t = thin(h * 0.04, extent);
    let rotor_y = h - blade_t;
    let mut rotors = vec![b.cylinder(
        v(0.0, (cy + ry * 0.9 + rotor_y) * 0.5, 0.0),
        thin(h * 0.04, extent),
        (rotor_y - cy - ry * 0.9) * 0.5,
    )];
    for k in 0..2 {
        rotors.push(
            b.cuboid(v(0.0, rotor_y, 0.0), v(rotor, blade_t, h * 0.08))
                .rotated(Quat::from_rotation_y(spin + FRAC_PI_2 * k as f32)),
        );
    }
    rotors.push(disc_x(
        b,
        tail + v(fin_t * 2.0, h * 0.1, 0.0),
        h * 0.15,
        fin_t,
    ));
    b.part(Sail, [60, 60, 65], Material::Metal, false, rotors);
    let skid_r = thin(h * 0.04, extent);
    let mut skids: Vec<_> = [-1.0f32, 1.0]
        .iter()
        .map(|&x| {
            b.rod(
                v(x * body_r * 0.9, skid_r, -body_l * 0.75),
                v(x * body_r * 0.9, skid_r, body_l * 0.75),
                skid_r,
            )
        })
        .collect();
    for z in [1.0f32, -1.0] {
        for x in [-1.0f32, 1.0] {
            skids.push(b.rod(
                v(x * body_r * 0.9, skid_r, z * body_l * 0.45),
                v(x * body_r * 0.5, cy - ry * 0.75, z * body_l * 0.4),
                skid_r,
            ));
        }
    }
    b.part(Base, [60, 60, 65], Material::Metal, false, skids);
    let canopy = b.ellipsoid(
        v(0.0, cy + ry * 0.15, body_l * 0.4),
        v(body_r * 0.85, ry * 0.7, body_l * 0.65),
    );
    b.part(Door, GLASS, Material::Glass, false, vec![canopy]);
}

/// A hot-air balloon: the envelope narrowing to its throat, a band round its middle, ropes
/// down to the basket, and the burner's flame.
pub(super) fn balloon(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.3..0.34) * b.width;
    // Big enough to stay a part of the mesh where the ropes are thinner than its grid.
    let basket = h * b.vary(0.065..0.075) * b.width.sqrt();
    let throat = h * b.vary(0.28..0.34);

    let ry = h * 0.34;
    let yc = h - ry;
    let shoulder = yc - ry * 0.5;
    let mouth = r * 0.3;
    let envelope = vec![
        b.ellipsoid(v(0.0, yc, 0.0), v(r, ry, r)),
        b.cone(
            v(0.0, (throat + shoulder) * 0.5, 0.0),
            mouth,
            r * 0.866,
            (shoulder - throat) * 0.5,
        ),
    ];
    b.part(Body, BALLOON, Material::Cloth, true, envelope);
    let band = b.ring(v(0.0, yc, 0.0), r * 0.99, thin(h * 0.025, h));
    b.part(Trim, [245, 205, 40], Material::Cloth, false, vec![band]);
    let basket_top = basket * 2.2;
    let rope_r = thin(h * 0.012, h.max(2.0 * r));
    let ropes = [(-1.0f32, -1.0f32), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)]
        .iter()
        .map(|&(x, z)| {
            b.rod(
                v(x * basket * 0.85, basket_top, z * basket * 0.85),
                v(x * mouth * 0.7, throat, z * mouth * 0.7),
                rope_r,
            )
        })
        .collect();
    b.part(Pole, [120, 90, 60], Material::Cloth, false, ropes);
    let basket_box = b.cuboid(
        v(0.0, basket_top * 0.5, 0.0),
        v(basket, basket_top * 0.5, basket),
    );
    b.part(Base, BASKET, Material::Wood, false, vec![basket_box]);
    let flame_h = (throat - basket_top) * 0.45;
    let flame = b.cone(
        v(0.0, basket_top + h * 0.01 + flame_h * 0.5, 0.0),
        basket * 0.5,
        h * 0.004,
        flame_h * 0.5,
    );
    b.part(Flame, FLAME, Material::Crystal, false, vec![flame]);
}

/// A bicycle: a diamond frame of tubes and fork, two wheels with hubs, a saddle on its post,
/// handlebars on a stem.
pub(super) fn bicycle(b: &mut Builder) {
    let h = b.height;
    let wheel_r = h * b.vary(0.3..0.34);
    let base_l = h * b.vary(0.52..0.6) * b.width;
    let bar_w = h * b.vary(0.22..0.26) * b.width;

    let extent = (2.0 * (base_l + wheel_r)).max(h);
    let tube = thin(h * 0.02, extent);
    let tyre = thin(h * 0.028, extent);
    let rear = v(0.0, wheel_r, -base_l);
    let front = v(0.0, wheel_r, base_l);
    let bracket = v(0.0, wheel_r * 0.95, -base_l * 0.12);
    let seat_top = v(0.0, h * 0.7, -base_l * 0.38);
    let head_top = v(0.0, h * 0.76, base_l * 0.62);
    let head_bottom = v(0.0, h * 0.58, base_l * 0.7);
    let frame = [
        (bracket, seat_top),
        (seat_top, head_top),
        (bracket, head_bottom),
        (rear, bracket),
        (rear, seat_top),
        (head_bottom, front),
        (head_bottom, head_top),
    ]
    .iter()
    .map(|&(from, to)| b.rod(from, to, tube))
    .collect();
    b.part(Body, [200, 30, 35], Material::Metal, true, frame);
    let mut wheels: Vec<_> = [front, rear]
        .iter()
        .map(|&center| {
            b.ring(center, wheel_r - tyre, tyre)
                .rotated(Quat::from_rotation_z(FRAC_PI_2))
        })
        .collect();
    for center in [front, rear] {
        wheels.push(b.ball(center, thin(h * 0.035, extent)));
    }
    b.part(Wheels, TYRE, Material::Plastic, false, wheels);
    let saddle_y = h * 0.79;
    let seat = vec![
        b.ellipsoid(
            v(0.0, saddle_y, -base_l * 0.42),
            v(h * 0.05 * b.width.sqrt(), h * 0.03, h * 0.12),
        ),
        b.rod(seat_top, v(0.0, saddle_y, -base_l * 0.41), tube),
    ];
    b.part(Seat, [40, 30, 25], Material::Cloth, false, seat);
    let bar_y = h - tube;
    let bars = vec![
        b.rod(head_top, v(0.0, bar_y, base_l * 0.58), tube),
        b.rod(
            v(-bar_w, bar_y, base_l * 0.58),
            v(bar_w, bar_y, base_l * 0.58),
            tube,
        ),
    ];
    b.part(Handle, METAL, Material::Metal, false, bars);
}
