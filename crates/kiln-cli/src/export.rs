//! `kiln-cli export "<prompt>" --seed N --out-dir DIR`: one item as its three files —
//! `model.glb`, `thumbnail.png` and `metadata.json` (canonical JSON whose URIs are the CIDs of the
//! other two) — added and pinned in the local blockstore, ready to mint.

use std::path::PathBuf;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use kiln_asset::metadata::{ItemFacts, MAX_JSON_INTEGER};
use kiln_asset::{ItemMetadata, ItemUri, Sha256Hex};
use kiln_gen::GenerateOptions;
use kiln_ipfs::{Cid, ImportProfile, file_cid};
use serde::Serialize;

use crate::data_dir::DataDir;
use crate::generate::{GeneratedItem, ModelArgs, generate_item};
use crate::{files, output};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// What to make, e.g. "a tall red chair with gold legs".
    prompt: String,

    /// Picks one of the prompt's variations (at most 2^53 − 1, so JSON holds it exactly).
    #[arg(long, default_value_t = 0)]
    seed: u64,

    /// The folder the three files go into (created if missing).
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,

    #[command(flatten)]
    model: ModelArgs,

    /// Scale the object to this height in metres instead of the prompt's.
    #[arg(long, value_name = "METRES")]
    height: Option<f32>,

    /// How files are cut into IPFS blocks: legacy (256 KiB, what gateways verify today) or
    /// v1-2025 (1 MiB). Recorded in the metadata.
    #[arg(long, default_value = "legacy")]
    profile: ImportProfile,

    /// A web page for the item (OpenSea's external_url).
    #[arg(long, value_name = "URL")]
    external_url: Option<String>,

    /// Do not add the files to the local blockstore.
    #[arg(long)]
    no_store: bool,
}

#[derive(Serialize)]
pub struct Exported {
    pub out_dir: PathBuf,
    name: String,
    glb: FileReport,
    thumbnail: FileReport,
    metadata: FileReport,
    /// sha256 of metadata.json, the digest a mint records.
    metadata_sha256: String,
    stored: bool,
    vertices: usize,
    triangles: usize,
    unknown_words: Vec<String>,
    /// Loading the model and running it (what `bench mint` tells apart from the rest).
    #[serde(skip)]
    pub generate_time: std::time::Duration,
}

#[derive(Serialize)]
struct FileReport {
    path: PathBuf,
    cid: String,
    bytes: usize,
}

const STEPS: [&str; 6] = [
    "generating",
    "writing the GLB",
    "rendering the thumbnail",
    "computing CIDs",
    "writing metadata",
    "storing in the blockstore",
];

impl ExportArgs {
    /// What `kiln-cli create` exports: the defaults, stored in the blockstore.
    pub fn for_create(prompt: &str, seed: u64, out_dir: PathBuf, model: ModelArgs) -> Self {
        Self {
            prompt: prompt.to_owned(),
            seed,
            out_dir,
            model,
            height: None,
            profile: ImportProfile::Legacy,
            external_url: None,
            no_store: false,
        }
    }
}

pub fn run(args: &ExportArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let report = export(args, data_dir)?;
    print(json, &report)
}

/// Generates the item and writes its three files; stored and pinned unless told not to.
pub fn export(args: &ExportArgs, data_dir: &DataDir) -> anyhow::Result<Exported> {
    let started = std::time::Instant::now();
    if args.seed > MAX_JSON_INTEGER {
        bail!(
            "seed {} is above {MAX_JSON_INTEGER}, the largest a JSON number holds exactly; pick a smaller seed",
            args.seed
        );
    }
    if let Some(height) = args.height
        && !(height.is_finite() && (0.01..=1000.0).contains(&height))
    {
        bail!("--height must be between 0.01 and 1000 metres");
    }
    let external_url = args
        .external_url
        .as_deref()
        .map(|url| {
            ItemUri::normalise(url)
                .map(|(uri, _)| uri)
                .with_context(|| format!("--external-url {url}"))
        })
        .transpose()?;
    let bar = ProgressBar::new(STEPS.len() as u64).with_style(
        ProgressStyle::with_template("{bar:20} {pos}/{len} {msg}").expect("the template is valid"),
    );
    let step = |index: usize| {
        bar.set_position(index as u64);
        bar.set_message(STEPS[index]);
    };

    step(0);
    let GeneratedItem {
        generated,
        weights_sha256,
        backend: _,
    } = generate_item(
        &args.prompt,
        args.seed,
        &args.model,
        &GenerateOptions::default(),
    )?;
    let generate_time = started.elapsed();
    let mut mesh = generated.mesh;
    if args.height.is_some() {
        mesh.stand_on_ground(args.height);
    }
    let name = generated.description.to_string();

    step(1);
    let glb = kiln_asset::write_glb(&mesh, &name);
    step(2);
    let png = kiln_asset::thumbnail_png(&mesh);
    step(3);
    let cid_of = |bytes: &[u8]| -> anyhow::Result<Cid> { Ok(file_cid(bytes, args.profile)?.root) };
    let glb_cid = cid_of(&glb)?;
    let png_cid = cid_of(&png)?;

    step(4);
    let created_unix = match std::env::var("SOURCE_DATE_EPOCH") {
        // Reproducible builds' convention: a fixed creation time makes the export bit-exact.
        Ok(epoch) => epoch
            .trim()
            .parse()
            .context("SOURCE_DATE_EPOCH must be whole seconds since 1970")?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .context("the system clock is before 1970")?
            .as_secs() as i64,
    };
    let metadata = ItemMetadata::for_item(&ItemFacts {
        prompt: &args.prompt,
        seed: args.seed,
        description: &generated.description,
        generator_version: env!("CARGO_PKG_VERSION"),
        weights_sha256: weights_sha256
            .parse::<Sha256Hex>()
            .context("the weights' sha256")?,
        glb: &glb,
        vertices: mesh.vertex_count(),
        triangles: mesh.triangle_count(),
        bounds: mesh.bounds(),
        created_unix,
        ipfs_profile: args.profile,
        glb_uri: ItemUri::ipfs(glb_cid),
        image_uri: ItemUri::ipfs(png_cid),
        external_url,
    })?;
    let metadata_json = metadata.to_canonical_json();
    let metadata_cid = cid_of(&metadata_json)?;

    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("cannot create {}", args.out_dir.display()))?;
    let report = |file: &str, bytes: &[u8], cid: Cid| FileReport {
        path: args.out_dir.join(file),
        cid: cid.to_string(),
        bytes: bytes.len(),
    };
    let glb_report = report("model.glb", &glb, glb_cid);
    let thumbnail_report = report("thumbnail.png", &png, png_cid);
    let metadata_report = report("metadata.json", &metadata_json, metadata_cid);
    // The three files belong together: all are replaced, or none (the metadata last, so a
    // reader that sees it sees the files it names).
    files::write_all_or_none(&[
        (&glb_report.path, &glb),
        (&thumbnail_report.path, &png),
        (&metadata_report.path, &metadata_json),
    ])?;

    step(5);
    if !args.no_store {
        let mut store = data_dir.blockstore()?;
        for (bytes, cid, file) in [
            (&glb, glb_cid, "model.glb"),
            (&png, png_cid, "thumbnail.png"),
            (&metadata_json, metadata_cid, "metadata.json"),
        ] {
            let added = store.add_file_pinned(
                bytes.as_slice(),
                args.profile,
                &format!("{name}: {file}"),
            )?;
            if added.root != cid {
                bail!(
                    "the blockstore computed {} for {file}, not {cid}",
                    added.root
                );
            }
        }
    }
    bar.finish_and_clear();

    let report = Exported {
        out_dir: args.out_dir.clone(),
        name: metadata.name.clone(),
        glb: glb_report,
        thumbnail: thumbnail_report,
        metadata: metadata_report,
        metadata_sha256: Sha256Hex::of(&metadata_json).to_string(),
        stored: !args.no_store,
        vertices: mesh.vertex_count(),
        triangles: mesh.triangle_count(),
        unknown_words: generated.unknown_words,
        generate_time,
    };
    Ok(report)
}

pub fn print(json: bool, report: &Exported) -> anyhow::Result<()> {
    output::print(json, report, |out| {
        output::unknown_words(out, &report.unknown_words)?;
        writeln!(out, "{} ({} triangles)", report.name, report.triangles)?;
        for file in [&report.glb, &report.thumbnail, &report.metadata] {
            writeln!(
                out,
                "  {}  ipfs://{}  {} bytes",
                file.path.display(),
                file.cid,
                file.bytes
            )?;
        }
        writeln!(out, "  metadata sha256 {}", report.metadata_sha256)?;
        if report.stored {
            writeln!(out, "  added and pinned in the local blockstore")?;
        }
        Ok(())
    })
}
