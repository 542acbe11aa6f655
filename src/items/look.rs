//! [`ItemMaterial`]: Bevy's standard material extended with `shaders/item.wgsl` — a dissolve
//! when an item appears and a rim light when it is hovered or selected. The per-item state is
//! the mesh's [`MeshTag`], so items of one material class still draw in one batch.

use std::path::Path;

use bevy::asset::io::embedded::EmbeddedAssetRegistry;
use bevy::mesh::MeshTag;
use bevy::pbr::{ExtendedMaterial, MaterialExtension};
use bevy::prelude::*;
use bevy::render::render_resource::AsBindGroup;
use bevy::shader::ShaderRef;

/// The material of every item mesh.
pub type ItemMaterial = ExtendedMaterial<StandardMaterial, ItemLook>;

/// What `shaders/item.wgsl` adds to the standard material.
#[derive(Asset, AsBindGroup, Reflect, Debug, Clone)]
pub struct ItemLook {
    #[uniform(100)]
    pub settings: Vec4,
}

impl Default for ItemLook {
    fn default() -> Self {
        // Rim strength, dissolve seconds.
        Self {
            settings: Vec4::new(0.9, 0.8, 0.0, 0.0),
        }
    }
}

/// Where the shader is embedded (in the binary, for the desktop and the web alike).
const SHADER_PATH: &str = "embedded://kiln/item.wgsl";

impl MaterialExtension for ItemLook {
    fn fragment_shader() -> ShaderRef {
        SHADER_PATH.into()
    }

    fn deferred_fragment_shader() -> ShaderRef {
        SHADER_PATH.into()
    }
}

/// Puts the shader into the embedded asset source.
pub(super) fn embed_shader(app: &mut App) {
    if let Some(embedded) = app.world_mut().get_resource_mut::<EmbeddedAssetRegistry>() {
        embedded.insert_asset(
            std::path::PathBuf::new(),
            Path::new("kiln/item.wgsl"),
            include_bytes!("../../shaders/item.wgsl").as_slice(),
        );
    }
}

/// How an item looks to the shader: plain, under the crosshair, or selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    Plain = 0,
    Hovered = 1,
    Selected = 2,
}

/// The mesh tag of an item part that appeared at `appeared` (seconds of the wrapped clock the
/// shader sees) with `emphasis`.
pub fn item_tag(appeared: f32, emphasis: Emphasis) -> MeshTag {
    let hundredths = ((appeared.rem_euclid(3600.0)) * 100.0) as u32;
    MeshTag((hundredths << 2) | emphasis as u32)
}

/// The same tag with another emphasis (the moment it appeared kept).
pub fn with_emphasis(tag: &MeshTag, emphasis: Emphasis) -> MeshTag {
    MeshTag((tag.0 & !3) | emphasis as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_keeps_the_moment_and_the_emphasis_apart() {
        let tag = item_tag(3599.5, Emphasis::Plain);
        assert_eq!(tag.0 & 3, 0);
        assert_eq!(tag.0 >> 2, 359_950);
        let selected = with_emphasis(&tag, Emphasis::Selected);
        assert_eq!(selected.0 >> 2, 359_950);
        assert_eq!(selected.0 & 3, 2);
        // The wrapped clock: an hour later is the same moment.
        assert_eq!(item_tag(7199.5, Emphasis::Hovered).0 >> 2, 359_950);
    }
}
