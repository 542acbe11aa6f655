//! Content addressing: CIDs bit-exact with a real IPFS node, UnixFS, CAR, the local blockstore,
//! Kubo RPC and pinning-service clients, verified gateway reads. No Bevy here.
//!
//! - [`Cid`] is the one CID type of Kiln; [`Block`] is a block whose bytes match its CID.
//! - [`import_file`] / [`file_cid`] give the CIDs `ipfs add --cid-version=1` gives, under either
//!   [`ImportProfile`]; [`raw_cid`] is the single-block CID of a byte string.
//! - [`Blockstore`]: the local, crash-safe store of blocks and pins (SQLite).
//! - [`export_car`] / [`import_car`] / [`CarReader`]: CAR v1 archives, verified block by block.
//! - [`KuboClient`]: the Kubo RPC API of an IPFS node; every CID it returns is checked.
//! - [`PinningClient`]: the IPFS Pinning Service API of hosted pinning services.
//! - [`GatewayClient`]: verified reads from trustless HTTP gateways, with fallback across a list.
//! - [`ReadLimits`]: how much of a DAG from outside any read takes before it refuses.

mod block;
mod blockstore;
mod car;
mod gateway;
mod http;
mod import;
mod kubo;
mod limits;
mod pinning;
mod profile;
mod unixfs;

pub use block::{Block, BlockError, DAG_PB, RAW};
pub use blockstore::{Blockstore, GcReport, Pin, StoreError, StoreStats};
pub use car::{CarError, CarImport, CarReader, MAX_BLOCK_BYTES, export_car, import_car};
pub use cid::Cid;
pub use gateway::{
    DEFAULT_GATEWAYS, FailureReason, FetchReport, GatewayClient, GatewayError, GatewayFailure,
};
pub use http::RetryPolicy;
pub use import::{ImportError, ImportedFile, file_cid, import_file, raw_cid, raw_cid_of_sha256};
pub use kubo::{KuboClient, KuboError, NodeIdentity};
pub use limits::{ReadLimitError, ReadLimits};
pub use pinning::{PinRequest, PinState, PinStatus, PinningClient, PinningError};
pub use profile::{ImportProfile, UnknownProfile};
