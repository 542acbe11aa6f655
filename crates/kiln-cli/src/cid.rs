//! `kiln-cli cid FILE`: the CID an IPFS node gives a file, computed here, offline.

use std::fs::File;
use std::io::{BufReader, Read};

use crate::{output, progress};
use std::path::PathBuf;

use anyhow::Context;
use kiln_ipfs::{ImportProfile, file_cid, raw_cid};
use serde::Serialize;

#[derive(Debug, clap::Args)]
pub struct CidArgs {
    /// The file to address.
    file: PathBuf,

    /// How the file is cut into blocks: 'legacy' (256 KiB chunks, 174 links, what gateways verify
    /// today) or 'v1-2025' (1 MiB chunks, 1,024 links). The same bytes get another CID under
    /// each.
    #[arg(long, default_value_t = ImportProfile::Legacy)]
    profile: ImportProfile,

    /// The CID of the whole file as one raw block, instead of its UnixFS DAG.
    #[arg(long, conflicts_with = "profile")]
    raw: bool,
}

#[derive(Serialize)]
struct CidReport {
    cid: String,
    size: u64,
    /// "legacy", "v1-2025" or "raw".
    profile: String,
}

pub fn run(args: &CidArgs, json: bool) -> anyhow::Result<()> {
    let open_error = || format!("cannot read {}", args.file.display());
    let file = File::open(&args.file).with_context(open_error)?;
    let size = file.metadata().with_context(open_error)?.len();
    let progress = progress::bytes(size, "hashing");
    let mut reader = progress.wrap_read(BufReader::new(file));
    let report = if args.raw {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).with_context(open_error)?;
        CidReport {
            cid: raw_cid(&bytes).to_string(),
            size: bytes.len() as u64,
            profile: "raw".to_owned(),
        }
    } else {
        let imported = file_cid(reader, args.profile).with_context(open_error)?;
        CidReport {
            cid: imported.root.to_string(),
            size: imported.size,
            profile: imported.profile.to_string(),
        }
    };
    progress.finish_and_clear();

    output::print(json, &report, |out| writeln!(out, "{}", report.cid))
}
