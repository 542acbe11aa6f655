//! kiln-asset against the Khronos glTF validator and real-world metadata.

mod foreign;
mod glb;
mod thumbnail;
mod untrusted;
