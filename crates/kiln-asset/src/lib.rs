//! Item files: mesh normalisation, GLB, thumbnail, canonical metadata (ERC-721, OpenSea,
//! Metaplex, Kiln provenance) and the normaliser of foreign metadata. No Bevy here.
//!
//! - [`write_glb`]: a [`kiln_gen::Mesh`] as binary glTF 2.0.

mod glb;

pub use glb::write_glb;
