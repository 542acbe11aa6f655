//! `kiln-cli pictures`: picture sheets of generated objects, for checking the generator by eye.
//!
//! - `kiln-cli pictures -o sheet.png --seed 0 "a red chair" "a pine tree" …`: the prompts in
//!   order, row by row.
//! - `kiln-cli pictures --blind 48 -o models/blind.png --key models/blind-key.txt`: 48 objects
//!   of random evaluation-like prompts (held-out combinations among them) at random seeds, in
//!   random order and without captions; the key names each tile. Cover the key, say what each
//!   object is, then compare.

use std::path::PathBuf;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use kiln_gen::data::Sampler;
use kiln_gen::{Description, GenerateOptions, Mesh};
use rand_like::Shuffle;
use serde::Serialize;

use crate::generate::{ModelArgs, generate_description};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct PicturesArgs {
    /// Prompts to draw, in order (not with --blind).
    prompts: Vec<String>,

    /// The seed of every prompt's object.
    #[arg(long, default_value_t = 0)]
    seed: u64,

    /// Instead of prompts: this many objects of random evaluation-like prompts at random seeds,
    /// in random order, without captions (the key goes to --key).
    #[arg(long, value_name = "N")]
    blind: Option<usize>,

    /// Where the blind sheet's answers go, one line per tile.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,

    /// Which random prompts and seeds a blind sheet draws.
    #[arg(long, default_value_t = 20_261_203)]
    draw: u64,

    /// Tiles per row.
    #[arg(long, default_value_t = 8)]
    columns: u32,

    /// Side of one tile in pixels.
    #[arg(long, default_value_t = 192)]
    tile: u32,

    /// The PNG to write.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Serialize)]
struct Sheet {
    output: PathBuf,
    key: Option<PathBuf>,
    tiles: Vec<String>,
}

pub fn run(args: &PicturesArgs, json: bool) -> anyhow::Result<()> {
    let entries: Vec<(Description, u64, String)> = match args.blind {
        Some(count) => {
            if !args.prompts.is_empty() {
                bail!("give prompts or --blind N, not both");
            }
            if args.key.is_none() {
                bail!("a blind sheet needs --key FILE for its answers");
            }
            blind_entries(count, args.draw)
        }
        None => {
            if args.prompts.is_empty() {
                bail!(
                    "name the prompts to draw, e.g. kiln-cli pictures -o sheet.png \"a red chair\" \"a pine tree\""
                );
            }
            args.prompts
                .iter()
                .map(|prompt| {
                    let parsed = kiln_gen::parse(prompt)
                        .with_context(|| format!("cannot read the prompt {prompt:?}"))?;
                    Ok((parsed.description, args.seed, prompt.clone()))
                })
                .collect::<anyhow::Result<_>>()?
        }
    };
    let bar = ProgressBar::new(entries.len() as u64).with_style(
        ProgressStyle::with_template("drawing {wide_bar} {pos}/{len} ({eta})")
            .expect("the template is valid"),
    );
    let mut meshes: Vec<Mesh> = Vec::with_capacity(entries.len());
    let mut tiles = Vec::with_capacity(entries.len());
    for (index, (description, seed, label)) in entries.iter().enumerate() {
        let mesh = match generate_description(
            &args.model,
            description,
            *seed,
            &GenerateOptions::default(),
        ) {
            Ok(generated) => generated.mesh,
            // An object the model could not make is an empty tile, and the key says so.
            Err(error) => {
                tiles.push(format!(
                    "{}: {label} (seed {seed}): not made: {error}",
                    index + 1
                ));
                bar.inc(1);
                meshes.push(Mesh::default());
                continue;
            }
        };
        meshes.push(mesh);
        let (row, column) = (
            index as u32 / args.columns + 1,
            index as u32 % args.columns + 1,
        );
        tiles.push(format!(
            "{}: row {row}, column {column}: {label} (seed {seed})",
            index + 1
        ));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let sheet = kiln_asset::picture_sheet(&meshes, args.tile, args.columns);
    std::fs::write(&args.output, kiln_asset::encode_png(&sheet))
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    if let Some(key) = &args.key {
        std::fs::write(key, tiles.join("\n") + "\n")
            .with_context(|| format!("cannot write {}", key.display()))?;
    }
    let report = Sheet {
        output: args.output.clone(),
        key: args.key.clone(),
        tiles,
    };
    output::print(json, &report, |out| {
        writeln!(
            out,
            "wrote {} ({} tiles)",
            report.output.display(),
            report.tiles.len()
        )?;
        if let Some(key) = &report.key {
            writeln!(out, "key: {}", key.display())?;
        }
        Ok(())
    })
}

/// `count` random evaluation-like descriptions (a quarter of them held-out combinations when
/// there are enough) at random seeds, shuffled.
fn blind_entries(count: usize, draw: u64) -> Vec<(Description, u64, String)> {
    let mut sampler = Sampler::new(draw);
    let mut entries: Vec<(Description, u64, String)> = Vec::with_capacity(count);
    let held_out = kiln_gen::data::HELD_OUT;
    for i in 0..count {
        let description = if i % 4 == 3 {
            let (category, attribute) = held_out[(i / 4) % held_out.len()];
            kiln_gen::eval::held_out_description(category, attribute)
        } else {
            sampler.training_description()
        };
        let seed = draw.wrapping_mul(31).wrapping_add(i as u64 * 7919) % 1000;
        let label = description.to_string();
        entries.push((description, seed, label));
    }
    entries.shuffle_with(draw);
    entries
}

/// A seeded Fisher-Yates shuffle, so that the same --draw gives the same sheet everywhere.
mod rand_like {
    pub trait Shuffle {
        fn shuffle_with(&mut self, seed: u64);
    }

    impl<T> Shuffle for Vec<T> {
        fn shuffle_with(&mut self, seed: u64) {
            let mut state = seed ^ 0x9e37_79b9_7f4a_7c15;
            for i in (1..self.len()).rev() {
                // splitmix64
                state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^= z >> 31;
                self.swap(i, (z % (i as u64 + 1)) as usize);
            }
        }
    }
}
