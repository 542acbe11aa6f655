//! The data directory is kiln-mint's [`DataDir`], shared with the client.

pub use kiln_mint::DataDir;
