//! Content addressing: CIDs bit-exact with a real IPFS node, UnixFS, CAR, the local blockstore,
//! Kubo RPC and pinning-service clients, verified gateway reads. No Bevy here.
//!
//! What is here so far: [`Cid`] (the one CID type of Kiln), the raw-block CID of a byte string
//! ([`raw_cid`]), and the UnixFS file importer ([`import_file`]) that gives the CIDs
//! `ipfs add --cid-version=1` gives, under either [`ImportProfile`].

mod import;
mod profile;
mod unixfs;

pub use cid::Cid;
pub use import::{Block, ImportError, ImportedFile, file_cid, import_file, raw_cid};
pub use profile::{ImportProfile, UnknownProfile};
