//! Item files: mesh normalisation, GLB, thumbnail, canonical metadata (ERC-721, OpenSea,
//! Metaplex, Kiln provenance) and the normaliser of foreign metadata. No Bevy here.
