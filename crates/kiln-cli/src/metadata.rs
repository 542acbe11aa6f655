//! `kiln-cli metadata normalize FILE`: any NFT metadata document in Kiln's canonical form, with
//! what was rewritten, converted or dropped on the way.

use std::path::PathBuf;

use anyhow::Context;
use kiln_asset::metadata::{ForeignOptions, Warning};
use kiln_asset::{ItemMetadata, Sha256Hex};
use serde::Serialize;

use crate::output;

#[derive(Debug, clap::Subcommand)]
pub enum MetadataCommand {
    /// Print a metadata document (ERC-721, ERC-1155, Metaplex, TZIP-21, …) in canonical form
    /// with the warnings.
    Normalize {
        file: PathBuf,
        /// The token id, for ERC-1155's {id} (decimal or 0x-hex).
        #[arg(long)]
        token_id: Option<String>,
    },
}

#[derive(Serialize)]
struct Report {
    metadata: serde_json::Value,
    warnings: Vec<Warning>,
    /// sha256 of the canonical JSON.
    sha256: String,
}

pub fn run(command: &MetadataCommand, json: bool) -> anyhow::Result<()> {
    let MetadataCommand::Normalize { file, token_id } = command;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let normalised = ItemMetadata::from_foreign(
        &bytes,
        &ForeignOptions {
            token_id: token_id.clone(),
            ..Default::default()
        },
    )
    .with_context(|| format!("{} is not usable metadata", file.display()))?;
    let canonical = normalised.metadata.to_canonical_json();
    let report = Report {
        metadata: serde_json::from_slice(&canonical).context("canonical JSON reads back")?,
        warnings: normalised.warnings,
        sha256: Sha256Hex::of(&canonical).to_string(),
    };
    output::print(json, &report, |out| {
        writeln!(out, "{}", serde_json::to_string_pretty(&report.metadata)?)?;
        writeln!(out, "sha256 of the canonical form: {}", report.sha256)?;
        if report.warnings.is_empty() {
            writeln!(out, "no warnings")?;
        } else {
            writeln!(out, "{} warnings:", report.warnings.len())?;
            for warning in &report.warnings {
                writeln!(out, "  {warning}")?;
            }
        }
        Ok(())
    })
}
