//! `kiln-cli eval`: how well the model follows prompts, on training-like prompts and on the
//! held-out combinations, against procedural ground truth (see `kiln_gen::eval`); with
//! `--reading`, how well prompts in words outside Kiln's list are read
//! (`kiln_gen::reading_eval`).

use anyhow::Context;
use burn::backend::{NdArray, Wgpu};
use indicatif::{ProgressBar, ProgressStyle};
use kiln_gen::Generator;
use kiln_gen::eval::{EvalMetrics, EvalReport, evaluate, evaluation_steps};

use crate::generate::ModelArgs;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    #[command(flatten)]
    model: ModelArgs,

    /// Training-like prompts to evaluate (the held-out combinations are always all evaluated).
    #[arg(long, default_value_t = 64)]
    prompts: usize,

    /// Order the proportion words of only the first N categories (each is four full
    /// generations): for a quick check, not a result to quote.
    #[arg(long, value_name = "N", default_value_t = kiln_gen::vocab::Category::ALL.len())]
    categories: usize,

    /// Draw seeds' latents from the prior scaled by this instead of the scale the weights
    /// carry: for choosing that scale after training.
    #[arg(long, value_name = "SCALE")]
    prior_scale: Option<f32>,

    /// Evaluate how prompts are read instead of the model: object, colour and material
    /// accuracy, far-off objects offered, composed prompts and reading time, over the
    /// labelled set `crates/kiln-gen/data/reading-eval.tsv`; and, with the model, whether the
    /// objects of its composed prompts rest where they stand without intersecting.
    #[arg(long)]
    reading: bool,
}

pub fn run(args: &EvalArgs, json: bool) -> anyhow::Result<()> {
    if args.reading {
        return run_reading(&args.model, json);
    }
    if args.prompts == 0 {
        anyhow::bail!("--prompts must be at least 1");
    }
    let mut weights = args.model.weights()?;
    if let Some(scale) = args.prior_scale {
        if !(scale.is_finite() && scale >= 0.0) {
            anyhow::bail!("--prior-scale must be a number of at least 0, such as 0.6 or 1");
        }
        weights
            .field_config_mut()
            .context("--prior-scale applies to the field generator (version 1) only: the part generator reads the seed's noise as it is")?
            .prior_scale = scale;
    }
    if args.categories == 0 {
        anyhow::bail!("--categories must be at least 1");
    }
    let bar = ProgressBar::new(evaluation_steps(args.prompts, args.categories) as u64).with_style(
        ProgressStyle::with_template("evaluating {wide_bar} {pos}/{len} ({eta})")
            .expect("the template is valid"),
    );
    let mut tick = || bar.inc(1);
    let report: EvalReport = if args.model.gpu {
        evaluate(
            &Generator::<Wgpu>::new(&weights, Default::default())?,
            args.prompts,
            args.categories,
            &mut tick,
        )
    } else {
        evaluate(
            &Generator::<NdArray>::new(&weights, Default::default())?,
            args.prompts,
            args.categories,
            &mut tick,
        )
    };
    bar.finish_and_clear();
    output::print(json, &report, |out| {
        match weights.field_config() {
            Some(config) => writeln!(
                out,
                "weights sha256 {} (field generator, prior scale {})\n",
                weights.sha256, config.prior_scale
            )?,
            None => writeln!(out, "weights sha256 {} (part generator)\n", weights.sha256)?,
        }
        writeln!(
            out,
            "| prompts | n | category accuracy (objects; on truth) | IoU with truth | thin-part recall (n) | colour accuracy (n) | part colours (n) | colour ΔE00 (median) | diversity CD (truth) | MMD-CD | COV | healthy meshes | no surface |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|---|---|")?;
        let share = |value: Option<f64>, n: usize| {
            value.map_or("–".to_owned(), |a| format!("{:.0}% ({n})", a * 100.0))
        };
        let row = |name: &str, m: &EvalMetrics| {
            format!(
                "| {name} | {} | {:.0}% ({}; {:.0}%) | {:.2} | {} | {} | {} | {:.1} | {:.3} ({:.3}) | {:.3} | {:.0}% | {:.0}% | {} |",
                m.prompts,
                m.category_accuracy * 100.0,
                m.objects_classified,
                m.truth_category_accuracy * 100.0,
                m.mean_iou,
                share(m.thin_part_recall, m.thin_parts),
                share(m.colour_accuracy, m.colours_named),
                share(m.part_colour_accuracy, m.part_colours_named),
                m.median_colour_error,
                m.diversity,
                m.truth_diversity,
                m.mmd_cd,
                m.coverage * 100.0,
                m.healthy_meshes * 100.0,
                m.no_surface
            )
        };
        writeln!(out, "{}", row("training-like", &report.seen))?;
        writeln!(out, "{}", row("held out", &report.held_out))?;
        for (set, metrics) in [
            ("training-like", &report.seen),
            ("held out", &report.held_out),
        ] {
            for (what, list) in [
                ("category misses", &metrics.category_misses),
                ("colour misses", &metrics.colour_misses),
                ("thin parts missing", &metrics.thin_misses),
                ("unhealthy", &metrics.unhealthy),
                (
                    "seeds varying less than half the data's",
                    &metrics.least_varied,
                ),
            ] {
                if !list.is_empty() {
                    writeln!(out, "\n{what}, {set}: {}", list.join("; "))?;
                }
            }
            if metrics.colours_not_shown > 0 {
                writeln!(
                    out,
                    "\ncolours named that the ground truth shows nowhere, {set} (not counted): {}",
                    metrics.colours_not_shown
                )?;
            }
        }
        let legs = &report.legs;
        writeln!(
            out,
            "\nlegs counted exactly in a low cut (chairs, tables, stools): {:.0}% of {}",
            legs.exact * 100.0,
            legs.objects
        )?;
        if !legs.misses.is_empty() {
            writeln!(out, "counted otherwise: {}", legs.misses.join("; "))?;
        }
        let p = &report.proportions;
        writeln!(
            out,
            "\nproportion pairs in order: {:.0}% of {} (tall/short {:.0}%, wide/thin {:.0}%)",
            p.ordered * 100.0,
            p.pairs,
            p.tall_short * 100.0,
            p.wide_thin * 100.0
        )?;
        if !p.out_of_order.is_empty() {
            writeln!(out, "out of order: {}", p.out_of_order.join(", "))?;
        }
        writeln!(out, "\n| goal | value | needs | met |\n|---|---|---|---|")?;
        for goal in &report.goals {
            writeln!(
                out,
                "| {} | {:.3} | ≥ {:.2} | {} |",
                goal.name,
                goal.value,
                goal.goal,
                if goal.met { "yes" } else { "no" }
            )?;
        }
        Ok(())
    })
}

/// Passes over the set for the reading times.
const READING_REPEATS: usize = 20;

/// Seeds each composed prompt is made with, to check how its objects stand.
const ARRANGEMENT_SEEDS: u64 = 3;

/// The reading eval's report and how the objects of its composed prompts stand.
#[derive(serde::Serialize)]
struct ReadingEvalReport {
    #[serde(flatten)]
    reading: kiln_gen::reading_eval::ReadingReport,
    arrangement: kiln_gen::reading_eval::ArrangementReport,
}

fn run_reading(model: &ModelArgs, json: bool) -> anyhow::Result<()> {
    use kiln_gen::reading_eval::{
        READING_EVAL_SET, Score, composed_cases, evaluate_arrangement, evaluate_reading, read_cases,
    };
    let cases = read_cases(READING_EVAL_SET)?;
    let bar = ProgressBar::new_spinner().with_message(format!(
        "reading {} prompts {READING_REPEATS} times",
        cases.len()
    ));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let reading = evaluate_reading(&cases, READING_REPEATS);
    bar.finish_and_clear();
    let composed = composed_cases(&cases).count() as u64;
    let bar =
        ProgressBar::new(composed * ARRANGEMENT_SEEDS).with_message("making composed prompts");
    let options = kiln_gen::GenerateOptions::default();
    let arrangement = evaluate_arrangement(&cases, ARRANGEMENT_SEEDS, |prompt, seed| {
        bar.inc(1);
        crate::generate::generate_prompt(model, prompt, seed, &options)
    });
    bar.finish_and_clear();
    let both = ReadingEvalReport {
        reading,
        arrangement,
    };
    output::print(json, &both, |out| {
        let report = &both.reading;
        let score = |score: &Score| {
            format!(
                "{}/{} ({:.1}%)",
                score.right,
                score.of,
                100.0 * score.ratio()
            )
        };
        writeln!(
            out,
            "reading: {} prompts in words outside Kiln's list (crates/kiln-gen/data/reading-eval.tsv)\n",
            report.cases
        )?;
        writeln!(out, "| measure | result | goal |\n| --- | --- | --- |")?;
        writeln!(out, "| object right | {} | ≥ 90% |", score(&report.object))?;
        writeln!(out, "| colour right | {} | ≥ 95% |", score(&report.colour))?;
        writeln!(
            out,
            "| material right | {} | ≥ 90% |",
            score(&report.material)
        )?;
        writeln!(
            out,
            "| colour / material given where the label names none (red for \"ruby\") | {} / {} | — |",
            report.colour_added, report.material_added
        )?;
        writeln!(
            out,
            "| composed prompts: objects and counts read | {} | all |",
            score(&report.composition)
        )?;
        writeln!(
            out,
            "| composed prompts made ({ARRANGEMENT_SEEDS} seeds each): every object resting, none intersecting | {} | 100% |",
            score(&both.arrangement.arranged)
        )?;
        writeln!(
            out,
            "| far-off objects offered | {} | none |",
            report.far_off.len()
        )?;
        writeln!(
            out,
            "| reading time per prompt, p50 / p95 | {:.2} / {:.2} ms | ≤ 5 ms p95 |",
            report.read_us_p50 / 1000.0,
            report.read_us_p95 / 1000.0
        )?;
        for (title, lines) in [
            ("far-off objects offered", &report.far_off),
            (
                "composed items not standing right",
                &both.arrangement.failures,
            ),
            ("read wrong", &report.wrong),
            (
                "objects Kiln does not make, and what was made (for the eye)",
                &report.stand_ins,
            ),
        ] {
            if !lines.is_empty() {
                writeln!(out, "\n{title}:")?;
                for line in lines {
                    writeln!(out, "  {line}")?;
                }
            }
        }
        Ok(())
    })
}
