//! Items in the world: every placed token stands on its plot, loaded through `ipfs://` as an
//! [`Item`] asset. A translucent block stands in while it loads; an item that cannot be shown
//! (missing files, a GLB that is not the one its metadata names, a file over the limits) gets a
//! red marker and keeps its reason for the inspector.

mod asset;
mod look;

use std::collections::HashMap;

use bevy::prelude::*;
use kiln_chain::{IndexedToken, Placement, TokenId};
use kiln_gen::vocab::Material;

use crate::chain::WorldTokens;
use crate::world::{PlotCoord, PlotGrid};

pub use asset::{
    Item, ItemLoadError, ItemLoader, ItemPart, bevy_mesh, distant_version, read_metadata,
};
pub use look::{Emphasis, ItemLook, ItemMaterial, item_tag, with_emphasis};

/// Placed tokens shown on their plots; needs the [`crate::ChainPlugin`]'s [`WorldTokens`]
/// and the `ipfs://` asset source.
pub struct ItemsPlugin;

impl Plugin for ItemsPlugin {
    fn build(&self, app: &mut App) {
        look::embed_shader(app);
        if app.get_sub_app(bevy::render::RenderApp).is_some() {
            app.add_plugins(MaterialPlugin::<ItemMaterial>::default());
        } else {
            app.init_asset::<ItemMaterial>();
        }
        app.init_asset::<Item>()
            .init_asset_loader::<ItemLoader>()
            .init_resource::<WorldTokens>()
            .init_resource::<ItemMaterials>()
            .add_systems(Startup, make_looks)
            .add_systems(Update, (place_items, show_loaded_items).chain());
    }
}

/// A token standing in the world.
#[derive(Component, Debug)]
pub struct PlacedItem {
    pub token: TokenId,
    pub placement: Placement,
    pub item: Handle<Item>,
}

/// How far an item's loading has come.
#[derive(Component, Debug, Clone, PartialEq)]
pub enum ItemView {
    Loading,
    Shown,
    /// Why it cannot be shown.
    Failed(String),
}

/// The placeholder or error marker of an item (replaced when it loads).
#[derive(Component)]
struct Stand;

/// The meshes and materials items are drawn with, made once.
#[derive(Resource)]
struct ItemLooks {
    placeholder: Handle<Mesh>,
    placeholder_material: Handle<StandardMaterial>,
    error: Handle<Mesh>,
    error_material: Handle<StandardMaterial>,
}

/// One material per material class (wood, metal, glass…); the colour comes from the vertices.
#[derive(Resource)]
pub struct ItemMaterials {
    classes: HashMap<Material, Handle<ItemMaterial>>,
}

impl ItemMaterials {
    pub fn for_class(&self, class: Material) -> Handle<ItemMaterial> {
        self.classes.get(&class).cloned().unwrap_or_default()
    }
}

impl FromWorld for ItemMaterials {
    fn from_world(world: &mut World) -> Self {
        let mut materials = world.resource_mut::<Assets<ItemMaterial>>();
        let classes = Material::ALL
            .iter()
            .map(|&class| {
                let (metallic, roughness) = match class {
                    Material::Metal | Material::Silver | Material::Gold => (0.9, 0.3),
                    Material::Glass | Material::Crystal => (0.0, 0.05),
                    Material::Ceramic | Material::Plastic => (0.0, 0.35),
                    _ => (0.0, 0.8),
                };
                let material = StandardMaterial {
                    // White: the vertex colours carry the item's colours.
                    base_color: Color::WHITE,
                    metallic,
                    perceptual_roughness: roughness,
                    ..default()
                };
                (
                    class,
                    materials.add(ItemMaterial {
                        base: material,
                        extension: ItemLook::default(),
                    }),
                )
            })
            .collect();
        Self { classes }
    }
}

fn make_looks(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    commands.insert_resource(ItemLooks {
        placeholder: meshes.add(Cuboid::new(1.0, 1.0, 1.0)),
        placeholder_material: materials.add(StandardMaterial {
            base_color: Color::srgba(0.85, 0.88, 0.95, 0.35),
            alpha_mode: AlphaMode::Blend,
            unlit: true,
            ..default()
        }),
        error: meshes.add(Sphere::new(0.4)),
        error_material: materials.add(StandardMaterial {
            base_color: Color::srgb(0.85, 0.1, 0.1),
            emissive: LinearRgba::rgb(0.6, 0.0, 0.0),
            ..default()
        }),
    });
}

/// The transform of an item on `placement`: the plot's centre, turned about +Y
/// (counter-clockwise seen from above) by its whole degrees.
pub fn placement_transform(grid: &PlotGrid, placement: Placement) -> Transform {
    Transform::from_translation(grid.center_of(PlotCoord {
        x: placement.x,
        z: placement.z,
    }))
    .with_rotation(Quat::from_rotation_y(
        f32::from(placement.rotation).to_radians(),
    ))
}

/// The `ipfs://` path of a token's metadata: the raw CID of its digest, as the contract
/// derives its token URI.
pub fn metadata_path(token: &IndexedToken) -> String {
    format!(
        "ipfs://{}",
        kiln_ipfs::raw_cid_of_sha256(token.metadata_sha256.0)
    )
}

/// Spawns, moves and removes item entities to match the placed tokens.
fn place_items(
    mut commands: Commands,
    world: Res<WorldTokens>,
    grid: Res<PlotGrid>,
    looks: Option<Res<ItemLooks>>,
    assets: Res<AssetServer>,
    mut placed: Query<(Entity, &mut PlacedItem, &mut Transform)>,
) {
    let Some(looks) = looks else { return };
    if !world.is_changed() {
        return;
    }
    let mut wanted: HashMap<TokenId, &IndexedToken> = world
        .tokens
        .iter()
        .filter(|token| token.placement.is_some())
        .map(|token| (token.id, token))
        .collect();
    for (entity, mut item, mut transform) in &mut placed {
        match wanted.remove(&item.token).and_then(|token| token.placement) {
            Some(placement) => {
                if placement != item.placement {
                    item.placement = placement;
                    *transform = placement_transform(&grid, placement);
                }
            }
            None => commands.entity(entity).despawn(),
        }
    }
    for token in wanted.into_values() {
        let Some(placement) = token.placement else {
            continue;
        };
        commands
            .spawn((
                PlacedItem {
                    token: token.id,
                    placement,
                    item: assets.load(metadata_path(token)),
                },
                ItemView::Loading,
                placement_transform(&grid, placement),
                Visibility::default(),
            ))
            .with_child((
                Stand,
                Mesh3d(looks.placeholder.clone()),
                MeshMaterial3d(looks.placeholder_material.clone()),
                Transform::from_xyz(0.0, 0.5, 0.0),
            ));
    }
}

/// Beyond this distance plus ten times its height an item is drawn simplified.
const DETAIL_DISTANCE: f32 = 40.0;

/// The meshes of `item` as children of `entity`: full detail near, simplified far (Bevy's
/// visibility ranges pick one per view).
pub fn spawn_parts(
    commands: &mut Commands,
    entity: Entity,
    item: &Item,
    materials: &ItemMaterials,
    appeared: f32,
) {
    spawn_detailed(
        commands,
        entity,
        [&item.parts, &item.distant_parts],
        item.max.y - item.min.y,
        materials,
        appeared,
    );
}

/// Full-detail and distant `parts` of an object `height` metres tall, as children of `entity`.
pub fn spawn_detailed(
    commands: &mut Commands,
    entity: Entity,
    [parts, distant_parts]: [&[ItemPart]; 2],
    height: f32,
    materials: &ItemMaterials,
    appeared: f32,
) {
    let tag = item_tag(appeared, Emphasis::Plain);
    let switch = DETAIL_DISTANCE + 10.0 * height.max(0.0);
    let near = bevy::camera::visibility::VisibilityRange::abrupt(0.0, switch);
    let far = bevy::camera::visibility::VisibilityRange::abrupt(switch, f32::MAX);
    commands.entity(entity).with_children(|parent| {
        for part in parts {
            parent.spawn((
                Mesh3d(part.mesh.clone()),
                MeshMaterial3d(materials.for_class(part.material)),
                near.clone(),
                tag.clone(),
            ));
        }
        // Far away a shadow is a few pixels: the shadow pass skips the distant meshes.
        for part in distant_parts {
            parent.spawn((
                Mesh3d(part.mesh.clone()),
                MeshMaterial3d(materials.for_class(part.material)),
                far.clone(),
                bevy::light::NotShadowCaster,
                tag.clone(),
            ));
        }
    });
}

/// Swaps the placeholder of each item that finished loading for its meshes, or for the error
/// marker.
#[expect(clippy::too_many_arguments, reason = "a Bevy system's parameters")]
fn show_loaded_items(
    mut commands: Commands,
    assets: Res<AssetServer>,
    items: Res<Assets<Item>>,
    looks: Option<Res<ItemLooks>>,
    materials: Res<ItemMaterials>,
    time: Res<Time>,
    mut loading: Query<(Entity, &PlacedItem, &mut ItemView, &Children)>,
    stands: Query<(), With<Stand>>,
) {
    let Some(looks) = looks else { return };
    for (entity, placed, mut view, children) in &mut loading {
        if *view != ItemView::Loading {
            continue;
        }
        let shown = match assets.get_load_state(&placed.item) {
            Some(bevy::asset::LoadState::Loaded) => match items.get(&placed.item) {
                Some(item) => Ok(item),
                None => continue,
            },
            Some(bevy::asset::LoadState::Failed(error)) => Err(error.to_string()),
            _ => continue,
        };
        for child in children.iter().filter(|child| stands.contains(*child)) {
            commands.entity(child).despawn();
        }
        match shown {
            Ok(item) => {
                spawn_parts(
                    &mut commands,
                    entity,
                    item,
                    &materials,
                    time.elapsed_secs_wrapped(),
                );
                *view = ItemView::Shown;
            }
            Err(error) => {
                warn!("item {} cannot be shown: {error}", placed.token);
                commands.entity(entity).with_child((
                    Stand,
                    Mesh3d(looks.error.clone()),
                    MeshMaterial3d(looks.error_material.clone()),
                    Transform::from_xyz(0.0, 0.6, 0.0),
                ));
                *view = ItemView::Failed(error);
            }
        }
    }
}
