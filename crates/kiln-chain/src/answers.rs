//! Answers of the JSON-RPC methods, read the same way whoever relays them (a node through
//! alloy, or a wallet through EIP-1193): receipts, logs, and a check that an address holds
//! a Kiln contract. Anything that cannot be right is a message for [`ChainError::BadAnswer`].
//!
//! [`ChainError::BadAnswer`]: crate::ChainError::BadAnswer

use alloy::primitives::{Address, B256, Bytes};
use alloy::rpc::types::{Log as RpcLog, TransactionReceipt};
use alloy::sol_types::SolCall;

use crate::chain::{ChainLog, Sent, TxStatus, decode_return};
use crate::contract::KilnItems;
use crate::{BlockRef, Chain, ChainError, TxOutcome};

/// The most gas Kiln lets one of its transactions use, whatever a node estimates: a mint
/// costs under 200,000 and a deployment a few million; an estimate above this is a broken or
/// hostile node, and sending on it could spend a wallet's balance.
pub(crate) const MOST_GAS: u64 = 15_000_000;

/// The gas limit Kiln sends with: the node's estimate and a fifth more for state that changes
/// between the estimate and the block.
pub(crate) fn gas_limit(estimate: u64) -> Result<u64, String> {
    (estimate <= MOST_GAS)
        .then(|| estimate + estimate / 5)
        .ok_or_else(|| {
            format!(
                "it estimated {estimate} gas for one transaction; Kiln sends at most {MOST_GAS}"
            )
        })
}

/// What a receipt says about the transaction `hash` it was asked for.
pub(crate) fn receipt_status(
    hash: B256,
    receipt: TransactionReceipt,
) -> Result<(u64, TxStatus), String> {
    if receipt.transaction_hash != hash {
        return Err(format!(
            "asked for the receipt of {hash}, got that of {}",
            receipt.transaction_hash
        ));
    }
    let number = receipt
        .block_number
        .ok_or_else(|| format!("the receipt of {hash} has no block number"))?;
    let block_hash = receipt
        .block_hash
        .ok_or_else(|| format!("the receipt of {hash} has no block hash"))?;
    let outcome = TxOutcome {
        hash,
        block: BlockRef {
            number,
            hash: block_hash,
        },
        gas_used: receipt.gas_used,
    };
    if !receipt.status() {
        return Ok((number, TxStatus::Failed(outcome)));
    }
    let sent = Sent {
        outcome,
        logs: receipt
            .inner
            .logs()
            .iter()
            .map(|log| log.inner.clone())
            .collect(),
        created: receipt.contract_address,
    };
    Ok((number, TxStatus::Mined(sent)))
}

/// A log from `eth_getLogs` for `contract` in blocks `start..=end`, with where it happened.
pub(crate) fn chain_log(
    log: RpcLog,
    contract: Address,
    start: u64,
    end: u64,
) -> Result<ChainLog, String> {
    let (Some(block_hash), Some(number), Some(tx), Some(log_index)) = (
        log.block_hash,
        log.block_number,
        log.transaction_hash,
        log.log_index,
    ) else {
        return Err("a log without its block, transaction or index".into());
    };
    if log.inner.address != contract || number < start || number > end {
        return Err(format!(
            "asked for logs of {contract} in blocks {start}..={end}, got one of {} in block {number}",
            log.inner.address
        ));
    }
    Ok(ChainLog {
        block: BlockRef {
            number,
            hash: block_hash,
        },
        tx,
        log_index,
        log: log.inner,
    })
}

/// Checks that `address`, whose code is `code`, holds a Kiln contract: code, and the answers
/// only it gives.
pub(crate) async fn check_kiln<C: Chain>(
    chain: &C,
    address: Address,
    code: &Bytes,
) -> Result<(), ChainError> {
    if code.is_empty() {
        return Err(ChainError::NoCode {
            address,
            chain_id: chain.chain_id(),
        });
    }
    let not_kiln = |detail: String| ChainError::NotKiln { address, detail };
    let probe = KilnItems::supportsInterfaceCall {
        interfaceId: [0x49, 0x06, 0x49, 0x06].into(),
    };
    let answer = chain
        .call(address, probe.abi_encode().into())
        .await
        .map_err(|error| not_kiln(format!("supportsInterface failed: {error}")))?;
    if !decode_return::<KilnItems::supportsInterfaceCall>(address, &answer)? {
        return Err(not_kiln("it does not declare ERC-4906".into()));
    }
    let probe = KilnItems::itemAtCall { x: 0, z: 0 };
    let answer = chain
        .call(address, probe.abi_encode().into())
        .await
        .map_err(|error| not_kiln(format!("it has no plots ({error})")))?;
    decode_return::<KilnItems::itemAtCall>(address, &answer)?;
    let probe = KilnItems::tokenIdOfCall {
        creator: Address::ZERO,
        glbDigest: alloy::primitives::B256::ZERO,
    };
    chain
        .call(address, probe.abi_encode().into())
        .await
        .map_err(|_| {
            not_kiln(
                "it is a Kiln contract from before v2, whose token ids are GLB digests (a copied mint could take the creator's record there): deploy the current one with `kiln-cli chain deploy` and mint there".into(),
            )
        })?;
    Ok(())
}

/// The start of a text from outside, short enough for an error message.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 120;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{:?}…", &text[..end]),
        None => format!("{text:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A node's estimate gets a fifth more; one no Kiln transaction needs (up to u64::MAX, which
    /// overflowed the addition) is an answer Kiln refuses, not a limit it sends.
    #[test]
    fn gas_limits_add_a_fifth_and_refuse_estimates_no_transaction_needs() {
        assert_eq!(gas_limit(100_000), Ok(120_000));
        assert_eq!(gas_limit(MOST_GAS), Ok(MOST_GAS + MOST_GAS / 5));
        for hostile in [MOST_GAS + 1, u64::MAX / 5 * 4 + 1, u64::MAX] {
            let error = gas_limit(hostile).unwrap_err();
            assert!(error.contains(&hostile.to_string()), "{error}");
        }
    }
}
