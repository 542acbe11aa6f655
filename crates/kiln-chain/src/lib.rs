//! The chain: bindings of the Kiln contract, the sandbox (revm) and JSON-RPC (alloy) backends
//! behind one trait, the keystore and the log index. No Bevy here.
