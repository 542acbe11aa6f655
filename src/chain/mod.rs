//! The client's link to the chain: a thread that owns the chain (the sandbox of the data
//! directory; a JSON-RPC node once the settings name one, sent to through the player's wallet
//! in a browser) and its event index, syncs the index every second, and tells the world which
//! tokens exist and where they stand. Mints and placements made anywhere — this client, the CLI
//! beside it, another player — appear without a restart.

use std::time::Duration;

use bevy::prelude::*;
use crossbeam_channel::{Receiver, Sender};
use kiln_chain::{Address, Chain, Deployment, Index, IndexedToken, Placement, Sandbox, TokenId};
#[cfg(not(target_arch = "wasm32"))]
use kiln_chain::{RpcChain, RpcOptions};
#[cfg(target_arch = "wasm32")]
use kiln_chain::{WalletChain, WalletNetwork, WalletOptions};

#[cfg(target_arch = "wasm32")]
use crate::web::wallet::{BrowserNode, BrowserWallet};
use kiln_ipfs::GatewayClient;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::settings::NetworkSetting;
use kiln_gen::Generated;
use kiln_mint::{
    Content, DataDir, Generate, ItemFiles, Progress, Publish, Recipe, Step, Steps, Verification,
    advance, export_generated,
};

/// What the chain thread tells the world.
enum LinkEvent {
    Synced {
        tokens: Vec<IndexedToken>,
        head: u64,
        account: Address,
    },
    Failed(String),
    Mint(MintUpdate),
    Placed(Result<TokenId, String>),
    /// The keystore's key unlocked, or the wallet connected: the account, or why not.
    Key(Result<Address, String>),
    Verified {
        token: TokenId,
        result: Result<Verification, String>,
    },
}

/// An item to mint: the model's output, the recipe that made it, and the weights file the
/// recipe names (stored in the blockstore beside the item, so that anyone can fetch it).
struct MintOrder {
    recipe: Recipe,
    generated: Box<Generated>,
    weights: std::sync::Arc<[u8]>,
}

/// What the world asks of the chain thread.
enum LinkCommand {
    /// Takes a generated item through the mint outbox to its token.
    Mint(MintOrder),
    /// Stands one of this player's tokens on a plot (or moves or turns it).
    Place {
        token: TokenId,
        placement: Placement,
    },
    /// Unlocks (or creates) the keystore's key, so that this client can send on an RPC
    /// network. The passphrase goes to the chain thread, which holds the key from then on.
    #[cfg(not(target_arch = "wasm32"))]
    UseKey {
        passphrase: zeroize::Zeroizing<String>,
        create: bool,
    },
    /// Asks the player's wallet for an account (in a browser, on a network beyond the sandbox).
    #[cfg(target_arch = "wasm32")]
    ConnectWallet,
    /// Checks a token as anyone could: record, files by CID, the model run again.
    Verify {
        token: TokenId,
        generator: Box<dyn Generate + Send>,
    },
}

/// The key this client sends with on an RPC network: the keystore's on the desktop, the
/// wallet's account in a browser.
#[derive(Resource, Debug, Default)]
pub struct KeyStatus {
    /// The key's address once unlocked, or the wallet's account once connected.
    pub unlocked: Option<Address>,
    pub busy: bool,
    /// Why the last unlock failed.
    pub error: Option<String>,
}

/// The last verification this client ran.
#[derive(Resource, Debug, Default)]
pub struct VerifyStatus {
    pub token: Option<TokenId>,
    pub running: bool,
    /// Every check with its outcome, or why none could be made.
    pub result: Option<Result<Verification, String>>,
}

/// The last placement this client asked for.
#[derive(Resource, Debug, Default)]
pub struct PlaceStatus {
    pub running: bool,
    /// The token placed, or why it could not be (plot taken, not yours…).
    pub outcome: Option<Result<TokenId, String>>,
}

/// How the mint of the creator's item goes, step by step.
#[derive(Debug, Clone)]
pub enum MintUpdate {
    Progress(Progress),
    Minted(TokenId),
    Failed(String),
}

/// The creator's last mint, as the panel shows it.
#[derive(Resource, Debug, Default)]
pub struct MintStatus {
    /// Whether a mint is under way.
    pub running: bool,
    /// The steps finished so far, and the one under way.
    pub finished: Vec<Step>,
    pub current: Option<Step>,
    /// The token, or why the mint stopped (the item waits in the outbox for `kiln-cli resume`).
    pub outcome: Option<Result<TokenId, String>>,
}

/// The tokens of the world, as the index last read them.
#[derive(Resource, Debug, Default)]
pub struct WorldTokens {
    pub tokens: Vec<IndexedToken>,
    /// The block the index stands at; `None` until the first sync.
    pub head: Option<u64>,
    /// Why the last sync failed, if it did (the status line shows it).
    pub error: Option<String>,
    /// This player's account on the chain.
    pub account: Option<Address>,
}

/// The world's line to the chain thread; dropped with the world, which stops the thread.
#[derive(Resource)]
pub struct ChainLink {
    events: Receiver<LinkEvent>,
    commands: UnboundedSender<LinkCommand>,
}

impl ChainLink {
    /// Mints `generated`, the model's output for `recipe` with the weights file `weights`;
    /// [`MintStatus`] follows it.
    pub fn mint(&self, recipe: Recipe, generated: Generated, weights: std::sync::Arc<[u8]>) {
        let _ = self.commands.send(LinkCommand::Mint(MintOrder {
            recipe,
            generated: Box::new(generated),
            weights,
        }));
    }

    /// Verifies `token` with `generator` (the model, on its own thread); [`VerifyStatus`]
    /// follows it.
    pub fn verify(&self, token: TokenId, generator: Box<dyn Generate + Send>) {
        let _ = self.commands.send(LinkCommand::Verify { token, generator });
    }

    /// Unlocks the keystore's key with `passphrase` (or creates one); [`KeyStatus`] follows it.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn use_key(&self, passphrase: zeroize::Zeroizing<String>, create: bool) {
        let _ = self
            .commands
            .send(LinkCommand::UseKey { passphrase, create });
    }

    /// Asks the player's wallet to connect an account; [`KeyStatus`] follows it.
    #[cfg(target_arch = "wasm32")]
    pub fn connect_wallet(&self) {
        let _ = self.commands.send(LinkCommand::ConnectWallet);
    }

    /// Places `token` (one of this player's) on `placement`; [`PlaceStatus`] follows it.
    pub fn place(&self, token: TokenId, placement: Placement) {
        let _ = self.commands.send(LinkCommand::Place { token, placement });
    }
}

/// How often the index is read again.
const SYNC_EVERY: Duration = Duration::from_secs(1);

/// The chain of `data_dir`, read on a thread of its own.
pub struct ChainPlugin {
    pub data_dir: DataDir,
    pub network: NetworkSetting,
    /// Where verification fetches what the blockstore lacks.
    pub gateways: Option<std::sync::Arc<GatewayClient>>,
    /// Where a mint publishes the item's files.
    pub publish: std::sync::Arc<Publish>,
}

impl Plugin for ChainPlugin {
    fn build(&self, app: &mut App) {
        let (event_out, events) = crossbeam_channel::unbounded();
        let (commands, command_in) = tokio::sync::mpsc::unbounded_channel();
        let data_dir = self.data_dir.clone();
        let network = self.network.clone();
        let gateways = self.gateways.clone();
        let publish = self.publish.clone();
        crate::platform::spawn("kiln-chain", move || async move {
            run_link(
                &data_dir,
                &network,
                gateways.as_deref(),
                &publish,
                &event_out,
                command_in,
            )
            .await;
        });
        app.insert_resource(ChainLink { events, commands })
            .init_resource::<WorldTokens>()
            .init_resource::<MintStatus>()
            .init_resource::<PlaceStatus>()
            .init_resource::<VerifyStatus>()
            .init_resource::<KeyStatus>()
            .add_systems(PreUpdate, receive_chain_events);
    }
}

fn receive_chain_events(
    link: Res<ChainLink>,
    mut world: ResMut<WorldTokens>,
    mut mint: ResMut<MintStatus>,
    mut place: ResMut<PlaceStatus>,
    mut verify: ResMut<VerifyStatus>,
    mut key: ResMut<KeyStatus>,
) {
    for event in link.events.try_iter() {
        match event {
            LinkEvent::Mint(update) => mint.apply(update),
            LinkEvent::Placed(outcome) => {
                place.running = false;
                place.outcome = Some(outcome);
            }
            LinkEvent::Key(outcome) => {
                key.busy = false;
                match outcome {
                    Ok(address) => {
                        key.unlocked = Some(address);
                        key.error = None;
                    }
                    Err(error) => key.error = Some(error),
                }
            }
            LinkEvent::Verified { token, result } => {
                if verify.token == Some(token) {
                    verify.running = false;
                    verify.result = Some(result);
                }
            }
            LinkEvent::Synced {
                tokens,
                head,
                account,
            } => {
                world.tokens = tokens;
                world.head = Some(head);
                world.error = None;
                world.account = Some(account);
                // A wallet's account follows the wallet: the player may switch or disconnect.
                #[cfg(target_arch = "wasm32")]
                if !key.busy {
                    key.unlocked = Some(account).filter(|account| !account.is_zero());
                }
            }
            LinkEvent::Failed(error) => {
                if world.error.as_deref() != Some(error.as_str()) {
                    warn!("the chain: {error}");
                    world.error = Some(error);
                }
            }
        }
    }
}

impl MintStatus {
    /// Clears the last mint for a new one.
    pub fn start(&mut self) {
        *self = MintStatus {
            running: true,
            ..default()
        };
    }

    fn apply(&mut self, update: MintUpdate) {
        match update {
            MintUpdate::Progress(Progress::Started(step)) => self.current = Some(step),
            MintUpdate::Progress(Progress::Finished(step)) => {
                if !self.finished.contains(&step) {
                    self.finished.push(step);
                }
                self.current = None;
            }
            MintUpdate::Progress(_) => {}
            MintUpdate::Minted(token) => {
                self.running = false;
                self.current = None;
                self.outcome = Some(Ok(token));
            }
            MintUpdate::Failed(error) => {
                self.running = false;
                self.outcome = Some(Err(error));
            }
        }
    }
}

/// The chain thread: opens the chain and its index, then syncs until the world goes away.
async fn run_link(
    data_dir: &DataDir,
    network: &NetworkSetting,
    gateways: Option<&GatewayClient>,
    publish: &Publish,
    events: &Sender<LinkEvent>,
    commands: UnboundedReceiver<LinkCommand>,
) {
    let mut link = Link {
        data_dir,
        gateways,
        publish,
        events,
        commands,
    };
    // Until the chain opens (a node that is down, a contract not yet named), the world says why
    // and the link tries again; `serve` returns only when the world is gone.
    loop {
        let failed = match network {
            NetworkSetting::Sandbox => match open_sandbox(data_dir) {
                Ok((chain, index)) => {
                    link.serve(chain, index, "sandbox", true).await;
                    return;
                }
                Err(error) => error,
            },
            #[cfg(not(target_arch = "wasm32"))]
            NetworkSetting::Rpc {
                url,
                chain_id,
                contract,
            } => match open_rpc(data_dir, url, *chain_id, *contract).await {
                Ok((chain, index)) => {
                    link.serve(chain, index, url, false).await;
                    return;
                }
                Err(error) => error,
            },
            #[cfg(target_arch = "wasm32")]
            NetworkSetting::Rpc {
                url,
                chain_id,
                contract,
            } => match open_wallet(data_dir, url, *chain_id, *contract).await {
                Ok((chain, index)) => {
                    link.serve(chain, index, url, true).await;
                    return;
                }
                Err(error) => error,
            },
        };
        if events.send(LinkEvent::Failed(failed.clone())).is_err() {
            return; // the world is gone
        }
        match crate::platform::timeout(OPEN_AGAIN_AFTER, link.commands.recv()).await {
            Some(None) => return, // the world is gone
            Some(Some(command)) => link.refuse(command, &failed),
            None => {}
        }
    }
}

/// How long the link waits before it tries to open a chain again that would not open.
const OPEN_AGAIN_AFTER: Duration = Duration::from_secs(5);

/// What the chain thread works with, whichever chain it serves.
struct Link<'a> {
    data_dir: &'a DataDir,
    gateways: Option<&'a GatewayClient>,
    publish: &'a Publish,
    events: &'a Sender<LinkEvent>,
    commands: UnboundedReceiver<LinkCommand>,
}

impl Link<'_> {
    /// Answers a command that cannot be run because the chain did not open (`why`).
    fn refuse(&self, command: LinkCommand, why: &str) {
        let why = format!("the chain is not reachable: {why}");
        let _ = self.events.send(match command {
            LinkCommand::Mint { .. } => LinkEvent::Mint(MintUpdate::Failed(why)),
            LinkCommand::Place { .. } => LinkEvent::Placed(Err(why)),
            LinkCommand::Verify { token, .. } => LinkEvent::Verified {
                token,
                result: Err(why),
            },
            #[cfg(not(target_arch = "wasm32"))]
            LinkCommand::UseKey { .. } => LinkEvent::Key(Err(why)),
            #[cfg(target_arch = "wasm32")]
            LinkCommand::ConnectWallet => LinkEvent::Key(Err(why)),
        });
    }

    /// Mints whose transaction left before the client stopped (a closed tab, a crash) are
    /// finished from the chain, so the outbox does not wait for a `resume` a browser cannot run.
    /// Nothing is sent.
    async fn finish_sent_mints<C: ServedChain>(&self, chain: &C) {
        let finished = match self.data_dir.outbox() {
            Ok(outbox) => kiln_mint::finish_sent(&outbox, chain)
                .await
                .map_err(|error| error.to_string()),
            Err(error) => Err(error.to_string()),
        };
        match finished {
            Ok(finished) if finished.is_empty() => {}
            Ok(finished) => {
                for item in finished {
                    info!(
                        "the mint of {} landed while Kiln was closed: token {}",
                        item.item_dir.display(),
                        item.token_id
                            .map_or_else(String::new, |token| token.to_string())
                    );
                }
                #[cfg(target_arch = "wasm32")]
                chain.keep_in_browser(self.data_dir);
            }
            Err(error) => warn!("the mints sent before Kiln stopped were not finished: {error}"),
        }
    }

    /// Syncs `index` from `chain` every tick and runs the world's commands, until the world goes
    /// away. `can_send`: this client holds the key that signs on `chain` (on an RPC network the
    /// key stays in the keystore, which only `kiln-cli` unlocks for now).
    async fn serve<C: ServedChain>(
        &mut self,
        #[cfg_attr(
            target_arch = "wasm32",
            expect(unused_mut, reason = "only a key from the keystore changes it")
        )]
        mut chain: C,
        mut index: Index,
        network: &str,
        #[cfg_attr(
            target_arch = "wasm32",
            expect(unused_mut, reason = "only a key from the keystore changes it")
        )]
        mut can_send: bool,
    ) {
        let events = self.events;
        let mut first = true;
        let mut account = chain.account();
        self.finish_sent_mints(&chain).await;
        loop {
            // A wallet's account is the one the wallet names now (an error shows in the sync).
            #[cfg(target_arch = "wasm32")]
            let _ = chain.follow_wallet().await;
            let account_changed = chain.account() != account;
            account = chain.account();
            let synced = match index.sync(&chain).await {
                Ok(report) if report.events > 0 || first || account_changed => index
                    .all()
                    .map(|tokens| {
                        Some(LinkEvent::Synced {
                            tokens,
                            head: report.head.number,
                            account: chain.account(),
                        })
                    })
                    .map_err(|error| error.to_string()),
                Ok(_) => Ok(None),
                Err(error) => Err(error.to_string()),
            };
            let event = match synced {
                Ok(Some(event)) => {
                    first = false;
                    Some(event)
                }
                Ok(None) => None,
                Err(error) => Some(LinkEvent::Failed(error)),
            };
            if let Some(event) = event
                && events.send(event).is_err()
            {
                return; // the world is gone
            }
            let command = match crate::platform::timeout(SYNC_EVERY, self.commands.recv()).await {
                Some(Some(command)) => command,
                Some(None) => return, // the world is gone
                None => continue,     // time to sync again
            };
            let cannot_send = || {
                format!(
                    "sending from the client on {network} needs the keystore, which the client cannot unlock yet: use `kiln-cli create` or `kiln-cli place` with --network {network}"
                )
            };
            // In a browser the wallet signs: asked for an account first if it has given none.
            #[cfg(target_arch = "wasm32")]
            if matches!(
                command,
                LinkCommand::Mint { .. } | LinkCommand::Place { .. } | LinkCommand::ConnectWallet
            ) {
                let connected = chain.connect_wallet().await;
                let _ = events.send(LinkEvent::Key(connected.clone()));
                if let Err(error) = connected {
                    let _ = match command {
                        LinkCommand::Mint { .. } => {
                            events.send(LinkEvent::Mint(MintUpdate::Failed(error)))
                        }
                        LinkCommand::Place { .. } => events.send(LinkEvent::Placed(Err(error))),
                        _ => Ok(()),
                    };
                    continue;
                }
            }
            match command {
                #[cfg(target_arch = "wasm32")]
                LinkCommand::ConnectWallet => {}
                LinkCommand::Mint(order) => {
                    let update = if !can_send {
                        MintUpdate::Failed(cannot_send())
                    } else {
                        match mint(self.data_dir, &chain, network, self.publish, &order, events)
                            .await
                        {
                            Ok(token) => MintUpdate::Minted(token),
                            Err(error) => MintUpdate::Failed(error),
                        }
                    };
                    let _ = events.send(LinkEvent::Mint(update));
                }
                LinkCommand::Place { token, placement } => {
                    let placed = if can_send {
                        chain
                            .place(token, placement)
                            .await
                            .map(|_| token)
                            .map_err(|error| error.to_string())
                    } else {
                        Err(cannot_send())
                    };
                    let _ = events.send(LinkEvent::Placed(placed));
                }
                #[cfg(not(target_arch = "wasm32"))]
                LinkCommand::UseKey { passphrase, create } => {
                    let keystore = kiln_chain::Keystore::in_data_dir(self.data_dir.path());
                    let signer = if create {
                        keystore.create(&passphrase)
                    } else {
                        keystore.unlock(&passphrase)
                    };
                    let outcome = match signer {
                        Ok(signer) => {
                            let address = signer.address();
                            match chain.rekey(self.data_dir, signer).await {
                                Ok(rekeyed) => {
                                    chain = rekeyed;
                                    can_send = true;
                                    Ok(address)
                                }
                                Err(error) => Err(error),
                            }
                        }
                        Err(error) => Err(error.to_string()),
                    };
                    let _ = events.send(LinkEvent::Key(outcome));
                }
                LinkCommand::Verify { token, generator } => {
                    let result = match self.data_dir.blockstore() {
                        Ok(mut store) => {
                            let mut content = Content {
                                store: &mut store,
                                gateways: self.gateways,
                            };
                            Ok(
                                kiln_mint::verify(token, &chain, &mut content, generator.as_ref())
                                    .await,
                            )
                        }
                        Err(error) => Err(error.to_string()),
                    };
                    let _ = events.send(LinkEvent::Verified { token, result });
                }
            }
            // A mint, a placement or a verification's fetched blocks: kept for the next visit.
            #[cfg(target_arch = "wasm32")]
            chain.keep_in_browser(self.data_dir);
        }
    }
}

/// The creator's item through the mint outbox, as `kiln-cli create` takes it: written down as
/// generated with its recipe, its files made and stored, then minted.
async fn mint<C: Chain>(
    data_dir: &DataDir,
    chain: &C,
    network: &str,
    publish: &Publish,
    order: &MintOrder,
    events: &Sender<LinkEvent>,
) -> Result<TokenId, String> {
    let MintOrder {
        recipe,
        generated,
        weights,
    } = order;
    let text = |error: &dyn std::fmt::Display| error.to_string();
    let mut progress = |progress: Progress| {
        // In a tab the outbox lives in memory: each step it writes down is handed to IndexedDB
        // as it is written, before the next request leaves (not only when the mint ends).
        #[cfg(target_arch = "wasm32")]
        if matches!(progress, Progress::Recorded(_) | Progress::Finished(_)) {
            crate::web::storage::keep_database(&data_dir.outbox_path());
        }
        let _ = events.send(LinkEvent::Mint(MintUpdate::Progress(progress)));
    };
    progress(Progress::Started(Step::Generated));
    // The metadata names the account that mints: the token id binds it.
    let recipe = &Recipe {
        creator: Some(chain.account()),
        ..recipe.clone()
    };
    let files = ItemFiles::make(recipe, generated).map_err(|e| text(&e))?;
    let outbox = data_dir.outbox().map_err(|e| text(&e))?;
    let mut store = data_dir.blockstore().map_err(|e| text(&e))?;
    kiln_mint::store_weights(&mut store, weights, recipe.profile).map_err(|e| text(&e))?;
    let deployment = chain.deployment().map_err(|e| text(&e))?;
    let dir = data_dir.item_dir(&recipe.prompt, recipe.seed);
    let id = outbox
        .order(&dir, network, deployment, recipe)
        .map_err(|e| text(&e))?;
    progress(Progress::Finished(Step::Generated));
    progress(Progress::Started(Step::Exported));
    let id = export_generated(&outbox, id, &dir, &files, &mut progress).map_err(|e| text(&e))?;
    let item = advance(
        &outbox,
        id,
        &mut store,
        chain,
        &Steps::publish(publish),
        progress,
    )
    .await
    .map_err(|e| format!("{e}; the item waits in the mint outbox (`kiln-cli resume`)"))?;
    item.token_id
        .ok_or_else(|| "the outbox has no token for a confirmed item".to_owned())
}

/// A chain the tab serves the world from. No key enters the page (the wallet signs); what
/// changed is kept in the browser's storage for the next visit.
#[cfg(target_arch = "wasm32")]
trait ServedChain: Chain {
    /// Keeps the chain and the data directory's databases as they are now.
    fn keep_in_browser(&self, data_dir: &DataDir);

    /// The account that sends: the wallet asks the player for one if it has given none.
    fn connect_wallet(&self) -> impl std::future::Future<Output = Result<Address, String>>;

    /// Takes the account the wallet names now (the player may switch or disconnect there).
    fn follow_wallet(&self) -> impl std::future::Future<Output = Result<(), String>>;
}

/// The data directory's databases, kept for the next visit.
#[cfg(target_arch = "wasm32")]
fn keep_data_dir(data_dir: &DataDir) {
    crate::web::storage::keep_database(&data_dir.outbox_path());
    crate::web::storage::keep_database(&data_dir.browser_files_path());
    crate::web::storage::keep_database(&data_dir.blockstore_path());
}

#[cfg(target_arch = "wasm32")]
impl ServedChain for Sandbox {
    fn keep_in_browser(&self, data_dir: &DataDir) {
        match self.to_bytes() {
            Ok(bytes) => crate::web::storage::keep(&sandbox_key(data_dir), &bytes),
            Err(error) => warn!("cannot keep the sandbox world: {error}"),
        }
        keep_data_dir(data_dir);
    }

    async fn connect_wallet(&self) -> Result<Address, String> {
        Ok(self.account())
    }

    async fn follow_wallet(&self) -> Result<(), String> {
        Ok(())
    }
}

/// A real network through the player's wallet: the chain lives on the network, the data
/// directory (outbox, files, blockstore) in the browser.
#[cfg(target_arch = "wasm32")]
impl ServedChain for WalletChain<BrowserNode, BrowserWallet> {
    fn keep_in_browser(&self, data_dir: &DataDir) {
        keep_data_dir(data_dir);
    }

    async fn connect_wallet(&self) -> Result<Address, String> {
        match self.connected() {
            Some(account) => Ok(account),
            None => self.connect().await.map_err(|error| error.to_string()),
        }
    }

    async fn follow_wallet(&self) -> Result<(), String> {
        self.state()
            .await
            .map(|_| ())
            .map_err(|error| error.to_string())
    }
}

/// A chain the client serves the world from, which can take this player's key for sending.
#[cfg(not(target_arch = "wasm32"))]
trait ServedChain: Chain + Sized {
    /// The same chain, signing with `signer` from now on.
    fn rekey(
        &self,
        data_dir: &DataDir,
        signer: kiln_chain::signer::PrivateKeySigner,
    ) -> impl std::future::Future<Output = Result<Self, String>>;
}

#[cfg(not(target_arch = "wasm32"))]
impl ServedChain for Sandbox {
    async fn rekey(
        &self,
        _data_dir: &DataDir,
        _signer: kiln_chain::signer::PrivateKeySigner,
    ) -> Result<Self, String> {
        Err("the sandbox signs with its own key: none is needed here".into())
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl ServedChain for RpcChain {
    async fn rekey(
        &self,
        data_dir: &DataDir,
        signer: kiln_chain::signer::PrivateKeySigner,
    ) -> Result<Self, String> {
        let options = RpcOptions {
            expected_chain_id: Some(self.chain_id()),
            // The nonce book `kiln-cli` keeps too: a nonce is never used twice.
            nonce_book: Some(data_dir.path().join("chain").join("nonces.json")),
            ..RpcOptions::default()
        };
        let chain = RpcChain::connect(self.url(), signer, options)
            .await
            .map_err(|error| error.to_string())?;
        let deployment = self.deployment().map_err(|error| error.to_string())?;
        chain
            .attach(deployment)
            .await
            .map_err(|error| error.to_string())?;
        Ok(chain)
    }
}

/// The deployment's index; a damaged one is read again from the chain (and the player told).
fn open_index(data_dir: &DataDir, deployment: Deployment) -> Result<Index, String> {
    let (index, note) = Index::open_or_rebuild(&data_dir.index_path(deployment), deployment)
        .map_err(|error| error.to_string())?;
    if let Some(note) = note {
        warn!("{note}");
    }
    Ok(index)
}

fn open_sandbox(data_dir: &DataDir) -> Result<(Sandbox, Index), String> {
    #[cfg(not(target_arch = "wasm32"))]
    let chain = Sandbox::open(data_dir.path()).map_err(|error| error.to_string())?;
    #[cfg(target_arch = "wasm32")]
    let chain = browser_sandbox(data_dir)?;
    let deployment = chain.deployment().map_err(|error| error.to_string())?;
    let index = open_index(data_dir, deployment)?;
    Ok((chain, index))
}

/// The tab's sandbox: the world kept on an earlier visit, or a new one (kept at once).
#[cfg(target_arch = "wasm32")]
fn browser_sandbox(data_dir: &DataDir) -> Result<Sandbox, String> {
    let key = sandbox_key(data_dir);
    if let Some(bytes) = crate::web::storage::take(&key) {
        match Sandbox::from_bytes(&bytes, "this browser's storage") {
            Ok(sandbox) => return Ok(sandbox),
            Err(error) => {
                // The unusable world stays in IndexedDB under another name: nothing is lost.
                crate::web::storage::keep(&format!("{key}.unreadable"), &bytes);
                warn!(
                    "the sandbox world of an earlier visit cannot be read ({error}); starting a new one"
                );
            }
        }
    }
    let sandbox = Sandbox::in_memory().map_err(|error| error.to_string())?;
    sandbox.keep_in_browser(data_dir);
    Ok(sandbox)
}

#[cfg(target_arch = "wasm32")]
fn sandbox_key(data_dir: &DataDir) -> String {
    data_dir
        .path()
        .join(kiln_chain::sandbox::SANDBOX_FILE)
        .to_string_lossy()
        .into_owned()
}

#[cfg(not(target_arch = "wasm32"))]
/// The node at `url`, read with a throwaway key (reading signs nothing), on the Kiln contract
/// named in the settings or recorded by `kiln-cli chain deploy`.
async fn open_rpc(
    data_dir: &DataDir,
    url: &str,
    chain_id: u64,
    contract: Option<Address>,
) -> Result<(RpcChain, Index), String> {
    let options = RpcOptions {
        expected_chain_id: Some(chain_id),
        ..RpcOptions::default()
    };
    let chain = RpcChain::connect(url, kiln_chain::signer::PrivateKeySigner::random(), options)
        .await
        .map_err(|error| error.to_string())?;
    let deployment = match named_deployment(data_dir, chain_id, contract)? {
        Some(deployment) => deployment,
        None => {
            return Err(format!(
                "no Kiln contract is known on chain {chain_id}: deploy one with `kiln-cli chain deploy --network {url}` or name it in the settings"
            ));
        }
    };
    chain
        .attach(deployment)
        .await
        .map_err(|error| error.to_string())?;
    let index = open_index(data_dir, deployment)?;
    Ok((chain, index))
}

/// The Kiln contract on `chain_id`: the one the settings name (with the block `kiln-cli chain
/// deploy` recorded for it, if it did; else block 0), or the one recorded; `None` if neither.
fn named_deployment(
    data_dir: &DataDir,
    chain_id: u64,
    contract: Option<Address>,
) -> Result<Option<Deployment>, String> {
    let recorded = data_dir
        .deployments()
        .map_err(|error| error.to_string())?
        .get(&chain_id)
        .copied();
    Ok(match (contract, recorded) {
        (Some(address), recorded) => Some(Deployment {
            chain_id,
            address,
            block: recorded
                .filter(|known| known.address == address)
                .map_or(0, |known| known.block),
        }),
        (None, recorded) => recorded,
    })
}

/// The network whose node is at `url`, sent to through the player's wallet, on the Kiln contract
/// the settings (or the page's address) name. Reading asks the wallet nothing; it asks the
/// player when Kiln sends.
#[cfg(target_arch = "wasm32")]
async fn open_wallet(
    data_dir: &DataDir,
    url: &str,
    chain_id: u64,
    contract: Option<Address>,
) -> Result<(WalletChain<BrowserNode, BrowserWallet>, Index), String> {
    let network = WalletNetwork {
        chain_id,
        name: format!("Kiln world (chain {chain_id})"),
        rpc_url: url.to_owned(),
    };
    let node = BrowserNode {
        url: url.to_owned(),
    };
    let chain = WalletChain::new(node, BrowserWallet, network, WalletOptions::default());
    let text = |error: kiln_chain::ChainError| error.to_string();
    let deployment = match named_deployment(data_dir, chain_id, contract)? {
        // Named without its block: found on the chain, so the index need not read from genesis.
        Some(named) if named.block == 0 => chain.locate(named.address).await.map_err(text)?,
        Some(named) => named,
        None => {
            return Err(format!(
                "no Kiln contract is known on chain {chain_id}: name it in ⚙ Settings (or add &contract=0x… to the page's address)"
            ));
        }
    };
    chain.attach(deployment).await.map_err(text)?;
    let index = open_index(data_dir, deployment)?;
    Ok((chain, index))
}
