//! The mesher's last steps: simplification to the triangle budget (meshoptimizer, weighing
//! colour so colour borders stay put, locking the vertices where materials meet), one primitive
//! per material, vertex-cache order, compact vertex arrays, normals. A simplification that would
//! open the surface or leave slivers is dropped for the unsimplified mesh.

use meshopt::{SimplifyOptions, VertexDataAdapter};

use crate::mesh::{Mesh, MeshPrimitive};
use crate::vocab::Material;

/// Allowed deviation of the simplified surface, relative to the mesh's extent.
const TARGET_ERROR: f32 = 0.02;
/// Weight of colour (0..=1 per channel) against position in the simplifier's error.
const COLOUR_WEIGHT: f32 = 0.5;

/// Builds the final mesh from a triangle soup over shared vertices.
pub(crate) fn finish(
    positions: Vec<[f32; 3]>,
    colours: Vec<[u8; 3]>,
    vertex_materials: Vec<u8>,
    indices: Vec<u32>,
    max_triangles: usize,
) -> Mesh {
    let unsimplified = assemble(&positions, &colours, &vertex_materials, &indices);
    if indices.len() / 3 <= max_triangles || !unsimplified.health().is_healthy() {
        return unsimplified;
    }
    // Now and then a collapse leaves a sliver; a slightly smaller target avoids it.
    let attempts = [
        (max_triangles, SimplifyOptions::None),
        (max_triangles, SimplifyOptions::RegularizeLight),
        (max_triangles * 9 / 10, SimplifyOptions::Regularize),
    ];
    let mut slivered = Vec::new();
    for (target, options) in attempts {
        if let Some(indices) = simplify(
            &positions,
            &colours,
            &vertex_materials,
            &indices,
            target,
            options,
        ) {
            let mesh = assemble(&positions, &colours, &vertex_materials, &indices);
            if mesh.health().is_healthy() {
                return mesh;
            }
            if mesh.health().bad_edges == 0 {
                slivered.push(indices);
            }
        }
    }
    // On a big flat face the vertices lie on a regular lattice, and a collapse can leave three
    // of them in a row as a triangle of no area: flip those apart rather than give up.
    for mut indices in slivered {
        if flip_slivers(&positions, &mut indices) {
            let mesh = assemble(&positions, &colours, &vertex_materials, &indices);
            if mesh.health().is_healthy() {
                return mesh;
            }
        }
    }
    unsimplified
}

/// Whether a triangle has no area (as [`Mesh::health`] counts it) or repeats a vertex.
fn is_sliver(positions: &[[f32; 3]], [a, b, c]: [u32; 3]) -> bool {
    let [pa, pb, pc] = [a, b, c].map(|i| positions[i as usize]);
    let ab = [pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]];
    let ac = [pc[0] - pa[0], pc[1] - pa[1], pc[2] - pa[2]];
    let cross = [
        ab[1] * ac[2] - ab[2] * ac[1],
        ab[2] * ac[0] - ab[0] * ac[2],
        ab[0] * ac[1] - ab[1] * ac[0],
    ];
    let area = 0.5 * (cross[0] * cross[0] + cross[1] * cross[1] + cross[2] * cross[2]).sqrt();
    a == b || b == c || a == c || area.is_nan() || area <= 1e-12
}

/// Removes triangles of no area from a closed surface by flipping each one's longest edge (the
/// one its middle vertex lies on) with the triangle across it: two proper triangles over the
/// same surface. False when a sliver cannot be flipped (a repeated vertex, an open edge, or
/// the new edge already there) or slivers remain after a few dozen flips.
fn flip_slivers(positions: &[[f32; 3]], indices: &mut [u32]) -> bool {
    let triangle =
        |indices: &[u32], i: usize| [indices[3 * i], indices[3 * i + 1], indices[3 * i + 2]];
    for _ in 0..64 {
        let count = indices.len() / 3;
        let Some(i) = (0..count).find(|&i| is_sliver(positions, triangle(indices, i))) else {
            return true;
        };
        let t = triangle(indices, i);
        if t[0] == t[1] || t[1] == t[2] || t[0] == t[2] {
            return false;
        }
        let length = |a: u32, b: u32| {
            let [pa, pb] = [a, b].map(|v| positions[v as usize]);
            (0..3).map(|k| (pa[k] - pb[k]).powi(2)).sum::<f32>()
        };
        let k = (0..3)
            .max_by(|&k, &l| length(t[k], t[(k + 1) % 3]).total_cmp(&length(t[l], t[(l + 1) % 3])))
            .expect("three edges");
        let (a, b, c) = (t[k], t[(k + 1) % 3], t[(k + 2) % 3]);
        let has_edge = |from: u32, to: u32| {
            (0..count).any(|j| {
                let u = triangle(indices, j);
                (0..3).any(|e| u[e] == from && u[(e + 1) % 3] == to)
            })
        };
        let Some((j, d)) = (0..count).find_map(|j| {
            let u = triangle(indices, j);
            (0..3)
                .find(|&e| u[e] == b && u[(e + 1) % 3] == a)
                .map(|e| (j, u[(e + 2) % 3]))
        }) else {
            return false;
        };
        if d == c || has_edge(c, d) || has_edge(d, c) {
            return false;
        }
        indices[3 * i..3 * i + 3].copy_from_slice(&[a, d, c]);
        indices[3 * j..3 * j + 3].copy_from_slice(&[d, b, c]);
    }
    false
}

fn simplify(
    positions: &[[f32; 3]],
    colours: &[[u8; 3]],
    vertex_materials: &[u8],
    indices: &[u32],
    max_triangles: usize,
    options: SimplifyOptions,
) -> Option<Vec<u32>> {
    let bytes: Vec<u8> = positions
        .iter()
        .flat_map(|p| p.iter().flat_map(|c| c.to_le_bytes()))
        .collect();
    let adapter = VertexDataAdapter::new(&bytes, 12, 0).ok()?;
    let attributes: Vec<f32> = colours
        .iter()
        .flat_map(|c| c.map(|channel| f32::from(channel) / 255.0))
        .collect();
    // A vertex where two materials meet keeps its place, so the border stays where it was.
    let mut first_material = vec![u8::MAX; positions.len()];
    let mut locked = vec![false; positions.len()];
    for triangle in indices.chunks_exact(3) {
        let material = majority([0, 1, 2].map(|i| vertex_materials[triangle[i] as usize]));
        for &vertex in triangle {
            let seen = &mut first_material[vertex as usize];
            if *seen == u8::MAX {
                *seen = material;
            } else if *seen != material {
                locked[vertex as usize] = true;
            }
        }
    }
    let simplified = meshopt::simplify_with_attributes_and_locks(
        indices,
        &adapter,
        &attributes,
        &[COLOUR_WEIGHT; 3],
        12,
        &locked,
        max_triangles * 3,
        TARGET_ERROR,
        options,
        None,
    );
    (!simplified.is_empty()).then_some(simplified)
}

/// Splits triangles by material, orders each primitive for the vertex cache, drops unused
/// vertices and computes normals.
fn assemble(
    positions: &[[f32; 3]],
    colours: &[[u8; 3]],
    vertex_materials: &[u8],
    indices: &[u32],
) -> Mesh {
    let mut by_material: Vec<Vec<u32>> = vec![Vec::new(); Material::ALL.len()];
    for triangle in indices.chunks_exact(3) {
        let material = majority([0, 1, 2].map(|i| vertex_materials[triangle[i] as usize]));
        by_material[usize::from(material).min(Material::ALL.len() - 1)].extend_from_slice(triangle);
    }
    // New vertex numbers in order of first use, so the arrays are compact and cache friendly.
    let mut remap = vec![u32::MAX; positions.len()];
    let mut mesh = Mesh::default();
    for (material, indices) in by_material.into_iter().enumerate() {
        if indices.is_empty() {
            continue;
        }
        let ordered = meshopt::optimize_vertex_cache(&indices, positions.len());
        let indices = ordered
            .into_iter()
            .map(|old| {
                let new = &mut remap[old as usize];
                if *new == u32::MAX {
                    *new = mesh.positions.len() as u32;
                    mesh.positions.push(positions[old as usize]);
                    mesh.colours.push(colours[old as usize]);
                }
                *new
            })
            .collect();
        mesh.primitives.push(MeshPrimitive {
            material: Material::ALL[material],
            indices,
        });
    }
    mesh.compute_normals();
    mesh
}

/// The value at least two of three share, else the first.
pub(crate) fn majority([a, b, c]: [u8; 3]) -> u8 {
    if b == c { b } else { a }
}

impl Mesh {
    /// A coarser version of this mesh, at most about `max_triangles` triangles, simplified as
    /// the mesher simplifies (colour borders and material seams kept): what a distant view
    /// draws. The mesh as it is when it is small enough or cannot be simplified cleanly.
    pub fn simplified(&self, max_triangles: usize) -> Mesh {
        let mut vertex_materials = vec![0u8; self.positions.len()];
        let mut indices = Vec::with_capacity(self.triangle_count() * 3);
        for primitive in &self.primitives {
            let material = primitive.material.index() as u8;
            for triangle in primitive.indices.chunks_exact(3) {
                if triangle
                    .iter()
                    .all(|&i| (i as usize) < self.positions.len())
                {
                    for &vertex in triangle {
                        vertex_materials[vertex as usize] = material;
                    }
                    indices.extend_from_slice(triangle);
                }
            }
        }
        let colours = (0..self.positions.len())
            .map(|vertex| self.colours.get(vertex).copied().unwrap_or([200; 3]))
            .collect();
        finish(
            self.positions.clone(),
            colours,
            vertex_materials,
            indices,
            max_triangles,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::flip_slivers;
    use crate::mesher::{MeshOptions, mesh_field};
    use crate::shapes::sample_shape;

    #[test]
    fn a_triangle_of_no_area_is_flipped_into_two_proper_ones() {
        // A tetrahedron with a vertex (4) in the middle of its edge 0-1, and the triangle
        // 1-0-4 along that edge, of no area, closing the surface.
        let positions = [
            [0.0, 0.0, 0.0],
            [2.0, 0.0, 0.0],
            [1.0, 0.0, 2.0],
            [1.0, 2.0, 1.0],
            [1.0, 0.0, 0.0],
        ];
        let mut indices = vec![0, 1, 2, 1, 0, 4, 4, 0, 3, 1, 4, 3, 2, 1, 3, 0, 2, 3];
        assert!(super::is_sliver(&positions, [1, 0, 4]));
        assert!(flip_slivers(&positions, &mut indices));
        assert!(
            indices
                .chunks_exact(3)
                .all(|t| !super::is_sliver(&positions, [t[0], t[1], t[2]]))
        );
        let mut edges = std::collections::HashMap::new();
        for t in indices.chunks_exact(3) {
            for e in 0..3 {
                let (a, b) = (t[e], t[(e + 1) % 3]);
                *edges.entry((a.min(b), a.max(b))).or_insert(0) += 1;
            }
        }
        assert!(edges.values().all(|&uses| uses == 2), "{edges:?}");
    }

    #[test]
    fn a_simplified_mesh_is_smaller_closed_and_keeps_its_materials() {
        let description = crate::parse("a red mushroom with a white stem")
            .unwrap()
            .description;
        let shape = sample_shape(&description, 2);
        let mesh = mesh_field(
            &shape.sample_field(&shape.unit_frame(), 48),
            &MeshOptions::default(),
        )
        .unwrap();
        let coarse = mesh.simplified(mesh.triangle_count() / 8);
        assert!(
            coarse.triangle_count() <= mesh.triangle_count() / 8 + 8,
            "{} triangles from {}",
            coarse.triangle_count(),
            mesh.triangle_count()
        );
        assert!(coarse.health().is_healthy(), "{:?}", coarse.health());
        let materials = |m: &crate::Mesh| {
            let mut all: Vec<_> = m.primitives.iter().map(|p| p.material).collect();
            all.sort();
            all
        };
        assert_eq!(materials(&coarse), materials(&mesh));
        let (small, big) = (mesh.simplified(usize::MAX), mesh.triangle_count());
        assert_eq!(
            small.triangle_count(),
            big,
            "a budget above the count changed the mesh"
        );
    }
}
