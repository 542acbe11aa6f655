//! The steps that take an exported item to a token. Each may run again after a crash and does
//! no harm: the blockstore ignores blocks it has, and the chain is asked before anything is
//! sent.

use std::path::{Path, PathBuf};

use kiln_asset::{ItemMetadata, ItemUri, Limits, Sha256Hex};
use kiln_chain::{
    Address, B256, Chain, ChainError, MintRequest, Outgoing, SignedTx, TokenId, TxStatus,
};
use kiln_ipfs::{Blockstore, Cid, ImportProfile, KuboClient, PinningClient, StoreError, raw_cid};

use crate::{Generate, ItemFiles, ItemId, Outbox, OutboxError, OutboxItem, Step};

/// Why an item stopped on its way; it stays in the outbox at the step it reached.
#[derive(Debug, thiserror::Error)]
pub enum MintError {
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error("{path}: {detail}")]
    Files { path: PathBuf, detail: String },
    #[error(
        "the files in {dir} changed since the item was queued (its {what} differs): export the item again and mint that"
    )]
    Changed { dir: PathBuf, what: &'static str },
    #[error("the local blockstore failed: {0}")]
    Store(#[from] StoreError),
    #[error("{file} in the blockstore has CID {stored}, but the metadata names {named}")]
    CidMismatch {
        file: &'static str,
        stored: Box<Cid>,
        named: String,
    },
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error("the token did not verify: {0}")]
    Unverified(String),
    #[error("{file} could not be published: {detail}; the item is kept, `kiln-cli resume` retries")]
    Publish { file: &'static str, detail: String },
    #[error(
        "this account minted this GLB before, as token {token}, with other metadata (sha256 {theirs}): a creator mints each GLB once, so this item cannot be minted again"
    )]
    MintedWithOtherMetadata { token: TokenId, theirs: B256 },
    #[error(
        "the chain says token {token}, this account's id for this GLB, was minted by {creator}: that is not this item's token, and nothing is sent; check that --network and --contract name a Kiln v2 contract on the node you trust"
    )]
    MintedBySomeoneElse { token: TokenId, creator: Address },
    #[error(
        "metadata.json names {named} as the item's creator, but this network's account is {account}: mint it with {named}'s key, or export it again naming {account} (`kiln-cli export --creator {account}`)"
    )]
    NotTheCreator { named: String, account: Address },
    #[error(
        "metadata.json names no creator, so a copy of its token could not be told from it: export the item again (`kiln-cli export` names the account that mints it)"
    )]
    NoCreator,
    #[error("item {id}'s files could not be made: {source}")]
    Export {
        id: ItemId,
        #[source]
        source: crate::ExportError,
    },
    #[error(
        "item {0} needs the model ({1}), and none was given: run it where the model's weights are"
    )]
    NoGenerator(ItemId, &'static str),
}

/// An exported item's files, read and checked to belong together.
#[derive(Debug, Clone)]
pub struct ExportedItem {
    pub dir: PathBuf,
    pub glb: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub metadata_json: Vec<u8>,
    pub metadata: ItemMetadata,
    pub profile: ImportProfile,
    pub glb_sha256: B256,
    pub metadata_sha256: B256,
}

impl ExportedItem {
    pub fn mint_request(&self) -> MintRequest {
        MintRequest {
            glb_sha256: self.glb_sha256,
            metadata_sha256: self.metadata_sha256,
            to: None,
        }
    }
}

/// Reads the folder `kiln-cli export` wrote (model.glb, thumbnail.png, metadata.json) and
/// checks it: canonical metadata whose provenance names this GLB.
pub fn read_exported(dir: &Path) -> Result<ExportedItem, MintError> {
    let read = |name: &str| {
        let path = dir.join(name);
        crate::files::read(&path).map_err(|error| MintError::Files {
            detail: format!("{error}: give a folder written by `kiln-cli export`"),
            path,
        })
    };
    let (glb, thumbnail, metadata_json) = (
        read("model.glb")?,
        read("thumbnail.png")?,
        read("metadata.json")?,
    );
    let metadata_path = dir.join("metadata.json");
    let bad = |detail: String| MintError::Files {
        path: metadata_path.clone(),
        detail,
    };
    let metadata = ItemMetadata::from_canonical_json(&metadata_json, &Limits::default())
        .map_err(|error| bad(format!("cannot be minted: {error}")))?;
    let provenance = metadata.kiln.as_ref().ok_or_else(|| {
        bad("has no kiln provenance block: export the item with `kiln-cli export`".into())
    })?;
    let glb_sha256 = Sha256Hex::of(&glb);
    if provenance.glb_sha256 != glb_sha256 {
        return Err(bad(format!(
            "describes a GLB with sha256 {}, but model.glb has {glb_sha256}: export the item again",
            provenance.glb_sha256
        )));
    }
    let profile: ImportProfile = provenance
        .ipfs_profile
        .parse()
        .map_err(|error| bad(format!("kiln.ipfs_profile: {error}")))?;
    Ok(ExportedItem {
        dir: dir.to_owned(),
        metadata_sha256: B256::from(Sha256Hex::of(&metadata_json).0),
        glb_sha256: B256::from(glb_sha256.0),
        glb,
        thumbnail,
        metadata_json,
        metadata,
        profile,
    })
}

/// Where the outbox puts the files before minting. With nothing configured they stay in the
/// local blockstore (and the published step says so).
#[derive(Debug, Default)]
pub struct Publish {
    /// An IPFS node's RPC API (Kubo or compatible); each file's DAG is imported and pinned there.
    pub node: Option<KuboClient>,
    /// An IPFS Pinning Service; each file is asked to be pinned there (with the node's addresses
    /// as origins), and the step ends when the service says pinned.
    pub pinning: Option<PinningClient>,
    /// How long to wait for the pinning service before leaving the item for `resume`.
    pub pin_wait: std::time::Duration,
}

/// What the steps run with besides the outbox, the blockstore and the chain.
#[derive(Clone, Copy)]
pub struct Steps<'a> {
    pub publish: &'a Publish,
    /// The model: it makes the files of an item written down as generated, and verification
    /// runs it again.
    pub generator: Option<&'a dyn Generate>,
    /// Verify each token once it is confirmed (the optional last step; needs the generator).
    pub verify: bool,
    /// Gateways for what the local blockstore lacks when verifying (none: the blockstore only).
    pub gateways: Option<&'a kiln_ipfs::GatewayClient>,
}

impl<'a> Steps<'a> {
    /// Publish as configured, no model, no verification.
    pub fn publish(publish: &'a Publish) -> Self {
        Self {
            publish,
            generator: None,
            verify: false,
            gateways: None,
        }
    }
}

/// What [`advance`] tells its caller as it goes (progress bars, the client's status line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Started(Step),
    Finished(Step),
    /// The mint transaction is signed and written down, and about to leave.
    Recorded(SignedTx),
    /// The mint transaction is in a block; the token is not written down yet.
    Landed,
    /// One of the item's files is published (on the node, or pinned by the service when there is
    /// no node) and the next is not yet.
    FilePublished(&'static str),
}

/// Runs the item's remaining steps until it has its token; the item as it ends up.
pub async fn advance<C: Chain>(
    outbox: &Outbox,
    mut id: ItemId,
    store: &mut Blockstore,
    chain: &C,
    steps: &Steps<'_>,
    mut progress: impl FnMut(Progress) + Send,
) -> Result<OutboxItem, MintError> {
    loop {
        let item = outbox.get(id)?;
        let Some(step) = item.state.next() else {
            return Ok(item);
        };
        // Verification is the one step that runs only when asked for.
        if step == Step::Verified && !steps.verify {
            return Ok(item);
        }
        if step == Step::Exported {
            // Its files are made again from the recipe; the order may fold into an item that
            // has the same object.
            let generator = steps.generator.ok_or(MintError::NoGenerator(
                id,
                "its files are made from its recipe",
            ))?;
            id = export_again(outbox, &item, generator, &mut progress)?;
            continue;
        }
        progress(Progress::Started(step));
        outbox.started(id, step)?;
        let outcome = match step {
            Step::Generated | Step::Exported => unreachable!("handled before"),
            Step::Stored => check_creator(&item, chain)
                .and_then(|()| store_files(&item, store))
                .map(|()| None),
            Step::Published => publish_files(&item, store, steps.publish, &mut progress)
                .await
                .map(Some),
            // Submitting writes itself down (before the transaction leaves) and goes on to
            // confirm in the same breath.
            Step::Submitted | Step::Confirmed => {
                let minted = match check_creator(&item, chain) {
                    Ok(()) => mint(outbox, &item, chain, &mut progress).await,
                    Err(error) => Err(error),
                };
                minted.map(|()| None)
            }
            Step::Verified => verify_item(&item, store, chain, steps).await.map(Some),
        };
        match outcome {
            Ok(detail) => {
                if step < Step::Submitted || step == Step::Verified {
                    outbox.finished(id, step, detail.as_deref())?;
                }
                progress(Progress::Finished(step.max(outbox.get(id)?.state)));
            }
            Err(error) => {
                outbox.failed(id, step, &error.to_string())?;
                return Err(error);
            }
        }
    }
}

/// Finishes the mints whose transaction left before the process stopped (a closed tab, a
/// crash): each transaction written down that the chain has, pending or mined, is waited for and
/// its token written down. Nothing is sent: an item whose transaction the chain never saw, or
/// that failed there, stays as it is for `resume` (which signs again). The items finished.
pub async fn finish_sent<C: Chain>(
    outbox: &Outbox,
    chain: &C,
) -> Result<Vec<OutboxItem>, MintError> {
    let deployment = chain.deployment()?;
    let mut finished = Vec::new();
    for item in outbox.all()? {
        let (Step::Submitted, Some(hash)) = (item.state, item.tx_hash) else {
            continue;
        };
        if (item.chain_id, item.contract) != (deployment.chain_id, deployment.address) {
            continue;
        }
        match chain.transaction(hash).await? {
            TxStatus::Pending | TxStatus::Mined(_) => {}
            TxStatus::Unknown | TxStatus::Failed(_) => continue,
        }
        let sent = chain.wait_for(hash).await?;
        // The token its own receipt names: whoever the signing account is now.
        let minted =
            sent.logs
                .iter()
                .find_map(|log| match kiln_chain::contract::decode_event(log) {
                    Some(kiln_chain::KilnEvent::Minted { token, .. }) => Some(token),
                    _ => None,
                });
        let Some(token) = minted else {
            continue;
        };
        outbox.confirmed(
            item.id,
            token,
            hash,
            sent.outcome.block.number,
            sent.outcome.gas_used,
        )?;
        finished.push(outbox.get(item.id)?);
    }
    Ok(finished)
}

/// Makes the files of an item that is only generated from its recipe, writes them into its
/// folder and writes down that it is exported; the item's id from then on.
fn export_again(
    outbox: &Outbox,
    item: &OutboxItem,
    generator: &dyn Generate,
    progress: &mut impl FnMut(Progress),
) -> Result<ItemId, MintError> {
    let recipe = item.recipe.as_ref().ok_or_else(|| {
        OutboxError::Corrupt(format!("item {} is generated but has no recipe", item.id))
    })?;
    progress(Progress::Started(Step::Exported));
    outbox.started(item.id, Step::Exported)?;
    let files = ItemFiles::regenerate(recipe, generator).map_err(|source| MintError::Export {
        id: item.id,
        source,
    });
    match files {
        Ok(files) => export_generated(outbox, item.id, &item.item_dir, &files, progress),
        Err(error) => {
            outbox.failed(item.id, Step::Exported, &error.to_string())?;
            Err(error)
        }
    }
}

/// Writes the files of a generated item into `dir` and writes down that it is exported (the
/// caller that still holds the model's output, e.g. `create`, skips running the model again).
/// Returns the item's id from then on: an order of an object the outbox has already is folded
/// into that item.
pub fn export_generated(
    outbox: &Outbox,
    id: ItemId,
    dir: &Path,
    files: &ItemFiles,
    progress: &mut impl FnMut(Progress),
) -> Result<ItemId, MintError> {
    if let Err(source) = files.write(dir) {
        let error = MintError::Export { id, source };
        outbox.failed(id, Step::Exported, &error.to_string())?;
        return Err(error);
    }
    let id = outbox.exported(id, files.glb_sha256(), files.metadata_sha256())?;
    progress(Progress::Finished(Step::Exported));
    Ok(id)
}

/// The digests of an item's files; an item past `exported` has them.
fn digests(item: &OutboxItem) -> Result<(B256, B256), MintError> {
    match (item.glb_sha256, item.metadata_sha256) {
        (Some(glb), Some(metadata)) => Ok((glb, metadata)),
        _ => Err(OutboxError::Corrupt(format!(
            "item {} is {} but has no file digests",
            item.id, item.state
        ))
        .into()),
    }
}

/// Checks that the item's metadata names the account that mints it: the token id binds that
/// account, and verification tells a token whose creator is not the one named for a copy.
fn check_creator<C: Chain>(item: &OutboxItem, chain: &C) -> Result<(), MintError> {
    let exported = read_exported(&item.item_dir)?;
    let account = chain.account();
    match exported
        .metadata
        .kiln
        .as_ref()
        .and_then(|kiln| kiln.creator.as_deref())
    {
        None => Err(MintError::NoCreator),
        Some(named) if named.parse::<Address>().ok() == Some(account) => Ok(()),
        Some(named) => Err(MintError::NotTheCreator {
            named: named.to_owned(),
            account,
        }),
    }
}

/// Runs [`crate::verify`] on the item's token; every check must pass.
async fn verify_item<C: Chain>(
    item: &OutboxItem,
    store: &mut Blockstore,
    chain: &C,
    steps: &Steps<'_>,
) -> Result<String, MintError> {
    let generator = steps.generator.ok_or(MintError::NoGenerator(
        item.id,
        "verification runs it again",
    ))?;
    let token = match item.token_id {
        Some(token) => token,
        None => TokenId::of(chain.account(), digests(item)?.0),
    };
    let mut content = crate::Content {
        store,
        gateways: steps.gateways,
    };
    let verification = crate::verify(token, chain, &mut content, generator).await;
    let failed: Vec<String> = verification
        .checks
        .iter()
        .filter(|check| !check.ok)
        .map(|check| format!("{}: {}", check.name, check.detail))
        .collect();
    if failed.is_empty() {
        Ok(format!("{} checks passed", verification.checks.len()))
    } else {
        Err(MintError::Unverified(failed.join("; ")))
    }
}

/// Adds the three files to the blockstore, pinned, and checks the CIDs the metadata names.
fn store_files(item: &OutboxItem, store: &mut Blockstore) -> Result<(), MintError> {
    let (glb_sha256, metadata_sha256) = digests(item)?;
    let exported = read_exported(&item.item_dir)?;
    if exported.glb_sha256 != glb_sha256 {
        return Err(MintError::Changed {
            dir: item.item_dir.clone(),
            what: "model.glb",
        });
    }
    if exported.metadata_sha256 != metadata_sha256 {
        return Err(MintError::Changed {
            dir: item.item_dir.clone(),
            what: "metadata.json",
        });
    }
    let name = &exported.metadata.name;
    let bytes = [&exported.glb, &exported.thumbnail, &exported.metadata_json];
    for ((file, expected), bytes) in item_cids(&exported).into_iter().zip(bytes) {
        let stored = store
            .add_file_pinned(
                bytes.as_slice(),
                exported.profile,
                &format!("{name}: {file}"),
            )?
            .root;
        match expected {
            Some(expected) if expected == stored => {}
            other => {
                return Err(MintError::CidMismatch {
                    file,
                    stored: Box::new(stored),
                    named: other.map_or("no IPFS address".into(), |cid| cid.to_string()),
                });
            }
        }
    }
    Ok(())
}

/// The CIDs of the item's three files, as its metadata names them.
fn item_cids(exported: &ExportedItem) -> [(&'static str, Option<Cid>); 3] {
    let named = |uri: &Option<ItemUri>| match uri {
        Some(ItemUri::Ipfs { cid, path }) if path.is_empty() => Some(*cid),
        _ => None,
    };
    [
        ("model.glb", named(&exported.metadata.animation_url)),
        ("thumbnail.png", named(&exported.metadata.image)),
        ("metadata.json", Some(raw_cid(&exported.metadata_json))),
    ]
}

/// The CID of the weights file the item's metadata names, where it names one.
fn weights_cid(exported: &ExportedItem) -> Option<Cid> {
    let provenance = exported.metadata.kiln.as_ref()?;
    match &provenance.generator.weights {
        Some(ItemUri::Ipfs { cid, path }) if path.is_empty() => Some(*cid),
        _ => None,
    }
}

/// Puts the three files' DAGs on the configured node and/or pinning service, pinned there, and
/// the weights file the metadata names where the local blockstore has it (the creator stored
/// it; an item exported elsewhere may come without).
async fn publish_files(
    item: &OutboxItem,
    store: &Blockstore,
    publish: &Publish,
    progress: &mut (impl FnMut(Progress) + Send),
) -> Result<String, MintError> {
    if publish.node.is_none() && publish.pinning.is_none() {
        return Ok(
            "no IPFS node or pinning service configured: the files stay in the local blockstore"
                .into(),
        );
    }
    let exported = read_exported(&item.item_dir)?;
    let mut cids = Vec::new();
    for (file, cid) in item_cids(&exported) {
        let cid = cid.ok_or_else(|| MintError::Publish {
            file,
            detail: "the metadata names no IPFS CID for it".into(),
        })?;
        cids.push((file, cid));
    }
    let mut unpublished_weights = None;
    if let Some(cid) = weights_cid(&exported) {
        if store.has(&cid)? {
            cids.push(("the weights", cid));
        } else {
            unpublished_weights = Some(cid);
        }
    }
    let mut done = Vec::new();
    let mut origins = Vec::new();
    if let Some(node) = &publish.node {
        for (file, cid) in &cids {
            node.publish(store, cid)
                .await
                .map_err(|error| MintError::Publish {
                    file,
                    detail: error.to_string(),
                })?;
            progress(Progress::FilePublished(file));
        }
        // The node serves the DAGs to the pinning service.
        if let Ok(identity) = node.id().await {
            origins = identity.addresses;
        }
        done.push(format!("imported and pinned on {}", node.api_url()));
    }
    if let Some(service) = &publish.pinning {
        for (file, cid) in &cids {
            let failed = |detail: String| MintError::Publish { file, detail };
            // A request made by an earlier attempt is waited for, not made twice.
            let existing = service
                .list(Some(cid))
                .await
                .map_err(|error| failed(error.to_string()))?;
            let request_id = match reusable_request(existing) {
                Some(request_id) => request_id,
                None => {
                    let name = format!("{}: {file}", exported.metadata.name);
                    service
                        .add(cid, &name, &origins)
                        .await
                        .map_err(|error| failed(error.to_string()))?
                        .request_id
                }
            };
            service
                .wait_pinned(cid, &request_id, publish.pin_wait, &mut |_| {})
                .await
                .map_err(|error| {
                    failed(format!("the pinning service has not pinned it: {error}"))
                })?;
            if publish.node.is_none() {
                progress(Progress::FilePublished(file));
            }
        }
        done.push("pinned by the pinning service".into());
    }
    if let Some(cid) = unpublished_weights {
        done.push(format!(
            "the weights it names ({cid}) are not in the local blockstore and were not published"
        ));
    }
    Ok(done.join("; "))
}

/// The request of an earlier attempt worth waiting for: pinned before queued, and never a
/// failed one (it stays failed; waiting on it would fail every attempt from then on).
fn reusable_request(existing: Vec<kiln_ipfs::PinStatus>) -> Option<String> {
    use kiln_ipfs::PinState;
    existing
        .into_iter()
        .filter(|status| status.status != PinState::Failed)
        .min_by_key(|status| match status.status {
            PinState::Pinned => 0,
            PinState::Pinning => 1,
            _ => 2,
        })
        .map(|status| status.request_id)
}

/// Mints the item unless the chain has its token already, and never sends a second
/// transaction while a first may still land.
async fn mint<C: Chain>(
    outbox: &Outbox,
    item: &OutboxItem,
    chain: &C,
    progress: &mut (impl FnMut(Progress) + Send),
) -> Result<(), MintError> {
    let (glb_sha256, metadata_sha256) = digests(item)?;
    // The id binds this account: no other account's token can stand in for it.
    let token = TokenId::of(chain.account(), glb_sha256);
    // A token minted by an earlier run whose confirmation was never written down.
    if let Some(record) = chain.token(token).await? {
        // The contract makes this impossible; a node that claims it is not believed.
        if record.creator != chain.account() {
            return Err(MintError::MintedBySomeoneElse {
                token,
                creator: record.creator,
            });
        }
        if record.metadata_sha256 != metadata_sha256 {
            return Err(MintError::MintedWithOtherMetadata {
                token,
                theirs: record.metadata_sha256,
            });
        }
        let (hash, block, gas) = match item.tx_hash {
            Some(hash) => match chain.transaction(hash).await? {
                TxStatus::Mined(sent) => (hash, sent.outcome.block.number, sent.outcome.gas_used),
                // A node may answer calls from the block it is building (anvil between blocks):
                // the token shows before its transaction is mined, which is waited for.
                TxStatus::Pending => {
                    let sent = chain.wait_for(hash).await?;
                    (hash, sent.outcome.block.number, sent.outcome.gas_used)
                }
                TxStatus::Unknown | TxStatus::Failed(_) => (hash, 0, 0),
            },
            None => (B256::ZERO, 0, 0),
        };
        outbox.confirmed(item.id, token, hash, block, gas)?;
        return Ok(());
    }
    // A transaction written down before a crash: wait for it if the chain has it.
    if let Some(hash) = item.tx_hash {
        match chain.transaction(hash).await? {
            TxStatus::Pending | TxStatus::Mined(_) => {
                let sent = chain.wait_for(hash).await?;
                outbox.confirmed(
                    item.id,
                    token,
                    hash,
                    sent.outcome.block.number,
                    sent.outcome.gas_used,
                )?;
                return Ok(());
            }
            TxStatus::Unknown => outbox.forget_transaction(item.id, "the chain never saw it")?,
            TxStatus::Failed(_) => outbox.forget_transaction(item.id, "it failed on chain")?,
        }
    }
    let request = MintRequest {
        glb_sha256,
        metadata_sha256,
        to: None,
    };
    let receipt = chain
        .mint_recorded(request, |outgoing| {
            match outgoing {
                Outgoing::Signed(signed) => {
                    outbox
                        .submitted(item.id, signed)
                        .map_err(|error| ChainError::Aborted {
                            reason: format!(
                                "the mint outbox could not write the transaction down: {error}"
                            ),
                        })?;
                    progress(Progress::Recorded(signed));
                }
                // In the node's pool (or, on the sandbox, in its block): it may land now
                // whatever becomes of this process.
                Outgoing::Sent(_) => progress(Progress::Finished(Step::Submitted)),
            }
            Ok(())
        })
        .await?;
    progress(Progress::Landed);
    outbox.confirmed(
        item.id,
        receipt.token_id,
        receipt.tx.hash,
        receipt.tx.block.number,
        receipt.tx.gas_used,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(id: &str, state: &str) -> kiln_ipfs::PinStatus {
        serde_json::from_value(serde_json::json!({
            "requestid": id,
            "status": state,
            "created": "2026-12-03T12:00:00Z",
            "pin": {"cid": "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"},
        }))
        .unwrap()
    }

    /// A failed pin request is never waited on again (it would fail every later attempt): a
    /// new one is made; of live ones, the furthest along is waited for.
    #[test]
    fn a_failed_pin_request_is_not_reused() {
        assert_eq!(reusable_request(vec![status("a", "failed")]), None);
        assert_eq!(reusable_request(Vec::new()), None);
        assert_eq!(
            reusable_request(vec![
                status("a", "failed"),
                status("b", "queued"),
                status("c", "pinned"),
                status("d", "pinning"),
            ]),
            Some("c".into())
        );
        assert_eq!(
            reusable_request(vec![status("a", "queued"), status("b", "failed")]),
            Some("a".into())
        );
    }
}
