//! `kiln-cli store …`: the local blockstore in the data directory, where items live offline
//! until (and after) they are published.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use anyhow::Context;
use kiln_ipfs::{Cid, ImportProfile};
use serde::Serialize;

use crate::data_dir::DataDir;
use crate::{output, progress};

#[derive(Debug, clap::Subcommand)]
pub enum StoreCommand {
    /// Import a file as UnixFS and keep its blocks; prints its CID.
    Add {
        file: PathBuf,
        /// Chunking profile: 'legacy' (256 KiB, what gateways verify today) or 'v1-2025'.
        #[arg(long, default_value_t = ImportProfile::Legacy)]
        profile: ImportProfile,
        /// Pin it under this name, in the same transaction (else the next gc may remove it).
        #[arg(long, value_name = "NAME")]
        pin: Option<String>,
    },
    /// Write a file from the store, verifying every block.
    Cat {
        cid: Cid,
        /// Where to write it.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Pin a DAG that is wholly in the store.
    Pin {
        cid: Cid,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Remove a pin (the blocks stay until gc).
    Unpin { cid: Cid },
    /// List the pins.
    Pins,
    /// Delete every block no pin reaches.
    Gc,
    /// Blocks, bytes and pins in the store.
    Stat,
}

pub fn run(command: &StoreCommand, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let mut store = data_dir.blockstore()?;
    match command {
        StoreCommand::Add { file, profile, pin } => {
            let open_error = || format!("cannot read {}", file.display());
            let input = File::open(file).with_context(open_error)?;
            let size = input.metadata().with_context(open_error)?.len();
            let bar = progress::bytes(size, "adding");
            let reader = bar.wrap_read(BufReader::new(input));
            let imported = match pin {
                Some(name) => store.add_file_pinned(reader, *profile, name),
                None => store.add_file(reader, *profile),
            }
            .with_context(open_error)?;
            bar.finish_and_clear();
            #[derive(Serialize)]
            struct Added {
                cid: String,
                size: u64,
                blocks: u64,
                profile: String,
                pinned: bool,
            }
            let report = Added {
                cid: imported.root.to_string(),
                size: imported.size,
                blocks: imported.blocks,
                profile: imported.profile.to_string(),
                pinned: pin.is_some(),
            };
            output::print(json, &report, |out| writeln!(out, "{}", report.cid))
        }
        StoreCommand::Cat { cid, output: path } => {
            let size =
                crate::files::write_atomically(path, |file| Ok(store.read_file(cid, file)?))?;
            #[derive(Serialize)]
            struct Written {
                cid: String,
                file: PathBuf,
                size: u64,
            }
            let report = Written {
                cid: cid.to_string(),
                file: path.clone(),
                size,
            };
            output::print(json, &report, |out| {
                writeln!(out, "wrote {} ({} bytes)", path.display(), size)
            })
        }
        StoreCommand::Pin { cid, name } => {
            store.pin(cid, name)?;
            output::print(
                json,
                &serde_json::json!({"pinned": cid.to_string()}),
                |out| writeln!(out, "pinned {cid}"),
            )
        }
        StoreCommand::Unpin { cid } => {
            let was_pinned = store.unpin(cid)?;
            output::print(
                json,
                &serde_json::json!({"unpinned": cid.to_string(), "was_pinned": was_pinned}),
                |out| {
                    if was_pinned {
                        writeln!(out, "unpinned {cid}; `kiln-cli store gc` frees its blocks")
                    } else {
                        writeln!(out, "{cid} was not pinned")
                    }
                },
            )
        }
        StoreCommand::Pins => {
            #[derive(Serialize)]
            struct Listed {
                cid: String,
                name: String,
                pinned_at: u64,
            }
            let pins: Vec<Listed> = store
                .pins()?
                .into_iter()
                .map(|pin| Listed {
                    cid: pin.cid.to_string(),
                    name: pin.name,
                    pinned_at: pin.pinned_at,
                })
                .collect();
            output::print(json, &pins, |out| {
                for pin in &pins {
                    writeln!(out, "{}  {}", pin.cid, pin.name)?;
                }
                Ok(())
            })
        }
        StoreCommand::Gc => {
            let report = store.gc()?;
            output::print(
                json,
                &serde_json::json!({"blocks_removed": report.blocks_removed, "bytes_freed": report.bytes_freed}),
                |out| {
                    writeln!(
                        out,
                        "removed {} blocks, freed {} bytes",
                        report.blocks_removed, report.bytes_freed
                    )
                },
            )
        }
        StoreCommand::Stat => {
            let stats = store.stats()?;
            output::print(
                json,
                &serde_json::json!({"blocks": stats.blocks, "bytes": stats.bytes, "pins": stats.pins, "path": data_dir.blockstore_path()}),
                |out| {
                    writeln!(out, "blockstore: {}", data_dir.blockstore_path().display())?;
                    writeln!(out, "blocks: {}", stats.blocks)?;
                    writeln!(out, "bytes:  {}", stats.bytes)?;
                    writeln!(out, "pins:   {}", stats.pins)
                },
            )
        }
    }
}
