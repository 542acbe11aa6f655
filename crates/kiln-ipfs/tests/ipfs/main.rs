//! kiln-ipfs against the reference implementations.

mod unixfs;
