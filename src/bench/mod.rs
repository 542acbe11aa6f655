//! `kiln --bench-world N`: the frame time of the world with 0, N/10 and N items standing in it,
//! measured in one run on whatever renders (a GPU, or lavapipe on the CPU), printed as a table
//! of ratios to the empty world. The items are eight kinds of object from the procedural
//! shapes, each drawn as the world draws items: one mesh per material, full detail near and a
//! simplified mesh far, identical meshes batched by Bevy.

use std::time::Duration;

use bevy::prelude::*;
use kiln_gen::mesher::{MeshOptions, mesh_field};

use crate::items::{ItemMaterials, ItemPart, bevy_mesh, distant_version, spawn_detailed};
use crate::screenshot::WaitingPipelines;

pub struct BenchWorldPlugin {
    pub items: usize,
}

impl Plugin for BenchWorldPlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<crate::screenshot::PipelineWatchPlugin>() {
            app.add_plugins(crate::screenshot::PipelineWatchPlugin);
        }
        let mut counts = vec![0, self.items / 10, self.items];
        counts.dedup();
        app.insert_resource(Bench {
            counts,
            largest: self.items,
            phase: 0,
            spawned: 0,
            warm: 0,
            samples: Vec::new(),
            results: Vec::new(),
            kinds: Vec::new(),
        })
        .add_systems(Startup, make_kinds)
        .add_systems(Last, run_bench);
    }
}

/// Frames to let pass after the scene changed before measuring.
const WARM_FRAMES: u32 = 8;
/// Frames measured per item count.
const MEASURED_FRAMES: usize = 24;
/// Metres between neighbouring items.
const SPACING: f32 = 6.0;

const KINDS: [&str; 8] = [
    "a red mushroom",
    "a green pine",
    "a stone tower",
    "a wooden chair",
    "a blue vase",
    "a gold crown",
    "a wooden barrel",
    "a grey rock",
];

struct Kind {
    parts: Vec<ItemPart>,
    distant_parts: Vec<ItemPart>,
    height: f32,
    triangles: usize,
}

#[derive(Resource)]
struct Bench {
    counts: Vec<usize>,
    largest: usize,
    phase: usize,
    spawned: usize,
    warm: u32,
    samples: Vec<Duration>,
    /// Items, triangles at full detail, mean frame time.
    results: Vec<(usize, usize, Duration)>,
    kinds: Vec<Kind>,
}

fn make_kinds(mut bench: ResMut<Bench>, mut meshes: ResMut<Assets<Mesh>>) {
    for (seed, prompt) in KINDS.iter().enumerate() {
        let Ok(parsed) = kiln_gen::parse(prompt) else {
            continue;
        };
        let shape = kiln_gen::shapes::sample_shape(&parsed.description, seed as u64);
        let Ok(mut mesh) = mesh_field(
            &shape.sample_field(&shape.unit_frame(), 48),
            &MeshOptions::default(),
        ) else {
            continue;
        };
        mesh.stand_on_ground(Some(parsed.description.height_metres()));
        let distant = distant_version(&mesh);
        let mut parts = |mesh: &kiln_gen::Mesh| -> Vec<ItemPart> {
            mesh.primitives
                .iter()
                .map(|primitive| ItemPart {
                    mesh: meshes.add(bevy_mesh(mesh, &primitive.indices)),
                    material: primitive.material,
                })
                .collect()
        };
        let kind = Kind {
            parts: parts(&mesh),
            distant_parts: parts(&distant),
            height: parsed.description.height_metres(),
            triangles: mesh.triangle_count(),
        };
        bench.kinds.push(kind);
    }
}

fn run_bench(
    mut commands: Commands,
    mut bench: ResMut<Bench>,
    time: Res<Time<Real>>,
    waiting: Res<WaitingPipelines>,
    materials: Res<ItemMaterials>,
    clock: Res<Time>,
    mut exit: MessageWriter<AppExit>,
) {
    if bench.kinds.is_empty() {
        return;
    }
    let Some(&target) = bench.counts.get(bench.phase) else {
        return;
    };
    if bench.spawned < target {
        let side = (bench.largest as f32).sqrt().ceil().max(1.0) as usize;
        for index in bench.spawned..target {
            let kind = &bench.kinds[index % bench.kinds.len()];
            let (column, row) = (index % side, index / side);
            let position = Vec3::new(
                (column as f32 - side as f32 / 2.0) * SPACING,
                0.0,
                (row as f32 - side as f32 / 2.0) * SPACING,
            );
            let entity = commands
                .spawn((
                    Transform::from_translation(position)
                        .with_rotation(Quat::from_rotation_y(index as f32 * 0.65)),
                    Visibility::default(),
                ))
                .id();
            spawn_detailed(
                &mut commands,
                entity,
                [&kind.parts, &kind.distant_parts],
                kind.height,
                &materials,
                clock.elapsed_secs_wrapped(),
            );
        }
        bench.spawned = target;
        bench.warm = 0;
        bench.samples.clear();
        return;
    }
    if bench.warm < WARM_FRAMES || waiting.count() > 0 {
        bench.warm += 1;
        return;
    }
    bench.samples.push(time.delta());
    if bench.samples.len() < MEASURED_FRAMES {
        return;
    }
    let mean = bench.samples.iter().sum::<Duration>() / bench.samples.len() as u32;
    let triangles: usize = (0..target)
        .map(|index| bench.kinds[index % bench.kinds.len()].triangles)
        .sum();
    bench.results.push((target, triangles, mean));
    bench.phase += 1;
    if bench.phase == bench.counts.len() {
        print_table(&bench.results);
        exit.write(AppExit::Success);
    }
}

fn print_table(results: &[(usize, usize, Duration)]) {
    let empty = results
        .first()
        .map_or(1.0, |(_, _, mean)| mean.as_secs_f64());
    println!("| items | triangles at full detail | mean frame time | ratio to the empty world |");
    println!("| --- | --- | --- | --- |");
    for (items, triangles, mean) in results {
        println!(
            "| {items} | {triangles} | {:.1} ms | {:.2} |",
            mean.as_secs_f64() * 1000.0,
            mean.as_secs_f64() / empty
        );
    }
}
