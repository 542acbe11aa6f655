//! Looking at items: the crosshair highlights the item it rests on, a click selects it, and the
//! inspector shows what it is — name, prompt, seed, creator, owner, token id, CIDs,
//! attributes — with a **Verify** button that checks it as anyone could: its record on the
//! chain, its files by CID, and the model run again with the recorded prompt and seed.

use bevy::mesh::MeshTag;
use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use kiln_asset::ItemUri;

use crate::chain::{ChainLink, VerifyStatus, WorldTokens};
use crate::creator::{Creator, ModelState, ModelWorker};
use crate::items::{Emphasis, Item, ItemView, PlacedItem, with_emphasis};
use crate::player::Player;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Selection>()
        .add_systems(
            Update,
            (
                hover_items,
                select_on_click.run_if(not(crate::placement::placing_active)),
                outline_items,
                emphasise_items,
            )
                .chain(),
        )
        .add_systems(EguiPrimaryContextPass, show_inspector);
}

/// The item under the crosshair and the one selected.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct Selection {
    pub hovered: Option<Entity>,
    pub selected: Option<Entity>,
}

/// How far the crosshair reaches items, in metres.
const REACH: f32 = 400.0;

/// The item whose box the view's centre meets first.
fn hover_items(
    players: Query<&GlobalTransform, With<Player>>,
    placed: Query<(Entity, &PlacedItem, &GlobalTransform, &ItemView)>,
    items: Res<Assets<Item>>,
    mut selection: ResMut<Selection>,
) {
    let Some(eye) = players.iter().next() else {
        return;
    };
    let origin = eye.translation();
    let direction = eye.forward().as_vec3();
    let hovered = placed
        .iter()
        .filter(|(.., view)| **view == ItemView::Shown)
        .filter_map(|(entity, item, transform, _)| {
            let item = items.get(&item.item)?;
            let distance = ray_box(origin, direction, transform, item.min, item.max)?;
            (distance <= REACH).then_some((entity, distance))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(entity, _)| entity);
    if selection.hovered != hovered {
        selection.hovered = hovered;
    }
}

/// Where a ray meets the box `min`..`max` in the frame of `transform`, as a distance along it.
pub fn ray_box(
    origin: Vec3,
    direction: Vec3,
    transform: &GlobalTransform,
    min: Vec3,
    max: Vec3,
) -> Option<f32> {
    let to_local = transform.to_matrix().inverse();
    let origin = to_local.transform_point3(origin);
    let direction = to_local.transform_vector3(direction);
    let mut near = f32::NEG_INFINITY;
    let mut far = f32::INFINITY;
    for axis in 0..3 {
        if direction[axis].abs() < 1e-9 {
            if origin[axis] < min[axis] || origin[axis] > max[axis] {
                return None;
            }
            continue;
        }
        let a = (min[axis] - origin[axis]) / direction[axis];
        let b = (max[axis] - origin[axis]) / direction[axis];
        near = near.max(a.min(b));
        far = far.min(a.max(b));
    }
    (near <= far && far >= 0.0).then_some(near.max(0.0))
}

fn select_on_click(
    buttons: Res<ButtonInput<MouseButton>>,
    egui: Option<Res<EguiWantsInput>>,
    mut selection: ResMut<Selection>,
) {
    let over_panel = egui.is_some_and(|egui| egui.wants_any_pointer_input());
    if buttons.just_pressed(MouseButton::Left) && !over_panel {
        selection.selected = selection.hovered;
    }
}

/// A white box around the hovered item, a golden one around the selected.
fn outline_items(
    selection: Res<Selection>,
    placed: Query<(&PlacedItem, &GlobalTransform)>,
    items: Res<Assets<Item>>,
    mut gizmos: Gizmos,
) {
    let mut outline = |entity: Option<Entity>, colour: Color| {
        let Some((item, transform)) = entity.and_then(|entity| placed.get(entity).ok()) else {
            return;
        };
        let Some(item) = items.get(&item.item) else {
            return;
        };
        let (_, rotation, translation) = transform.to_scale_rotation_translation();
        let centre = (item.min + item.max) / 2.0;
        let size = (item.max - item.min).max(Vec3::splat(0.01)) * 1.04;
        gizmos.cube(
            Transform::from_translation(translation + rotation * centre)
                .with_rotation(rotation)
                .with_scale(size),
            colour,
        );
    };
    if selection.hovered != selection.selected {
        outline(selection.hovered, Color::srgba(1.0, 1.0, 1.0, 0.8));
    }
    outline(selection.selected, Color::srgb(1.0, 0.8, 0.2));
}

/// Tells the item shader which item is hovered and which selected (its rim light), through the
/// mesh tags of their parts.
fn emphasise_items(
    selection: Res<Selection>,
    mut last: Local<Selection>,
    items: Query<&Children, With<PlacedItem>>,
    mut tags: Query<&mut MeshTag>,
) {
    if *selection == *last {
        return;
    }
    let emphasis = |entity: Entity| {
        if selection.selected == Some(entity) {
            Emphasis::Selected
        } else if selection.hovered == Some(entity) {
            Emphasis::Hovered
        } else {
            Emphasis::Plain
        }
    };
    let touched = [
        last.hovered,
        last.selected,
        selection.hovered,
        selection.selected,
    ];
    for entity in touched.into_iter().flatten() {
        let Ok(children) = items.get(entity) else {
            continue;
        };
        for child in children.iter() {
            if let Ok(mut tag) = tags.get_mut(child) {
                let emphasised = with_emphasis(&tag, emphasis(entity));
                *tag = emphasised;
            }
        }
    }
    *last = *selection;
}

#[expect(clippy::too_many_arguments, reason = "a Bevy system's parameters")]
fn show_inspector(
    mut contexts: EguiContexts,
    mut selection: ResMut<Selection>,
    placed: Query<(&PlacedItem, &ItemView)>,
    items: Res<Assets<Item>>,
    world: Res<WorldTokens>,
    mut verify: ResMut<VerifyStatus>,
    link: Option<Res<ChainLink>>,
    creator: Res<Creator>,
    worker: Option<Res<ModelWorker>>,
) -> Result {
    let Some((placed_item, view)) = selection
        .selected
        .and_then(|entity| placed.get(entity).ok())
    else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let token = world
        .tokens
        .iter()
        .find(|token| token.id == placed_item.token);
    let mut open = true;
    let height = ctx.viewport_rect().height() - 100.0;
    egui::Window::new("Inspector")
        .open(&mut open)
        .anchor(egui::Align2::LEFT_TOP, [12.0, 44.0])
        .resizable(false)
        .default_width(340.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(height.max(120.0))
                .show(ui, |ui| {
                    let item = items.get(&placed_item.item);
                    if let Some(item) = item {
                        ui.heading(&item.metadata.name);
                        if !item.metadata.description.is_empty() {
                            ui.label(&item.metadata.description);
                        }
                    }
                    if let ItemView::Failed(reason) = view {
                        ui.colored_label(egui::Color32::from_rgb(230, 90, 80), reason);
                    }
                    egui::Grid::new("facts").num_columns(2).show(ui, |ui| {
                        let mut row = |name: &str, value: String| {
                            ui.label(name);
                            ui.add(egui::Label::new(egui::RichText::new(value).monospace()).wrap());
                            ui.end_row();
                        };
                        row("token", placed_item.token.to_string());
                        if let Some(token) = token {
                            row("owner", token.owner.to_string());
                            row("creator", token.creator.to_string());
                            row("minted in block", token.minted_block.to_string());
                        }
                        row(
                            "plot",
                            format!(
                                "({}, {}), turned {}°",
                                placed_item.placement.x,
                                placed_item.placement.z,
                                placed_item.placement.rotation
                            ),
                        );
                        if let Some(item) = item {
                            if let Some(kiln) = &item.metadata.kiln {
                                row("prompt", kiln.prompt.clone());
                                row("seed", kiln.seed.to_string());
                                row("weights", kiln.generator.weights_sha256.to_string());
                            }
                            let cid = |uri: &Option<ItemUri>| uri.as_ref().map(ToString::to_string);
                            if let Some(glb) = cid(&item.metadata.animation_url) {
                                row("model", glb);
                            }
                            if let Some(image) = cid(&item.metadata.image) {
                                row("picture", image);
                            }
                            row("triangles", item.triangles.to_string());
                            for attribute in &item.metadata.attributes {
                                row(
                                    attribute.trait_type.as_deref().unwrap_or("trait"),
                                    attribute.value.to_string(),
                                );
                            }
                        }
                    });
                    ui.separator();
                    let weights = match &creator.model {
                        ModelState::Ready { weights, .. } => Some(weights.sha256.clone()),
                        _ => None,
                    };
                    let can_verify =
                        !verify.running && link.is_some() && worker.is_some() && weights.is_some();
                    if ui
                        .add_enabled(can_verify, egui::Button::new("Verify"))
                        .on_disabled_hover_text("the model is not ready")
                        .clicked()
                        && let (Some(link), Some(worker), Some(weights)) =
                            (&link, &worker, &weights)
                    {
                        verify.token = Some(placed_item.token);
                        verify.running = true;
                        verify.result = None;
                        link.verify(placed_item.token, worker.verifier(weights));
                    }
                    if verify.token == Some(placed_item.token) {
                        show_verification(ui, &verify);
                    }
                });
        });
    if !open {
        selection.selected = None;
    }
    Ok(())
}

fn show_verification(ui: &mut egui::Ui, verify: &VerifyStatus) {
    if verify.running {
        ui.label("⏳ verifying: the record, the files by CID, the model run again…");
    }
    match &verify.result {
        Some(Ok(verification)) => {
            for check in &verification.checks {
                let (mark, colour) = if check.ok {
                    ("✔", egui::Color32::from_rgb(120, 200, 120))
                } else {
                    ("✖", egui::Color32::from_rgb(230, 90, 80))
                };
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(colour, mark);
                    ui.label(egui::RichText::new(check.name).strong());
                    ui.label(&check.detail);
                });
            }
            ui.label(if verification.ok {
                "verified: this is what its prompt, seed and weights make"
            } else {
                "not verified: see the ✖ above"
            });
        }
        Some(Err(error)) => {
            ui.colored_label(egui::Color32::from_rgb(230, 90, 80), error);
        }
        None => {}
    }
}
