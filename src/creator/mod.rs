//! The creator panel: type a prompt (the vocabulary as completion hints, unknown words marked),
//! pick a seed (or roll one), override size and colour, **Generate** — the model runs on its own
//! thread and the object appears on a turntable — and **Mint**, with each step of the mint
//! outbox shown as it happens and errors in plain words.

mod model;
mod preview;

use std::time::Duration;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, EguiTextureHandle, egui};
use kiln_gen::vocab::{Category, Colour, Material, Proportion, SizeWord, Style};
use kiln_gen::{GenerateOptions, Generated};
use kiln_mint::{Recipe, Step};

use crate::chain::{ChainLink, MintStatus, WorldTokens};
use crate::placement::Placing;
use crate::screenshot::SceneReady;
pub use model::{ModelWorker, WeightsFile};
use model::{Reply, Request};
pub use preview::{PREVIEW_SIZE, PreviewStage};

/// The creator's prompt and seed at start-up (`kiln --prompt … --seed N`): generated at once.
#[derive(Debug, Clone, Default)]
pub struct CreatorStart {
    pub prompt: Option<String>,
    pub seed: u64,
}

pub struct CreatorPlugin {
    pub start: CreatorStart,
}

impl Plugin for CreatorPlugin {
    fn build(&self, app: &mut App) {
        let mut creator = Creator {
            seed: self.start.seed,
            ..default()
        };
        if let Some(prompt) = &self.start.prompt {
            creator.prompt.clone_from(prompt);
            creator.generate_now = true;
            // A screenshot of this start waits for the preview.
            app.insert_resource(SceneReady(false));
        }
        app.insert_resource(creator)
            .add_plugins(preview::plugin)
            .add_systems(Update, (request_generation, receive_generations).chain())
            .add_systems(EguiPrimaryContextPass, show_creator_panel);
    }

    /// The renderer exists by now: the model shares its device where that pays.
    fn finish(&self, app: &mut App) {
        app.insert_resource(ModelWorker::start(model_device(app)));
    }
}

/// The renderer's GPU for the model when it is a real GPU (on a software rasteriser the CPU
/// backend is faster), the CPU otherwise; `KILN_MODEL_DEVICE=gpu` or `cpu` decides instead.
fn model_device(app: &App) -> model::ModelDevice {
    use bevy::render::renderer::{
        RenderAdapter, RenderAdapterInfo, RenderDevice, RenderInstance, RenderQueue,
    };
    // In a browser, `?model=gpu|cpu` in the page's address.
    #[cfg(target_arch = "wasm32")]
    let asked = crate::web::address_parameter("model");
    #[cfg(not(target_arch = "wasm32"))]
    let asked = std::env::var("KILN_MODEL_DEVICE").ok();
    let world = app.world();
    let (Some(device), Some(queue), Some(adapter), Some(info)) = (
        world.get_resource::<RenderDevice>(),
        world.get_resource::<RenderQueue>(),
        world.get_resource::<RenderAdapter>(),
        world.get_resource::<RenderAdapterInfo>(),
    ) else {
        return model::ModelDevice::Cpu;
    };
    // A browser does not say what its adapter is to wgpu; the page asks WebGPU itself.
    #[cfg(target_arch = "wasm32")]
    let software = info.device_type == wgpu_types::DeviceType::Cpu || crate::web::software_gpu();
    #[cfg(not(target_arch = "wasm32"))]
    let software = info.device_type == wgpu_types::DeviceType::Cpu;
    let wanted = match asked.as_deref() {
        Some("gpu") => true,
        Some("cpu") => false,
        _ => !software,
    };
    // In Bevy 0.19 the instance lives only in the render world.
    let instance = app
        .get_sub_app(bevy::render::RenderApp)
        .and_then(|render| render.world().get_resource::<RenderInstance>());
    match (wanted, instance) {
        (true, Some(instance)) => {
            let setup = burn::backend::wgpu::WgpuSetup {
                instance: (**instance.0).clone(),
                adapter: (**adapter.0).clone(),
                device: device.wgpu_device().clone(),
                queue: (**queue.0).clone(),
                backend: info.backend,
            };
            model::ModelDevice::SharedGpu(burn::backend::wgpu::init_device(
                setup,
                Default::default(),
            ))
        }
        _ => model::ModelDevice::Cpu,
    }
}

/// Where the model is, as the panel and the settings show it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum ModelState {
    #[default]
    Loading,
    Ready {
        backend: &'static str,
        /// The weights the model runs, which new items name and publish.
        weights: WeightsFile,
    },
    Unavailable(String),
}

/// How the last generation went.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Generation {
    #[default]
    Idle,
    Running,
    Done {
        took: Duration,
    },
    Failed(String),
}

/// The creator panel's state.
#[derive(Resource, Default)]
pub struct Creator {
    pub prompt: String,
    pub seed: u64,
    pub size: Option<SizeWord>,
    pub colour: Option<Colour>,
    pub model: ModelState,
    pub generation: Generation,
    /// A triangle budget for game use (`None`: the generator's default, 10,000), and flat
    /// shading: the item records both, so that verification makes the same mesh.
    pub max_triangles: Option<u64>,
    pub flat: bool,
    /// The object on the turntable and the recipe that made it.
    pub preview: Option<(Recipe, Generated)>,
    generate_now: bool,
    latest_request: u64,
    /// The recipe as sent to the model (the prompt with the overrides written in), less its
    /// weights and time, which the answer fills in.
    pending: Option<Recipe>,
    /// The full prompt last read and how, so that the panel reads a prompt once per change, not
    /// once per frame.
    read: Option<(
        String,
        Result<kiln_gen::ParsedPrompt, kiln_gen::PromptError>,
    )>,
}

impl Creator {
    /// How the full prompt reads now, read again only when it changed.
    pub fn reading(&mut self) -> &Result<kiln_gen::ParsedPrompt, kiln_gen::PromptError> {
        let full = self.full_prompt();
        if self.read.as_ref().is_none_or(|(read, _)| *read != full) {
            let parsed = kiln_gen::parse(&full);
            self.read = Some((full, parsed));
        }
        &self.read.as_ref().expect("just read").1
    }

    /// The prompt with the size and colour overrides written into it, so that the recipe (and
    /// so verification) sees exactly what the model was given.
    pub fn full_prompt(&self) -> String {
        let mut prompt = self.prompt.trim().to_owned();
        for word in [self.size.map(SizeWord::name), self.colour.map(Colour::name)]
            .into_iter()
            .flatten()
        {
            prompt.push_str(", ");
            prompt.push_str(word);
        }
        prompt
    }

    /// Asks for a generation of the current prompt and seed.
    pub fn generate(&mut self) {
        self.generate_now = true;
    }
}

/// Every word the model knows, for the completion hints.
fn vocabulary() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = Category::ALL
        .iter()
        .flat_map(|category| category.words().iter().copied())
        .chain(Colour::ALL.iter().flat_map(|c| c.words().iter().copied()))
        .chain(Material::ALL.iter().flat_map(|m| m.words().iter().copied()))
        .chain(SizeWord::ALL.iter().flat_map(|s| s.words().iter().copied()))
        .chain(
            Proportion::ALL
                .iter()
                .flat_map(|p| p.words().iter().copied()),
        )
        .chain(Style::ALL.iter().flat_map(|s| s.words().iter().copied()))
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

fn request_generation(mut creator: ResMut<Creator>, worker: Res<ModelWorker>) {
    if !creator.generate_now || creator.model == ModelState::Loading {
        return;
    }
    creator.generate_now = false;
    if let ModelState::Unavailable(error) = &creator.model {
        creator.generation = Generation::Failed(error.clone());
        return;
    }
    let prompt = creator.full_prompt();
    if prompt.is_empty() {
        creator.generation = Generation::Failed("type what to make first".into());
        return;
    }
    creator.latest_request += 1;
    let id = creator.latest_request;
    let mut pending = Recipe::new(&prompt, creator.seed, "", 0);
    pending.max_triangles = creator.max_triangles;
    pending.flat = creator.flat;
    creator.generation = Generation::Running;
    worker.request(Request {
        id,
        prompt,
        seed: creator.seed,
        options: pending.options(),
        answer: None,
    });
    creator.pending = Some(pending);
}

#[expect(clippy::too_many_arguments, reason = "a Bevy system's parameters")]
fn receive_generations(
    mut commands: Commands,
    mut creator: ResMut<Creator>,
    worker: Res<ModelWorker>,
    mut stage: ResMut<PreviewStage>,
    mut meshes: ResMut<Assets<Mesh>>,
    materials: Res<crate::items::ItemMaterials>,
    tables: Query<(&Transform, Option<&Children>), With<preview::Turntable>>,
    mut ready: Option<ResMut<SceneReady>>,
) {
    for reply in worker.replies.try_iter() {
        match reply {
            Reply::Ready { weights, backend } => {
                creator.model = ModelState::Ready { backend, weights };
            }
            Reply::Unavailable(error) => {
                warn!("the model cannot run: {error}");
                creator.model = ModelState::Unavailable(error.clone());
                if creator.generate_now {
                    creator.generate_now = false;
                    creator.generation = Generation::Failed(error);
                    if let Some(ready) = ready.as_mut() {
                        ready.0 = true;
                    }
                }
            }
            Reply::Generated {
                id,
                generated,
                took,
            } if id == creator.latest_request => {
                preview::show(
                    &mut commands,
                    &mut stage,
                    &generated,
                    &mut meshes,
                    &materials,
                    &tables,
                );
                let Some(mut recipe) = creator.pending.take() else {
                    continue;
                };
                recipe.created_unix = web_time::SystemTime::now()
                    .duration_since(web_time::UNIX_EPOCH)
                    .map_or(0, |since| since.as_secs() as i64);
                if let ModelState::Ready { weights, .. } = &creator.model {
                    recipe.weights_sha256 = weights.sha256.clone();
                    recipe.weights_cid = Some(weights.cid.clone());
                }
                creator.preview = Some((recipe, *generated));
                creator.generation = Generation::Done { took };
                if let Some(ready) = ready.as_mut() {
                    ready.0 = true;
                }
            }
            Reply::Failed { id, error } if id == creator.latest_request => {
                creator.generation = Generation::Failed(error);
                if let Some(ready) = ready.as_mut() {
                    ready.0 = true;
                }
            }
            Reply::Generated { .. } | Reply::Failed { .. } => {} // superseded
        }
    }
}

/// The triangle budget (for game use: round parts get fewer sides until the mesh fits) and
/// flat shading; a change generates again.
fn mesh_choices(ui: &mut egui::Ui, creator: &mut Creator) {
    ui.horizontal(|ui| {
        let mut capped = creator.max_triangles.is_some();
        let mut budget = creator
            .max_triangles
            .unwrap_or(GenerateOptions::DEFAULT_MAX_TRIANGLES as u64);
        let before = (creator.max_triangles, creator.flat);
        ui.checkbox(&mut capped, "at most")
            .on_hover_text("cap the triangle count, for game use");
        ui.add_enabled(
            capped,
            egui::DragValue::new(&mut budget)
                .range(Recipe::FEWEST_TRIANGLES..=kiln_asset::Limits::default().triangles as u64)
                .speed(50.0)
                .suffix(" triangles"),
        );
        ui.checkbox(&mut creator.flat, "flat")
            .on_hover_text("flat-shaded faces, a low-poly look");
        creator.max_triangles = capped.then_some(budget);
        if (creator.max_triangles, creator.flat) != before && !creator.prompt.trim().is_empty() {
            creator.generate();
        }
    });
}

#[expect(clippy::too_many_arguments, reason = "a Bevy system's parameters")]
fn show_creator_panel(
    mut contexts: EguiContexts,
    mut creator: ResMut<Creator>,
    stage: Res<PreviewStage>,
    mut mint: ResMut<MintStatus>,
    mut placing: ResMut<Placing>,
    assets: Res<AssetServer>,
    world: Res<WorldTokens>,
    link: Option<Res<ChainLink>>,
    mut texture: Local<Option<egui::TextureId>>,
    mut words: Local<Vec<&'static str>>,
) -> Result {
    if words.is_empty() {
        *words = vocabulary();
    }
    let preview_texture = *texture
        .get_or_insert_with(|| contexts.add_image(EguiTextureHandle::Weak(stage.image.id())));
    let ctx = contexts.ctx_mut()?;
    // The panel takes at most about a third of the window's width and half its height.
    let window = ctx.viewport_rect();
    let side = (PREVIEW_SIZE as f32)
        .min(window.width() * 0.3)
        .min(window.height() * 0.45)
        .max(96.0);
    egui::Window::new("Create")
        .anchor(egui::Align2::RIGHT_TOP, [-12.0, 44.0])
        .resizable(false)
        .default_width(side)
        .max_width(side)
        .show(ctx, |ui| {
            let typed = ui.add(
                egui::TextEdit::singleline(&mut creator.prompt)
                    .hint_text("a tall red chair with gold legs")
                    .desired_width(f32::INFINITY),
            );
            if typed.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter)) {
                creator.generate();
            }
            prompt_feedback(ui, &mut creator, &words);
            ui.horizontal(|ui| {
                ui.label("Seed");
                ui.add(
                    egui::DragValue::new(&mut creator.seed)
                        .range(0..=kiln_asset::metadata::MAX_JSON_INTEGER),
                );
                if ui.button("🎲").on_hover_text("another variation").clicked() {
                    creator.seed = rand_seed();
                    creator.generate();
                }
            });
            ui.horizontal(|ui| {
                let size = creator.size;
                egui::ComboBox::from_id_salt("size")
                    .selected_text(size.map_or("size as written", SizeWord::name))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut creator.size, None, "size as written");
                        for word in SizeWord::ALL {
                            ui.selectable_value(&mut creator.size, Some(*word), word.name());
                        }
                    });
                let colour = creator.colour;
                egui::ComboBox::from_id_salt("colour")
                    .selected_text(colour.map_or("colour as written", Colour::name))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut creator.colour, None, "colour as written");
                        for word in Colour::ALL {
                            ui.selectable_value(&mut creator.colour, Some(*word), word.name());
                        }
                    });
            });
            mesh_choices(ui, &mut creator);
            ui.horizontal(|ui| {
                let running = creator.generation == Generation::Running;
                if ui
                    .add_enabled(!running, egui::Button::new("Generate"))
                    .clicked()
                {
                    creator.generate();
                }
                ui.label(generation_line(&creator));
            });
            if stage.showing {
                ui.image((preview_texture, egui::vec2(side, side)));
            }
            if let Some((recipe, generated)) = &creator.preview {
                ui.label(format!(
                    "{} · {} triangles",
                    generated.model_prompt,
                    generated.mesh.triangle_count()
                ));
                let weights = match &creator.model {
                    ModelState::Ready { weights, .. } => Some(weights),
                    _ => None,
                };
                let can_mint = !mint.running && link.is_some() && weights.is_some();
                if ui
                    .add_enabled(can_mint, egui::Button::new("Mint"))
                    .clicked()
                    && let (Some(link), Some(weights)) = (&link, weights)
                {
                    mint.start();
                    link.mint(recipe.clone(), generated.clone(), weights.bytes.clone());
                }
            }
            mint_progress(ui, &mint);
            if let Some(Ok(token)) = &mint.outcome {
                // Placing starts once the index knows the token (a second at most).
                let indexed = world.tokens.iter().find(|known| known.id == *token);
                let placed = indexed.and_then(|known| known.placement);
                let label = match placed {
                    Some(at) => format!("Move it (now on plot ({}, {}))…", at.x, at.z),
                    None => "Place it…".to_owned(),
                };
                if ui
                    .add_enabled(
                        indexed.is_some() && !placing.is_active(),
                        egui::Button::new(label),
                    )
                    .on_hover_text("a ghost follows the crosshair: R turns it, a click places it")
                    .clicked()
                    && let (Some(indexed), Some((_, generated))) = (indexed, &creator.preview)
                {
                    placing.begin(&assets, indexed, &generated.model_prompt);
                }
            }
        });
    Ok(())
}

/// How the prompt reads, as it is typed: "read as: red sword (crimson → red, blade → sword)",
/// what it says that the object will not show, words not understood with the nearest concepts,
/// and vocabulary words that complete the word being typed.
fn prompt_feedback(ui: &mut egui::Ui, creator: &mut Creator, words: &[&'static str]) {
    if creator.prompt.trim().is_empty() {
        return;
    }
    const WARNING: egui::Color32 = egui::Color32::from_rgb(230, 170, 60);
    const ERROR: egui::Color32 = egui::Color32::from_rgb(230, 90, 80);
    match creator.reading() {
        Ok(parsed) => {
            // Monospace: its font has the arrow (→) the proportional one lacks.
            ui.label(egui::RichText::new(parsed.read_as()).monospace().strong());
            for note in &parsed.reading.notes {
                ui.colored_label(WARNING, note);
            }
            let not_understood: Vec<String> = parsed
                .reading
                .words
                .iter()
                .filter(|word| word.kind == kiln_gen::WordKind::NotUnderstood)
                .map(|word| match word.suggestions.as_slice() {
                    [] => word.word.clone(),
                    nearest => format!("{} (nearest: {})", word.word, nearest.join(", ")),
                })
                .collect();
            if !not_understood.is_empty() {
                ui.colored_label(
                    ERROR,
                    format!("not understood, ignored: {}", not_understood.join("; ")),
                );
            }
        }
        Err(error) => {
            ui.colored_label(ERROR, error.to_string());
        }
    }
    let last = creator
        .prompt
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_lowercase();
    if last.len() < 2 {
        return;
    }
    let hints: Vec<&str> = words
        .iter()
        .copied()
        .filter(|word| word.starts_with(&last) && *word != last)
        .take(8)
        .collect();
    if hints.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for hint in hints {
            if ui.small_button(hint).clicked() {
                let keep = creator.prompt.len() - last.len();
                creator.prompt.truncate(keep);
                creator.prompt.push_str(hint);
            }
        }
    });
}

fn generation_line(creator: &Creator) -> String {
    match (&creator.generation, &creator.model) {
        (_, ModelState::Loading) => "loading the model…".into(),
        (Generation::Running, _) => "generating…".into(),
        (Generation::Done { took }, ModelState::Ready { backend, .. }) => {
            format!("{:.0} ms on {backend}", took.as_secs_f64() * 1000.0)
        }
        (Generation::Failed(error), _) => error.clone(),
        (_, ModelState::Unavailable(error)) => error.clone(),
        _ => String::new(),
    }
}

/// The mint's steps: ✔ done, ⏳ under way, ✖ where it stopped.
fn mint_progress(ui: &mut egui::Ui, mint: &MintStatus) {
    if !mint.running && mint.outcome.is_none() {
        return;
    }
    ui.separator();
    let failed = matches!(mint.outcome, Some(Err(_)));
    for step in &Step::ALL[..Step::ALL.len() - 1] {
        // Glyphs egui's own fonts have.
        let mark = if mint.finished.contains(step) {
            "✔"
        } else if mint.current == Some(*step) {
            if failed { "✖" } else { "⏳" }
        } else {
            "○"
        };
        ui.label(format!("{mark} {step}"));
    }
    match &mint.outcome {
        Some(Ok(token)) => {
            ui.label(format!("minted token {token}"));
        }
        Some(Err(error)) => {
            ui.colored_label(egui::Color32::from_rgb(230, 90, 80), error);
        }
        None => {}
    }
}

/// A fresh seed from the clock (variety, not secrecy).
fn rand_seed() -> u64 {
    let nanos = web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64);
    // SplitMix64's finaliser spreads the clock's low bits over the whole seed.
    let mut z = nanos.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) % 1_000_000
}
