//! kiln-ipfs against the reference implementations and a real IPFS node.

mod limits;
mod node;
mod unixfs;
