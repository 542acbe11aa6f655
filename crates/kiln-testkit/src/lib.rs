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

/// A script of the repository's `scripts/` folder. Found from the running test's package
/// (`CARGO_MANIFEST_DIR` as cargo sets it when it runs a test) up, so that a build of this crate
/// made in another checkout sharing the target folder still starts this checkout's scripts.
pub(crate) fn script(name: &str) -> std::path::PathBuf {
    let running = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    let built = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    running
        .iter()
        .chain([&built])
        .flat_map(|start| start.ancestors())
        .map(|folder| folder.join("scripts").join(name))
        .find(|path| path.is_file())
        .unwrap_or_else(|| built.join("../../scripts").join(name))
}

/// Runs `future` to its end on a fresh single-threaded runtime: how tests call the async APIs.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
        .block_on(future)
}
