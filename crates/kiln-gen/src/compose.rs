//! An item of several objects ("a table with two cups on it"): each object from the model on its
//! own, with its own seed derived from the item's, then arranged by [`crate::layout`]'s rules and
//! merged. The objects are kept apart too: the GLB has a node per object, and the metadata lists
//! each one's prompt, seed and place, which is what verification makes again.

use crate::layout::Support;
use crate::mesh::{Mesh, MeshPrimitive};
use crate::prompt::{Description, Placement, PromptObject};
use crate::vocab::Category;

/// One object of a composed item, before it is made.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectPlan {
    pub description: Description,
    pub seed: u64,
    pub support: Support,
    /// The index of the prompt object it is one of (the three of "three barrels" share one).
    pub group: usize,
    /// Laid on its side ([`lay_down`]): a sword on a table lies on it.
    pub lying: bool,
}

/// One object of a composed item as made and placed.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposedObject {
    /// What the model was given for it, in Kiln's words ("a red cup").
    pub prompt: String,
    pub seed: u64,
    /// Where its origin (the centre of its base) stands in the item, in metres.
    pub position: [f32; 3],
    /// The index of the object it stands on; none: the ground.
    pub rests_on: Option<usize>,
    /// Laid on its side before it was placed ([`lay_down`]).
    pub lying: bool,
    /// Its mesh, in the item's space (already at `position`).
    pub mesh: Mesh,
}

/// The seed of the `index`-th object of an item made with `seed`: the item's own for the first
/// (so "a chair" and the first of "two chairs" are the same chair), then a splitmix64 step per
/// object, so that neighbouring seeds give unrelated objects, cut to 53 bits (what a JSON
/// number holds exactly, as the metadata records it).
pub fn object_seed(seed: u64, index: usize) -> u64 {
    if index == 0 {
        return seed;
    }
    let mut z = seed.wrapping_add((index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) & ((1 << 53) - 1)
}

/// The meshes of an item's objects (in the item's space) stood on the ground as one, scaled to
/// `height` metres when given: each moved and scaled as the whole is, so that they stay in place
/// against each other. Returns the whole.
pub fn stand_objects_on_ground(meshes: &mut [Mesh], height: Option<f32>) -> Mesh {
    let standing = merge(meshes.iter()).standing(height);
    for mesh in meshes.iter_mut() {
        standing.apply(mesh);
    }
    merge(meshes.iter())
}

/// The objects to make for a prompt's objects, one per object counted ("three barrels" is three),
/// in prompt order. Objects set on a group of several go round its members in turn; an object
/// beside another stands on what that one stands on.
pub fn plan(objects: &[PromptObject], seed: u64) -> Vec<ObjectPlan> {
    // The index of each group's first object.
    let mut first = Vec::with_capacity(objects.len());
    let mut next = 0;
    for object in objects {
        first.push(next);
        next += object.count as usize;
    }
    let support_of = |group: usize, taken: &mut Vec<usize>| -> Support {
        let mut at = group;
        for _ in 0..objects.len() {
            match objects[at].placement {
                Placement::Ground => return Support::Ground,
                Placement::Beside(other) if other < objects.len() => at = other,
                Placement::On(other) if other < objects.len() => {
                    let members = objects[other].count.max(1) as usize;
                    let turn = taken[other] % members;
                    taken[other] += 1;
                    return Support::On(first[other] + turn);
                }
                _ => return Support::Ground,
            }
        }
        Support::Ground
    };
    let mut taken = vec![0; objects.len()];
    let mut planned = Vec::new();
    for (group, object) in objects.iter().enumerate() {
        for _ in 0..object.count {
            let support = support_of(group, &mut taken);
            planned.push(ObjectPlan {
                description: object.description.clone(),
                seed: object_seed(seed, planned.len()),
                support,
                group,
                lying: lies_down(object.description.category),
            });
        }
    }
    planned
}

/// Things held in the hand: made standing on end, as an item of their own is, but laid down
/// among other objects (a sword on a table, an axe beside a log).
pub fn lies_down(category: Category) -> bool {
    use Category::*;
    matches!(
        category,
        Sword | Axe | Hammer | Key | Spear | Staff | Wand | Shovel | Pickaxe | Scythe | Bow
    )
}

/// Turns a mesh standing on end onto its side: its length (Y) along X, its thinnest side
/// down, standing on y = 0 with its base centred again. A proper rotation, so the faces keep
/// their winding.
pub fn lay_down(mesh: &mut Mesh) {
    let (min, max) = mesh.bounds();
    // Old X, Y, Z go to: thin Z down → (Z, X, Y); thin X down → (Y, X, -Z).
    let thin_z = max[2] - min[2] <= max[0] - min[0];
    let turn = |v: [f32; 3]| {
        if thin_z {
            [v[1], v[2], v[0]]
        } else {
            [v[1], v[0], -v[2]]
        }
    };
    for position in &mut mesh.positions {
        *position = turn(*position);
    }
    for normal in &mut mesh.normals {
        *normal = turn(*normal);
    }
    mesh.stand_on_ground(None);
}

/// The triangle budget of each of `objects` objects when the item's is `item`: shared equally.
pub fn triangles_each(item: usize, objects: usize) -> usize {
    item / objects.max(1)
}

/// `mesh` moved by `offset` metres.
pub fn translated(mut mesh: Mesh, offset: [f32; 3]) -> Mesh {
    mesh.translate(offset);
    mesh
}

/// The objects' meshes as one: what the item's preview, thumbnail and statistics show.
pub fn merge<'a>(meshes: impl IntoIterator<Item = &'a Mesh>) -> Mesh {
    let mut merged = Mesh::default();
    for mesh in meshes {
        let base = merged.positions.len() as u32;
        merged.positions.extend_from_slice(&mesh.positions);
        merged.normals.extend_from_slice(&mesh.normals);
        merged.colours.extend_from_slice(&mesh.colours);
        for primitive in &mesh.primitives {
            let indices = primitive.indices.iter().map(|index| index + base);
            match merged
                .primitives
                .iter_mut()
                .find(|known| known.material == primitive.material)
            {
                Some(known) => known.indices.extend(indices),
                None => merged.primitives.push(MeshPrimitive {
                    material: primitive.material,
                    indices: indices.collect(),
                }),
            }
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::parse;

    #[test]
    fn the_first_object_keeps_the_item_seed_and_the_others_differ() {
        assert_eq!(object_seed(42, 0), 42);
        let seeds: Vec<u64> = (0..8).map(|index| object_seed(42, index)).collect();
        let mut unique = seeds.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 8, "{seeds:?}");
        assert_ne!(object_seed(43, 1), object_seed(42, 1));
    }

    #[test]
    fn a_plan_has_one_object_per_count_on_its_support() {
        let parsed = parse("a table with two cups on it").unwrap();
        let planned = plan(&parsed.objects, 7);
        let made: Vec<(Category, Support)> = planned
            .iter()
            .map(|object| (object.description.category, object.support))
            .collect();
        assert_eq!(
            made,
            [
                (Category::Table, Support::Ground),
                (Category::Cup, Support::On(0)),
                (Category::Cup, Support::On(0)),
            ]
        );
        assert_eq!(planned[0].seed, 7);
        assert_ne!(planned[1].seed, planned[2].seed);

        // A cup on a table: the first object stands on the second.
        let cup = plan(&parse("a cup on a table").unwrap().objects, 1);
        assert_eq!(cup[0].support, Support::On(1));
        assert_eq!(cup[1].support, Support::Ground);
        // Beside: on what the other stands on.
        let lamp = plan(&parse("a lamp next to a bed").unwrap().objects, 1);
        assert_eq!(lamp[0].support, Support::Ground);
    }

    #[test]
    fn merging_keeps_every_triangle_and_material() {
        let square = |material| Mesh {
            positions: vec![[0.0; 3], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]],
            normals: vec![[0.0, 1.0, 0.0]; 3],
            colours: vec![[1, 2, 3]; 3],
            primitives: vec![MeshPrimitive {
                material,
                indices: vec![0, 2, 1],
            }],
        };
        use crate::vocab::Material;
        let merged = merge([
            &square(Material::Wood),
            &square(Material::Metal),
            &square(Material::Wood),
        ]);
        assert_eq!(merged.vertex_count(), 9);
        assert_eq!(merged.triangle_count(), 3);
        assert_eq!(merged.primitives.len(), 2);
        assert_eq!(merged.primitives[0].indices, [0, 2, 1, 6, 8, 7]);
    }
}
