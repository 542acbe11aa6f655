//! The screenshot harness: `kiln --screenshot PATH [--frames N]` renders the world, writes the
//! window to a PNG and exits. Tests and people use it to see what a player sees, and it reports
//! the frame time, so it is also the simplest rendering benchmark.
//!
//! The picture is taken once at least N frames are rendered *and* the renderer has compiled every
//! pipeline it asked for: Bevy compiles shaders in the background and draws nothing for a mesh
//! whose pipeline is not ready, so a fixed frame count alone would give pictures with holes on a
//! slow (software) GPU.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use web_time::Instant;

use bevy::prelude::*;
use bevy::render::render_resource::PipelineCache;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::render::{Render, RenderApp, RenderSystems};

/// Frames to keep waiting for pipelines after the requested count, before taking the picture
/// anyway (with a warning) rather than hanging.
const PIPELINE_PATIENCE_FRAMES: u32 = 3000;
/// How long to wait for the scene to say it is ready (a preview being generated) before
/// taking the picture anyway.
const SCENE_PATIENCE: Duration = Duration::from_secs(180);

/// Whether what the picture is of is there yet: a feature that is still making its part of
/// the scene (the creator's preview) sets it to false until it is; frames count only while
/// it holds. Absent: always ready.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub struct SceneReady(pub bool);

pub struct ScreenshotPlugin {
    pub path: PathBuf,
    pub frames: u32,
}

/// Counts the pipelines the renderer is still compiling, for pictures that must not have holes.
pub struct PipelineWatchPlugin;

impl Plugin for PipelineWatchPlugin {
    fn build(&self, app: &mut App) {
        let waiting = WaitingPipelines::default();
        app.insert_resource(waiting.clone());
        if let Some(render_app) = app.get_sub_app_mut(RenderApp) {
            render_app.insert_resource(waiting).add_systems(
                Render,
                count_waiting_pipelines.in_set(RenderSystems::Cleanup),
            );
        }
    }
}

impl Plugin for ScreenshotPlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<PipelineWatchPlugin>() {
            app.add_plugins(PipelineWatchPlugin);
        }
        app.insert_resource(ScreenshotJob {
            path: self.path.clone(),
            frames: self.frames,
            rendered: 0,
            started: Instant::now(),
            first_frame: None,
            steady_frames: Vec::new(),
            requested: false,
        })
        .add_systems(Last, count_frames_and_capture);
    }
}

/// How many pipelines the renderer is still compiling, shared between the render world (which
/// writes it) and the main world (which reads it).
#[derive(Resource, Clone, Default)]
pub struct WaitingPipelines(Arc<AtomicUsize>);

impl WaitingPipelines {
    /// Pipelines still compiling, as of the last rendered frame.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

#[derive(Resource)]
struct ScreenshotJob {
    path: PathBuf,
    frames: u32,
    rendered: u32,
    started: Instant,
    first_frame: Option<Duration>,
    /// Frame times once every pipeline was ready.
    steady_frames: Vec<Duration>,
    requested: bool,
}

fn count_waiting_pipelines(cache: Res<PipelineCache>, waiting: Res<WaitingPipelines>) {
    waiting
        .0
        .store(cache.waiting_pipelines().count(), Ordering::Relaxed);
}

fn count_frames_and_capture(
    mut commands: Commands,
    mut job: ResMut<ScreenshotJob>,
    time: Res<Time<Real>>,
    waiting: Res<WaitingPipelines>,
    ready: Option<Res<SceneReady>>,
) {
    if job.requested {
        return;
    }
    if ready.is_some_and(|ready| !ready.0) {
        if job.started.elapsed() < SCENE_PATIENCE {
            return;
        }
        warn!("taking the screenshot before the scene said it was ready");
    }
    job.rendered += 1;
    let pipelines_waiting = waiting.0.load(Ordering::Relaxed);
    if job.first_frame.is_none() {
        job.first_frame = Some(job.started.elapsed());
    } else if pipelines_waiting == 0 {
        job.steady_frames.push(time.delta());
    }
    let enough_frames = job.rendered >= job.frames;
    let out_of_patience = job.rendered >= job.frames.saturating_add(PIPELINE_PATIENCE_FRAMES);
    if enough_frames && (pipelines_waiting == 0 || out_of_patience) {
        if pipelines_waiting > 0 {
            warn!("taking the screenshot with {pipelines_waiting} pipelines still compiling");
        }
        job.requested = true;
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_screenshot_and_exit);
    }
}

fn save_screenshot_and_exit(
    captured: On<ScreenshotCaptured>,
    job: Res<ScreenshotJob>,
    mut exit: MessageWriter<AppExit>,
) {
    match save_png(&captured.image, &job.path) {
        Ok(()) => {
            println!(
                "{}",
                job.summary(captured.image.width(), captured.image.height())
            );
            exit.write(AppExit::Success);
        }
        Err(error) => {
            eprintln!(
                "kiln: cannot write the screenshot to {}: {error}",
                job.path.display()
            );
            exit.write(AppExit::error());
        }
    }
}

/// Writes a captured window as an RGB PNG.
/// Saves the picture as a PNG at `path`; in a browser tab, hands the PNG to the page under
/// that name (`kilnPage.screenshots`), which has no files to write.
pub fn deliver_png(captured: &Image, path: &std::path::Path) -> Result<(), String> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        save_png(captured, path)
    }
    #[cfg(target_arch = "wasm32")]
    {
        let picture = captured
            .clone()
            .try_into_dynamic()
            .map_err(|error| error.to_string())?
            .to_rgb8();
        let mut png = Vec::new();
        picture
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .map_err(|error| error.to_string())?;
        crate::web::screenshot(&path.to_string_lossy(), &png);
        Ok(())
    }
}

pub fn save_png(captured: &Image, path: &std::path::Path) -> Result<(), String> {
    captured
        .clone()
        .try_into_dynamic()
        .map_err(|error| error.to_string())
        .and_then(|picture| {
            // The alpha channel holds no coverage (and HDR brightness on some targets): drop it.
            picture
                .to_rgb8()
                .save_with_format(path, image::ImageFormat::Png)
                .map_err(|error| error.to_string())
        })
}

impl ScreenshotJob {
    fn summary(&self, width: u32, height: u32) -> String {
        let first = self.first_frame.unwrap_or_default().as_secs_f64();
        let mut line = format!(
            "wrote {} ({width}x{height}) after {} frames; first frame {first:.2} s after start",
            self.path.display(),
            self.rendered
        );
        if !self.steady_frames.is_empty() {
            let total: Duration = self.steady_frames.iter().sum();
            let mean_ms = total.as_secs_f64() * 1000.0 / self.steady_frames.len() as f64;
            line += &format!(
                "; mean frame time {mean_ms:.1} ms ({:.1} fps) over {} frames with all pipelines ready",
                1000.0 / mean_ms,
                self.steady_frames.len()
            );
        }
        line
    }
}
