//! Signed-distance primitives the procedural shapes are built from (after Inigo Quilez's
//! formulas). Negative inside, positive outside. The procedural shapes place them in metres for
//! training data and ground truth; the part generator's output is the same primitives, placed
//! by the network in the model's cube ([`crate::assembly`]), and is sampled and meshed with
//! them.

use glam::{Quat, Vec2, Vec3};

/// A primitive in its own frame: centred on the origin, +Y up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Primitive {
    /// Half extents; `rounding` is cut from the half extents and added back as a rounded edge.
    Box {
        half: Vec3,
        rounding: f32,
    },
    Sphere {
        radius: f32,
    },
    /// An ellipsoid with these radii (approximate distance, exact surface).
    Ellipsoid {
        radii: Vec3,
    },
    /// A vertical cylinder.
    Cylinder {
        radius: f32,
        half_height: f32,
        rounding: f32,
    },
    /// A vertical truncated cone: `bottom` radius at -half_height, `top` radius at +half_height.
    Cone {
        bottom: f32,
        top: f32,
        half_height: f32,
    },
    /// A torus around the Y axis.
    Torus {
        major: f32,
        minor: f32,
    },
    /// A segment from -half_length to +half_length along Y, with this radius.
    Capsule {
        half_length: f32,
        radius: f32,
    },
}

/// The edge radius a primitive really has: `rounding`, at most 95% of its smallest
/// half-size (a larger one would eat the primitive), never negative. The distance and the part
/// generator's meshes both use it, so they describe one surface.
pub fn clamped_rounding(rounding: f32, smallest_half: f32) -> f32 {
    rounding.min(smallest_half * 0.95).max(0.0)
}

impl Primitive {
    pub fn distance(&self, p: Vec3) -> f32 {
        match *self {
            Primitive::Box { half, rounding } => {
                let rounding = clamped_rounding(rounding, half.min_element());
                let q = p.abs() - (half - Vec3::splat(rounding));
                q.max(Vec3::ZERO).length() + q.max_element().min(0.0) - rounding
            }
            Primitive::Sphere { radius } => p.length() - radius,
            Primitive::Ellipsoid { radii } => {
                let k0 = (p / radii).length();
                let k1 = (p / (radii * radii)).length();
                if k1 <= f32::EPSILON {
                    -radii.min_element()
                } else {
                    k0 * (k0 - 1.0) / k1
                }
            }
            Primitive::Cylinder {
                radius,
                half_height,
                rounding,
            } => {
                let rounding = clamped_rounding(rounding, radius.min(half_height));
                let d = Vec2::new(
                    Vec2::new(p.x, p.z).length() - radius + rounding,
                    p.y.abs() - half_height + rounding,
                );
                d.x.max(d.y).min(0.0) + d.max(Vec2::ZERO).length() - rounding
            }
            Primitive::Cone {
                bottom,
                top,
                half_height,
            } => {
                let q = Vec2::new(Vec2::new(p.x, p.z).length(), p.y);
                let k1 = Vec2::new(top, half_height);
                let k2 = Vec2::new(top - bottom, 2.0 * half_height);
                let ca = Vec2::new(
                    q.x - q.x.min(if q.y < 0.0 { bottom } else { top }),
                    q.y.abs() - half_height,
                );
                let cb = q - k1 + k2 * ((k1 - q).dot(k2) / k2.dot(k2)).clamp(0.0, 1.0);
                let sign = if cb.x < 0.0 && ca.y < 0.0 { -1.0 } else { 1.0 };
                sign * ca.dot(ca).min(cb.dot(cb)).sqrt()
            }
            Primitive::Torus { major, minor } => {
                Vec2::new(Vec2::new(p.x, p.z).length() - major, p.y).length() - minor
            }
            Primitive::Capsule {
                half_length,
                radius,
            } => {
                let y = p.y.clamp(-half_length, half_length);
                (p - Vec3::new(0.0, y, 0.0)).length() - radius
            }
        }
    }

    /// Half extents of an axis-aligned box around the primitive, in its own frame.
    pub fn half_extents(&self) -> Vec3 {
        match *self {
            Primitive::Box { half, .. } => half,
            Primitive::Sphere { radius } => Vec3::splat(radius),
            Primitive::Ellipsoid { radii } => radii,
            Primitive::Cylinder {
                radius,
                half_height,
                ..
            } => Vec3::new(radius, half_height, radius),
            Primitive::Cone {
                bottom,
                top,
                half_height,
            } => {
                let radius = bottom.max(top);
                Vec3::new(radius, half_height, radius)
            }
            Primitive::Torus { major, minor } => Vec3::new(major + minor, minor, major + minor),
            Primitive::Capsule {
                half_length,
                radius,
            } => Vec3::new(radius, half_length + radius, radius),
        }
    }
}

/// A primitive placed in the object's frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub primitive: Primitive,
    pub center: Vec3,
    pub rotation: Quat,
    /// Cut away everything below this height (world y): a dome from an ellipsoid.
    pub clip_below: Option<f32>,
}

impl Placed {
    pub fn at(primitive: Primitive, center: Vec3) -> Self {
        Placed {
            primitive,
            center,
            rotation: Quat::IDENTITY,
            clip_below: None,
        }
    }

    pub fn rotated(mut self, rotation: Quat) -> Self {
        self.rotation = rotation;
        self
    }

    pub fn clipped_below(mut self, height: f32) -> Self {
        self.clip_below = Some(height);
        self
    }

    pub fn distance(&self, p: Vec3) -> f32 {
        let distance = self
            .primitive
            .distance(self.rotation.inverse() * (p - self.center));
        match self.clip_below {
            // Intersection with the half-space above the cut (a bound, exact on the surface).
            Some(height) => distance.max(height - p.y),
            None => distance,
        }
    }

    /// An axis-aligned box (min, max) around the placed primitive.
    pub fn bounds(&self) -> (Vec3, Vec3) {
        let half = self.primitive.half_extents();
        let mut min = Vec3::splat(f32::INFINITY);
        let mut max = Vec3::splat(f32::NEG_INFINITY);
        for corner in 0..8 {
            let local = Vec3::new(
                if corner & 1 == 0 { -half.x } else { half.x },
                if corner & 2 == 0 { -half.y } else { half.y },
                if corner & 4 == 0 { -half.z } else { half.z },
            );
            let world = self.center + self.rotation * local;
            min = min.min(world);
            max = max.max(world);
        }
        if let Some(height) = self.clip_below {
            min.y = min.y.max(height);
            max.y = max.y.max(min.y);
        }
        (min, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_near(actual: f32, expected: f32) {
        assert!((actual - expected).abs() < 1e-4, "{actual} != {expected}");
    }

    #[test]
    fn distances_are_exact_where_the_formulas_are() {
        let sphere = Primitive::Sphere { radius: 1.0 };
        assert_near(sphere.distance(Vec3::new(3.0, 0.0, 0.0)), 2.0);
        assert_near(sphere.distance(Vec3::ZERO), -1.0);
        let cube = Primitive::Box {
            half: Vec3::splat(1.0),
            rounding: 0.0,
        };
        assert_near(cube.distance(Vec3::new(2.0, 0.0, 0.0)), 1.0);
        assert_near(cube.distance(Vec3::new(2.0, 2.0, 1.0)), 2.0f32.sqrt());
        let cylinder = Primitive::Cylinder {
            radius: 1.0,
            half_height: 2.0,
            rounding: 0.0,
        };
        assert_near(cylinder.distance(Vec3::new(0.0, 3.0, 0.0)), 1.0);
        assert_near(cylinder.distance(Vec3::new(3.0, 0.0, 0.0)), 2.0);
        let torus = Primitive::Torus {
            major: 2.0,
            minor: 0.5,
        };
        assert_near(torus.distance(Vec3::new(2.0, 0.0, 0.0)), -0.5);
        let cone = Primitive::Cone {
            bottom: 1.0,
            top: 0.0,
            half_height: 1.0,
        };
        assert_near(cone.distance(Vec3::new(0.0, -2.0, 0.0)), 1.0);
        assert!(cone.distance(Vec3::new(0.0, 0.0, 0.0)) < 0.0);
        assert!(cone.distance(Vec3::new(0.9, 0.9, 0.0)) > 0.0);
    }

    #[test]
    fn placement_moves_and_turns_the_primitive() {
        let rod = Placed::at(
            Primitive::Capsule {
                half_length: 1.0,
                radius: 0.1,
            },
            Vec3::new(5.0, 0.0, 0.0),
        )
        .rotated(Quat::from_rotation_z(std::f32::consts::FRAC_PI_2));
        // Lying along X now.
        assert!(rod.distance(Vec3::new(5.9, 0.0, 0.0)) < 0.0);
        assert!(rod.distance(Vec3::new(5.0, 0.9, 0.0)) > 0.0);
        let (min, max) = rod.bounds();
        assert!((min.x - 3.9).abs() < 1e-4 && (max.x - 6.1).abs() < 1e-4);
    }
}
