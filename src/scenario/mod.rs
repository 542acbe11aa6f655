//! Scripted scenarios for tests and demos: `kiln --scenario FILE` runs a TOML list of actions
//! through the same panels a player uses — type a prompt, generate, mint, place, wait, take a
//! screenshot — each waiting for its outcome, and exits 0 when all succeeded, 1 with the
//! reason when one did not.
//!
//! ```toml
//! [[action]]
//! type = "prompt"
//! text = "a red mushroom"
//! seed = 3
//! [[action]]
//! type = "generate"
//! [[action]]
//! type = "mint"
//! [[action]]
//! type = "place"
//! x = 0
//! z = 1
//! [[action]]
//! type = "screenshot"
//! path = "world.png"
//! ```

use std::path::PathBuf;
use std::time::Duration;

use web_time::Instant;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use kiln_chain::{Placement, TokenId};
use serde::Deserialize;

use crate::chain::{ChainLink, MintStatus, PlaceStatus, VerifyStatus, WorldTokens};
use crate::creator::{Creator, Generation, ModelState, ModelWorker};
use crate::inspect::Selection;
use crate::items::{ItemView, PlacedItem};

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Types a prompt into the creator (and sets the seed, if given).
    Prompt { text: String, seed: Option<u64> },
    /// Generates the creator's prompt and waits for the preview.
    Generate,
    /// Mints the previewed item and waits for its token.
    Mint,
    /// Places the token just minted and waits until it stands there, shown.
    Place {
        x: i32,
        z: i32,
        #[serde(default)]
        rotation: u16,
    },
    /// Turns the player to look at a plot from a little away (the crosshair on its centre).
    Aim { x: i32, z: i32 },
    /// Picks up the token just minted with the placement tool; waits for its ghost.
    StartPlacing,
    /// Places it on the aimed plot, as a click does, and waits until it stands there.
    ConfirmPlacing,
    /// Selects the item standing on a plot (the inspector opens), waiting until it is shown.
    Select { x: i32, z: i32 },
    /// Verifies the selected item from the inspector and waits: every check must pass.
    Verify,
    /// Opens the gallery with a search (empty: everything) and waits until it shows cards.
    Gallery {
        #[serde(default)]
        search: String,
    },
    /// Lets frames pass.
    Wait { frames: u32 },
    /// Saves the window as a PNG and waits until it is written.
    Screenshot { path: PathBuf },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    action: Vec<Action>,
}

/// Reads a scenario file, with an error that says what is wrong where.
#[cfg(not(target_arch = "wasm32"))]
pub fn read(path: &std::path::Path) -> Result<Vec<Action>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read the scenario {}: {error}", path.display()))?;
    parse(&text, &path.display().to_string())
}

/// The actions of a scenario's TOML `text`, which came from `origin`.
pub fn parse(text: &str, origin: &str) -> Result<Vec<Action>, String> {
    let file: ScenarioFile = toml::from_str(text)
        .map_err(|error| format!("the scenario {origin} is not valid: {error}"))?;
    if file.action.is_empty() {
        return Err(format!("the scenario {origin} has no [[action]]"));
    }
    Ok(file.action)
}

/// How the scenario ended: `None` while it runs. In a browser tab the page reads it (the app
/// goes on running there, so the test can look at it).
#[derive(Resource, Debug, Default)]
pub struct ScenarioOutcome(pub Option<Result<usize, String>>);

/// How long one action may take before the scenario fails (a mint on a slow CPU included).
const ACTION_PATIENCE: Duration = Duration::from_secs(300);

pub struct ScenarioPlugin {
    pub actions: Vec<Action>,
}

impl Plugin for ScenarioPlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<crate::screenshot::PipelineWatchPlugin>() {
            app.add_plugins(crate::screenshot::PipelineWatchPlugin);
        }
        app.init_resource::<ScenarioOutcome>()
            .insert_resource(Run {
                actions: self.actions.clone(),
                next: 0,
                started: None,
                frames_left: 0,
                minted: None,
                screenshot_written: None,
                screenshot_requested: false,
                frames_rendered: 0,
            })
            .add_systems(Last, run_scenario);
    }
}

#[derive(Resource)]
struct Run {
    actions: Vec<Action>,
    next: usize,
    /// When the current action began; `None` before it has.
    started: Option<Instant>,
    frames_left: u32,
    minted: Option<TokenId>,
    /// Set by the screenshot observer: the outcome of the last save.
    screenshot_written: Option<Result<(), String>>,
    screenshot_requested: bool,
    frames_rendered: u32,
}

/// Frames drawn before a screenshot may be taken: the first frames of a window are black, and
/// egui draws its panels from the third or so on.
const MIN_FRAMES_BEFORE_PICTURE: u32 = 15;

/// Whether the current action is done, still under way, or failed.
enum Progress {
    Done,
    Waiting,
    Failed(String),
}

/// What the scenario drives: the panels' state.
#[derive(bevy::ecs::system::SystemParam)]
struct Panels<'w> {
    creator: ResMut<'w, Creator>,
    mint: ResMut<'w, MintStatus>,
    place: ResMut<'w, PlaceStatus>,
    verify: ResMut<'w, VerifyStatus>,
    selection: ResMut<'w, Selection>,
    gallery: ResMut<'w, crate::gallery::Gallery>,
    cards: Res<'w, Assets<crate::gallery::ItemCard>>,
    placing: ResMut<'w, crate::placement::Placing>,
    confirm: MessageWriter<'w, crate::placement::ConfirmPlacing>,
    assets: Res<'w, AssetServer>,
    grid: Res<'w, crate::world::PlotGrid>,
    link: Option<Res<'w, ChainLink>>,
    worker: Option<Res<'w, ModelWorker>>,
    world: Res<'w, WorldTokens>,
}

#[expect(clippy::too_many_arguments, reason = "a Bevy system's parameters")]
fn run_scenario(
    mut commands: Commands,
    mut run: ResMut<Run>,
    mut panels: Panels,
    placed: Query<(Entity, &PlacedItem, &ItemView)>,
    mut players: Query<(&mut crate::player::Player, &mut Transform)>,
    waiting: Res<crate::screenshot::WaitingPipelines>,
    mut exit: MessageWriter<AppExit>,
    mut outcome: ResMut<ScenarioOutcome>,
) {
    run.frames_rendered = run.frames_rendered.saturating_add(1);
    let Panels {
        creator,
        mint,
        place,
        verify,
        selection,
        gallery,
        cards,
        placing,
        confirm,
        assets,
        grid,
        link,
        worker,
        world,
    } = &mut panels;
    let Some(action) = run.actions.get(run.next).cloned() else {
        return;
    };
    let first = run.started.is_none();
    if first {
        run.started = Some(Instant::now());
        info!("scenario: {action:?}");
    }
    let took = run
        .started
        .map(|started| started.elapsed())
        .unwrap_or_default();
    let progress = match &action {
        Action::Prompt { text, seed } => {
            creator.prompt.clone_from(text);
            if let Some(seed) = seed {
                creator.seed = *seed;
            }
            Progress::Done
        }
        Action::Generate => {
            if first {
                creator.generate();
                creator.generation = Generation::Running;
            }
            match &creator.generation {
                Generation::Done { took } if creator.preview.is_some() => {
                    if let ModelState::Ready { backend, .. } = &creator.model {
                        println!(
                            "scenario: generated on {backend} in {:.0} ms",
                            took.as_secs_f64() * 1000.0
                        );
                    }
                    Progress::Done
                }
                Generation::Failed(error) => Progress::Failed(format!("generate: {error}")),
                _ => Progress::Waiting,
            }
        }
        Action::Mint => match (&link, &creator.preview, &creator.model) {
            (None, ..) => Progress::Failed("mint: there is no chain".into()),
            (_, None, _) => Progress::Failed("mint: nothing was generated to mint".into()),
            (.., ModelState::Loading | ModelState::Unavailable(_)) => {
                Progress::Failed("mint: the model is not ready".into())
            }
            (Some(link), Some((recipe, generated)), ModelState::Ready { weights, .. }) => {
                if first {
                    mint.start();
                    link.mint(recipe.clone(), generated.clone(), weights.bytes.clone());
                }
                match &mint.outcome {
                    Some(Ok(token)) => {
                        run.minted = Some(*token);
                        Progress::Done
                    }
                    Some(Err(error)) => Progress::Failed(format!("mint: {error}")),
                    None => Progress::Waiting,
                }
            }
        },
        Action::Place { x, z, rotation } => match (&link, run.minted) {
            (None, _) => Progress::Failed("place: there is no chain".into()),
            (_, None) => Progress::Failed("place: nothing was minted to place".into()),
            (Some(link), Some(token)) => {
                let placement = Placement {
                    x: *x,
                    z: *z,
                    rotation: *rotation,
                };
                if first {
                    place.running = true;
                    place.outcome = None;
                    link.place(token, placement);
                }
                match &place.outcome {
                    Some(Err(error)) => Progress::Failed(format!("place: {error}")),
                    Some(Ok(_)) => {
                        let standing = world
                            .tokens
                            .iter()
                            .any(|t| t.id == token && t.placement == Some(placement));
                        let shown = placed
                            .iter()
                            .find(|(_, item, _)| item.token == token)
                            .map(|(_, _, view)| view.clone());
                        match shown {
                            Some(ItemView::Failed(error)) if standing => Progress::Failed(format!(
                                "place: the item cannot be shown: {error}"
                            )),
                            Some(ItemView::Shown) if standing => Progress::Done,
                            _ => Progress::Waiting,
                        }
                    }
                    None => Progress::Waiting,
                }
            }
        },
        Action::Aim { x, z } => {
            let centre = grid.center_of(crate::world::PlotCoord { x: *x, z: *z });
            let eye = centre + Vec3::new(0.0, 14.0, 24.0);
            let looking = Transform::from_translation(eye).looking_at(centre, Vec3::Y);
            for (mut player, mut transform) in &mut players {
                *player = crate::player::Player::facing(looking.forward().as_vec3(), player.mode);
                *transform = player.orientation_at(eye);
            }
            Progress::Done
        }
        Action::StartPlacing => match run.minted {
            None => Progress::Failed("start_placing: nothing was minted to place".into()),
            Some(token) => {
                if !placing.is_active()
                    && let Some(indexed) = world.tokens.iter().find(|known| known.id == token)
                {
                    let name = creator
                        .preview
                        .as_ref()
                        .map(|(_, generated)| generated.model_prompt.clone())
                        .unwrap_or_default();
                    placing.begin(assets, indexed, &name);
                }
                if placing.ghost_shown() {
                    Progress::Done
                } else {
                    Progress::Waiting
                }
            }
        },
        Action::ConfirmPlacing => {
            if first {
                confirm.write(crate::placement::ConfirmPlacing);
            }
            match (&place.outcome, placing.is_active()) {
                (Some(Err(error)), _) => Progress::Failed(format!("confirm_placing: {error}")),
                (_, false) if !first => Progress::Done,
                _ => Progress::Waiting,
            }
        }
        Action::Select { x, z } => {
            let on_plot = placed
                .iter()
                .find(|(_, item, _)| item.placement.x == *x && item.placement.z == *z);
            match on_plot {
                Some((entity, _, ItemView::Shown)) => {
                    selection.selected = Some(entity);
                    Progress::Done
                }
                Some((_, _, ItemView::Failed(error))) => {
                    Progress::Failed(format!("select: the item cannot be shown: {error}"))
                }
                _ => Progress::Waiting,
            }
        }
        Action::Verify => {
            let token = selection
                .selected
                .and_then(|entity| placed.get(entity).ok())
                .map(|(_, item, _)| item.token);
            let weights = match &creator.model {
                ModelState::Ready { weights, .. } => Ok(Some(weights.sha256.clone())),
                ModelState::Unavailable(error) => Err(format!("verify: {error}")),
                ModelState::Loading => Ok(None),
            };
            match (token, link, worker, weights) {
                (_, _, _, Err(reason)) => Progress::Failed(reason),
                (None, ..) => Progress::Failed("verify: nothing is selected".into()),
                (_, None, ..) | (_, _, None, _) => {
                    Progress::Failed("verify: there is no chain or no model".into())
                }
                (Some(_), _, _, Ok(None)) => Progress::Waiting,
                (Some(token), Some(link), Some(worker), Ok(Some(weights))) => {
                    if !verify.running && verify.token != Some(token) {
                        verify.token = Some(token);
                        verify.running = true;
                        verify.result = None;
                        link.verify(token, worker.verifier(&weights));
                    }
                    match &verify.result {
                        Some(Ok(verification)) if verification.ok => {
                            for check in &verification.checks {
                                println!("scenario: ✔ {} {}", check.name, check.detail);
                            }
                            Progress::Done
                        }
                        Some(Ok(verification)) => Progress::Failed(format!(
                            "verify: {}",
                            verification
                                .checks
                                .iter()
                                .filter(|check| !check.ok)
                                .map(|check| format!("{}: {}", check.name, check.detail))
                                .collect::<Vec<_>>()
                                .join("; ")
                        )),
                        Some(Err(error)) => Progress::Failed(format!("verify: {error}")),
                        None => Progress::Waiting,
                    }
                }
            }
        }
        Action::Gallery { search } => {
            gallery.open = true;
            gallery.search.clone_from(search);
            // Every card of the world read (their pictures decode with them).
            if cards.len() >= world.tokens.len() && !world.tokens.is_empty() {
                Progress::Done
            } else {
                Progress::Waiting
            }
        }
        Action::Wait { frames } => {
            if first {
                run.frames_left = *frames;
            }
            if run.frames_left == 0 {
                Progress::Done
            } else {
                run.frames_left -= 1;
                Progress::Waiting
            }
        }
        Action::Screenshot { .. }
            if run.frames_rendered < MIN_FRAMES_BEFORE_PICTURE
                || (waiting.count() > 0 && took < ACTION_PATIENCE / 2) =>
        {
            // Nothing drawn yet, or meshes whose shaders are still compiling: wait.
            Progress::Waiting
        }
        Action::Screenshot { path } => {
            if run.screenshot_written.is_none() && !run.screenshot_requested {
                run.screenshot_requested = true;
                run.screenshot_written = None;
                let path = path.clone();
                commands.spawn(Screenshot::primary_window()).observe(
                    move |captured: On<ScreenshotCaptured>, mut run: ResMut<Run>| {
                        run.screenshot_written =
                            Some(crate::screenshot::deliver_png(&captured.image, &path));
                    },
                );
            }
            match run.screenshot_written.take() {
                Some(Ok(())) => {
                    run.screenshot_requested = false;
                    Progress::Done
                }
                Some(Err(error)) => Progress::Failed(format!("screenshot: {error}")),
                None => Progress::Waiting,
            }
        }
    };
    let progress = match progress {
        Progress::Waiting if took > ACTION_PATIENCE => {
            Progress::Failed(format!("{action:?} did not finish in {} s", took.as_secs()))
        }
        other => other,
    };
    match progress {
        Progress::Waiting => {}
        Progress::Done => {
            println!("scenario: {action:?} done in {:.1} s", took.as_secs_f64());
            run.next += 1;
            run.started = None;
            if run.next == run.actions.len() {
                if let Some(token) = run.minted {
                    println!("scenario: minted token {token}");
                }
                println!("scenario: all {} actions done", run.actions.len());
                outcome.0 = Some(Ok(run.actions.len()));
                // A browser tab stays open with the world the scenario made.
                if cfg!(not(target_arch = "wasm32")) {
                    exit.write(AppExit::Success);
                }
            }
        }
        Progress::Failed(reason) => {
            let reason = format!("scenario action {} failed: {reason}", run.next + 1);
            eprintln!("kiln: {reason}");
            outcome.0 = Some(Err(reason));
            // Nothing more to do: the scenario stops here.
            run.next = run.actions.len();
            if cfg!(not(target_arch = "wasm32")) {
                exit.write(AppExit::error());
            }
        }
    }
}
