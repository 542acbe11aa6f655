//! The `kiln-cli` binary as a user meets it.

mod chain;
mod faults;
mod generator;
mod ipfs;
mod items;
mod verify;

use std::path::Path;
use std::process::{Command, Output};

pub fn kiln_cli(args: &[&str], data_dir: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln-cli"));
    command.args(args).env_remove("KILN_DATA_DIR");
    if let Some(dir) = data_dir {
        command.env("KILN_DATA_DIR", dir);
    }
    command.output().expect("kiln-cli runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn prints_its_version() {
    let output = kiln_cli(&["--version"], None);
    assert!(output.status.success());
    assert_eq!(
        stdout(&output).trim(),
        format!("kiln-cli {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn info_creates_the_data_directory_named_by_the_environment() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("nested").join("kiln");
    let output = kiln_cli(&["info", "--json"], Some(&dir));
    assert!(output.status.success(), "{}", stderr(&output));
    let info: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(info["data_dir"], dir.to_str().unwrap());
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert!(dir.is_dir());
}

#[test]
fn the_flag_overrides_the_environment() {
    let temp = tempfile::tempdir().unwrap();
    let flag_dir = temp.path().join("from-flag");
    let output = kiln_cli(
        &["--data-dir", flag_dir.to_str().unwrap(), "info"],
        Some(&temp.path().join("from-env")),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains(&format!("data directory: {}", flag_dir.display())));
    assert!(flag_dir.is_dir());
    assert!(!temp.path().join("from-env").exists());
}

#[test]
fn a_data_directory_that_is_a_file_is_an_error_that_says_what_to_do() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let output = kiln_cli(&["info"], Some(&file));
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    let message = stderr(&output);
    assert!(message.starts_with("error: data directory"), "{message}");
    assert!(message.contains("--data-dir"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn an_unknown_subcommand_is_a_usage_error() {
    let output = kiln_cli(&["frobnicate"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unrecognized subcommand 'frobnicate'"));
}

#[test]
fn cid_prints_what_an_ipfs_node_prints() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("hello.txt");
    std::fs::write(&file, b"hello world").unwrap();
    let output = kiln_cli(&["cid", file.to_str().unwrap()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e\n"
    );

    // Over one chunk the file becomes a DAG: a dag-pb root, and the profile matters.
    let big = temp.path().join("big.bin");
    std::fs::write(&big, vec![7u8; 1024 * 1024 + 1]).unwrap();
    let legacy = kiln_cli(&["--json", "cid", big.to_str().unwrap()], None);
    let modern = kiln_cli(
        &[
            "cid",
            "--profile",
            "v1-2025",
            "--json",
            big.to_str().unwrap(),
        ],
        None,
    );
    let legacy: serde_json::Value = serde_json::from_slice(&legacy.stdout).unwrap();
    let modern: serde_json::Value = serde_json::from_slice(&modern.stdout).unwrap();
    assert_eq!(legacy["profile"], "legacy");
    assert_eq!(modern["profile"], "v1-2025");
    assert_eq!(legacy["size"], 1024 * 1024 + 1);
    assert!(legacy["cid"].as_str().unwrap().starts_with("bafybei"));
    assert_ne!(legacy["cid"], modern["cid"]);
}

#[test]
fn cid_of_a_missing_file_or_unknown_profile_says_what_is_wrong() {
    let output = kiln_cli(&["cid", "/no/such/file.glb"], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot read /no/such/file.glb"),
        "{}",
        stderr(&output)
    );

    let output = kiln_cli(&["cid", "--profile", "fast", "x"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("use 'legacy'"),
        "{}",
        stderr(&output)
    );
}
