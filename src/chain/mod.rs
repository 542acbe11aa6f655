//! The client's link to the chain: a thread that owns the chain (the sandbox of the data
//! directory; a JSON-RPC node once the settings name one) and its event index, syncs the index
//! every second, and tells the world which tokens exist and where they stand. Mints and
//! placements made anywhere — this client, the CLI beside it, another player — appear without
//! a restart.

use std::time::Duration;

use bevy::prelude::*;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use kiln_chain::{Chain, Index, IndexedToken, Sandbox};
use kiln_mint::DataDir;

/// What the chain thread tells the world.
enum LinkEvent {
    Synced {
        tokens: Vec<IndexedToken>,
        head: u64,
    },
    Failed(String),
}

/// The tokens of the world, as the index last read them.
#[derive(Resource, Debug, Default)]
pub struct WorldTokens {
    pub tokens: Vec<IndexedToken>,
    /// The block the index stands at; `None` until the first sync.
    pub head: Option<u64>,
    /// Why the last sync failed, if it did (the status line shows it).
    pub error: Option<String>,
}

#[derive(Resource)]
struct ChainLink {
    events: Receiver<LinkEvent>,
    /// Dropped with the world, which tells the chain thread to stop.
    _alive: Sender<()>,
}

/// How often the index is read again.
const SYNC_EVERY: Duration = Duration::from_secs(1);

/// The chain of `data_dir`, read on a thread of its own.
pub struct ChainPlugin {
    pub data_dir: DataDir,
}

impl Plugin for ChainPlugin {
    fn build(&self, app: &mut App) {
        let (event_out, events) = crossbeam_channel::unbounded();
        let (alive, world_alive) = crossbeam_channel::bounded(1);
        let data_dir = self.data_dir.clone();
        let spawned = std::thread::Builder::new()
            .name("kiln-chain".into())
            .spawn(move || run_link(&data_dir, &event_out, &world_alive));
        if let Err(error) = spawned {
            error!("the chain thread could not start: {error}");
        }
        app.insert_resource(ChainLink {
            events,
            _alive: alive,
        })
        .init_resource::<WorldTokens>()
        .add_systems(PreUpdate, receive_chain_events);
    }
}

fn receive_chain_events(link: Res<ChainLink>, mut world: ResMut<WorldTokens>) {
    for event in link.events.try_iter() {
        match event {
            LinkEvent::Synced { tokens, head } => {
                world.tokens = tokens;
                world.head = Some(head);
                world.error = None;
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

/// The chain thread: opens the chain and its index, then syncs until the world goes away.
fn run_link(data_dir: &DataDir, events: &Sender<LinkEvent>, world_alive: &Receiver<()>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = events.send(LinkEvent::Failed(format!("cannot start: {error}")));
            return;
        }
    };
    runtime.block_on(async {
        let (chain, mut index) = match open(data_dir) {
            Ok(opened) => opened,
            Err(error) => {
                let _ = events.send(LinkEvent::Failed(error));
                return;
            }
        };
        let mut first = true;
        loop {
            let synced = match index.sync(&chain).await {
                Ok(report) if report.events > 0 || first => index
                    .all()
                    .map(|tokens| {
                        Some(LinkEvent::Synced {
                            tokens,
                            head: report.head.number,
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
            match world_alive.recv_timeout(SYNC_EVERY) {
                Ok(()) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    });
}

fn open(data_dir: &DataDir) -> Result<(Sandbox, Index), String> {
    let chain = Sandbox::open(data_dir.path()).map_err(|error| error.to_string())?;
    let deployment = chain.deployment().map_err(|error| error.to_string())?;
    let index = Index::open(&data_dir.index_path(deployment), deployment)
        .map_err(|error| error.to_string())?;
    Ok((chain, index))
}
