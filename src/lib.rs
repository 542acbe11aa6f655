//! The Kiln world client.
//!
//! Each feature of the client is one Bevy plugin in its own module; [`ClientPlugins`] is the
//! whole client, and this file is its table of contents.

mod bench;
mod chain;
mod content;
mod creator;
mod gallery;
mod inspect;
mod items;
mod net;
mod options;
mod placement;
mod platform;
mod player;
mod scenario;
mod screenshot;
mod settings;
mod topbar;
#[cfg(target_arch = "wasm32")]
mod web;
mod world;

use bevy::app::PluginGroupBuilder;
use bevy::prelude::*;
use bevy::window::PresentMode;
#[cfg(not(target_arch = "wasm32"))]
use bevy::window::WindowResolution;

pub use chain::{
    ChainLink, ChainPlugin, KeyStatus, MintStatus, PlaceStatus, VerifyStatus, WorldTokens,
};
pub use content::{IpfsSource, SOURCE as IPFS_SOURCE};
pub use creator::{Creator, CreatorPlugin, CreatorStart, Generation, ModelState};
pub use gallery::{Gallery, ItemCard};
pub use inspect::{Selection, ray_box};
pub use items::{
    Item, ItemLoadError, ItemMaterial, ItemMaterials, ItemPart, ItemView, ItemsPlugin, PlacedItem,
    bevy_mesh, placement_transform, spawn_detailed,
};
pub use options::{ClientOptions, WindowSize};
pub use placement::Placing;
pub use player::{Aim, MovementMode, Player, SPAWN_LOOK_AT, SPAWN_POSITION};
pub use settings::{Graphics, IpfsSetting, NetworkSetting, Settings};
#[cfg(target_arch = "wasm32")]
pub use web::options_from_address;
pub use world::{Plot, PlotCoord, PlotGrid, SkyModel};

/// The client's own features, without Bevy's engine plugins (tests add `MinimalPlugins` and the
/// ones they need), on the data directory `data_dir`.
pub struct ClientPlugins {
    pub data_dir: kiln_mint::DataDir,
    pub publish: std::sync::Arc<kiln_mint::Publish>,
    pub network: settings::NetworkSetting,
    pub gateways: Option<std::sync::Arc<kiln_ipfs::GatewayClient>>,
    pub creator: CreatorStart,
}

impl PluginGroup for ClientPlugins {
    fn build(self) -> PluginGroupBuilder {
        PluginGroupBuilder::start::<Self>()
            .add(world::plugin)
            .add(player::plugin)
            .add(net::plugin)
            .add(ChainPlugin {
                data_dir: self.data_dir,
                network: self.network,
                gateways: self.gateways,
                publish: self.publish,
            })
            .add(ItemsPlugin)
            .add(CreatorPlugin {
                start: self.creator,
            })
            .add(inspect::plugin)
            .add(gallery::GalleryPlugin)
            .add(placement::plugin)
            .add(topbar::plugin)
    }
}

/// A problem that keeps the client from starting: on the terminal, or on the page in a browser.
fn stop(text: String) {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{text}");
    #[cfg(target_arch = "wasm32")]
    web::stop(&text);
}

/// A problem the client starts despite, said before its log exists.
fn warn_early(text: String) {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{text}");
    #[cfg(target_arch = "wasm32")]
    web::warn_early(&text);
}

/// Builds and runs the client window until it is closed (or, with `--screenshot`, until the
/// picture is written).
pub fn run(options: ClientOptions) -> AppExit {
    let data_dir = match kiln_mint::DataDir::open(options.data_dir.clone()) {
        Ok(data_dir) => data_dir,
        Err(error) => {
            stop(format!("kiln: {error}"));
            return AppExit::error();
        }
    };
    #[cfg(target_arch = "wasm32")]
    web::storage::restore_databases(&[
        &data_dir.blockstore_path(),
        &data_dir.outbox_path(),
        &data_dir.browser_files_path(),
    ]);
    #[cfg(target_arch = "wasm32")]
    let scenario_text = web::scenario_from_address();
    #[cfg(target_arch = "wasm32")]
    let scenario = scenario_text
        .map(|text| scenario::parse(&text, "in the page's address"))
        .transpose();
    #[cfg(not(target_arch = "wasm32"))]
    let scenario = options.scenario.as_deref().map(scenario::read).transpose();
    let scenario = match scenario {
        Ok(actions) => actions,
        Err(error) => {
            stop(format!("kiln: {error}"));
            return AppExit::error();
        }
    };
    #[cfg_attr(
        not(target_arch = "wasm32"),
        expect(unused_mut, reason = "only the page's address changes them")
    )]
    let (mut settings, settings_problem) = match settings::Settings::load(data_dir.path()) {
        Ok(settings) => (settings, None),
        Err(error) => {
            warn_early(format!("kiln: {error}"));
            (settings::Settings::default(), Some(error.to_string()))
        }
    };
    // The page's address may name a network for this visit (a link to a world).
    #[cfg(target_arch = "wasm32")]
    match web::network_from_address() {
        Ok(Some(network)) => settings.network = network,
        Ok(None) => {}
        Err(error) => {
            stop(format!("kiln: {error}"));
            return AppExit::error();
        }
    }
    let gateways = if settings.ipfs.gateways.is_empty() {
        None
    } else {
        match kiln_ipfs::GatewayClient::new(&settings.ipfs.gateways) {
            Ok(client) => Some(std::sync::Arc::new(client)),
            Err(error) => {
                warn_early(format!(
                    "kiln: the IPFS gateways in the settings cannot be used: {error}"
                ));
                None
            }
        }
    };
    let mut app = App::new();
    let screenshot_mode =
        options.screenshot.is_some() || scenario.is_some() || options.bench_world.is_some();
    // `ipfs://` must be known before the asset server starts.
    app.register_asset_source(
        IPFS_SOURCE,
        IpfsSource::with_gateways(data_dir.blockstore_path(), gateways.clone()).builder(),
    );
    app.add_plugins(
        DefaultPlugins.set(WindowPlugin {
            primary_window: Some(Window {
                title: "Kiln".into(),
                // In a browser the page's canvas is the window, as large as the page makes it.
                #[cfg(target_arch = "wasm32")]
                canvas: Some("#kiln-canvas".into()),
                #[cfg(target_arch = "wasm32")]
                fit_canvas_to_parent: true,
                #[cfg(not(target_arch = "wasm32"))]
                resolution: WindowResolution::new(options.size.width, options.size.height)
                    .with_scale_factor_override(1.0),
                // A screenshot run measures frame time, so it must not wait for vertical sync.
                present_mode: if screenshot_mode {
                    PresentMode::AutoNoVsync
                } else {
                    PresentMode::AutoVsync
                },
                ..default()
            }),
            ..default()
        }),
    )
    .add_plugins(bevy_egui::EguiPlugin::default())
    // The panels belong to the player's view: egui would otherwise take the first camera it
    // finds, which may be the creator's preview camera that draws into a picture.
    .insert_resource(bevy_egui::EguiGlobalSettings {
        auto_create_primary_context: false,
        ..default()
    })
    .add_plugins(settings::SettingsPlugin {
        data_dir: data_dir.path().to_owned(),
        loaded: settings.clone(),
        problem: settings_problem,
    })
    .add_plugins(ClientPlugins {
        publish: std::sync::Arc::new(settings.ipfs.publish().unwrap_or_else(|error| {
            warn_early(format!(
                "kiln: {error}; minted files stay in the local blockstore"
            ));
            kiln_mint::Publish::default()
        })),
        network: settings.network.clone(),
        gateways,
        data_dir,
        creator: CreatorStart {
            prompt: options.prompt.clone(),
            seed: options.seed,
        },
    });
    #[cfg(target_arch = "wasm32")]
    app.add_plugins(web::plugin);
    if let Some(items) = options.bench_world {
        app.add_plugins(bench::BenchWorldPlugin { items });
    }
    if let Some(actions) = scenario {
        app.add_plugins(scenario::ScenarioPlugin { actions });
    }
    if let Some(path) = options.screenshot {
        app.add_plugins(screenshot::ScreenshotPlugin {
            path,
            frames: options.frames,
        });
    }
    app.run()
}
