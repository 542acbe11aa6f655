//! One interface to every chain Kiln runs on. A backend supplies a few primitives (read a
//! contract, send a transaction, read blocks and logs); everything the contract does is written
//! once on top of them, so the sandbox and a real node cannot drift apart.

use std::future::Future;

use alloy::primitives::{Address, B256, Bytes, Log, U256};
use alloy::sol_types::{SolCall, SolConstructor};

use crate::contract::{KilnItems, decode_event};
use crate::{
    BlockRef, ChainError, Deployment, LoggedEvent, MintReceipt, MintRequest, Placement, Revert,
    TokenId, TokenRecord, TxOutcome,
};

/// A transaction as a block recorded it: its outcome and the logs it emitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub outcome: TxOutcome,
    pub logs: Vec<Log>,
    /// The contract a creation transaction made.
    pub created: Option<Address>,
}

/// A transaction signed and about to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedTx {
    pub hash: B256,
    pub nonce: u64,
}

/// What a journal is shown of a transaction on its way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outgoing {
    /// Signed and about to leave: a journal that writes its hash down can find it again after a
    /// crash (with [`Chain::transaction`]) instead of sending another; an error here sends
    /// nothing. (A wallet signs and sends in one step: it shows this right after sending.)
    Signed(SignedTx),
    /// The node took it: from now on it may land whatever becomes of this process.
    Sent(SignedTx),
}

/// Where a sent transaction stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxStatus {
    /// The chain has never heard of it (it was never sent, or the node dropped it).
    Unknown,
    /// Waiting in the node's pool.
    Pending,
    /// In a block, and it succeeded.
    Mined(Sent),
    /// In a block, and it failed: its gas was paid and it changed nothing.
    Failed(TxOutcome),
}

/// A log with where it happened, as a backend reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLog {
    pub block: BlockRef,
    pub tx: B256,
    pub log_index: u64,
    pub log: Log,
}

/// A chain with the Kiln contract on it, and an account that signs.
pub trait Chain: Send + Sync {
    /// The chain id transactions are signed for.
    fn chain_id(&self) -> u64;

    /// The account that signs and pays: the keystore's, or the sandbox's dev key.
    fn account(&self) -> Address;

    /// The Kiln contract this chain talks to.
    fn deployment(&self) -> Result<Deployment, ChainError>;

    /// Talk to this contract from now on (after checking that it is one).
    fn attach(&self, deployment: Deployment)
    -> impl Future<Output = Result<(), ChainError>> + Send;

    /// Runs a read-only call against the latest block and returns what it returned; a revert
    /// is [`ChainError::Reverted`].
    fn call(
        &self,
        to: Address,
        data: Bytes,
    ) -> impl Future<Output = Result<Bytes, ChainError>> + Send;

    /// Signs and sends a transaction (a contract creation when `to` is `None`) and waits until
    /// it is in a block; a revert is [`ChainError::Reverted`] and nothing is sent when the
    /// revert can be known before sending. `record` is shown the transaction when it is signed
    /// and when the node has taken it ([`Outgoing`]); an error from it stops there.
    fn send_recorded(
        &self,
        to: Option<Address>,
        data: Bytes,
        record: impl FnMut(Outgoing) -> Result<(), ChainError> + Send,
    ) -> impl Future<Output = Result<Sent, ChainError>> + Send;

    /// Where a transaction this account sent stands.
    fn transaction(&self, hash: B256) -> impl Future<Output = Result<TxStatus, ChainError>> + Send;

    /// Waits until a sent transaction is in a block (with the confirmations the chain asks for).
    fn wait_for(&self, hash: B256) -> impl Future<Output = Result<Sent, ChainError>> + Send;

    /// [`Chain::send_recorded`] with nothing to record.
    fn send(
        &self,
        to: Option<Address>,
        data: Bytes,
    ) -> impl Future<Output = Result<Sent, ChainError>> + Send {
        self.send_recorded(to, data, |_| Ok(()))
    }

    /// The newest block.
    fn head(&self) -> impl Future<Output = Result<BlockRef, ChainError>> + Send;

    /// The hash of block `number` on the chain as it is now, `None` beyond the head.
    fn block_hash(
        &self,
        number: u64,
    ) -> impl Future<Output = Result<Option<B256>, ChainError>> + Send;

    /// The contract's logs in blocks `from..=to`, in chain order.
    fn logs(
        &self,
        from: u64,
        to: u64,
    ) -> impl Future<Output = Result<Vec<ChainLog>, ChainError>> + Send;

    /// Deploys a new Kiln contract paying `royalty_bps` to creators, and talks to it from now on.
    fn deploy(
        &self,
        royalty_bps: u16,
    ) -> impl Future<Output = Result<Deployment, ChainError>> + Send {
        async move {
            let mut code = KilnItems::BYTECODE.to_vec();
            code.extend(
                KilnItems::constructorCall {
                    royaltyBps_: royalty_bps,
                }
                .abi_encode(),
            );
            let sent = self.send(None, code.into()).await?;
            let address = sent.created.ok_or_else(|| ChainError::Failed {
                hash: sent.outcome.hash.to_string(),
                detail: "the creation made no contract".into(),
            })?;
            let deployment = Deployment {
                chain_id: self.chain_id(),
                address,
                block: sent.outcome.block.number,
            };
            self.attach(deployment).await?;
            Ok(deployment)
        }
    }

    /// Mints an item; the signing account is its creator, and the token's id is
    /// [`TokenId::of`] that account and the GLB.
    fn mint(
        &self,
        request: MintRequest,
    ) -> impl Future<Output = Result<MintReceipt, ChainError>> + Send {
        self.mint_recorded(request, |_| Ok(()))
    }

    /// [`Chain::mint`], showing the transaction to `record` as [`Chain::send_recorded`] does.
    fn mint_recorded(
        &self,
        request: MintRequest,
        record: impl FnMut(Outgoing) -> Result<(), ChainError> + Send,
    ) -> impl Future<Output = Result<MintReceipt, ChainError>> + Send {
        async move {
            let contract = self.deployment()?.address;
            let call = KilnItems::mintCall {
                to: request.to.unwrap_or_else(|| self.account()),
                glbDigest: request.glb_sha256,
                metadataDigest: request.metadata_sha256,
            };
            let sent = self
                .send_recorded(Some(contract), call.abi_encode().into(), record)
                .await?;
            let token_id = TokenId::of(self.account(), request.glb_sha256);
            let token_uri = self.token_uri(token_id).await?;
            Ok(MintReceipt {
                token_id,
                token_uri,
                tx: sent.outcome,
            })
        }
    }

    /// Sets a token on a plot (or turns it where it stands).
    fn place(
        &self,
        token: TokenId,
        placement: Placement,
    ) -> impl Future<Output = Result<TxOutcome, ChainError>> + Send {
        async move {
            let call = KilnItems::placeCall {
                tokenId: token.to_u256(),
                x: placement.x,
                z: placement.z,
                rotation: placement.rotation,
            };
            self.send_to_contract(call.abi_encode()).await
        }
    }

    /// Takes a token off its plot.
    fn remove(&self, token: TokenId) -> impl Future<Output = Result<TxOutcome, ChainError>> + Send {
        async move {
            let call = KilnItems::removeCall {
                tokenId: token.to_u256(),
            };
            self.send_to_contract(call.abi_encode()).await
        }
    }

    /// Gives a token of the signing account to `to`.
    fn transfer(
        &self,
        token: TokenId,
        to: Address,
    ) -> impl Future<Output = Result<TxOutcome, ChainError>> + Send {
        async move {
            let call = KilnItems::transferFromCall {
                from: self.account(),
                to,
                tokenId: token.to_u256(),
            };
            self.send_to_contract(call.abi_encode()).await
        }
    }

    /// What the chain records about a token, `None` when it does not exist.
    fn token(
        &self,
        token: TokenId,
    ) -> impl Future<Output = Result<Option<TokenRecord>, ChainError>> + Send {
        async move {
            let contract = self.deployment()?.address;
            let id = token.to_u256();
            let item = match self
                .call(
                    contract,
                    KilnItems::itemOfCall { tokenId: id }.abi_encode().into(),
                )
                .await
            {
                Ok(bytes) => decode_return::<KilnItems::itemOfCall>(contract, &bytes)?,
                Err(ChainError::Reverted(Revert::NoSuchToken(_))) => return Ok(None),
                Err(error) => return Err(error),
            };
            let owner_bytes = self
                .call(
                    contract,
                    KilnItems::ownerOfCall { tokenId: id }.abi_encode().into(),
                )
                .await?;
            let owner = decode_return::<KilnItems::ownerOfCall>(contract, &owner_bytes)?;
            Ok(Some(TokenRecord {
                id: token,
                owner,
                creator: item.creator,
                metadata_sha256: item.metadataDigest,
                token_uri: self.token_uri(token).await?,
                placement: item.placed.then_some(Placement {
                    x: item.x,
                    z: item.z,
                    rotation: item.rotation,
                }),
            }))
        }
    }

    /// The token's `tokenURI`, as the contract derives it.
    fn token_uri(&self, token: TokenId) -> impl Future<Output = Result<String, ChainError>> + Send {
        async move {
            let contract = self.deployment()?.address;
            let call = KilnItems::tokenURICall {
                tokenId: token.to_u256(),
            };
            let bytes = self.call(contract, call.abi_encode().into()).await?;
            decode_return::<KilnItems::tokenURICall>(contract, &bytes)
        }
    }

    /// The token standing on plot (`x`, `z`).
    fn item_at(
        &self,
        x: i32,
        z: i32,
    ) -> impl Future<Output = Result<Option<TokenId>, ChainError>> + Send {
        async move {
            let contract = self.deployment()?.address;
            let bytes = self
                .call(contract, KilnItems::itemAtCall { x, z }.abi_encode().into())
                .await?;
            let id: U256 = decode_return::<KilnItems::itemAtCall>(contract, &bytes)?;
            Ok((!id.is_zero()).then(|| TokenId::from(id)))
        }
    }

    /// The contract's events in blocks `from..=to`, in chain order.
    fn events(
        &self,
        from: u64,
        to: u64,
    ) -> impl Future<Output = Result<Vec<LoggedEvent>, ChainError>> + Send {
        async move {
            let logs = self.logs(from, to).await?;
            Ok(logs
                .into_iter()
                .filter_map(|log| {
                    Some(LoggedEvent {
                        event: decode_event(&log.log)?,
                        block: log.block,
                        tx: log.tx,
                        log_index: log.log_index,
                    })
                })
                .collect())
        }
    }

    #[doc(hidden)]
    fn send_to_contract(
        &self,
        call: Vec<u8>,
    ) -> impl Future<Output = Result<TxOutcome, ChainError>> + Send {
        async move {
            let contract = self.deployment()?.address;
            Ok(self.send(Some(contract), call.into()).await?.outcome)
        }
    }
}

/// Decodes what a call returned; bytes that do not decode mean the address holds another
/// contract.
pub(crate) fn decode_return<C: SolCall>(
    contract: Address,
    bytes: &[u8],
) -> Result<C::Return, ChainError> {
    C::abi_decode_returns(bytes).map_err(|error| ChainError::NotKiln {
        address: contract,
        detail: format!(
            "{} returned {} bytes that do not decode: {error}",
            C::SIGNATURE,
            bytes.len()
        ),
    })
}
