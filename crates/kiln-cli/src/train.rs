//! `kiln-cli train --config models/kiln-gen.toml [--gpu]`: trains the generator from scratch on
//! the CPU or a GPU, with a progress bar, checkpoints and a per-epoch log; run it again to resume.

use std::path::PathBuf;

use burn::backend::{Autodiff, Wgpu};
use indicatif::{ProgressBar, ProgressStyle};
use kiln_gen::train::parts::{PartsStepReport, PartsTrainConfig, train_parts};
use kiln_gen::train::{TrainBackend, TrainConfig, is_parts_config, train};
use serde::Serialize;

use crate::data_dir::DataDir;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// The training configuration.
    #[arg(long, value_name = "FILE", default_value = "models/kiln-gen.toml")]
    config: PathBuf,

    /// Where checkpoints, the log and the final weights go. Default: training/ in the data
    /// directory.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Train this many steps instead of the configured number.
    #[arg(long)]
    steps: Option<usize>,

    /// Train on the GPU (wgpu) instead of the CPU. A checkpoint from either resumes on either.
    #[arg(long)]
    gpu: bool,
}

#[derive(Serialize)]
struct Trained {
    weights: PathBuf,
    log: PathBuf,
    steps: usize,
}

pub fn run(args: &TrainArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| data_dir.path().join("training"));
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("training {wide_bar} {pos}/{len} steps ({eta}) {msg}")
            .expect("the template is valid"),
    );
    let (weights, steps) = if is_parts_config(&args.config)? {
        let mut config = PartsTrainConfig::read(&args.config)?;
        if let Some(steps) = args.steps {
            config.steps = steps;
        }
        bar.set_length(config.steps as u64);
        let mut report_step = |report: &PartsStepReport| {
            bar.set_position(report.step as u64);
            bar.set_message(format!(
                "loss {:.4} (geometry {:.4})",
                report.loss, report.geometry
            ));
        };
        let weights = if args.gpu {
            train_parts::<Autodiff<Wgpu>>(&config, &out, &Default::default(), &mut report_step)?
        } else {
            train_parts::<TrainBackend>(&config, &out, &Default::default(), &mut report_step)?
        };
        (weights, config.steps)
    } else {
        let mut config = TrainConfig::read(&args.config)?;
        if let Some(steps) = args.steps {
            config.steps = steps;
        }
        bar.set_length(config.steps as u64);
        let mut report_step = |report: &kiln_gen::train::StepReport| {
            bar.set_position(report.step as u64);
            bar.set_message(format!("loss {:.4}", report.loss));
        };
        let weights = if args.gpu {
            train::<Autodiff<Wgpu>>(&config, &out, &Default::default(), &mut report_step)?
        } else {
            train::<TrainBackend>(&config, &out, &Default::default(), &mut report_step)?
        };
        (weights, config.steps)
    };
    bar.finish_and_clear();
    let report = Trained {
        weights,
        log: out.join("train-log.jsonl"),
        steps,
    };
    output::print(json, &report, |out| {
        writeln!(
            out,
            "trained {} steps: {}",
            report.steps,
            report.weights.display()
        )?;
        writeln!(out, "log: {}", report.log.display())?;
        writeln!(
            out,
            "to ship it: cp {} models/kiln-gen.bin",
            report.weights.display()
        )
    })
}
