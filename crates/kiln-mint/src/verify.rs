//! Verification anyone can run: from a token id to the chain's record, the metadata and the GLB
//! fetched by their CIDs (every byte hashed), and the generator run again with the recorded
//! prompt, seed and weights — whose mesh must be the published one.

use kiln_asset::{ItemMetadata, ItemUri, Limits, Sha256Hex, glb_positions};
use kiln_chain::{Chain, TokenId};
use kiln_ipfs::{Blockstore, Cid, GatewayClient};
use serde::Serialize;

use crate::Generate;

/// How far a re-generated mesh may lie from the published one: the mean distance between
/// nearest vertices, as a share of the bounding box's diagonal. CPU and GPU runs of the same
/// weights differ in the last bits of their floats, which moves a few vertices of the surface
/// by a fraction of a grid cell; another prompt, seed or model moves the whole object.
pub const GEOMETRY_TOLERANCE: f64 = 0.01;

/// One check and what it found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// Every check made, in order; `ok` when all passed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    pub ok: bool,
    pub checks: Vec<Check>,
}

/// Where file bytes come from: the local blockstore first, then trustless gateways, every
/// block checked against its CID either way.
pub struct Content<'a> {
    pub store: &'a mut Blockstore,
    pub gateways: Option<&'a GatewayClient>,
}

impl Content<'_> {
    async fn fetch(&mut self, cid: &Cid) -> Result<Vec<u8>, String> {
        if let Some(gateways) = self.gateways {
            gateways
                .fetch_dag(cid, self.store, &mut |_| {})
                .await
                .map_err(|error| error.to_string())?;
        }
        let mut bytes = Vec::new();
        self.store
            .read_file(cid, &mut bytes)
            .map_err(|error| format!("{error} (no gateway had it either)"))?;
        Ok(bytes)
    }
}

struct Report {
    checks: Vec<Check>,
}

impl Report {
    fn check(&mut self, name: &'static str, result: Result<String, String>) -> bool {
        let ok = result.is_ok();
        let detail = result.unwrap_or_else(|error| error);
        self.checks.push(Check { name, ok, detail });
        ok
    }

    fn done(self) -> Verification {
        Verification {
            ok: self.checks.iter().all(|check| check.ok),
            checks: self.checks,
        }
    }
}

/// Verifies token `token` on `chain`. Each failed check says why; checks that need what a
/// failed one would have given are not made.
pub async fn verify<C: Chain>(
    token: TokenId,
    chain: &C,
    content: &mut Content<'_>,
    generator: &dyn crate::Generate,
) -> Verification {
    let mut report = Report { checks: Vec::new() };
    let record = match chain.token(token).await {
        Ok(Some(record)) => record,
        Ok(None) => {
            report.check(
                "token",
                Err(format!("token {token} does not exist on this chain")),
            );
            return report.done();
        }
        Err(error) => {
            report.check(
                "token",
                Err(format!("the chain could not be read: {error}")),
            );
            return report.done();
        }
    };
    report.check(
        "token",
        Ok(format!(
            "owned by {}, minted by {}",
            record.owner, record.creator
        )),
    );

    // The metadata, by the CID the contract derived from the digest it records.
    let metadata_cid = match ItemUri::normalise(&record.token_uri) {
        Ok((ItemUri::Ipfs { cid, path }, _)) if path.is_empty() => cid,
        _ => {
            report.check(
                "metadata",
                Err(format!("tokenURI {} is not an IPFS CID", record.token_uri)),
            );
            return report.done();
        }
    };
    let metadata_bytes = match content.fetch(&metadata_cid).await {
        Ok(bytes) => bytes,
        Err(error) => {
            report.check(
                "metadata",
                Err(format!("{metadata_cid} could not be fetched: {error}")),
            );
            return report.done();
        }
    };
    let digest = Sha256Hex::of(&metadata_bytes);
    if !report.check(
        "metadata digest",
        if digest.0 == record.metadata_sha256.0 {
            Ok(format!("sha256 {digest} is the one on chain"))
        } else {
            Err(format!(
                "sha256 {digest}, the chain records {}",
                record.metadata_sha256
            ))
        },
    ) {
        return report.done();
    }
    let metadata = match ItemMetadata::from_canonical_json(&metadata_bytes, &Limits::default()) {
        Ok(metadata) => metadata,
        Err(error) => {
            report.check("metadata", Err(format!("not Kiln metadata: {error}")));
            return report.done();
        }
    };
    let Some(provenance) = metadata.kiln.clone() else {
        report.check(
            "metadata",
            Err("no kiln provenance block: nothing to re-run".into()),
        );
        return report.done();
    };
    report.check("metadata", read_as_recorded(&provenance));
    // The token is the creator's own only if the account the chain records is the one the
    // metadata names: anyone can mint a copy of published files, under their own id.
    let named = provenance.creator.as_deref();
    report.check(
        "creator",
        match named.map(|named| (named, named.parse::<kiln_chain::Address>())) {
            Some((_, Ok(named))) if named == record.creator => Ok(format!(
                "{named} minted it, as the metadata says"
            )),
            Some((named, _)) => Err(format!(
                "the metadata names {named} as creator, but {} minted this token: it is a copy, not the creator's item",
                record.creator
            )),
            None => Err(
                "the metadata names no creator (exported before contract v2), so a copy could not be told from the original".into(),
            ),
        },
    );
    let expected = TokenId::of(
        record.creator,
        kiln_chain::B256::from(provenance.glb_sha256.0),
    );
    report.check(
        "metadata names this GLB",
        if expected == token {
            Ok("the token id is the creator's id for its GLB sha256".into())
        } else {
            Err(format!(
                "it names GLB {}, whose id for creator {} is {expected}, not {token}",
                provenance.glb_sha256, record.creator
            ))
        },
    );

    // The GLB, by the CID the metadata names.
    let glb = match &metadata.animation_url {
        Some(ItemUri::Ipfs { cid, path }) if path.is_empty() => match content.fetch(cid).await {
            Ok(glb) => Some(glb),
            Err(error) => {
                report.check("GLB", Err(format!("{cid} could not be fetched: {error}")));
                None
            }
        },
        other => {
            report.check(
                "GLB",
                Err(format!("animation_url is not an IPFS CID: {other:?}")),
            );
            None
        }
    };
    let Some(glb) = glb else {
        return report.done();
    };
    let glb_digest = Sha256Hex::of(&glb);
    if !report.check(
        "GLB digest",
        if glb_digest == provenance.glb_sha256 {
            Ok(format!("sha256 {glb_digest}, the one the token id binds"))
        } else {
            Err(format!(
                "the file the metadata names has sha256 {glb_digest}, not the {} its token id binds",
                provenance.glb_sha256
            ))
        },
    ) {
        return report.done();
    }

    // The generator, run again: the one with the weights the item names, the running one,
    // earlier weights Kiln keeps, or else the weights fetched by the CID the metadata names.
    let local_weights = generator.weights_sha256();
    let recorded = provenance.generator.weights_sha256.to_string();
    let earlier = if recorded == local_weights {
        None
    } else {
        generator.with_weights(&recorded)
    };
    let named_weights = match &provenance.generator.weights {
        Some(ItemUri::Ipfs { cid, path }) if path.is_empty() => Some(*cid),
        _ => None,
    };
    let fetched = match named_weights {
        Some(cid) if recorded != local_weights && earlier.is_none() => {
            Some(fetch_weights(content, &cid, &recorded).await)
        }
        _ => None,
    };
    let (name, version) = (&provenance.generator.name, &provenance.generator.version);
    let weights_check = match (&earlier, &fetched) {
        _ if recorded == local_weights => Ok(format!("{name} {version} with weights {recorded}")),
        (Some(_), _) => Ok(format!(
            "{name} {version} with earlier weights {recorded}, kept beside the running {local_weights}"
        )),
        (None, Some(Ok(_))) => Ok(format!(
            "{name} {version} with weights {recorded}, fetched by the CID the metadata names ({}) and checked by sha256",
            named_weights.map(|cid| cid.to_string()).unwrap_or_default()
        )),
        (None, Some(Err(error))) => Err(format!(
            "made with weights {recorded}, which this Kiln does not keep, and fetching them by the CID the metadata names failed: {error}"
        )),
        (None, None) => Err(format!(
            "made with weights {recorded}, this Kiln has {local_weights} and not those, and the metadata names no CID to fetch them by: it cannot be re-run here"
        )),
    };
    if !report.check("weights", weights_check) {
        return report.done();
    }
    let generator = match (&earlier, &fetched) {
        (Some(earlier), _) => earlier.as_ref(),
        (None, Some(Ok(fetched))) => fetched as &dyn Generate,
        _ => generator,
    };
    let height = (provenance.bounding_box.max[1] - provenance.bounding_box.min[1]) as f32;
    let options = kiln_gen::GenerateOptions::for_item(provenance.max_triangles, provenance.flat);
    if provenance.objects.is_empty() {
        let outcome = crate::regenerate_glb(
            generator,
            provenance.model_prompt(),
            provenance.seed,
            &options,
            height,
        )
        .and_then(|regenerated| compare(&glb, &regenerated));
        report.check("re-generated mesh", outcome);
        return report.done();
    }
    // An item of several objects: each made again from its own prompt and seed, at its place.
    match crate::export::regenerate_objects_glb(
        generator,
        provenance.model_prompt(),
        &provenance.objects,
        &options,
        height,
    ) {
        Ok(crate::export::RemadeObjects {
            glb: regenerated,
            placed,
        }) => {
            let outcome = compare(&glb, &regenerated)
                .map(|detail| format!("{} objects, each made again: {detail}", placed.len()));
            report.check("re-generated mesh", outcome);
            let placed: Vec<(&kiln_gen::Mesh, Option<usize>)> =
                placed.iter().map(|(mesh, below)| (mesh, *below)).collect();
            let arranged =
                kiln_gen::layout::check_arrangement(&placed, kiln_gen::layout::REST_TOLERANCE)
                    .map(|()| {
                        "each object rests on the ground or on its support; none intersects another"
                            .to_owned()
                    })
                    .map_err(|error| error.to_string());
            report.check("objects in place", arranged);
        }
        Err(error) => {
            report.check("re-generated mesh", Err(error));
        }
    }
    report.done()
}

/// The metadata's prompt must read, with this Kiln, as the prompt it records the model was
/// given: verification regenerates from the latter, so a prompt that reads otherwise is a claim
/// the mesh does not back.
fn read_as_recorded(provenance: &kiln_asset::metadata::Provenance) -> Result<String, String> {
    let read = kiln_gen::parse(&provenance.prompt).map_err(|error| {
        format!(
            "the prompt \"{}\" cannot be read: {error}",
            provenance.prompt
        )
    })?;
    let seed = provenance.seed;
    // The objects of an item of several must be those the prompt names, with the seeds the
    // item's seed gives them.
    let planned = kiln_gen::compose::plan(&read.objects, seed);
    if !provenance.objects.is_empty() || planned.len() > 1 {
        let listed: Vec<(String, u64)> = provenance
            .objects
            .iter()
            .map(|object| (object.prompt.clone(), object.seed))
            .collect();
        let named: Vec<(String, u64)> = planned
            .iter()
            .map(|object| (object.description.to_string(), object.seed))
            .collect();
        if listed != named {
            return Err(format!(
                "the prompt \"{}\" names the objects {:?} with seeds {:?}, but the metadata lists {:?} with seeds {:?}",
                provenance.prompt,
                named.iter().map(|(prompt, _)| prompt).collect::<Vec<_>>(),
                named.iter().map(|(_, seed)| seed).collect::<Vec<_>>(),
                listed.iter().map(|(prompt, _)| prompt).collect::<Vec<_>>(),
                listed.iter().map(|(_, seed)| seed).collect::<Vec<_>>(),
            ));
        }
    }
    let read = read.model_prompt();
    match &provenance.model_prompt {
        None => Ok(format!("\"{}\", seed {seed}", provenance.prompt)),
        Some(given) if *given == read => Ok(format!(
            "\"{}\", read as \"{given}\", seed {seed}",
            provenance.prompt
        )),
        Some(given) => Err(format!(
            "the prompt \"{}\" reads as \"{read}\", but the metadata says the model was given \"{given}\"",
            provenance.prompt
        )),
    }
}

/// Fetches the weights file at `cid` (every block hashed), checks that it is the file whose
/// sha256 the item records, and loads it.
async fn fetch_weights(
    content: &mut Content<'_>,
    cid: &Cid,
    sha256: &str,
) -> Result<crate::CpuModel, String> {
    let bytes = content.fetch(cid).await?;
    // Read first (a file that is not weights says so); reading hashes the whole file.
    let weights = kiln_gen::Weights::from_bytes(&bytes)
        .map_err(|error| format!("the file at {cid}: {error}"))?;
    if weights.sha256 != sha256 {
        return Err(format!(
            "the file at {cid} has sha256 {}, not the recorded {sha256}",
            weights.sha256
        ));
    }
    crate::CpuModel::new(&weights).map_err(|error| error.to_string())
}

/// Compares a published GLB with a re-generated one: identical bytes, or geometry within
/// [`GEOMETRY_TOLERANCE`].
fn compare(published: &[u8], regenerated: &[u8]) -> Result<String, String> {
    if published == regenerated {
        return Ok("bit-identical to the published GLB".into());
    }
    let limits = Limits::default();
    let published = glb_positions(published, &limits).map_err(|e| e.to_string())?;
    let regenerated = glb_positions(regenerated, &limits).map_err(|e| e.to_string())?;
    let (Some(diagonal), false) = (diagonal(&published), regenerated.is_empty()) else {
        return Err("a mesh without vertices".into());
    };
    let distance =
        (mean_nearest(&published, &regenerated) + mean_nearest(&regenerated, &published)) / 2.0;
    let share = distance / diagonal;
    let detail = format!(
        "mean vertex distance {:.2}% of the object's size ({} vs {} vertices; tolerance {:.0}%)",
        share * 100.0,
        published.len(),
        regenerated.len(),
        GEOMETRY_TOLERANCE * 100.0
    );
    if share <= GEOMETRY_TOLERANCE {
        Ok(detail)
    } else {
        Err(format!("another mesh: {detail}"))
    }
}

fn diagonal(points: &[[f32; 3]]) -> Option<f64> {
    let first = points.first()?;
    let (mut min, mut max) = (*first, *first);
    for point in points {
        for axis in 0..3 {
            min[axis] = min[axis].min(point[axis]);
            max[axis] = max[axis].max(point[axis]);
        }
    }
    let squared: f64 = (0..3)
        .map(|axis| f64::from(max[axis] - min[axis]).powi(2))
        .sum();
    Some(squared.sqrt()).filter(|d| *d > 0.0)
}

/// Mean distance from each point of `from` to the nearest point of `to`, over a uniform grid
/// so that meshes of thousands of vertices compare in milliseconds.
fn mean_nearest(from: &[[f32; 3]], to: &[[f32; 3]]) -> f64 {
    use std::collections::HashMap;
    let Some(size) = diagonal(to).map(|d| (d / 32.0) as f32) else {
        return f64::INFINITY;
    };
    let cell = |p: &[f32; 3]| {
        [
            (p[0] / size).floor() as i32,
            (p[1] / size).floor() as i32,
            (p[2] / size).floor() as i32,
        ]
    };
    let mut grid: HashMap<[i32; 3], Vec<[f32; 3]>> = HashMap::new();
    for point in to {
        grid.entry(cell(point)).or_default().push(*point);
    }
    let distance = |a: &[f32; 3], b: &[f32; 3]| {
        (0..3)
            .map(|k| f64::from(a[k] - b[k]).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let total: f64 = from
        .iter()
        .map(|point| {
            let home = cell(point);
            // Widen the search ring by ring until a point is found and no nearer one can hide
            // in the next ring.
            let mut best = f64::INFINITY;
            for ring in 0..=64i32 {
                for dx in -ring..=ring {
                    for dy in -ring..=ring {
                        for dz in -ring..=ring {
                            if dx.abs().max(dy.abs()).max(dz.abs()) != ring {
                                continue;
                            }
                            let key = [home[0] + dx, home[1] + dy, home[2] + dz];
                            for other in grid.get(&key).into_iter().flatten() {
                                best = best.min(distance(point, other));
                            }
                        }
                    }
                }
                if best <= f64::from(ring as f32 * size) {
                    break;
                }
            }
            best
        })
        .sum();
    total / from.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_distances_over_the_grid_equal_brute_force() {
        let points = |seed: u32, n: usize| -> Vec<[f32; 3]> {
            (0..n)
                .map(|i| {
                    let x = ((i as u32).wrapping_mul(2654435761).wrapping_add(seed) % 1000) as f32
                        / 1000.0;
                    let y = ((i as u32).wrapping_mul(40503).wrapping_add(seed * 7) % 1000) as f32
                        / 500.0;
                    let z =
                        ((i as u32).wrapping_mul(97).wrapping_add(seed * 13) % 1000) as f32 / 250.0;
                    [x, y, z]
                })
                .collect()
        };
        let (a, b) = (points(1, 400), points(2, 300));
        let brute: f64 = a
            .iter()
            .map(|p| {
                b.iter()
                    .map(|q| {
                        (0..3)
                            .map(|k| f64::from(p[k] - q[k]).powi(2))
                            .sum::<f64>()
                            .sqrt()
                    })
                    .fold(f64::INFINITY, f64::min)
            })
            .sum::<f64>()
            / a.len() as f64;
        assert!((mean_nearest(&a, &b) - brute).abs() < 1e-9);
        assert_eq!(mean_nearest(&a, &a), 0.0);
    }
}
