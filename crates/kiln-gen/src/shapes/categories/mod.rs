//! One parametric builder per category. Every builder draws in metres around the Y axis with
//! its base on y = 0, scaled by the builder's height and width factor, with proportions varied
//! per seed within what still reads as that object.
//!
//! The first 32 builders live here; the others, by theme, in the modules below. Those draw
//! every random value first, in a fixed order (so a draw's index always means the same thing),
//! keep each part's primitives in a fixed order, and stay within what the part decoder
//! predicts: at most 6 parts, 10 primitives a part, 32 an object, and the seed's 48 draws
//! (two of them the builder's own).

mod buildings;
mod figures;
mod food;
mod home;
mod nature;
mod props;
mod tools;
mod vehicles;

use glam::Vec3;

use super::Builder;
use super::sdf::Placed;
use crate::vocab::{Category, Material, PartSlot::*};

const WOOD: [u8; 3] = [140, 95, 55];
const DARK_WOOD: [u8; 3] = [95, 60, 35];
const LEAF: [u8; 3] = [60, 140, 50];
const PINE_NEEDLES: [u8; 3] = [35, 95, 50];
const STONE: [u8; 3] = [150, 148, 140];
const METAL: [u8; 3] = [165, 170, 178];
const WHITE: [u8; 3] = [240, 238, 230];
const RED: [u8; 3] = [200, 30, 35];
const CLOTH: [u8; 3] = [190, 170, 140];
const CACTUS: [u8; 3] = [70, 140, 70];
const ROOF: [u8; 3] = [150, 60, 45];
const GOLD: [u8; 3] = [230, 180, 50];
const YELLOW: [u8; 3] = [240, 205, 30];

fn v(x: f32, y: f32, z: f32) -> Vec3 {
    Vec3::new(x, y, z)
}

pub(super) fn build(b: &mut Builder) {
    match b.description().category {
        Category::Chair => chair(b, false),
        Category::Bench => chair(b, true),
        Category::Table => table(b),
        Category::Stool => stool(b),
        Category::Bed => bed(b),
        Category::Lamp => lamp(b),
        Category::Tree => tree(b),
        Category::Pine => pine(b),
        Category::Cactus => cactus(b),
        Category::Mushroom => mushroom(b),
        Category::Flower => flower(b),
        Category::Rock => rock(b),
        Category::Tower => tower(b),
        Category::House => house(b),
        Category::Arch => arch(b),
        Category::Bridge => bridge(b),
        Category::Fence => fence(b),
        Category::Pillar => pillar(b),
        Category::Sword => sword(b),
        Category::Shield => shield(b),
        Category::Axe => axe(b),
        Category::Hammer => hammer(b),
        Category::Crown => crown(b),
        Category::Key => key(b),
        Category::Barrel => barrel(b),
        Category::Chest => chest(b),
        Category::Vase => vase(b),
        Category::Cup => cup(b),
        Category::Bottle => bottle(b),
        Category::Boat => boat(b),
        Category::Rocket => rocket(b),
        Category::Mailbox => mailbox(b),
        Category::Sofa => home::sofa(b),
        Category::Wardrobe => home::wardrobe(b),
        Category::Bookshelf => home::bookshelf(b),
        Category::Candle => home::candle(b),
        Category::Clock => home::clock(b),
        Category::Mirror => home::mirror(b),
        Category::Piano => home::piano(b),
        Category::Fireplace => home::fireplace(b),
        Category::Bathtub => home::bathtub(b),
        Category::Palm => nature::palm(b),
        Category::Bush => nature::bush(b),
        Category::Log => nature::log(b),
        Category::Stump => nature::stump(b),
        Category::Haybale => nature::haybale(b),
        Category::Pumpkin => nature::pumpkin(b),
        Category::Apple => nature::apple(b),
        Category::Sunflower => nature::sunflower(b),
        Category::Bamboo => nature::bamboo(b),
        Category::Castle => buildings::castle(b),
        Category::Windmill => buildings::windmill(b),
        Category::Well => buildings::well(b),
        Category::Tent => buildings::tent(b),
        Category::Fountain => buildings::fountain(b),
        Category::Statue => buildings::statue(b),
        Category::Gate => buildings::gate(b),
        Category::Lighthouse => buildings::lighthouse(b),
        Category::Obelisk => buildings::obelisk(b),
        Category::Pyramid => buildings::pyramid(b),
        Category::Cart => vehicles::cart(b),
        Category::Car => vehicles::car(b),
        Category::Truck => vehicles::truck(b),
        Category::Train => vehicles::train(b),
        Category::Plane => vehicles::plane(b),
        Category::Helicopter => vehicles::helicopter(b),
        Category::Balloon => vehicles::balloon(b),
        Category::Bicycle => vehicles::bicycle(b),
        Category::Crate => props::crate_(b),
        Category::Sack => props::sack(b),
        Category::Signpost => props::signpost(b),
        Category::Campfire => props::campfire(b),
        Category::Anvil => props::anvil(b),
        Category::Cauldron => props::cauldron(b),
        Category::Torch => props::torch(b),
        Category::Bell => props::bell(b),
        Category::Ladder => props::ladder(b),
        Category::Gravestone => props::gravestone(b),
        Category::Bow => tools::bow(b),
        Category::Spear => tools::spear(b),
        Category::Staff => tools::staff(b),
        Category::Wand => tools::wand(b),
        Category::Shovel => tools::shovel(b),
        Category::Pickaxe => tools::pickaxe(b),
        Category::Scythe => tools::scythe(b),
        Category::Cake => food::cake(b),
        Category::Bread => food::bread(b),
        Category::Donut => food::donut(b),
        Category::Icecream => food::icecream(b),
        Category::Burger => food::burger(b),
        Category::Snowman => figures::snowman(b),
        Category::Robot => figures::robot(b),
        Category::Duck => figures::duck(b),
        Category::Fish => figures::fish(b),
        Category::Scarecrow => figures::scarecrow(b),
        Category::Dog => figures::dog(b),
    }
}

/// The least radius of a thin primitive (a rod, a rung, a string) in an object whose largest
/// extent is about `extent`: a fiftieth of it across, above the 1.5% the part decoder keeps.
fn thin(radius: f32, extent: f32) -> f32 {
    radius.max(extent * 0.01)
}

/// A disc or wheel on its side: a cylinder whose axis runs along X.
fn disc_x(b: &Builder, center: Vec3, radius: f32, half_width: f32) -> Placed {
    b.cylinder(center, radius, half_width)
        .rotated(glam::Quat::from_rotation_z(std::f32::consts::FRAC_PI_2))
}

/// A disc facing +Z: a cylinder whose axis runs along Z.
fn disc_z(b: &Builder, center: Vec3, radius: f32, half_depth: f32) -> Placed {
    b.cylinder(center, radius, half_depth)
        .rotated(glam::Quat::from_rotation_x(std::f32::consts::FRAC_PI_2))
}

/// A cone from `from` (radius `bottom`) to `to` (radius `top`), along any direction.
fn cone_between(b: &Builder, from: Vec3, to: Vec3, bottom: f32, top: f32) -> Placed {
    let direction = to - from;
    b.cone((from + to) * 0.5, bottom, top, direction.length() * 0.5)
        .rotated(glam::Quat::from_rotation_arc(
            Vec3::Y,
            direction.normalize_or(Vec3::Y),
        ))
}

/// A box whose Y axis runs from `from` to `to`, `half` thick across (x) and deep (z).
fn slab_between(b: &Builder, from: Vec3, to: Vec3, half_x: f32, half_z: f32) -> Placed {
    let direction = to - from;
    b.cuboid(
        (from + to) * 0.5,
        Vec3::new(half_x, direction.length() * 0.5, half_z),
    )
    .rotated(glam::Quat::from_rotation_arc(
        Vec3::Y,
        direction.normalize_or(Vec3::Y),
    ))
}

/// `count` positions on a footprint: the corners for four, else around an ellipse; the order
/// [`legs`] uses.
fn footprint(count: u32, half_x: f32, half_z: f32) -> Vec<(f32, f32)> {
    (0..count)
        .map(|i| {
            if count == 4 {
                (
                    if i % 2 == 0 { -half_x } else { half_x },
                    if i < 2 { -half_z } else { half_z },
                )
            } else {
                let angle = std::f32::consts::TAU * i as f32 / count as f32;
                (half_x * angle.cos(), half_z * angle.sin())
            }
        })
        .collect()
}

/// `count` legs at the corners (4) or around a circle (other counts) of a footprint.
fn legs(b: &Builder, count: u32, half_x: f32, half_z: f32, top: f32, radius: f32) -> Vec<Placed> {
    (0..count)
        .map(|i| {
            let (x, z) = if count == 4 {
                (
                    if i % 2 == 0 { -half_x } else { half_x },
                    if i < 2 { -half_z } else { half_z },
                )
            } else {
                let angle = std::f32::consts::TAU * i as f32 / count as f32;
                (half_x * angle.cos(), half_z * angle.sin())
            };
            b.cylinder(v(x, top * 0.5, z), radius, top * 0.5)
        })
        .collect()
}

fn chair(b: &mut Builder, bench: bool) {
    let h = b.height;
    let seat_y = h * b.vary(0.44..0.52);
    let half_w = if bench {
        h * b.vary(0.8..1.1)
    } else {
        h * b.vary(0.22..0.28)
    } * b.width;
    let half_d = h * b.vary(0.22..0.27) * b.width.sqrt();
    // A bench is long, so its parts are thicker against its height. A chair's legs are a real
    // chair's, 4 to 5 cm on 95: the part generator keeps them (the field generator, on a 48³
    // grid, needed them twice as thick and still lost their middles).
    let stout = if bench { 1.6 } else { 1.0 };
    let seat_t = h * b.vary(0.05..0.07) * stout;
    let leg_r = if bench {
        h * b.vary(0.04..0.056)
    } else {
        h * b.vary(0.02..0.025)
    } * b.width.sqrt();
    let count = b.count(Legs, 4);
    let legs = legs(
        b,
        count,
        half_w - leg_r,
        half_d - leg_r,
        seat_y - seat_t,
        leg_r,
    );
    b.part(Legs, DARK_WOOD, Material::Wood, true, legs);
    let seat = b.cuboid(
        v(0.0, seat_y - seat_t * 0.5, 0.0),
        v(half_w, seat_t * 0.5, half_d),
    );
    b.part(Seat, WOOD, Material::Wood, true, vec![seat]);
    let back_t = h * 0.035 * stout;
    let back_h = h - seat_y;
    let back = b.cuboid(
        v(0.0, seat_y + back_h * 0.5, -half_d + back_t),
        v(half_w, back_h * 0.5, back_t),
    );
    b.part(Back, WOOD, Material::Wood, true, vec![back]);
}

fn table(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.6..0.95) * b.width;
    let half_d = h * b.vary(0.4..0.6) * b.width;
    let top_t = h * b.vary(0.08..0.11);
    let leg_r = h * b.vary(0.03..0.04);
    let round_top = b.pick(0..=3) == 0;
    let count = b.count(Legs, if round_top { 3 } else { 4 });
    let top = if round_top {
        b.cylinder(v(0.0, h - top_t * 0.5, 0.0), half_w, top_t * 0.5)
    } else {
        b.cuboid(v(0.0, h - top_t * 0.5, 0.0), v(half_w, top_t * 0.5, half_d))
    };
    b.part(Top, WOOD, Material::Wood, true, vec![top]);
    let inset = if round_top { 0.6 } else { 0.9 };
    let legs = legs(
        b,
        count,
        half_w * inset - leg_r,
        (if round_top { half_w } else { half_d }) * inset - leg_r,
        h - top_t,
        leg_r,
    );
    b.part(Legs, DARK_WOOD, Material::Wood, true, legs);
}

fn stool(b: &mut Builder) {
    let h = b.height;
    let radius = h * b.vary(0.28..0.36) * b.width;
    let seat_t = h * b.vary(0.06..0.09);
    let seat = b.cylinder(v(0.0, h - seat_t * 0.5, 0.0), radius, seat_t * 0.5);
    b.part(Seat, WOOD, Material::Wood, true, vec![seat]);
    let count = b.count(Legs, 3);
    let leg_r = h * 0.022;
    let legs = (0..count)
        .map(|i| {
            let angle = std::f32::consts::TAU * i as f32 / count as f32;
            let top = v(
                radius * 0.6 * angle.cos(),
                h - seat_t,
                radius * 0.6 * angle.sin(),
            );
            let foot = v(
                radius * 0.95 * angle.cos(),
                leg_r,
                radius * 0.95 * angle.sin(),
            );
            b.rod(foot, top, leg_r)
        })
        .collect();
    b.part(Legs, DARK_WOOD, Material::Wood, true, legs);
}

fn bed(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(1.2..1.5) * b.width;
    let half_l = h * b.vary(1.6..1.8);
    let frame_h = h * b.vary(0.45..0.55);
    let frame = b.cuboid(v(0.0, frame_h * 0.5, 0.0), v(half_w, frame_h * 0.5, half_l));
    b.part(Base, WOOD, Material::Wood, true, vec![frame]);
    let mattress_h = h * b.vary(0.2..0.28);
    let blanket = b.cuboid(
        v(0.0, frame_h + mattress_h * 0.5, half_l * 0.05),
        v(half_w * 0.95, mattress_h * 0.5, half_l * 0.92),
    );
    b.part(Blanket, WHITE, Material::Cloth, false, vec![blanket]);
    let headboard = b.cuboid(
        v(0.0, h * 0.5, -half_l + h * 0.08),
        v(half_w, h * 0.5, h * 0.08),
    );
    b.part(Back, WOOD, Material::Wood, true, vec![headboard]);
}

fn lamp(b: &mut Builder) {
    let h = b.height;
    let base_r = h * b.vary(0.1..0.14) * b.width;
    let base_h = h * 0.03;
    let base = b.cylinder(v(0.0, base_h * 0.5, 0.0), base_r, base_h * 0.5);
    b.part(Base, METAL, Material::Metal, true, vec![base]);
    let shade_h = h * b.vary(0.18..0.25);
    let pole_top = h - shade_h * 0.7;
    let pole = b.cylinder(v(0.0, pole_top * 0.5, 0.0), h * 0.025, pole_top * 0.5);
    b.part(Pole, METAL, Material::Metal, true, vec![pole]);
    let shade_r = h * b.vary(0.1..0.15) * b.width;
    let shade = b.cone(
        v(0.0, h - shade_h * 0.5, 0.0),
        shade_r,
        shade_r * 0.6,
        shade_h * 0.5,
    );
    b.part(Shade, CLOTH, Material::Cloth, true, vec![shade]);
}

fn tree(b: &mut Builder) {
    let h = b.height;
    let trunk_h = h * b.vary(0.4..0.5);
    let trunk_r = h * b.vary(0.04..0.055) * b.width.sqrt();
    let trunk = b.cylinder(
        v(0.0, (trunk_h + h * 0.1) * 0.5, 0.0),
        trunk_r,
        (trunk_h + h * 0.1) * 0.5,
    );
    b.part(Trunk, DARK_WOOD, Material::Wood, false, vec![trunk]);
    let canopy_r = (h - trunk_h) * 0.5;
    let mut blobs = vec![b.ellipsoid(
        v(0.0, h - canopy_r, 0.0),
        v(canopy_r * b.width * 1.1, canopy_r, canopy_r * b.width * 1.1),
    )];
    let extra = b.pick(2..=4);
    for i in 0..extra {
        let angle = std::f32::consts::TAU * (i as f32 + b.vary(0.0..0.5)) / extra as f32;
        let r = canopy_r * b.vary(0.55..0.7);
        let spread = canopy_r * 0.6 * b.width;
        blobs.push(b.ball(
            v(
                spread * angle.cos(),
                h - canopy_r * 1.15,
                spread * angle.sin(),
            ),
            r,
        ));
    }
    b.part(Leaves, LEAF, Material::Cloth, true, blobs);
}

fn pine(b: &mut Builder) {
    let h = b.height;
    let trunk_h = h * 0.25;
    let trunk = b.cylinder(v(0.0, trunk_h * 0.5, 0.0), h * 0.035, trunk_h * 0.5);
    b.part(Trunk, DARK_WOOD, Material::Wood, false, vec![trunk]);
    let tiers = b.pick(3..=4);
    let radius = h * b.vary(0.22..0.28) * b.width;
    let tier_h = (h - trunk_h * 0.6) / tiers as f32 * 1.35;
    let cones = (0..tiers)
        .map(|i| {
            let t = i as f32 / tiers as f32;
            let bottom = trunk_h * 0.6 + (h - trunk_h * 0.6 - tier_h) * t;
            b.cone(
                v(0.0, bottom + tier_h * 0.5, 0.0),
                radius * (1.0 - 0.55 * t),
                radius * 0.08,
                tier_h * 0.5,
            )
        })
        .collect();
    b.part(Leaves, PINE_NEEDLES, Material::Cloth, true, cones);
}

fn cactus(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.08..0.11) * b.width;
    let mut body = vec![b.rod(v(0.0, r, 0.0), v(0.0, h - r, 0.0), r)];
    let arms = b.pick(1..=2);
    for i in 0..arms {
        let side = if i == 0 { 1.0 } else { -1.0 };
        let y = h * b.vary(0.35..0.55);
        let out = r * 2.6;
        let up = h * b.vary(0.2..0.3);
        let ar = r * 0.7;
        body.push(b.rod(v(0.0, y, 0.0), v(side * out, y, 0.0), ar));
        body.push(b.rod(v(side * out, y, 0.0), v(side * out, y + up, 0.0), ar));
    }
    b.part(Body, CACTUS, Material::Plastic, true, body);
    let flower = b.ball(v(0.0, h - r * 0.2, 0.0), r * 0.55);
    b.part(
        Accents,
        [235, 110, 170],
        Material::Cloth,
        false,
        vec![flower],
    );
}

fn mushroom(b: &mut Builder) {
    let h = b.height;
    let stem_h = h * b.vary(0.5..0.62);
    let stem_r = h * b.vary(0.1..0.14) * b.width.sqrt();
    let stem = b.cylinder(v(0.0, stem_h * 0.5, 0.0), stem_r, stem_h * 0.5);
    b.part(Pole, WHITE, Material::Cloth, false, vec![stem]);
    let cap_r = h * b.vary(0.38..0.5) * b.width;
    // The cap's centre sits on the stem; its lower half hides in and around the stem.
    let cap_center = v(0.0, stem_h, 0.0);
    let cap_h = h - stem_h;
    // A dome: the upper half of an ellipsoid, its flat underside on the stem. (Blocky caps are
    // boxes, whose lower half the stem hides.)
    let cap = b
        .ellipsoid(cap_center, v(cap_r, cap_h, cap_r))
        .clipped_below(stem_h - cap_h * 0.15);
    b.part(Cap, RED, Material::Cloth, true, vec![cap]);
    let spots = (0..5)
        .map(|i| {
            let angle = std::f32::consts::TAU * i as f32 / 5.0 + 0.3;
            let elevation: f32 = 0.75;
            let direction = v(
                angle.cos() * elevation.cos() * cap_r,
                elevation.sin() * cap_h,
                angle.sin() * elevation.cos() * cap_r,
            );
            // A spot a fifth of the cap's radius: smaller ones the model blurs into the cap.
            b.ball(cap_center + direction, cap_r * 0.2)
        })
        .collect();
    b.part(Accents, WHITE, Material::Cloth, false, spots);
}

fn flower(b: &mut Builder) {
    let h = b.height;
    let head_r = h * b.vary(0.1..0.14) * b.width;
    let stem_top = h - head_r;
    let stem = b.cylinder(v(0.0, stem_top * 0.5, 0.0), h * 0.025, stem_top * 0.5);
    b.part(Pole, LEAF, Material::Cloth, false, vec![stem]);
    let leaf = b.ellipsoid(v(h * 0.08, h * 0.3, 0.0), v(h * 0.1, h * 0.04, h * 0.05));
    b.part(Leaves, LEAF, Material::Cloth, false, vec![leaf]);
    let petals = b.pick(5..=6);
    let mut head: Vec<_> = (0..petals)
        .map(|i| {
            let angle = std::f32::consts::TAU * i as f32 / petals as f32;
            b.ellipsoid(
                v(head_r * angle.cos(), stem_top, head_r * angle.sin()),
                v(head_r * 0.8, head_r * 0.3, head_r * 0.8),
            )
        })
        .collect();
    head.push(b.ball(v(0.0, stem_top + head_r * 0.1, 0.0), head_r * 0.55));
    b.part(Accents, YELLOW, Material::Cloth, true, head);
}

fn rock(b: &mut Builder) {
    let h = b.height;
    let r = h * 0.5;
    let (long, deep) = (b.vary(1.1..1.5), b.vary(0.9..1.2));
    let mut lumps = vec![b.ellipsoid(v(0.0, r, 0.0), v(r * long * b.width, r, r * deep * b.width))];
    for _ in 0..b.pick(2..=3) {
        let angle = b.vary(0.0..std::f32::consts::TAU);
        let lr = r * b.vary(0.45..0.65);
        lumps.push(b.ball(
            v(
                r * 0.8 * angle.cos() * b.width,
                lr * 0.9,
                r * 0.7 * angle.sin(),
            ),
            lr,
        ));
    }
    b.part(Body, STONE, Material::Stone, true, lumps);
}

fn tower(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.13..0.17) * b.width;
    let body_h = h * b.vary(0.68..0.76);
    let body = b.cylinder(v(0.0, body_h * 0.5, 0.0), r, body_h * 0.5);
    b.part(Body, STONE, Material::Stone, true, vec![body]);
    let roof_h = h - body_h;
    let roof = b.cone(
        v(0.0, body_h + roof_h * 0.5, 0.0),
        r * 1.2,
        r * 0.05,
        roof_h * 0.5,
    );
    b.part(Roof, ROOF, Material::Ceramic, false, vec![roof]);
    let door = b.cuboid(v(0.0, h * 0.06, r * 0.97), v(r * 0.3, h * 0.06, r * 0.12));
    b.part(Door, DARK_WOOD, Material::Wood, false, vec![door]);
}

fn house(b: &mut Builder) {
    let h = b.height;
    let wall_h = h * b.vary(0.5..0.6);
    let roof_h = h - wall_h;
    let half_w = h * b.vary(0.55..0.7) * b.width;
    // A gable roof is a box turned 45° about X: its ridge at the top, its eaves a little past
    // the walls, its lower half inside them.
    let half_d = roof_h * 0.85;
    let walls = b.cuboid(v(0.0, wall_h * 0.5, 0.0), v(half_w, wall_h * 0.5, half_d));
    b.part(Body, [225, 215, 190], Material::Stone, true, vec![walls]);
    let roof = b
        .cuboid(
            v(0.0, wall_h, 0.0),
            v(
                half_w * 1.08,
                roof_h * std::f32::consts::FRAC_1_SQRT_2,
                roof_h * std::f32::consts::FRAC_1_SQRT_2,
            ),
        )
        .rotated(glam::Quat::from_rotation_x(std::f32::consts::FRAC_PI_4));
    b.part(Roof, ROOF, Material::Ceramic, false, vec![roof]);
    let door = b.cuboid(
        v(0.0, wall_h * 0.3, half_d),
        v(half_w * 0.15, wall_h * 0.3, h * 0.03),
    );
    b.part(Door, DARK_WOOD, Material::Wood, false, vec![door]);
}

fn arch(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.4..0.55) * b.width;
    let post = h * b.vary(0.09..0.13);
    let depth = h * 0.12;
    let top_h = h * b.vary(0.12..0.18);
    let sides = vec![
        b.cuboid(
            v(-half_w, (h - top_h) * 0.5, 0.0),
            v(post, (h - top_h) * 0.5, depth),
        ),
        b.cuboid(
            v(half_w, (h - top_h) * 0.5, 0.0),
            v(post, (h - top_h) * 0.5, depth),
        ),
    ];
    b.part(Body, STONE, Material::Stone, true, sides);
    let top = b.cuboid(
        v(0.0, h - top_h * 0.5, 0.0),
        v(half_w + post * 1.3, top_h * 0.5, depth * 1.1),
    );
    b.part(Top, STONE, Material::Stone, true, vec![top]);
}

fn bridge(b: &mut Builder) {
    let h = b.height;
    // Short enough that the deck and rails stay thicker than a cell of the model's grid.
    let half_l = h * b.vary(1.4..1.8);
    let half_w = h * b.vary(0.55..0.7) * b.width;
    let deck_t = h * 0.16;
    let deck_y = h * 0.62;
    let deck = b.cuboid(v(0.0, deck_y, 0.0), v(half_l, deck_t * 0.5, half_w));
    b.part(Top, WOOD, Material::Wood, true, vec![deck]);
    let supports = [-0.7f32, 0.7]
        .iter()
        .map(|&x| {
            b.cuboid(
                v(half_l * x, (deck_y - deck_t * 0.5) * 0.5, 0.0),
                v(h * 0.12, (deck_y - deck_t * 0.5) * 0.5, half_w * 0.9),
            )
        })
        .collect();
    b.part(Base, STONE, Material::Stone, false, supports);
    let rail_y = h * 0.92;
    let rails = [-1.0f32, 1.0]
        .iter()
        .flat_map(|&side| {
            let z = side * (half_w - h * 0.04);
            let mut rail = vec![b.cuboid(v(0.0, rail_y, z), v(half_l, h * 0.05, h * 0.05))];
            // Four posts a side: a part holds at most ten primitives (the part generator's
            // piece slots).
            for i in 0..4 {
                let x = half_l * (i as f32 / 1.5 - 1.0) * 0.95;
                rail.push(b.cuboid(
                    v(x, (deck_y + rail_y) * 0.5, z),
                    v(h * 0.03, (rail_y - deck_y) * 0.5, h * 0.03),
                ));
            }
            rail
        })
        .collect();
    b.part(Trim, DARK_WOOD, Material::Wood, false, rails);
}

fn fence(b: &mut Builder) {
    let h = b.height;
    let posts = b.pick(3..=4);
    let spacing = h * b.vary(0.7..0.9) * b.width;
    let half_l = spacing * (posts - 1) as f32 * 0.5;
    let post_r = h * 0.06;
    let poles = (0..posts)
        .map(|i| {
            let x = -half_l + spacing * i as f32;
            b.cuboid(v(x, h * 0.5, 0.0), v(post_r, h * 0.5, post_r))
        })
        .collect();
    b.part(Pole, WOOD, Material::Wood, true, poles);
    let rails = [0.35f32, 0.75]
        .iter()
        .map(|&y| {
            b.cuboid(
                v(0.0, h * y, post_r * 1.5),
                v(half_l + post_r, h * 0.06, post_r),
            )
        })
        .collect();
    b.part(Trim, WOOD, Material::Wood, true, rails);
}

fn pillar(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.07..0.1) * b.width;
    let cap_h = h * 0.07;
    let base = b.cuboid(v(0.0, cap_h * 0.5, 0.0), v(r * 1.5, cap_h * 0.5, r * 1.5));
    b.part(Base, STONE, Material::Stone, true, vec![base]);
    let shaft = b.cylinder(v(0.0, h * 0.5, 0.0), r, h * 0.5 - cap_h);
    b.part(Body, [235, 232, 222], Material::Stone, true, vec![shaft]);
    let top = b.cuboid(
        v(0.0, h - cap_h * 0.5, 0.0),
        v(r * 1.5, cap_h * 0.5, r * 1.5),
    );
    b.part(Top, STONE, Material::Stone, true, vec![top]);
}

fn sword(b: &mut Builder) {
    let h = b.height;
    let grip_h = h * b.vary(0.18..0.24);
    let grip = b.cylinder(v(0.0, grip_h * 0.5, 0.0), h * 0.03, grip_h * 0.5);
    let pommel = b.ball(v(0.0, h * 0.02, 0.0), h * 0.03);
    b.part(Handle, DARK_WOOD, Material::Wood, false, vec![grip]);
    let guard_w = h * b.vary(0.1..0.16) * b.width;
    let guard = b.cuboid(
        v(0.0, grip_h + h * 0.015, 0.0),
        v(guard_w, h * 0.018, h * 0.03),
    );
    b.part(Trim, GOLD, Material::Gold, false, vec![guard, pommel]);
    let blade_w = h * b.vary(0.03..0.045) * b.width;
    let blade_len = h - grip_h - h * 0.03;
    let blade = b.cuboid(
        v(0.0, grip_h + h * 0.03 + blade_len * 0.5, 0.0),
        v(blade_w, blade_len * 0.5, h * 0.025),
    );
    b.part(Head, METAL, Material::Metal, true, vec![blade]);
}

fn shield(b: &mut Builder) {
    let h = b.height;
    let r = h * 0.5;
    // A round shield cannot be tall or wide; one described so is a tower shield.
    let proportioned = b.description().height.is_some() || b.description().width.is_some();
    let round = b.pick(0..=1) == 0 && !proportioned;
    let (face, rim) = if round {
        let face = b
            .cylinder(v(0.0, r, 0.0), r, h * 0.03)
            .rotated(glam::Quat::from_rotation_x(std::f32::consts::FRAC_PI_2));
        let rim = b
            .ring(v(0.0, r, h * 0.02), r * 0.92, h * 0.035)
            .rotated(glam::Quat::from_rotation_x(std::f32::consts::FRAC_PI_2));
        (face, rim)
    } else {
        let half_w = r * 0.75 * b.width;
        let face = b.cuboid(v(0.0, r, 0.0), v(half_w, r, h * 0.03));
        let rim = b.cuboid(v(0.0, r, -h * 0.02), v(half_w * 1.06, r * 1.0, h * 0.025));
        (face, rim)
    };
    b.part(Body, [35, 80, 210], Material::Wood, true, vec![face]);
    b.part(Trim, METAL, Material::Metal, false, vec![rim]);
    let boss = b.ball(v(0.0, r, h * 0.04), r * 0.2);
    b.part(Accents, GOLD, Material::Gold, false, vec![boss]);
}

fn axe(b: &mut Builder) {
    let h = b.height;
    let handle = b.cylinder(v(0.0, h * 0.5, 0.0), h * 0.025, h * 0.5);
    b.part(Handle, WOOD, Material::Wood, false, vec![handle]);
    let head_w = h * b.vary(0.18..0.26) * b.width;
    let head_h = h * b.vary(0.16..0.22);
    let head = b.cuboid(
        v(head_w * 0.5, h - head_h * 0.6, 0.0),
        v(head_w * 0.5, head_h * 0.5, h * 0.03),
    );
    b.part(Head, METAL, Material::Metal, true, vec![head]);
}

fn hammer(b: &mut Builder) {
    let h = b.height;
    let handle = b.cylinder(v(0.0, h * 0.45, 0.0), h * 0.035, h * 0.45);
    b.part(Handle, WOOD, Material::Wood, false, vec![handle]);
    let head_w = h * b.vary(0.3..0.4) * b.width;
    let head_h = h * b.vary(0.12..0.16);
    let head = b.cuboid(
        v(0.0, h - head_h * 0.5, 0.0),
        v(head_w * 0.5, head_h * 0.5, head_h * 0.5),
    );
    b.part(Head, METAL, Material::Metal, true, vec![head]);
}

fn crown(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.75..0.95) * b.width;
    let band_h = h * 0.45;
    let band = b.cylinder(v(0.0, band_h * 0.5, 0.0), r, band_h * 0.5);
    let hollow_free = vec![band];
    let points = b.pick(5..=7);
    let mut body = hollow_free;
    for i in 0..points {
        let angle = std::f32::consts::TAU * i as f32 / points as f32;
        body.push(b.cone(
            v(
                r * 0.85 * angle.cos(),
                band_h + (h - band_h) * 0.5,
                r * 0.85 * angle.sin(),
            ),
            h * 0.12,
            h * 0.01,
            (h - band_h) * 0.5,
        ));
    }
    b.part(Body, GOLD, Material::Gold, true, body);
    let gems = (0..points)
        .map(|i| {
            let angle = std::f32::consts::TAU * (i as f32 + 0.5) / points as f32;
            b.ball(v(r * angle.cos(), band_h * 0.5, r * angle.sin()), h * 0.07)
        })
        .collect();
    b.part(Accents, RED, Material::Crystal, false, gems);
}

fn key(b: &mut Builder) {
    let h = b.height;
    let ring_r = h * b.vary(0.16..0.2) * b.width;
    let bow = b
        .ring(v(0.0, h - ring_r - h * 0.05, 0.0), ring_r, h * 0.05)
        .rotated(glam::Quat::from_rotation_x(std::f32::consts::FRAC_PI_2));
    b.part(Handle, GOLD, Material::Gold, true, vec![bow]);
    let shaft_top = h - 2.0 * ring_r - h * 0.08;
    let shaft = b.cylinder(v(0.0, shaft_top * 0.5, 0.0), h * 0.035, shaft_top * 0.5);
    let bit = b.cuboid(v(h * 0.08, h * 0.1, 0.0), v(h * 0.07, h * 0.09, h * 0.03));
    b.part(Head, GOLD, Material::Gold, true, vec![shaft, bit]);
}

fn barrel(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.3..0.36) * b.width;
    let staves = b.cylinder(v(0.0, h * 0.5, 0.0), r, h * 0.5);
    let bulge = b.ellipsoid(v(0.0, h * 0.5, 0.0), v(r * 1.1, h * 0.44, r * 1.1));
    b.part(Body, WOOD, Material::Wood, true, vec![staves, bulge]);
    let hoops = [0.15f32, 0.85]
        .iter()
        .map(|&y| b.ring(v(0.0, h * y, 0.0), r * 1.02, h * 0.025))
        .collect();
    b.part(Trim, METAL, Material::Metal, false, hoops);
}

fn chest(b: &mut Builder) {
    let h = b.height;
    let half_w = h * b.vary(0.75..0.95) * b.width;
    let half_d = h * b.vary(0.36..0.44) * b.width.sqrt();
    // A rounded lid: a half cylinder along X on top of the box.
    let body_h = h - half_d;
    let body = b.cuboid(v(0.0, body_h * 0.5, 0.0), v(half_w, body_h * 0.5, half_d));
    b.part(Body, WOOD, Material::Wood, true, vec![body]);
    let lid = b
        .cylinder(v(0.0, body_h, 0.0), half_d, half_w)
        .rotated(glam::Quat::from_rotation_z(std::f32::consts::FRAC_PI_2));
    b.part(Top, WOOD, Material::Wood, true, vec![lid]);
    let bands = [-0.6f32, 0.6]
        .iter()
        .map(|&x| {
            b.cuboid(
                v(half_w * x, body_h * 0.5, 0.0),
                v(h * 0.04, body_h * 0.52, half_d * 1.03),
            )
        })
        .collect();
    b.part(Trim, GOLD, Material::Gold, false, bands);
}

fn vase(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.25..0.33) * b.width;
    let belly = b.ellipsoid(v(0.0, h * 0.4, 0.0), v(r, h * 0.4, r));
    b.part(Body, [35, 80, 210], Material::Ceramic, true, vec![belly]);
    let neck = b.cone(v(0.0, h * 0.85, 0.0), r * 0.4, r * 0.55, h * 0.15);
    b.part(Pole, [35, 80, 210], Material::Ceramic, true, vec![neck]);
}

fn cup(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.38..0.46) * b.width;
    let body = b.cylinder(v(0.0, h * 0.5, 0.0), r, h * 0.5);
    b.part(Body, WHITE, Material::Ceramic, true, vec![body]);
    let handle = b
        .ring(v(r, h * 0.5, 0.0), h * 0.25, h * 0.06)
        .rotated(glam::Quat::from_rotation_x(std::f32::consts::FRAC_PI_2));
    b.part(Handle, WHITE, Material::Ceramic, true, vec![handle]);
}

fn bottle(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.14..0.19) * b.width;
    let body_h = h * b.vary(0.55..0.65);
    let body = b.cylinder(v(0.0, body_h * 0.5, 0.0), r, body_h * 0.5);
    b.part(Body, [40, 150, 60], Material::Glass, true, vec![body]);
    let neck_h = h - body_h - h * 0.06;
    let neck = b.cone(
        v(0.0, body_h + neck_h * 0.5, 0.0),
        r,
        r * 0.35,
        neck_h * 0.5,
    );
    b.part(Pole, [40, 150, 60], Material::Glass, true, vec![neck]);
    let cap = b.cylinder(v(0.0, h - h * 0.04, 0.0), r * 0.4, h * 0.04);
    b.part(Cap, DARK_WOOD, Material::Wood, false, vec![cap]);
}

fn boat(b: &mut Builder) {
    let h = b.height;
    let half_l = h * b.vary(1.0..1.3);
    let half_w = h * b.vary(0.3..0.38) * b.width;
    let hull_h = h * 0.3;
    let hull = b.ellipsoid(v(0.0, hull_h, 0.0), v(half_w, hull_h, half_l));
    let deck = b.cuboid(
        v(0.0, hull_h * 1.05, 0.0),
        v(half_w * 0.85, hull_h * 0.1, half_l * 0.8),
    );
    b.part(Body, WOOD, Material::Wood, true, vec![hull, deck]);
    let mast = b.cylinder(v(0.0, h * 0.6, 0.0), h * 0.035, h * 0.4);
    let sail = b.cuboid(
        v(0.0, h * 0.62, half_l * 0.15),
        v(h * 0.04, h * 0.28, half_l * 0.35),
    );
    b.part(Sail, WHITE, Material::Cloth, false, vec![mast, sail]);
}

fn rocket(b: &mut Builder) {
    let h = b.height;
    let r = h * b.vary(0.08..0.1) * b.width;
    let body_h = h * 0.72;
    let body = b.cylinder(v(0.0, h * 0.08 + body_h * 0.5, 0.0), r, body_h * 0.5);
    b.part(Body, WHITE, Material::Metal, true, vec![body]);
    let nose = b.cone(
        v(0.0, h * 0.08 + body_h + (h - body_h - h * 0.08) * 0.5, 0.0),
        r,
        r * 0.05,
        (h - body_h - h * 0.08) * 0.5,
    );
    b.part(Cap, RED, Material::Metal, false, vec![nose]);
    let fins = (0..4)
        .map(|i| {
            let angle = std::f32::consts::FRAC_PI_2 * i as f32;
            b.cuboid(
                v(r * 1.3 * angle.cos(), h * 0.15, r * 1.3 * angle.sin()),
                v(
                    (r * 0.6 * angle.cos()).abs().max(h * 0.02),
                    h * 0.15,
                    (r * 0.6 * angle.sin()).abs().max(h * 0.02),
                ),
            )
        })
        .collect();
    b.part(Sail, RED, Material::Metal, false, fins);
}

fn mailbox(b: &mut Builder) {
    let h = b.height;
    let post_h = h * b.vary(0.65..0.72);
    let post = b.cuboid(
        v(0.0, post_h * 0.5, 0.0),
        v(h * 0.04, post_h * 0.5, h * 0.04),
    );
    b.part(Pole, WOOD, Material::Wood, false, vec![post]);
    let box_h = h - post_h;
    let body = b.cuboid(
        v(0.0, post_h + box_h * 0.5, 0.0),
        v(box_h * 0.45 * b.width, box_h * 0.5, box_h * 0.9),
    );
    b.part(Body, [35, 80, 210], Material::Metal, true, vec![body]);
    let flag = b.cuboid(
        v(box_h * 0.5 * b.width, post_h + box_h * 0.7, 0.0),
        v(h * 0.025, box_h * 0.2, box_h * 0.12),
    );
    b.part(Accents, RED, Material::Metal, false, vec![flag]);
}
