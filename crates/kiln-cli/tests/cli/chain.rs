//! The chain commands as a user meets them: mint an exported item on the sandbox and on a real
//! node (anvil) with the encrypted keystore, read the token back, place it, list it.

use std::path::Path;
use std::process::{Command, Output};

use kiln_asset::Sha256Hex;
use kiln_chain::B256;
use kiln_testkit::Anvil;

use crate::items::export;
use crate::{stderr, stdout};

/// `kiln-cli ARGS --json` with a data directory and the keystore's passphrase in the
/// environment; the JSON it printed, or a panic with what it said.
pub fn kiln(data_dir: &Path, args: &[&str]) -> serde_json::Value {
    let output = run(data_dir, args);
    assert!(
        output.status.success(),
        "kiln-cli {args:?}: {}",
        stderr(&output)
    );
    serde_json::from_str(&stdout(&output)).unwrap()
}

pub fn run(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiln-cli"))
        .args(args)
        .arg("--json")
        .env("KILN_DATA_DIR", data_dir)
        .env("KILN_PASSPHRASE", "a passphrase for tests")
        .env_remove("KILN_NETWORK")
        .output()
        .expect("kiln-cli runs")
}

/// Exports an item naming as its creator the account that mints it as `creator` says
/// (`--network URL`: this data directory's key; `--creator ADDRESS`; nothing: the sandbox's).
pub fn exported_item(data_dir: &Path, creator: &[&str]) -> (tempfile::TempDir, serde_json::Value) {
    let out = tempfile::tempdir().unwrap();
    let output = export(data_dir, out.path(), creator);
    assert!(output.status.success(), "{}", stderr(&output));
    let exported = serde_json::from_str(&stdout(&output)).unwrap();
    (out, exported)
}

/// The creator an exported item's metadata names.
pub fn exported_creator(item_dir: &Path) -> Option<kiln_chain::Address> {
    let metadata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(item_dir.join("metadata.json")).unwrap()).unwrap();
    metadata["kiln"]["creator"]
        .as_str()
        .map(|text| text.parse().unwrap())
}

/// Mints the item in `item_dir` on `network`, then reads, places and lists it there.
fn mint_place_and_list(
    data_dir: &Path,
    item_dir: &Path,
    exported: &serde_json::Value,
    network: &[&str],
) {
    let item = item_dir.to_str().unwrap();
    let minted = kiln(data_dir, &[&["mint", item][..], network].concat());
    let token = minted["token_id"].as_str().unwrap().to_owned();
    let metadata_cid = exported["metadata"]["cid"].as_str().unwrap();
    assert_eq!(
        minted["token_uri"],
        format!("ipfs://{metadata_cid}"),
        "tokenURI is not the metadata's CID"
    );
    assert!(minted["tx"].as_str().unwrap().starts_with("0x"));
    let gas = minted["gas_used"].as_u64().unwrap();
    assert!(
        (100_000..=125_000).contains(&gas),
        "a first mint cost {gas} gas"
    );

    // Minting the same folder again finds its token in the outbox: nothing is sent twice.
    let again = kiln(data_dir, &[&["mint", item][..], network].concat());
    assert_eq!(again["token_id"], minted["token_id"]);
    assert_eq!(again["tx"], minted["tx"]);

    let record = kiln(data_dir, &[&["token", &token][..], network].concat());
    assert_eq!(record["token_uri"], minted["token_uri"]);
    assert_eq!(record["owner"], record["creator"]);
    // The id binds the creator the metadata names to the GLB.
    let creator: kiln_chain::Address = record["creator"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        exported_creator(item_dir),
        Some(creator),
        "the metadata does not name the account that minted it"
    );
    let glb = std::fs::read(item_dir.join("model.glb")).unwrap();
    assert_eq!(
        token,
        kiln_chain::TokenId::of(creator, B256::from(Sha256Hex::of(&glb).0)).to_string(),
        "the token id is not the creator's id for the GLB's sha256"
    );
    assert!(record["placement"].is_null());

    kiln(
        data_dir,
        &[
            &["place", &token, "3", "-4", "--rotation", "90"][..],
            network,
        ]
        .concat(),
    );
    let listed = kiln(
        data_dir,
        &[
            &["list", "--owner", record["owner"].as_str().unwrap()][..],
            network,
        ]
        .concat(),
    );
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], token.as_str());
    assert_eq!(
        listed[0]["placement"],
        serde_json::json!({"x": 3, "z": -4, "rotation": 90})
    );
}

#[test]
fn an_exported_item_is_minted_read_placed_and_listed_on_the_sandbox() {
    let data = tempfile::tempdir().unwrap();
    let (item_dir, exported) = exported_item(data.path(), &[]);
    mint_place_and_list(data.path(), item_dir.path(), &exported, &[]);
    // The sandbox world is still there for the next command.
    let deployment = kiln(data.path(), &["chain", "deploy"]);
    assert_eq!(deployment["chain_id"], kiln_chain::SANDBOX_CHAIN_ID);
}

#[test]
fn an_exported_item_is_minted_on_a_real_node_with_the_encrypted_key() {
    let anvil = Anvil::start();
    let data = tempfile::tempdir().unwrap();
    let network = ["--network", anvil.url.as_str(), "--chain-id", "31337"];

    let unfunded = run(data.path(), &[&["chain", "deploy"][..], &network].concat());
    assert!(!unfunded.status.success());
    assert!(
        stderr(&unfunded).contains("fund the account"),
        "{}",
        stderr(&unfunded)
    );

    let key = kiln(data.path(), &["key", "address"]);
    let address = key["address"].as_str().unwrap().to_owned();
    let keystore = std::fs::read_to_string(key["keystore"].as_str().unwrap()).unwrap();
    assert!(keystore.contains("\"crypto\""), "not an encrypted keystore");
    anvil.rpc(
        "anvil_setBalance",
        serde_json::json!([address, "0x3635C9ADC5DEA00000"]),
    );

    let not_deployed = run(
        data.path(),
        &[&["token", &format!("0x{}", "11".repeat(32))][..], &network].concat(),
    );
    assert!(
        stderr(&not_deployed).contains("kiln-cli chain deploy"),
        "{}",
        stderr(&not_deployed)
    );
    let deployed = kiln(data.path(), &[&["chain", "deploy"][..], &network].concat());
    assert_eq!(deployed["chain_id"], 31337);

    let (item_dir, exported) = exported_item(data.path(), &network[..2]);
    mint_place_and_list(data.path(), item_dir.path(), &exported, &network);

    // Reading signs nothing, so it asks for no passphrase.
    let glb = std::fs::read(item_dir.path().join("model.glb")).unwrap();
    let token =
        kiln_chain::TokenId::of(address.parse().unwrap(), B256::from(Sha256Hex::of(&glb).0))
            .to_string();
    let read = Command::new(env!("CARGO_BIN_EXE_kiln-cli"))
        .args(["token", &token, "--json"])
        .args(network)
        .env("KILN_DATA_DIR", data.path())
        .env_remove("KILN_PASSPHRASE")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(read.status.success(), "{}", stderr(&read));

    let wrong_chain = run(
        data.path(),
        &["token", "1", "--network", &anvil.url, "--chain-id", "1"],
    );
    assert!(
        stderr(&wrong_chain).contains("serves chain 31337"),
        "{}",
        stderr(&wrong_chain)
    );
}
