//! Every GLB we write passes the Khronos glTF validator with no errors and no warnings.

use std::path::Path;
use std::process::Command;

use kiln_gen::mesher::{MeshOptions, mesh_field};
use kiln_gen::shapes::sample_shape;
use kiln_gen::{Mesh, parse};

/// A realistic mesh without a trained model: a procedural object through the real mesher.
pub fn object(prompt: &str, seed: u64) -> Mesh {
    let shape = sample_shape(&parse(prompt).unwrap().description, seed);
    let field = shape.sample_field(&shape.unit_frame(), 40);
    mesh_field(&field, &MeshOptions::default()).unwrap()
}

fn validate(files: &[&Path]) -> Vec<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/gltf-validator");
    let output = Command::new("bash")
        .arg(script)
        .args(files)
        .output()
        .expect("bash runs scripts/gltf-validator");
    assert!(
        output.status.success(),
        "the validator did not run: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn generated_items_validate_without_errors_or_warnings() {
    let folder = tempfile::tempdir().unwrap();
    let prompts = [
        "a tall red chair with gold legs",
        "a green glass bottle with a wooden cap",
        "a huge crystal tower with a blue roof",
        "a blocky stone house",
        "a sword with a gold hilt",
        "a round white mushroom with red spots",
    ];
    let paths: Vec<_> = prompts
        .iter()
        .enumerate()
        .map(|(i, prompt)| {
            let path = folder.path().join(format!("item-{i}.glb"));
            std::fs::write(
                &path,
                kiln_asset::write_glb(&object(prompt, i as u64), prompt),
            )
            .unwrap();
            path
        })
        .collect();
    // An item of several objects: a node per object under the item's, materials shared.
    let table = object("a table", 1);
    let cup = kiln_gen::compose::translated(object("a cup", 2), [0.0, 0.75, 0.0]);
    let composed = folder.path().join("composed.glb");
    std::fs::write(
        &composed,
        kiln_asset::write_glb_objects(
            "a table, a cup on it",
            &[("a table", &table), ("a cup", &cup)],
        ),
    )
    .unwrap();
    let mut paths = paths;
    paths.push(composed);
    let reports = validate(&paths.iter().map(|p| p.as_path()).collect::<Vec<_>>());
    assert_eq!(reports.len(), prompts.len() + 1);
    for report in reports {
        assert_eq!(report["errors"], 0, "{report:#}");
        assert_eq!(report["warnings"], 0, "{report:#}");
    }
}

#[test]
fn the_glb_names_the_item_and_the_generator() {
    let glb = kiln_asset::write_glb(&object("a cup", 1), "a cup");
    assert_eq!(&glb[..4], b"glTF");
    let json_length = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    let json: serde_json::Value = serde_json::from_slice(&glb[20..20 + json_length]).unwrap();
    assert_eq!(
        json["asset"]["generator"],
        format!("Kiln {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(json["nodes"][0]["name"], "a cup");
    assert_eq!(json["asset"]["version"], "2.0");
    assert_eq!(
        u32::from_le_bytes(glb[8..12].try_into().unwrap()) as usize,
        glb.len()
    );
}

#[test]
fn the_positions_read_back_are_the_ones_written() {
    let mesh = object("a tall red chair with gold legs", 3);
    let glb = kiln_asset::write_glb(&mesh, "chair");
    let read = kiln_asset::glb_positions(&glb, &kiln_asset::Limits::default()).unwrap();
    assert_eq!(read, mesh.positions);
    let mut truncated = glb.clone();
    truncated.truncate(glb.len() / 2);
    assert!(kiln_asset::glb_positions(&truncated, &kiln_asset::Limits::default()).is_err());
}
