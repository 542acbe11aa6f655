//! kiln-mint's integration tests: items go from their exported files to a token on the
//! sandbox chain, and every crash window the journal guards leaves exactly one token.

use std::path::Path;

use kiln_testkit::block_on;

use kiln_asset::metadata::ItemFacts;
use kiln_asset::{ItemMetadata, ItemUri, Sha256Hex};
use kiln_chain::{Address, Chain, Sandbox, SignedTx, TokenId};
use kiln_ipfs::{Blockstore, ImportProfile, file_cid, raw_cid};
use kiln_mint::{
    Generate, ItemFiles, ItemId, MintError, Outbox, Progress, Publish, Recipe, Step, Steps,
    advance, export_generated, read_exported,
};

/// Writes an item's three files as `kiln-cli export` does, naming `creator` (the GLB's bytes
/// made up: the mint path hashes files, it does not read meshes).
fn export(dir: &Path, n: u32, creator: Option<Address>) {
    let creator = creator.map(|creator| creator.to_checksum(None));
    let profile = ImportProfile::Legacy;
    let glb = format!("glTF item {n}").into_bytes();
    let thumbnail = format!("PNG thumbnail {n}").into_bytes();
    let uri = |bytes: &[u8]| ItemUri::Ipfs {
        cid: file_cid(bytes, profile).unwrap().root,
        path: String::new(),
    };
    let parsed = kiln_gen::parse("a tall red chair with gold legs").unwrap();
    let metadata = ItemMetadata::for_item(&ItemFacts {
        prompt: "a tall red chair with gold legs",
        seed: u64::from(n),
        description: &parsed.description,
        model_prompt: &parsed.model_prompt(),
        reading: &parsed.reading,
        objects: &[],
        generator_version: "test",
        weights_sha256: Sha256Hex::of(b"weights"),
        weights_cid: None,
        max_triangles: None,
        flat: false,
        creator: creator.as_deref(),
        glb: &glb,
        vertices: 8,
        triangles: 12,
        bounds: ([-0.5, 0.0, -0.5], [0.5, 1.0, 0.5]),
        created_unix: 1_795_000_000,
        ipfs_profile: profile,
        glb_uri: uri(&glb),
        image_uri: uri(&thumbnail),
        external_url: None,
    })
    .unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("model.glb"), glb).unwrap();
    std::fs::write(dir.join("thumbnail.png"), thumbnail).unwrap();
    std::fs::write(dir.join("metadata.json"), metadata.to_canonical_json()).unwrap();
}

struct World {
    _dir: tempfile::TempDir,
    items: std::path::PathBuf,
    outbox: Outbox,
    store: Blockstore,
    chain: Sandbox,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    World {
        items: dir.path().join("items"),
        outbox: Outbox::open(&dir.path().join("outbox.sqlite")).unwrap(),
        store: Blockstore::in_memory().unwrap(),
        chain: Sandbox::in_memory().unwrap(),
        _dir: dir,
    }
}

impl World {
    fn queue(&self, n: u32) -> ItemId {
        self.queue_naming(n, Some(self.chain.account()))
    }

    fn queue_naming(&self, n: u32, creator: Option<Address>) -> ItemId {
        let dir = self.items.join(n.to_string());
        export(&dir, n, creator);
        let item = read_exported(&dir).unwrap();
        let deployment = self.chain.deployment().unwrap();
        self.outbox
            .enqueue(
                &dir,
                "sandbox",
                deployment,
                item.glb_sha256,
                item.metadata_sha256,
            )
            .unwrap()
    }

    fn advance(&mut self, id: ItemId) -> Result<kiln_mint::OutboxItem, MintError> {
        block_on(advance(
            &self.outbox,
            id,
            &mut self.store,
            &self.chain,
            &Steps::publish(&Publish::default()),
            |_| {},
        ))
    }

    fn head(&self) -> u64 {
        block_on(self.chain.head()).unwrap().number
    }
}

#[test]
fn an_exported_item_becomes_a_token_with_its_files_pinned_first() {
    let mut world = world();
    let id = world.queue(1);
    let mut seen = Vec::new();
    let item = block_on(advance(
        &world.outbox,
        id,
        &mut world.store,
        &world.chain,
        &Steps::publish(&Publish::default()),
        |p| seen.push(p),
    ))
    .unwrap();
    assert_eq!(item.state, Step::Confirmed);
    let token = item.token_id.unwrap();
    assert_eq!(
        token,
        TokenId::of(world.chain.account(), item.glb_sha256.unwrap())
    );
    let record = block_on(world.chain.token(token)).unwrap().unwrap();
    let exported = read_exported(&item.item_dir).unwrap();
    assert_eq!(
        record.token_uri,
        format!("ipfs://{}", raw_cid(&exported.metadata_json))
    );
    assert!(
        world
            .store
            .is_pinned(&raw_cid(&exported.metadata_json))
            .unwrap()
    );
    assert_eq!(world.store.pins().unwrap().len(), 3);
    let seen: Vec<String> = seen
        .iter()
        .map(|p| match p {
            Progress::Started(step) => format!("{step} started"),
            Progress::Finished(step) => format!("{step} finished"),
            Progress::Recorded(signed) => {
                assert_eq!(Some(signed.hash), item.tx_hash);
                "recorded".into()
            }
            Progress::Landed => "landed".into(),
            Progress::FilePublished(file) => format!("published {file}"),
        })
        .collect();
    assert_eq!(
        seen,
        [
            "stored started",
            "stored finished",
            "published started",
            "published finished",
            "submitted started",
            "recorded",
            "submitted finished",
            "landed",
            "confirmed finished",
        ]
    );
    let log: Vec<String> = world
        .outbox
        .events(id)
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e.step, e.phase))
        .collect();
    assert_eq!(
        log,
        [
            "stored started",
            "stored finished",
            "published started",
            "published finished",
            "submitted started",
            "submitted finished",
            "confirmed finished"
        ]
    );
    // Running it again changes nothing.
    let head = world.head();
    assert_eq!(world.advance(id).unwrap(), world.outbox.get(id).unwrap());
    assert_eq!(world.head(), head);
}

#[test]
fn a_transaction_written_down_but_never_sent_is_forgotten_and_the_item_minted_once() {
    let mut world = world();
    let id = world.queue(2);
    world.outbox.finished(id, Step::Stored, None).unwrap();
    world.outbox.finished(id, Step::Published, None).unwrap();
    // The crash came after the journal wrote the hash, before the transaction left.
    let never_sent = SignedTx {
        hash: kiln_chain::B256::repeat_byte(0xee),
        nonce: 99,
    };
    world.outbox.submitted(id, never_sent).unwrap();
    let item = world.advance(id).unwrap();
    assert_eq!(item.state, Step::Confirmed);
    assert_ne!(item.tx_hash, Some(never_sent.hash));
    let events = world.outbox.events(id).unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.detail.as_deref() == Some("the chain never saw it"))
    );
}

#[test]
fn a_mint_that_landed_before_the_crash_is_found_not_sent_again() {
    let mut world = world();
    let id = world.queue(3);
    world.outbox.finished(id, Step::Stored, None).unwrap();
    world.outbox.finished(id, Step::Published, None).unwrap();
    // The transaction left and landed; the process died before writing the token down.
    let request = read_exported(&world.outbox.get(id).unwrap().item_dir)
        .unwrap()
        .mint_request();
    let outbox = &world.outbox;
    let receipt = block_on(world.chain.mint_recorded(request, |outgoing| {
        if let kiln_chain::Outgoing::Signed(signed) = outgoing {
            outbox.submitted(id, signed).unwrap();
        }
        Ok(())
    }))
    .unwrap();
    assert_eq!(world.outbox.get(id).unwrap().state, Step::Submitted);
    let head = world.head();
    let item = world.advance(id).unwrap();
    assert_eq!(world.head(), head, "a second transaction was sent");
    assert_eq!(item.state, Step::Confirmed);
    assert_eq!(item.tx_hash, Some(receipt.tx.hash));
    assert_eq!(item.block, Some(receipt.tx.block.number));
}

/// What a client does as it starts: mints whose transaction left before it stopped are
/// finished from the chain, and nothing is sent, not even for one the chain never saw.
#[test]
fn sent_mints_are_finished_from_the_chain_and_nothing_is_sent() {
    let world = world();
    let sent = world.queue(8);
    let never_sent = world.queue(9);
    for id in [sent, never_sent] {
        world.outbox.finished(id, Step::Stored, None).unwrap();
        world.outbox.finished(id, Step::Published, None).unwrap();
    }
    let request = |id| {
        read_exported(&world.outbox.get(id).unwrap().item_dir)
            .unwrap()
            .mint_request()
    };
    let outbox = &world.outbox;
    // One left and landed; the other was written down and then refused before it left.
    let receipt = block_on(world.chain.mint_recorded(request(sent), |outgoing| {
        if let kiln_chain::Outgoing::Signed(signed) = outgoing {
            outbox.submitted(sent, signed).unwrap();
        }
        Ok(())
    }))
    .unwrap();
    let refused = block_on(world.chain.mint_recorded(request(never_sent), |outgoing| {
        if let kiln_chain::Outgoing::Signed(signed) = outgoing {
            outbox.submitted(never_sent, signed).unwrap();
        }
        Err(kiln_chain::ChainError::Aborted {
            reason: "the tab was closed".into(),
        })
    }));
    assert!(refused.is_err());

    let head = world.head();
    let finished = block_on(kiln_mint::finish_sent(&world.outbox, &world.chain)).unwrap();
    assert_eq!(world.head(), head, "a transaction was sent");
    assert_eq!(finished.len(), 1, "{finished:?}");
    let item = world.outbox.get(sent).unwrap();
    assert_eq!(item.state, Step::Confirmed);
    assert_eq!(item.token_id, Some(receipt.token_id));
    assert_eq!(item.block, Some(receipt.tx.block.number));
    assert_eq!(world.outbox.get(never_sent).unwrap().state, Step::Submitted);
    // Finished once: a second start finds nothing to do.
    let again = block_on(kiln_mint::finish_sent(&world.outbox, &world.chain)).unwrap();
    assert!(again.is_empty());
}

#[test]
fn changed_files_and_a_glb_minted_with_other_metadata_stop_the_item_where_it_is() {
    let mut world = world();
    let id = world.queue(4);
    let dir = world.outbox.get(id).unwrap().item_dir;
    std::fs::write(dir.join("model.glb"), b"another GLB").unwrap();
    let error = world.advance(id).unwrap_err();
    assert!(
        error.to_string().contains("export the item again"),
        "{error}"
    );
    let item = world.outbox.get(id).unwrap();
    assert_eq!(item.state, Step::Exported);
    assert!(item.last_error.is_some());

    let id = world.queue(5);
    let mut request = read_exported(&world.outbox.get(id).unwrap().item_dir)
        .unwrap()
        .mint_request();
    request.metadata_sha256 = kiln_chain::B256::repeat_byte(7);
    block_on(world.chain.mint(request)).unwrap();
    let error = world.advance(id).unwrap_err();
    assert!(
        matches!(error, MintError::MintedWithOtherMetadata { .. }),
        "{error:?}"
    );
    assert_eq!(world.outbox.get(id).unwrap().state, Step::Published);
}

/// The token id binds the minting account, so an item must name it: one naming another account
/// or none stops before its files are stored, and says how to go on.
#[test]
fn an_item_naming_another_creator_or_none_stops_before_anything_is_stored() {
    let mut world = world();
    let stranger = Address::repeat_byte(0x42);
    for (n, creator, says) in [
        (6, Some(stranger), "names 0x4242"),
        (7, None, "names no creator"),
    ] {
        let id = world.queue_naming(n, creator);
        let head = world.head();
        let error = world.advance(id).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains(says) && message.contains("export"),
            "{message}"
        );
        let item = world.outbox.get(id).unwrap();
        assert_eq!(item.state, Step::Exported);
        assert_eq!(world.head(), head, "a transaction was sent");
        assert!(world.store.pins().unwrap().is_empty(), "files were stored");
    }
}

/// A stand-in for the model: a tetrahedron whose size follows the seed, named after the prompt.
struct Tetrahedra {
    weights_sha256: String,
}

impl Generate for Tetrahedra {
    fn weights_sha256(&self) -> String {
        self.weights_sha256.clone()
    }

    fn generate(
        &self,
        prompt: &str,
        seed: u64,
        _options: &kiln_gen::GenerateOptions,
    ) -> Result<kiln_gen::Generated, String> {
        let parsed = kiln_gen::parse(prompt).map_err(|error| error.to_string())?;
        let size = 1.0 + seed as f32;
        let positions = vec![
            [0.0, 0.0, 0.0],
            [size, 0.0, 0.0],
            [0.0, 0.0, size],
            [0.0, size, 0.0],
        ];
        let mut mesh = kiln_gen::Mesh {
            colours: vec![[200, 30, 30]; 4],
            positions,
            normals: Vec::new(),
            primitives: vec![kiln_gen::MeshPrimitive {
                material: kiln_gen::vocab::Material::Wood,
                indices: vec![0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3],
            }],
        };
        mesh.compute_normals();
        Ok(kiln_gen::Generated {
            mesh,
            model_prompt: parsed.model_prompt(),
            description: parsed.description,
            unknown_words: parsed.unknown_words,
            reading: parsed.reading,
            objects: Vec::new(),
            timings: Default::default(),
        })
    }
}

#[test]
fn a_generated_item_gets_its_files_from_its_recipe_after_a_crash_and_a_second_order_folds_in() {
    let mut world = world();
    let generator = Tetrahedra {
        weights_sha256: "ab".repeat(32),
    };
    let recipe = Recipe {
        creator: Some(world.chain.account()),
        ..Recipe::new("a red chair", 2, &generator.weights_sha256, 1_795_000_000)
    };
    let dir = world.items.join("ordered");
    let deployment = world.chain.deployment().unwrap();
    // The process stops after writing the order down and before making the files.
    let id = world
        .outbox
        .order(&dir, "sandbox", deployment, &recipe)
        .unwrap();
    let ordered = world.outbox.get(id).unwrap();
    assert_eq!(ordered.state, Step::Generated);
    assert_eq!(ordered.recipe.as_ref(), Some(&recipe));
    assert_eq!(ordered.glb_sha256, None);
    assert!(!dir.exists());

    // Resuming needs the model; without it the item waits, unharmed.
    let error = world.advance(id).unwrap_err();
    assert!(matches!(error, MintError::NoGenerator(..)), "{error}");
    assert_eq!(world.outbox.get(id).unwrap().state, Step::Generated);

    let publish = Publish::default();
    let steps = Steps {
        generator: Some(&generator),
        verify: true,
        ..Steps::publish(&publish)
    };
    let item = block_on(advance(
        &world.outbox,
        id,
        &mut world.store,
        &world.chain,
        &steps,
        |_| {},
    ))
    .unwrap();
    assert_eq!(item.state, Step::Verified);
    let exported = read_exported(&dir).unwrap();
    let expected = ItemFiles::regenerate(&recipe, &generator).unwrap();
    assert_eq!(exported.glb, expected.glb, "the files made again differ");
    assert_eq!(exported.metadata_json, expected.metadata_json);
    assert_eq!(
        item.token_id,
        Some(TokenId::of(world.chain.account(), expected.glb_sha256()))
    );
    let phases: Vec<String> = world
        .outbox
        .events(id)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.step, e.phase))
        .collect();
    assert_eq!(
        phases[..4],
        [
            "generated finished",
            "exported started",
            "exported finished",
            "stored started"
        ]
    );

    // The same prompt and seed made again: the second order folds into the first item.
    let again = world
        .outbox
        .order(&world.items.join("again"), "sandbox", deployment, &recipe)
        .unwrap();
    assert_ne!(again, id);
    let folded = export_generated(
        &world.outbox,
        again,
        &world.items.join("again"),
        &expected,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(folded, id);
    assert_eq!(world.outbox.all().unwrap().len(), 1);
    assert!(world.outbox.get(again).is_err());

    // Files made with other weights cannot be made again here.
    let other = Recipe {
        weights_sha256: "cd".repeat(32),
        seed: 3,
        ..recipe
    };
    let stranded = world
        .outbox
        .order(&world.items.join("other"), "sandbox", deployment, &other)
        .unwrap();
    let error = block_on(advance(
        &world.outbox,
        stranded,
        &mut world.store,
        &world.chain,
        &steps,
        |_| {},
    ))
    .unwrap_err();
    assert!(error.to_string().contains("weights"), "{error}");
    assert_eq!(world.outbox.get(stranded).unwrap().state, Step::Generated);
    assert!(world.outbox.get(stranded).unwrap().last_error.is_some());
}
