//! `kiln-cli verify`: a minted item verifies from the chain alone, generator re-run included;
//! tampered metadata, a GLB other than the token's, and another model's weights each fail with
//! the reason; an item made with earlier weights keeps verifying once other weights run.

use std::path::{Path, PathBuf};
use std::process::Command;

use kiln_asset::{ItemMetadata, Limits, Sha256Hex};
use kiln_chain::{B256, Chain, MintRequest, Sandbox};

use crate::chain::kiln;
use crate::generator::shipped_weights;
use crate::stderr;

/// Exports "a tall red chair with gold legs" with `seed` into `data_dir/name`.
fn export(data_dir: &Path, name: &str, seed: u64) -> PathBuf {
    export_with(data_dir, name, seed, &shipped_weights())
}

/// Exports `prompt` with `seed` and the shipped weights into `data_dir/name`.
fn export_prompt(data_dir: &Path, name: &str, prompt: &str, seed: u64) -> PathBuf {
    let out = data_dir.join(name);
    let output = Command::new(env!("CARGO_BIN_EXE_kiln-cli"))
        .args(["export", prompt, "--seed", &seed.to_string(), "--out-dir"])
        .arg(&out)
        .arg("--weights")
        .arg(shipped_weights())
        .env("KILN_DATA_DIR", data_dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    out
}

/// [`export`] with the weights at `weights`.
fn export_with(data_dir: &Path, name: &str, seed: u64, weights: &Path) -> PathBuf {
    export_with_args(data_dir, name, seed, weights, &[])
}

/// [`export_with`] and `extra` arguments.
fn export_with_args(
    data_dir: &Path,
    name: &str,
    seed: u64,
    weights: &Path,
    extra: &[&str],
) -> PathBuf {
    let out = data_dir.join(name);
    let output = Command::new(env!("CARGO_BIN_EXE_kiln-cli"))
        .args([
            "export",
            "a tall red chair with gold legs",
            "--seed",
            &seed.to_string(),
        ])
        .args(extra)
        .arg("--out-dir")
        .arg(&out)
        .arg("--weights")
        .arg(weights)
        .env("KILN_DATA_DIR", data_dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    out
}

/// Rewrites an exported item's metadata (kept canonical, so it can be minted).
fn rewrite_metadata(dir: &Path, change: impl FnOnce(&mut ItemMetadata)) {
    let path = dir.join("metadata.json");
    let mut metadata =
        ItemMetadata::from_canonical_json(&std::fs::read(&path).unwrap(), &Limits::default())
            .unwrap();
    change(&mut metadata);
    std::fs::write(&path, metadata.to_canonical_json()).unwrap();
}

fn verify(data_dir: &Path, token: &str) -> (bool, serde_json::Value) {
    verify_with(data_dir, token, &[])
}

/// [`verify`] with the shipped weights running and `extra` arguments.
fn verify_with(data_dir: &Path, token: &str, extra: &[&Path]) -> (bool, serde_json::Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_kiln-cli"))
        .args(["verify", token, "--offline", "--json", "--weights"])
        .arg(shipped_weights())
        .args(extra)
        .env("KILN_DATA_DIR", data_dir)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("no JSON report: {}", stderr(&output)));
    assert_eq!(report["ok"], output.status.success(), "{report}");
    (output.status.success(), report)
}

/// The first failed check's name and detail.
/// The detail of the check named `name`.
fn detail_of(report: &serde_json::Value, name: &str) -> String {
    let checks = report["checks"].as_array().unwrap();
    let check = checks.iter().find(|check| check["name"] == name);
    let check = check.unwrap_or_else(|| panic!("no {name} check: {report}"));
    check["detail"].as_str().unwrap().to_owned()
}

fn failure(report: &serde_json::Value) -> (String, String) {
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["ok"] == false)
        .unwrap_or_else(|| panic!("nothing failed: {report}"));
    (
        check["name"].as_str().unwrap().to_owned(),
        check["detail"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn a_minted_item_verifies_and_each_kind_of_tampering_fails_with_its_reason() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path();

    // The honest item: every check passes, the re-run is bit-identical.
    let honest = export(data_dir, "honest", 7);
    let minted = kiln(data_dir, &["mint", honest.to_str().unwrap()]);
    let token = minted["token_id"].as_str().unwrap().to_owned();
    let (ok, report) = verify(data_dir, &token);
    assert!(ok, "{report}");
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 8, "{report}");
    assert!(
        checks.iter().any(|check| check["name"] == "creator"),
        "{report}"
    );
    assert!(
        checks.last().unwrap()["detail"]
            .as_str()
            .unwrap()
            .contains("bit-identical")
    );

    // Metadata claiming another prompt for this mesh: the prompt does not read as what the
    // model was given.
    let lying = export(data_dir, "lying", 8);
    rewrite_metadata(&lying, |metadata| {
        metadata.kiln.as_mut().unwrap().prompt = "a small blue cup".into();
    });
    let minted = kiln(data_dir, &["mint", lying.to_str().unwrap()]);
    let (ok, report) = verify(data_dir, minted["token_id"].as_str().unwrap());
    assert!(!ok);
    let (name, detail) = failure(&report);
    assert_eq!(name, "metadata", "{report}");
    assert!(detail.contains("reads as \"a small blue cup\""), "{detail}");

    // ... and claiming it throughout: the model makes another mesh from it.
    let lying = export(data_dir, "lying-throughout", 23);
    rewrite_metadata(&lying, |metadata| {
        let provenance = metadata.kiln.as_mut().unwrap();
        provenance.prompt = "a small blue cup".into();
        provenance.model_prompt = Some("a small blue cup".into());
    });
    let minted = kiln(data_dir, &["mint", lying.to_str().unwrap()]);
    let (ok, report) = verify(data_dir, minted["token_id"].as_str().unwrap());
    assert!(!ok);
    let (name, detail) = failure(&report);
    assert_eq!(name, "re-generated mesh", "{report}");
    assert!(detail.contains("another mesh"), "{detail}");

    // Another model's weights: the file the metadata's CID names is not them, and then no CID
    // at all.
    let other_model = export(data_dir, "other-model", 9);
    rewrite_metadata(&other_model, |metadata| {
        metadata.kiln.as_mut().unwrap().generator.weights_sha256 = Sha256Hex::of(b"other weights");
    });
    let minted = kiln(data_dir, &["mint", other_model.to_str().unwrap()]);
    let (ok, report) = verify(data_dir, minted["token_id"].as_str().unwrap());
    assert!(!ok);
    let (name, detail) = failure(&report);
    assert_eq!(name, "weights", "{report}");
    assert!(detail.contains("not the recorded"), "{detail}");
    let unnamed = export(data_dir, "unnamed-weights", 11);
    rewrite_metadata(&unnamed, |metadata| {
        let generator = &mut metadata.kiln.as_mut().unwrap().generator;
        generator.weights_sha256 = Sha256Hex::of(b"other weights");
        generator.weights = None;
    });
    let minted = kiln(data_dir, &["mint", unnamed.to_str().unwrap()]);
    let (ok, report) = verify(data_dir, minted["token_id"].as_str().unwrap());
    assert!(!ok);
    let (name, detail) = failure(&report);
    assert_eq!(name, "weights", "{report}");
    assert!(detail.contains("cannot be re-run"), "{detail}");

    // A token whose metadata names a GLB other than the token's (minted around our checks,
    // straight on the chain).
    let swapped = export(data_dir, "swapped", 10);
    let other_glb = export(data_dir, "other-glb", 11);
    let other_glb_uri = ItemMetadata::from_canonical_json(
        &std::fs::read(other_glb.join("metadata.json")).unwrap(),
        &Limits::default(),
    )
    .unwrap()
    .animation_url;
    rewrite_metadata(&swapped, |metadata| {
        metadata.animation_url = other_glb_uri.clone()
    });
    let stored = kiln(
        data_dir,
        &[
            "store",
            "add",
            swapped.join("metadata.json").to_str().unwrap(),
            "--pin",
            "swapped",
        ],
    );
    let glb = std::fs::read(swapped.join("model.glb")).unwrap();
    let metadata = std::fs::read(swapped.join("metadata.json")).unwrap();
    // Stored under the CID the contract will derive, so verify finds it offline.
    assert_eq!(stored["cid"], kiln_ipfs::raw_cid(&metadata).to_string());
    let token = mint_directly(data_dir, &glb, &metadata);
    let (ok, report) = verify(data_dir, &token);
    assert!(!ok);
    let (name, detail) = failure(&report);
    assert!(
        name == "metadata names this GLB" || name == "GLB digest",
        "{report}"
    );
    assert!(detail.contains("its token id binds"), "{detail}");

    // A copy: files that name another account as their creator, minted by this one, as anyone
    // may mint published files. Everything else about it is right, and it is still no one's
    // item: the creator the chain records is not the one the metadata names.
    let named = "0x4242424242424242424242424242424242424242";
    let copied = export_with_args(
        data_dir,
        "copied",
        12,
        &shipped_weights(),
        &["--creator", named],
    );
    let glb = std::fs::read(copied.join("model.glb")).unwrap();
    let metadata = std::fs::read(copied.join("metadata.json")).unwrap();
    let refused = crate::chain::run(data_dir, &["mint", copied.to_str().unwrap()]);
    assert!(!refused.status.success(), "the outbox minted a copy");
    assert!(stderr(&refused).contains(named), "{}", stderr(&refused));
    let token = mint_directly(data_dir, &glb, &metadata);
    let (ok, report) = verify(data_dir, &token);
    assert!(!ok);
    let (name, detail) = failure(&report);
    assert_eq!(name, "creator", "{report}");
    assert!(
        detail.contains(named) && detail.contains("a copy"),
        "{detail}"
    );
}

/// Mints a GLB and metadata straight on the sandbox, around the outbox's checks (as anyone may
/// call the contract); the token id.
fn mint_directly(data_dir: &Path, glb: &[u8], metadata: &[u8]) -> String {
    let request = MintRequest {
        glb_sha256: B256::from(Sha256Hex::of(glb).0),
        metadata_sha256: B256::from(Sha256Hex::of(metadata).0),
        to: None,
    };
    let sandbox = Sandbox::open(data_dir).unwrap();
    let receipt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(sandbox.mint(request))
        .unwrap();
    receipt.token_id.to_string()
}

#[test]
fn create_goes_from_prompt_to_a_token_that_verifies() {
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kiln-cli"))
        .args([
            "create",
            "a small blue cup",
            "--seed",
            "5",
            "--verify",
            "--json",
            "--weights",
        ])
        .arg(shipped_weights())
        .env("KILN_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let created: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let out_dir = PathBuf::from(created["export"]["out_dir"].as_str().unwrap());
    assert!(out_dir.starts_with(data.path().join("items")), "{created}");
    assert!(out_dir.join("model.glb").is_file());
    let token = created["mint"]["token_id"].as_str().unwrap();
    assert_eq!(
        created["mint"]["token_uri"],
        format!(
            "ipfs://{}",
            created["export"]["metadata"]["cid"].as_str().unwrap()
        )
    );
    let (ok, report) = verify(data.path(), token);
    assert!(ok, "{report}");
    let outbox = kiln(data.path(), &["outbox"]);
    // `--verify` ran the same checks inside the outbox, which recorded them.
    assert_eq!(outbox[0]["state"], "verified");
}

/// The generator changes and old items keep verifying: an item made with other weights (a part
/// generator trained here for a few steps, standing in for the weights before a change) is
/// verified while the shipped weights run, by re-running the weights it names, found in a
/// folder of kept weights; without that folder, by fetching them by the CID its metadata names
/// (export stored them in the blockstore); with neither, it cannot be re-run, and says why. An
/// item of the running weights verifies as before.
#[test]
fn an_item_of_earlier_weights_verifies_after_the_weights_change() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path();
    let kept = tempfile::tempdir().unwrap();
    let config = kept.path().join("tiny.toml");
    std::fs::write(
        &config,
        r#"generator = "parts"
steps = 20
batch = 16
learning_rate = 0.003
final_learning_rate_fraction = 0.1
geometry_weight = 10.0
rotation_weight = 2.0
colour_weight = 1.0
material_weight = 0.3
seed = 5
epoch_steps = 10
checkpoint_every = 10

[network]
token_width = 16
condition_width = 32
trunk_width = 64
trunk_layers = 2
palette_width = 16
"#,
    )
    .unwrap();
    let run = kept.path().join("run");
    kiln(
        data_dir,
        &[
            "train",
            "--config",
            config.to_str().unwrap(),
            "--out",
            run.to_str().unwrap(),
        ],
    );
    let weights_dir = kept.path().join("weights");
    std::fs::create_dir_all(&weights_dir).unwrap();
    let earlier = weights_dir.join("earlier.bin");
    std::fs::copy(run.join("kiln-gen.bin"), &earlier).unwrap();

    let old_item = export_with(data_dir, "old", 3, &earlier);
    let minted = kiln(data_dir, &["mint", old_item.to_str().unwrap()]);
    let old_token = minted["token_id"].as_str().unwrap().to_owned();

    let (ok, report) = verify_with(
        data_dir,
        &old_token,
        &[Path::new("--weights-dir"), &weights_dir],
    );
    assert!(ok, "{report}");
    assert!(
        detail_of(&report, "weights").contains("earlier weights"),
        "{report}"
    );
    assert!(
        report["checks"].as_array().unwrap().last().unwrap()["detail"]
            .as_str()
            .unwrap()
            .contains("bit-identical"),
        "{report}"
    );

    let (ok, report) = verify(data_dir, &old_token);
    assert!(ok, "{report}");
    let metadata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(old_item.join("metadata.json")).unwrap()).unwrap();
    let weights_uri = metadata["kiln"]["generator"]["weights"].as_str().unwrap();
    let weights_cid = weights_uri.strip_prefix("ipfs://").unwrap();
    assert!(
        detail_of(&report, "weights").contains(&format!(
            "fetched by the CID the metadata names ({weights_cid})"
        )),
        "{report}"
    );

    // Without the blocks (unpinned and collected), nothing can fetch them offline.
    kiln(data_dir, &["store", "unpin", weights_cid]);
    kiln(data_dir, &["store", "gc"]);
    let (ok, report) = verify(data_dir, &old_token);
    assert!(!ok, "{report}");
    let (name, detail) = failure(&report);
    assert_eq!(name, "weights", "{report}");
    assert!(detail.contains("fetching them by the CID"), "{detail}");

    let new_item = export(data_dir, "new", 4);
    let minted = kiln(data_dir, &["mint", new_item.to_str().unwrap()]);
    let (ok, report) = verify_with(
        data_dir,
        minted["token_id"].as_str().unwrap(),
        &[Path::new("--weights-dir"), &weights_dir],
    );
    assert!(ok, "{report}");
}

/// Items made with the field generator (version 1, the weights Kiln shipped before the part
/// generator) verify while the part generator runs: Kiln keeps those weights in models/v1 and
/// finds them by the sha256 the item names, with no option given.
#[test]
fn an_item_of_the_field_generator_verifies_while_the_part_generator_runs() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path();
    let field_weights = shipped_weights().with_file_name("v1").join("kiln-gen.bin");
    let old_item = export_with(data_dir, "v1", 2, &field_weights);
    let minted = kiln(data_dir, &["mint", old_item.to_str().unwrap()]);
    let (ok, report) = verify(data_dir, minted["token_id"].as_str().unwrap());
    assert!(ok, "{report}");
    assert!(
        detail_of(&report, "weights").contains("earlier weights"),
        "{report}"
    );
}

/// A creator's mesh choices (a triangle budget for game use, flat shading) reach the mesh, are
/// recorded in the metadata, and verification makes the same mesh with them; a budget no client
/// would draw is refused before the model runs.
#[test]
fn an_item_with_a_triangle_budget_records_it_and_verifies() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path();
    let item = export_with_args(
        data_dir,
        "budget",
        5,
        &shipped_weights(),
        &["--max-triangles", "800", "--flat"],
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(item.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(metadata["kiln"]["max_triangles"], 800, "{metadata}");
    assert_eq!(metadata["kiln"]["flat"], true, "{metadata}");
    let triangles = metadata["kiln"]["triangles"].as_u64().unwrap();
    assert!((100..=800).contains(&triangles), "{triangles} triangles");
    let minted = kiln(data_dir, &["mint", item.to_str().unwrap()]);
    let (ok, report) = verify(data_dir, minted["token_id"].as_str().unwrap());
    assert!(ok, "{report}");

    let output = Command::new(env!("CARGO_BIN_EXE_kiln-cli"))
        .args([
            "export",
            "a red chair",
            "--max-triangles",
            "20",
            "--out-dir",
        ])
        .arg(data_dir.join("too-few"))
        .env("KILN_DATA_DIR", data_dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("triangle budget must be between 100"),
        "{}",
        stderr(&output)
    );
}

/// An item of several objects lists each one with its prompt, seed and place, has a node per
/// object, and verifies by making each one again; an object moved or given another seed in the
/// metadata fails.
#[test]
fn an_item_of_several_objects_verifies_each_one_made_again() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path();
    let prompt = "a table with two cups on it";
    let item = export_prompt(data_dir, "composed", prompt, 11);
    let metadata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(item.join("metadata.json")).unwrap()).unwrap();
    let kiln_record = &metadata["kiln"];
    assert_eq!(
        kiln_record["model_prompt"], "a table, two cups on it",
        "{metadata}"
    );
    let objects = kiln_record["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 3, "{metadata}");
    assert_eq!(objects[0]["prompt"], "a table");
    assert_eq!(objects[0]["seed"], 11);
    assert!(objects[0].get("rests_on").is_none(), "{metadata}");
    for cup in &objects[1..] {
        assert_eq!(cup["prompt"], "a cup");
        assert_eq!(cup["rests_on"], 0, "{metadata}");
        assert_ne!(cup["seed"], 11);
    }
    assert_ne!(objects[1]["seed"], objects[2]["seed"]);
    // The GLB: one node per object under the item's.
    let glb = std::fs::read(item.join("model.glb")).unwrap();
    let json_length = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    let gltf: serde_json::Value = serde_json::from_slice(&glb[20..20 + json_length]).unwrap();
    let nodes = gltf["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 4, "{gltf}");
    let root = &nodes[gltf["scenes"][0]["nodes"][0].as_u64().unwrap() as usize];
    assert_eq!(root["name"], "a table, two cups on it");
    assert_eq!(root["children"].as_array().unwrap().len(), 3);
    assert_eq!(gltf["meshes"].as_array().unwrap().len(), 3);

    let minted = kiln(data_dir, &["mint", item.to_str().unwrap()]);
    let (ok, report) = verify(data_dir, minted["token_id"].as_str().unwrap());
    assert!(ok, "{report}");
    let regenerated = detail_of(&report, "re-generated mesh");
    assert!(
        regenerated.starts_with("3 objects, each made again: bit-identical"),
        "{regenerated}"
    );
    assert!(detail_of(&report, "objects in place").contains("none intersects"));

    // A cup moved up in the metadata: the objects made again at the places it lists are not
    // the token's mesh.
    let moved = export_prompt(data_dir, "moved", prompt, 12);
    rewrite_metadata(&moved, |metadata| {
        metadata.kiln.as_mut().unwrap().objects[1].position[1] += 0.05;
    });
    let minted = kiln(data_dir, &["mint", moved.to_str().unwrap()]);
    let (ok, report) = verify(data_dir, minted["token_id"].as_str().unwrap());
    assert!(!ok);
    let (name, detail) = failure(&report);
    assert_eq!(name, "re-generated mesh", "{report}");
    assert!(detail.contains("another mesh"), "{detail}");

    // A seed that the item's seed does not give.
    let reseeded = export_prompt(data_dir, "reseeded", prompt, 13);
    rewrite_metadata(&reseeded, |metadata| {
        metadata.kiln.as_mut().unwrap().objects[2].seed = 1;
    });
    let minted = kiln(data_dir, &["mint", reseeded.to_str().unwrap()]);
    let (ok, report) = verify(data_dir, minted["token_id"].as_str().unwrap());
    assert!(!ok);
    let (name, detail) = failure(&report);
    assert_eq!(name, "metadata", "{report}");
    assert!(detail.contains("seeds"), "{detail}");
}
