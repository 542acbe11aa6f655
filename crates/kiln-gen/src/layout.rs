//! Where the objects of a composed item stand ("a table with two cups on it"): each object is
//! generated on its own, standing on y = 0, and set in place by rules, never by hand:
//!
//! - on another object: on its upper surface, where that surface is flat and roomy (a chair's
//!   seat, not the top of its back), several in a row along the longer side, each let down
//!   until it touches;
//! - on the ground: side by side in a row with a gap in proportion to their sizes, or in a ring
//!   where one kind of object comes five or more at once;
//! - the whole centred on its base, as every item is.
//!
//! Nothing floats and nothing intersects by construction (an object is let down onto its
//! support until they touch, and footprints in a row do not overlap); [`check_arrangement`]
//! checks it on the meshes as placed, and looks for any two surfaces that cross.

use glam::{Vec2, Vec3, Vec3Swizzles};

use crate::mesh::Mesh;

/// What one object stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Ground,
    /// The object at this index.
    On(usize),
}

/// An object to place: its mesh, standing on y = 0 with its base centred at the origin.
#[derive(Debug, Clone, Copy)]
pub struct ToPlace<'a> {
    pub mesh: &'a Mesh,
    pub support: Support,
    /// Objects of the same group (the three of "three barrels") share it: a group of five or
    /// more on the ground stands in a ring.
    pub group: usize,
}

/// Objects of one group on the ground from this many on stand in a ring, not a row.
pub const RING_FROM: usize = 5;

/// Where each object's origin goes, in metres (to a tenth of a millimetre): the translations
/// that place them. An object whose support is itself or lies on it (a loop) stands on the
/// ground.
pub fn arrange(objects: &[ToPlace<'_>]) -> Vec<[f32; 3]> {
    let count = objects.len();
    let mut support: Vec<Option<usize>> = objects
        .iter()
        .map(|object| match object.support {
            Support::On(index) if index < count => Some(index),
            _ => None,
        })
        .collect();
    // Break loops: an object that its own support rests on stands on the ground.
    for start in 0..count {
        let mut at = start;
        for _ in 0..count {
            match support[at] {
                Some(below) if below == start => {
                    support[start] = None;
                    break;
                }
                Some(below) => at = below,
                None => break,
            }
        }
    }
    let children: Vec<Vec<usize>> = (0..count)
        .map(|index| {
            (0..count)
                .filter(|&child| support[child] == Some(index))
                .collect()
        })
        .collect();
    let mut positions = vec![Vec3::ZERO; count];
    let roots: Vec<usize> = (0..count).filter(|&i| support[i].is_none()).collect();
    let stacks: Vec<Stack> = roots
        .iter()
        .map(|&root| stack(objects, &children, root))
        .collect();

    // The ground: a ring for a group of RING_FROM or more, else everything in one row along X.
    let mut units: Vec<Stack> = Vec::new();
    let mut i = 0;
    while i < roots.len() {
        let group = objects[roots[i]].group;
        let run = roots[i..]
            .iter()
            .take_while(|&&root| objects[root].group == group)
            .count();
        if run >= RING_FROM {
            units.push(ring(objects, &stacks[i..i + run]));
        } else {
            units.extend_from_slice(&stacks[i..i + run]);
        }
        i += run;
    }
    let mut x = 0.0;
    let mut previous_width: Option<f32> = None;
    for unit in &units {
        let (min, max) = footprint(objects, &unit.members);
        let width = max.x - min.x;
        if let Some(previous) = previous_width {
            x += gap(previous.min(width));
        }
        let shift = Vec3::new(x - min.x, 0.0, -(min.y + max.y) * 0.5);
        for &(index, at) in &unit.members {
            positions[index] = at + shift;
        }
        x += width;
        previous_width = Some(width);
    }

    // Centre the whole on its base.
    let placed: Vec<(usize, Vec3)> = positions.iter().copied().enumerate().collect();
    let (low, high) = footprint(objects, &placed);
    let centre = (low + high) * 0.5;
    // To a tenth of a millimetre, as the metadata records them.
    let round = |value: f32| (value * 1e4).round() / 1e4;
    positions
        .into_iter()
        .map(|at| [round(at.x - centre.x), round(at.y), round(at.z - centre.y)])
        .collect()
}

/// The gap between neighbours whose smaller one is `width` wide: a fifth of it, at least 2 cm
/// and at most a metre.
fn gap(width: f32) -> f32 {
    (width * 0.2).clamp(0.02, 1.0)
}

/// Objects that move together, each at its place relative to the first's origin: an object with
/// everything that stands on it, or a ring of those.
#[derive(Debug, Clone)]
struct Stack {
    members: Vec<(usize, Vec3)>,
}

/// The corners (x, z) of what `members` cover on the ground.
fn footprint(objects: &[ToPlace<'_>], members: &[(usize, Vec3)]) -> (Vec2, Vec2) {
    let (mut low, mut high) = (Vec2::splat(f32::INFINITY), Vec2::splat(f32::NEG_INFINITY));
    for &(index, at) in members {
        let (min, max) = objects[index].mesh.bounds();
        low = low.min(Vec2::new(min[0] + at.x, min[2] + at.z));
        high = high.max(Vec2::new(max[0] + at.x, max[2] + at.z));
    }
    (low, high)
}

/// `index` with what stands on it, placed on its upper surface in a row.
fn stack(objects: &[ToPlace<'_>], children: &[Vec<usize>], index: usize) -> Stack {
    let mut members = vec![(index, Vec3::ZERO)];
    let kids: Vec<Stack> = children[index]
        .iter()
        .map(|&child| stack(objects, children, child))
        .collect();
    if kids.is_empty() {
        return Stack { members };
    }
    let support = objects[index].mesh;
    let (support_min, support_max) = support.bounds();
    // The row runs along the support's longer side.
    let along_x = support_max[0] - support_min[0] >= support_max[2] - support_min[2];
    let axis = |v: Vec2| if along_x { v.x } else { v.y };
    let across = |v: Vec2| if along_x { v.y } else { v.x };
    let prints: Vec<(Vec2, Vec2)> = kids
        .iter()
        .map(|kid| footprint(objects, &kid.members))
        .collect();
    let widths: Vec<f32> = prints.iter().map(|(min, max)| axis(*max - *min)).collect();
    let depth = prints
        .iter()
        .map(|(min, max)| across(*max - *min))
        .fold(0.0, f32::max);
    let room = if along_x {
        support_max[0] - support_min[0]
    } else {
        support_max[2] - support_min[2]
    };
    let gaps: Vec<f32> = widths
        .windows(2)
        .map(|pair| gap(pair[0].min(pair[1])))
        .collect();
    // Narrower gaps (down to a centimetre) where the row would not fit on the support.
    let wanted: f32 = widths.iter().sum::<f32>() + gaps.iter().sum::<f32>();
    let free = room - widths.iter().sum::<f32>();
    let gaps: Vec<f32> = if wanted > room && !gaps.is_empty() {
        let each = (free / gaps.len() as f32).max(0.01);
        gaps.iter().map(|gap| gap.min(each)).collect()
    } else {
        gaps
    };
    let length: f32 = widths.iter().sum::<f32>() + gaps.iter().sum::<f32>();
    let size = if along_x {
        Vec2::new(length, depth)
    } else {
        Vec2::new(depth, length)
    };
    let heights = HeightGrid::new(support);
    let support_columns = Columns::new(support);
    let centre = heights.best_place(size);
    let mut cursor = axis(centre) - length * 0.5;
    for (k, kid) in kids.iter().enumerate() {
        let (min, max) = prints[k];
        // The kid's footprint centred across the row, its near edge at the cursor.
        let offset = if along_x {
            Vec2::new(cursor - min.x, centre.y - (min.y + max.y) * 0.5)
        } else {
            Vec2::new(centre.x - (min.x + max.x) * 0.5, cursor - min.y)
        };
        // Let it down onto the support until one of its members touches it.
        let rise = kid
            .members
            .iter()
            .filter_map(|&(member, at)| {
                let mut moved = objects[member].mesh.clone();
                moved.translate((at + Vec3::new(offset.x, 0.0, offset.y)).to_array());
                vertical_gap(&moved, &Columns::new(&moved), support, &support_columns)
                    .map(|gap| -gap)
            })
            .fold(None, |best: Option<f32>, rise| {
                Some(best.map_or(rise, |best| best.max(rise)))
            })
            .unwrap_or(0.0);
        for &(member, at) in &kid.members {
            members.push((member, at + Vec3::new(offset.x, rise, offset.y)));
        }
        cursor += widths[k] + gaps.get(k).copied().unwrap_or(0.0);
    }
    Stack { members }
}

/// A group of stacks in a ring, spaced so that neighbours' footprints keep a gap whichever way
/// they face.
fn ring(objects: &[ToPlace<'_>], stacks: &[Stack]) -> Stack {
    let prints: Vec<(Vec2, Vec2)> = stacks
        .iter()
        .map(|stack| footprint(objects, &stack.members))
        .collect();
    // A footprint is no wider than its diagonal, whichever way it turns.
    let diameter = prints
        .iter()
        .map(|(min, max)| min.distance(*max))
        .fold(0.0, f32::max);
    let n = stacks.len() as f32;
    let radius = (diameter + gap(diameter)) / (2.0 * (std::f32::consts::PI / n).sin());
    let mut members = Vec::new();
    for (k, (stack, (min, max))) in stacks.iter().zip(&prints).enumerate() {
        let angle = std::f32::consts::TAU * k as f32 / n;
        let centre = (*min + *max) * 0.5;
        let at = Vec3::new(
            radius * angle.cos() - centre.x,
            0.0,
            radius * angle.sin() - centre.y,
        );
        members.extend(
            stack
                .members
                .iter()
                .map(|&(index, offset)| (index, offset + at)),
        );
    }
    Stack { members }
}

/// The upper surface of a mesh, sampled on a grid: each cell holds the highest point of the mesh
/// over its centre. It finds where a footprint rests well.
struct HeightGrid {
    min: Vec2,
    cell: Vec2,
    /// Row-major, `CELLS` × `CELLS`; `None` where the mesh has nothing over the cell's centre.
    heights: Vec<Option<f32>>,
}

const CELLS: usize = 48;

impl HeightGrid {
    fn new(mesh: &Mesh) -> Self {
        let (min, max) = mesh.bounds();
        let min = Vec2::new(min[0], min[2]);
        let size = (Vec2::new(max[0], max[2]) - min).max(Vec2::splat(1e-4));
        let cell = size / CELLS as f32;
        let mut heights = vec![None; CELLS * CELLS];
        for [a, b, c] in mesh.triangles() {
            let [a, b, c] = [a, b, c].map(|i| Vec3::from_array(mesh.positions[i as usize]));
            let low = a.xz().min(b.xz()).min(c.xz());
            let high = a.xz().max(b.xz()).max(c.xz());
            let first = ((low - min) / cell - 0.5).ceil().max(Vec2::ZERO);
            let last = ((high - min) / cell - 0.5)
                .floor()
                .min(Vec2::splat((CELLS - 1) as f32));
            let mut row = first.y;
            while row <= last.y {
                let mut column = first.x;
                while column <= last.x {
                    let point = min + (Vec2::new(column, row) + 0.5) * cell;
                    if let Some(height) = height_in_triangle(a, b, c, point) {
                        let slot = &mut heights[row as usize * CELLS + column as usize];
                        *slot = Some(slot.map_or(height, |known: f32| known.max(height)));
                    }
                    column += 1.0;
                }
                row += 1.0;
            }
        }
        HeightGrid { min, cell, heights }
    }

    /// The centre (x, z) of the best place for a footprint of `size` on the surface: where most
    /// of it, and of the room around it, is over the surface at the height it would rest at
    /// (what hangs over the edge counts against it); then the highest; then the nearest to the
    /// middle.
    fn best_place(&self, size: Vec2) -> Vec2 {
        let extent = self.cell * CELLS as f32;
        let middle = self.min + extent * 0.5;
        let steps = 16;
        let mut best: Option<(f32, f32, f32, Vec2)> = None;
        for j in 0..=steps {
            for i in 0..=steps {
                // Centres anywhere the footprint still overlaps the support: a dog longer than a
                // chair hangs over the front of its seat rather than lie on top of its back.
                let t = Vec2::new(i as f32, j as f32) / steps as f32;
                let centre = self.min - size * 0.45 + (extent + size * 0.9) * t;
                let Some((height, flat)) = self.flatness(centre, size, 1.0) else {
                    continue;
                };
                let roomy = self
                    .flatness(centre, size, 2.0)
                    .map_or(0.0, |(_, flat)| flat);
                let score = flat + 0.5 * roomy;
                let distance = centre.distance(middle);
                let better = match best {
                    None => true,
                    Some((best_score, best_height, best_distance, _)) => {
                        score > best_score + 0.02
                            || (score > best_score - 0.02
                                && (height > best_height + self.cell.x
                                    || (height > best_height - self.cell.x
                                        && distance < best_distance)))
                    }
                };
                if better {
                    best = Some((score, height, distance, centre));
                }
            }
        }
        best.map_or(middle, |(_, _, _, centre)| centre)
    }

    /// The height a footprint of `size × scale` centred at `centre` would rest at, and the share
    /// of its cells at that height (within a tolerance): 1 on a flat top, low across a ridge.
    fn flatness(&self, centre: Vec2, size: Vec2, scale: f32) -> Option<(f32, f32)> {
        let half = size * scale * 0.5;
        let first = ((centre - half - self.min) / self.cell)
            .floor()
            .max(Vec2::ZERO);
        let last = ((centre + half - self.min) / self.cell)
            .ceil()
            .min(Vec2::splat(CELLS as f32));
        let mut cells = Vec::new();
        for row in first.y as usize..last.y as usize {
            for column in first.x as usize..last.x as usize {
                cells.push(self.heights[row * CELLS + column]);
            }
        }
        let top = cells
            .iter()
            .flatten()
            .copied()
            .fold(None, |best: Option<f32>, h| {
                Some(best.map_or(h, |best| best.max(h)))
            })?;
        let tolerance = self.cell.max_element().max(0.005);
        let at_top = cells
            .iter()
            .filter(|height| height.is_some_and(|h| h >= top - tolerance))
            .count();
        // The footprint's cells outside the grid count as empty.
        let wanted = ((size * scale / self.cell).ceil().max(Vec2::ONE)).element_product();
        Some((top, at_top as f32 / wanted.max(cells.len() as f32)))
    }
}

/// The height of triangle `abc` over `point` (x, z), if it lies over it.
fn height_in_triangle(a: Vec3, b: Vec3, c: Vec3, point: Vec2) -> Option<f32> {
    let (a2, b2, c2) = (a.xz(), b.xz(), c.xz());
    let area = (b2 - a2).perp_dot(c2 - a2);
    if area.abs() < 1e-12 {
        return None;
    }
    let u = (c2 - b2).perp_dot(point - b2) / area;
    let v = (a2 - c2).perp_dot(point - c2) / area;
    let w = 1.0 - u - v;
    let eps = -1e-5;
    (u >= eps && v >= eps && w >= eps).then_some(u * a.y + v * b.y + w * c.y)
}

/// How far (metres) an object may float above, or sink into, what it stands on and still rest
/// on it: positions are kept to a tenth of a millimetre, and meshes are made in single precision.
pub const REST_TOLERANCE: f32 = 2e-3;

/// What [`check_arrangement`] finds wrong with placed objects.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArrangementError {
    #[error("object {object} floats {gap:.3} m above the ground")]
    FloatsAboveGround { object: usize, gap: f32 },
    #[error("object {object} is {depth:.3} m below the ground")]
    BelowGround { object: usize, depth: f32 },
    #[error("object {object} floats {gap:.3} m above object {support}, which it stands on")]
    Floats {
        object: usize,
        support: usize,
        gap: f32,
    },
    #[error("object {object} is not over object {support}, which it stands on")]
    NotOver { object: usize, support: usize },
    #[error("objects {object} and {other} intersect ({depth:.3} m)")]
    Intersect {
        object: usize,
        other: usize,
        depth: f32,
    },
}

/// Checks objects as placed (meshes in the item's space, each with the index of the object it
/// stands on, none for the ground): each rests on its support within `tolerance` metres, and no
/// two intersect by more than that. Independent of how [`arrange`] measured: an object rests on
/// its support when, lowered by `tolerance`, it meets it, and does not sink into it when, raised
/// by `tolerance`, it does not; two objects meet where a point of one lies inside the other
/// (winding number) or an edge of one passes through a face of the other.
pub fn check_arrangement(
    objects: &[(&Mesh, Option<usize>)],
    tolerance: f32,
) -> Result<(), ArrangementError> {
    let bounds: Vec<(Vec3, Vec3)> = objects.iter().map(|(mesh, _)| bounds_of(mesh)).collect();
    let moved = |mesh: &Mesh, rise: f32| {
        let mut moved = mesh.clone();
        moved.translate([0.0, rise, 0.0]);
        moved
    };
    for (object, (mesh, support)) in objects.iter().enumerate() {
        match support {
            None => {
                let lowest = bounds[object].0.y;
                if lowest > tolerance {
                    return Err(ArrangementError::FloatsAboveGround {
                        object,
                        gap: lowest,
                    });
                }
                if lowest < -tolerance {
                    return Err(ArrangementError::BelowGround {
                        object,
                        depth: -lowest,
                    });
                }
            }
            Some(support) => {
                let support = *support;
                let below = objects[support].0;
                if meet(&moved(mesh, tolerance), below, 0.0).is_some() {
                    let gap = vertical_gap(mesh, &Columns::new(mesh), below, &Columns::new(below));
                    return Err(ArrangementError::Intersect {
                        object,
                        other: support,
                        depth: gap.map_or(tolerance, |gap| -gap),
                    });
                }
                if meet(&moved(mesh, -tolerance), below, 0.0).is_none() {
                    let gap = vertical_gap(mesh, &Columns::new(mesh), below, &Columns::new(below))
                        .ok_or(ArrangementError::NotOver { object, support })?;
                    return Err(ArrangementError::Floats {
                        object,
                        support,
                        gap,
                    });
                }
            }
        }
    }
    // Every other pair: apart.
    for object in 0..objects.len() {
        for other in object + 1..objects.len() {
            let resting = objects[object].1 == Some(other) || objects[other].1 == Some(object);
            if resting {
                continue;
            }
            if let Some(point) = meet(objects[object].0, objects[other].0, tolerance) {
                let (low, high) = (
                    bounds[object].0.max(bounds[other].0),
                    bounds[object].1.min(bounds[other].1),
                );
                return Err(ArrangementError::Intersect {
                    object,
                    other,
                    depth: (point - low).min(high - point).min_element().max(0.0),
                });
            }
        }
    }
    Ok(())
}

fn bounds_of(mesh: &Mesh) -> (Vec3, Vec3) {
    let (min, max) = mesh.bounds();
    (Vec3::from_array(min), Vec3::from_array(max))
}

/// A point where `a` and `b` meet: a vertex of one inside the other, or an edge of one through a
/// face of the other, looking only where their bounds overlap by more than `margin` (surfaces
/// that only touch do not meet with a margin).
fn meet(a: &Mesh, b: &Mesh, margin: f32) -> Option<Vec3> {
    let ((a_min, a_max), (b_min, b_max)) = (bounds_of(a), bounds_of(b));
    let (low, high) = (a_min.max(b_min), a_max.min(b_max));
    if (low + margin).cmpgt(high - margin).any() {
        return None;
    }
    let inside = |points: &Mesh, solid: &Mesh| {
        points
            .positions
            .iter()
            .map(|p| Vec3::from_array(*p))
            .filter(|p| p.cmpge(low + margin).all() && p.cmple(high - margin).all())
            .find(|p| winding_number(solid, *p) > 0.5)
    };
    inside(a, b)
        .or_else(|| inside(b, a))
        .or_else(|| edge_through(a, b, (low, high)))
        .or_else(|| edge_through(b, a, (low, high)))
}

/// The least vertical distance from `support`'s upper surface up to `object`'s lower surface,
/// where one lies over the other: at every vertex of either that the other covers, and on a
/// grid over where they overlap (an edge of one can pass under a face of the other between
/// vertices). Negative where the object sinks into its support; `None` where they do not
/// overlap at all.
fn vertical_gap(
    object: &Mesh,
    object_columns: &Columns,
    support: &Mesh,
    support_columns: &Columns,
) -> Option<f32> {
    let mut least: Option<f32> = None;
    let mut keep = |gap: f32| least = Some(least.map_or(gap, |least: f32| least.min(gap)));
    for point in &object.positions {
        let point = Vec3::from_array(*point);
        if let Some((_, top)) = support_columns.span(support, point.xz()) {
            keep(point.y - top);
        }
    }
    for point in &support.positions {
        let point = Vec3::from_array(*point);
        if let Some((bottom, _)) = object_columns.span(object, point.xz()) {
            keep(bottom - point.y);
        }
    }
    let (low, high) = (
        object_columns.min.max(support_columns.min),
        object_columns.max.min(support_columns.max),
    );
    if low.cmple(high).all() {
        for j in 0..=GAP_SAMPLES {
            for i in 0..=GAP_SAMPLES {
                let point = low + (high - low) * Vec2::new(i as f32, j as f32) / GAP_SAMPLES as f32;
                if let (Some((bottom, _)), Some((_, top))) = (
                    object_columns.span(object, point),
                    support_columns.span(support, point),
                ) {
                    keep(bottom - top);
                }
            }
        }
    }
    least
}

/// Points per side of the grid [`vertical_gap`] samples besides the vertices.
const GAP_SAMPLES: usize = 24;

/// A mesh's triangles binned by where they lie on the ground, to find those over a point fast.
struct Columns {
    min: Vec2,
    max: Vec2,
    cell: Vec2,
    bins: Vec<Vec<[u32; 3]>>,
}

const COLUMN_BINS: usize = 32;

impl Columns {
    fn new(mesh: &Mesh) -> Self {
        let (min, max) = mesh.bounds();
        let (min, max) = (Vec2::new(min[0], min[2]), Vec2::new(max[0], max[2]));
        let cell = ((max - min) / COLUMN_BINS as f32).max(Vec2::splat(1e-5));
        let mut bins = vec![Vec::new(); COLUMN_BINS * COLUMN_BINS];
        let bin = |value: f32, axis: f32| ((value / axis) as usize).min(COLUMN_BINS - 1);
        for triangle in mesh.triangles() {
            let corners = triangle.map(|i| Vec3::from_array(mesh.positions[i as usize]).xz());
            let low = (corners[0].min(corners[1]).min(corners[2]) - min).max(Vec2::ZERO);
            let high = (corners[0].max(corners[1]).max(corners[2]) - min).max(Vec2::ZERO);
            for row in bin(low.y, cell.y)..=bin(high.y, cell.y) {
                for column in bin(low.x, cell.x)..=bin(high.x, cell.x) {
                    bins[row * COLUMN_BINS + column].push(triangle);
                }
            }
        }
        Columns {
            min,
            max,
            cell,
            bins,
        }
    }

    /// The lowest and highest points of the mesh over `point`, if any.
    fn span(&self, mesh: &Mesh, point: Vec2) -> Option<(f32, f32)> {
        let local = (point - self.min) / self.cell;
        if local.x < -1e-3 || local.y < -1e-3 {
            return None;
        }
        let (column, row) = (local.x as usize, local.y as usize);
        if column > COLUMN_BINS || row > COLUMN_BINS {
            return None;
        }
        let (column, row) = (column.min(COLUMN_BINS - 1), row.min(COLUMN_BINS - 1));
        let mut span: Option<(f32, f32)> = None;
        for triangle in &self.bins[row * COLUMN_BINS + column] {
            let [a, b, c] = triangle.map(|i| Vec3::from_array(mesh.positions[i as usize]));
            if let Some(height) = height_in_triangle(a, b, c, point) {
                span = Some(span.map_or((height, height), |(low, high)| {
                    (low.min(height), high.max(height))
                }));
            }
        }
        span
    }
}

/// A point where an edge of `mesh` passes through a triangle of `other`, looking only within
/// the box `(low, high)` where the two overlap.
fn edge_through(mesh: &Mesh, other: &Mesh, (low, high): (Vec3, Vec3)) -> Option<Vec3> {
    let within = |mesh: &Mesh| -> Vec<[Vec3; 3]> {
        mesh.triangles()
            .map(|triangle| triangle.map(|i| Vec3::from_array(mesh.positions[i as usize])))
            .filter(|[a, b, c]| {
                a.min(*b).min(*c).cmple(high).all() && a.max(*b).max(*c).cmpge(low).all()
            })
            .collect()
    };
    let (edges, faces) = (within(mesh), within(other));
    for [a, b, c] in &edges {
        for (from, to) in [(a, b), (b, c), (c, a)] {
            for face in &faces {
                if let Some(point) = segment_through_triangle(*from, *to, face) {
                    return Some(point);
                }
            }
        }
    }
    None
}

/// Where the segment `from → to` passes through the inside of triangle `face` (Möller and
/// Trumbore), if it does; a segment in the triangle's plane or touching its edge does not.
fn segment_through_triangle(from: Vec3, to: Vec3, [a, b, c]: &[Vec3; 3]) -> Option<Vec3> {
    const EDGE: f32 = 1e-4;
    let direction = to - from;
    let (ab, ac) = (*b - *a, *c - *a);
    let p = direction.cross(ac);
    let determinant = ab.dot(p);
    if determinant.abs() < 1e-12 {
        return None;
    }
    let inverse = 1.0 / determinant;
    let offset = from - *a;
    let u = offset.dot(p) * inverse;
    let q = offset.cross(ab);
    let v = direction.dot(q) * inverse;
    let t = ac.dot(q) * inverse;
    let strictly = |value: f32| value > EDGE && value < 1.0 - EDGE;
    (strictly(u) && strictly(v) && u + v < 1.0 - EDGE && strictly(t)).then(|| from + direction * t)
}

/// The generalised winding number of `mesh` at `point`: about 1 inside a closed mesh (more where
/// closed pieces overlap), 0 outside.
fn winding_number(mesh: &Mesh, point: Vec3) -> f32 {
    let mut total = 0.0;
    for triangle in mesh.triangles() {
        let [a, b, c] = triangle.map(|i| Vec3::from_array(mesh.positions[i as usize]) - point);
        let (la, lb, lc) = (a.length(), b.length(), c.length());
        let numerator = a.dot(b.cross(c));
        let denominator = la * lb * lc + a.dot(b) * lc + a.dot(c) * lb + b.dot(c) * la;
        total += 2.0 * numerator.atan2(denominator);
    }
    total / (4.0 * std::f32::consts::PI)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::{merge, translated};
    use crate::mesh::MeshPrimitive;
    use crate::vocab::Material;

    /// A closed box from `min` to `max`.
    fn cuboid(min: [f32; 3], max: [f32; 3]) -> Mesh {
        let corner = |i: usize| {
            [
                if i & 1 == 0 { min[0] } else { max[0] },
                if i & 2 == 0 { min[1] } else { max[1] },
                if i & 4 == 0 { min[2] } else { max[2] },
            ]
        };
        let positions: Vec<[f32; 3]> = (0..8).map(corner).collect();
        // Two triangles per face, counter-clockwise from outside.
        let indices = vec![
            0, 2, 1, 1, 2, 3, // -z
            4, 5, 6, 5, 7, 6, // +z
            0, 1, 4, 1, 5, 4, // -y
            2, 6, 3, 3, 6, 7, // +y
            0, 4, 2, 2, 4, 6, // -x
            1, 3, 5, 3, 7, 5, // +x
        ];
        Mesh {
            normals: vec![[0.0, 1.0, 0.0]; 8],
            colours: vec![[128; 3]; 8],
            positions,
            primitives: vec![MeshPrimitive {
                material: Material::Wood,
                indices,
            }],
        }
    }

    /// A table: a top 0.05 thick at 0.75 m on four legs, 1.2 × 0.8 m, standing on y = 0.
    fn table() -> Mesh {
        let mut parts = vec![cuboid([-0.6, 0.7, -0.4], [0.6, 0.75, 0.4])];
        for (x, z) in [(-0.55, -0.35), (0.5, -0.35), (-0.55, 0.3), (0.5, 0.3)] {
            parts.push(cuboid([x, 0.0, z], [x + 0.05, 0.7, z + 0.05]));
        }
        merge(parts.iter())
    }

    /// A chair: a seat at 0.45 m, a back up to 0.95 m along its rear edge.
    fn chair() -> Mesh {
        merge(
            [
                cuboid([-0.22, 0.4, -0.22], [0.22, 0.45, 0.22]),
                cuboid([-0.22, 0.45, -0.22], [0.22, 0.95, -0.17]),
                cuboid([-0.22, 0.0, -0.22], [-0.18, 0.4, -0.18]),
                cuboid([0.18, 0.0, 0.18], [0.22, 0.4, 0.22]),
            ]
            .iter(),
        )
    }

    fn cup() -> Mesh {
        cuboid([-0.04, 0.0, -0.04], [0.04, 0.1, 0.04])
    }

    fn placed(meshes: &[Mesh], supports: &[Support]) -> Vec<Mesh> {
        let objects: Vec<ToPlace<'_>> = meshes
            .iter()
            .zip(supports)
            .enumerate()
            .map(|(group, (mesh, support))| ToPlace {
                mesh,
                support: *support,
                group,
            })
            .collect();
        arrange(&objects)
            .into_iter()
            .zip(meshes)
            .map(|(at, mesh)| translated(mesh.clone(), at))
            .collect()
    }

    fn check(meshes: &[Mesh], supports: &[Support]) -> Result<(), ArrangementError> {
        let objects: Vec<(&Mesh, Option<usize>)> = meshes
            .iter()
            .zip(supports)
            .map(|(mesh, support)| {
                (
                    mesh,
                    match support {
                        Support::On(index) => Some(*index),
                        Support::Ground => None,
                    },
                )
            })
            .collect();
        check_arrangement(&objects, 1e-3)
    }

    #[test]
    fn things_set_on_a_table_rest_on_its_top_in_a_row_apart() {
        let supports = [
            Support::Ground,
            Support::On(0),
            Support::On(0),
            Support::On(0),
        ];
        let meshes = placed(&[table(), cup(), cup(), cup()], &supports);
        check(&meshes, &supports).unwrap();
        let bounds: Vec<([f32; 3], [f32; 3])> = meshes.iter().map(Mesh::bounds).collect();
        for (min, max) in &bounds[1..] {
            assert!((min[1] - 0.75).abs() < 1e-4, "rests on the top: {min:?}");
            // Over the top, not hanging off it.
            assert!(min[0] >= bounds[0].0[0] && max[0] <= bounds[0].1[0]);
            assert!(min[2] >= bounds[0].0[2] && max[2] <= bounds[0].1[2]);
        }
        // A row along the longer side (X), with gaps.
        let mut xs: Vec<(f32, f32)> = bounds[1..]
            .iter()
            .map(|(min, max)| (min[0], max[0]))
            .collect();
        xs.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in xs.windows(2) {
            assert!(pair[1].0 - pair[0].1 >= 0.01, "{xs:?}");
        }
        // The whole stands centred on its base.
        let whole = merge(meshes.iter()).bounds();
        assert!((whole.0[0] + whole.1[0]).abs() < 1e-3 && whole.0[1].abs() < 1e-4);
    }

    #[test]
    fn a_thing_on_a_chair_sits_on_its_seat_not_on_top_of_its_back() {
        let supports = [Support::On(1), Support::Ground];
        let meshes = placed(&[cup(), chair()], &supports);
        check(&meshes, &supports).unwrap();
        assert!((meshes[0].bounds().0[1] - 0.45).abs() < 1e-4);
        // Something longer than the seat hangs over its front, still on the seat.
        let long = cuboid([-0.1, 0.0, -0.45], [0.1, 0.3, 0.45]);
        let meshes = placed(&[long, chair()], &supports);
        check(&meshes, &supports).unwrap();
        assert!((meshes[0].bounds().0[1] - 0.45).abs() < 1e-4);
    }

    #[test]
    fn things_on_the_ground_stand_in_a_row_or_a_ring_apart() {
        let row = placed(&[table(), cup()], &[Support::Ground, Support::Ground]);
        check(&row, &[Support::Ground, Support::Ground]).unwrap();
        assert!(row[1].bounds().0[0] >= row[0].bounds().1[0] + 0.02);

        let barrels: Vec<Mesh> = (0..6)
            .map(|_| cuboid([-0.3, 0.0, -0.3], [0.3, 0.9, 0.3]))
            .collect();
        let objects: Vec<ToPlace<'_>> = barrels
            .iter()
            .map(|mesh| ToPlace {
                mesh,
                support: Support::Ground,
                group: 0,
            })
            .collect();
        let positions = arrange(&objects);
        let ring: Vec<Mesh> = barrels
            .iter()
            .zip(&positions)
            .map(|(mesh, at)| translated(mesh.clone(), *at))
            .collect();
        check(&ring, &[Support::Ground; 6]).unwrap();
        // On a circle round the origin: all as far from it.
        let radii: Vec<f32> = positions
            .iter()
            .map(|at| Vec2::new(at[0], at[2]).length())
            .collect();
        assert!(
            radii
                .iter()
                .all(|r| (r - radii[0]).abs() < 1e-3 && *r > 0.5),
            "{radii:?}"
        );
    }

    #[test]
    fn stacks_of_stacks_and_loops_are_placed() {
        // A cup on a crate on a table.
        let crate_box = cuboid([-0.2, 0.0, -0.2], [0.2, 0.3, 0.2]);
        let supports = [Support::On(1), Support::On(2), Support::Ground];
        let meshes = placed(&[cup(), crate_box.clone(), table()], &supports);
        check(&meshes, &supports).unwrap();
        assert!((meshes[0].bounds().0[1] - 1.05).abs() < 1e-4);
        // Two things on each other: one of them stands on the ground.
        let meshes = [cup(), crate_box];
        let objects: Vec<ToPlace<'_>> = meshes
            .iter()
            .zip([Support::On(1), Support::On(0)])
            .map(|(mesh, support)| ToPlace {
                mesh,
                support,
                group: 0,
            })
            .collect();
        assert_eq!(arrange(&objects).len(), 2);
    }

    #[test]
    fn the_check_finds_what_floats_sinks_or_intersects() {
        let supports = [Support::Ground, Support::On(0)];
        let table = table();
        let on_top = translated(cup(), [0.0, 0.75, 0.0]);
        check(&[table.clone(), on_top.clone()], &supports).unwrap();
        let floating = translated(cup(), [0.0, 0.8, 0.0]);
        assert!(matches!(
            check(&[table.clone(), floating], &supports),
            Err(ArrangementError::Floats { object: 1, .. })
        ));
        let sunk = translated(cup(), [0.0, 0.72, 0.0]);
        assert!(matches!(
            check(&[table.clone(), sunk], &supports),
            Err(ArrangementError::Intersect { .. })
        ));
        // A few millimetres either way, past the 1 mm tolerance.
        assert!(matches!(
            check(
                &[table.clone(), translated(cup(), [0.0, 0.7535, 0.0])],
                &supports
            ),
            Err(ArrangementError::Floats { object: 1, .. })
        ));
        assert!(matches!(
            check(
                &[table.clone(), translated(cup(), [0.0, 0.7465, 0.0])],
                &supports
            ),
            Err(ArrangementError::Intersect { .. })
        ));
        check(
            &[table.clone(), translated(cup(), [0.0, 0.7504, 0.0])],
            &supports,
        )
        .unwrap();
        let beside = translated(cup(), [2.0, 0.75, 0.0]);
        assert!(matches!(
            check(&[table.clone(), beside], &supports),
            Err(ArrangementError::NotOver { .. })
        ));
        // Two things on the ground in one another.
        let ground = [Support::Ground, Support::Ground];
        let inside = translated(
            cuboid([-0.1, 0.0, -0.1], [0.1, 0.2, 0.1]),
            [-0.55, 0.0, -0.35],
        );
        assert!(matches!(
            check(&[table.clone(), inside], &ground),
            Err(ArrangementError::Intersect { .. })
        ));
        let lifted = translated(cup(), [3.0, 0.2, 0.0]);
        assert!(matches!(
            check(&[table, lifted], &ground),
            Err(ArrangementError::FloatsAboveGround { object: 1, .. })
        ));
    }
}
