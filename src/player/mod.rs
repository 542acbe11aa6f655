//! The player: a first-person camera that walks on the ground or flies over the world.
//!
//! WASD moves, the mouse looks around while the right button is held, Space jumps (walking) or
//! climbs (flying), Ctrl descends, Shift runs, F switches between walking and flying.

mod movement;

use bevy::input::mouse::AccumulatedMouseMotion;
use bevy::prelude::*;
use bevy::render::renderer::RenderAdapterInfo;
use bevy::window::{CursorGrabMode, CursorOptions, PrimaryWindow};
use bevy_egui::input::EguiWantsInput;

use movement::{MoveIntent, Obstacle};
pub use movement::{MovementMode, Player};

/// Where a new player stands: south-east of the plots, high enough to see the whole grid.
pub const SPAWN_POSITION: Vec3 = Vec3::new(62.0, 30.0, 96.0);
pub const SPAWN_LOOK_AT: Vec3 = Vec3::new(0.0, 0.0, 6.0);

/// Radians of turn per pixel of mouse motion.
const MOUSE_SENSITIVITY: f32 = 0.003;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Aim>()
        .add_systems(Startup, spawn_player)
        .add_systems(
            Update,
            (
                (toggle_movement_mode, move_player)
                    .chain()
                    .run_if(keyboard_is_free),
                look_around,
                aim,
            )
                .chain(),
        )
        .add_systems(bevy_egui::EguiPrimaryContextPass, draw_crosshair);
}

/// What the crosshair points at.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct Aim {
    /// Where the view's centre meets the ground, within reach.
    pub ground: Option<Vec3>,
    /// The plot there, if it is on one.
    pub plot: Option<crate::PlotCoord>,
}

/// How far the crosshair reaches, in metres.
const REACH: f32 = 400.0;

fn aim(
    grid: Option<Res<crate::PlotGrid>>,
    players: Query<&GlobalTransform, With<Player>>,
    mut aim: ResMut<Aim>,
) {
    let Some(grid) = grid else { return };
    let Some(eye) = players.iter().next() else {
        return;
    };
    let forward = eye.forward().as_vec3();
    let origin = eye.translation();
    // The ray meets the ground plane y = 0 ahead of the eye, or not at all.
    let hit = (forward.y < -1e-4)
        .then(|| -origin.y / forward.y)
        .filter(|distance| *distance <= REACH)
        .map(|distance| origin + forward * distance);
    let now = Aim {
        ground: hit,
        plot: hit.and_then(|point| grid.plot_at(point)),
    };
    if *aim != now {
        *aim = now;
    }
}

/// A small cross at the centre of the view.
fn draw_crosshair(mut contexts: bevy_egui::EguiContexts) -> Result {
    let ctx = contexts.ctx_mut()?;
    let centre = ctx.viewport_rect().center();
    let painter = ctx.layer_painter(bevy_egui::egui::LayerId::new(
        bevy_egui::egui::Order::Background,
        "crosshair".into(),
    ));
    let stroke = bevy_egui::egui::Stroke::new(2.0, bevy_egui::egui::Color32::from_white_alpha(200));
    let arm = 7.0;
    painter.line_segment(
        [
            centre - bevy_egui::egui::vec2(arm, 0.0),
            centre + bevy_egui::egui::vec2(arm, 0.0),
        ],
        stroke,
    );
    painter.line_segment(
        [
            centre - bevy_egui::egui::vec2(0.0, arm),
            centre + bevy_egui::egui::vec2(0.0, arm),
        ],
        stroke,
    );
    Ok(())
}

fn spawn_player(mut commands: Commands, adapter: Option<Res<RenderAdapterInfo>>) {
    let mut transform = Transform::from_translation(SPAWN_POSITION);
    transform.look_at(SPAWN_LOOK_AT, Vec3::Y);
    let player = Player::facing(transform.forward().as_vec3(), MovementMode::Fly);
    commands.spawn((
        Name::new("Player"),
        Camera3d::default(),
        bevy_egui::PrimaryEguiContext,
        Projection::Perspective(PerspectiveProjection {
            fov: 60f32.to_radians(),
            // The meadow reaches 2 km out and fades into the haze; draw all of it.
            far: 2500.0,
            ..default()
        }),
        player.orientation_at(SPAWN_POSITION),
        anti_aliasing_for(adapter.as_deref()),
        player,
    ));
}

/// Multisampling on graphics hardware; none on a software rasteriser (lavapipe, SwiftShader),
/// where 4x MSAA cost 40% of the frame time (820 ms against 490 ms a frame at 1280x720 under
/// lavapipe on 2 cores).
fn anti_aliasing_for(adapter: Option<&RenderAdapterInfo>) -> Msaa {
    match adapter {
        Some(adapter) if adapter.device_type == wgpu_types::DeviceType::Cpu => Msaa::Off,
        _ => Msaa::default(),
    }
}

/// The world gets keyboard input unless an egui text field or widget has the focus.
fn keyboard_is_free(egui: Option<Res<EguiWantsInput>>) -> bool {
    egui.is_none_or(|egui| !egui.wants_any_keyboard_input())
}

fn toggle_movement_mode(keys: Res<ButtonInput<KeyCode>>, mut players: Query<&mut Player>) {
    if keys.just_pressed(KeyCode::KeyF) {
        for mut player in &mut players {
            player.toggle_mode();
        }
    }
}

/// How far around the player items are considered for collision, in metres.
const COLLISION_RANGE: f32 = 40.0;

fn move_player(
    keys: Res<ButtonInput<KeyCode>>,
    time: Res<Time>,
    items: Option<Res<Assets<crate::items::Item>>>,
    placed: Query<(
        &crate::items::PlacedItem,
        &GlobalTransform,
        &crate::items::ItemView,
    )>,
    mut players: Query<(&mut Player, &mut Transform)>,
) {
    let intent = MoveIntent::from_keys(&keys);
    for (mut player, mut transform) in &mut players {
        let here = transform.translation;
        // Each shown item's box, turned with it, as the axis-aligned box around that.
        let obstacles: Vec<Obstacle> = placed
            .iter()
            .filter(|(_, at, view)| {
                **view == crate::items::ItemView::Shown
                    && at.translation().xz().distance(here.xz()) < COLLISION_RANGE
            })
            .filter_map(|(item, at, _)| {
                let item = items.as_ref()?.get(&item.item)?;
                let corners = (0..8).map(|i| {
                    let corner = Vec3::new(
                        if i & 1 == 0 { item.min.x } else { item.max.x },
                        if i & 2 == 0 { item.min.y } else { item.max.y },
                        if i & 4 == 0 { item.min.z } else { item.max.z },
                    );
                    at.transform_point(corner)
                });
                let (min, max) = corners.fold(
                    (Vec3::splat(f32::MAX), Vec3::splat(f32::MIN)),
                    |(min, max), corner| (min.min(corner), max.max(corner)),
                );
                Some(Obstacle { min, max })
            })
            .collect();
        transform.translation = player.step(here, intent, time.delta_secs(), &obstacles);
    }
}

/// Turns the view while the right button is held, if the drag began over the world rather than
/// over a panel; the cursor is hidden and locked meanwhile, so the mouse can turn freely.
fn look_around(
    buttons: Res<ButtonInput<MouseButton>>,
    motion: Res<AccumulatedMouseMotion>,
    egui: Option<Res<EguiWantsInput>>,
    mut looking: Local<bool>,
    mut cursors: Query<&mut CursorOptions, With<PrimaryWindow>>,
    mut players: Query<(&mut Player, &mut Transform)>,
) {
    let pointer_is_free = egui.is_none_or(|egui| !egui.wants_any_pointer_input());
    let grab = if buttons.just_pressed(MouseButton::Right) && pointer_is_free {
        Some(true)
    } else if buttons.just_released(MouseButton::Right) && *looking {
        Some(false)
    } else {
        None
    };
    if let Some(grab) = grab {
        *looking = grab;
        for mut cursor in &mut cursors {
            cursor.visible = !grab;
            cursor.grab_mode = if grab {
                CursorGrabMode::Locked
            } else {
                CursorGrabMode::None
            };
        }
    }
    if !*looking || motion.delta == Vec2::ZERO {
        return;
    }
    for (mut player, mut transform) in &mut players {
        player.turn(motion.delta * MOUSE_SENSITIVITY);
        transform.rotation = player.rotation();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bevy::time::TimeUpdateStrategy;

    use super::*;

    fn app_with_player() -> App {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .init_resource::<ButtonInput<KeyCode>>()
            .init_resource::<ButtonInput<MouseButton>>()
            .init_resource::<AccumulatedMouseMotion>()
            .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
                100,
            )))
            .add_plugins(plugin);
        app.update();
        app
    }

    /// Runs one frame, then forgets this frame's presses and releases, as Bevy's input plugin
    /// does (the tests drive the input resources directly, without it).
    fn step(app: &mut App) {
        app.update();
        app.world_mut()
            .resource_mut::<ButtonInput<KeyCode>>()
            .clear();
        app.world_mut()
            .resource_mut::<ButtonInput<MouseButton>>()
            .clear();
    }

    fn player(app: &mut App) -> (Player, Transform) {
        let world = app.world_mut();
        let (player, transform) = world
            .query::<(&Player, &Transform)>()
            .single(world)
            .unwrap();
        (*player, *transform)
    }

    #[test]
    fn w_moves_the_player_the_way_it_faces() {
        let mut app = app_with_player();
        let (_, before) = player(&mut app);
        app.world_mut()
            .resource_mut::<ButtonInput<KeyCode>>()
            .press(KeyCode::KeyW);
        for _ in 0..5 {
            step(&mut app);
        }
        let (_, after) = player(&mut app);
        let moved = after.translation - before.translation;
        let forward = before.forward().as_vec3();
        let horizontal_forward = Vec3::new(forward.x, 0.0, forward.z).normalize();
        assert!(moved.length() > 1.0, "moved only {moved}");
        assert!(
            moved.normalize().dot(horizontal_forward) > 0.99,
            "moved {moved} but faces {forward}"
        );
    }

    #[test]
    fn f_switches_to_walking_and_gravity_brings_the_player_down() {
        let mut app = app_with_player();
        let (_, start) = player(&mut app);
        app.world_mut()
            .resource_mut::<ButtonInput<KeyCode>>()
            .press(KeyCode::KeyF);
        step(&mut app);
        app.world_mut()
            .resource_mut::<ButtonInput<KeyCode>>()
            .release(KeyCode::KeyF);
        for _ in 0..60 {
            step(&mut app);
        }
        let (walker, landed) = player(&mut app);
        assert_eq!(walker.mode, MovementMode::Walk);
        assert!(start.translation.y > 20.0);
        assert!(
            (landed.translation.y - movement::EYE_HEIGHT).abs() < 1e-3,
            "eyes at {} after the fall",
            landed.translation.y
        );
    }

    #[test]
    fn right_drag_turns_the_view() {
        let mut app = app_with_player();
        let (before, _) = player(&mut app);
        app.world_mut()
            .resource_mut::<ButtonInput<MouseButton>>()
            .press(MouseButton::Right);
        app.world_mut()
            .resource_mut::<AccumulatedMouseMotion>()
            .delta = Vec2::new(100.0, 0.0);
        app.update();
        let (after, transform) = player(&mut app);
        assert!(
            (after.yaw - (before.yaw - 0.3)).abs() < 1e-4,
            "{} -> {}",
            before.yaw,
            after.yaw
        );
        assert!(transform.rotation.abs_diff_eq(after.rotation(), 1e-5));
    }
}
