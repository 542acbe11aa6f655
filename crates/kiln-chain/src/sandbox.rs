//! The sandbox chain: the compiled Kiln contract running in revm inside this process, one
//! transaction per block, persisted in the data directory so the world survives a restart.
//! It needs nothing installed and nothing online, and it runs the same bytecode, under the same
//! hardfork, as a real node: gas and events match anvil's (the integration tests check).

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Mutex, MutexGuard, RwLock};

use alloy::consensus::{SignableTransaction, TxEip1559};
use alloy::network::TxSignerSync;
use alloy::primitives::{Address, B256, Bytes, Log, TxKind, U256, keccak256};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use revm::context::result::ExecutionResult;
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::state::AccountInfo;
use revm::{Context, DatabaseCommit, ExecuteEvm, MainBuilder, MainContext};
use serde::{Deserialize, Serialize};

use crate::chain::{ChainLog, Outgoing, Sent, SignedTx, TxStatus};
use crate::{BlockRef, Chain, ChainError, DEFAULT_ROYALTY_BPS, Deployment, Revert, TxOutcome};

/// The sandbox's chain id ("kiln" in ASCII), which no public network uses.
pub const SANDBOX_CHAIN_ID: u64 = 0x6b69_6c6e;

/// The file in the data directory that holds the sandbox.
pub const SANDBOX_FILE: &str = "sandbox-chain.json";

/// The hardfork the sandbox runs: the one `contracts/build` compiles for and the test node runs.
const SPEC: SpecId = SpecId::PRAGUE;
const STATE_FORMAT: u32 = 1;
const BLOCK_GAS_LIMIT: u64 = 30_000_000;
/// Blocks are 12 s apart from 2026-01-01: a deterministic sandbox replays identically.
const GENESIS_TIMESTAMP: u64 = 1_767_225_600;
const BLOCK_TIME: u64 = 12;

/// The sandbox chain. Cheap to share: operations lock it one at a time, like a node's miner.
pub struct Sandbox {
    state: Mutex<State>,
    signer: PrivateKeySigner,
    deployment: RwLock<Option<Deployment>>,
    /// Where the sandbox persists; `None` for a throwaway sandbox.
    path: Option<PathBuf>,
    /// The file as this value last read or wrote it: another process (the CLI beside the
    /// client) may have changed it since, and then it is read again before it is used.
    stamp: std::sync::atomic::AtomicU64,
}

/// What tells one version of the sandbox file from another (each save renames a new file over
/// the old one), as a hash of its modification time, length and inode; 0 when it cannot be read.
fn file_stamp(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let Ok(meta) = std::fs::metadata(path) else {
        return 0;
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    meta.modified().ok().hash(&mut hasher);
    meta.len().hash(&mut hasher);
    #[cfg(unix)]
    std::os::unix::fs::MetadataExt::ino(&meta).hash(&mut hasher);
    hasher.finish().max(1)
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("account", &self.signer.address())
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Everything the sandbox knows, as persisted.
#[derive(Serialize, Deserialize)]
struct State {
    format: u32,
    chain_id: u64,
    /// The sandbox's dev key. It signs only on this machine's sandbox, which holds nothing of
    /// value, so it is kept in the clear (a real chain's key lives in the keystore).
    dev_key: B256,
    db: CacheDB<EmptyDB>,
    /// Block `n` is `blocks[n]`; block 0 is the genesis.
    blocks: Vec<Block>,
    deployment: Option<Deployment>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Block {
    hash: B256,
    /// The one transaction of the block (none in the genesis).
    tx: Option<Tx>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Tx {
    hash: B256,
    gas_used: u64,
    created: Option<Address>,
    logs: Vec<Log>,
}

impl Sandbox {
    /// Opens the sandbox persisted in `data_dir`, or makes one there with the Kiln contract
    /// deployed.
    pub fn open(data_dir: &Path) -> Result<Self, ChainError> {
        let path = data_dir.join(SANDBOX_FILE);
        if path.exists() {
            let stamp = file_stamp(&path);
            let sandbox = Self::from_state(read_state(&path)?, Some(path))?;
            sandbox.stamp.store(stamp, Ordering::SeqCst);
            sandbox.replace_old_contract()?;
            return Ok(sandbox);
        }
        std::fs::create_dir_all(data_dir).map_err(|error| ChainError::Sandbox {
            path: path.display().to_string(),
            detail: error.to_string(),
        })?;
        Self::genesis(Some(path))
    }

    /// A sandbox that lives only as long as this value (tests, benchmarks, and a browser tab,
    /// which keeps [`Sandbox::to_bytes`] in its own storage).
    pub fn in_memory() -> Result<Self, ChainError> {
        Self::genesis(None)
    }

    /// The whole world as bytes, for a home other than the data directory (a browser's
    /// IndexedDB); [`Sandbox::from_bytes`] reads them back.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ChainError> {
        serde_json::to_vec(&*self.lock()).map_err(|error| ChainError::Sandbox {
            path: "memory".into(),
            detail: error.to_string(),
        })
    }

    /// The sandbox `to_bytes` wrote, in memory; `from` names where the bytes were kept, for
    /// the error when they cannot be used.
    pub fn from_bytes(bytes: &[u8], from: &str) -> Result<Self, ChainError> {
        let sandbox = Self::from_state(parse_state(bytes, from)?, None)?;
        sandbox.replace_old_contract()?;
        Ok(sandbox)
    }

    /// A world made with a contract before v2 (whose token ids were GLB digests, so that a
    /// copied mint could take the creator's record) gets the current contract deployed, and
    /// the sandbox talks to it from then on. The old contract and its tokens stay in the file;
    /// the world on the new one starts empty, as the sandbox holds nothing of value.
    fn replace_old_contract(&self) -> Result<(), ChainError> {
        let Some(deployment) = *self
            .deployment
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
        else {
            return Ok(());
        };
        let probe = crate::contract::KilnItems::tokenIdOfCall {
            creator: Address::ZERO,
            glbDigest: B256::ZERO,
        };
        let answer = tokio_free_block_on(self.call(deployment.address, probe.abi_encode().into()));
        if answer.is_ok() {
            return Ok(());
        }
        tokio_free_block_on(self.deploy(DEFAULT_ROYALTY_BPS))?;
        Ok(())
    }

    fn genesis(path: Option<PathBuf>) -> Result<Self, ChainError> {
        let signer = PrivateKeySigner::random();
        let mut db = CacheDB::new(EmptyDB::default());
        // Enough ether that no sandbox user ever runs out; gas costs nothing here anyway.
        db.insert_account_info(
            signer.address(),
            AccountInfo {
                balance: U256::from(10u64).pow(U256::from(24u64)),
                ..AccountInfo::default()
            },
        );
        let state = State {
            format: STATE_FORMAT,
            chain_id: SANDBOX_CHAIN_ID,
            dev_key: signer.to_bytes(),
            db,
            blocks: vec![Block {
                hash: keccak256(b"kiln sandbox genesis"),
                tx: None,
            }],
            deployment: None,
        };
        let sandbox = Self::from_state(state, path)?;
        let deployment = tokio_free_block_on(sandbox.deploy(DEFAULT_ROYALTY_BPS))?;
        debug_assert_eq!(sandbox.lock().deployment, Some(deployment));
        Ok(sandbox)
    }

    fn from_state(state: State, path: Option<PathBuf>) -> Result<Self, ChainError> {
        let signer =
            PrivateKeySigner::from_bytes(&state.dev_key).map_err(|error| ChainError::Sandbox {
                path: path
                    .as_ref()
                    .map_or("memory".into(), |p| p.display().to_string()),
                detail: format!(
                    "its dev key is unusable ({error}): move it aside to start a new sandbox world"
                ),
            })?;
        Ok(Self {
            deployment: RwLock::new(state.deployment),
            state: Mutex::new(state),
            signer,
            path,
            stamp: std::sync::atomic::AtomicU64::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half changed: every change is
        // made on the revm database only after execution succeeded.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The state, read again first if another process saved the file since this one last
    /// read or wrote it.
    fn fresh(&self) -> Result<MutexGuard<'_, State>, ChainError> {
        let mut state = self.lock();
        if let Some(path) = &self.path {
            // Compared while holding the state's lock, so one reader reads the file again.
            let now = file_stamp(path);
            if now != 0 && now != self.stamp.load(Ordering::SeqCst) {
                *state = read_state(path)?;
                *self
                    .deployment
                    .write()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = state.deployment;
                self.stamp.store(now, Ordering::SeqCst);
            }
        }
        Ok(state)
    }

    /// Holds other processes' transactions off this sandbox until dropped (an advisory lock on
    /// a file beside it), so two writers never save over each other.
    fn writer_lock(&self) -> Result<Option<std::fs::File>, ChainError> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        let lock_path = path.with_extension("lock");
        let failed = |error: std::io::Error| ChainError::Sandbox {
            path: lock_path.display().to_string(),
            detail: format!("cannot lock the sandbox for a transaction: {error}"),
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(failed)?;
        file.lock().map_err(failed)?;
        Ok(Some(file))
    }

    /// Writes the state next to its file and renames it over, so a crash leaves the old or
    /// the new world, never half of one.
    fn persist(&self, state: &State) -> Result<(), ChainError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let failed = |detail: String| ChainError::Sandbox {
            path: path.display().to_string(),
            detail,
        };
        let bytes = serde_json::to_vec(state).map_err(|e| failed(e.to_string()))?;
        let temporary = path.with_extension("json.partial");
        write_synced(&temporary, &bytes).map_err(|e| failed(e.to_string()))?;
        std::fs::rename(&temporary, path).map_err(|e| failed(e.to_string()))?;
        self.stamp.store(file_stamp(path), Ordering::SeqCst);
        Ok(())
    }

    fn run(
        state: &mut State,
        tx: TxEnv,
    ) -> Result<(ExecutionResult, revm::state::EvmState), ChainError> {
        let number = state.blocks.len() as u64;
        let block = BlockEnv {
            number: U256::from(number),
            timestamp: U256::from(GENESIS_TIMESTAMP + BLOCK_TIME * number),
            gas_limit: BLOCK_GAS_LIMIT,
            ..BlockEnv::default()
        };
        let mut cfg = CfgEnv::new_with_spec(SPEC).with_chain_id(state.chain_id);
        cfg.disable_nonce_check = tx.caller == Address::ZERO;
        let mut evm = Context::mainnet()
            .with_db(&mut state.db)
            .with_block(block)
            .with_cfg(cfg)
            .build_mainnet();
        let outcome = evm.transact(tx).map_err(|error| ChainError::Sandbox {
            path: "memory".into(),
            detail: format!("the EVM refused the transaction: {error}"),
        })?;
        Ok((outcome.result, outcome.state))
    }
}

/// Reads a persisted sandbox; a file it cannot use is left as it is.
fn read_state(path: &Path) -> Result<State, ChainError> {
    let failed = |detail: String| ChainError::Sandbox {
        path: path.display().to_string(),
        detail,
    };
    let bytes = std::fs::read(path).map_err(|error| failed(error.to_string()))?;
    parse_state(&bytes, &path.display().to_string())
}

/// A persisted sandbox's state; `from` names where it was kept.
fn parse_state(bytes: &[u8], from: &str) -> Result<State, ChainError> {
    let failed = |detail: String| ChainError::Sandbox {
        path: from.to_owned(),
        detail,
    };
    let state: State = serde_json::from_slice(bytes).map_err(|error| {
        failed(format!(
            "{error}; it is kept as it is: move it aside to start a new sandbox world"
        ))
    })?;
    if state.format != STATE_FORMAT {
        return Err(failed(format!(
            "it is in format {} and this Kiln reads format {STATE_FORMAT}: move it aside to start a new sandbox world",
            state.format
        )));
    }
    // Every sandbox starts with its genesis block; without one, "the head" has no answer.
    if state.blocks.is_empty() {
        return Err(failed(
            "it holds no blocks, not even the first; it is kept as it is: move it aside to start a new sandbox world"
                .into(),
        ));
    }
    Ok(state)
}

/// Runs a future that never waits on I/O (the sandbox's own) to completion without a runtime.
fn tokio_free_block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context as TaskContext, Poll, Waker};
    let mut future = std::pin::pin!(future);
    let mut context = TaskContext::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn reverted(result: &ExecutionResult) -> Option<ChainError> {
    match result {
        ExecutionResult::Success { .. } => None,
        ExecutionResult::Revert { output, .. } => {
            Some(ChainError::Reverted(Revert::decode(output)))
        }
        ExecutionResult::Halt { reason, .. } => Some(ChainError::Failed {
            hash: "(not sent)".into(),
            detail: format!("the EVM halted: {reason:?}"),
        }),
    }
}

impl Chain for Sandbox {
    fn chain_id(&self) -> u64 {
        SANDBOX_CHAIN_ID
    }

    fn account(&self) -> Address {
        self.signer.address()
    }

    fn deployment(&self) -> Result<Deployment, ChainError> {
        self.deployment
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .ok_or(ChainError::NotDeployed {
                chain_id: SANDBOX_CHAIN_ID,
            })
    }

    async fn attach(&self, deployment: Deployment) -> Result<(), ChainError> {
        let _writer = self.writer_lock()?;
        let mut state = self.fresh()?;
        let has_code = state
            .db
            .cache
            .accounts
            .get(&deployment.address)
            .and_then(|account| account.info.code.as_ref())
            .is_some_and(|code| !code.is_empty());
        if !has_code {
            return Err(ChainError::NoCode {
                address: deployment.address,
                chain_id: SANDBOX_CHAIN_ID,
            });
        }
        state.deployment = Some(deployment);
        self.persist(&state)?;
        *self
            .deployment
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(deployment);
        Ok(())
    }

    async fn call(&self, to: Address, data: Bytes) -> Result<Bytes, ChainError> {
        let mut state = self.fresh()?;
        let tx = TxEnv {
            caller: Address::ZERO,
            kind: TxKind::Call(to),
            data,
            gas_limit: BLOCK_GAS_LIMIT,
            chain_id: Some(state.chain_id),
            ..TxEnv::default()
        };
        // Run without committing: a read changes nothing.
        let (result, _) = Self::run(&mut state, tx)?;
        if let Some(error) = reverted(&result) {
            return Err(error);
        }
        Ok(result.into_output().unwrap_or_default())
    }

    async fn send_recorded(
        &self,
        to: Option<Address>,
        data: Bytes,
        mut record: impl FnMut(Outgoing) -> Result<(), ChainError> + Send,
    ) -> Result<Sent, ChainError> {
        let _writer = self.writer_lock()?;
        let mut state = self.fresh()?;
        let from = self.signer.address();
        let nonce = state
            .db
            .cache
            .accounts
            .get(&from)
            .map_or(0, |account| account.info.nonce);
        let kind = to.map_or(TxKind::Create, TxKind::Call);
        // Signed like a real transaction, so that its hash is a real transaction hash.
        let mut unsigned = TxEip1559 {
            chain_id: state.chain_id,
            nonce,
            gas_limit: BLOCK_GAS_LIMIT,
            max_fee_per_gas: 0,
            max_priority_fee_per_gas: 0,
            to: kind,
            value: U256::ZERO,
            access_list: Default::default(),
            input: data.clone(),
        };
        let signature = self
            .signer
            .sign_transaction_sync(&mut unsigned)
            .map_err(|error| ChainError::Sandbox {
                path: "memory".into(),
                detail: format!("signing failed: {error}"),
            })?;
        let hash = *unsigned.into_signed(signature).hash();
        let tx = TxEnv {
            tx_type: 2,
            caller: from,
            kind,
            data,
            nonce,
            gas_limit: BLOCK_GAS_LIMIT,
            gas_price: 0,
            gas_priority_fee: Some(0),
            chain_id: Some(state.chain_id),
            ..TxEnv::default()
        };
        let (result, changes) = Self::run(&mut state, tx)?;
        // Refused transactions are not mined: the RPC backend learns the same refusal from
        // the node's gas estimate before sending, so both backends leave no trace of one.
        if let Some(error) = reverted(&result) {
            return Err(error);
        }
        let signed = SignedTx { hash, nonce };
        record(Outgoing::Signed(signed))?;
        let created = result.created_address();
        let gas_used = result.tx_gas_used();
        let logs = result.into_logs();
        let number = state.blocks.len() as u64;
        let parent = state
            .blocks
            .last()
            .map(|block| block.hash)
            .unwrap_or_default();
        let block_hash =
            keccak256([parent.as_slice(), &number.to_be_bytes(), hash.as_slice()].concat());
        state.db.commit(changes);
        state.blocks.push(Block {
            hash: block_hash,
            tx: Some(Tx {
                hash,
                gas_used,
                created,
                logs: logs.clone(),
            }),
        });
        if let Err(error) = self.persist(&state) {
            // Memory must not run ahead of disk: go back to the world the file still holds.
            if let Some(path) = &self.path {
                *state = read_state(path)?;
            }
            return Err(error);
        }
        // On disk, in its block: the sandbox's node has taken it.
        record(Outgoing::Sent(signed))?;
        Ok(Sent {
            outcome: TxOutcome {
                hash,
                block: BlockRef {
                    number,
                    hash: block_hash,
                },
                gas_used,
            },
            logs,
            created,
        })
    }

    async fn transaction(&self, hash: B256) -> Result<TxStatus, ChainError> {
        let state = self.fresh()?;
        let found = state.blocks.iter().enumerate().find_map(|(number, block)| {
            let tx = block.tx.as_ref().filter(|tx| tx.hash == hash)?;
            Some(Sent {
                outcome: TxOutcome {
                    hash,
                    block: BlockRef {
                        number: number as u64,
                        hash: block.hash,
                    },
                    gas_used: tx.gas_used,
                },
                logs: tx.logs.clone(),
                created: tx.created,
            })
        });
        // The sandbox mines as it sends: a transaction is in a block or was never sent.
        Ok(found.map_or(TxStatus::Unknown, TxStatus::Mined))
    }

    async fn wait_for(&self, hash: B256) -> Result<Sent, ChainError> {
        match self.transaction(hash).await? {
            TxStatus::Mined(sent) => Ok(sent),
            _ => Err(ChainError::UnknownTransaction {
                hash: hash.to_string(),
            }),
        }
    }

    async fn head(&self) -> Result<BlockRef, ChainError> {
        let state = self.fresh()?;
        let number = state.blocks.len() as u64 - 1;
        Ok(BlockRef {
            number,
            hash: state.blocks[number as usize].hash,
        })
    }

    async fn block_hash(&self, number: u64) -> Result<Option<B256>, ChainError> {
        let state = self.fresh()?;
        Ok(usize::try_from(number)
            .ok()
            .and_then(|n| state.blocks.get(n))
            .map(|block| block.hash))
    }

    async fn logs(&self, from: u64, to: u64) -> Result<Vec<ChainLog>, ChainError> {
        let contract = self.deployment()?.address;
        let state = self.fresh()?;
        let mut found = Vec::new();
        let last = to.min(state.blocks.len() as u64 - 1);
        for number in from..=last {
            let block = &state.blocks[number as usize];
            let Some(tx) = &block.tx else { continue };
            for (log_index, log) in tx.logs.iter().enumerate() {
                if log.address == contract {
                    found.push(ChainLog {
                        block: BlockRef {
                            number,
                            hash: block.hash,
                        },
                        tx: tx.hash,
                        log_index: log_index as u64,
                        log: log.clone(),
                    });
                }
            }
        }
        Ok(found)
    }
}
