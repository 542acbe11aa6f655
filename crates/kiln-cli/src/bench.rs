//! `kiln-cli bench …`: measured performance, printed as a table. Quote ratios from one run;
//! absolute times vary with the machine and its load.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::ProgressBar;
use kiln_ipfs::{Blockstore, ImportProfile, file_cid};
use serde::Serialize;

use crate::data_dir::DataDir;

use crate::output;

#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Generation time per stage (tokenize, encode, decode, mesh, total), p50 and p95 over
    /// prompts drawn from the vocabulary, on the CPU and, with --gpu, on the GPU.
    Gen {
        #[command(flatten)]
        model: crate::generate::ModelArgs,
        /// How many prompts (each generated once, after one untimed warm-up).
        #[arg(long, default_value_t = 20)]
        prompts: usize,
    },
    /// CID, blockstore and verified-read throughput on one file, against `sha256sum` on the
    /// same file in the same run.
    Ipfs {
        /// Size of the test file in MiB.
        #[arg(long, default_value_t = 256)]
        size_mib: u64,
    },
    /// Prompt to token for many items on a throwaway sandbox (persisted, like a user's):
    /// items per second and the share of time each step takes.
    Mint {
        #[command(flatten)]
        model: crate::generate::ModelArgs,
        /// How many items.
        #[arg(long, default_value_t = 200)]
        items: usize,
    },
    /// Gas of mint, place, move, remove and transfer, each sent on the chain, next to a plain
    /// OpenZeppelin ERC-721 mint. The sandbox gives the same figures as anvil (tested).
    Chain {
        #[command(flatten)]
        network: crate::chain::NetworkArgs,
    },
}

#[derive(Serialize)]
struct Row {
    operation: &'static str,
    seconds: f64,
    mib_per_second: f64,
    /// Throughput divided by sha256sum's on the same file.
    ratio_to_sha256sum: f64,
}

#[derive(Serialize)]
struct IpfsBench {
    file_mib: u64,
    rows: Vec<Row>,
}

pub fn run(command: &BenchCommand, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    match command {
        BenchCommand::Chain { network } => crate::chain::gas_bench(network, data_dir, json),
        BenchCommand::Mint { model, items } => mint_bench(model, *items, json),
        BenchCommand::Ipfs { size_mib } => ipfs(*size_mib, json),
        BenchCommand::Gen { model, prompts } => gen_bench(model, *prompts, json),
    }
}

fn ipfs(size_mib: u64, json: bool) -> anyhow::Result<()> {
    if size_mib == 0 {
        bail!("--size-mib must be at least 1");
    }
    let folder = tempfile::tempdir().context("cannot make a temporary folder")?;
    let path = folder.path().join("bench.bin");
    let bytes = size_mib * 1024 * 1024;
    write_test_file(&path, bytes)?;

    let steps = ProgressBar::new(6).with_message("benchmarking");
    // One untimed pass, so every timed pass reads from the page cache alike.
    timed_sha256sum(&path)?;
    steps.inc(1);
    let baseline = timed_sha256sum(&path)?;
    steps.inc(1);
    let mut measured = vec![("sha256sum (coreutils)", baseline)];
    for (operation, profile) in [
        ("cid, legacy profile", ImportProfile::Legacy),
        ("cid, v1-2025 profile", ImportProfile::V1_2025),
    ] {
        let started = Instant::now();
        file_cid(File::open(&path)?, profile)?;
        measured.push((operation, started.elapsed()));
        steps.inc(1);
    }
    let mut store = Blockstore::open(&folder.path().join("blocks.sqlite"))?;
    let started = Instant::now();
    let root = store
        .add_file(File::open(&path)?, ImportProfile::Legacy)?
        .root;
    measured.push(("blockstore add (SQLite)", started.elapsed()));
    steps.inc(1);
    let started = Instant::now();
    store.read_file(&root, std::io::sink())?;
    measured.push(("blockstore verified read", started.elapsed()));
    steps.finish_and_clear();

    let mib = size_mib as f64;
    let base_rate = mib / baseline.as_secs_f64();
    let report = IpfsBench {
        file_mib: size_mib,
        rows: measured
            .into_iter()
            .map(|(operation, elapsed)| {
                let rate = mib / elapsed.as_secs_f64();
                Row {
                    operation,
                    seconds: elapsed.as_secs_f64(),
                    mib_per_second: rate,
                    ratio_to_sha256sum: rate / base_rate,
                }
            })
            .collect(),
    };
    output::print(json, &report, |out| {
        writeln!(out, "file: {size_mib} MiB\n")?;
        writeln!(
            out,
            "| operation                  | seconds | MiB/s  | ratio to sha256sum |"
        )?;
        writeln!(
            out,
            "|----------------------------|---------|--------|--------------------|"
        )?;
        for row in &report.rows {
            writeln!(
                out,
                "| {:<26} | {:>7.2} | {:>6.1} | {:>18.2} |",
                row.operation, row.seconds, row.mib_per_second, row.ratio_to_sha256sum
            )?;
        }
        Ok(())
    })
}

/// Incompressible, deterministic content (xorshift64*), written in 1 MiB pieces.
fn write_test_file(path: &Path, bytes: u64) -> anyhow::Result<()> {
    let bar = crate::progress::bytes(bytes, "writing the test file");
    let mut out = BufWriter::new(File::create(path).context("cannot write the test file")?);
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut piece = vec![0u8; 1024 * 1024];
    let mut left = bytes;
    while left > 0 {
        for word in piece.chunks_exact_mut(8) {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            word.copy_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
        }
        let take = left.min(piece.len() as u64) as usize;
        out.write_all(&piece[..take])
            .context("cannot write the test file")?;
        left -= take as u64;
        bar.inc(take as u64);
    }
    out.flush().context("cannot write the test file")?;
    bar.finish_and_clear();
    Ok(())
}

fn timed_sha256sum(path: &Path) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let status = Command::new("sha256sum")
        .arg(path)
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot run sha256sum (GNU coreutils), the baseline of this benchmark")?;
    if !status.success() {
        bail!("sha256sum failed on the test file");
    }
    Ok(started.elapsed())
}

#[derive(Serialize)]
struct StageTimes {
    backend: &'static str,
    prompts: usize,
    /// Prompts that gave no object (not in the times).
    failed: usize,
    /// Milliseconds, p50 and p95, per stage.
    tokenize: [f64; 2],
    encode: [f64; 2],
    decode: [f64; 2],
    mesh: [f64; 2],
    total: [f64; 2],
}

fn gen_bench(model: &crate::generate::ModelArgs, prompts: usize, json: bool) -> anyhow::Result<()> {
    use burn::backend::{NdArray, Wgpu};
    use kiln_gen::data::Sampler;
    use kiln_gen::{GenerateOptions, Generator, Timings};

    if prompts == 0 {
        bail!("--prompts must be at least 1");
    }
    let weights = model.weights()?;
    let mut sampler = Sampler::new(7);
    let captions: Vec<String> = (0..prompts)
        .map(|_| {
            let description = sampler.any_description();
            sampler.caption(&description)
        })
        .collect();
    let options = GenerateOptions::default();
    let dense = GenerateOptions {
        dense: true,
        ..options
    };
    let bar = ProgressBar::new((prompts as u64 + 1) * if model.gpu { 3 } else { 2 });
    let mut runs = Vec::new();
    let mut measure = |backend: &'static str,
                       generate: &dyn Fn(&str, u64) -> anyhow::Result<Timings>|
     -> anyhow::Result<()> {
        generate(&captions[0], 0)?;
        bar.inc(1);
        let mut timings = Vec::new();
        let mut failed = 0;
        for (seed, caption) in captions.iter().enumerate() {
            // A prompt the model makes nothing of (no surface) is counted, not timed.
            match generate(caption, seed as u64) {
                Ok(timing) => timings.push(timing),
                Err(_) => failed += 1,
            }
            bar.inc(1);
        }
        if timings.is_empty() {
            bail!("the model produced no object for any of the {prompts} prompts");
        }
        runs.push(stage_times(backend, &timings, failed));
        Ok(())
    };
    let cpu = Generator::<NdArray>::new(&weights, Default::default())?;
    measure("ndarray (CPU)", &|prompt, seed| {
        Ok(cpu.generate(prompt, seed, &options)?.timings)
    })?;
    // The field generator's coarse-to-fine decoding against decoding every grid point; the
    // part generator's default mesh against a flat, low-poly one of 2,000 triangles.
    let low_poly = GenerateOptions {
        flat: true,
        max_triangles: 2_000,
        ..options
    };
    if weights.is_parts() {
        measure("ndarray (CPU), flat, 2,000 triangles", &|prompt, seed| {
            Ok(cpu.generate(prompt, seed, &low_poly)?.timings)
        })?;
    } else {
        measure("ndarray (CPU), dense decode", &|prompt, seed| {
            Ok(cpu.generate(prompt, seed, &dense)?.timings)
        })?;
    }
    if model.gpu {
        let gpu = Generator::<Wgpu>::new(&weights, Default::default())?;
        measure("wgpu (GPU)", &|prompt, seed| {
            Ok(gpu.generate(prompt, seed, &options)?.timings)
        })?;
    }
    bar.finish_and_clear();
    output::print(json, &runs, |out| {
        let what = if weights.is_parts() {
            "part generator"
        } else {
            "field generator, 48³ field"
        };
        writeln!(
            out,
            "{prompts} prompts, {what}, 10,000-triangle budget; milliseconds p50 / p95\n"
        )?;
        writeln!(
            out,
            "| backend | tokenize | encode | decode | mesh | total | no object |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        for run in &runs {
            let cell = |[p50, p95]: [f64; 2]| format!("{p50:.1} / {p95:.1}");
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                run.backend,
                cell(run.tokenize),
                cell(run.encode),
                cell(run.decode),
                cell(run.mesh),
                cell(run.total),
                run.failed
            )?;
        }
        Ok(())
    })
}

fn stage_times(backend: &'static str, timings: &[kiln_gen::Timings], failed: usize) -> StageTimes {
    let percentiles = |stage: fn(&kiln_gen::Timings) -> Duration| {
        let mut ms: Vec<f64> = timings
            .iter()
            .map(|t| stage(t).as_secs_f64() * 1000.0)
            .collect();
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
        [at(0.5), at(0.95)]
    };
    StageTimes {
        backend,
        prompts: timings.len(),
        failed,
        tokenize: percentiles(|t| t.tokenize),
        encode: percentiles(|t| t.encode),
        decode: percentiles(|t| t.decode),
        mesh: percentiles(|t| t.mesh),
        total: percentiles(|t| t.total),
    }
}

#[derive(Serialize)]
struct MintStepRow {
    step: &'static str,
    seconds: f64,
    share: f64,
    ms_per_item: f64,
}

#[derive(Serialize)]
struct MintBench {
    items: usize,
    seconds: f64,
    items_per_second: f64,
    steps: Vec<MintStepRow>,
}

/// `bench mint`: every item from prompt to token on a sandbox in a temporary data directory.
fn mint_bench(model: &crate::generate::ModelArgs, items: usize, json: bool) -> anyhow::Result<()> {
    use kiln_chain::{Chain, Sandbox};
    use kiln_gen::data::Sampler;
    use kiln_mint::{
        Generate, ItemFiles, Outbox, Progress, Publish, Recipe, Step, Steps, advance,
        export_generated,
    };

    if items == 0 {
        bail!("--items must be at least 1");
    }
    let folder = tempfile::tempdir().context("cannot make a temporary folder")?;
    let data_dir = DataDir::open(Some(folder.path().join("data")))?;
    let chain = Sandbox::open(data_dir.path())?;
    let outbox = Outbox::open(&data_dir.path().join("outbox.sqlite"))?;
    let mut store = data_dir.blockstore()?;
    let deployment = chain.deployment()?;
    let runtime = crate::runtime()?;
    let mut sampler = Sampler::new(11);

    const STEPS: [&str; 12] = [
        "generate (run the model)",
        "GLB",
        "thumbnail: render",
        "thumbnail: PNG",
        "CIDs of GLB and thumbnail",
        "metadata (canonical JSON, CID)",
        "journal the recipe, write the files",
        "store and pin in the blockstore",
        "publish (none configured)",
        "sign and write down the transaction",
        "run the EVM and persist the sandbox",
        "write down the token",
    ];
    let generator = crate::verify::LocalGenerator::new(model)?;
    let publish = Publish::default();
    let steps = Steps::publish(&publish);
    let mut spent = [Duration::ZERO; STEPS.len()];
    let bar = ProgressBar::new(items as u64).with_message("minting");
    let started = Instant::now();
    for n in 0..items {
        let description = sampler.any_description();
        let prompt = sampler.caption(&description);
        let recipe = Recipe {
            creator: Some(chain.account()),
            ..Recipe::new(
                &prompt,
                n as u64,
                &generator.weights_sha256(),
                1_795_000_000,
            )
        };
        let generate_started = Instant::now();
        let generated = generator
            .generate(&prompt, n as u64, &recipe.options())
            .map_err(anyhow::Error::msg)?;
        spent[0] += generate_started.elapsed();
        let files = ItemFiles::make(&recipe, &generated)?;
        spent[1] += files.timings.glb;
        spent[2] += files.timings.thumbnail_render;
        spent[3] += files.timings.thumbnail_png;
        spent[4] += files.timings.cids;
        spent[5] += files.timings.metadata;

        let mut mark = Instant::now();
        let dir = folder.path().join("items").join(n.to_string());
        let id = outbox.order(&dir, "sandbox", deployment, &recipe)?;
        let id = export_generated(&outbox, id, &dir, &files, &mut |_| {})?;
        spent[6] += mark.elapsed();
        mark = Instant::now();
        let mut lap = |slot: usize| {
            spent[slot] += mark.elapsed();
            mark = Instant::now();
        };
        runtime.block_on(advance(
            &outbox,
            id,
            &mut store,
            &chain,
            &steps,
            |event| match event {
                Progress::Started(_) => {}
                Progress::Finished(Step::Stored) => lap(7),
                Progress::Finished(Step::Published) => lap(8),
                Progress::Recorded(_) => lap(9),
                Progress::Landed => lap(10),
                Progress::FilePublished(_) => {}
                Progress::Finished(Step::Confirmed) => lap(11),
                Progress::Finished(_) => {}
            },
        ))?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let report = MintBench {
        items,
        seconds,
        items_per_second: items as f64 / seconds,
        steps: STEPS
            .iter()
            .zip(spent)
            .map(|(step, spent)| MintStepRow {
                step,
                seconds: spent.as_secs_f64(),
                share: spent.as_secs_f64() / seconds,
                ms_per_item: spent.as_secs_f64() * 1000.0 / items as f64,
            })
            .collect(),
    };
    output::print(json, &report, |out| {
        writeln!(
            out,
            "{} items in {:.1} s: {:.2} items/s (sandbox chain, one CPU generator)",
            report.items, report.seconds, report.items_per_second
        )?;
        writeln!(
            out,
            "{:<40} {:>9} {:>7} {:>9}",
            "step", "seconds", "share", "ms/item"
        )?;
        for row in &report.steps {
            writeln!(
                out,
                "{:<40} {:>9.2} {:>6.1}% {:>9.2}",
                row.step,
                row.seconds,
                row.share * 100.0,
                row.ms_per_item
            )?;
        }
        Ok(())
    })
}
