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

/// How the prompt was read, and what it says that the object does not show.
pub fn reading(out: &mut dyn Write, reading: &kiln_gen::Reading) -> io::Result<()> {
    if !reading.read_as.is_empty() {
        writeln!(out, "{}", reading.read_as)?;
    }
    for note in &reading.notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// The prompt's words the generator did not know and ignored, if any.
pub fn unknown_words(out: &mut dyn Write, words: &[String]) -> io::Result<()> {
    if words.is_empty() {
        return Ok(());
    }
    writeln!(out, "not understood, ignored: {}", words.join(", "))
}
