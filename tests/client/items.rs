//! Items come into the world through `ipfs://`: read from the blockstore, checked against their
//! metadata, and stood on the plot the chain names — live, as tokens are minted, placed and
//! removed by another process.

use std::time::{Duration, Instant};

use bevy::asset::LoadState;
use bevy::prelude::*;
use kiln::{ChainPlugin, IpfsSource, Item, ItemView, ItemsPlugin, PlacedItem, PlotCoord, PlotGrid};
use kiln_chain::{Chain, MintRequest, Placement, Sandbox, TokenId};
use kiln_gen::mesher::MeshOptions;
use kiln_mint::{DataDir, ItemFiles, Recipe};
use kiln_testkit::block_on;

/// An item's files as `kiln-cli create` makes them, from the procedural shape of `prompt`
/// (the world reads files; which model made the mesh does not matter here).
fn item_files(prompt: &str, seed: u64) -> ItemFiles {
    let (recipe, generated) = generated(prompt, seed);
    ItemFiles::make(&recipe, &generated).unwrap()
}

/// The procedural shape of `prompt` as if the model had made it, with its recipe.
fn generated(prompt: &str, seed: u64) -> (Recipe, kiln_gen::Generated) {
    let parsed = kiln_gen::parse(prompt).unwrap();
    let shape = kiln_gen::shapes::sample_shape(&parsed.description, seed);
    let field = shape.sample_field(&shape.unit_frame(), 32);
    let mut mesh = kiln_gen::mesh_field(&field, &MeshOptions::default()).unwrap();
    mesh.stand_on_ground(Some(parsed.description.height_metres()));
    let generated = kiln_gen::Generated {
        mesh,
        model_prompt: parsed.model_prompt(),
        description: parsed.description,
        unknown_words: Vec::new(),
        reading: parsed.reading,
        objects: Vec::new(),
        timings: Default::default(),
    };
    let recipe = Recipe::new(prompt, seed, &"ab".repeat(32), 1_795_000_000);
    (recipe, generated)
}

fn store(data: &DataDir, files: &ItemFiles) {
    files.store(&mut data.blockstore().unwrap()).unwrap();
}

/// A world without a window: assets, items and (when asked) the chain link of the sandbox.
fn world(data: &DataDir, with_chain: bool) -> App {
    let chain = with_chain.then(|| ChainPlugin {
        data_dir: data.clone(),
        network: kiln::NetworkSetting::Sandbox,
        gateways: None,
        publish: Default::default(),
    });
    world_on(data, chain)
}

/// A world without a window on the chain link `chain`, if any.
fn world_on(data: &DataDir, chain: Option<ChainPlugin>) -> App {
    let mut app = App::new();
    app.register_asset_source(
        kiln::IPFS_SOURCE,
        IpfsSource::local(data.blockstore_path()).builder(),
    );
    app.add_plugins((MinimalPlugins, AssetPlugin::default()))
        .init_asset::<Mesh>()
        .init_asset::<StandardMaterial>()
        .init_resource::<PlotGrid>()
        .add_plugins(ItemsPlugin);
    if let Some(chain) = chain {
        app.add_plugins(chain);
    }
    app
}

/// Runs the world until `done` holds, for at most 60 s.
fn run_until(app: &mut App, what: &str, mut done: impl FnMut(&mut App) -> bool) {
    let started = Instant::now();
    while !done(app) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        app.update();
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn load(app: &mut App, path: String) -> Handle<Item> {
    app.world().resource::<AssetServer>().load(path)
}

fn load_state(app: &App, handle: &Handle<Item>) -> LoadState {
    app.world()
        .resource::<AssetServer>()
        .get_load_state(handle)
        .unwrap_or(LoadState::NotLoaded)
}

fn finished(app: &mut App, handle: &Handle<Item>) -> bool {
    matches!(
        load_state(app, handle),
        LoadState::Loaded | LoadState::Failed(_)
    )
}

#[test]
fn an_item_loads_from_ipfs_by_its_metadata_cid_with_one_mesh_per_material() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(Some(dir.path().to_owned())).unwrap();
    let files = item_files("a red mushroom", 3);
    store(&data, &files);
    let mut app = world(&data, false);
    let handle = load(&mut app, format!("ipfs://{}", files.metadata_cid));
    run_until(&mut app, "the item", |app| finished(app, &handle));
    let state = load_state(&app, &handle);
    assert!(matches!(state, LoadState::Loaded), "{state:?}");

    let items = app.world().resource::<Assets<Item>>();
    let item = items.get(&handle).unwrap();
    assert_eq!(item.metadata, files.metadata);
    assert_eq!(item.triangles, files.triangles);
    let mut materials: Vec<_> = item.parts.iter().map(|part| part.material).collect();
    materials.sort();
    materials.dedup();
    assert_eq!(materials.len(), item.parts.len(), "one part per material");
    let meshes = app.world().resource::<Assets<Mesh>>();
    let triangles: usize = item
        .parts
        .iter()
        .map(|part| meshes.get(&part.mesh).unwrap().indices().unwrap().len() / 3)
        .sum();
    assert_eq!(triangles, files.triangles, "triangles went missing");
    let height = item.max.y - item.min.y;
    let recorded = files.metadata.kiln.as_ref().unwrap().bounding_box.size()[1] as f32;
    assert!(
        (height - recorded).abs() < 1e-3,
        "{height} m tall, the metadata says {recorded}"
    );
}

#[test]
fn an_item_whose_files_are_missing_or_swapped_fails_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(Some(dir.path().to_owned())).unwrap();
    let chair = item_files("a blue chair", 1);
    let lamp = item_files("a tall lamp", 2);
    store(&data, &chair);
    store(&data, &lamp);
    // The chair's metadata, naming the lamp's GLB: what a swapped file looks like.
    let mut swapped = chair.metadata.clone();
    swapped.animation_url = lamp.metadata.animation_url.clone();
    let swapped_json = swapped.to_canonical_json();
    let swapped_cid = data
        .blockstore()
        .unwrap()
        .add_file_pinned(
            swapped_json.as_slice(),
            kiln_ipfs::ImportProfile::Legacy,
            "swapped",
        )
        .unwrap()
        .root;
    let missing = kiln_ipfs::raw_cid(b"metadata nobody stored");

    let mut app = world(&data, false);
    let swapped = load(&mut app, format!("ipfs://{swapped_cid}"));
    let absent = load(&mut app, format!("ipfs://{missing}"));
    run_until(&mut app, "both loads to end", |app| {
        finished(app, &swapped) && finished(app, &absent)
    });
    let LoadState::Failed(error) = load_state(&app, &swapped) else {
        panic!("a swapped GLB loaded");
    };
    assert!(
        error
            .to_string()
            .contains("not the one its metadata describes"),
        "{error}"
    );
    let LoadState::Failed(error) = load_state(&app, &absent) else {
        panic!("a missing file loaded");
    };
    assert!(
        error.to_string().contains("not in the local blockstore"),
        "{error}"
    );
}

/// The placed items of the world: token, transform and how far loading came.
fn placed(app: &mut App) -> Vec<(TokenId, Transform, ItemView)> {
    let mut query = app
        .world_mut()
        .query::<(&PlacedItem, &Transform, &ItemView)>();
    let mut items: Vec<_> = query
        .iter(app.world())
        .map(|(item, transform, view)| (item.token, *transform, view.clone()))
        .collect();
    items.sort_by_key(|(token, ..)| *token);
    items
}

fn mint(chain: &Sandbox, files: &ItemFiles) -> TokenId {
    let request = MintRequest {
        glb_sha256: files.glb_sha256(),
        metadata_sha256: files.metadata_sha256(),
        to: None,
    };
    block_on(chain.mint(request)).unwrap().token_id
}

#[test]
fn the_world_shows_what_the_chain_places_and_follows_it_live() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(Some(dir.path().to_owned())).unwrap();
    let mushroom = item_files("a red mushroom", 3);
    let tower = item_files("a stone tower", 4);
    store(&data, &mushroom);
    store(&data, &tower);
    // The CLI's sandbox, beside the client's.
    let cli = Sandbox::open(data.path()).unwrap();
    let first = mint(&cli, &mushroom);
    let on_plot = Placement {
        x: 1,
        z: -2,
        rotation: 90,
    };
    block_on(cli.place(first, on_plot)).unwrap();
    // Minted but not placed: not in the world.
    let unplaced = mint(&cli, &tower);

    let mut app = world(&data, true);
    run_until(&mut app, "the placed item to show", |app| {
        placed(app)
            .iter()
            .any(|(_, _, view)| *view == ItemView::Shown)
    });
    let items = placed(&mut app);
    assert_eq!(items.len(), 1, "{items:?}");
    let (token, transform, _) = &items[0];
    assert_eq!(*token, first);
    let grid = PlotGrid::default();
    assert_eq!(
        transform.translation,
        grid.center_of(PlotCoord { x: 1, z: -2 })
    );
    let turned = transform.rotation * Vec3::X;
    assert!(
        (turned - Vec3::NEG_Z).length() < 1e-5,
        "a quarter turn counter-clockwise seen from above points +X to -Z, not {turned}"
    );

    // Another process places the second item and takes the first away: the world follows.
    block_on(cli.place(
        unplaced,
        Placement {
            x: 0,
            z: 0,
            rotation: 0,
        },
    ))
    .unwrap();
    block_on(cli.remove(first)).unwrap();
    run_until(&mut app, "the world to follow the chain", |app| {
        let items = placed(app);
        items.len() == 1 && items[0].0 == unplaced && items[0].2 == ItemView::Shown
    });
}

#[test]
fn a_token_whose_files_are_nowhere_gets_an_error_marker_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(Some(dir.path().to_owned())).unwrap();
    // Minted and placed, but its files never reached this machine.
    let lost = item_files("a gold crown", 5);
    let cli = Sandbox::open(data.path()).unwrap();
    let token = mint(&cli, &lost);
    block_on(cli.place(
        token,
        Placement {
            x: 2,
            z: 2,
            rotation: 0,
        },
    ))
    .unwrap();
    let mut app = world(&data, true);
    run_until(&mut app, "the item to fail", |app| {
        placed(app)
            .iter()
            .any(|(_, _, view)| matches!(view, ItemView::Failed(_)))
    });
    let items = placed(&mut app);
    let ItemView::Failed(reason) = &items[0].2 else {
        unreachable!()
    };
    assert!(reason.contains("not in the local blockstore"), "{reason}");
}

#[test]
fn a_json_rpc_node_from_the_settings_shows_its_world_and_a_key_unlocked_in_the_client_mints_there()
{
    use kiln_chain::signer::PrivateKeySigner;
    use kiln_chain::{RpcChain, RpcOptions};

    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(Some(dir.path().to_owned())).unwrap();
    let tower = item_files("a stone tower", 4);
    store(&data, &tower);
    let anvil = kiln_testkit::Anvil::start();
    let node = kiln_testkit::ipfs_node();
    // A creator elsewhere deploys, mints and places on the node.
    let (contract, token) = block_on(async {
        let signer: PrivateKeySigner = kiln_testkit::ANVIL_DEV_KEYS[0].parse().unwrap();
        let chain = RpcChain::connect(&anvil.url, signer, RpcOptions::default())
            .await
            .unwrap();
        let deployment = chain.deploy(kiln_chain::DEFAULT_ROYALTY_BPS).await.unwrap();
        chain.attach(deployment).await.unwrap();
        let request = MintRequest {
            glb_sha256: tower.glb_sha256(),
            metadata_sha256: tower.metadata_sha256(),
            to: None,
        };
        let token = chain.mint(request).await.unwrap().token_id;
        chain
            .place(
                token,
                Placement {
                    x: -1,
                    z: 2,
                    rotation: 0,
                },
            )
            .await
            .unwrap();
        (deployment.address, token)
    });

    let mut app = world_on(
        &data,
        Some(ChainPlugin {
            data_dir: data.clone(),
            network: kiln::NetworkSetting::Rpc {
                url: anvil.url.clone(),
                chain_id: kiln_testkit::ANVIL_CHAIN_ID,
                contract: Some(contract),
            },
            gateways: None,
            // The settings name an IPFS node: a mint imports and pins its files there first.
            publish: std::sync::Arc::new(kiln_mint::Publish {
                node: Some(node.client()),
                pinning: None,
                pin_wait: Duration::from_secs(60),
            }),
        }),
    );
    run_until(&mut app, "the node's item to show", |app| {
        placed(app)
            .iter()
            .any(|(id, _, view)| *id == token && *view == ItemView::Shown)
    });

    // The player creates a key of their own in the client, funds it, and mints there.
    app.world()
        .resource::<kiln::ChainLink>()
        .use_key(String::from("a passphrase for tests").into(), true);
    run_until(&mut app, "the key", |app| {
        let key = app.world().resource::<kiln::KeyStatus>();
        key.unlocked.is_some() || key.error.is_some()
    });
    let key = app.world().resource::<kiln::KeyStatus>();
    let address = key.unlocked.unwrap_or_else(|| panic!("{:?}", key.error));
    anvil.rpc(
        "anvil_setBalance",
        serde_json::json!([address, "0x3635C9ADC5DEA00000"]),
    );
    let (mut recipe, barrel) = generated("a wooden barrel", 9);
    // The weights file the recipe names goes to the node with the item (a stand-in here: the
    // item's mesh is the procedural one).
    let weights: std::sync::Arc<[u8]> = b"the weights that made the barrel".as_slice().into();
    let weights_cid = kiln_mint::weights_cid(&weights, recipe.profile).unwrap();
    recipe.weights_sha256 = kiln_asset::Sha256Hex::of(&weights).to_string();
    recipe.weights_cid = Some(weights_cid.to_string());
    app.world_mut().resource_mut::<kiln::MintStatus>().start();
    app.world()
        .resource::<kiln::ChainLink>()
        .mint(recipe, barrel, weights);
    run_until(&mut app, "the mint on the node", |app| {
        app.world().resource::<kiln::MintStatus>().outcome.is_some()
    });
    let minted = app
        .world()
        .resource::<kiln::MintStatus>()
        .outcome
        .clone()
        .unwrap()
        .unwrap();
    let record = block_on(async {
        let reader = RpcChain::connect(
            &anvil.url,
            PrivateKeySigner::random(),
            RpcOptions::default(),
        )
        .await
        .unwrap();
        reader
            .attach(kiln_chain::Deployment {
                chain_id: kiln_testkit::ANVIL_CHAIN_ID,
                address: contract,
                block: 0,
            })
            .await
            .unwrap();
        reader.token(minted).await.unwrap()
    })
    .expect("the client's token is on the node");
    assert_eq!(record.owner, address, "minted by another key");
    let metadata = kiln_ipfs::raw_cid_of_sha256(record.metadata_sha256.0);
    assert!(
        block_on(node.client().is_pinned(&metadata)).unwrap(),
        "the IPFS node from the settings does not hold the minted metadata"
    );
    assert!(
        block_on(node.client().is_pinned(&weights_cid)).unwrap(),
        "the IPFS node does not hold the weights the item names"
    );

    // A node of another chain is refused, with the reason where the top bar shows it.
    let mut wrong = App::new();
    wrong.add_plugins(MinimalPlugins).add_plugins(ChainPlugin {
        data_dir: data.clone(),
        network: kiln::NetworkSetting::Rpc {
            url: anvil.url.clone(),
            chain_id: 1,
            contract: Some(contract),
        },
        gateways: None,
        publish: Default::default(),
    });
    run_until(&mut wrong, "the refusal", |app| {
        app.world().resource::<kiln::WorldTokens>().error.is_some()
    });
    let error = wrong
        .world()
        .resource::<kiln::WorldTokens>()
        .error
        .clone()
        .unwrap();
    assert!(error.contains('1') && error.contains("31337"), "{error}");
}
