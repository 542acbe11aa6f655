//! Item files: mesh normalisation, GLB, thumbnail, canonical metadata (ERC-721, OpenSea,
//! Metaplex, Kiln provenance) and the normaliser of foreign metadata. No Bevy here.
//!
//! - [`write_glb`]: a [`kiln_gen::Mesh`] as binary glTF 2.0; [`write_glb_objects`]: an item of
//!   several objects, a node per object.
//! - [`thumbnail_png`] / [`render_thumbnail`]: the item's picture, rendered on the CPU.
//! - [`ItemMetadata`]: the one metadata type, canonical JSON (RFC 8785), and
//!   [`ItemMetadata::from_foreign`] for everybody else's metadata.
//! - [`Limits`]: what an untrusted item may be, checked before anything is allocated;
//!   [`inspect_glb`] checks a GLB against them.

mod glb;
mod inspect;
mod limits;
pub mod metadata;
mod thumbnail;

pub use glb::{write_glb, write_glb_objects};
pub use inspect::{GlbError, GlbSummary, glb_positions, inspect_glb, read_glb};
pub use limits::{LimitError, Limits, check_json_shape};
pub use metadata::{ItemMetadata, ItemUri, MetadataError, Sha256Hex};
pub use thumbnail::{THUMBNAIL_SIZE, encode_png, picture_sheet, render_thumbnail, thumbnail_png};

/// Outside text (URIs above all, which can be whole files as `data:`) cut short for messages.
pub(crate) fn shorten(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((index, _)) => format!("{}…", &text[..index]),
        None => text.to_owned(),
    }
}
