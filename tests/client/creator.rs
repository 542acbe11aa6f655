//! The creator flow, driven as a player would through `kiln --scenario`: prompt → generate →
//! mint → place → select → verify, headless under Xvfb on lavapipe; then the chain, the outbox
//! and the pictures are checked.

use bevy::prelude::*;
use kiln_chain::{Chain, Placement, Sandbox, TokenId};
use kiln_mint::{DataDir, Step};

use crate::screenshot::{describe, run_client};

/// Where the world point `point` appears in a `width`×`height` picture from the spawn view.
fn on_screen(point: Vec3, width: f32, height: f32) -> Vec2 {
    let view = Transform::from_translation(kiln::SPAWN_POSITION)
        .looking_at(kiln::SPAWN_LOOK_AT, Vec3::Y)
        .to_matrix()
        .inverse();
    let projection = Mat4::perspective_rh(60f32.to_radians(), width / height, 0.1, 2500.0);
    let clip = projection * view * point.extend(1.0);
    let ndc = clip.truncate() / clip.w;
    Vec2::new((ndc.x + 1.0) / 2.0 * width, (1.0 - ndc.y) / 2.0 * height)
}

/// Strongly red pixels within `radius` of `centre`.
fn red_pixels_near(picture: &image::RgbImage, centre: Vec2, radius: f32) -> usize {
    picture
        .enumerate_pixels()
        .filter(|(x, y, _)| Vec2::new(*x as f32, *y as f32).distance(centre) <= radius)
        .filter(|(_, _, p)| {
            let [r, g, b] = p.0.map(i32::from);
            r > g + 50 && r > b + 50
        })
        .count()
}

#[test]
fn a_scenario_takes_a_prompt_to_a_placed_item_that_everyone_sees() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let before = dir.path().join("before.png");
    let after = dir.path().join("after.png");
    let inspected = dir.path().join("inspected.png");
    let ghost = dir.path().join("ghost.png");
    let scenario = dir.path().join("create.toml");
    std::fs::write(
        &scenario,
        format!(
            r#"
[[action]]
type = "prompt"
text = "a huge red tower"
seed = 4
[[action]]
type = "generate"
[[action]]
type = "screenshot"
path = "{}"
[[action]]
type = "mint"
[[action]]
type = "place"
x = 0
z = 1
rotation = 45
[[action]]
type = "wait"
frames = 3
[[action]]
type = "screenshot"
path = "{}"
[[action]]
type = "select"
x = 0
z = 1
[[action]]
type = "verify"
[[action]]
type = "wait"
frames = 2
[[action]]
type = "screenshot"
path = "{}"
[[action]]
type = "gallery"
search = "red tower"
[[action]]
type = "aim"
x = 2
z = 1
[[action]]
type = "start_placing"
[[action]]
type = "screenshot"
path = "{}"
[[action]]
type = "confirm_placing"
"#,
            before.display(),
            after.display(),
            inspected.display(),
            ghost.display()
        ),
    )
    .unwrap();
    let output = run_client(
        &data,
        &[
            "--scenario",
            scenario.to_str().unwrap(),
            "--size",
            "640x360",
        ],
    );
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let token: TokenId = stdout
        .lines()
        .find_map(|line| line.strip_prefix("scenario: minted token "))
        .unwrap_or_else(|| panic!("no token reported: {stdout}"))
        .parse()
        .unwrap();
    // Verified from the inspector: every check passed, the model's re-run among them.
    for check in ["token", "metadata", "re-generated mesh"] {
        assert!(
            stdout.contains(&format!("scenario: ✔ {check}")),
            "no passed {check} check: {stdout}"
        );
    }
    assert!(inspected.is_file());

    // On the chain: minted, placed, then moved with the placement tool to the aimed plot (its
    // turn kept).
    let chain = Sandbox::open(&data).unwrap();
    let record = kiln_testkit::block_on(chain.token(token))
        .unwrap()
        .expect("the token is on the chain");
    assert_eq!(
        record.placement,
        Some(Placement {
            x: 2,
            z: 1,
            rotation: 45
        })
    );
    assert!(ghost.is_file());
    // In the outbox: one item, confirmed, its files pinned, and the weights file its metadata
    // names pinned beside them.
    let data_dir = DataDir::open(Some(data.clone())).unwrap();
    let items = data_dir.outbox().unwrap().all().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0].state, Step::Confirmed);
    assert_eq!(items[0].token_id, Some(token));
    let pins = data_dir.blockstore().unwrap().pins().unwrap();
    assert_eq!(pins.len(), 4, "{pins:?}");
    let weights = pins
        .iter()
        .find(|pin| pin.name.starts_with("kiln-gen weights"))
        .expect("the weights are pinned");
    let recipe = items[0].recipe.as_ref().expect("the item has its recipe");
    assert_eq!(recipe.weights_cid, Some(weights.cid.to_string()));

    // In the pictures: red tower pixels on its plot after, none before.
    let plot = kiln::PlotGrid::default().center_of(kiln::PlotCoord { x: 0, z: 1 });
    let (base, top) = (
        on_screen(plot, 640.0, 360.0),
        on_screen(plot + Vec3::Y * 8.0, 640.0, 360.0),
    );
    let centre = (base + top) / 2.0;
    let radius = base.distance(top) / 2.0 + 12.0;
    let before = image::open(&before).unwrap().to_rgb8();
    let after = image::open(&after).unwrap().to_rgb8();
    let (red_before, red_after) = (
        red_pixels_near(&before, centre, radius),
        red_pixels_near(&after, centre, radius),
    );
    assert!(
        red_after >= 20 && red_after > 4 * red_before.max(1),
        "around {centre} (radius {radius}): {red_before} red pixels before placing, {red_after} after"
    );
}

#[test]
fn a_scenario_that_cannot_run_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("bad.toml");
    std::fs::write(&scenario, "[[action]]\ntype = \"fly\"\n").unwrap();
    let output = run_client(
        &dir.path().join("data"),
        &["--scenario", scenario.to_str().unwrap()],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not valid") && stderr.contains("fly"),
        "{stderr}"
    );

    // Placing before anything was minted fails with the reason, not a hang.
    std::fs::write(&scenario, "[[action]]\ntype = \"place\"\nx = 0\nz = 0\n").unwrap();
    let output = run_client(
        &dir.path().join("data"),
        &[
            "--scenario",
            scenario.to_str().unwrap(),
            "--size",
            "320x180",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("nothing was minted"), "{stderr}");
}

#[test]
fn the_model_runs_on_the_renderers_device_and_what_it_makes_verifies_on_the_cpu() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let scenario = dir.path().join("gpu.toml");
    std::fs::write(
        &scenario,
        "[[action]]\ntype = \"prompt\"\ntext = \"a small blue vase\"\nseed = 2\n\
         [[action]]\ntype = \"generate\"\n[[action]]\ntype = \"mint\"\n",
    )
    .unwrap();
    // Forced onto the renderer's device even though lavapipe is a software adapter.
    let output = crate::screenshot::run_client_with(
        &data,
        &[
            "--scenario",
            scenario.to_str().unwrap(),
            "--size",
            "320x180",
        ],
        &[("KILN_MODEL_DEVICE", "gpu")],
    );
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("generated on GPU (wgpu, the renderer's device)"),
        "{stdout}"
    );
    let token: TokenId = stdout
        .lines()
        .find_map(|line| line.strip_prefix("scenario: minted token "))
        .unwrap()
        .parse()
        .unwrap();

    // Anyone verifies it with the model on a CPU: other bits, the same object.
    let weights = kiln_gen::Weights::read(&kiln_gen::shipped_weights_path().unwrap()).unwrap();
    // The shipped model on the CPU, as a verifier anywhere runs it.
    let model = kiln_mint::CpuModel::new(&weights).unwrap();
    let chain = Sandbox::open(&data).unwrap();
    let data_dir = DataDir::open(Some(data.clone())).unwrap();
    let mut store = data_dir.blockstore().unwrap();
    let mut content = kiln_mint::Content {
        store: &mut store,
        gateways: None,
    };
    let verification =
        kiln_testkit::block_on(kiln_mint::verify(token, &chain, &mut content, &model));
    assert!(verification.ok, "{verification:?}");
}
