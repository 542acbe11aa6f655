//! The values the chain deals in: token ids, records, placements, events and receipts.

use std::fmt;
use std::str::FromStr;

use alloy::primitives::{Address, B256, U256, keccak256};
use serde::{Deserialize, Serialize};

/// A token's id: the keccak256 of the creator's address and the item's GLB sha256 (the
/// contract's `tokenIdOf`). It names the content and who made it, so no account can mint under
/// another's id, and a creator cannot mint the same GLB twice.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenId(pub B256);

impl TokenId {
    /// The id of the token `creator` mints for the GLB whose sha256 is `glb_sha256`:
    /// `keccak256(abi.encode(creator, glbDigest))`, as the contract computes it.
    pub fn of(creator: Address, glb_sha256: B256) -> Self {
        let mut encoded = [0u8; 64];
        encoded[12..32].copy_from_slice(creator.as_slice());
        encoded[32..].copy_from_slice(glb_sha256.as_slice());
        Self(keccak256(encoded))
    }

    /// The id as the contract's `uint256`.
    pub fn to_u256(self) -> U256 {
        U256::from_be_bytes(self.0.0)
    }
}

impl From<U256> for TokenId {
    fn from(id: U256) -> Self {
        Self(B256::from(id.to_be_bytes::<32>()))
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenId({})", self.0)
    }
}

/// A token id a person typed is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a token id: give it as 64 hex digits (0x optional) or as a decimal number")]
pub struct BadTokenId(pub String);

impl FromStr for TokenId {
    type Err = BadTokenId;

    /// Reads the id as explorers and marketplaces print it (a decimal `uint256`) or as we do
    /// (64 hex digits).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let hex = trimmed.strip_prefix("0x").unwrap_or(trimmed);
        if hex.len() == 64
            && let Ok(digest) = B256::from_str(hex)
        {
            return Ok(Self(digest));
        }
        if !trimmed.is_empty()
            && trimmed.bytes().all(|b| b.is_ascii_digit())
            && let Ok(id) = U256::from_str_radix(trimmed, 10)
        {
            return Ok(Self::from(id));
        }
        Err(BadTokenId(text.to_owned()))
    }
}

/// Where an item stands: a plot of the world grid and a turn about the vertical axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Placement {
    /// Plot column.
    pub x: i32,
    /// Plot row.
    pub z: i32,
    /// Whole degrees in [0, 360).
    pub rotation: u16,
}

/// What the chain records about one token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    pub id: TokenId,
    pub owner: Address,
    pub creator: Address,
    /// sha256 of the item's canonical metadata JSON.
    pub metadata_sha256: B256,
    /// `ipfs://` + the metadata's CID, derived by the contract from `metadata_sha256`.
    pub token_uri: String,
    pub placement: Option<Placement>,
}

/// What one mint records: the content, its description, and who receives the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MintRequest {
    /// sha256 of the GLB; with the creator's address it makes the token id.
    pub glb_sha256: B256,
    /// sha256 of the canonical metadata JSON; becomes the token URI.
    pub metadata_sha256: B256,
    /// Who receives the token; the signing account when `None`.
    pub to: Option<Address>,
}

/// A block, by number and hash: the hash tells a reorganised chain from the one indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BlockRef {
    pub number: u64,
    pub hash: B256,
}

/// A transaction that made it into a block and succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxOutcome {
    pub hash: B256,
    pub block: BlockRef,
    pub gas_used: u64,
}

/// A confirmed mint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MintReceipt {
    pub token_id: TokenId,
    pub token_uri: String,
    pub tx: TxOutcome,
}

/// A contract deployed on a chain: where, and from which block its logs are worth reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    pub chain_id: u64,
    pub address: Address,
    pub block: u64,
}

/// What happened to an item, as the contract's events tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KilnEvent {
    Minted {
        token: TokenId,
        creator: Address,
        /// sha256 of the item's GLB: other creators' tokens of the same file share it. (Zero in
        /// events an index wrote down before contract v2 recorded it.)
        #[serde(default)]
        glb_sha256: B256,
        metadata_sha256: B256,
    },
    /// Ownership changed (a mint also emits one, from the zero address).
    Transferred {
        token: TokenId,
        from: Address,
        to: Address,
    },
    Placed {
        token: TokenId,
        placement: Placement,
    },
    Removed {
        token: TokenId,
        x: i32,
        z: i32,
    },
}

impl KilnEvent {
    pub fn token(&self) -> TokenId {
        match *self {
            Self::Minted { token, .. }
            | Self::Transferred { token, .. }
            | Self::Placed { token, .. }
            | Self::Removed { token, .. } => token,
        }
    }
}

/// An event and where on the chain it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedEvent {
    pub block: BlockRef,
    pub tx: B256,
    pub log_index: u64,
    pub event: KilnEvent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_ids_read_as_hex_digest_or_decimal_and_print_as_the_digest() {
        let id = TokenId(B256::repeat_byte(0xab));
        let hex = id.to_string();
        assert_eq!(hex, format!("0x{}", "ab".repeat(32)));
        assert_eq!(hex.parse::<TokenId>(), Ok(id));
        assert_eq!(hex[2..].parse::<TokenId>(), Ok(id));
        let decimal = id.to_u256().to_string();
        assert_eq!(decimal.parse::<TokenId>(), Ok(id));
        assert_eq!(TokenId::from(id.to_u256()), id);
        for bad in ["", "0x", "0xzz", "12a", &"f".repeat(63), "-1"] {
            assert!(bad.parse::<TokenId>().is_err(), "{bad:?} was accepted");
        }
        let message = "nope".parse::<TokenId>().unwrap_err().to_string();
        assert!(message.contains("64 hex digits"), "{message}");
    }

    /// The contract's `tokenIdOf` is checked against the compiled contract in the chain tests;
    /// here: ids differ by creator and by file, and are neither of the two inputs.
    #[test]
    fn token_ids_bind_the_creator_to_the_file() {
        let (alice, bob) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let (glb, other) = (B256::repeat_byte(3), B256::repeat_byte(4));
        let id = TokenId::of(alice, glb);
        assert_eq!(id, TokenId::of(alice, glb));
        assert_ne!(id, TokenId::of(bob, glb));
        assert_ne!(id, TokenId::of(alice, other));
        assert_ne!(id.0, glb);
    }
}
