//! The top bar: the app's name, where the world comes from, how the player moves, and the frame
//! rate.

use bevy::diagnostic::{DiagnosticsStore, FrameTimeDiagnosticsPlugin};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::net::NetworkStatus;
use crate::player::{MovementMode, Player};

pub(super) fn plugin(app: &mut App) {
    if !app.is_plugin_added::<FrameTimeDiagnosticsPlugin>() {
        app.add_plugins(FrameTimeDiagnosticsPlugin::default());
    }
    app.add_systems(EguiPrimaryContextPass, show_top_bar);
}

fn show_top_bar(
    mut contexts: EguiContexts,
    network: Res<NetworkStatus>,
    diagnostics: Res<DiagnosticsStore>,
    players: Query<&Player>,
    // The windows the bar opens.
    (mut gallery, mut settings): (
        ResMut<crate::gallery::Gallery>,
        MessageWriter<crate::settings::ToggleSettings>,
    ),
    world: Res<crate::chain::WorldTokens>,
    #[cfg(target_arch = "wasm32")] (mut key, link): (
        ResMut<crate::chain::KeyStatus>,
        Option<Res<crate::chain::ChainLink>>,
    ),
) -> Result {
    let fps = diagnostics
        .get(&FrameTimeDiagnosticsPlugin::FPS)
        .and_then(|fps| fps.smoothed());
    let mode = players.iter().next().map(|player| player.mode);
    let ctx = contexts.ctx_mut()?;
    // Since egui 0.36 panels live inside a `Ui`; the whole window is the root one.
    let mut window_ui = egui::Ui::new(
        ctx.clone(),
        "window".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    egui::Panel::top("top_bar").show(&mut window_ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(egui::RichText::new("Kiln").strong());
            ui.separator();
            ui.label(format!("⛓ {}", network.chain));
            // In a browser a network beyond the sandbox is reached through the player's wallet.
            #[cfg(target_arch = "wasm32")]
            if matches!(network.chain, crate::net::ChainMode::Rpc { .. }) {
                crate::settings::wallet_button(ui, &mut key, link.as_deref());
            }
            ui.separator();
            ui.label(format!("🗄 {}", network.ipfs));
            ui.separator();
            match (&world.error, world.head) {
                (Some(error), _) => {
                    ui.colored_label(egui::Color32::from_rgb(230, 90, 80), "chain unreachable")
                        .on_hover_text(error);
                }
                (None, Some(head)) => {
                    let items = world.tokens.len();
                    let noun = if items == 1 { "item" } else { "items" };
                    ui.label(format!("{items} {noun} · block {head}"));
                }
                (None, None) => {
                    ui.label("reading the chain…");
                }
            }
            ui.separator();
            if ui.selectable_label(gallery.open, "Gallery (G)").clicked() {
                gallery.open = !gallery.open;
            }
            if ui.button("⚙").on_hover_text("settings").clicked() {
                settings.write(crate::settings::ToggleSettings);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(match fps {
                    Some(fps) => format!("{fps:.0} fps"),
                    None => "– fps".to_owned(),
                });
                ui.separator();
                if let Some(mode) = mode {
                    ui.label(match mode {
                        MovementMode::Fly => "Flying · F to walk",
                        MovementMode::Walk => "Walking · F to fly",
                    });
                }
            });
        });
    });
    Ok(())
}
