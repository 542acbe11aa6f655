//! `kiln-cli publish CID`: put a DAG from the local blockstore on an IPFS node (Kubo RPC) and/or
//! ask a pinning service to keep it. Every CID the node or service reports is checked.

use std::time::Duration;

use anyhow::{Context, bail};
use kiln_ipfs::{Cid, KuboClient, PinState, PinningClient, PinningError};
use serde::Serialize;

use crate::data_dir::DataDir;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    cid: Cid,

    #[command(flatten)]
    target: IpfsTargets,

    /// The name the pin gets at the pinning service.
    #[arg(long, default_value = "kiln item")]
    name: String,

    /// Seconds to wait for the pinning service to finish pinning.
    #[arg(long, default_value_t = 120)]
    wait: u64,
}

/// Where files are published: an IPFS node and/or a pinning service (`publish`, and the mint
/// outbox's publish step).
#[derive(Debug, Clone, clap::Args)]
pub struct IpfsTargets {
    /// The RPC API of an IPFS node (Kubo or compatible), e.g. http://127.0.0.1:5001.
    #[arg(long, value_name = "URL", env = "KILN_IPFS_API")]
    node: Option<String>,

    /// The API base of an IPFS Pinning Service, e.g. https://api.example.com/psa; its access
    /// token comes from --token-file or KILN_PINNING_TOKEN.
    #[arg(long, value_name = "URL", env = "KILN_PINNING_SERVICE")]
    pinning_service: Option<String>,

    /// A file holding the pinning service's access token (a token on the command line would
    /// show in every user's `ps`).
    #[arg(long, value_name = "PATH")]
    token_file: Option<std::path::PathBuf>,
}

impl IpfsTargets {
    pub fn is_empty(&self) -> bool {
        self.node.is_none() && self.pinning_service.is_none()
    }

    pub fn node(&self) -> anyhow::Result<Option<KuboClient>> {
        Ok(self.node.as_deref().map(KuboClient::new).transpose()?)
    }

    pub fn pinning(&self) -> anyhow::Result<Option<PinningClient>> {
        let Some(endpoint) = &self.pinning_service else {
            return Ok(None);
        };
        let token = match &self.token_file {
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the token file {}", path.display()))?
                .trim()
                .to_owned(),
            None => std::env::var("KILN_PINNING_TOKEN").map_err(|_| {
                anyhow::anyhow!(
                    "the pinning service needs its access token: put it in a file and give --token-file PATH, or set KILN_PINNING_TOKEN"
                )
            })?,
        };
        Ok(Some(PinningClient::new(endpoint, &token)?))
    }
}

#[derive(Serialize)]
struct Published {
    cid: String,
    /// The node the DAG was imported into and pinned on.
    node: Option<String>,
    /// The pinning service's request id and state ("pinned", or still "queued"/"pinning").
    pin_request: Option<String>,
    pin_state: Option<PinState>,
}

pub fn run(args: &PublishArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    if args.target.is_empty() {
        bail!(
            "nowhere to publish: give --node URL (an IPFS node's RPC API) and/or --pinning-service URL --token-file PATH"
        );
    }
    let store = data_dir.blockstore()?;
    // Everything that is published must be here and whole first.
    store
        .walk_blocks(&args.cid, |_| Ok(()))
        .with_context(|| format!("cannot publish {}", args.cid))?;
    let runtime = crate::runtime()?;
    let mut report = Published {
        cid: args.cid.to_string(),
        node: None,
        pin_request: None,
        pin_state: None,
    };
    let mut origins = Vec::new();
    if let Some(node) = args.target.node()? {
        let spinner = crate::progress::spinner("publishing to the node");
        let published = runtime.block_on(node.publish(&store, &args.cid));
        spinner.finish_and_clear();
        published?;
        // The node serves the DAG to the service.
        if let Ok(identity) = runtime.block_on(node.id()) {
            origins = identity.addresses;
        }
        report.node = Some(node.api_url().to_string());
    }
    if let Some(service) = args.target.pinning()? {
        let spinner = crate::progress::spinner("pinning service");
        let created = runtime.block_on(service.add(&args.cid, &args.name, &origins))?;
        report.pin_request = Some(created.request_id.clone());
        let waited = runtime.block_on(service.wait_pinned(
            &args.cid,
            &created.request_id,
            Duration::from_secs(args.wait),
            &mut |state| spinner.set_message(format!("pinning service: {state}")),
        ));
        spinner.finish_and_clear();
        report.pin_state = Some(match waited {
            Ok(status) => status.status,
            // Not an error: hosted services may take minutes; the request stands.
            Err(PinningError::StillPending { status, .. }) => status,
            Err(error) => return Err(error.into()),
        });
    }
    output::print(json, &report, |out| {
        if let Some(node) = &report.node {
            writeln!(out, "{} is on the node {node}, pinned", report.cid)?;
        }
        if let (Some(request), Some(state)) = (&report.pin_request, report.pin_state) {
            writeln!(out, "pinning service: {state} (request {request})")?;
            if state != PinState::Pinned {
                writeln!(
                    out,
                    "the service is still working on it; it keeps the request, check its dashboard or publish again later"
                )?;
            }
        }
        Ok(())
    })
}
