//! Placing an item: a ghost of it follows the crosshair over the plots, R turns it (Shift+R the
//! other way), a click or Enter stands it there with a `place` transaction, Esc lets go. A plot
//! another item stands on turns the ghost red and refuses the click. Started from the gallery
//! (my items) or the creator (the item just minted).

use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use kiln_chain::{IndexedToken, Placement, TokenId};

use crate::chain::{ChainLink, PlaceStatus, WorldTokens};
use crate::items::{Item, metadata_path, placement_transform};
use crate::player::Aim;
use crate::world::{PlotCoord, PlotGrid};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Placing>()
        .add_message::<ConfirmPlacing>()
        .add_systems(Startup, make_ghost_materials)
        .add_systems(Update, (steer_placing, show_ghost).chain())
        .add_systems(EguiPrimaryContextPass, show_placing_hint);
}

/// The item being placed, if one is.
#[derive(Resource, Debug, Default)]
pub struct Placing {
    pub current: Option<PlacingItem>,
}

#[derive(Debug)]
pub struct PlacingItem {
    pub token: TokenId,
    pub name: String,
    /// Whole degrees about the vertical axis.
    pub rotation: u16,
    item: Handle<Item>,
    ghost: Option<Entity>,
    /// The placement sent, while its transaction is under way.
    sent: Option<Placement>,
}

impl Placing {
    /// Starts placing `token` (one of this player's).
    pub fn begin(&mut self, assets: &AssetServer, token: &IndexedToken, name: &str) {
        self.current = Some(PlacingItem {
            token: token.id,
            name: name.to_owned(),
            rotation: token.placement.map_or(0, |placement| placement.rotation),
            item: assets.load(metadata_path(token)),
            ghost: None,
            sent: None,
        });
    }

    pub fn is_active(&self) -> bool {
        self.current.is_some()
    }

    /// Whether the ghost stands in the world (the item's meshes have loaded).
    pub fn ghost_shown(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|current| current.ghost.is_some())
    }
}

/// Places the item being placed on the aimed plot, as a click does (scenarios send it).
#[derive(Message, Debug, Clone, Copy)]
pub struct ConfirmPlacing;

/// Whether the player is placing an item (the world's own clicks wait meanwhile).
pub fn placing_active(placing: Res<Placing>) -> bool {
    placing.is_active()
}

#[derive(Resource)]
struct GhostMaterials {
    free: Handle<StandardMaterial>,
    taken: Handle<StandardMaterial>,
}

#[derive(Component)]
struct Ghost;

fn make_ghost_materials(mut commands: Commands, mut materials: ResMut<Assets<StandardMaterial>>) {
    let ghost = |colour: Color| StandardMaterial {
        base_color: colour,
        alpha_mode: AlphaMode::Blend,
        unlit: true,
        ..default()
    };
    commands.insert_resource(GhostMaterials {
        free: materials.add(ghost(Color::srgba(0.55, 0.85, 1.0, 0.45))),
        taken: materials.add(ghost(Color::srgba(1.0, 0.25, 0.2, 0.45))),
    });
}

/// Who stands on `plot`, other than `token`.
fn taken_by(world: &WorldTokens, plot: PlotCoord, token: TokenId) -> bool {
    world.tokens.iter().any(|other| {
        other.id != token
            && other
                .placement
                .is_some_and(|at| at.x == plot.x && at.z == plot.z)
    })
}

/// Keys and clicks while placing.
#[expect(clippy::too_many_arguments, reason = "a Bevy system's parameters")]
fn steer_placing(
    mut commands: Commands,
    keys: Res<ButtonInput<KeyCode>>,
    buttons: Res<ButtonInput<MouseButton>>,
    egui: Option<Res<EguiWantsInput>>,
    aim: Res<Aim>,
    world: Res<WorldTokens>,
    link: Option<Res<ChainLink>>,
    mut place: ResMut<PlaceStatus>,
    mut placing: ResMut<Placing>,
    mut confirmations: MessageReader<ConfirmPlacing>,
) {
    let confirmed = confirmations.read().count() > 0;
    let Some(current) = placing.current.as_mut() else {
        return;
    };
    // The transaction is under way: wait for it, then let go of the item.
    if let Some(sent) = current.sent {
        if place.running {
            return;
        }
        let landed = world
            .tokens
            .iter()
            .any(|token| token.id == current.token && token.placement == Some(sent));
        let failed = matches!(place.outcome, Some(Err(_)));
        if failed {
            current.sent = None;
        } else if landed {
            if let Some(ghost) = current.ghost {
                commands.entity(ghost).despawn();
            }
            placing.current = None;
        }
        return;
    }
    let typing = egui
        .as_ref()
        .is_some_and(|egui| egui.wants_any_keyboard_input());
    let over_panel = egui.is_some_and(|egui| egui.wants_any_pointer_input());
    if !typing {
        if keys.just_pressed(KeyCode::Escape) {
            if let Some(ghost) = current.ghost {
                commands.entity(ghost).despawn();
            }
            placing.current = None;
            return;
        }
        if keys.just_pressed(KeyCode::KeyR) {
            let step = if keys.pressed(KeyCode::ShiftLeft) || keys.pressed(KeyCode::ShiftRight) {
                360 - 15
            } else {
                15
            };
            current.rotation = (current.rotation + step) % 360;
        }
    }
    let confirm = confirmed
        || (buttons.just_pressed(MouseButton::Left) && !over_panel)
        || (!typing && keys.just_pressed(KeyCode::Enter));
    if let (true, Some(plot), Some(link)) = (confirm, aim.plot, link) {
        if taken_by(&world, plot, current.token) {
            return;
        }
        let placement = Placement {
            x: plot.x,
            z: plot.z,
            rotation: current.rotation,
        };
        place.running = true;
        place.outcome = None;
        current.sent = Some(placement);
        link.place(current.token, placement);
    }
}

/// The ghost: the item's meshes, translucent, on the aimed plot (red where it is taken).
#[expect(clippy::too_many_arguments, reason = "a Bevy system's parameters")]
fn show_ghost(
    mut commands: Commands,
    mut placing: ResMut<Placing>,
    items: Res<Assets<Item>>,
    aim: Res<Aim>,
    grid: Res<PlotGrid>,
    world: Res<WorldTokens>,
    ghosts: Option<Res<GhostMaterials>>,
    mut transforms: Query<(&mut Transform, &mut Visibility, &Children), With<Ghost>>,
    mut materials: Query<&mut MeshMaterial3d<StandardMaterial>>,
) {
    let (Some(current), Some(ghosts)) = (placing.current.as_mut(), ghosts) else {
        return;
    };
    let Some(ghost) = current.ghost else {
        if let Some(item) = items.get(&current.item) {
            let entity = commands
                .spawn((Ghost, Transform::default(), Visibility::Hidden))
                .with_children(|parent| {
                    for part in &item.parts {
                        parent.spawn((
                            Mesh3d(part.mesh.clone()),
                            MeshMaterial3d(ghosts.free.clone()),
                            bevy::light::NotShadowCaster,
                        ));
                    }
                })
                .id();
            current.ghost = Some(entity);
        }
        return;
    };
    let Ok((mut transform, mut visibility, children)) = transforms.get_mut(ghost) else {
        return;
    };
    let target = current.sent.map(|sent| PlotCoord {
        x: sent.x,
        z: sent.z,
    });
    match target.or(aim.plot) {
        Some(plot) => {
            *transform = placement_transform(
                &grid,
                Placement {
                    x: plot.x,
                    z: plot.z,
                    rotation: current.rotation,
                },
            );
            *visibility = Visibility::Visible;
            let look = if taken_by(&world, plot, current.token) {
                &ghosts.taken
            } else {
                &ghosts.free
            };
            for child in children.iter() {
                if let Ok(mut material) = materials.get_mut(child)
                    && material.0 != *look
                {
                    material.0 = look.clone();
                }
            }
        }
        None => *visibility = Visibility::Hidden,
    }
}

fn show_placing_hint(
    mut contexts: EguiContexts,
    placing: Res<Placing>,
    place: Res<PlaceStatus>,
    aim: Res<Aim>,
    world: Res<WorldTokens>,
) -> Result {
    let Some(current) = &placing.current else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let text = if current.sent.is_some() {
        format!("Placing {}: sending the transaction…", current.name)
    } else {
        let plot = match aim.plot {
            Some(plot) if taken_by(&world, plot, current.token) => {
                format!("plot ({}, {}) is taken", plot.x, plot.z)
            }
            Some(plot) => format!("plot ({}, {})", plot.x, plot.z),
            None => "aim at a plot".to_owned(),
        };
        format!(
            "Placing {} · {plot} · turned {}° · R / Shift+R turn · click or Enter to place · Esc to stop",
            current.name, current.rotation
        )
    };
    egui::Area::new("placing hint".into())
        .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -24.0])
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label(text);
                if let Some(Err(error)) = &place.outcome {
                    ui.colored_label(egui::Color32::from_rgb(230, 90, 80), error);
                }
            });
        });
    Ok(())
}
