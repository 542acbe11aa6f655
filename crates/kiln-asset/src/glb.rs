//! GLB (binary glTF 2.0) from a [`Mesh`]: positions, normals, vertex colours (COLOR_0, linear),
//! one primitive and one PBR material per material class, the node named after the item, and
//! `asset.generator` = "Kiln <version>". The JSON model is `gltf-json`'s; the binary container is
//! written here (twelve bytes of header and two padded chunks).

use std::collections::BTreeMap;

use gltf_json as json;
use json::validation::Checked::Valid;
use json::validation::USize64;
use kiln_gen::Mesh;
use kiln_gen::vocab::Material;

const GLB_MAGIC: &[u8; 4] = b"glTF";
const CHUNK_JSON: u32 = 0x4E4F_534A;
const CHUNK_BIN: u32 = 0x004E_4942;

/// The GLB of `mesh`, with its node, mesh and scene named `name`.
pub fn write_glb(mesh: &Mesh, name: &str) -> Vec<u8> {
    write_glb_objects(name, &[(name, mesh)])
}

/// The GLB of an item of several objects ("a table with two cups on it"): one mesh and one node
/// per object, named after it, under one node and scene named `name`; the objects' vertices
/// are in the item's space already, so the nodes carry no transform and every reader places
/// them alike. The materials are shared, one per class. One object gives the same file as
/// [`write_glb`].
pub fn write_glb_objects(name: &str, objects: &[(&str, &Mesh)]) -> Vec<u8> {
    let mut root = json::Root {
        asset: json::Asset {
            generator: Some(format!("Kiln {}", env!("CARGO_PKG_VERSION"))),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut bin: Vec<u8> = Vec::new();
    let buffer = json::Index::new(0);
    let mut materials = BTreeMap::new();
    let mut nodes = Vec::with_capacity(objects.len());
    for (object_name, mesh) in objects {
        let gltf_mesh = push_mesh(
            &mut root,
            &mut bin,
            buffer,
            mesh,
            object_name,
            &mut materials,
        );
        nodes.push(root.push(json::Node {
            mesh: Some(gltf_mesh),
            name: Some(object_name.to_string()),
            ..Default::default()
        }));
    }
    let nodes = if nodes.len() == 1 {
        nodes
    } else {
        vec![root.push(json::Node {
            children: Some(nodes),
            name: Some(name.to_string()),
            ..Default::default()
        })]
    };
    let scene = root.push(json::Scene {
        extensions: None,
        extras: Default::default(),
        name: Some(name.to_string()),
        nodes,
    });
    root.scene = Some(scene);
    root.push(json::Buffer {
        byte_length: USize64::from(bin.len()),
        extensions: None,
        extras: Default::default(),
        name: None,
        uri: None,
    });

    let mut json_chunk = json::serialize::to_vec(&root).expect("the glTF JSON model serialises");
    pad(&mut json_chunk, b' ');
    pad(&mut bin, 0);
    let total = 12 + 8 + json_chunk.len() + 8 + bin.len();
    let mut glb = Vec::with_capacity(total);
    glb.extend_from_slice(GLB_MAGIC);
    glb.extend_from_slice(&2u32.to_le_bytes());
    glb.extend_from_slice(&(total as u32).to_le_bytes());
    glb.extend_from_slice(&(json_chunk.len() as u32).to_le_bytes());
    glb.extend_from_slice(&CHUNK_JSON.to_le_bytes());
    glb.extend_from_slice(&json_chunk);
    glb.extend_from_slice(&(bin.len() as u32).to_le_bytes());
    glb.extend_from_slice(&CHUNK_BIN.to_le_bytes());
    glb.extend_from_slice(&bin);
    glb
}

/// Appends `mesh`'s vertex arrays and one primitive per material, and returns its glTF mesh.
fn push_mesh(
    root: &mut json::Root,
    bin: &mut Vec<u8>,
    buffer: json::Index<json::Buffer>,
    mesh: &Mesh,
    name: &str,
    materials: &mut BTreeMap<Material, json::Index<json::Material>>,
) -> json::Index<json::Mesh> {
    let positions = push_view(
        root,
        bin,
        buffer,
        mesh.positions.iter().flatten().map(|v| v.to_le_bytes()),
        json::buffer::Target::ArrayBuffer,
    );
    let (min, max) = mesh.bounds();
    let position_accessor = root.push(json::Accessor {
        buffer_view: Some(positions),
        byte_offset: None,
        count: USize64::from(mesh.positions.len()),
        component_type: Valid(json::accessor::GenericComponentType(
            json::accessor::ComponentType::F32,
        )),
        extensions: None,
        extras: Default::default(),
        type_: Valid(json::accessor::Type::Vec3),
        min: Some(json::Value::from(min.to_vec())),
        max: Some(json::Value::from(max.to_vec())),
        name: None,
        normalized: false,
        sparse: None,
    });
    let normals = push_view(
        root,
        bin,
        buffer,
        mesh.normals.iter().flatten().map(|v| v.to_le_bytes()),
        json::buffer::Target::ArrayBuffer,
    );
    let normal_accessor = root.push(vec3_accessor(normals, mesh.normals.len()));
    // glTF vertex colours are linear; ours are sRGB.
    let colours = push_view(
        root,
        bin,
        buffer,
        mesh.colours
            .iter()
            .flat_map(|c| c.map(srgb_to_linear))
            .map(f32::to_le_bytes),
        json::buffer::Target::ArrayBuffer,
    );
    let colour_accessor = root.push(vec3_accessor(colours, mesh.colours.len()));

    let mut primitives = Vec::new();
    for primitive in &mesh.primitives {
        let indices_view = push_view(
            root,
            bin,
            buffer,
            primitive.indices.iter().map(|i| i.to_le_bytes()),
            json::buffer::Target::ElementArrayBuffer,
        );
        let indices = root.push(json::Accessor {
            buffer_view: Some(indices_view),
            byte_offset: None,
            count: USize64::from(primitive.indices.len()),
            component_type: Valid(json::accessor::GenericComponentType(
                json::accessor::ComponentType::U32,
            )),
            extensions: None,
            extras: Default::default(),
            type_: Valid(json::accessor::Type::Scalar),
            min: None,
            max: None,
            name: None,
            normalized: false,
            sparse: None,
        });
        let material = *materials
            .entry(primitive.material)
            .or_insert_with(|| root.push(pbr_material(primitive.material)));
        let mut attributes = BTreeMap::new();
        attributes.insert(Valid(json::mesh::Semantic::Positions), position_accessor);
        attributes.insert(Valid(json::mesh::Semantic::Normals), normal_accessor);
        attributes.insert(Valid(json::mesh::Semantic::Colors(0)), colour_accessor);
        primitives.push(json::mesh::Primitive {
            attributes,
            extensions: None,
            extras: Default::default(),
            indices: Some(indices),
            material: Some(material),
            mode: Valid(json::mesh::Mode::Triangles),
            targets: None,
        });
    }
    root.push(json::Mesh {
        extensions: None,
        extras: Default::default(),
        name: Some(name.to_string()),
        primitives,
        weights: None,
    })
}

fn vec3_accessor(view: json::Index<json::buffer::View>, count: usize) -> json::Accessor {
    json::Accessor {
        buffer_view: Some(view),
        byte_offset: None,
        count: USize64::from(count),
        component_type: Valid(json::accessor::GenericComponentType(
            json::accessor::ComponentType::F32,
        )),
        extensions: None,
        extras: Default::default(),
        type_: Valid(json::accessor::Type::Vec3),
        min: None,
        max: None,
        name: None,
        normalized: false,
        sparse: None,
    }
}

/// Appends little-endian values as a buffer view (every view here is 4-byte aligned).
fn push_view<const N: usize>(
    root: &mut json::Root,
    bin: &mut Vec<u8>,
    buffer: json::Index<json::Buffer>,
    values: impl Iterator<Item = [u8; N]>,
    target: json::buffer::Target,
) -> json::Index<json::buffer::View> {
    let offset = bin.len();
    for value in values {
        bin.extend_from_slice(&value);
    }
    root.push(json::buffer::View {
        buffer,
        byte_length: USize64::from(bin.len() - offset),
        byte_offset: Some(USize64::from(offset)),
        byte_stride: None,
        extensions: None,
        extras: Default::default(),
        name: None,
        target: Some(Valid(target)),
    })
}

/// A PBR material for a material class; the colour comes from the vertex colours, so the base
/// colour factor is white.
fn pbr_material(material: Material) -> json::Material {
    let (metallic, roughness, emissive) = match material {
        Material::Wood => (0.0, 0.8, 0.0),
        Material::Stone => (0.0, 0.9, 0.0),
        Material::Metal => (1.0, 0.35, 0.0),
        Material::Gold => (1.0, 0.25, 0.0),
        Material::Silver => (1.0, 0.2, 0.0),
        Material::Glass => (0.0, 0.05, 0.0),
        Material::Crystal => (0.0, 0.1, 0.35),
        Material::Plastic => (0.0, 0.45, 0.0),
        Material::Cloth => (0.0, 0.95, 0.0),
        Material::Ceramic => (0.0, 0.3, 0.0),
    };
    json::Material {
        name: Some(material.name().to_string()),
        pbr_metallic_roughness: json::material::PbrMetallicRoughness {
            base_color_factor: json::material::PbrBaseColorFactor([1.0, 1.0, 1.0, 1.0]),
            metallic_factor: json::material::StrengthFactor(metallic),
            roughness_factor: json::material::StrengthFactor(roughness),
            ..Default::default()
        },
        emissive_factor: json::material::EmissiveFactor([emissive, emissive, emissive]),
        ..Default::default()
    }
}

fn srgb_to_linear(channel: u8) -> f32 {
    let c = f32::from(channel) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn pad(bytes: &mut Vec<u8>, with: u8) {
    while !bytes.len().is_multiple_of(4) {
        bytes.push(with);
    }
}
