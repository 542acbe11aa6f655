//! `kiln-cli inspect FILE.glb`: counts, bounding box, materials and the limit checks a world
//! client applies to other players' items.

use std::path::PathBuf;

use anyhow::Context;
use kiln_asset::{GlbSummary, Limits, inspect_glb};
use serde::Serialize;

use crate::output;

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    file: PathBuf,
}

#[derive(Serialize)]
struct Check {
    what: &'static str,
    value: u64,
    limit: u64,
    ok: bool,
}

#[derive(Serialize)]
struct Report {
    #[serde(flatten)]
    summary: GlbSummary,
    checks: Vec<Check>,
}

pub fn run(args: &InspectArgs, json: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let limits = Limits::default();
    let summary = inspect_glb(&bytes, &limits).with_context(|| {
        format!(
            "{} fails the checks for untrusted items",
            args.file.display()
        )
    })?;
    let largest_texture = summary
        .textures
        .iter()
        .map(|[w, h]| u64::from(*w.max(h)))
        .max()
        .unwrap_or(0);
    let check = |what, value: u64, limit: u64| Check {
        what,
        value,
        limit,
        ok: value <= limit,
    };
    let checks = vec![
        check("bytes", summary.bytes as u64, limits.glb_bytes as u64),
        check("vertices", summary.vertices as u64, limits.vertices as u64),
        check(
            "triangles",
            summary.triangles as u64,
            limits.triangles as u64,
        ),
        check("nodes", summary.nodes as u64, limits.nodes as u64),
        check(
            "primitives",
            summary.primitives as u64,
            limits.primitives as u64,
        ),
        check("texture side", largest_texture, limits.texture_side.into()),
    ];
    let report = Report { summary, checks };
    output::print(json, &report, |out| {
        let s = &report.summary;
        writeln!(out, "{}", args.file.display())?;
        if let Some(generator) = &s.generator {
            writeln!(out, "  generator   {generator}")?;
        }
        writeln!(
            out,
            "  {} vertices, {} triangles, {} nodes, {} meshes, {} primitives",
            s.vertices, s.triangles, s.nodes, s.meshes, s.primitives
        )?;
        if let Some((min, max)) = s.bounds {
            writeln!(
                out,
                "  bbox        {:.3} × {:.3} × {:.3} (min {:?}, max {:?})",
                max[0] - min[0],
                max[1] - min[1],
                max[2] - min[2],
                min,
                max
            )?;
        }
        writeln!(out, "  materials   {}", s.materials.join(", "))?;
        for check in &report.checks {
            writeln!(
                out,
                "  {} {:<13} {} (limit {})",
                if check.ok { "✓" } else { "✗" },
                check.what,
                check.value,
                check.limit
            )?;
        }
        Ok(())
    })
}
