//! What can go wrong on a chain, in words that say what to do about it.

use std::time::Duration;

use alloy::primitives::{Address, Bytes, U256};
use alloy::sol_types::SolInterface;

use crate::TokenId;
use crate::contract::KilnItems::KilnItemsErrors;

/// A chain operation failed. Nothing was recorded as done when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("the contract refused: {0}")]
    Reverted(Revert),
    #[error(
        "no Kiln contract is known on chain {chain_id}: run `kiln-cli chain deploy` for this network, or pass --contract ADDRESS"
    )]
    NotDeployed { chain_id: u64 },
    #[error(
        "the node at {url} serves chain {actual}, but chain {expected} was asked for: check the RPC URL and --chain-id"
    )]
    WrongChain {
        url: String,
        expected: u64,
        actual: u64,
    },
    #[error(
        "there is no contract at {address} on chain {chain_id}: check the address, or deploy with `kiln-cli chain deploy`"
    )]
    NoCode { address: Address, chain_id: u64 },
    #[error("the contract at {address} is not a Kiln items contract ({detail}): check the address")]
    NotKiln { address: Address, detail: String },
    #[error(
        "account {account} has {have} wei but this transaction may cost up to {need} wei: fund the account, then retry"
    )]
    InsufficientFunds {
        account: Address,
        have: U256,
        need: U256,
    },
    #[error(
        "the node at {url} could not be used: {detail}: check that it runs and the URL is right"
    )]
    Rpc { url: String, detail: String },
    #[error("the node at {url} did not answer {what} within {after:?}: check the node, then retry")]
    Timeout {
        url: String,
        what: &'static str,
        after: Duration,
    },
    #[error("the node at {url} gave an answer that cannot be right: {detail}")]
    BadAnswer { url: String, detail: String },
    #[error("transaction {hash} failed on chain without a reason (out of gas?): {detail}")]
    Failed { hash: String, detail: String },
    #[error(
        "transaction {hash} is not known to the chain (never sent, or dropped by the node): it can be sent again"
    )]
    UnknownTransaction { hash: String },
    #[error("you declined {what} in your wallet: nothing was sent; try again when you are ready")]
    WalletRefused { what: String },
    #[error(
        "no wallet account is connected to Kiln: press Connect wallet in the top bar, then retry"
    )]
    WalletNotConnected,
    #[error(
        "your wallet is on chain {actual}, but this world is on chain {expected}: switch the wallet to chain {expected} (Kiln asks it to when you send), then retry"
    )]
    WalletOnOtherChain { expected: u64, actual: u64 },
    #[error("your wallet failed at {what}: {detail}")]
    Wallet { what: String, detail: String },
    #[error("nothing was sent: {reason}")]
    Aborted { reason: String },
    #[error("the sandbox chain in {path} cannot be used: {detail}")]
    Sandbox { path: String, detail: String },
}

/// Why the contract refused a transaction, decoded from its custom errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Revert {
    #[error(
        "this account has minted this GLB already, as token {token}: a creator mints each file once; nothing was charged twice"
    )]
    AlreadyMinted { token: TokenId },
    #[error("a digest of zero is not a sha256 of anything: export the item again")]
    ZeroDigest,
    #[error("plot ({x}, {z}) is taken by token {occupant}: pick a free plot")]
    PlotTaken { x: i32, z: i32, occupant: TokenId },
    #[error("rotation {0}° is not a whole degree below 360")]
    InvalidRotation(u16),
    #[error("token {0} is not placed in the world")]
    NotPlaced(TokenId),
    #[error(
        "account {account} may not act on token {token}: only its owner or an approved operator can"
    )]
    NotAllowed { account: Address, token: TokenId },
    #[error("token {0} does not exist on this contract: check the id and the network")]
    NoSuchToken(TokenId),
    #[error("{0} cannot receive tokens: give another address")]
    InvalidReceiver(Address),
    #[error("{0} does not own that token")]
    NotOwner(Address),
    #[error("royalty of {0} basis points is above 100%")]
    RoyaltyTooHigh(u16),
    #[error("the contract reverted with data {0} that is not one of its errors")]
    Unknown(Bytes),
}

impl Revert {
    /// The contract's reason from the bytes a revert returned.
    pub fn decode(data: &[u8]) -> Self {
        use KilnItemsErrors as E;
        let Ok(error) = KilnItemsErrors::abi_decode(data) else {
            return Self::Unknown(Bytes::copy_from_slice(data));
        };
        match error {
            E::AlreadyMinted(e) => Self::AlreadyMinted {
                token: e.tokenId.into(),
            },
            E::ZeroDigest(_) => Self::ZeroDigest,
            E::PlotTaken(e) => Self::PlotTaken {
                x: e.x,
                z: e.z,
                occupant: e.occupant.into(),
            },
            E::InvalidRotation(e) => Self::InvalidRotation(e.rotation),
            E::NotPlaced(e) => Self::NotPlaced(e.tokenId.into()),
            E::ERC721InsufficientApproval(e) => Self::NotAllowed {
                account: e.operator,
                token: e.tokenId.into(),
            },
            E::ERC721NonexistentToken(e) => Self::NoSuchToken(e.tokenId.into()),
            E::ERC721InvalidReceiver(e) => Self::InvalidReceiver(e.receiver),
            E::ERC721IncorrectOwner(e) => Self::NotOwner(e.sender),
            E::RoyaltyTooHigh(e) => Self::RoyaltyTooHigh(e.bps),
            E::ERC721InvalidApprover(_)
            | E::ERC721InvalidOperator(_)
            | E::ERC721InvalidOwner(_)
            | E::ERC721InvalidSender(_) => Self::Unknown(Bytes::copy_from_slice(data)),
        }
    }
}

#[cfg(test)]
mod tests {
    use alloy::sol_types::SolError;

    use super::*;
    use crate::contract::KilnItems;

    #[test]
    fn custom_errors_decode_to_reasons_and_garbage_to_unknown() {
        let data = KilnItems::PlotTaken {
            x: -3,
            z: 7,
            occupant: U256::from(9),
        }
        .abi_encode();
        let revert = Revert::decode(&data);
        assert_eq!(
            revert,
            Revert::PlotTaken {
                x: -3,
                z: 7,
                occupant: TokenId::from(U256::from(9))
            }
        );
        assert!(revert.to_string().contains("pick a free plot"));
        assert!(matches!(Revert::decode(&[1, 2, 3]), Revert::Unknown(_)));
        assert!(matches!(Revert::decode(&[]), Revert::Unknown(_)));
    }
}
