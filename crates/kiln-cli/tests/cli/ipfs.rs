//! The IPFS commands: store, car, publish and fetch, against a real node.

use std::path::Path;

use kiln_testkit::{TrustlessGateway, content, ipfs_node};

use crate::{kiln_cli, stderr, stdout};

fn json(output: &std::process::Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn store_add_cat_unpin_and_gc() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let file = temp.path().join("item.glb");
    let bytes = content(700_000, 1);
    std::fs::write(&file, &bytes).unwrap();

    let added = json(&kiln_cli(
        &["store", "add", path(&file), "--pin", "item", "--json"],
        Some(&data),
    ));
    let computed = json(&kiln_cli(&["cid", path(&file), "--json"], None));
    assert_eq!(added["cid"], computed["cid"]);
    let cid = added["cid"].as_str().unwrap();

    let copy = temp.path().join("copy.glb");
    json(&kiln_cli(
        &["store", "cat", cid, "-o", path(&copy), "--json"],
        Some(&data),
    ));
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);

    let pins = json(&kiln_cli(&["store", "pins", "--json"], Some(&data)));
    assert_eq!(pins[0]["cid"], cid);
    assert_eq!(pins[0]["name"], "item");
    // Pinned: gc keeps it.
    let gc = json(&kiln_cli(&["store", "gc", "--json"], Some(&data)));
    assert_eq!(gc["blocks_removed"], 0);

    json(&kiln_cli(&["store", "unpin", cid, "--json"], Some(&data)));
    let gc = json(&kiln_cli(&["store", "gc", "--json"], Some(&data)));
    assert_eq!(gc["blocks_removed"], 4);
    let stat = json(&kiln_cli(&["store", "stat", "--json"], Some(&data)));
    assert_eq!(stat["blocks"], 0);

    let gone = kiln_cli(
        &["store", "cat", cid, "-o", path(&temp.path().join("gone"))],
        Some(&data),
    );
    assert_eq!(gone.status.code(), Some(1));
    assert!(
        stderr(&gone).contains("kiln-cli fetch"),
        "{}",
        stderr(&gone)
    );
    assert!(!temp.path().join("gone").exists());
}

#[test]
fn a_car_carries_an_item_between_data_directories_and_tampering_is_caught() {
    let temp = tempfile::tempdir().unwrap();
    let (from, to) = (temp.path().join("from"), temp.path().join("to"));
    let file = temp.path().join("item.glb");
    std::fs::write(&file, content(600_000, 2)).unwrap();
    let cid = json(&kiln_cli(
        &["store", "add", path(&file), "--json"],
        Some(&from),
    ))["cid"]
        .as_str()
        .unwrap()
        .to_string();
    let car = temp.path().join("item.car");
    let exported = json(&kiln_cli(
        &["car", "export", &cid, "-o", path(&car), "--json"],
        Some(&from),
    ));
    assert_eq!(exported["blocks"], 4);

    let mut tampered = std::fs::read(&car).unwrap();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x40;
    let bad = temp.path().join("tampered.car");
    std::fs::write(&bad, tampered).unwrap();
    let refused = kiln_cli(&["car", "import", path(&bad)], Some(&to));
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("does not match its CID"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        json(&kiln_cli(&["store", "stat", "--json"], Some(&to)))["pins"],
        0
    );

    let imported = json(&kiln_cli(
        &["car", "import", path(&car), "--json"],
        Some(&to),
    ));
    assert_eq!(imported["roots"][0], cid.as_str());
    assert_eq!(imported["pinned"], true);
    let copy = temp.path().join("copy.glb");
    json(&kiln_cli(
        &["store", "cat", &cid, "-o", path(&copy), "--json"],
        Some(&to),
    ));
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&file).unwrap());
}

#[test]
fn publish_to_a_node_then_fetch_elsewhere_past_a_lying_gateway() {
    let temp = tempfile::tempdir().unwrap();
    let (creator, player) = (temp.path().join("creator"), temp.path().join("player"));
    let file = temp.path().join("item.glb");
    let bytes = content(800_000, 3);
    std::fs::write(&file, &bytes).unwrap();
    let cid = json(&kiln_cli(
        &["store", "add", path(&file), "--pin", "item", "--json"],
        Some(&creator),
    ))["cid"]
        .as_str()
        .unwrap()
        .to_string();

    let published = json(&kiln_cli(
        &["publish", &cid, "--node", &ipfs_node().api, "--json"],
        Some(&creator),
    ));
    assert!(
        published["node"]
            .as_str()
            .unwrap()
            .starts_with(&ipfs_node().api)
    );

    let liar = TrustlessGateway::start(&ipfs_node().api);
    liar.lie(true);
    let honest = TrustlessGateway::start(&ipfs_node().api);
    let out = temp.path().join("fetched.glb");

    // The liar alone: an error that names it, and no file.
    let refused = kiln_cli(
        &["fetch", &cid, "-o", path(&out), "--gateway", &liar.url],
        Some(&player),
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("WRONG BYTES"),
        "{}",
        stderr(&refused)
    );
    assert!(!out.exists());

    let fetched = json(&kiln_cli(
        &[
            "fetch",
            &cid,
            "-o",
            path(&out),
            "--gateway",
            &format!("{},{}", liar.url, honest.url),
            "--json",
        ],
        Some(&player),
    ));
    assert_eq!(fetched["gateway"], honest.url.as_str());
    assert_eq!(fetched["rejected"][0]["gateway"], liar.url.as_str());
    assert_eq!(fetched["rejected"][0]["kind"], "wrong_bytes");
    assert_eq!(std::fs::read(&out).unwrap(), bytes);

    // Now it is local: no gateway needed.
    let again = json(&kiln_cli(
        &[
            "fetch",
            &cid,
            "-o",
            path(&out),
            "--gateway",
            "http://127.0.0.1:9",
            "--json",
        ],
        Some(&player),
    ));
    assert_eq!(again["gateway"], serde_json::Value::Null);
}

#[test]
fn publish_needs_somewhere_to_publish_and_the_whole_dag() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let cid = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
    let nowhere = kiln_cli(&["publish", cid], Some(&data));
    assert_eq!(nowhere.status.code(), Some(1));
    assert!(
        stderr(&nowhere).contains("--node URL"),
        "{}",
        stderr(&nowhere)
    );

    let missing = kiln_cli(
        &["publish", cid, "--node", "http://127.0.0.1:9"],
        Some(&data),
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("not in the local blockstore"),
        "{}",
        stderr(&missing)
    );
    assert!(stdout(&missing).is_empty());
}

#[test]
fn a_cid_that_is_not_a_cid_is_a_usage_error() {
    let output = kiln_cli(&["fetch", "Qm-not-a-cid", "-o", "x"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid value 'Qm-not-a-cid'"),
        "{}",
        stderr(&output)
    );
}
