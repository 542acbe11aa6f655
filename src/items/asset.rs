//! [`Item`]: a Kiln item as a Bevy asset, loaded from its metadata's CID. The loader reads the
//! canonical metadata (within kiln-asset's limits), then the GLB it names, checks the GLB's
//! sha256 against the provenance, and turns each material's triangles into a Bevy mesh.

use bevy::asset::io::Reader;
use bevy::asset::{AssetLoader, LoadContext};
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use kiln_asset::{ItemMetadata, ItemUri, Limits, Sha256Hex};
use kiln_gen::vocab::Material;

/// One item, ready to show.
#[derive(Asset, TypePath, Debug)]
pub struct Item {
    pub metadata: ItemMetadata,
    /// One mesh per material class.
    pub parts: Vec<ItemPart>,
    /// The same, simplified to a twenty-fourth, for distant views.
    pub distant_parts: Vec<ItemPart>,
    /// In metres, the object standing on y = 0.
    pub min: Vec3,
    pub max: Vec3,
    pub triangles: usize,
}

#[derive(Debug)]
pub struct ItemPart {
    pub mesh: Handle<Mesh>,
    pub material: Material,
}

/// Why an item could not be shown; each says what is wrong with the item, not with Kiln.
#[derive(Debug, thiserror::Error)]
pub enum ItemLoadError {
    #[error("its metadata could not be read: {0}")]
    Read(#[from] std::io::Error),
    #[error("its metadata is not a Kiln item's: {0}")]
    Metadata(#[from] kiln_asset::MetadataError),
    #[error("its metadata names no GLB on IPFS")]
    NoGlb,
    #[error("its GLB could not be fetched: {0}")]
    Fetch(#[from] bevy::asset::ReadAssetBytesError),
    #[error("its GLB is not the one its metadata describes (sha256 {actual}, not {expected})")]
    WrongGlb {
        expected: Sha256Hex,
        actual: Sha256Hex,
    },
    #[error("its GLB cannot be shown: {0}")]
    Glb(#[from] kiln_asset::GlbError),
}

/// Reads `ipfs://<metadata CID>` as an [`Item`]; chosen by asset type (the path has no
/// extension).
#[derive(Default, TypePath)]
pub struct ItemLoader;

impl AssetLoader for ItemLoader {
    type Asset = Item;
    type Settings = ();
    type Error = ItemLoadError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        context: &mut LoadContext<'_>,
    ) -> Result<Item, ItemLoadError> {
        let limits = Limits::default();
        let metadata = read_metadata(reader, &limits).await?;
        let Some(ItemUri::Ipfs { cid, path }) = &metadata.animation_url else {
            return Err(ItemLoadError::NoGlb);
        };
        let glb_path = if path.is_empty() {
            format!("ipfs://{cid}")
        } else {
            format!("ipfs://{cid}/{path}")
        };
        let glb = context.read_asset_bytes(glb_path).await?;
        if let Some(provenance) = &metadata.kiln {
            let actual = Sha256Hex::of(&glb);
            if actual != provenance.glb_sha256 {
                return Err(ItemLoadError::WrongGlb {
                    expected: provenance.glb_sha256,
                    actual,
                });
            }
        }
        let mesh = kiln_asset::read_glb(&glb, &limits)?;
        let (min, max) = mesh.bounds();
        let parts = labeled_parts(context, "part", &mesh);
        let distant = distant_version(&mesh);
        let distant_parts = labeled_parts(context, "distant", &distant);
        Ok(Item {
            metadata,
            parts,
            distant_parts,
            min: Vec3::from(min),
            max: Vec3::from(max),
            triangles: mesh.triangle_count(),
        })
    }
}

/// Reads an item's metadata document, which must be canonical Kiln metadata within `limits`.
pub async fn read_metadata(
    reader: &mut dyn Reader,
    limits: &Limits,
) -> Result<ItemMetadata, ItemLoadError> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).await?;
    Ok(ItemMetadata::from_canonical_json(&bytes, limits)?)
}

/// Distant versions keep at least this many triangles (below it, simplifying saves nothing).
const MIN_DISTANT_TRIANGLES: usize = 150;

/// The version of `mesh` drawn far away: a twenty-fourth of its triangles.
pub fn distant_version(mesh: &kiln_gen::Mesh) -> kiln_gen::Mesh {
    mesh.simplified((mesh.triangle_count() / 24).max(MIN_DISTANT_TRIANGLES))
}

fn labeled_parts(
    context: &mut LoadContext<'_>,
    label: &str,
    mesh: &kiln_gen::Mesh,
) -> Vec<ItemPart> {
    mesh.primitives
        .iter()
        .enumerate()
        .map(|(index, primitive)| ItemPart {
            mesh: context.add_labeled_asset(
                format!("{label}{index}"),
                bevy_mesh(mesh, &primitive.indices),
            ),
            material: primitive.material,
        })
        .collect()
}

/// The triangles `indices` of `mesh` as a Bevy mesh holding only the vertices they use, with
/// linear vertex colours (Bevy's and glTF's convention; Kiln meshes hold sRGB).
pub fn bevy_mesh(mesh: &kiln_gen::Mesh, indices: &[u32]) -> Mesh {
    let mut remap = vec![u32::MAX; mesh.positions.len()];
    let mut positions = Vec::new();
    let mut normals = Vec::new();
    let mut colours = Vec::new();
    let mut local = Vec::with_capacity(indices.len());
    for &index in indices {
        let slot = &mut remap[index as usize];
        if *slot == u32::MAX {
            *slot = positions.len() as u32;
            let vertex = index as usize;
            positions.push(mesh.positions[vertex]);
            normals.push(mesh.normals.get(vertex).copied().unwrap_or([0.0, 1.0, 0.0]));
            let [r, g, b] = mesh.colours.get(vertex).copied().unwrap_or([200; 3]);
            let linear = Color::srgb_u8(r, g, b).to_linear();
            colours.push([linear.red, linear.green, linear.blue, 1.0]);
        }
        local.push(*slot);
    }
    Mesh::new(PrimitiveTopology::TriangleList, default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colours)
        .with_inserted_indices(Indices::U32(local))
}
