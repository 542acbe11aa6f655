//! What the tests share: chains to run on, and items to mint.

use std::str::FromStr;

use alloy::signers::local::PrivateKeySigner;
use kiln_chain::{B256, Chain, Deployment, MintRequest, RpcChain, RpcOptions, Sandbox};
use kiln_testkit::{ANVIL_CHAIN_ID, ANVIL_DEV_KEYS, Anvil};
use sha2::{Digest, Sha256};

pub fn signer(index: usize) -> PrivateKeySigner {
    PrivateKeySigner::from_str(ANVIL_DEV_KEYS[index]).unwrap()
}

pub fn sandbox() -> Sandbox {
    Sandbox::in_memory().unwrap()
}

/// A fresh anvil with a Kiln contract deployed by dev account 0.
pub async fn anvil_chain() -> (Anvil, RpcChain, Deployment) {
    let anvil = Anvil::start();
    let chain = RpcChain::connect(&anvil.url, signer(0), options())
        .await
        .unwrap();
    let deployment = chain.deploy(kiln_chain::DEFAULT_ROYALTY_BPS).await.unwrap();
    (anvil, chain, deployment)
}

pub fn options() -> RpcOptions {
    RpcOptions {
        expected_chain_id: Some(ANVIL_CHAIN_ID),
        receipt_timeout: std::time::Duration::from_secs(30),
        ..RpcOptions::default()
    }
}

/// An item's two files, made up: a GLB's bytes and metadata naming it.
pub struct Item {
    pub glb: Vec<u8>,
    pub metadata: Vec<u8>,
}

impl Item {
    pub fn new(n: u32) -> Item {
        let glb = format!("glTF test item {n}").into_bytes();
        let metadata = format!("{{\"name\":\"item {n}\"}}").into_bytes();
        Item { glb, metadata }
    }

    pub fn request(&self) -> MintRequest {
        MintRequest {
            glb_sha256: sha256(&self.glb),
            metadata_sha256: sha256(&self.metadata),
            to: None,
        }
    }

    pub fn token_uri(&self) -> String {
        format!("ipfs://{}", kiln_ipfs::raw_cid(&self.metadata))
    }
}

pub fn sha256(bytes: &[u8]) -> B256 {
    B256::from(<[u8; 32]>::from(Sha256::digest(bytes)))
}

pub use kiln_testkit::block_on;
