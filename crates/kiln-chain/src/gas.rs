//! The gas a creator and a player pay, measured by doing it: every row is a transaction sent on
//! the chain given, next to OpenZeppelin's plain ERC-721 mint as the yardstick.

use alloy::primitives::{Address, B256, keccak256};
use alloy::sol_types::SolCall;
use serde::Serialize;

use crate::contract::PlainItems;
use crate::{Chain, ChainError, MintRequest, Placement};

/// One measured transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GasRow {
    pub operation: &'static str,
    pub gas: u64,
}

/// Mints, places, moves, removes and transfers fresh items on `chain` (which must have the
/// Kiln contract attached) and returns what each cost.
pub async fn measure<C: Chain>(chain: &C) -> Result<Vec<GasRow>, ChainError> {
    let mut rows = Vec::new();
    let mut row = |operation, gas| rows.push(GasRow { operation, gas });
    // Fresh digests and holders on every run (so that "new" holders and items are new), the
    // same ones on two fresh chains (so that their figures compare).
    let salt = chain.head().await?.number;
    let digest = |n: u8| keccak256([&salt.to_be_bytes()[..], b"kiln gas", &[n]].concat());
    let holder = |n: u8| Address::from_word(digest(100 + n));
    let request = |n: u8, to: Option<Address>| MintRequest {
        glb_sha256: digest(n),
        metadata_sha256: digest(50 + n),
        to,
    };

    let plain = chain.send(None, PlainItems::BYTECODE.clone()).await?;
    let plain = plain.created.expect("a creation makes a contract");
    let plain_mint = |to| PlainItems::mintCall { to }.abi_encode().into();
    chain.send(Some(plain), plain_mint(holder(0))).await?;
    let sent = chain.send(Some(plain), plain_mint(holder(1))).await?;
    row(
        "OpenZeppelin ERC-721 mint, records nothing (yardstick)",
        sent.outcome.gas_used,
    );

    let first = chain.mint(request(1, Some(holder(2)))).await?;
    row("Kiln mint to a new holder (first mint)", first.tx.gas_used);
    let second = chain.mint(request(2, Some(holder(2)))).await?;
    row("Kiln mint to a holder", second.tx.gas_used);
    let mine = chain.mint(request(3, None)).await?.token_id;
    let plot = |n: u8| {
        let word = B256::from(digest(200 + n));
        Placement {
            x: i32::from_be_bytes(word[0..4].try_into().expect("4 bytes")),
            z: i32::from_be_bytes(word[4..8].try_into().expect("4 bytes")),
            rotation: 0,
        }
    };
    row(
        "place on a free plot",
        chain.place(mine, plot(1)).await?.gas_used,
    );
    let turned = Placement {
        rotation: 90,
        ..plot(1)
    };
    row(
        "turn where it stands",
        chain.place(mine, turned).await?.gas_used,
    );
    row(
        "move to another free plot",
        chain.place(mine, plot(2)).await?.gas_used,
    );
    row("remove from the world", chain.remove(mine).await?.gas_used);
    let transfer = chain.transfer(mine, holder(3)).await?;
    row("transfer to a new holder", transfer.gas_used);
    Ok(rows)
}
