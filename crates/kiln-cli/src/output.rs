//! Results on stdout: for people by default, one JSON document with `--json`. Nothing else is
//! printed to stdout; progress and errors go to stderr.

use std::io::{self, Write};

use anyhow::Context;
use serde::Serialize;

/// Prints `report` as JSON when `json` is set, else as `human` writes it.
pub fn print<T: Serialize>(
    json: bool,
    report: &T,
    human: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, report)?;
        writeln!(out)?;
    } else {
        human(&mut out)?;
    }
    out.flush().context("cannot write to standard output")
}
