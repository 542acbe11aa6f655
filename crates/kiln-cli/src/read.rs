//! `kiln-cli read PROMPT`: how Kiln reads a prompt, without generating: each word, what it was
//! read as, how and how similar; what the object will not show; words not understood.

use kiln_gen::WordKind;
use serde::Serialize;

use crate::output;

#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// The prompt, as you would give it to `generate`.
    prompt: String,
}

#[derive(Serialize)]
struct Report {
    /// The prompt in Kiln's words: what the model is given.
    model_prompt: String,
    reading: kiln_gen::Reading,
    unknown_words: Vec<String>,
}

pub fn run(args: &ReadArgs, json: bool) -> anyhow::Result<()> {
    let parsed = kiln_gen::parse(&args.prompt)?;
    let report = Report {
        model_prompt: parsed.description.to_string(),
        reading: parsed.reading,
        unknown_words: parsed.unknown_words,
    };
    output::print(json, &report, |out| {
        writeln!(out, "{}", report.reading.read_as)?;
        for word in &report.reading.words {
            if word.kind == WordKind::Filler {
                continue;
            }
            let read_as = word.read_as.as_deref().unwrap_or("-");
            let by = word
                .by
                .map_or(String::new(), |by| format!("{by:?}").to_lowercase());
            let also = word
                .also
                .as_deref()
                .map_or(String::new(), |also| format!(" (and {also})"));
            let suggestions = if word.suggestions.is_empty() {
                String::new()
            } else {
                format!("  nearest: {}", word.suggestions.join(", "))
            };
            writeln!(
                out,
                "  {:<16} {:<14} {read_as}{also:<10} {by:<11} {:.2}{suggestions}",
                word.word,
                format!("{:?}", word.kind).to_lowercase(),
                word.similarity
            )?;
        }
        for note in &report.reading.notes {
            writeln!(out, "note: {note}")?;
        }
        output::unknown_words(out, &report.unknown_words)
    })
}
