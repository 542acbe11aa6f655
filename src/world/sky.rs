//! Sky and sunlight: one sun that casts soft shadows, a sky of our own baked into a cubemap at
//! start-up, and distance fog that melts the ground into the horizon.
//!
//! Why not Bevy's physically based `Atmosphere`: it crashes Mesa's lavapipe (Debian 12, Mesa
//! 22.3) in its compute passes, and lavapipe is how CI and headless machines render. The baked
//! sky costs one texture lookup per pixel on every GPU, the browser's included, and the same
//! [`SkyModel`] gives the fog and ambient colours, so sky, haze and shade always agree.

use bevy::asset::RenderAssetUsages;
use bevy::camera::{Exposure, Hdr};
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::light::{CascadeShadowConfigBuilder, Skybox};
use bevy::pbr::{DistanceFog, FogFalloff};
use bevy::prelude::*;
use bevy::render::render_resource::{
    Extent3d, TextureDimension, TextureFormat, TextureViewDescriptor, TextureViewDimension,
};

/// Edge of one cubemap face in texels: the sky is smooth, so a small face is enough.
const SKY_FACE_SIZE: u32 = 128;
/// Luminance of a sky texel of value 1.0, in cd/m²; with Bevy's default exposure this puts the
/// horizon just under white.
const SKY_BRIGHTNESS: f32 = 1100.0;
/// Distance in metres at which the ground has all but faded into the horizon's haze; the
/// meadow reaches 2 km out, where it is 99.9 % haze, so its end is never seen.
const FOG_VISIBILITY: f32 = 1400.0;
const SUN_ILLUMINANCE_LUX: f32 = 12_000.0;
const AMBIENT_BRIGHTNESS: f32 = 700.0;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<SkyModel>()
        .add_systems(Startup, (spawn_sun, bake_sky))
        .add_systems(Update, put_sky_behind_new_cameras);
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

/// The baked sky, shared by every camera.
#[derive(Resource, Debug, Clone)]
struct SkyCubemap(Handle<Image>);

impl SkyModel {
    /// Sky colour seen along the unit vector `direction`, in linear RGB with 1.0 as the
    /// brightest sky (the sun's disc may exceed it and is clipped by the texture).
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

    /// The sky as a cubemap for Bevy's [`Skybox`], `face_size` texels on a side.
    pub fn cubemap(&self, face_size: u32) -> Image {
        let mut data = Vec::with_capacity((face_size * face_size * 6 * 4) as usize);
        for face in 0..6 {
            for row in 0..face_size {
                for column in 0..face_size {
                    let u = (column as f32 + 0.5) / face_size as f32 * 2.0 - 1.0;
                    let v = (row as f32 + 0.5) / face_size as f32 * 2.0 - 1.0;
                    let colour = Color::from(self.radiance(cube_texel_direction(face, u, v)));
                    data.extend_from_slice(&colour.to_srgba().to_u8_array());
                }
            }
        }
        let mut image = Image::new(
            Extent3d {
                width: face_size,
                height: face_size,
                depth_or_array_layers: 6,
            },
            TextureDimension::D2,
            data,
            TextureFormat::Rgba8UnormSrgb,
            RenderAssetUsages::RENDER_WORLD,
        );
        image.texture_view_descriptor = Some(TextureViewDescriptor {
            dimension: Some(TextureViewDimension::Cube),
            ..default()
        });
        image
    }
}

fn mix(a: LinearRgba, b: LinearRgba, t: f32) -> LinearRgba {
    a * (1.0 - t) + b * t
}

/// The world direction that texel (u, v) of cubemap `face` shows, with u and v in -1..=1
/// (u to the right, v down). Faces come in the GPU's order +X, -X, +Y, -Y, +Z, -Z; Bevy's skybox
/// shader samples with z mirrored (it looks up `(x, y, -z)`), so z is mirrored back here.
fn cube_texel_direction(face: u32, u: f32, v: f32) -> Vec3 {
    let cube = match face {
        0 => Vec3::new(1.0, -v, -u),
        1 => Vec3::new(-1.0, -v, u),
        2 => Vec3::new(u, 1.0, v),
        3 => Vec3::new(u, -1.0, -v),
        4 => Vec3::new(u, -v, 1.0),
        _ => Vec3::new(-u, -v, -1.0),
    };
    Vec3::new(cube.x, cube.y, -cube.z).normalize()
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

fn bake_sky(mut commands: Commands, sky: Res<SkyModel>, mut images: ResMut<Assets<Image>>) {
    commands.insert_resource(SkyCubemap(images.add(sky.cubemap(SKY_FACE_SIZE))));
}

/// Gives each new 3D camera the sky behind everything and the haze in front of the distance.
fn put_sky_behind_new_cameras(
    mut commands: Commands,
    sky: Res<SkyModel>,
    cubemap: Res<SkyCubemap>,
    cameras: Query<Entity, Added<Camera3d>>,
) {
    for camera in &cameras {
        commands.entity(camera).insert((
            // Tone mapping as its own pass: without it Bevy tone-maps meshes (and their fog) in
            // their shader but leaves the skybox as it is, and haze and sky would not meet.
            Hdr,
            // Keeps the sky's blue where the default tone map turns it grey.
            Tonemapping::AcesFitted,
            Skybox {
                image: Some(cubemap.0.clone()),
                brightness: SKY_BRIGHTNESS,
                ..default()
            },
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

    #[test]
    fn cube_faces_look_where_the_gpu_expects() {
        // Face centres of +Y and -Y are straight up and down; +X is +X; +Z (mirrored) is -Z.
        assert_eq!(cube_texel_direction(2, 0.0, 0.0), Vec3::Y);
        assert_eq!(cube_texel_direction(3, 0.0, 0.0), Vec3::NEG_Y);
        assert_eq!(cube_texel_direction(0, 0.0, 0.0), Vec3::X);
        assert_eq!(cube_texel_direction(4, 0.0, 0.0), Vec3::NEG_Z);
        // The top row of a side face looks up.
        assert!(cube_texel_direction(0, 0.0, -1.0).y > 0.5);
    }

    #[test]
    fn the_baked_sky_has_six_faces_and_its_brightest_texel_faces_the_sun() {
        let sky = SkyModel::default();
        let image = sky.cubemap(32);
        let data = image.data.as_ref().unwrap();
        assert_eq!(data.len(), 32 * 32 * 6 * 4);
        let brightest = data
            .chunks_exact(4)
            .enumerate()
            .max_by_key(|(_, texel)| {
                u32::from(texel[0]) + u32::from(texel[1]) + u32::from(texel[2])
            })
            .map(|(index, _)| index as u32)
            .unwrap();
        let (face, row, column) = (brightest / 1024, brightest / 32 % 32, brightest % 32);
        let direction = cube_texel_direction(
            face,
            (column as f32 + 0.5) / 16.0 - 1.0,
            (row as f32 + 0.5) / 16.0 - 1.0,
        );
        assert!(
            direction.dot(sky.sun_direction) > 0.99,
            "{direction} vs {}",
            sky.sun_direction
        );
    }
}
