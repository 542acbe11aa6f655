//! `kiln-cli eval`: how well the model follows prompts, on training-like prompts and on the
//! held-out combinations, against procedural ground truth (see `kiln_gen::eval`).

use burn::backend::{NdArray, Wgpu};
use indicatif::{ProgressBar, ProgressStyle};
use kiln_gen::Generator;
use kiln_gen::data::HELD_OUT;
use kiln_gen::eval::{EvalMetrics, EvalReport, evaluate};

use crate::generate::ModelArgs;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    #[command(flatten)]
    model: ModelArgs,

    /// Training-like prompts to evaluate (the held-out combinations are always all evaluated).
    #[arg(long, default_value_t = 64)]
    prompts: usize,
}

pub fn run(args: &EvalArgs, json: bool) -> anyhow::Result<()> {
    if args.prompts == 0 {
        anyhow::bail!("--prompts must be at least 1");
    }
    let weights = args.model.weights()?;
    let bar = ProgressBar::new((args.prompts + HELD_OUT.len()) as u64).with_style(
        ProgressStyle::with_template("evaluating {wide_bar} {pos}/{len} prompts ({eta})")
            .expect("the template is valid"),
    );
    let mut tick = || bar.inc(1);
    let report: EvalReport = if args.model.gpu {
        evaluate(
            &Generator::<Wgpu>::new(&weights, Default::default())?,
            args.prompts,
            &mut tick,
        )
    } else {
        evaluate(
            &Generator::<NdArray>::new(&weights, Default::default())?,
            args.prompts,
            &mut tick,
        )
    };
    bar.finish_and_clear();
    output::print(json, &report, |out| {
        writeln!(out, "weights sha256 {}\n", weights.sha256)?;
        writeln!(
            out,
            "| prompts | n | category accuracy (on truth) | IoU with truth | colour accuracy | colour ΔE00 (median) | diversity (truth) | healthy meshes | no surface |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
        let row = |name: &str, m: &EvalMetrics| {
            format!(
                "| {name} | {} | {:.0}% ({:.0}%) | {:.2} | {} | {:.1} | {:.2} ({:.2}) | {:.0}% | {} |",
                m.prompts,
                m.category_accuracy * 100.0,
                m.truth_category_accuracy * 100.0,
                m.mean_iou,
                m.colour_accuracy
                    .map_or("–".to_owned(), |a| format!("{:.0}%", a * 100.0)),
                m.median_colour_error,
                m.diversity,
                m.truth_diversity,
                m.healthy_meshes * 100.0,
                m.no_surface
            )
        };
        writeln!(out, "{}", row("training-like", &report.seen))?;
        writeln!(out, "{}", row("held out", &report.held_out))
    })
}
