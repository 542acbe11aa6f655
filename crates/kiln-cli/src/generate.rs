//! `kiln-cli generate "<prompt>" --seed N -o out.glb`: the model, on this machine's CPU (or GPU
//! with --gpu), from prompt to a GLB file.

use std::path::PathBuf;

use anyhow::{Context, bail};
use burn::backend::{NdArray, Wgpu};
use kiln_gen::{GenerateOptions, Generated, Generator, Weights};
use serde::Serialize;

use crate::{files, output};

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// What to make, e.g. "a tall red chair with gold legs" (`kiln-cli vocab` lists the words).
    prompt: String,

    /// Picks one of the prompt's plausible variations; the same seed gives the same object.
    #[arg(long, default_value_t = 0)]
    seed: u64,

    /// Where to write the GLB.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    #[command(flatten)]
    model: ModelArgs,

    /// Grid points per axis of the decoded field (the field generator, version 1).
    #[arg(long, default_value_t = 48)]
    resolution: usize,

    #[command(flatten)]
    mesh: MeshArgs,

    /// Also write a 512×512 PNG picture of the object here.
    #[arg(long, value_name = "FILE")]
    thumbnail: Option<PathBuf>,
}

/// What a creator may choose about the mesh besides prompt and seed; an item records it, so
/// that verification makes the same mesh.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct MeshArgs {
    /// Triangle budget of the mesh, for game use: round parts get fewer sides until it fits
    /// (default 10,000).
    #[arg(long, value_name = "N")]
    pub max_triangles: Option<u64>,

    /// Flat-shaded faces and few sides, for a low-poly look (blocky prompts get them anyway).
    #[arg(long)]
    pub flat: bool,
}

impl MeshArgs {
    /// Sets the recipe's choices and checks them (a clear error before the model runs).
    pub fn apply(&self, recipe: &mut kiln_mint::Recipe) -> anyhow::Result<()> {
        recipe.max_triangles = self.max_triangles;
        recipe.flat = self.flat;
        recipe.check()?;
        Ok(())
    }
}

/// Which weights, on which device.
#[derive(Debug, Clone, clap::Args)]
pub struct ModelArgs {
    /// The model weights. Default: models/kiln-gen.bin (in the current folder or Kiln's source).
    #[arg(long, value_name = "PATH", env = "KILN_WEIGHTS")]
    pub weights: Option<PathBuf>,

    /// Run the model on the GPU (wgpu) instead of the CPU.
    #[arg(long)]
    pub gpu: bool,

    /// Where else to look for the weights an item names (verify, resume), besides models/ and
    /// its subfolders: a folder of weights files. May be given more than once.
    #[arg(long = "weights-dir", value_name = "DIR")]
    pub weights_dirs: Vec<PathBuf>,
}

impl ModelArgs {
    fn path(&self) -> anyhow::Result<PathBuf> {
        match &self.weights {
            Some(path) => Ok(path.clone()),
            None => kiln_gen::shipped_weights_path().with_context(|| {
                format!(
                    "no model weights at models/kiln-gen.bin (here or in {}): train them with `kiln-cli train --config models/kiln-gen.toml`, or pass --weights PATH",
                    kiln_gen::source_models().display()
                )
            }),
        }
    }

    pub fn weights(&self) -> anyhow::Result<Weights> {
        Ok(Weights::read(&self.path()?)?)
    }

    /// The weights file's bytes, checked to be the file whose sha256 is `sha256` (the one an
    /// item was just made with): what items publish so that anyone can re-run them.
    pub fn weights_file(&self, sha256: &str) -> anyhow::Result<Vec<u8>> {
        let path = self.path()?;
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let digest = kiln_asset::Sha256Hex::of(&bytes).to_string();
        if digest != sha256 {
            bail!(
                "{} changed while Kiln ran (sha256 {digest}, not {sha256}): run the command again",
                path.display()
            );
        }
        Ok(bytes)
    }
}

/// A generated object and what made it.
pub struct GeneratedItem {
    pub generated: Generated,
    pub weights_sha256: String,
    /// "ndarray" or "wgpu".
    pub backend: &'static str,
}

/// A model read from its weights and set up on its device.
enum LoadedGenerator {
    Cpu(Box<Generator<NdArray>>),
    Gpu(Box<Generator<Wgpu>>),
}

struct LoadedModel {
    /// The `--weights` and `--gpu` it was loaded for.
    key: (Option<PathBuf>, bool),
    weights_sha256: String,
    generator: LoadedGenerator,
}

thread_local! {
    /// The model of the last generation, so that commands that generate many items (`create`
    /// after `verify`, `bench mint`) read, hash and set up the weights once.
    static LOADED: std::cell::RefCell<Option<std::rc::Rc<LoadedModel>>> =
        const { std::cell::RefCell::new(None) };
}

/// The model `model` names, loaded once per process.
fn loaded(model: &ModelArgs) -> anyhow::Result<std::rc::Rc<LoadedModel>> {
    let key = (model.weights.clone(), model.gpu);
    if let Some(loaded) = LOADED
        .with(|cell| cell.borrow().clone())
        .filter(|l| l.key == key)
    {
        return Ok(loaded);
    }
    let weights = model.weights()?;
    let generator = if model.gpu {
        LoadedGenerator::Gpu(Box::new(Generator::new(&weights, Default::default())?))
    } else {
        LoadedGenerator::Cpu(Box::new(Generator::new(&weights, Default::default())?))
    };
    let loaded = std::rc::Rc::new(LoadedModel {
        key,
        weights_sha256: weights.sha256.clone(),
        generator,
    });
    LOADED.with(|cell| *cell.borrow_mut() = Some(loaded.clone()));
    Ok(loaded)
}

/// Runs the model once, with a spinner.
pub fn generate_item(
    prompt: &str,
    seed: u64,
    model: &ModelArgs,
    options: &GenerateOptions,
) -> anyhow::Result<GeneratedItem> {
    let loaded = loaded(model)?;
    let spinner = crate::progress::spinner("generating");
    let (generated, backend) = match &loaded.generator {
        LoadedGenerator::Gpu(generator) => (generator.generate(prompt, seed, options), "wgpu"),
        LoadedGenerator::Cpu(generator) => (generator.generate(prompt, seed, options), "ndarray"),
    };
    spinner.finish_and_clear();
    Ok(GeneratedItem {
        generated: generated?,
        weights_sha256: loaded.weights_sha256.clone(),
        backend,
    })
}

/// Runs the model once on a prompt (no spinner: for commands that draw many).
pub fn generate_prompt(
    model: &ModelArgs,
    prompt: &str,
    seed: u64,
    options: &GenerateOptions,
) -> anyhow::Result<Generated> {
    let loaded = loaded(model)?;
    Ok(match &loaded.generator {
        LoadedGenerator::Gpu(generator) => generator.generate(prompt, seed, options),
        LoadedGenerator::Cpu(generator) => generator.generate(prompt, seed, options),
    }?)
}

/// Runs the model once on a description (no spinner: for commands that draw many).
pub fn generate_description(
    model: &ModelArgs,
    description: &kiln_gen::Description,
    seed: u64,
    options: &GenerateOptions,
) -> anyhow::Result<Generated> {
    let loaded = loaded(model)?;
    Ok(match &loaded.generator {
        LoadedGenerator::Gpu(generator) => {
            generator.generate_description(description, seed, options)
        }
        LoadedGenerator::Cpu(generator) => {
            generator.generate_description(description, seed, options)
        }
    }?)
}

#[derive(Serialize)]
struct Timings {
    tokenize: f64,
    encode: f64,
    decode: f64,
    mesh: f64,
}

impl From<&kiln_gen::Timings> for Timings {
    fn from(timings: &kiln_gen::Timings) -> Self {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        Timings {
            tokenize: ms(timings.tokenize),
            encode: ms(timings.encode),
            decode: ms(timings.decode),
            mesh: ms(timings.mesh),
        }
    }
}

#[derive(Serialize)]
struct ObjectReport {
    prompt: String,
    seed: u64,
    /// Where the centre of its base stands, in metres.
    position: [f32; 3],
    /// The index of the object it stands on; none: the ground.
    rests_on: Option<usize>,
    triangles: usize,
}

#[derive(Serialize)]
struct Report {
    glb: PathBuf,
    vertices: usize,
    triangles: usize,
    bbox_min: [f32; 3],
    bbox_max: [f32; 3],
    ms: f64,
    /// Milliseconds per stage.
    timings: Timings,
    unknown_words: Vec<String>,
    /// How the prompt was read: each word, what it was read as and how similar.
    reading: kiln_gen::Reading,
    /// The objects of a prompt that names several, each with its prompt, seed and place.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    objects: Vec<ObjectReport>,
    weights_sha256: String,
    backend: &'static str,
}

pub fn run(args: &GenerateArgs, json: bool) -> anyhow::Result<()> {
    // The budget is checked as an item's would be.
    let mut recipe = kiln_mint::Recipe::new(&args.prompt, args.seed, "", 0);
    args.mesh.apply(&mut recipe)?;
    let options = GenerateOptions {
        resolution: args.resolution,
        ..recipe.options()
    };
    let GeneratedItem {
        generated,
        weights_sha256,
        backend,
    } = generate_item(&args.prompt, args.seed, &args.model, &options)?;
    let name = generated.model_prompt.clone();
    let glb = kiln_mint::generated_glb(&generated);
    files::write_atomically(&args.output, |out| Ok(out.write_all(&glb)?))?;
    if let Some(path) = &args.thumbnail {
        let png = kiln_asset::thumbnail_png(&generated.mesh);
        files::write_atomically(path, |out| Ok(out.write_all(&png)?))?;
    }
    let (bbox_min, bbox_max) = generated.mesh.bounds();
    let report = Report {
        glb: args.output.clone(),
        vertices: generated.mesh.vertex_count(),
        triangles: generated.mesh.triangle_count(),
        bbox_min,
        bbox_max,
        ms: generated.timings.total.as_secs_f64() * 1000.0,
        timings: Timings::from(&generated.timings),
        unknown_words: generated.unknown_words.clone(),
        reading: generated.reading.clone(),
        objects: generated
            .objects
            .iter()
            .map(|object| ObjectReport {
                prompt: object.prompt.clone(),
                seed: object.seed,
                position: object.position,
                rests_on: object.rests_on,
                triangles: object.mesh.triangle_count(),
            })
            .collect(),
        weights_sha256,
        backend,
    };
    output::print(json, &report, |out| {
        output::reading(out, &report.reading)?;
        output::unknown_words(out, &report.unknown_words)?;
        for (index, object) in report.objects.iter().enumerate() {
            let stands = object
                .rests_on
                .map_or("the ground".to_owned(), |below| format!("object {below}"));
            writeln!(
                out,
                "  object {index}: {} (seed {}) at ({:.3}, {:.3}, {:.3}) m on {stands}",
                object.prompt,
                object.seed,
                object.position[0],
                object.position[1],
                object.position[2]
            )?;
        }
        writeln!(
            out,
            "{name}: {} triangles, {:.2} × {:.2} × {:.2} m, {:.0} ms on {backend} → {}",
            report.triangles,
            bbox_max[0] - bbox_min[0],
            bbox_max[1] - bbox_min[1],
            bbox_max[2] - bbox_min[2],
            report.ms,
            report.glb.display()
        )
    })
}
