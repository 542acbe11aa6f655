//! Fault injection: `kiln-cli mint` is killed (SIGKILL) at every step boundary, between the
//! files it publishes, between writing the transaction down and sending it, while it is pending
//! in the node's pool, while it waits again on resume, and while it verifies; `kiln-cli resume`
//! then finishes the item. In the end there is exactly one token, its files are pinned, and nothing was paid
//! twice — on the sandbox and on anvil.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;

use kiln_testkit::Anvil;

use crate::chain::{exported_item, kiln, run};
use crate::stderr;

/// Every point `kiln-cli mint` can be killed at (see `KILN_FAULT` in src/mint.rs), in the
/// order they come: `submitted:recorded` is the transaction written down and not yet sent,
/// `submitted:finished` sent and not yet in a block, `submitted:landed` in a block and the token
/// not yet written down.
const POINTS: [&str; 9] = [
    "stored:started",
    "stored:finished",
    "published:started",
    "published:finished",
    "submitted:started",
    "submitted:recorded",
    "submitted:finished",
    "submitted:landed",
    "confirmed:finished",
];

fn copy_item(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for file in ["model.glb", "thumbnail.png", "metadata.json"] {
        std::fs::copy(from.join(file), to.join(file)).unwrap();
    }
}

/// Runs `kiln-cli args` on `data_dir` and asserts that it was killed (SIGKILL) at `point`.
fn killed_at(point: &str, data_dir: &Path, args: &[&str]) {
    let killed = std::process::Command::new(env!("CARGO_BIN_EXE_kiln-cli"))
        .args(args)
        .env("KILN_DATA_DIR", data_dir)
        .env("KILN_PASSPHRASE", "a passphrase for tests")
        .env("KILN_FAULT", point)
        .output()
        .unwrap();
    assert_eq!(
        killed.status.signal(),
        Some(9),
        "{point}: kiln-cli {} was not killed: {}",
        args[0],
        stderr(&killed)
    );
}

/// Kills a mint at `point`, runs `between`, resumes, and checks the outcome on `network`.
fn kill_and_resume(
    data_dir: &Path,
    item_dir: &Path,
    point: &str,
    network: &[&str],
    between: impl FnOnce(),
) {
    let item = item_dir.to_str().unwrap();
    killed_at(
        point,
        data_dir,
        &[&["mint", item, "--json"][..], network].concat(),
    );
    between();

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

/// Makes the data directory's key, gives it 1,000 ether on `anvil`, and deploys a Kiln
/// contract of its own through `network`; returns the key's address.
fn fund_key_and_deploy(anvil: &Anvil, data_dir: &Path, network: &[&str]) -> serde_json::Value {
    let key = kiln(data_dir, &["key", "create"]);
    anvil.rpc(
        "anvil_setBalance",
        serde_json::json!([key["address"], "0x3635C9ADC5DEA00000"]),
    );
    let deployed = run(data_dir, &[&["chain", "deploy"][..], network].concat());
    assert!(deployed.status.success(), "{}", stderr(&deployed));
    key["address"].clone()
}

/// What `address` has sent and spent on `anvil`: its nonce, and the wei it paid.
fn sent_and_spent(anvil: &Anvil, address: &serde_json::Value) -> (u64, u128) {
    let quantity = |value: serde_json::Value| {
        u128::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
    };
    let nonce = quantity(anvil.rpc(
        "eth_getTransactionCount",
        serde_json::json!([address, "latest"]),
    ));
    let balance = quantity(anvil.rpc("eth_getBalance", serde_json::json!([address, "latest"])));
    // 1,000 ether, as fund_key_and_deploy gives.
    (nonce as u64, 1_000 * 10u128.pow(18) - balance)
}

#[test]
fn a_mint_killed_anywhere_on_the_sandbox_ends_in_exactly_one_token() {
    let source = tempfile::tempdir().unwrap();
    let (item, _) = exported_item(source.path(), &[]);
    for point in POINTS {
        // The source's fresh sandbox, copied: its account is the creator the item names.
        let data = tempfile::tempdir().unwrap();
        std::fs::copy(
            source.path().join(kiln_chain::sandbox::SANDBOX_FILE),
            data.path().join(kiln_chain::sandbox::SANDBOX_FILE),
        )
        .unwrap();
        let item_dir = data.path().join("item");
        copy_item(item.path(), &item_dir);
        kill_and_resume(data.path(), &item_dir, point, &[], || {});
    }
}

#[test]
fn a_mint_killed_anywhere_on_anvil_ends_in_exactly_one_token() {
    let anvil = Anvil::start();
    let network = ["--network", anvil.url.as_str(), "--chain-id", "31337"];
    for point in POINTS {
        // A data directory, key and contract of its own per point: the same GLB is minted on
        // each contract once.
        let data = tempfile::tempdir().unwrap();
        let address = fund_key_and_deploy(&anvil, data.path(), &network);
        let (deployed, deploy_cost) = sent_and_spent(&anvil, &address);
        let source = tempfile::tempdir().unwrap();
        let (item, _) = exported_item(source.path(), &["--creator", address.as_str().unwrap()]);
        let item_dir = data.path().join("item");
        copy_item(item.path(), &item_dir);
        // Killed once the node has the transaction, it is still in the pool: anvil mines only
        // when told, so resuming meets a pending transaction, waits for it and sends nothing.
        let pending = point == "submitted:finished";
        if pending {
            anvil.rpc("evm_setAutomine", serde_json::json!([false]));
        }
        kill_and_resume(data.path(), &item_dir, point, &network, || {
            if pending {
                assert_pending(&anvil, data.path(), point);
                anvil.rpc("evm_setIntervalMining", serde_json::json!([1]));
            }
        });
        if pending {
            anvil.rpc("evm_setIntervalMining", serde_json::json!([0]));
            anvil.rpc("evm_setAutomine", serde_json::json!([true]));
        }
        // Nothing was paid twice: one transaction after the deployment, and what it cost is
        // all that was spent (the mint's gas at its price, from its receipt).
        let (sent, spent) = sent_and_spent(&anvil, &address);
        assert_eq!(sent, deployed + 1, "{point}: more than one mint was sent");
        let outbox = kiln(data.path(), &["outbox"]);
        let receipt = anvil.rpc(
            "eth_getTransactionReceipt",
            serde_json::json!([outbox[0]["tx_hash"]]),
        );
        let hex = |value: &serde_json::Value| {
            u128::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
        };
        assert_eq!(
            spent - deploy_cost,
            hex(&receipt["gasUsed"]) * hex(&receipt["effectiveGasPrice"]),
            "{point}: {receipt}"
        );
    }
}

/// The outbox's one item has a transaction written down that anvil holds in its pool, unmined.
fn assert_pending(anvil: &Anvil, data_dir: &Path, point: &str) {
    let outbox = kiln(data_dir, &["outbox"]);
    assert_eq!(outbox[0]["state"], "submitted", "{point}: {outbox}");
    let pooled = anvil.rpc(
        "eth_getTransactionByHash",
        serde_json::json!([outbox[0]["tx_hash"]]),
    );
    assert!(
        !pooled.is_null() && pooled["blockNumber"].is_null(),
        "{point}: the transaction is not pending: {pooled}"
    );
}

/// A resume killed as it starts waiting for a pending transaction (`confirmed:started`), and
/// then resumed again, still sends one transaction and ends in one token.
#[test]
fn a_resume_killed_while_its_transaction_is_pending_sends_nothing_more() {
    let anvil = Anvil::start();
    let network = ["--network", anvil.url.as_str(), "--chain-id", "31337"];
    let data = tempfile::tempdir().unwrap();
    let address = fund_key_and_deploy(&anvil, data.path(), &network);
    let (deployed, _) = sent_and_spent(&anvil, &address);
    let source = tempfile::tempdir().unwrap();
    let (item, _) = exported_item(source.path(), &["--creator", address.as_str().unwrap()]);
    let item = item.path().to_str().unwrap();

    anvil.rpc("evm_setAutomine", serde_json::json!([false]));
    killed_at(
        "submitted:finished",
        data.path(),
        &[&["mint", item][..], &network].concat(),
    );
    assert_pending(&anvil, data.path(), "submitted:finished");
    killed_at("confirmed:started", data.path(), &["resume"]);
    assert_pending(&anvil, data.path(), "confirmed:started");
    anvil.rpc("evm_setIntervalMining", serde_json::json!([1]));
    let resumed = kiln(data.path(), &["resume"]);
    assert_eq!(
        resumed["finished"].as_array().unwrap().len(),
        1,
        "{resumed}"
    );
    let outbox = kiln(data.path(), &["outbox"]);
    assert_eq!(outbox[0]["state"], "confirmed", "{outbox}");
    assert_eq!(sent_and_spent(&anvil, &address).0, deployed + 1);
    let listed = kiln(data.path(), &[&["list"][..], &network].concat());
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
}

/// Verification killed as it starts or as it ends: `resume --verify` verifies the token the
/// mint made, and mints nothing more.
#[test]
fn a_mint_killed_while_verifying_is_verified_by_resume_without_a_second_token() {
    for point in ["verified:started", "verified:finished"] {
        let data = tempfile::tempdir().unwrap();
        let (item, _) = exported_item(data.path(), &[]);
        let item = item.path().to_str().unwrap();
        let weights = crate::generator::shipped_weights();
        killed_at(
            point,
            data.path(),
            &[
                "mint",
                item,
                "--verify",
                "--weights",
                weights.to_str().unwrap(),
            ],
        );
        let outbox = kiln(data.path(), &["outbox"]);
        let expected = if point == "verified:finished" {
            "verified"
        } else {
            "confirmed"
        };
        assert_eq!(outbox[0]["state"], expected, "{point}: {outbox}");
        let token = outbox[0]["token_id"].clone();
        let resumed = kiln(
            data.path(),
            &["resume", "--verify", "--weights", weights.to_str().unwrap()],
        );
        let outbox = kiln(data.path(), &["outbox"]);
        assert_eq!(outbox.as_array().unwrap().len(), 1, "{point}: {outbox}");
        assert_eq!(
            outbox[0]["state"], "verified",
            "{point}: {outbox} {resumed}"
        );
        assert_eq!(outbox[0]["token_id"], token, "{point}");
        let listed = kiln(data.path(), &["list"]);
        assert_eq!(listed.as_array().unwrap().len(), 1, "{point}: {listed}");
    }
}

#[test]
fn a_create_killed_before_its_files_exist_is_made_again_from_its_recipe_by_resume() {
    for point in [
        "generated:finished",
        "exported:started",
        "exported:finished",
    ] {
        let data = tempfile::tempdir().unwrap();
        let item_dir = data.path().join("item");
        killed_at(
            point,
            data.path(),
            &[
                "create",
                "a tall red chair",
                "--seed",
                "5",
                "--out-dir",
                item_dir.to_str().unwrap(),
            ],
        );
        let outbox = kiln(data.path(), &["outbox"]);
        let expected = if point == "exported:finished" {
            "exported"
        } else {
            "generated"
        };
        assert_eq!(outbox[0]["state"], expected, "{point}: {outbox}");

        let resumed = kiln(data.path(), &["resume", "--verify"]);
        assert_eq!(
            resumed["finished"].as_array().unwrap().len(),
            1,
            "{point}: {resumed}"
        );
        let outbox = kiln(data.path(), &["outbox"]);
        assert_eq!(outbox.as_array().unwrap().len(), 1, "{point}: {outbox}");
        assert_eq!(outbox[0]["state"], "verified", "{point}: {outbox}");
        let glb = std::fs::read(item_dir.join("model.glb")).unwrap();
        let creator =
            crate::chain::exported_creator(&item_dir).expect("the item names its creator");
        assert_eq!(
            outbox[0]["token_id"],
            kiln_chain::TokenId::of(
                creator,
                kiln_chain::B256::from(kiln_asset::Sha256Hex::of(&glb).0)
            )
            .to_string(),
            "{point}: the token is not the GLB in the item's folder"
        );
        // The three files and the weights file their metadata names.
        let pins = kiln(data.path(), &["store", "pins"]);
        assert_eq!(pins.as_array().unwrap().len(), 4, "{point}: {pins}");
    }
}

#[test]
fn an_ipfs_node_down_during_publish_keeps_the_item_and_resume_publishes_and_pins_it() {
    let data = tempfile::tempdir().unwrap();
    let (item, _) = exported_item(data.path(), &[]);
    let nobody = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}", nobody.local_addr().unwrap());
    drop(nobody);

    let failed = run(
        data.path(),
        &["mint", item.path().to_str().unwrap(), "--node", &down],
    );
    assert!(!failed.status.success());
    let message = stderr(&failed);
    assert!(message.contains("could not be published"), "{message}");
    assert!(message.contains("kiln-cli resume"), "{message}");
    let outbox = kiln(data.path(), &["outbox"]);
    assert_eq!(outbox[0]["state"], "stored", "{outbox}");
    assert!(outbox[0]["last_error"].is_string(), "{outbox}");

    // The node is back, and a pinning service that pins on it is configured as well.
    let node = kiln_testkit::ipfs_node();
    let service = kiln_testkit::PinningService::start(&node.api);
    let token_file = data.path().join("pinning-token");
    std::fs::write(&token_file, format!("{}\n", service.token)).unwrap();
    let resumed = kiln(
        data.path(),
        &[
            "resume",
            "--node",
            &node.api,
            "--pinning-service",
            &service.url,
            "--token-file",
            token_file.to_str().unwrap(),
        ],
    );
    assert_eq!(
        resumed["finished"].as_array().unwrap().len(),
        1,
        "{resumed}"
    );
    let token_uri = resumed["finished"][0]["token_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let metadata: kiln_ipfs::Cid = token_uri.trim_start_matches("ipfs://").parse().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pinned = runtime
        .block_on(node.client().is_pinned(&metadata))
        .unwrap();
    assert!(
        pinned,
        "the node does not hold the metadata the token names"
    );
    let service_client = kiln_ipfs::PinningClient::new(&service.url, &service.token).unwrap();
    let pins = runtime
        .block_on(service_client.list(Some(&metadata)))
        .unwrap();
    assert_eq!(
        pins.len(),
        1,
        "the service was asked to pin the metadata {} times",
        pins.len()
    );
    assert_eq!(pins[0].status, kiln_ipfs::PinState::Pinned);
}

/// Killed inside the publish step, after two of the three files reached the IPFS node: resume
/// publishes the rest and mints once, and the node holds what the token names.
#[test]
fn a_mint_killed_between_the_files_it_publishes_is_published_and_minted_by_resume() {
    let data = tempfile::tempdir().unwrap();
    let (item, _) = exported_item(data.path(), &[]);
    let node = kiln_testkit::ipfs_node();
    killed_at(
        "published:thumbnail.png",
        data.path(),
        &["mint", item.path().to_str().unwrap(), "--node", &node.api],
    );
    let outbox = kiln(data.path(), &["outbox"]);
    assert_eq!(outbox[0]["state"], "stored", "{outbox}");
    let resumed = kiln(data.path(), &["resume", "--node", &node.api]);
    assert_eq!(
        resumed["finished"].as_array().unwrap().len(),
        1,
        "{resumed}"
    );
    let token_uri = resumed["finished"][0]["token_uri"].as_str().unwrap();
    let metadata: kiln_ipfs::Cid = token_uri.trim_start_matches("ipfs://").parse().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert!(
        runtime
            .block_on(node.client().is_pinned(&metadata))
            .unwrap(),
        "the node does not hold the metadata the token names"
    );
    let listed = kiln(data.path(), &["list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
}

#[test]
fn an_rpc_node_down_during_submit_keeps_the_item_and_resume_sends_it_once() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let anvil = Anvil::start();
    // A proxy in front of anvil that can refuse to pass transactions on.
    let refusing = Arc::new(AtomicBool::new(false));
    let switch = Arc::clone(&refusing);
    let port = anvil.port;
    let proxy = kiln_testkit::http_server::start(move |request, _| {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        if switch.load(Ordering::SeqCst) && body["method"] == "eth_sendRawTransaction" {
            return kiln_testkit::http_server::Response::new(503, "text/plain", b"down".to_vec());
        }
        kiln_testkit::http_server::Response::new(
            200,
            "application/json",
            kiln_testkit::forward_rpc(port, &request.body),
        )
    });
    let network = ["--network", proxy.as_str(), "--chain-id", "31337"];
    let data = tempfile::tempdir().unwrap();
    fund_key_and_deploy(&anvil, data.path(), &network);
    let (item, _) = exported_item(data.path(), &network[..2]);

    refusing.store(true, Ordering::SeqCst);
    let failed = run(
        data.path(),
        &[&["mint", item.path().to_str().unwrap()][..], &network].concat(),
    );
    assert!(!failed.status.success());
    let message = stderr(&failed);
    assert!(message.contains("kiln-cli resume"), "{message}");
    let outbox = kiln(data.path(), &["outbox"]);
    assert_eq!(outbox[0]["state"], "submitted", "{outbox}");
    assert!(
        outbox[0]["tx_hash"].is_string(),
        "the transaction was not written down: {outbox}"
    );

    refusing.store(false, Ordering::SeqCst);
    let resumed = kiln(data.path(), &["resume"]);
    assert_eq!(
        resumed["finished"].as_array().unwrap().len(),
        1,
        "{resumed}"
    );
    // Signed again with the same nonce: the node never saw the first, so nothing is stuck.
    assert!(resumed["finished"][0]["tx"].is_string(), "{resumed}");
    let listed = kiln(data.path(), &[&["list"][..], &network].concat());
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
}
