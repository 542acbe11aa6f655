//! `kiln-cli`: Kiln without a window. Every subcommand prints for people by default and JSON
//! with `--json`; errors go to stderr with what to do about them, and a non-zero exit.

mod bench;
mod car;
mod chain;
mod cid;
mod data_dir;
mod eval;
mod export;
mod fetch;
mod files;
mod generate;
mod inspect;
mod metadata;
mod mint;
mod output;
mod pictures;
mod progress;
mod publish;
mod read;
mod store;
mod train;
mod verify;
mod vocab;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::data_dir::DataDir;

#[derive(Debug, Parser)]
#[command(name = "kiln-cli", version, about, propagate_version = true)]
struct Cli {
    /// Where Kiln keeps its state (blockstore, outbox, keys). Default: the platform data
    /// directory, e.g. ~/.local/share/kiln.
    #[arg(long, global = true, env = "KILN_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Print results as JSON, for scripts.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show the version and the data directory (creating it if needed).
    Info,
    /// Print the IPFS CID of a file, as `ipfs add --cid-version=1` computes it.
    Cid(cid::CidArgs),
    /// The local blockstore: add, cat, pin, unpin, gc.
    #[command(subcommand)]
    Store(store::StoreCommand),
    /// CAR v1 archives of DAGs in the local blockstore.
    #[command(subcommand)]
    Car(car::CarCommand),
    /// Read a file from IPFS gateways, verifying every block.
    Fetch(fetch::FetchArgs),
    /// Put a DAG on an IPFS node and/or a pinning service.
    Publish(publish::PublishArgs),
    /// List every word the generator understands.
    Vocab,
    /// Show how a prompt is read: each word, what it was read as and how similar.
    Read(read::ReadArgs),
    /// Generate an object from a prompt and write it as GLB.
    Generate(generate::GenerateArgs),
    /// Generate an item and write its three files (model.glb, thumbnail.png, metadata.json),
    /// stored and pinned in the local blockstore.
    Export(export::ExportArgs),
    /// NFT metadata: normalise anybody's into Kiln's canonical form.
    #[command(subcommand)]
    Metadata(metadata::MetadataCommand),
    /// Check a GLB as the client checks other players' items: counts, bbox, materials, limits.
    Inspect(inspect::InspectArgs),
    /// Train the generator from scratch (resumes from its last checkpoint).
    Train(train::TrainArgs),
    /// Measure how well the model follows prompts, held-out combinations included.
    Eval(eval::EvalArgs),
    /// Draw generated objects on a picture sheet (or a blind one, with its key apart).
    Pictures(pictures::PicturesArgs),
    /// The Kiln contract on a chain: deploy it.
    #[command(subcommand)]
    Chain(chain::ChainCommand),
    /// The signing key for real chains (an encrypted keystore in the data directory).
    #[command(subcommand)]
    Key(chain::KeyCommand),
    /// Mint an exported item (a folder from `kiln-cli export`) through the mint outbox.
    Mint(mint::MintArgs),
    /// Generate, export and mint in one: prompt to token.
    Create(mint::CreateArgs),
    /// List the items in the mint outbox and the step each reached.
    Outbox,
    /// Finish every item in the outbox that has no token yet.
    Resume(mint::ResumeArgs),
    /// Check a token from the chain alone: record, files by CID, and the generator re-run.
    Verify(verify::VerifyArgs),
    /// Show what the chain records about a token.
    Token(chain::TokenArgs),
    /// Set one of your tokens on a world plot.
    Place(chain::PlaceArgs),
    /// List tokens from the event index, all or by owner or creator.
    List(chain::ListArgs),
    /// Measure performance and print a table.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `kiln-cli vocab | head`: the reader left; that is not an error.
        Err(error)
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let data_dir = || DataDir::open(cli.data_dir.clone());
    match &cli.command {
        Command::Info => info(&data_dir()?, cli.json),
        Command::Cid(args) => cid::run(args, cli.json),
        Command::Store(command) => store::run(command, &data_dir()?, cli.json),
        Command::Car(command) => car::run(command, &data_dir()?, cli.json),
        Command::Fetch(args) => fetch::run(args, &data_dir()?, cli.json),
        Command::Publish(args) => publish::run(args, &data_dir()?, cli.json),
        Command::Bench(command) => bench::run(command, &data_dir()?, cli.json),
        Command::Vocab => vocab::run(cli.json),
        Command::Read(args) => read::run(args, cli.json),
        Command::Generate(args) => generate::run(args, cli.json),
        Command::Export(args) => export::run(args, &data_dir()?, cli.json),
        Command::Metadata(command) => metadata::run(command, cli.json),
        Command::Inspect(args) => inspect::run(args, cli.json),
        Command::Train(args) => train::run(args, &data_dir()?, cli.json),
        Command::Eval(args) => eval::run(args, cli.json),
        Command::Pictures(args) => pictures::run(args, cli.json),
        Command::Chain(command) => chain::run_chain(command, &data_dir()?, cli.json),
        Command::Key(command) => chain::run_key(command, &data_dir()?, cli.json),
        Command::Mint(args) => mint::run_mint(args, &data_dir()?, cli.json),
        Command::Create(args) => mint::run_create(args, &data_dir()?, cli.json),
        Command::Outbox => mint::run_outbox(&data_dir()?, cli.json),
        Command::Resume(args) => mint::run_resume(args, &data_dir()?, cli.json),
        Command::Verify(args) => verify::run(args, &data_dir()?, cli.json),
        Command::Token(args) => chain::run_token(args, &data_dir()?, cli.json),
        Command::Place(args) => chain::run_place(args, &data_dir()?, cli.json),
        Command::List(args) => chain::run_list(args, &data_dir()?, cli.json),
    }
}

/// The async runtime of the network commands: one thread is plenty for a CLI.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

#[derive(Serialize)]
struct Info {
    version: &'static str,
    data_dir: PathBuf,
}

fn info(data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let info = Info {
        version: env!("CARGO_PKG_VERSION"),
        data_dir: data_dir.path().to_owned(),
    };
    output::print(json, &info, |out| {
        writeln!(out, "kiln-cli {}", info.version)?;
        writeln!(out, "data directory: {}", info.data_dir.display())
    })
}
