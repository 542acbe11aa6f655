//! The creator's preview: the generated object on a slowly turning table, rendered by a camera
//! of its own into a picture the creator panel shows. It lives on its own render layer, so the
//! world never sees it and it never sees the world.

use bevy::camera::RenderTarget;
use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use bevy::render::render_resource::TextureFormat;
use kiln_gen::Generated;

use crate::items::bevy_mesh;

/// The render layer of the preview stage.
const PREVIEW_LAYER: usize = 7;
/// Side of the preview picture in pixels.
pub const PREVIEW_SIZE: u32 = 384;
/// Radians per second the table turns.
const TURN_SPEED: f32 = 0.6;

/// The preview picture and what stands on the table.
#[derive(Resource)]
pub struct PreviewStage {
    pub image: Handle<Image>,
    camera: Entity,
    table: Entity,
    /// Whether an object stands on the table.
    pub showing: bool,
}

#[derive(Component)]
pub(super) struct Turntable;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, build_stage)
        .add_systems(Update, turn_table);
}

fn build_stage(mut commands: Commands, mut images: ResMut<Assets<Image>>) {
    let image = images.add(Image::new_target_texture(
        PREVIEW_SIZE,
        PREVIEW_SIZE,
        TextureFormat::Rgba8Unorm,
        Some(TextureFormat::Rgba8UnormSrgb),
    ));
    let layer = RenderLayers::layer(PREVIEW_LAYER);
    // Far below the world, so that nothing of it is near even if layers were ignored.
    let origin = Vec3::new(0.0, -500.0, 0.0);
    let table = commands
        .spawn((
            Name::new("Preview turntable"),
            Turntable,
            Transform::from_translation(origin),
            Visibility::default(),
            layer.clone(),
        ))
        .id();
    commands.spawn((
        Name::new("Preview key light"),
        DirectionalLight {
            illuminance: 9000.0,
            shadow_maps_enabled: false,
            ..default()
        },
        Transform::from_xyz(-2.0, 4.0, 3.0).looking_at(Vec3::ZERO, Vec3::Y),
        layer.clone(),
    ));
    commands.spawn((
        Name::new("Preview fill light"),
        DirectionalLight {
            illuminance: 2500.0,
            shadow_maps_enabled: false,
            ..default()
        },
        Transform::from_xyz(3.0, 1.0, -2.0).looking_at(Vec3::ZERO, Vec3::Y),
        layer.clone(),
    ));
    let camera = commands
        .spawn((
            Name::new("Preview camera"),
            Camera3d::default(),
            Camera {
                // Before the window's camera, so the picture is ready when the panel draws it.
                order: -1,
                clear_color: Color::srgb(0.45, 0.49, 0.56).into(),
                ..default()
            },
            RenderTarget::Image(image.clone().into()),
            Msaa::Off,
            Transform::from_translation(origin + Vec3::new(0.0, 1.0, 4.0))
                .looking_at(origin + Vec3::Y * 0.5, Vec3::Y),
            layer,
        ))
        .id();
    commands.insert_resource(PreviewStage {
        image,
        camera,
        table,
        showing: false,
    });
}

fn turn_table(time: Res<Time>, mut tables: Query<&mut Transform, With<Turntable>>) {
    for mut transform in &mut tables {
        transform.rotate_y(TURN_SPEED * time.delta_secs());
    }
}

/// Puts `generated` on the table in place of what stood there, and frames it.
pub fn show(
    commands: &mut Commands,
    stage: &mut PreviewStage,
    generated: &Generated,
    meshes: &mut Assets<Mesh>,
    materials: &crate::items::ItemMaterials,
    tables: &Query<(&Transform, Option<&Children>), With<Turntable>>,
) {
    let Ok((table, children)) = tables.get(stage.table) else {
        return;
    };
    for child in children.into_iter().flatten() {
        commands.entity(*child).despawn();
    }
    let layer = RenderLayers::layer(PREVIEW_LAYER);
    let mesh = &generated.mesh;
    commands.entity(stage.table).with_children(|table| {
        for primitive in &mesh.primitives {
            table.spawn((
                Mesh3d(meshes.add(bevy_mesh(mesh, &primitive.indices))),
                MeshMaterial3d(materials.for_class(primitive.material)),
                layer.clone(),
            ));
        }
    });
    // Frame the object: its bounding sphere fills most of the picture.
    let (min, max) = mesh.bounds();
    let (min, max) = (Vec3::from(min), Vec3::from(max));
    let centre = (min + max) / 2.0;
    let radius = ((max - min).length() / 2.0).max(0.05);
    let distance = radius / (22.5f32.to_radians().tan() * 0.85);
    let target = table.translation + centre;
    let eye = target + Vec3::new(0.0, 0.35, 1.0).normalize() * distance;
    commands
        .entity(stage.camera)
        .insert(Transform::from_translation(eye).looking_at(target, Vec3::Y));
    stage.showing = true;
}
