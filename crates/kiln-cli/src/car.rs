//! `kiln-cli car export|import`: DAGs as CAR v1 files, to carry items between machines and
//! to upload to services that take CARs.

use std::io::BufReader;
use std::path::PathBuf;

use kiln_ipfs::{Cid, export_car, import_car};
use serde::Serialize;

use crate::data_dir::DataDir;
use crate::{files, output, progress};

#[derive(Debug, clap::Subcommand)]
pub enum CarCommand {
    /// Write the DAG under CID, from the local blockstore, as a CAR v1 file.
    Export {
        cid: Cid,
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Verify every block of a CAR file and keep them in the local blockstore, pinning its roots.
    Import {
        file: PathBuf,
        /// Keep the blocks unpinned (the next gc removes them).
        #[arg(long)]
        no_pin: bool,
    },
}

pub fn run(command: &CarCommand, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let mut store = data_dir.blockstore()?;
    match command {
        CarCommand::Export { cid, output: path } => {
            let blocks = files::write_atomically(path, |out| Ok(export_car(&store, cid, out)?))?;
            #[derive(Serialize)]
            struct Exported {
                root: String,
                file: PathBuf,
                blocks: u64,
            }
            let report = Exported {
                root: cid.to_string(),
                file: path.clone(),
                blocks,
            };
            output::print(json, &report, |out| {
                writeln!(out, "wrote {} ({} blocks)", path.display(), blocks)
            })
        }
        CarCommand::Import { file, no_pin } => {
            let input = files::open(file)?;
            let size = input.metadata().map(|meta| meta.len()).unwrap_or(0);
            let bar = progress::bytes(size, "verifying");
            let pin_name = file
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let imported = import_car(
                &mut store,
                bar.wrap_read(BufReader::new(input)),
                (!no_pin).then_some(pin_name.as_str()),
            )?;
            bar.finish_and_clear();
            #[derive(Serialize)]
            struct Imported {
                roots: Vec<String>,
                blocks: u64,
                new_blocks: u64,
                pinned: bool,
            }
            let report = Imported {
                roots: imported.roots.iter().map(Cid::to_string).collect(),
                blocks: imported.blocks,
                new_blocks: imported.new_blocks,
                pinned: !no_pin,
            };
            output::print(json, &report, |out| {
                writeln!(
                    out,
                    "verified {} blocks ({} new); roots: {}",
                    report.blocks,
                    report.new_blocks,
                    report.roots.join(", ")
                )
            })
        }
    }
}
