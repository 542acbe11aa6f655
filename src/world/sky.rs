//! Sky and sunlight: one sun that casts soft shadows, a sky of our own drawn by
//! `shaders/sky.wgsl` on a dome around the camera, and distance fog that melts the ground into
//! the horizon.
//!
//! Why not Bevy's physically based `Atmosphere`: it crashes Mesa's lavapipe (Debian 12, Mesa
//! 22.3) in its compute passes, and lavapipe is how CI and headless machines render. The sky
//! shader is a few arithmetic operations per pixel on every GPU, the browser's included, and the
//! same [`SkyModel`] gives it, the fog and the ambient light their colours, so sky, haze and
//! shade always agree.

use bevy::camera::{Exposure, Hdr};
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::light::CascadeShadowConfigBuilder;
use bevy::pbr::{DistanceFog, FogFalloff};
use bevy::prelude::*;
use bevy::render::render_resource::{AsBindGroup, ShaderType};
use bevy::shader::ShaderRef;
/// Luminance of a sky texel of value 1.0, in cd/m²; with Bevy's default exposure this puts the
/// horizon just under white.
const SKY_BRIGHTNESS: f32 = 1100.0;
/// Distance in metres at which the ground has all but faded into the horizon's haze; the
/// meadow reaches 2 km out, where it is 99.9 % haze, so its end is never seen.
const FOG_VISIBILITY: f32 = 1400.0;
const SUN_ILLUMINANCE_LUX: f32 = 12_000.0;
const AMBIENT_BRIGHTNESS: f32 = 700.0;

pub(super) fn plugin(app: &mut App) {
    if let Some(embedded) = app
        .world_mut()
        .get_resource_mut::<bevy::asset::io::embedded::EmbeddedAssetRegistry>()
    {
        embedded.insert_asset(
            std::path::PathBuf::new(),
            std::path::Path::new("kiln/sky.wgsl"),
            include_bytes!("../../shaders/sky.wgsl").as_slice(),
        );
    }
    if app.get_sub_app(bevy::render::RenderApp).is_some() {
        app.add_plugins(MaterialPlugin::<SkyMaterial>::default());
    }
    app.init_resource::<SkyModel>()
        .add_systems(Startup, (spawn_sun, spawn_dome))
        .add_systems(Update, (put_sky_behind_new_cameras, follow_camera));
}

/// A clear mid-morning sky: where the sun stands and the colours of zenith, horizon and sun.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct SkyModel {
    /// Unit vector from the ground towards the sun.
    pub sun_direction: Vec3,
    pub zenith: LinearRgba,
    /// Also the colour of the haze below the horizon, seen past the end of the ground, and of
    /// the fog: sky and ground meet without a seam.
    pub horizon: LinearRgba,
    pub sun: LinearRgba,
}

impl Default for SkyModel {
    fn default() -> Self {
        let elevation = 38f32.to_radians();
        let azimuth = 100f32.to_radians();
        Self {
            sun_direction: Vec3::new(
                elevation.cos() * azimuth.sin(),
                elevation.sin(),
                elevation.cos() * azimuth.cos(),
            ),
            zenith: Color::srgb_u8(38, 96, 200).to_linear(),
            horizon: Color::srgb_u8(178, 208, 236).to_linear(),
            sun: Color::srgb_u8(255, 244, 220).to_linear(),
        }
    }
}

impl SkyModel {
    /// Sky colour seen along the unit vector `direction`, in linear RGB with 1.0 as the
    /// brightest sky (the sun's disc exceeds it). `shaders/sky.wgsl` computes the same.
    pub fn radiance(&self, direction: Vec3) -> LinearRgba {
        let elevation = direction.y;
        // Most of the blue sits high; the last few degrees above the horizon turn pale.
        let toward_horizon = (1.0 - elevation.max(0.0)).powf(6.0);
        let base = mix(self.zenith, self.horizon, toward_horizon);
        let cos_sun = direction.dot(self.sun_direction).max(0.0);
        let disc = if cos_sun > 0.99996 { 4.0 } else { 0.0 };
        let glow = 0.55 * cos_sun.powf(400.0) + 0.18 * cos_sun.powf(12.0);
        let sunlit = (disc + glow) * elevation.max(-0.02).mul_add(4.0, 0.6).clamp(0.0, 1.0);
        LinearRgba::rgb(
            base.red + self.sun.red * sunlit,
            base.green + self.sun.green * sunlit,
            base.blue + self.sun.blue * sunlit,
        )
    }

    /// What `shaders/sky.wgsl` needs of the model.
    fn uniform(&self) -> SkyUniform {
        let rgb = |c: LinearRgba| Vec4::new(c.red, c.green, c.blue, 1.0);
        SkyUniform {
            sun_direction: self.sun_direction.extend(0.0),
            zenith: rgb(self.zenith),
            horizon: rgb(self.horizon),
            sun: rgb(self.sun),
            brightness: Vec4::new(SKY_BRIGHTNESS, 0.0, 0.0, 0.0),
        }
    }
}

fn mix(a: LinearRgba, b: LinearRgba, t: f32) -> LinearRgba {
    a * (1.0 - t) + b * t
}

fn spawn_sun(mut commands: Commands, sky: Res<SkyModel>) {
    commands.spawn((
        Name::new("Sun"),
        DirectionalLight {
            illuminance: SUN_ILLUMINANCE_LUX,
            color: Color::from(sky.sun),
            shadow_maps_enabled: true,
            ..default()
        },
        Transform::default().looking_to(-sky.sun_direction, Vec3::Y),
        CascadeShadowConfigBuilder {
            num_cascades: 3,
            first_cascade_far_bound: 30.0,
            maximum_distance: 260.0,
            ..default()
        }
        .build(),
    ));
    // Light from the whole sky dome fills the shadows with its blue.
    let sky_light = mix(sky.zenith, sky.horizon, 0.5);
    commands.insert_resource(GlobalAmbientLight {
        color: Color::from(sky_light),
        brightness: AMBIENT_BRIGHTNESS,
        ..default()
    });
}

/// The sky's material: the model's colours for `shaders/sky.wgsl`.
#[derive(Asset, AsBindGroup, TypePath, Debug, Clone)]
struct SkyMaterial {
    #[uniform(0)]
    sky: SkyUniform,
}

#[derive(ShaderType, Debug, Clone)]
struct SkyUniform {
    sun_direction: Vec4,
    zenith: Vec4,
    horizon: Vec4,
    sun: Vec4,
    brightness: Vec4,
}

impl Material for SkyMaterial {
    fn fragment_shader() -> ShaderRef {
        "embedded://kiln/sky.wgsl".into()
    }
}

/// The dome the sky is drawn on: it follows the camera, inside its far plane.
#[derive(Component)]
struct SkyDome;

/// Radius of the dome, in metres: beyond the meadow's end (2 km), inside the far plane (2.5 km).
const DOME_RADIUS: f32 = 2300.0;

fn spawn_dome(
    mut commands: Commands,
    sky: Res<SkyModel>,
    mut meshes: ResMut<Assets<Mesh>>,
    materials: Option<ResMut<Assets<SkyMaterial>>>,
) {
    let Some(mut materials) = materials else {
        return;
    };
    // Seen from inside: the sphere's triangles turned to face in.
    let Ok(dome) = Sphere::new(DOME_RADIUS)
        .mesh()
        .uv(48, 24)
        .with_inverted_winding()
    else {
        return;
    };
    commands.spawn((
        Name::new("Sky"),
        SkyDome,
        Mesh3d(meshes.add(dome)),
        MeshMaterial3d(materials.add(SkyMaterial { sky: sky.uniform() })),
        bevy::light::NotShadowCaster,
        bevy::light::NotShadowReceiver,
        // Never culled: the camera is always inside it.
        bevy::camera::visibility::NoFrustumCulling,
    ));
}

/// Keeps the dome centred on the player's view.
fn follow_camera(
    cameras: Query<&GlobalTransform, (With<crate::player::Player>, Without<SkyDome>)>,
    mut domes: Query<&mut Transform, With<SkyDome>>,
) {
    let Some(eye) = cameras.iter().next() else {
        return;
    };
    for mut dome in &mut domes {
        dome.translation = eye.translation();
    }
}

/// Gives each new 3D camera the sky behind everything and the haze in front of the distance.
fn put_sky_behind_new_cameras(
    mut commands: Commands,
    sky: Res<SkyModel>,
    cameras: Query<Entity, Added<Camera3d>>,
) {
    for camera in &cameras {
        commands.entity(camera).insert((
            // Tone mapping as its own pass: without it Bevy tone-maps meshes (and their fog) in
            // their shader but leaves the skybox as it is, and haze and sky would not meet.
            Hdr,
            // Keeps the sky's blue where the default tone map turns it grey.
            Tonemapping::AcesFitted,
            sky.fog(),
        ));
    }
}

impl SkyModel {
    /// Haze the colour of the horizon, warmer towards the sun. Bevy blends fog into the colour
    /// after exposure, so the sky's colours are scaled to what the skybox shows on screen.
    fn fog(&self) -> DistanceFog {
        let on_screen = SKY_BRIGHTNESS * Exposure::default().exposure();
        let haze = Color::from(self.horizon * on_screen);
        DistanceFog {
            color: haze,
            directional_light_color: Color::from((self.sun * on_screen).with_alpha(0.3)),
            directional_light_exponent: 24.0,
            falloff: FogFalloff::from_visibility(FOG_VISIBILITY),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(colour: LinearRgba) -> f32 {
        0.2126 * colour.red + 0.7152 * colour.green + 0.0722 * colour.blue
    }

    #[test]
    fn sky_is_bluer_overhead_and_paler_at_the_horizon() {
        let sky = SkyModel::default();
        let away_from_sun = Vec3::new(-sky.sun_direction.x, 0.0, -sky.sun_direction.z).normalize();
        let zenith = sky.radiance(Vec3::Y);
        let horizon = sky.radiance((away_from_sun + Vec3::Y * 0.01).normalize());
        assert!(zenith.blue > zenith.red * 2.0, "{zenith:?}");
        assert!(luminance(horizon) > luminance(zenith));
        assert!(horizon.blue - horizon.red < zenith.blue - zenith.red);
    }

    #[test]
    fn the_sun_is_the_brightest_point_of_the_sky() {
        let sky = SkyModel::default();
        let at_sun = luminance(sky.radiance(sky.sun_direction));
        for direction in [
            Vec3::Y,
            Vec3::X,
            Vec3::NEG_Z,
            Vec3::new(0.3, 0.4, 0.5).normalize(),
        ] {
            assert!(at_sun > luminance(sky.radiance(direction)) + 1.0);
        }
    }
}
