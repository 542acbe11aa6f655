//! What Kiln's integration tests run against, started by scripts and stopped when the tests
//! end: a real Ethereum node ([`Anvil`]), a real IPFS node ([`ipfs_node`]), a trustless gateway in front of it that can be told to
//! lie ([`TrustlessGateway`]), and a pinning service that pins on that node
//! ([`PinningService`]). Only tests depend on this crate.

mod anvil;
pub mod http_server;
mod ipfs_node;
mod pinning_service;

pub use anvil::{ANVIL_CHAIN_ID, ANVIL_DEV_KEYS, Anvil, anvil_rpc, forward_rpc};
pub use ipfs_node::{IpfsNode, TrustlessGateway, content, impatient, ipfs_node};
pub use pinning_service::PinningService;

/// Runs `future` to its end on a fresh single-threaded runtime: how tests call the async APIs.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
        .block_on(future)
}
