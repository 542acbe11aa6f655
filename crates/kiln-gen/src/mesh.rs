//! [`Mesh`]: the one mesh type of the workspace. The generator makes it, kiln-asset writes it as
//! GLB, the client shows it. Indexed triangles with normals and vertex colours, one primitive
//! per material (so each can get its own PBR material).

use std::collections::HashMap;

use crate::vocab::Material;

/// An indexed triangle mesh in metres, +Y up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mesh {
    pub positions: Vec<[f32; 3]>,
    /// Unit normals, one per vertex.
    pub normals: Vec<[f32; 3]>,
    /// sRGB colours, one per vertex.
    pub colours: Vec<[u8; 3]>,
    /// Triangles grouped by material; they share the vertex arrays.
    pub primitives: Vec<MeshPrimitive>,
}

/// The triangles of one material.
#[derive(Debug, Clone, PartialEq)]
pub struct MeshPrimitive {
    pub material: Material,
    /// Three vertex indices per triangle, counter-clockwise seen from outside.
    pub indices: Vec<u32>,
}

/// A move then a uniform scale: how [`Mesh::stand_on_ground`] stands a mesh.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// The point that goes to the origin.
    pub centre: [f32; 3],
    pub scale: f32,
}

impl Standing {
    pub fn apply(&self, mesh: &mut Mesh) {
        for position in &mut mesh.positions {
            for (value, centre) in position.iter_mut().zip(self.centre) {
                *value = (*value - centre) * self.scale;
            }
        }
    }
}

/// What [`Mesh::health`] finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeshHealth {
    /// Edges used by exactly one triangle (holes) or by more than two (non-manifold).
    pub bad_edges: usize,
    /// Triangles with (nearly) zero area or a repeated vertex.
    pub degenerate_triangles: usize,
}

impl MeshHealth {
    /// Closed, manifold, and no degenerate triangles.
    pub fn is_healthy(&self) -> bool {
        self.bad_edges == 0 && self.degenerate_triangles == 0
    }
}

impl Mesh {
    pub fn vertex_count(&self) -> usize {
        self.positions.len()
    }

    pub fn triangle_count(&self) -> usize {
        self.primitives
            .iter()
            .map(|primitive| primitive.indices.len() / 3)
            .sum()
    }

    /// All triangles, whatever their material.
    pub fn triangles(&self) -> impl Iterator<Item = [u32; 3]> + '_ {
        self.primitives.iter().flat_map(|primitive| {
            primitive
                .indices
                .chunks_exact(3)
                .map(|triangle| [triangle[0], triangle[1], triangle[2]])
        })
    }

    /// Axis-aligned bounds (min, max); zeros for an empty mesh.
    pub fn bounds(&self) -> ([f32; 3], [f32; 3]) {
        if self.positions.is_empty() {
            return ([0.0; 3], [0.0; 3]);
        }
        let mut min = [f32::INFINITY; 3];
        let mut max = [f32::NEG_INFINITY; 3];
        for position in &self.positions {
            for axis in 0..3 {
                min[axis] = min[axis].min(position[axis]);
                max[axis] = max[axis].max(position[axis]);
            }
        }
        (min, max)
    }

    /// Kiln's item convention: metres, +Y up, the object standing on y = 0 with the centre of
    /// its base at the origin, scaled (uniformly) to `height` metres when given. Deterministic,
    /// and idempotent for the same height.
    pub fn stand_on_ground(&mut self, height: Option<f32>) {
        self.standing(height).apply(self);
    }

    /// Moves every vertex by `offset` metres.
    pub fn translate(&mut self, offset: [f32; 3]) {
        for position in &mut self.positions {
            for (value, by) in position.iter_mut().zip(offset) {
                *value += by;
            }
        }
    }

    /// The move and scale [`Mesh::stand_on_ground`] makes, to make it on other meshes too (the
    /// objects of an item stand as the whole does).
    pub fn standing(&self, height: Option<f32>) -> Standing {
        let (min, max) = self.bounds();
        Standing {
            scale: height.map_or(1.0, |height| height / (max[1] - min[1]).max(1e-6)),
            centre: [(min[0] + max[0]) * 0.5, min[1], (min[2] + max[2]) * 0.5],
        }
    }

    /// Watertightness and degenerate triangles, checked over all primitives together. Vertices
    /// at the same position count as one: a hard edge or a flat-shaded face splits a vertex to
    /// give each face its own normal, and the surface stays closed.
    pub fn health(&self) -> MeshHealth {
        let (edges, degenerate_triangles) = self.edge_uses();
        MeshHealth {
            bad_edges: edges.values().filter(|&&uses| uses != 2).count(),
            degenerate_triangles,
        }
    }

    /// [`Mesh::health`] of a mesh made of pieces each closed on its own (the part generator's):
    /// an edge is bad only where an odd number of triangles use it (a hole), since two closed
    /// pieces that touch share their edges (four uses) and each still encloses its volume.
    pub fn health_of_pieces(&self) -> MeshHealth {
        let (edges, degenerate_triangles) = self.edge_uses();
        MeshHealth {
            bad_edges: edges.values().filter(|&&uses| uses % 2 == 1).count(),
            degenerate_triangles,
        }
    }

    /// How many triangles use each edge, vertices welded by position; and the triangles without
    /// area.
    fn edge_uses(&self) -> (HashMap<(u32, u32), u32>, usize) {
        let mut welded: HashMap<[u32; 3], u32> = HashMap::new();
        let same: Vec<u32> = self
            .positions
            .iter()
            .enumerate()
            .map(|(index, position)| {
                *welded
                    .entry(position.map(f32::to_bits))
                    .or_insert(index as u32)
            })
            .collect();
        let weld = |index: u32| same.get(index as usize).copied().unwrap_or(index);
        let mut edges: HashMap<(u32, u32), u32> = HashMap::new();
        let mut degenerate_triangles = 0;
        for [a, b, c] in self.triangles() {
            if a == b || b == c || a == c || self.area(a, b, c) <= 1e-12 {
                degenerate_triangles += 1;
            }
            let [a, b, c] = [a, b, c].map(weld);
            for (from, to) in [(a, b), (b, c), (c, a)] {
                *edges.entry((from.min(to), from.max(to))).or_default() += 1;
            }
        }
        (edges, degenerate_triangles)
    }

    pub(crate) fn area(&self, a: u32, b: u32, c: u32) -> f32 {
        let [a, b, c] = [a, b, c].map(|index| {
            self.positions
                .get(index as usize)
                .copied()
                .unwrap_or([f32::NAN; 3])
        });
        let ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
        let ac = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
        let cross = [
            ab[1] * ac[2] - ab[2] * ac[1],
            ab[2] * ac[0] - ab[0] * ac[2],
            ab[0] * ac[1] - ab[1] * ac[0],
        ];
        let area = 0.5 * (cross[0] * cross[0] + cross[1] * cross[1] + cross[2] * cross[2]).sqrt();
        if area.is_nan() { 0.0 } else { area }
    }

    /// Recomputes vertex normals as the area-weighted average of the adjacent faces.
    pub fn compute_normals(&mut self) {
        let mut normals = vec![[0.0f32; 3]; self.positions.len()];
        for [a, b, c] in self.triangles().collect::<Vec<_>>() {
            let [pa, pb, pc] = [a, b, c].map(|index| self.positions[index as usize]);
            let ab = [pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]];
            let ac = [pc[0] - pa[0], pc[1] - pa[1], pc[2] - pa[2]];
            // Twice the area, pointing outwards for counter-clockwise triangles.
            let face = [
                ab[1] * ac[2] - ab[2] * ac[1],
                ab[2] * ac[0] - ab[0] * ac[2],
                ab[0] * ac[1] - ab[1] * ac[0],
            ];
            for index in [a, b, c] {
                for axis in 0..3 {
                    normals[index as usize][axis] += face[axis];
                }
            }
        }
        self.normals = normals
            .into_iter()
            .map(|n| {
                let length = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
                if length > 0.0 {
                    [n[0] / length, n[1] / length, n[2] / length]
                } else {
                    [0.0, 1.0, 0.0]
                }
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tetrahedron: the smallest closed mesh.
    pub(crate) fn tetrahedron() -> Mesh {
        let mut mesh = Mesh {
            positions: vec![
                [0.0, 0.0, 0.0],
                [1.0, 0.0, 0.0],
                [0.0, 0.0, 1.0],
                [0.0, 1.0, 0.0],
            ],
            normals: Vec::new(),
            colours: vec![[255, 0, 0]; 4],
            primitives: vec![
                MeshPrimitive {
                    material: Material::Wood,
                    indices: vec![0, 1, 2, 0, 3, 1],
                },
                MeshPrimitive {
                    material: Material::Metal,
                    indices: vec![0, 2, 3, 1, 3, 2],
                },
            ],
        };
        mesh.compute_normals();
        mesh
    }

    #[test]
    fn a_closed_mesh_split_across_materials_is_healthy() {
        let mesh = tetrahedron();
        assert_eq!(mesh.triangle_count(), 4);
        assert!(mesh.health().is_healthy(), "{:?}", mesh.health());
    }

    /// Two closed pieces that touch along an edge: not manifold there, but closed.
    #[test]
    fn touching_closed_pieces_are_healthy_as_pieces_and_holes_are_not() {
        let mut pair = tetrahedron();
        let mirrored = tetrahedron();
        let base = pair.positions.len() as u32;
        // The second tetrahedron turned half a turn about the edge from (0,0,0) to (1,0,0)
        // (0 − 0 is +0, whose bits are the first one's).
        pair.positions.extend(
            mirrored
                .positions
                .iter()
                .map(|&[x, y, z]| [x, 0.0 - y, 0.0 - z]),
        );
        pair.colours.extend(&mirrored.colours);
        for primitive in &mirrored.primitives {
            pair.primitives.push(MeshPrimitive {
                material: primitive.material,
                indices: primitive.indices.iter().map(|i| i + base).collect(),
            });
        }
        assert_eq!(pair.health().bad_edges, 1, "{:?}", pair.health());
        assert!(
            pair.health_of_pieces().is_healthy(),
            "{:?}",
            pair.health_of_pieces()
        );
        pair.primitives[3].indices.truncate(3);
        assert!(!pair.health_of_pieces().is_healthy());
    }

    #[test]
    fn holes_and_slivers_are_found() {
        let mut open = tetrahedron();
        open.primitives[1].indices.truncate(3);
        assert_eq!(open.health().bad_edges, 3);
        assert_eq!(open.health_of_pieces().bad_edges, 3);
        let mut sliver = tetrahedron();
        sliver.positions[3] = [0.5, 0.0, 0.0];
        assert!(sliver.health().degenerate_triangles > 0);
    }

    #[test]
    fn normals_point_out_of_the_tetrahedron() {
        let mesh = tetrahedron();
        // The vertex at the origin: its normal points away from the solid.
        let n = mesh.normals[0];
        assert!(n[0] < 0.0 && n[1] < 0.0 && n[2] < 0.0, "{n:?}");
    }

    #[test]
    fn standing_on_the_ground_centres_the_base_and_scales_to_height() {
        let mut mesh = tetrahedron();
        for position in &mut mesh.positions {
            position[1] += 3.0;
            position[0] -= 5.0;
        }
        mesh.stand_on_ground(Some(2.0));
        let (min, max) = mesh.bounds();
        assert_eq!(min[1], 0.0);
        assert!((max[1] - 2.0).abs() < 1e-6);
        assert!((min[0] + max[0]).abs() < 1e-6 && (min[2] + max[2]).abs() < 1e-6);
        let once = mesh.positions.clone();
        mesh.stand_on_ground(Some(2.0));
        assert_eq!(mesh.positions, once, "idempotent");
        mesh.stand_on_ground(None);
        assert_eq!(mesh.positions, once);
    }
}
