//! Where the client reads the world from, as the top bar names it: which chain and which IPFS
//! source. The settings set it at start; a fresh install has the sandbox and no gateway.

use std::fmt;

use bevy::prelude::*;

/// The chain the world is read from and items are minted on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Reflect)]
pub enum ChainMode {
    /// The in-process EVM sandbox: zero set-up, state kept on this machine.
    #[default]
    Sandbox,
    /// A JSON-RPC chain, by its name and id.
    Rpc { name: String, chain_id: u64 },
}

/// Where item files come from and go to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Reflect)]
pub enum IpfsMode {
    /// Only the local blockstore: nothing leaves the machine.
    #[default]
    Offline,
    /// A Kubo RPC node at this URL.
    Node { url: String },
    /// Verified reads through public gateways.
    Gateways,
}

/// The client's network configuration, as shown in the top bar and the settings.
#[derive(Resource, Debug, Clone, Default, PartialEq, Eq, Reflect)]
#[reflect(Resource)]
pub struct NetworkStatus {
    pub chain: ChainMode,
    pub ipfs: IpfsMode,
}

impl fmt::Display for ChainMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sandbox => f.write_str("Sandbox chain"),
            Self::Rpc { name, chain_id } => write!(f, "{name} (chain {chain_id})"),
        }
    }
}

impl fmt::Display for IpfsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Offline => f.write_str("IPFS offline · local blockstore"),
            Self::Node { url } => write!(f, "IPFS node {url}"),
            Self::Gateways => f.write_str("IPFS gateways (verified)"),
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<NetworkStatus>()
        .register_type::<NetworkStatus>();
}
