//! `kiln-cli fetch CID -o FILE`: read a file from IPFS gateways without trusting them. Every
//! block is verified before it is kept (in the local blockstore); the file is written only when
//! all of it has arrived and checked out.

use std::path::PathBuf;

use kiln_ipfs::{Cid, DEFAULT_GATEWAYS, FailureReason, GatewayClient};
use serde::Serialize;

use crate::data_dir::DataDir;
use crate::{files, output, progress};

#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    cid: Cid,

    /// Where to write the file.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    #[command(flatten)]
    gateways: GatewayArgs,
}

/// Which trustless gateways to read from.
#[derive(Debug, clap::Args)]
pub struct GatewayArgs {
    /// A trustless gateway to ask (repeat for a fallback list). Default: trustless-gateway.link,
    /// ipfs.io, dweb.link.
    #[arg(
        long = "gateway",
        value_name = "URL",
        env = "KILN_GATEWAYS",
        value_delimiter = ','
    )]
    gateways: Vec<String>,
}

impl GatewayArgs {
    /// A client for the chosen gateways, or the default ones.
    pub fn client(&self) -> anyhow::Result<GatewayClient> {
        let gateways: Vec<&str> = if self.gateways.is_empty() {
            DEFAULT_GATEWAYS.to_vec()
        } else {
            self.gateways.iter().map(String::as_str).collect()
        };
        Ok(GatewayClient::new(&gateways)?)
    }
}

#[derive(Serialize)]
struct Fetched {
    cid: String,
    file: PathBuf,
    size: u64,
    /// The gateway that served it; null when the local blockstore had it all.
    gateway: Option<String>,
    blocks_fetched: u64,
    rejected: Vec<Rejected>,
}

#[derive(Serialize)]
struct Rejected {
    gateway: String,
    /// "wrong_bytes", "not_trustless" or "unavailable".
    kind: &'static str,
    detail: String,
}

pub fn run(args: &FetchArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let client = args.gateways.client()?;
    let mut store = data_dir.blockstore()?;
    let bar = progress::spinner("fetching");
    let report =
        crate::runtime()?
            .block_on(client.fetch_dag(&args.cid, &mut store, &mut |bytes| bar.inc(bytes)));
    bar.finish_and_clear();
    let report = report?;
    let size = files::write_atomically(&args.output, |file| Ok(store.read_file(&args.cid, file)?))?;
    let fetched = Fetched {
        cid: args.cid.to_string(),
        file: args.output.clone(),
        size,
        gateway: report.gateway.clone(),
        blocks_fetched: report.blocks_fetched,
        rejected: report
            .rejected
            .iter()
            .map(|failure| {
                let (kind, detail) = match &failure.reason {
                    FailureReason::WrongBytes(detail) => ("wrong_bytes", detail),
                    FailureReason::NotTrustless(detail) => ("not_trustless", detail),
                    FailureReason::Unavailable(detail) => ("unavailable", detail),
                };
                Rejected {
                    gateway: failure.gateway.clone(),
                    kind,
                    detail: detail.clone(),
                }
            })
            .collect(),
    };
    output::print(json, &fetched, |out| {
        for failure in &report.rejected {
            writeln!(out, "passed over:\n{failure}")?;
        }
        match &fetched.gateway {
            Some(gateway) => writeln!(
                out,
                "wrote {} ({} bytes, {} blocks verified from {gateway})",
                fetched.file.display(),
                fetched.size,
                fetched.blocks_fetched
            ),
            None => writeln!(
                out,
                "wrote {} ({} bytes, from the local blockstore)",
                fetched.file.display(),
                fetched.size
            ),
        }
    })
}
