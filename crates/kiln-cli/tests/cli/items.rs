//! An item's files: export (GLB, thumbnail, canonical metadata, blockstore), metadata
//! normalisation and GLB inspection, through the binary.

use std::path::Path;
use std::process::{Command, Output};

use kiln_asset::{ItemMetadata, Limits, Sha256Hex};
use kiln_ipfs::{ImportProfile, file_cid};

use crate::generator::{json, shipped_weights};
use crate::{kiln_cli, stderr, stdout};

/// `kiln-cli export` with the shipped weights and a fixed creation time.
pub fn export(data_dir: &Path, out_dir: &Path, extra: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln-cli"));
    command
        .args([
            "export",
            "a tall red chair with gold legs",
            "--seed",
            "7",
            "--json",
        ])
        .arg("--out-dir")
        .arg(out_dir)
        .arg("--weights")
        .arg(shipped_weights())
        .args(extra)
        .env("KILN_DATA_DIR", data_dir)
        .env("SOURCE_DATE_EPOCH", "1795000000");
    command.output().expect("kiln-cli runs")
}

fn cid(bytes: &[u8], profile: ImportProfile) -> String {
    file_cid(bytes, profile).unwrap().root.to_string()
}

#[test]
fn export_writes_three_files_that_point_at_each_other() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let out = temp.path().join("item");
    let report = json(&export(&data, &out, &[]));

    let glb = std::fs::read(out.join("model.glb")).unwrap();
    let png = std::fs::read(out.join("thumbnail.png")).unwrap();
    let metadata_bytes = std::fs::read(out.join("metadata.json")).unwrap();
    assert_eq!(&glb[..4], b"glTF");
    assert_eq!(&png[1..4], b"PNG");
    let metadata = ItemMetadata::from_canonical_json(&metadata_bytes, &Limits::default())
        .expect("metadata.json is canonical Kiln metadata");
    let legacy = ImportProfile::Legacy;
    assert_eq!(
        metadata.animation_url.as_ref().unwrap().to_string(),
        format!("ipfs://{}", cid(&glb, legacy))
    );
    assert_eq!(
        metadata.image.as_ref().unwrap().to_string(),
        format!("ipfs://{}", cid(&png, legacy))
    );
    let kiln = metadata.kiln.as_ref().unwrap();
    assert_eq!(kiln.glb_sha256, Sha256Hex::of(&glb));
    assert_eq!(kiln.prompt, "a tall red chair with gold legs");
    assert_eq!(kiln.seed, 7);
    assert_eq!(kiln.ipfs_profile, "legacy");
    assert_eq!(kiln.created, "2026-11-18T11:06:40Z");
    assert_eq!(report["metadata"]["cid"], cid(&metadata_bytes, legacy));
    assert_eq!(
        report["metadata_sha256"],
        Sha256Hex::of(&metadata_bytes).to_string()
    );
    assert_eq!(kiln.triangles, report["triangles"].as_u64().unwrap());

    // The three files are in the blockstore, pinned, byte for byte.
    for (file, bytes) in [
        ("glb", &glb),
        ("thumbnail", &png),
        ("metadata", &metadata_bytes),
    ] {
        let cid = report[file]["cid"].as_str().unwrap();
        let read = temp.path().join("read");
        let output = kiln_cli(
            &["store", "cat", cid, "-o", read.to_str().unwrap()],
            Some(&data),
        );
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(&std::fs::read(&read).unwrap(), bytes, "{file}");
    }
    // The three files, and the weights file the metadata names (by the CID it gives).
    let pins = json(&kiln_cli(&["store", "pins", "--json"], Some(&data)));
    assert_eq!(pins.as_array().unwrap().len(), 4, "{pins}");
    let weights = kiln.generator.weights.as_ref().unwrap().to_string();
    assert!(
        pins.as_array()
            .unwrap()
            .iter()
            .any(|pin| format!("ipfs://{}", pin["cid"].as_str().unwrap()) == weights),
        "{pins}"
    );

    // The same prompt, seed, weights and time give the same bytes.
    let again = temp.path().join("again");
    json(&export(&data, &again, &["--no-store"]));
    assert_eq!(
        std::fs::read(again.join("metadata.json")).unwrap(),
        metadata_bytes
    );
    assert_eq!(std::fs::read(again.join("model.glb")).unwrap(), glb);
}

#[test]
fn export_records_the_profile_and_the_height_override() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("item");
    json(&export(
        &temp.path().join("data"),
        &out,
        &["--profile", "v1-2025", "--height", "2.5", "--no-store"],
    ));
    let metadata = ItemMetadata::from_canonical_json(
        &std::fs::read(out.join("metadata.json")).unwrap(),
        &Limits::default(),
    )
    .unwrap();
    let kiln = metadata.kiln.unwrap();
    assert_eq!(kiln.ipfs_profile, "v1-2025");
    assert!(
        (kiln.bounding_box.max[1] - 2.5).abs() < 1e-3,
        "{:?}",
        kiln.bounding_box
    );
    assert_eq!(kiln.bounding_box.min[1], 0.0);
}

#[test]
fn export_refuses_what_it_cannot_write_faithfully() {
    let temp = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kiln-cli"))
        .args([
            "export",
            "a chair",
            "--seed",
            "9007199254740992",
            "--out-dir",
        ])
        .arg(temp.path().join("x"))
        .arg("--weights")
        .arg(shipped_weights())
        .env("KILN_DATA_DIR", temp.path().join("data"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("pick a smaller seed"),
        "{}",
        stderr(&output)
    );
    assert!(!temp.path().join("x").join("metadata.json").exists());
}

#[test]
fn metadata_normalize_prints_canonical_metadata_and_warnings() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../kiln-asset/tests/asset/foreign/erc1155-eip-example.json");
    let file = file.to_str().unwrap();
    let report = json(&kiln_cli(
        &[
            "metadata",
            "normalize",
            file,
            "--token-id",
            "314592",
            "--json",
        ],
        None,
    ));
    assert_eq!(report["metadata"]["name"], "Asset Name");
    assert!(
        report["metadata"]["image"]
            .as_str()
            .unwrap()
            .ends_with("4cce0.png")
    );
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w["field"] == "image" && w["kind"] == "rewritten")
    );
    let human = stdout(&kiln_cli(&["metadata", "normalize", file], None));
    assert!(
        human.contains("warnings:") && human.contains("\"name\": \"Asset Name\""),
        "{human}"
    );

    let temp = tempfile::tempdir().unwrap();
    let bad = temp.path().join("bad.json");
    std::fs::write(&bad, "[1, 2, 3]").unwrap();
    let output = kiln_cli(&["metadata", "normalize", bad.to_str().unwrap()], None);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("not a JSON object"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn inspect_reports_counts_and_limit_checks() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("item");
    let exported = json(&export(&temp.path().join("data"), &out, &["--no-store"]));
    let glb = out.join("model.glb");
    let report = json(&kiln_cli(
        &["inspect", glb.to_str().unwrap(), "--json"],
        None,
    ));
    assert_eq!(report["triangles"], exported["triangles"]);
    assert_eq!(report["vertices"], exported["vertices"]);
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true)
    );
    let human = stdout(&kiln_cli(&["inspect", glb.to_str().unwrap()], None));
    assert!(human.contains("✓ triangles"), "{human}");

    let junk = temp.path().join("junk.glb");
    std::fs::write(&junk, b"glTF\x02\x00\x00\x00\xff\xff\xff\xff").unwrap();
    let output = kiln_cli(&["inspect", junk.to_str().unwrap()], None);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("malformed"), "{}", stderr(&output));
}

#[test]
fn a_full_disk_during_export_says_so_and_leaves_the_last_export_as_it_was() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let first = export(data.path(), out.path(), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before: Vec<Vec<u8>> = ["model.glb", "thumbnail.png", "metadata.json"]
        .iter()
        .map(|file| std::fs::read(out.path().join(file)).unwrap())
        .collect();

    // A file-size limit stands in for a full disk: with SIGXFSZ ignored, a write past it fails
    // (EFBIG) as a write to a full disk fails (ENOSPC).
    let full = Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 16; exec \"$@\"")
        .arg("bash")
        .arg(env!("CARGO_BIN_EXE_kiln-cli"))
        .args(["export", "a small blue cup", "--seed", "3", "--out-dir"])
        .arg(out.path())
        .arg("--weights")
        .arg(shipped_weights())
        .env("KILN_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert!(!full.status.success());
    assert!(
        stderr(&full).contains("is the disk full?"),
        "{}",
        stderr(&full)
    );
    assert_eq!(
        listing(),
        ["metadata.json", "model.glb", "thumbnail.png"],
        "a temporary file was left"
    );
    let after: Vec<Vec<u8>> = ["model.glb", "thumbnail.png", "metadata.json"]
        .iter()
        .map(|file| std::fs::read(out.path().join(file)).unwrap())
        .collect();
    assert!(before == after, "the earlier export was changed");
}
