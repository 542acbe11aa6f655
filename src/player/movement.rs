//! How the player moves, as plain functions of state, input and time, so they can be tested
//! without a window.

use std::f32::consts::FRAC_PI_2;

use bevy::prelude::*;

/// Height of the player's eyes above the ground when walking, in metres.
pub(super) const EYE_HEIGHT: f32 = 1.7;
const WALK_SPEED: f32 = 4.5;
const FLY_SPEED: f32 = 18.0;
const RUN_FACTOR: f32 = 2.5;
const GRAVITY: f32 = 9.81;
const JUMP_SPEED: f32 = 4.2;
/// The player never leaves this square around the origin (metres from the centre).
const WORLD_LIMIT: f32 = 1500.0;
const CEILING: f32 = 400.0;
/// Looking straight up or down flips the view; stop just short of it.
const PITCH_LIMIT: f32 = FRAC_PI_2 - 0.01;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reflect)]
pub enum MovementMode {
    /// On the ground, under gravity.
    Walk,
    /// Free flight; Space climbs, Ctrl descends.
    Fly,
}

/// The player's camera controller: where it looks and how it moves.
#[derive(Component, Debug, Clone, Copy, PartialEq, Reflect)]
pub struct Player {
    /// Turn around the vertical axis, in radians; 0 looks down -Z.
    pub yaw: f32,
    /// Tilt up (positive) or down, in radians.
    pub pitch: f32,
    pub mode: MovementMode,
    /// Upward speed while walking (jumps and falls), in metres per second.
    pub vertical_speed: f32,
}

/// What the keys ask for in one frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MoveIntent {
    /// x: right, y: forward; each in -1..=1.
    pub planar: Vec2,
    /// +1 climb (or jump), -1 descend.
    pub vertical: f32,
    pub run: bool,
}

impl MoveIntent {
    pub fn from_keys(keys: &ButtonInput<KeyCode>) -> Self {
        let axis = |plus: &[KeyCode], minus: &[KeyCode]| {
            f32::from(keys.any_pressed(plus.iter().copied()))
                - f32::from(keys.any_pressed(minus.iter().copied()))
        };
        Self {
            planar: Vec2::new(
                axis(
                    &[KeyCode::KeyD, KeyCode::ArrowRight],
                    &[KeyCode::KeyA, KeyCode::ArrowLeft],
                ),
                axis(
                    &[KeyCode::KeyW, KeyCode::ArrowUp],
                    &[KeyCode::KeyS, KeyCode::ArrowDown],
                ),
            ),
            vertical: axis(
                &[KeyCode::Space],
                &[KeyCode::ControlLeft, KeyCode::ControlRight],
            ),
            run: keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]),
        }
    }
}

impl Player {
    /// A player looking along `direction`.
    pub fn facing(direction: Vec3, mode: MovementMode) -> Self {
        let direction = direction.normalize_or(Vec3::NEG_Z);
        Self {
            yaw: (-direction.x).atan2(-direction.z),
            pitch: direction
                .y
                .clamp(-1.0, 1.0)
                .asin()
                .clamp(-PITCH_LIMIT, PITCH_LIMIT),
            mode,
            vertical_speed: 0.0,
        }
    }

    pub fn rotation(&self) -> Quat {
        Quat::from_euler(EulerRot::YXZ, self.yaw, self.pitch, 0.0)
    }

    /// The camera transform for this orientation at `position`.
    pub fn orientation_at(&self, position: Vec3) -> Transform {
        Transform::from_translation(position).with_rotation(self.rotation())
    }

    /// Turns by a mouse movement already scaled to radians (x right, y down).
    pub fn turn(&mut self, delta: Vec2) {
        self.yaw = (self.yaw - delta.x).rem_euclid(std::f32::consts::TAU);
        self.pitch = (self.pitch - delta.y).clamp(-PITCH_LIMIT, PITCH_LIMIT);
    }

    pub fn toggle_mode(&mut self) {
        self.mode = match self.mode {
            MovementMode::Walk => MovementMode::Fly,
            MovementMode::Fly => MovementMode::Walk,
        };
        self.vertical_speed = 0.0;
    }

    /// Where the player is after `dt` seconds of `intent`, starting from `position`.
    pub fn step(&mut self, position: Vec3, intent: MoveIntent, dt: f32) -> Vec3 {
        let speed = match self.mode {
            MovementMode::Walk => WALK_SPEED,
            MovementMode::Fly => FLY_SPEED,
        } * if intent.run { RUN_FACTOR } else { 1.0 };
        // Forward is the horizontal part of where the camera looks, so looking down while
        // walking does not slow the player.
        let forward = Vec3::new(-self.yaw.sin(), 0.0, -self.yaw.cos());
        let right = Vec3::new(self.yaw.cos(), 0.0, -self.yaw.sin());
        let planar = (right * intent.planar.x + forward * intent.planar.y).normalize_or_zero();
        let mut next = position + planar * speed * dt;

        match self.mode {
            MovementMode::Fly => {
                next.y += intent.vertical * speed * dt;
                next.y = next.y.max(EYE_HEIGHT);
            }
            MovementMode::Walk => {
                let grounded = position.y <= EYE_HEIGHT + 1e-3;
                if grounded && intent.vertical > 0.0 {
                    self.vertical_speed = JUMP_SPEED;
                }
                self.vertical_speed -= GRAVITY * dt;
                next.y += self.vertical_speed * dt;
                if next.y <= EYE_HEIGHT {
                    next.y = EYE_HEIGHT;
                    self.vertical_speed = 0.0;
                }
            }
        }
        next.x = next.x.clamp(-WORLD_LIMIT, WORLD_LIMIT);
        next.z = next.z.clamp(-WORLD_LIMIT, WORLD_LIMIT);
        next.y = next.y.min(CEILING);
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facing_and_rotation_agree() {
        for direction in [
            Vec3::NEG_Z,
            Vec3::X,
            Vec3::new(-1.0, -0.5, 2.0),
            Vec3::new(3.0, 1.0, -1.0),
        ] {
            let player = Player::facing(direction, MovementMode::Fly);
            let looked = player.rotation() * Vec3::NEG_Z;
            assert!(
                looked.dot(direction.normalize()) > 0.9999,
                "{direction} -> {looked}"
            );
        }
    }

    #[test]
    fn pitch_stops_short_of_straight_up() {
        let mut player = Player::facing(Vec3::NEG_Z, MovementMode::Fly);
        player.turn(Vec2::new(0.0, -10.0));
        assert!(player.pitch < FRAC_PI_2 && player.pitch > 1.5);
    }

    #[test]
    fn walking_diagonally_is_not_faster() {
        let mut player = Player::facing(Vec3::NEG_Z, MovementMode::Walk);
        let start = Vec3::new(0.0, EYE_HEIGHT, 0.0);
        let straight = MoveIntent {
            planar: Vec2::Y,
            ..default()
        };
        let diagonal = MoveIntent {
            planar: Vec2::ONE,
            ..default()
        };
        let a = player.step(start, straight, 1.0).distance(start);
        let b = player.step(start, diagonal, 1.0).distance(start);
        assert!(
            (a - WALK_SPEED).abs() < 1e-4 && (a - b).abs() < 1e-4,
            "{a} vs {b}"
        );
    }

    #[test]
    fn a_jump_goes_up_and_lands_on_the_ground() {
        let mut player = Player::facing(Vec3::NEG_Z, MovementMode::Walk);
        let mut position = Vec3::new(0.0, EYE_HEIGHT, 0.0);
        let jump = MoveIntent {
            vertical: 1.0,
            ..default()
        };
        position = player.step(position, jump, 0.05);
        let mut highest = position.y;
        for _ in 0..100 {
            position = player.step(position, MoveIntent::default(), 0.05);
            highest = highest.max(position.y);
        }
        let expected_apex = EYE_HEIGHT + JUMP_SPEED * JUMP_SPEED / (2.0 * GRAVITY);
        assert!(
            (highest - expected_apex).abs() < 0.15,
            "apex {highest}, expected {expected_apex}"
        );
        assert_eq!(position.y, EYE_HEIGHT);
    }

    #[test]
    fn flight_stays_above_ground_and_inside_the_world() {
        let mut player = Player::facing(Vec3::NEG_Z, MovementMode::Fly);
        let down = MoveIntent {
            planar: Vec2::Y,
            vertical: -1.0,
            run: true,
        };
        let position = player.step(Vec3::new(0.0, 3.0, -1490.0), down, 10.0);
        assert_eq!(position, Vec3::new(0.0, EYE_HEIGHT, -WORLD_LIMIT));
    }
}
