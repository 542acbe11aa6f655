//! The gallery: every token of the world, or only mine, with its thumbnail, name and maker;
//! searched by the words of its name, prompt and traits; a click flies to where it stands.
//! Cards load only the metadata and the thumbnail, never the mesh.

use bevy::asset::io::Reader;
use bevy::asset::{AssetLoader, LoadContext, RenderAssetUsages};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, EguiTextureHandle, egui};
use kiln_asset::{ItemMetadata, ItemUri, Limits};
use kiln_chain::{IndexedToken, TokenId};

use crate::chain::WorldTokens;
use crate::items::{ItemLoadError, metadata_path, placement_transform, read_metadata};
use crate::player::Player;
use crate::world::PlotGrid;

/// The gallery window, its cards and the G key.
pub struct GalleryPlugin;

impl Plugin for GalleryPlugin {
    fn build(&self, app: &mut App) {
        app.init_asset::<ItemCard>()
            .init_asset_loader::<ItemCardLoader>()
            .init_resource::<Gallery>()
            .add_systems(Update, toggle_gallery)
            .add_systems(EguiPrimaryContextPass, show_gallery);
    }
}

/// What the gallery shows of a token: its metadata and its picture.
#[derive(Asset, TypePath, Debug)]
pub struct ItemCard {
    pub metadata: ItemMetadata,
    pub thumbnail: Option<Handle<Image>>,
}

/// Reads `ipfs://<metadata CID>` as an [`ItemCard`] (chosen by asset type, beside [`crate::Item`]
/// for the same path): the metadata, and the thumbnail it names decoded within kiln-asset's
/// limits.
#[derive(Default, TypePath)]
pub struct ItemCardLoader;

impl AssetLoader for ItemCardLoader {
    type Asset = ItemCard;
    type Settings = ();
    type Error = ItemLoadError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        context: &mut LoadContext<'_>,
    ) -> Result<ItemCard, ItemLoadError> {
        let limits = Limits::default();
        let metadata = read_metadata(reader, &limits).await?;
        let mut thumbnail = None;
        if let Some(ItemUri::Ipfs { cid, path }) = &metadata.image
            && path.is_empty()
            && let Ok(png) = context.read_asset_bytes(format!("ipfs://{cid}")).await
            && let Some(image) = decode_thumbnail(&png, &limits)
        {
            thumbnail = Some(context.add_labeled_asset("thumbnail", image));
        }
        Ok(ItemCard {
            metadata,
            thumbnail,
        })
    }
}

/// A PNG or JPEG thumbnail as a Bevy image, if it decodes and is within the limits (a card
/// without a picture beats no card).
fn decode_thumbnail(bytes: &[u8], limits: &Limits) -> Option<Image> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut decode_limits = image::Limits::default();
    decode_limits.max_image_width = Some(limits.texture_side);
    decode_limits.max_image_height = Some(limits.texture_side);
    reader.limits(decode_limits);
    let picture = reader.decode().ok()?;
    Some(Image::from_dynamic(
        picture,
        true,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    ))
}

/// Each token's card being read, and its picture's egui texture once there.
type CardHandles = std::collections::HashMap<TokenId, (Handle<ItemCard>, Option<egui::TextureId>)>;

/// The gallery window's state.
#[derive(Resource, Debug, Default)]
pub struct Gallery {
    pub open: bool,
    pub search: String,
    pub only_mine: bool,
}

fn toggle_gallery(
    keys: Res<ButtonInput<KeyCode>>,
    egui: Option<Res<bevy_egui::input::EguiWantsInput>>,
    mut gallery: ResMut<Gallery>,
) {
    let typing = egui.is_some_and(|egui| egui.wants_any_keyboard_input());
    if keys.just_pressed(KeyCode::KeyG) && !typing {
        gallery.open = !gallery.open;
    }
}

/// Whether every word of `search` is in the token's name, prompt or traits.
pub fn matches(metadata: &ItemMetadata, search: &str) -> bool {
    let mut text = metadata.name.to_lowercase();
    if let Some(kiln) = &metadata.kiln {
        text.push(' ');
        text.push_str(&kiln.prompt.to_lowercase());
    }
    for attribute in &metadata.attributes {
        text.push(' ');
        text.push_str(&attribute.value.to_string().to_lowercase());
    }
    search
        .split_whitespace()
        .all(|word| text.contains(&word.to_lowercase()))
}

#[expect(clippy::too_many_arguments, reason = "a Bevy system's parameters")]
fn show_gallery(
    mut contexts: EguiContexts,
    mut gallery: ResMut<Gallery>,
    world: Res<WorldTokens>,
    assets: Res<AssetServer>,
    cards: Res<Assets<ItemCard>>,
    grid: Res<PlotGrid>,
    mut players: Query<(&mut Player, &mut Transform)>,
    mut placing: ResMut<crate::placement::Placing>,
    mut handles: Local<CardHandles>,
) -> Result {
    if !gallery.open {
        return Ok(());
    }
    // Textures for pictures that arrived since the last frame.
    for (handle, texture) in handles.values_mut() {
        if texture.is_none()
            && let Some(thumbnail) = cards.get(&*handle).and_then(|card| card.thumbnail.clone())
        {
            *texture = Some(contexts.add_image(EguiTextureHandle::Strong(thumbnail)));
        }
    }
    let ctx = contexts.ctx_mut()?;
    let mut open = gallery.open;
    let mut fly_to: Option<IndexedToken> = None;
    let mut place_this: Option<(IndexedToken, String)> = None;
    let height = ctx.viewport_rect().height() - 120.0;
    egui::Window::new("Gallery")
        .open(&mut open)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 44.0])
        .resizable(false)
        .default_width(420.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut gallery.search)
                        .hint_text("search: words of the name, prompt or traits")
                        .desired_width(260.0),
                );
                ui.checkbox(&mut gallery.only_mine, "only mine");
            });
            let mine = world.account;
            let tokens: Vec<&IndexedToken> = world
                .tokens
                .iter()
                .filter(|token| !gallery.only_mine || Some(token.owner) == mine)
                .collect();
            if tokens.is_empty() {
                ui.label(if gallery.only_mine {
                    "You have no items yet: make one in the Create panel."
                } else {
                    "Nothing has been minted in this world yet."
                });
            }
            egui::ScrollArea::vertical()
                .max_height(height.max(120.0))
                .show(ui, |ui| {
                    let mut shown = 0;
                    for token in tokens {
                        let (handle, texture) = handles
                            .entry(token.id)
                            .or_insert_with(|| (assets.load(metadata_path(token)), None));
                        let Some(card) = cards.get(&*handle) else {
                            continue; // still loading (or cannot be read)
                        };
                        if !matches(&card.metadata, &gallery.search) {
                            continue;
                        }
                        shown += 1;
                        let clicked = ui
                            .horizontal(|ui| {
                                match texture {
                                    Some(texture) => {
                                        ui.image((*texture, egui::vec2(72.0, 72.0)));
                                    }
                                    None => {
                                        ui.add_sized([72.0, 72.0], egui::Label::new("…"));
                                    }
                                }
                                ui.vertical(|ui| {
                                    ui.label(egui::RichText::new(&card.metadata.name).strong());
                                    let owner = if Some(token.owner) == mine {
                                        "yours".to_owned()
                                    } else {
                                        format!("owned by {}", short(&token.owner.to_string()))
                                    };
                                    ui.label(owner);
                                    if Some(token.owner) == mine {
                                        let verb = if token.placement.is_some() {
                                            "move it"
                                        } else {
                                            "place it"
                                        };
                                        if ui.small_button(verb).clicked() {
                                            place_this =
                                                Some((token.clone(), card.metadata.name.clone()));
                                        }
                                    }
                                    match token.placement {
                                        Some(placement) => ui.link(format!(
                                            "on plot ({}, {}) · fly there",
                                            placement.x, placement.z
                                        )),
                                        None => ui.label("not placed"),
                                    }
                                    .clicked()
                                })
                                .inner
                            })
                            .inner;
                        if clicked {
                            fly_to = Some(token.clone());
                        }
                        ui.separator();
                    }
                    if shown == 0 && !gallery.search.trim().is_empty() {
                        ui.label("No item matches the search.");
                    }
                });
        });
    gallery.open = open;
    if let Some((token, name)) = place_this {
        placing.begin(&assets, &token, &name);
        gallery.open = false;
    }
    if let Some(placement) = fly_to.and_then(|token| token.placement) {
        // In front of the item, a little above, looking at it.
        let target = placement_transform(&grid, placement).translation + Vec3::Y * 2.0;
        let eye = target + Vec3::new(0.0, 6.0, 14.0);
        for (mut player, mut transform) in &mut players {
            let looking = Transform::from_translation(eye).looking_at(target, Vec3::Y);
            *player = Player::facing(looking.forward().as_vec3(), player.mode);
            *transform = player.orientation_at(eye);
        }
    }
    Ok(())
}

fn short(address: &str) -> String {
    if address.len() > 12 {
        format!("{}…{}", &address[..6], &address[address.len() - 4..])
    } else {
        address.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_needs_every_word_in_name_prompt_or_traits() {
        let parsed = kiln_gen::parse("a tall red chair with gold legs").unwrap();
        let glb = b"glb";
        let uri = ItemUri::ipfs(kiln_ipfs::raw_cid(glb));
        let metadata = ItemMetadata::for_item(&kiln_asset::metadata::ItemFacts {
            prompt: "a tall red chair with gold legs",
            seed: 1,
            description: &parsed.description,
            model_prompt: &parsed.model_prompt(),
            reading: &parsed.reading,
            objects: &[],
            generator_version: "test",
            weights_sha256: kiln_asset::Sha256Hex::of(b"weights"),
            weights_cid: None,
            max_triangles: None,
            flat: false,
            creator: None,
            glb,
            vertices: 8,
            triangles: 12,
            bounds: ([0.0; 3], [1.0; 3]),
            created_unix: 0,
            ipfs_profile: kiln_ipfs::ImportProfile::Legacy,
            glb_uri: uri.clone(),
            image_uri: uri,
            external_url: None,
        })
        .unwrap();
        assert!(matches(&metadata, ""));
        assert!(matches(&metadata, "Chair"));
        assert!(matches(&metadata, "red gold"));
        assert!(!matches(&metadata, "red table"));
    }
}
