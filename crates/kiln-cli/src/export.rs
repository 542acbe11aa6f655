//! `kiln-cli export "<prompt>" --seed N --out-dir DIR`: one item as its three files —
//! `model.glb`, `thumbnail.png` and `metadata.json` (canonical JSON whose URIs are the CIDs of the
//! other two) — added and pinned in the local blockstore, ready to mint.

use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use kiln_ipfs::ImportProfile;
use kiln_mint::{ItemFiles, Recipe};
use serde::Serialize;

use crate::data_dir::DataDir;
use crate::generate::{MeshArgs, ModelArgs, generate_item};
use crate::output;

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

    #[command(flatten)]
    mesh: MeshArgs,

    /// Do not add the files to the local blockstore.
    #[arg(long)]
    no_store: bool,

    /// The account that will mint the item, named in its metadata: the token id binds it, and
    /// a token minted by any other account is told apart as a copy. Default: the account
    /// `kiln-cli mint` signs with on --network.
    #[arg(long, value_name = "ADDRESS")]
    creator: Option<kiln_chain::Address>,

    /// The network whose minting account is the default creator: `sandbox` (its dev account)
    /// or a JSON-RPC URL (this data directory's key).
    #[arg(
        long,
        default_value = "sandbox",
        env = "KILN_NETWORK",
        value_name = "sandbox|URL"
    )]
    network: String,
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
}

#[derive(Serialize)]
struct FileReport {
    path: PathBuf,
    cid: String,
    bytes: usize,
}

impl Exported {
    /// What is reported of `files`, written into `out_dir`.
    pub fn of(out_dir: &Path, files: &ItemFiles, stored: bool, unknown_words: &[String]) -> Self {
        let [glb, thumbnail, metadata] = files.files().map(|(name, bytes, cid)| FileReport {
            path: out_dir.join(name),
            cid: cid.to_string(),
            bytes: bytes.len(),
        });
        Self {
            out_dir: out_dir.to_owned(),
            name: files.metadata.name.clone(),
            glb,
            thumbnail,
            metadata,
            metadata_sha256: kiln_asset::Sha256Hex::of(&files.metadata_json).to_string(),
            stored,
            vertices: files.vertices,
            triangles: files.triangles,
            unknown_words: unknown_words.to_vec(),
        }
    }
}

const STEPS: [&str; 4] = [
    "generating",
    "making the GLB, thumbnail and metadata",
    "writing the files",
    "storing in the blockstore",
];

/// The metadata's creation time: now, or `SOURCE_DATE_EPOCH` (reproducible builds'
/// convention: a fixed time makes an export bit-exact).
pub fn created_unix() -> anyhow::Result<i64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) => epoch
            .trim()
            .parse()
            .context("SOURCE_DATE_EPOCH must be whole seconds since 1970"),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .context("the system clock is before 1970")?
            .as_secs() as i64),
    }
}

pub fn run(args: &ExportArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let mut recipe = Recipe {
        height: args.height,
        profile: args.profile,
        external_url: args.external_url.clone(),
        ..Recipe::new(&args.prompt, args.seed, "", created_unix()?)
    };
    // Refused before the model runs.
    args.mesh.apply(&mut recipe)?;
    recipe.creator = Some(match args.creator {
        Some(creator) => creator,
        None => crate::chain::minting_account(&args.network, data_dir)?,
    });
    let bar = ProgressBar::new(STEPS.len() as u64).with_style(
        ProgressStyle::with_template("{bar:20} {pos}/{len} {msg}").expect("the template is valid"),
    );
    let step = |index: usize| {
        bar.set_position(index as u64);
        bar.set_message(STEPS[index]);
    };
    step(0);
    let item = generate_item(&args.prompt, args.seed, &args.model, &recipe.options())?;
    let weights = args.model.weights_file(&item.weights_sha256)?;
    recipe.weights_cid = Some(kiln_mint::weights_cid(&weights, recipe.profile)?.to_string());
    recipe.weights_sha256 = item.weights_sha256;
    step(1);
    let files = ItemFiles::make(&recipe, &item.generated)?;
    step(2);
    // The three files belong together: all are replaced, or none (the metadata last, so a
    // reader that sees it sees the files it names).
    files.write(&args.out_dir)?;
    if !args.no_store {
        step(3);
        let mut store = data_dir.blockstore()?;
        kiln_mint::store_weights(&mut store, &weights, recipe.profile)?;
        files.store(&mut store)?;
    }
    bar.finish_and_clear();
    let report = Exported::of(
        &args.out_dir,
        &files,
        !args.no_store,
        &item.generated.unknown_words,
    );
    print(json, &report)
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
