//! From a decoded field (signed distance, colour and material on a grid) to a watertight,
//! indexed, coloured [`Mesh`] with one primitive per material: surface nets, then simplification
//! to the triangle budget and vertex-cache ordering with meshoptimizer.
//!
//! Surface nets puts one vertex in every grid cell the surface crosses and joins the vertices of
//! the four cells around every crossed grid edge into a quad. The result is closed when the
//! field is positive on the grid's boundary (the mesher makes it so) and manifold when no cell
//! face has a saddle (two diagonal corners inside, two outside); such faces are resolved first
//! by moving the face's outside corner nearest the surface inside, a change below one cell.
//! Corners only ever move inwards, so resolving one face cannot undo another and the passes
//! end; a face with a saddle never has a corner on the grid's boundary, so the boundary stays
//! outside.

use std::collections::HashMap;

use crate::mesh::Mesh;
use crate::vocab::Material;

/// Signed distance (negative inside), colour and material sampled on a regular grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Grid points along x, y, z.
    pub dims: [usize; 3],
    /// Position of grid point (0, 0, 0), in metres.
    pub origin: [f32; 3],
    /// Distance between neighbouring grid points, in metres.
    pub spacing: f32,
    /// One value per grid point, x fastest, then y, then z.
    pub distance: Vec<f32>,
    /// sRGB in 0..=1, one per grid point.
    pub colour: Vec<[f32; 3]>,
    /// Index into [`Material::ALL`], one per grid point.
    pub material: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeshError {
    #[error("the field holds no surface: every sample is on one side")]
    NoSurface,
    #[error("the field's arrays do not match its {0:?} grid")]
    BadField([usize; 3]),
}

/// How the mesher shapes its output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeshOptions {
    /// Simplify down to about this many triangles (never above the unsimplified count).
    pub max_triangles: usize,
}

impl Default for MeshOptions {
    fn default() -> Self {
        MeshOptions {
            max_triangles: 10_000,
        }
    }
}

impl Field {
    /// An empty field over the model's cube [-1, 1]³ with `resolution` points per axis, ready
    /// to be filled in grid order ([`Field::cube_point`]).
    pub fn cube(resolution: usize) -> Field {
        let count = resolution.pow(3);
        Field::cube_with(
            resolution,
            Vec::with_capacity(count),
            Vec::with_capacity(count),
            Vec::with_capacity(count),
        )
    }

    /// Nothing anywhere in the cube: far outside at every point.
    pub fn empty_cube(resolution: usize) -> Field {
        let count = resolution.pow(3);
        Field::cube_with(
            resolution,
            vec![4.0; count],
            vec![[0.5; 3]; count],
            vec![0; count],
        )
    }

    /// The field over the model's cube with these values, in grid order.
    pub fn cube_with(
        resolution: usize,
        distance: Vec<f32>,
        colour: Vec<[f32; 3]>,
        material: Vec<u8>,
    ) -> Field {
        Field {
            dims: [resolution; 3],
            origin: [-1.0; 3],
            spacing: 2.0 / (resolution - 1) as f32,
            distance,
            colour,
            material,
        }
    }

    /// Position of grid point `index` (x fastest) of a [`Field::cube`] of `resolution`.
    pub fn cube_point(resolution: usize, index: usize) -> [f32; 3] {
        let spacing = 2.0 / (resolution - 1) as f32;
        [
            index % resolution,
            (index / resolution) % resolution,
            index / (resolution * resolution),
        ]
        .map(|i| i as f32 * spacing - 1.0)
    }

    fn index(&self, x: usize, y: usize, z: usize) -> usize {
        x + self.dims[0] * (y + self.dims[1] * z)
    }

    fn point(&self, x: usize, y: usize, z: usize) -> [f32; 3] {
        [
            self.origin[0] + x as f32 * self.spacing,
            self.origin[1] + y as f32 * self.spacing,
            self.origin[2] + z as f32 * self.spacing,
        ]
    }
}

/// Meshes `field` (see the module documentation).
pub fn mesh_field(field: &Field, options: &MeshOptions) -> Result<Mesh, MeshError> {
    let [nx, ny, nz] = field.dims;
    let count = nx * ny * nz;
    if nx < 3
        || ny < 3
        || nz < 3
        || field.distance.len() != count
        || field.colour.len() != count
        || field.material.len() != count
    {
        return Err(MeshError::BadField(field.dims));
    }
    let distance = prepared_distance(field);
    if !distance.iter().any(|&d| d < 0.0) {
        return Err(MeshError::NoSurface);
    }

    // One vertex per crossed cell, keyed by the cell's lowest corner.
    let mut cell_vertex: HashMap<usize, u32> = HashMap::new();
    let mut positions = Vec::new();
    let mut colours = Vec::new();
    let mut materials = Vec::new();
    for z in 0..nz - 1 {
        for y in 0..ny - 1 {
            for x in 0..nx - 1 {
                let corners: [usize; 8] = std::array::from_fn(|i| {
                    field.index(x + (i & 1), y + ((i >> 1) & 1), z + ((i >> 2) & 1))
                });
                let inside = corners.iter().filter(|&&c| distance[c] < 0.0).count();
                if inside == 0 || inside == 8 {
                    continue;
                }
                let (position, colour, material) =
                    cell_vertex_values(field, &distance, &corners, [x, y, z]);
                cell_vertex.insert(field.index(x, y, z), positions.len() as u32);
                positions.push(position);
                colours.push(colour);
                materials.push(material);
            }
        }
    }

    // One quad per crossed grid edge, around it, facing from inside to outside.
    let mut quads: Vec<[u32; 4]> = Vec::new();
    for z in 0..nz {
        for y in 0..ny {
            for x in 0..nx {
                let here = distance[field.index(x, y, z)];
                for axis in 0..3 {
                    let [dx, dy, dz] = unit(axis);
                    let (ex, ey, ez) = (x + dx, y + dy, z + dz);
                    if ex >= nx || ey >= ny || ez >= nz {
                        continue;
                    }
                    let there = distance[field.index(ex, ey, ez)];
                    if (here < 0.0) == (there < 0.0) {
                        continue;
                    }
                    // The two axes across the edge, in right-handed order after `axis`.
                    let (u, v) = ((axis + 1) % 3, (axis + 2) % 3);
                    let p = [x, y, z];
                    if p[u] == 0
                        || p[v] == 0
                        || p[u] >= field.dims[u] - 1
                        || p[v] >= field.dims[v] - 1
                    {
                        continue;
                    }
                    let cell = |du: usize, dv: usize| {
                        let mut c = p;
                        c[u] = c[u] + du - 1;
                        c[v] = c[v] + dv - 1;
                        cell_vertex[&field.index(c[0], c[1], c[2])]
                    };
                    let quad = [cell(0, 0), cell(1, 0), cell(1, 1), cell(0, 1)];
                    quads.push(if here < 0.0 {
                        quad
                    } else {
                        [quad[3], quad[2], quad[1], quad[0]]
                    });
                }
            }
        }
    }

    // Split each quad along its shorter diagonal.
    let mut indices = Vec::with_capacity(quads.len() * 6);
    for [a, b, c, d] in quads {
        let length =
            |i: u32, j: u32| distance_squared(positions[i as usize], positions[j as usize]);
        if length(a, c) <= length(b, d) {
            indices.extend_from_slice(&[a, b, c, a, c, d]);
        } else {
            indices.extend_from_slice(&[a, b, d, b, c, d]);
        }
    }
    let colours = colours
        .iter()
        .map(|c: &[f32; 3]| c.map(|channel| (channel.clamp(0.0, 1.0) * 255.0).round() as u8))
        .collect();
    Ok(crate::simplify::finish(
        positions,
        colours,
        materials,
        indices,
        options.max_triangles,
    ))
}

fn unit(axis: usize) -> [usize; 3] {
    let mut unit = [0; 3];
    unit[axis] = 1;
    unit
}

/// How near the surface (in grid spacings) a corner may be.
const MIN_CORNER_DISTANCE: f32 = 0.05;

/// Inside regions with fewer grid points than this share of the largest one are crumbs, not
/// parts: a generated field can leave a dozen specks around an object (a short chair's seat
/// did), which a player sees floating and which stretch the bounds the mesh is scaled and
/// stood by. The smallest real part, a crown's point or a chair's leg, is a few percent of
/// its object; a speck is well under one.
const ISLAND_SHARE: f32 = 0.01;

/// The field's distances with the boundary pushed outside (so the surface closes), crumbs
/// dropped ([`ISLAND_SHARE`]) and cell-face saddles resolved (so it is manifold).
fn prepared_distance(field: &Field) -> Vec<f32> {
    let [nx, ny, nz] = field.dims;
    let mut distance: Vec<f32> = field
        .distance
        .iter()
        .map(|&d| if d.is_finite() { d } else { field.spacing })
        .collect();
    for z in 0..nz {
        for y in 0..ny {
            for x in 0..nx {
                if x == 0 || y == 0 || z == 0 || x == nx - 1 || y == ny - 1 || z == nz - 1 {
                    let i = field.index(x, y, z);
                    distance[i] = distance[i].max(field.spacing * 0.5);
                }
            }
        }
    }
    // A corner on the surface, or a hair from it, puts the crossings of all its edges on
    // itself: the vertices of the cells around it coincide and their triangles have no area (a
    // surface one barely-inside corner thick did that to a generated mushroom's spots). Every
    // corner is kept at least `MIN_CORNER_DISTANCE` cells from the surface, which moves the
    // surface by no more than that; exact zeros count as outside.
    let floor = MIN_CORNER_DISTANCE * field.spacing;
    for d in &mut distance {
        if d.abs() < floor {
            *d = if *d < 0.0 { -floor } else { floor };
        }
    }
    drop_islands(&mut distance, field);
    // Each pass moves at least one corner inside for good, so this ends; in practice in two or
    // three passes.
    loop {
        let mut changed = false;
        for z in 0..nz {
            for y in 0..ny {
                for x in 0..nx {
                    for axis in 0..3 {
                        let (u, v) = ((axis + 1) % 3, (axis + 2) % 3);
                        let p = [x, y, z];
                        if p[u] + 1 >= field.dims[u] || p[v] + 1 >= field.dims[v] {
                            continue;
                        }
                        let corner = |du: usize, dv: usize| {
                            let mut c = p;
                            c[u] += du;
                            c[v] += dv;
                            field.index(c[0], c[1], c[2])
                        };
                        let face = [corner(0, 0), corner(1, 0), corner(1, 1), corner(0, 1)];
                        let inside = face.map(|i| distance[i] < 0.0);
                        let saddle = inside[0] == inside[2]
                            && inside[1] == inside[3]
                            && inside[0] != inside[1];
                        if saddle {
                            let nearest_outside = *face
                                .iter()
                                .filter(|&&i| distance[i] >= 0.0)
                                .min_by(|&&a, &&b| distance[a].total_cmp(&distance[b]))
                                .expect("a saddle face has two corners outside");
                            // Just inside, but not so near the corner that every crossing
                            // around it lands on the corner itself: the vertices of the cells
                            // around it would coincide and their triangles have no area.
                            distance[nearest_outside] = -0.1 * field.spacing;
                            changed = true;
                        }
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    distance
}

/// The vertex of a crossed cell: the mean of the edge crossings, the colour of the corners
/// weighted by nearness to the surface, the material of the inside corner nearest the surface.
fn cell_vertex_values(
    field: &Field,
    distance: &[f32],
    corners: &[usize; 8],
    cell: [usize; 3],
) -> ([f32; 3], [f32; 3], u8) {
    const EDGES: [(usize, usize); 12] = [
        (0, 1),
        (2, 3),
        (4, 5),
        (6, 7),
        (0, 2),
        (1, 3),
        (4, 6),
        (5, 7),
        (0, 4),
        (1, 5),
        (2, 6),
        (3, 7),
    ];
    let corner_point = |i: usize| {
        field.point(
            cell[0] + (i & 1),
            cell[1] + ((i >> 1) & 1),
            cell[2] + ((i >> 2) & 1),
        )
    };
    let mut sum = [0.0f32; 3];
    let mut crossings = 0.0;
    for (a, b) in EDGES {
        let (da, db) = (distance[corners[a]], distance[corners[b]]);
        if (da < 0.0) != (db < 0.0) {
            let t = (da / (da - db)).clamp(0.0, 1.0);
            let (pa, pb) = (corner_point(a), corner_point(b));
            for axis in 0..3 {
                sum[axis] += pa[axis] + (pb[axis] - pa[axis]) * t;
            }
            crossings += 1.0;
        }
    }
    let position = sum.map(|s| s / crossings);
    let mut colour = [0.0f32; 3];
    let mut weights = 0.0;
    let mut material = (f32::NEG_INFINITY, 0u8);
    for &corner in corners {
        let d = distance[corner];
        let weight = 1.0 / (d.abs() + field.spacing * 0.05);
        for (sum, channel) in colour.iter_mut().zip(field.colour[corner]) {
            *sum += channel * weight;
        }
        weights += weight;
        if d < 0.0 && d > material.0 {
            material = (d, field.material[corner]);
        }
    }
    let material_index = material.1.min(Material::ALL.len() as u8 - 1);
    (position, colour.map(|c| c / weights), material_index)
}

fn distance_squared(a: [f32; 3], b: [f32; 3]) -> f32 {
    (0..3).map(|axis| (a[axis] - b[axis]).powi(2)).sum()
}

/// Turns inside regions (26-connected: a diagonal neighbour joins, as the surface between
/// them may) smaller than [`ISLAND_SHARE`] of the largest to outside, mirrored, so no distance
/// comes nearer the surface than it was.
fn drop_islands(distance: &mut [f32], field: &Field) {
    const UNLABELLED: u32 = u32::MAX;
    let [nx, ny, nz] = field.dims;
    let mut label = vec![UNLABELLED; distance.len()];
    let mut sizes: Vec<usize> = Vec::new();
    let mut stack = Vec::new();
    for start in 0..distance.len() {
        if distance[start] >= 0.0 || label[start] != UNLABELLED {
            continue;
        }
        let id = sizes.len() as u32;
        label[start] = id;
        stack.push(start);
        let mut size = 0;
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y, z) = (i % nx, (i / nx) % ny, i / (nx * ny));
            for z2 in z.saturating_sub(1)..(z + 2).min(nz) {
                for y2 in y.saturating_sub(1)..(y + 2).min(ny) {
                    for x2 in x.saturating_sub(1)..(x + 2).min(nx) {
                        let j = field.index(x2, y2, z2);
                        if distance[j] < 0.0 && label[j] == UNLABELLED {
                            label[j] = id;
                            stack.push(j);
                        }
                    }
                }
            }
        }
        sizes.push(size);
    }
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let least = ISLAND_SHARE * largest as f32;
    for (d, &id) in distance.iter_mut().zip(&label) {
        if id != UNLABELLED && (sizes[id as usize] as f32) < least {
            *d = -*d;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A field sampled from an analytic SDF over a cube of side `extent` around the origin.
    pub(crate) fn sampled(resolution: usize, extent: f32, sdf: impl Fn([f32; 3]) -> f32) -> Field {
        let spacing = extent / (resolution - 1) as f32;
        let origin = [-extent / 2.0; 3];
        let mut distance = Vec::new();
        for z in 0..resolution {
            for y in 0..resolution {
                for x in 0..resolution {
                    distance.push(sdf([
                        origin[0] + x as f32 * spacing,
                        origin[1] + y as f32 * spacing,
                        origin[2] + z as f32 * spacing,
                    ]));
                }
            }
        }
        let count = distance.len();
        Field {
            dims: [resolution; 3],
            origin,
            spacing,
            distance,
            colour: vec![[1.0, 0.0, 0.0]; count],
            material: vec![0; count],
        }
    }

    fn sphere(p: [f32; 3]) -> f32 {
        (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt() - 0.7
    }

    #[test]
    fn a_sphere_is_closed_round_and_faces_outwards() {
        let mesh = mesh_field(
            &sampled(32, 2.0, sphere),
            &MeshOptions {
                max_triangles: usize::MAX,
            },
        )
        .unwrap();
        assert!(mesh.health().is_healthy(), "{:?}", mesh.health());
        for position in &mesh.positions {
            let radius = (position[0].powi(2) + position[1].powi(2) + position[2].powi(2)).sqrt();
            assert!((radius - 0.7).abs() < 0.03, "vertex at radius {radius}");
        }
        for (position, normal) in mesh.positions.iter().zip(&mesh.normals) {
            let outward: f32 = (0..3).map(|axis| position[axis] * normal[axis]).sum();
            assert!(outward > 0.0, "a normal points inwards");
        }
        assert_eq!(mesh.colours[0], [255, 0, 0]);
    }

    #[test]
    fn crumbs_are_dropped_and_parts_kept() {
        let options = MeshOptions {
            max_triangles: usize::MAX,
        };
        let ball = |p: [f32; 3], centre: [f32; 3], radius: f32| {
            (0..3)
                .map(|a| (p[a] - centre[a]).powi(2))
                .sum::<f32>()
                .sqrt()
                - radius
        };
        let alone = mesh_field(&sampled(32, 2.0, sphere), &options).unwrap();
        // A speck beside the ball: the mesh is the ball's alone.
        let with_speck = |p: [f32; 3]| sphere(p).min(ball(p, [0.85, 0.85, 0.0], 0.07));
        let cleaned = mesh_field(&sampled(32, 2.0, with_speck), &options).unwrap();
        assert_eq!(cleaned.positions, alone.positions);
        assert_eq!(cleaned.primitives, alone.primitives);
        // A second body a tenth of the first's volume is a part: both are meshed.
        let with_part = |p: [f32; 3]| sphere(p).min(ball(p, [0.8, 0.8, 0.0], 0.33));
        let both = mesh_field(&sampled(32, 2.0, with_part), &options).unwrap();
        assert!(both.health().is_healthy());
        let (_, max) = both.bounds();
        assert!(max[0] > 0.9 && max[1] > 0.9, "{max:?}");
    }

    #[test]
    fn shapes_touching_the_grid_edge_are_closed_anyway() {
        let cube = |p: [f32; 3]| p[0].abs().max(p[1].abs()).max(p[2].abs()) - 2.0;
        let mesh = mesh_field(&sampled(12, 2.0, cube), &MeshOptions::default()).unwrap();
        assert!(mesh.health().is_healthy(), "{:?}", mesh.health());
    }

    /// Corners a hair inside, alone or as a sheet one corner thick, used to pull the vertices
    /// of the cells around them onto themselves: triangles without area.
    #[test]
    fn corners_barely_inside_give_triangles_with_area() {
        let mut field = sampled(12, 2.0, |_| 0.5);
        let index = |x: usize, y: usize, z: usize| x + 12 * (y + 12 * z);
        field.distance[index(3, 3, 3)] = -1e-7;
        for (y, z) in [(6, 6), (7, 6), (6, 7), (7, 7), (8, 7)] {
            field.distance[index(8, y, z)] = -1e-7;
        }
        let mesh = mesh_field(
            &field,
            &MeshOptions {
                max_triangles: usize::MAX,
            },
        )
        .unwrap();
        assert!(mesh.health().is_healthy(), "{:?}", mesh.health());
        let smallest = mesh
            .triangles()
            .map(|[a, b, c]| mesh.area(a, b, c))
            .fold(f32::INFINITY, f32::min);
        let cell_area = field.spacing * field.spacing;
        assert!(
            smallest > 1e-5 * cell_area,
            "a triangle of {smallest} (a cell face is {cell_area})"
        );
    }

    #[test]
    fn saddles_do_not_make_the_mesh_non_manifold() {
        // Two balls touching at one point make saddle faces at their contact.
        let twins = |p: [f32; 3]| {
            let a = ((p[0] - 0.4).powi(2) + p[1].powi(2) + p[2].powi(2)).sqrt() - 0.4;
            let b = ((p[0] + 0.4).powi(2) + p[1].powi(2) + p[2].powi(2)).sqrt() - 0.4;
            a.min(b)
        };
        for resolution in [9, 10, 17, 24, 33] {
            let mesh = mesh_field(
                &sampled(resolution, 2.0, twins),
                &MeshOptions {
                    max_triangles: usize::MAX,
                },
            )
            .unwrap();
            assert!(
                mesh.health().is_healthy(),
                "{resolution}: {:?}",
                mesh.health()
            );
        }
    }

    /// Noise is the worst case: saddles everywhere, and resolving one makes others. (Moving
    /// the corner nearest the surface either way, as the mesher once did, could flip one corner
    /// back and forth between two faces and leave an edge with four triangles; moving it only
    /// just inside put every crossing around it on the corner, and triangles with no area.)
    #[test]
    fn noise_fields_give_closed_manifold_meshes() {
        for seed in 0..24u32 {
            let noise = |p: [f32; 3]| {
                let mut state = p.iter().fold(seed.wrapping_mul(2_654_435_761) | 1, |h, v| {
                    (h ^ v.to_bits()).wrapping_mul(0x0100_0193)
                });
                state ^= state >> 15;
                state = state.wrapping_mul(0x2c1b_3c6d);
                state ^= state >> 12;
                (state % 2001) as f32 / 1000.0 - 1.2
            };
            let mesh = mesh_field(
                &sampled(14, 2.0, noise),
                &MeshOptions {
                    max_triangles: usize::MAX,
                },
            )
            .unwrap();
            assert!(
                mesh.health().is_healthy(),
                "seed {seed}: {:?}",
                mesh.health()
            );
        }
    }

    #[test]
    fn materials_become_primitives() {
        let mut field = sampled(20, 2.0, sphere);
        for z in 0..20 {
            for y in 0..20 {
                for x in 0..10 {
                    let i = field.index(x, y, z);
                    field.material[i] = 2;
                }
            }
        }
        let mesh = mesh_field(
            &field,
            &MeshOptions {
                max_triangles: usize::MAX,
            },
        )
        .unwrap();
        let materials: Vec<Material> = mesh.primitives.iter().map(|p| p.material).collect();
        assert_eq!(materials, [Material::ALL[0], Material::ALL[2]]);
        assert!(mesh.health().is_healthy());
    }

    #[test]
    fn empty_and_malformed_fields_are_errors() {
        let empty = sampled(8, 2.0, |_| 1.0);
        assert_eq!(
            mesh_field(&empty, &MeshOptions::default()),
            Err(MeshError::NoSurface)
        );
        let mut bad = sampled(8, 2.0, sphere);
        bad.colour.pop();
        assert_eq!(
            mesh_field(&bad, &MeshOptions::default()),
            Err(MeshError::BadField([8; 3]))
        );
    }
}
