//! The committed artifact is what the pinned compiler makes of the committed source.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_committed_artifacts_equal_a_fresh_compile() {
    let contracts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts");
    let fresh = tempfile::tempdir().unwrap();
    let status = Command::new("bash")
        .arg(contracts.join("build"))
        .arg(fresh.path())
        .status()
        .expect("bash runs contracts/build");
    assert!(status.success(), "contracts/build failed");
    for name in ["KilnItems.json", "PlainItems.json"] {
        let committed = std::fs::read_to_string(contracts.join("out").join(name)).unwrap();
        let compiled = std::fs::read_to_string(fresh.path().join(name)).unwrap();
        assert!(
            committed == compiled,
            "contracts/out/{name} is not what contracts/build makes of the source: run contracts/build and commit contracts/out"
        );
    }
}
