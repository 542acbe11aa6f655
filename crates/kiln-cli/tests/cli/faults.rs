//! Fault injection: `kiln-cli mint` is killed (SIGKILL) at every step boundary and inside the
//! window between writing the transaction down and sending it; `kiln-cli resume` then finishes
//! the item. In the end there is exactly one token, its files are pinned, and nothing was paid
//! twice — on the sandbox and on anvil.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;

use kiln_testkit::Anvil;

use crate::chain::{exported_item, kiln, run};
use crate::stderr;

/// Every point `kiln-cli mint` can be killed at (see `KILN_FAULT` in src/mint.rs).
const POINTS: [&str; 9] = [
    "stored:started",
    "stored:finished",
    "published:started",
    "published:finished",
    "submitted:started",
    "submitted:finished",
    "submitted:recorded",
    "submitted:landed",
    "confirmed:finished",
];

fn copy_item(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for file in ["model.glb", "thumbnail.png", "metadata.json"] {
        std::fs::copy(from.join(file), to.join(file)).unwrap();
    }
}

/// Kills a mint at `point`, resumes, and checks the outcome on `network`.
fn kill_and_resume(data_dir: &Path, item_dir: &Path, point: &str, network: &[&str]) {
    let item = item_dir.to_str().unwrap();
    let killed = std::process::Command::new(env!("CARGO_BIN_EXE_kiln-cli"))
        .args([&["mint", item, "--json"][..], network].concat())
        .env("KILN_DATA_DIR", data_dir)
        .env("KILN_PASSPHRASE", "a passphrase for tests")
        .env("KILN_FAULT", point)
        .output()
        .unwrap();
    assert_eq!(
        killed.status.signal(),
        Some(9),
        "{point}: the mint was not killed: {}",
        stderr(&killed)
    );

    let resumed = kiln(data_dir, &["resume"]);
    let outbox = kiln(data_dir, &["outbox"]);
    let items = outbox.as_array().unwrap();
    assert_eq!(items.len(), 1, "{point}: {outbox}");
    assert_eq!(items[0]["state"], "confirmed", "{point}: {outbox}");
    let token = items[0]["token_id"].as_str().unwrap().to_owned();
    if point == "confirmed:finished" {
        assert!(
            resumed["finished"].as_array().unwrap().is_empty(),
            "{point}: {resumed}"
        );
    }

    let listed = kiln(data_dir, &[&["list"][..], network].concat());
    let tokens = listed.as_array().unwrap();
    assert_eq!(tokens.len(), 1, "{point}: {listed}");
    assert_eq!(tokens[0]["id"], token.as_str());

    let pins = kiln(data_dir, &["store", "pins"]);
    assert_eq!(pins.as_array().unwrap().len(), 3, "{point}: {pins}");

    // And once more: the item is done, nothing is sent.
    let again = kiln(data_dir, &[&["mint", item][..], network].concat());
    assert_eq!(again["token_id"], token.as_str());
    let listed = kiln(data_dir, &[&["list"][..], network].concat());
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn a_mint_killed_anywhere_on_the_sandbox_ends_in_exactly_one_token() {
    let source = tempfile::tempdir().unwrap();
    let (item, _) = exported_item(source.path());
    for point in POINTS {
        let data = tempfile::tempdir().unwrap();
        let item_dir = data.path().join("item");
        copy_item(item.path(), &item_dir);
        kill_and_resume(data.path(), &item_dir, point, &[]);
    }
}

#[test]
fn a_mint_killed_anywhere_on_anvil_ends_in_exactly_one_token() {
    let source = tempfile::tempdir().unwrap();
    let (item, _) = exported_item(source.path());
    let anvil = Anvil::start();
    let network = ["--network", anvil.url.as_str(), "--chain-id", "31337"];
    for point in POINTS {
        // A data directory, key and contract of its own per point: the same GLB is minted on
        // each contract once.
        let data = tempfile::tempdir().unwrap();
        let key = kiln(data.path(), &["key", "create"]);
        anvil.rpc(
            "anvil_setBalance",
            serde_json::json!([key["address"], "0x3635C9ADC5DEA00000"]),
        );
        let deployed = run(data.path(), &[&["chain", "deploy"][..], &network].concat());
        assert!(deployed.status.success(), "{}", stderr(&deployed));
        let item_dir = data.path().join("item");
        copy_item(item.path(), &item_dir);
        kill_and_resume(data.path(), &item_dir, point, &network);
    }
}
