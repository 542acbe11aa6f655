//! kiln-asset against the Khronos glTF validator and real-world metadata.

mod glb;
mod thumbnail;
