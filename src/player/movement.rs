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
/// Half the width of the walking player's body.
const BODY_RADIUS: f32 = 0.3;
/// How far above the eyes the head reaches.
const HEAD_ABOVE_EYES: f32 = 0.1;
/// A ledge this high is stepped onto rather than walked into.
const STEP_HEIGHT: f32 = 0.45;

/// Something the walking player cannot pass through: an item's box in the world, axis-aligned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obstacle {
    pub min: Vec3,
    pub max: Vec3,
}

impl Obstacle {
    /// Whether a body with its eyes at `eye` overlaps the box across the ground.
    fn under_footprint(&self, eye: Vec3) -> bool {
        eye.x + BODY_RADIUS > self.min.x
            && eye.x - BODY_RADIUS < self.max.x
            && eye.z + BODY_RADIUS > self.min.z
            && eye.z - BODY_RADIUS < self.max.z
    }

    /// Whether a body with its eyes at `eye` would be inside the box (a ledge low enough to
    /// step onto does not count).
    fn blocks(&self, eye: Vec3) -> bool {
        let feet = eye.y - EYE_HEIGHT;
        self.under_footprint(eye)
            && feet + STEP_HEIGHT < self.max.y
            && eye.y + HEAD_ABOVE_EYES > self.min.y
    }
}

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

    /// Where the player is after `dt` seconds of `intent`, starting from `position`; walking,
    /// the player slides along `obstacles`, steps onto low ones and stands on them.
    pub fn step(
        &mut self,
        position: Vec3,
        intent: MoveIntent,
        dt: f32,
        obstacles: &[Obstacle],
    ) -> Vec3 {
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
                // Across the ground one axis at a time, so a wall stops one and the player
                // slides along it.
                let blocked = |eye: Vec3| obstacles.iter().any(|o| o.blocks(eye));
                let mut moved = position;
                if !blocked(Vec3::new(next.x, position.y, position.z)) {
                    moved.x = next.x;
                }
                if !blocked(Vec3::new(moved.x, position.y, next.z)) {
                    moved.z = next.z;
                }
                next.x = moved.x;
                next.z = moved.z;
                // What the feet can stand on here: the ground, or the top of a box no higher
                // than a step above them.
                let feet = position.y - EYE_HEIGHT;
                let support = obstacles
                    .iter()
                    .filter(|o| o.under_footprint(moved) && o.max.y <= feet + STEP_HEIGHT)
                    .map(|o| o.max.y)
                    .fold(0.0_f32, f32::max);
                let grounded = feet <= support + 1e-3;
                if grounded && intent.vertical > 0.0 {
                    self.vertical_speed = JUMP_SPEED;
                }
                self.vertical_speed -= GRAVITY * dt;
                next.y = position.y + self.vertical_speed * dt;
                if next.y - EYE_HEIGHT <= support {
                    next.y = support + EYE_HEIGHT;
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
        let a = player.step(start, straight, 1.0, &[]).distance(start);
        let b = player.step(start, diagonal, 1.0, &[]).distance(start);
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
        position = player.step(position, jump, 0.05, &[]);
        let mut highest = position.y;
        for _ in 0..100 {
            position = player.step(position, MoveIntent::default(), 0.05, &[]);
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
        let position = player.step(Vec3::new(0.0, 3.0, -1490.0), down, 10.0, &[]);
        assert_eq!(position, Vec3::new(0.0, EYE_HEIGHT, -WORLD_LIMIT));
    }

    /// A box 2 m tall in front of the player (toward -Z) and a 0.3 m step to the right.
    fn course() -> [Obstacle; 2] {
        [
            Obstacle {
                min: Vec3::new(-1.0, 0.0, -3.0),
                max: Vec3::new(1.0, 2.0, -2.0),
            },
            Obstacle {
                min: Vec3::new(1.0, 0.0, -1.0),
                max: Vec3::new(3.0, 0.3, 1.0),
            },
        ]
    }

    #[test]
    fn walking_into_an_item_stops_at_it_and_slides_along_it() {
        let mut player = Player::facing(Vec3::NEG_Z, MovementMode::Walk);
        let mut position = Vec3::new(0.0, EYE_HEIGHT, 0.0);
        let ahead = MoveIntent {
            planar: Vec2::Y,
            ..default()
        };
        for _ in 0..20 {
            position = player.step(position, ahead, 0.05, &course());
        }
        assert!(
            position.z >= -2.0 + BODY_RADIUS - 1e-4 && position.z < -1.0,
            "walked into the box or stopped short: {position}"
        );
        // Pressing ahead and a little left slides along its face and round its corner.
        let ahead_and_left = MoveIntent {
            planar: Vec2::new(-0.4, 1.0),
            ..default()
        };
        for _ in 0..60 {
            position = player.step(position, ahead_and_left, 0.05, &course());
        }
        assert!(
            position.x < -1.0 - BODY_RADIUS && position.z < -3.0,
            "did not slide past it: {position}"
        );
        // Flying passes through.
        let mut flyer = Player::facing(Vec3::NEG_Z, MovementMode::Fly);
        let ahead = MoveIntent {
            planar: Vec2::Y,
            ..default()
        };
        let flown = flyer.step(Vec3::new(0.0, EYE_HEIGHT, 0.0), ahead, 0.5, &course());
        assert!(flown.z < -2.5, "{flown}");
    }

    #[test]
    fn a_low_item_is_stepped_onto_and_stood_on() {
        let mut player = Player::facing(Vec3::X, MovementMode::Walk);
        let mut position = Vec3::new(0.0, EYE_HEIGHT, 0.0);
        let ahead = MoveIntent {
            planar: Vec2::Y,
            ..default()
        };
        for _ in 0..10 {
            position = player.step(position, ahead, 0.05, &course());
        }
        assert!(position.x > 1.5 && position.x < 3.0, "{position}");
        assert!(
            (position.y - (0.3 + EYE_HEIGHT)).abs() < 1e-4,
            "not standing on the step: {position}"
        );
    }
}
