//! Reading GLB files from outside: the container, the JSON and every accessor's byte range are
//! checked against [`Limits`] and against each other before a renderer or loader touches them,
//! so a truncated, hostile or absurd file is a [`GlbError`] that says what is wrong.

use gltf_json as json;
use json::validation::Checked;

use kiln_gen::vocab::Material;
use kiln_gen::{Mesh, MeshPrimitive};

use crate::limits::{LimitError, Limits, check_json_shape};
use crate::shorten;

const GLB_MAGIC: &[u8; 4] = b"glTF";
const CHUNK_JSON: u32 = 0x4E4F_534A;
const CHUNK_BIN: u32 = 0x004E_4942;

/// What a GLB holds, as `kiln-cli inspect` prints it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GlbSummary {
    pub bytes: usize,
    pub generator: Option<String>,
    pub nodes: usize,
    pub meshes: usize,
    pub primitives: usize,
    pub vertices: usize,
    pub triangles: usize,
    /// Material names (or `material <index>` where unnamed).
    pub materials: Vec<String>,
    /// From the POSITION accessors' min/max, over all primitives.
    pub bounds: Option<([f32; 3], [f32; 3])>,
    /// Width and height of each embedded image.
    pub textures: Vec<[u32; 2]>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GlbError {
    #[error(transparent)]
    Limit(#[from] LimitError),
    #[error("not a GLB file: {0}")]
    NotGlb(String),
    #[error("the GLB is malformed: {0}")]
    Malformed(String),
    #[error("the GLB's JSON does not parse as glTF 2.0: {0}")]
    Json(String),
    #[error("the GLB refers to an outside file ({0}); items must be self-contained")]
    External(String),
}

fn malformed(message: impl Into<String>) -> GlbError {
    GlbError::Malformed(message.into())
}

/// Checks and summarises a GLB.
pub fn inspect_glb(bytes: &[u8], limits: &Limits) -> Result<GlbSummary, GlbError> {
    LimitError::check(
        "the GLB's size in bytes",
        bytes.len() as u64,
        limits.glb_bytes as u64,
    )?;
    let (json_chunk, bin_chunk) = chunks(bytes)?;
    let json_limits = Limits {
        metadata_bytes: limits.glb_bytes,
        ..*limits
    };
    check_json_shape(json_chunk, &json_limits)?;
    let root: json::Root =
        serde_json::from_slice(json_chunk).map_err(|error| GlbError::Json(error.to_string()))?;
    LimitError::check(
        "the number of nodes",
        root.nodes.len() as u64,
        limits.nodes as u64,
    )?;
    let primitives: usize = root.meshes.iter().map(|mesh| mesh.primitives.len()).sum();
    LimitError::check(
        "the number of primitives",
        primitives as u64,
        limits.primitives as u64,
    )?;

    let bin = bin_chunk.unwrap_or(&[]);
    for (index, buffer) in root.buffers.iter().enumerate() {
        if let Some(uri) = &buffer.uri {
            return Err(GlbError::External(format!(
                "buffer {index}: {}",
                shorten(uri)
            )));
        }
        if index > 0 {
            return Err(malformed("more than one buffer in a GLB"));
        }
        if buffer.byte_length.0 > bin.len() as u64 {
            return Err(malformed(format!(
                "buffer 0 claims {} bytes but the binary chunk has {}",
                buffer.byte_length.0,
                bin.len()
            )));
        }
    }
    for (index, view) in root.buffer_views.iter().enumerate() {
        let buffer = root
            .get(view.buffer)
            .ok_or_else(|| malformed(format!("buffer view {index} names a missing buffer")))?;
        let end = view
            .byte_offset
            .map_or(0, |offset| offset.0)
            .checked_add(view.byte_length.0)
            .ok_or_else(|| malformed(format!("buffer view {index} overflows")))?;
        if end > buffer.byte_length.0 {
            return Err(malformed(format!(
                "buffer view {index} ends at byte {end}, past its buffer's {}",
                buffer.byte_length.0
            )));
        }
    }
    for index in 0..root.accessors.len() {
        check_accessor(&root, index)?;
    }

    let mut vertices = 0usize;
    let mut triangles = 0usize;
    // Primitives may share one vertex array (Kiln's do: one per material, one set of vertices).
    let mut counted_positions = std::collections::BTreeSet::new();
    let mut bounds: Option<([f32; 3], [f32; 3])> = None;
    for (mesh_index, mesh) in root.meshes.iter().enumerate() {
        for primitive in &mesh.primitives {
            let position = primitive
                .attributes
                .iter()
                .find(|(semantic, _)| {
                    matches!(semantic, Checked::Valid(json::mesh::Semantic::Positions))
                })
                .map(|(_, accessor)| *accessor)
                .ok_or_else(|| {
                    malformed(format!("a primitive of mesh {mesh_index} has no POSITION"))
                })?;
            let first_use = counted_positions.insert(position.value());
            let position = root
                .get(position)
                .ok_or_else(|| malformed(format!("mesh {mesh_index} names a missing accessor")))?;
            let count = usize::try_from(position.count.0).unwrap_or(usize::MAX);
            if first_use {
                vertices = vertices.saturating_add(count);
            }
            LimitError::check(
                "the number of vertices",
                vertices as u64,
                limits.vertices as u64,
            )?;
            let corners = match primitive.indices {
                Some(indices) => {
                    let indices = root.get(indices).ok_or_else(|| {
                        malformed(format!("mesh {mesh_index} names missing indices"))
                    })?;
                    usize::try_from(indices.count.0).unwrap_or(usize::MAX)
                }
                None => count,
            };
            let primitive_triangles = match primitive.mode {
                Checked::Valid(json::mesh::Mode::Triangles) => corners / 3,
                Checked::Valid(json::mesh::Mode::TriangleStrip | json::mesh::Mode::TriangleFan) => {
                    corners.saturating_sub(2)
                }
                _ => 0,
            };
            triangles = triangles.saturating_add(primitive_triangles);
            LimitError::check(
                "the number of triangles",
                triangles as u64,
                limits.triangles as u64,
            )?;
            if let (Some(min), Some(max)) = (vec3(&position.min), vec3(&position.max)) {
                bounds = Some(match bounds {
                    None => (min, max),
                    Some((lo, hi)) => (
                        [0, 1, 2].map(|axis| lo[axis].min(min[axis])),
                        [0, 1, 2].map(|axis| hi[axis].max(max[axis])),
                    ),
                });
            }
        }
    }

    let mut textures = Vec::new();
    for (index, image) in root.images.iter().enumerate() {
        if let Some(uri) = &image.uri {
            return Err(GlbError::External(format!(
                "image {index}: {}",
                shorten(uri)
            )));
        }
        let view = image
            .buffer_view
            .and_then(|view| root.get(view))
            .ok_or_else(|| malformed(format!("image {index} has no data")))?;
        let start = view.byte_offset.map_or(0, |offset| offset.0) as usize;
        let data = bin
            .get(start..start + view.byte_length.0 as usize)
            .ok_or_else(|| malformed(format!("image {index} lies outside the binary chunk")))?;
        let [width, height] = image_size(data)
            .ok_or_else(|| malformed(format!("image {index} is neither PNG nor JPEG")))?;
        LimitError::check(
            "a texture's width in pixels",
            width.into(),
            limits.texture_side.into(),
        )?;
        LimitError::check(
            "a texture's height in pixels",
            height.into(),
            limits.texture_side.into(),
        )?;
        textures.push([width, height]);
    }

    Ok(GlbSummary {
        bytes: bytes.len(),
        generator: root.asset.generator.clone(),
        nodes: root.nodes.len(),
        meshes: root.meshes.len(),
        primitives,
        vertices,
        triangles,
        materials: root
            .materials
            .iter()
            .enumerate()
            .map(|(index, material)| {
                material
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("material {index}"))
            })
            .collect(),
        bounds,
        textures,
    })
}

/// The vertex positions of a GLB (each vertex array once, in file order), after the same
/// checks [`inspect_glb`] makes: what verification compares a re-generated mesh with.
pub fn glb_positions(bytes: &[u8], limits: &Limits) -> Result<Vec<[f32; 3]>, GlbError> {
    inspect_glb(bytes, limits)?;
    let (json_chunk, bin_chunk) = chunks(bytes)?;
    let root: json::Root =
        serde_json::from_slice(json_chunk).map_err(|error| GlbError::Json(error.to_string()))?;
    let bin = bin_chunk.unwrap_or(&[]);
    let mut read = std::collections::BTreeSet::new();
    let mut positions = Vec::new();
    for primitive in root.meshes.iter().flat_map(|mesh| &mesh.primitives) {
        let Some(index) = primitive
            .attributes
            .iter()
            .find(|(semantic, _)| {
                matches!(semantic, Checked::Valid(json::mesh::Semantic::Positions))
            })
            .map(|(_, accessor)| accessor.value())
        else {
            continue;
        };
        if !read.insert(index) {
            continue;
        }
        let accessor = accessor(&root, index)?;
        let is_float_vec3 = matches!(
            (&accessor.component_type, &accessor.type_),
            (
                Checked::Valid(json::accessor::GenericComponentType(
                    json::accessor::ComponentType::F32
                )),
                Checked::Valid(json::accessor::Type::Vec3)
            )
        );
        if !is_float_vec3 {
            return Err(malformed(format!(
                "accessor {index} (POSITION) is not float VEC3"
            )));
        }
        let view = accessor
            .buffer_view
            .and_then(|view| root.buffer_views.get(view.value()))
            .ok_or_else(|| malformed(format!("accessor {index} has no buffer view")))?;
        let stride = view.byte_stride.map_or(12, |stride| stride.0);
        let start = view.byte_offset.map_or(0, |offset| offset.0)
            + accessor.byte_offset.map_or(0, |offset| offset.0);
        for vertex in 0..accessor.count.0 {
            let at = usize::try_from(start + vertex * stride as u64)
                .map_err(|_| malformed(format!("accessor {index} overflows")))?;
            let element = bin
                .get(at..at + 12)
                .ok_or_else(|| malformed(format!("accessor {index} runs past the binary chunk")))?;
            let float = |k: usize| {
                f32::from_le_bytes(element[4 * k..4 * k + 4].try_into().expect("4 bytes"))
            };
            positions.push([float(0), float(1), float(2)]);
        }
    }
    Ok(positions)
}

/// The mesh of a GLB, after the same checks [`inspect_glb`] makes: what the client shows of an
/// item. Every triangle-list primitive of every mesh becomes one primitive of the result (node
/// transforms are not applied: Kiln's GLBs have none), its material read from the material's
/// name (Kiln writes one material per class; an unknown name reads as plastic). Vertex colours
/// (COLOR_0: float, or normalised 8- or 16-bit) are read as glTF's linear RGB and stored as
/// sRGB; without them the vertices are light grey. Normals missing anywhere are computed.
pub fn read_glb(bytes: &[u8], limits: &Limits) -> Result<Mesh, GlbError> {
    inspect_glb(bytes, limits)?;
    let (json_chunk, bin_chunk) = chunks(bytes)?;
    let root: json::Root =
        serde_json::from_slice(json_chunk).map_err(|error| GlbError::Json(error.to_string()))?;
    let bin = bin_chunk.unwrap_or(&[]);
    let mut mesh = Mesh::default();
    let mut all_normals = true;
    // Primitives that share their vertex accessors share their vertices (Kiln's do).
    let mut vertex_sets: std::collections::HashMap<(usize, Option<usize>, Option<usize>), u32> =
        std::collections::HashMap::new();
    for (mesh_index, glb_mesh) in root.meshes.iter().enumerate() {
        for primitive in &glb_mesh.primitives {
            if !matches!(primitive.mode, Checked::Valid(json::mesh::Mode::Triangles)) {
                return Err(malformed(format!(
                    "mesh {mesh_index} has a primitive that is not a triangle list; Kiln reads triangle lists"
                )));
            }
            let attribute = |wanted: json::mesh::Semantic| {
                primitive
                    .attributes
                    .iter()
                    .find(|(semantic, _)| **semantic == Checked::Valid(wanted.clone()))
                    .map(|(_, accessor)| accessor.value())
            };
            let position = attribute(json::mesh::Semantic::Positions).ok_or_else(|| {
                malformed(format!("a primitive of mesh {mesh_index} has no POSITION"))
            })?;
            let normal = attribute(json::mesh::Semantic::Normals);
            let colour = attribute(json::mesh::Semantic::Colors(0));
            let key = (position, normal, colour);
            let base = match vertex_sets.get(&key) {
                Some(base) => *base,
                None => {
                    let base = mesh.positions.len() as u32;
                    let positions = read_floats::<3>(&root, bin, position)?;
                    let count = positions.len();
                    mesh.positions.extend(positions);
                    match normal {
                        Some(normal) => {
                            let normals = read_floats::<3>(&root, bin, normal)?;
                            if normals.len() != count {
                                return Err(malformed(format!(
                                    "accessor {normal} (NORMAL) has {} elements for {count} vertices",
                                    normals.len()
                                )));
                            }
                            mesh.normals.extend(normals);
                        }
                        None => {
                            all_normals = false;
                            mesh.normals
                                .extend(std::iter::repeat_n([0.0, 1.0, 0.0], count));
                        }
                    }
                    match colour {
                        Some(colour) => {
                            let colours = read_colours(&root, bin, colour)?;
                            if colours.len() != count {
                                return Err(malformed(format!(
                                    "accessor {colour} (COLOR_0) has {} elements for {count} vertices",
                                    colours.len()
                                )));
                            }
                            mesh.colours
                                .extend(colours.into_iter().map(|c| c.map(linear_to_srgb)));
                        }
                        None => mesh
                            .colours
                            .extend(std::iter::repeat_n([200, 200, 200], count)),
                    }
                    vertex_sets.insert(key, base);
                    base
                }
            };
            let vertices = accessor(&root, position)?.count.0;
            let indices = match primitive.indices {
                Some(indices) => read_indices(&root, bin, indices.value())?,
                None => (0..vertices as u32).collect(),
            };
            if let Some(bad) = indices.iter().find(|index| u64::from(**index) >= vertices) {
                return Err(malformed(format!(
                    "mesh {mesh_index} names vertex {bad} of {vertices}"
                )));
            }
            let material = primitive
                .material
                .and_then(|material| root.materials.get(material.value()))
                .and_then(|material| material.name.as_deref())
                .and_then(Material::from_word)
                .unwrap_or(Material::Plastic);
            let indices: Vec<u32> = indices
                .chunks_exact(3)
                .flatten()
                .map(|index| index + base)
                .collect();
            match mesh.primitives.iter_mut().find(|p| p.material == material) {
                Some(existing) => existing.indices.extend(indices),
                None => mesh.primitives.push(MeshPrimitive { material, indices }),
            }
        }
    }
    if !all_normals {
        mesh.compute_normals();
    }
    Ok(mesh)
}

/// Where an accessor's elements lie: start, stride, count and element size in bytes (already
/// checked to lie inside its view by [`inspect_glb`]).
fn layout(root: &json::Root, index: usize) -> Result<(usize, usize, usize, usize), GlbError> {
    let accessor = root
        .accessors
        .get(index)
        .ok_or_else(|| malformed(format!("accessor {index} is missing")))?;
    let (Checked::Valid(component), Checked::Valid(kind)) =
        (&accessor.component_type, &accessor.type_)
    else {
        return Err(malformed(format!("accessor {index} has an unknown type")));
    };
    let view = accessor
        .buffer_view
        .and_then(|view| root.buffer_views.get(view.value()))
        .ok_or_else(|| malformed(format!("accessor {index} has no buffer view")))?;
    let element = component.0.size() * kind.multiplicity();
    let stride = view.byte_stride.map_or(element, |stride| stride.0);
    let start = view.byte_offset.map_or(0, |offset| offset.0)
        + accessor.byte_offset.map_or(0, |offset| offset.0);
    Ok((start as usize, stride, accessor.count.0 as usize, element))
}

/// The element bytes of an accessor, each checked to lie in the binary chunk.
fn elements<'a>(
    root: &json::Root,
    bin: &'a [u8],
    index: usize,
) -> Result<impl Iterator<Item = Result<&'a [u8], GlbError>> + 'a, GlbError> {
    let (start, stride, count, element) = layout(root, index)?;
    Ok((0..count).map(move |n| {
        let at = start + n * stride;
        bin.get(at..at + element)
            .ok_or_else(|| malformed(format!("accessor {index} runs past the binary chunk")))
    }))
}

fn component_kind(
    root: &json::Root,
    index: usize,
) -> Result<(json::accessor::ComponentType, json::accessor::Type, bool), GlbError> {
    let accessor = accessor(root, index)?;
    Ok(match (&accessor.component_type, &accessor.type_) {
        (Checked::Valid(component), Checked::Valid(kind)) => {
            (component.0, *kind, accessor.normalized)
        }
        _ => (
            json::accessor::ComponentType::F32,
            json::accessor::Type::Scalar,
            false,
        ),
    })
}

/// The accessor a primitive names, which a hostile file may name past the end of the list.
fn accessor(root: &json::Root, index: usize) -> Result<&json::Accessor, GlbError> {
    root.accessors.get(index).ok_or_else(|| {
        malformed(format!(
            "an attribute names accessor {index}, but the file has {}",
            root.accessors.len()
        ))
    })
}

fn read_floats<const N: usize>(
    root: &json::Root,
    bin: &[u8],
    index: usize,
) -> Result<Vec<[f32; N]>, GlbError> {
    let (component, kind, _) = component_kind(root, index)?;
    if component != json::accessor::ComponentType::F32 || kind.multiplicity() != N {
        return Err(malformed(format!(
            "accessor {index} is not {N} floats per element"
        )));
    }
    elements(root, bin, index)?
        .map(|element| {
            let element = element?;
            let values: [f32; N] = std::array::from_fn(|k| {
                f32::from_le_bytes(element[4 * k..4 * k + 4].try_into().expect("4 bytes"))
            });
            if values.iter().all(|value| value.is_finite()) {
                Ok(values)
            } else {
                Err(malformed(format!(
                    "accessor {index} holds a non-finite number"
                )))
            }
        })
        .collect()
}

/// COLOR_0 as linear RGB in [0, 1]: float, or normalised unsigned 8- or 16-bit; RGB or RGBA.
fn read_colours(root: &json::Root, bin: &[u8], index: usize) -> Result<Vec<[f32; 3]>, GlbError> {
    use json::accessor::{ComponentType, Type};
    let (component, kind, normalized) = component_kind(root, index)?;
    if !matches!(kind, Type::Vec3 | Type::Vec4) {
        return Err(malformed(format!(
            "accessor {index} (COLOR_0) is not RGB or RGBA"
        )));
    }
    let read: fn(&[u8], usize) -> f32 = match (component, normalized) {
        (ComponentType::F32, _) => {
            |bytes, k| f32::from_le_bytes(bytes[4 * k..4 * k + 4].try_into().expect("4 bytes"))
        }
        (ComponentType::U8, true) => |bytes, k| f32::from(bytes[k]) / 255.0,
        (ComponentType::U16, true) => {
            |bytes, k| f32::from(u16::from_le_bytes([bytes[2 * k], bytes[2 * k + 1]])) / 65535.0
        }
        _ => {
            return Err(malformed(format!(
                "accessor {index} (COLOR_0) is neither float nor normalised 8- or 16-bit"
            )));
        }
    };
    elements(root, bin, index)?
        .map(|element| {
            let element = element?;
            Ok([0, 1, 2].map(|k| {
                let value = read(element, k);
                if value.is_finite() {
                    value.clamp(0.0, 1.0)
                } else {
                    0.0
                }
            }))
        })
        .collect()
}

/// Triangle indices: unsigned 8-, 16- or 32-bit scalars.
fn read_indices(root: &json::Root, bin: &[u8], index: usize) -> Result<Vec<u32>, GlbError> {
    use json::accessor::{ComponentType, Type};
    let (component, kind, _) = component_kind(root, index)?;
    if kind != Type::Scalar {
        return Err(malformed(format!(
            "accessor {index} (indices) is not scalar"
        )));
    }
    let read: fn(&[u8]) -> u32 = match component {
        ComponentType::U8 => |bytes| u32::from(bytes[0]),
        ComponentType::U16 => |bytes| u32::from(u16::from_le_bytes([bytes[0], bytes[1]])),
        ComponentType::U32 => |bytes| u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
        _ => {
            return Err(malformed(format!(
                "accessor {index} (indices) is not an unsigned integer"
            )));
        }
    };
    elements(root, bin, index)?
        .map(|element| element.map(read))
        .collect()
}

/// glTF's linear colour channel back to the sRGB byte Kiln meshes hold.
fn linear_to_srgb(linear: f32) -> u8 {
    let c = if linear <= 0.003_130_8 {
        linear * 12.92
    } else {
        1.055 * linear.powf(1.0 / 2.4) - 0.055
    };
    (c.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// The JSON chunk and the optional binary chunk, with every length checked.
fn chunks(bytes: &[u8]) -> Result<(&[u8], Option<&[u8]>), GlbError> {
    if bytes.len() < 12 || &bytes[..4] != GLB_MAGIC {
        return Err(GlbError::NotGlb("it does not start with 'glTF'".into()));
    }
    let word = |at: usize| -> Option<u32> {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let version = word(4).unwrap_or_default();
    if version != 2 {
        return Err(GlbError::NotGlb(format!(
            "version {version}; only glTF 2.0 is read"
        )));
    }
    let length = word(8).unwrap_or_default() as usize;
    if length != bytes.len() {
        return Err(malformed(format!(
            "the header says {length} bytes but the file has {}",
            bytes.len()
        )));
    }
    let mut at = 12;
    let mut json_chunk = None;
    let mut bin_chunk = None;
    while at < bytes.len() {
        let (Some(chunk_length), Some(chunk_type)) = (word(at), word(at + 4)) else {
            return Err(malformed(format!("a chunk header is cut off at byte {at}")));
        };
        let start = at + 8;
        let end = start
            .checked_add(chunk_length as usize)
            .filter(|end| *end <= bytes.len())
            .ok_or_else(|| {
                malformed(format!(
                    "a chunk at byte {at} runs past the end of the file"
                ))
            })?;
        let data = &bytes[start..end];
        match (chunk_type, json_chunk.is_none(), bin_chunk.is_none()) {
            (CHUNK_JSON, true, true) => json_chunk = Some(data),
            (CHUNK_BIN, false, true) => bin_chunk = Some(data),
            (CHUNK_JSON | CHUNK_BIN, _, _) => {
                return Err(malformed("chunks out of order or repeated"));
            }
            // Unknown chunk types are skipped, as the specification asks.
            _ => {}
        }
        at = end;
    }
    let json_chunk = json_chunk.ok_or_else(|| malformed("no JSON chunk"))?;
    Ok((json_chunk, bin_chunk))
}

/// An accessor's bytes lie inside its buffer view.
fn check_accessor(root: &json::Root, index: usize) -> Result<(), GlbError> {
    let accessor = accessor(root, index)?;
    if accessor.sparse.is_some() {
        return Err(malformed(format!(
            "accessor {index} is sparse; Kiln reads dense accessors only"
        )));
    }
    let (Checked::Valid(component), Checked::Valid(kind)) =
        (&accessor.component_type, &accessor.type_)
    else {
        return Err(malformed(format!(
            "accessor {index} has an unknown component type or type"
        )));
    };
    let Some(view_index) = accessor.buffer_view else {
        return Err(malformed(format!("accessor {index} has no buffer view")));
    };
    let view = root
        .get(view_index)
        .ok_or_else(|| malformed(format!("accessor {index} names a missing buffer view")))?;
    let element = (component.0.size() * kind.multiplicity()) as u64;
    let stride = view.byte_stride.map_or(element, |stride| stride.0 as u64);
    if stride < element {
        return Err(malformed(format!(
            "accessor {index}'s stride is shorter than one element"
        )));
    }
    let count = accessor.count.0;
    let needed = if count == 0 {
        0
    } else {
        stride
            .checked_mul(count - 1)
            .and_then(|bytes| bytes.checked_add(element))
            .and_then(|bytes| bytes.checked_add(accessor.byte_offset.map_or(0, |offset| offset.0)))
            .ok_or_else(|| malformed(format!("accessor {index} overflows")))?
    };
    if needed > view.byte_length.0 {
        return Err(malformed(format!(
            "accessor {index} needs {needed} bytes but its view has {}",
            view.byte_length.0
        )));
    }
    Ok(())
}

fn vec3(value: &Option<json::Value>) -> Option<[f32; 3]> {
    let array = value.as_ref()?.as_array()?;
    if array.len() != 3 {
        return None;
    }
    let mut out = [0.0; 3];
    for (slot, item) in out.iter_mut().zip(array) {
        *slot = item.as_f64()? as f32;
    }
    Some(out)
}

/// Width and height from a PNG's IHDR or a JPEG's start-of-frame, without decoding pixels.
fn image_size(data: &[u8]) -> Option<[u32; 2]> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") && data.get(12..16) == Some(b"IHDR") {
        let read = |at: usize| {
            data.get(at..at + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        return Some([read(16)?, read(20)?]);
    }
    if data.starts_with(&[0xFF, 0xD8]) {
        let mut at = 2;
        while at + 9 < data.len() {
            if data[at] != 0xFF {
                return None;
            }
            let marker = data[at + 1];
            let length = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
            if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
                let height = u16::from_be_bytes([data[at + 5], data[at + 6]]);
                let width = u16::from_be_bytes([data[at + 7], data[at + 8]]);
                return Some([width.into(), height.into()]);
            }
            at += 2 + length;
        }
    }
    None
}
