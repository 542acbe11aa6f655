//! Text to 3D: vocabulary, procedural training data, the burn models, training, evaluation and
//! the meshers that turn a model's output into a closed coloured mesh. No Bevy here.
//!
//! - [`vocab`]: the words Kiln understands (categories, colours, materials, sizes, parts).
//! - [`meaning`]: what an English word means: the word table distilled from a sentence encoder,
//!   and colour names.
//! - [`reading`]: each word of a prompt → the nearest concept Kiln knows, with its similarity.
//! - [`prompt`]: free text → [`Description`], with every word read or reported, and the objects
//!   a prompt names with where each stands.
//! - [`compose`]: an item of several objects: one seed and one model run per object, merged.
//! - [`layout`]: where those objects stand (on top, side by side, in a ring), and the check that
//!   nothing floats or intersects.
//! - [`reading_eval`]: how well prompts in words outside the vocabulary are read.
//! - [`shapes`]: procedural objects for training data and ground truth (never used to generate).
//! - [`data`]: random descriptions, captions in many phrasings, the held-out combinations.
//! - [`model`]: the networks (burn), their weights file and the [`Generator`]: prompt → mesh.
//! - [`assembly`]: an object as placed primitives (what the part generator predicts), meshed
//!   primitive by primitive.
//! - [`train`]: training from scratch on generated data, resumable.
//! - [`eval`]: how well the model follows prompts, against procedural ground truth.
//! - [`mesher`]: a decoded [`Field`] → [`Mesh`] (the field generator's), by marching cubes.
//! - [`mesh`]: [`Mesh`], the one mesh type of the workspace.

pub mod assembly;
pub mod compose;
pub mod data;
pub mod eval;
pub mod layout;
pub mod meaning;
pub mod mesh;
pub mod mesher;
pub mod model;
pub mod prompt;
pub mod reading;
pub mod reading_eval;
pub mod shapes;
mod simplify;
pub mod train;
pub mod vocab;

/// The CPU backend's random generator is one per process: a test that seeds it and draws from
/// it (initialising a network, training) holds this, so that tests running beside it do not
/// draw from its sequence.
#[cfg(test)]
pub(crate) fn seeded_backend() -> std::sync::MutexGuard<'static, ()> {
    static SEEDED: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SEEDED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub use assembly::{Assembly, AssemblyMeshError, PieceMeshOptions};
pub use mesh::{Mesh, MeshHealth, MeshPrimitive, Standing};
pub use mesher::{Field, MeshError, MeshOptions, mesh_field};
pub use model::{
    CpuGenerator, GenerateError, GenerateOptions, Generated, Generator, SHIPPED_WEIGHTS, Timings,
    Weights, WeightsError, find_weights, shipped_weights_path, source_models,
};
pub use prompt::{Description, ParsedPrompt, PartDescription, PromptError, parse};
pub use reading::{ReadBy, Reading, WordKind, WordReading};
