//! The chain: the Kiln contract's bindings, and the chains it runs on behind one trait.
//!
//! - [`Chain`]: deploy, mint, place, transfer, read tokens and plots, read events; written once
//!   over a backend's primitives.
//! - [`Sandbox`]: the compiled contract in revm in this process, persisted in the data
//!   directory: the default network, zero setup.
//! - [`RpcChain`]: any JSON-RPC node through alloy, with EIP-1559 fees, confirmations and a
//!   nonce book that survives restarts.
//! - [`WalletChain`]: any chain through the player's EIP-1193 wallet, which holds the key and
//!   signs (the browser build's way to a real network).
//! - [`Keystore`]: the creator's key in an encrypted Web3 Secret Storage file.
//! - [`Index`]: the contract's events in SQLite, resumable and tolerant of reorgs, queried by
//!   owner, creator and plot.
//! - [`gas::measure`]: what each operation costs, measured by sending it.
//!
//! No Bevy here; the client and the CLI sit on top.

mod answers;
mod chain;
pub mod contract;
mod error;
pub mod gas;
#[cfg(feature = "index")]
pub mod index;
#[cfg(feature = "keystore")]
pub mod keystore;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod sandbox;
mod types;
#[cfg(feature = "wallet")]
pub mod wallet;

pub use chain::{Chain, ChainLog, Outgoing, Sent, SignedTx, TxStatus};
pub use contract::DEFAULT_ROYALTY_BPS;
pub use error::{ChainError, Revert};
#[cfg(feature = "index")]
pub use index::{Index, IndexError, IndexedToken};
#[cfg(feature = "keystore")]
pub use keystore::{Keystore, KeystoreError};
#[cfg(feature = "rpc")]
pub use rpc::{RpcChain, RpcOptions};
pub use sandbox::{SANDBOX_CHAIN_ID, Sandbox};
pub use types::{
    BadTokenId, BlockRef, Deployment, KilnEvent, LoggedEvent, MintReceipt, MintRequest, Placement,
    TokenId, TokenRecord, TxOutcome,
};
#[cfg(feature = "wallet")]
pub use wallet::{Eip1193, WalletChain, WalletError, WalletNetwork, WalletOptions, WalletState};

/// Addresses and 32-byte values as the chain types use them.
pub use alloy::primitives::{Address, B256};

/// The key type that signs: what the keystore unlocks and an RPC chain takes.
pub mod signer {
    pub use alloy::signers::local::PrivateKeySigner;
}
