//! Content addressing: CIDs bit-exact with a real IPFS node, UnixFS, CAR, the local blockstore,
//! Kubo RPC and pinning-service clients, verified gateway reads. No Bevy here.
