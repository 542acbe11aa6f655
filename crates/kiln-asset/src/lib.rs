//! Item files: mesh normalisation, GLB, thumbnail, canonical metadata (ERC-721, OpenSea,
//! Metaplex, Kiln provenance) and the normaliser of foreign metadata. No Bevy here.
//!
//! - [`write_glb`]: a [`kiln_gen::Mesh`] as binary glTF 2.0.
//! - [`thumbnail_png`] / [`render_thumbnail`]: the item's picture, rendered on the CPU.

mod glb;
mod thumbnail;

pub use glb::write_glb;
pub use thumbnail::{THUMBNAIL_SIZE, render_thumbnail, thumbnail_png};
