//! kiln-ipfs against the reference implementations and a real IPFS node.

mod node;
mod unixfs;
