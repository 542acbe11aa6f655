//! `kiln-cli`: Kiln without a window. Every subcommand prints for people by default and JSON
//! with `--json`; errors go to stderr with what to do about them, and a non-zero exit.

mod cid;
mod data_dir;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Info => info(cli),
        Command::Cid(args) => cid::run(args, cli.json),
    }
}

#[derive(Serialize)]
struct Info {
    version: &'static str,
    data_dir: PathBuf,
}

fn info(cli: &Cli) -> anyhow::Result<()> {
    let data_dir = DataDir::open(cli.data_dir.clone())?;
    let info = Info {
        version: env!("CARGO_PKG_VERSION"),
        data_dir: data_dir.path().to_owned(),
    };
    output::print(cli.json, &info, |out| {
        writeln!(out, "kiln-cli {}", info.version)?;
        writeln!(out, "data directory: {}", info.data_dir.display())
    })
}
