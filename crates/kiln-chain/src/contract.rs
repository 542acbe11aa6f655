//! Bindings of the compiled contracts, generated from the committed artifacts in
//! `contracts/out/` (so building Rust needs no Solidity compiler), and the decoding of their
//! logs into [`KilnEvent`]s.

use alloy::primitives::Log;
use alloy::sol;
use alloy::sol_types::SolEventInterface;

use crate::{KilnEvent, Placement, TokenId};

sol!(
    /// The Kiln items contract (`contracts/src/KilnItems.sol`).
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    KilnItems,
    "../../contracts/out/KilnItems.json"
);

sol!(
    /// OpenZeppelin's plain ERC-721 (`contracts/bench/PlainItems.sol`): the yardstick the gas
    /// benchmark compares a Kiln mint with, and a contract of another ABI for the tests.
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    PlainItems,
    "../../contracts/out/PlainItems.json"
);

/// The artifact's ABI, creation and runtime code, as committed.
pub const KILN_ITEMS_ARTIFACT: &str = include_str!("../../../contracts/out/KilnItems.json");

/// Royalty on secondary sales a deployment gives creators unless told otherwise: 5%.
pub const DEFAULT_ROYALTY_BPS: u16 = 500;

/// The Kiln event in a log of the contract, or `None` for a log the client has no use for
/// (approvals) or that is not the contract's at all.
pub fn decode_event(log: &Log) -> Option<KilnEvent> {
    use KilnItems::KilnItemsEvents as Event;
    Some(match Event::decode_log(log).ok()?.data {
        Event::Minted(minted) => KilnEvent::Minted {
            token: TokenId::from(minted.tokenId),
            creator: minted.creator,
            glb_sha256: minted.glbDigest,
            metadata_sha256: minted.metadataDigest,
        },
        Event::Transfer(transfer) => KilnEvent::Transferred {
            token: TokenId::from(transfer.tokenId),
            from: transfer.from,
            to: transfer.to,
        },
        Event::Placed(placed) => KilnEvent::Placed {
            token: TokenId::from(placed.tokenId),
            placement: Placement {
                x: placed.x,
                z: placed.z,
                rotation: placed.rotation,
            },
        },
        Event::Removed(removed) => KilnEvent::Removed {
            token: TokenId::from(removed.tokenId),
            x: removed.x,
            z: removed.z,
        },
        Event::Approval(_)
        | Event::ApprovalForAll(_)
        | Event::MetadataUpdate(_)
        | Event::BatchMetadataUpdate(_) => return None,
    })
}
