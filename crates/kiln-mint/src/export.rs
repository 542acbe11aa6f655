//! An item's three files from a generated mesh: the GLB, its thumbnail, and the canonical
//! metadata that names both by CID. The CLI's `export`, the outbox's exported step and the
//! client's Mint button all make them here, so an item is the same bytes whoever made it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use web_time::Instant;

use kiln_asset::metadata::{ItemFacts, MAX_JSON_INTEGER, ObjectRecord};
use kiln_asset::{ItemMetadata, ItemUri, Sha256Hex};
use kiln_chain::{Address, B256};
use kiln_gen::{GenerateOptions, Generated, Mesh};
use kiln_ipfs::{Blockstore, Cid, ImportProfile, file_cid};
use serde::{Deserialize, Serialize};

/// The model, as the pipeline runs it: to make an item's files again on resume, and to check a
/// token's mesh in verification.
pub trait Generate {
    /// sha256 of the weights it runs, in hex.
    fn weights_sha256(&self) -> String;

    /// Runs the model on `prompt` with `seed` and an item's `options` (its triangle budget and
    /// shading, [`GenerateOptions::for_item`]).
    fn generate(
        &self,
        prompt: &str,
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<Generated, String>;

    /// The generator running the weights whose sha256 is `sha256`, where this one can find
    /// them (an item made with earlier weights names them, and Kiln keeps them): what
    /// verification and resuming use when an item's weights are not the running ones. `None`
    /// where they are not to be found.
    fn with_weights(&self, sha256: &str) -> Option<Box<dyn Generate + '_>> {
        let _ = sha256;
        None
    }
}

/// The generator on the CPU holding weights of its own, as [`Generate`]: what verification runs
/// for weights fetched by their CID, what a browser tab verifies with, and how a client runs
/// earlier weights it keeps. Clones share the network.
#[derive(Clone)]
pub struct CpuModel(std::sync::Arc<kiln_gen::CpuGenerator>);

impl CpuModel {
    pub fn new(weights: &kiln_gen::Weights) -> Result<Self, kiln_gen::WeightsError> {
        let generator = kiln_gen::CpuGenerator::new(weights, Default::default())?;
        Ok(Self(std::sync::Arc::new(generator)))
    }
}

impl Generate for CpuModel {
    fn weights_sha256(&self) -> String {
        self.0.weights_sha256().to_owned()
    }

    fn generate(
        &self,
        prompt: &str,
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<Generated, String> {
        self.0
            .generate(prompt, seed, options)
            .map_err(|error| error.to_string())
    }
}

/// Everything an item's files are made from: with the same weights, the same recipe gives the
/// same files, which is what lets the outbox write an item down before its files exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    pub prompt: String,
    pub seed: u64,
    /// The height to stand the object at, in metres; `None`: the prompt's own.
    pub height: Option<f32>,
    /// How the files are cut into IPFS blocks (recorded in the metadata).
    #[serde(with = "profile_text")]
    pub profile: ImportProfile,
    /// A web page for the item (OpenSea's `external_url`), as given; normalised into the
    /// metadata.
    pub external_url: Option<String>,
    /// The metadata's creation time, seconds since 1970: fixed here so that files made again
    /// after a crash are byte-identical to the first ones.
    pub created_unix: i64,
    /// sha256 of the weights the item is generated with, in hex.
    pub weights_sha256: String,
    /// The CID of that weights file under `profile`, where the creator stored it
    /// ([`store_weights`]): the metadata names it, so that a verifier without Kiln's files can
    /// fetch the exact weights. `None` for recipes written before weights were published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_cid: Option<String>,
    /// The triangle budget the creator chose (`None`: the generator's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_triangles: Option<u64>,
    /// Flat-shaded faces, as the creator chose.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub flat: bool,
    /// The account that will mint the item: the metadata names it, and a token minted by any
    /// other account is told apart as a copy. `None` for recipes written before contract v2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<Address>,
}

/// The CID of a weights file under `profile`: the address new items' metadata names.
pub fn weights_cid(weights: &[u8], profile: ImportProfile) -> Result<Cid, ExportError> {
    file_cid(weights, profile)
        .map(|file| file.root)
        .map_err(|error| ExportError::Cid(error.to_string()))
}

/// Adds the weights file to the blockstore, pinned, and returns its CID under `profile` (the
/// published step puts it on the IPFS node beside the files of the items that name it).
pub fn store_weights(
    store: &mut Blockstore,
    weights: &[u8],
    profile: ImportProfile,
) -> Result<Cid, ExportError> {
    let name = format!("kiln-gen weights {}", Sha256Hex::of(weights));
    Ok(store.add_file_pinned(weights, profile, &name)?.root)
}

mod profile_text {
    use kiln_ipfs::ImportProfile;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(profile: &ImportProfile, out: S) -> Result<S::Ok, S::Error> {
        out.collect_str(profile)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<ImportProfile, D::Error> {
        String::deserialize(input)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Why an item's files could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "seed {0} is above {MAX_JSON_INTEGER}, the largest a JSON number holds exactly; pick a smaller seed"
    )]
    SeedTooLarge(u64),
    #[error("the height must be between 0.01 and 1000 metres, not {0}")]
    Height(f32),
    #[error(
        "the triangle budget must be between {fewest} and {most} (what other players' clients draw), not {budget}",
        fewest = Recipe::FEWEST_TRIANGLES,
        most = kiln_asset::Limits::default().triangles
    )]
    MaxTriangles { budget: u64 },
    #[error("the external URL {url:?} cannot be used: {reason}")]
    ExternalUrl { url: String, reason: String },
    #[error("the item's metadata cannot be made: {0}")]
    Metadata(#[from] kiln_asset::MetadataError),
    #[error("{0}")]
    Cid(String),
    #[error("the model failed: {0}")]
    Generate(String),
    #[error(
        "the item was made with weights {recorded}, but this Kiln runs {running}: its files cannot be made again here"
    )]
    OtherWeights { recorded: String, running: String },
    #[error("cannot write {path}: {detail}; is the disk full? Nothing was changed")]
    Write { path: PathBuf, detail: String },
    #[error("the local blockstore failed: {0}")]
    Store(#[from] kiln_ipfs::StoreError),
    #[error("the blockstore computed {stored} for {file}, not {expected}")]
    StoredCid {
        file: &'static str,
        stored: Box<Cid>,
        expected: Box<Cid>,
    },
}

impl Recipe {
    /// The block profile of [`Recipe::new`].
    pub const DEFAULT_PROFILE: ImportProfile = ImportProfile::Legacy;
    /// The smallest triangle budget an item may choose (a few boxes' worth).
    pub const FEWEST_TRIANGLES: u64 = 100;

    /// A recipe with the defaults `kiln-cli create` and the client use: the prompt's height,
    /// the legacy block profile, no external URL, no published weights.
    pub fn new(prompt: &str, seed: u64, weights_sha256: &str, created_unix: i64) -> Self {
        Self {
            prompt: prompt.to_owned(),
            seed,
            height: None,
            profile: Self::DEFAULT_PROFILE,
            external_url: None,
            created_unix,
            weights_sha256: weights_sha256.to_owned(),
            weights_cid: None,
            max_triangles: None,
            flat: false,
            creator: None,
        }
    }

    /// What the generator is given for this item beside prompt and seed.
    pub fn options(&self) -> GenerateOptions {
        GenerateOptions::for_item(self.max_triangles, self.flat)
    }

    /// Refuses what cannot become valid metadata, before anything runs.
    pub fn check(&self) -> Result<(), ExportError> {
        if self.seed > MAX_JSON_INTEGER {
            return Err(ExportError::SeedTooLarge(self.seed));
        }
        if let Some(height) = self.height
            && !(height.is_finite() && (0.01..=1000.0).contains(&height))
        {
            return Err(ExportError::Height(height));
        }
        if let Some(budget) = self.max_triangles
            && !(Self::FEWEST_TRIANGLES..=kiln_asset::Limits::default().triangles as u64)
                .contains(&budget)
        {
            return Err(ExportError::MaxTriangles { budget });
        }
        if let Some(url) = &self.external_url {
            ItemUri::normalise(url).map_err(|error| ExportError::ExternalUrl {
                url: url.clone(),
                reason: error.to_string(),
            })?;
        }
        Ok(())
    }
}

/// Where the time of [`ItemFiles::make`] went (what `kiln-cli bench mint` reports).
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportTimings {
    pub glb: Duration,
    pub thumbnail_render: Duration,
    pub thumbnail_png: Duration,
    pub cids: Duration,
    pub metadata: Duration,
}

/// An item's three files, in memory, with their CIDs.
#[derive(Debug, Clone)]
pub struct ItemFiles {
    /// The item's name, from its parsed prompt ("a tall red chair").
    pub name: String,
    pub glb: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub metadata_json: Vec<u8>,
    pub metadata: ItemMetadata,
    pub glb_cid: Cid,
    pub thumbnail_cid: Cid,
    pub metadata_cid: Cid,
    pub vertices: usize,
    pub triangles: usize,
    pub timings: ExportTimings,
}

/// The names the three files have in an item's folder.
pub const GLB_FILE: &str = "model.glb";
pub const THUMBNAIL_FILE: &str = "thumbnail.png";
pub const METADATA_FILE: &str = "metadata.json";

impl ItemFiles {
    /// Makes the files of `generated`, the output of `recipe`'s prompt and seed.
    pub fn make(recipe: &Recipe, generated: &Generated) -> Result<Self, ExportError> {
        recipe.check()?;
        let mut timings = ExportTimings::default();
        let mut lap = Instant::now();
        let mut took = |slot: &mut Duration| {
            *slot += lap.elapsed();
            lap = Instant::now();
        };
        let name = generated.model_prompt.clone();
        let (mesh, glb) = stood_glb(generated, recipe.height);
        took(&mut timings.glb);
        let picture = kiln_asset::render_thumbnail(&mesh, kiln_asset::THUMBNAIL_SIZE);
        took(&mut timings.thumbnail_render);
        let thumbnail = kiln_asset::encode_png(&picture);
        took(&mut timings.thumbnail_png);
        let cid_of = |bytes: &[u8]| {
            file_cid(bytes, recipe.profile)
                .map(|file| file.root)
                .map_err(|error| ExportError::Cid(error.to_string()))
        };
        let glb_cid = cid_of(&glb)?;
        let thumbnail_cid = cid_of(&thumbnail)?;
        took(&mut timings.cids);
        let external_url = recipe
            .external_url
            .as_deref()
            .map(|url| {
                ItemUri::normalise(url)
                    .map(|(uri, _)| uri)
                    .map_err(|error| ExportError::ExternalUrl {
                        url: url.to_owned(),
                        reason: error.to_string(),
                    })
            })
            .transpose()?;
        let weights_sha256 = recipe.weights_sha256.parse::<Sha256Hex>().map_err(|_| {
            ExportError::Generate(format!(
                "{:?} is not a sha256 of weights",
                recipe.weights_sha256
            ))
        })?;
        let weights_cid = recipe
            .weights_cid
            .as_deref()
            .map(|text| {
                Cid::try_from(text)
                    .map_err(|error| ExportError::Cid(format!("weights CID {text:?}: {error}")))
            })
            .transpose()?;
        let creator = recipe.creator.map(|creator| creator.to_checksum(None));
        let metadata = ItemMetadata::for_item(&ItemFacts {
            prompt: &recipe.prompt,
            seed: recipe.seed,
            description: &generated.description,
            model_prompt: &generated.model_prompt,
            reading: &generated.reading,
            objects: &generated.objects,
            generator_version: env!("CARGO_PKG_VERSION"),
            weights_sha256,
            weights_cid,
            max_triangles: recipe.max_triangles,
            flat: recipe.flat,
            creator: creator.as_deref(),
            glb: &glb,
            vertices: mesh.vertex_count(),
            triangles: mesh.triangle_count(),
            bounds: mesh.bounds(),
            created_unix: recipe.created_unix,
            ipfs_profile: recipe.profile,
            glb_uri: ItemUri::ipfs(glb_cid),
            image_uri: ItemUri::ipfs(thumbnail_cid),
            external_url,
        })?;
        let metadata_json = metadata.to_canonical_json();
        let metadata_cid = cid_of(&metadata_json)?;
        took(&mut timings.metadata);
        Ok(Self {
            name,
            glb,
            thumbnail,
            metadata_json,
            metadata,
            glb_cid,
            thumbnail_cid,
            metadata_cid,
            vertices: mesh.vertex_count(),
            triangles: mesh.triangle_count(),
            timings,
        })
    }

    /// Runs `generator` on the recipe and makes the files: what resuming an item that was
    /// written down before its files were made does.
    pub fn regenerate(recipe: &Recipe, generator: &dyn Generate) -> Result<Self, ExportError> {
        let running = generator.weights_sha256();
        let recorded;
        let generator = if running == recipe.weights_sha256 {
            generator
        } else {
            recorded = generator
                .with_weights(&recipe.weights_sha256)
                .ok_or_else(|| ExportError::OtherWeights {
                    recorded: recipe.weights_sha256.clone(),
                    running,
                })?;
            recorded.as_ref()
        };
        let generated = generator
            .generate(&recipe.prompt, recipe.seed, &recipe.options())
            .map_err(ExportError::Generate)?;
        Self::make(recipe, &generated)
    }

    pub fn glb_sha256(&self) -> B256 {
        B256::from(Sha256Hex::of(&self.glb).0)
    }

    pub fn metadata_sha256(&self) -> B256 {
        B256::from(Sha256Hex::of(&self.metadata_json).0)
    }

    /// The three files with their names, the metadata last.
    pub fn files(&self) -> [(&'static str, &[u8], Cid); 3] {
        [
            (GLB_FILE, &self.glb, self.glb_cid),
            (THUMBNAIL_FILE, &self.thumbnail, self.thumbnail_cid),
            (METADATA_FILE, &self.metadata_json, self.metadata_cid),
        ]
    }

    /// Writes the three files into `dir` (created if missing), all or none.
    pub fn write(&self, dir: &Path) -> Result<(), ExportError> {
        crate::files::create_dir_all(dir).map_err(|error| ExportError::Write {
            path: dir.to_owned(),
            detail: error.to_string(),
        })?;
        let paths = self.files().map(|(name, bytes, _)| (dir.join(name), bytes));
        let files: Vec<(&Path, &[u8])> = paths
            .iter()
            .map(|(path, bytes)| (path.as_path(), *bytes))
            .collect();
        write_all_or_none(&files)
    }

    /// Adds the three files to the blockstore, pinned, and checks that it computed our CIDs.
    pub fn store(&self, store: &mut Blockstore) -> Result<(), ExportError> {
        for (file, bytes, cid) in self.files() {
            let stored = store
                .add_file_pinned(bytes, self.profile(), &format!("{}: {file}", self.name))?
                .root;
            if stored != cid {
                return Err(ExportError::StoredCid {
                    file,
                    stored: Box::new(stored),
                    expected: Box::new(cid),
                });
            }
        }
        Ok(())
    }

    fn profile(&self) -> ImportProfile {
        self.metadata
            .kiln
            .as_ref()
            .and_then(|kiln| kiln.ipfs_profile.parse().ok())
            .unwrap_or_default()
    }
}

/// Writes several files all or none: each goes to a temporary file beside its target first
/// (written and synced), and only when every one of them made it are they renamed into place,
/// in the order given (a reader that sees the last sees the ones before it). A full disk leaves
/// the targets as they were, and no temporary file.
pub fn write_all_or_none(files: &[(&Path, &[u8])]) -> Result<(), ExportError> {
    let failed = |path: &Path, error: std::io::Error| ExportError::Write {
        path: path.to_owned(),
        detail: error.to_string(),
    };
    #[cfg(target_arch = "wasm32")]
    {
        // A browser tab's files are rows of one database: one transaction is all or none.
        crate::files::write_all_in_browser(files)
            .map_err(|error| failed(files.first().map_or(Path::new(""), |(path, _)| path), error))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::io::Write;
        let mut staged = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            let folder = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            let mut temporary =
                tempfile::NamedTempFile::new_in(folder).map_err(|error| failed(folder, error))?;
            temporary
                .write_all(bytes)
                .and_then(|()| temporary.as_file().sync_all())
                .map_err(|error| failed(path, error))?;
            staged.push((temporary, *path));
        }
        for (temporary, path) in staged {
            temporary
                .persist(path)
                .map_err(|error| failed(path, error.error))?;
        }
        Ok(())
    }
}

/// The mesh and GLB of an item named `name`: `mesh` alone, or for an item of several objects
/// each of `objects` (its prompt and mesh, in the item's space) as a node of its own, `mesh`
/// being them all. Stood at `height` metres when given. Returns the whole, the objects as they
/// stand, and the GLB.
fn item_glb(
    name: &str,
    mut mesh: Mesh,
    objects: Vec<(&str, Mesh)>,
    height: Option<f32>,
) -> (Mesh, Vec<Mesh>, Vec<u8>) {
    if objects.is_empty() {
        if height.is_some() {
            mesh.stand_on_ground(height);
        }
        let glb = kiln_asset::write_glb(&mesh, name);
        return (mesh, Vec::new(), glb);
    }
    let (names, mut meshes): (Vec<&str>, Vec<Mesh>) = objects.into_iter().unzip();
    if height.is_some() {
        mesh = kiln_gen::compose::stand_objects_on_ground(&mut meshes, height);
    }
    let named: Vec<(&str, &Mesh)> = names.into_iter().zip(&meshes).collect();
    let glb = kiln_asset::write_glb_objects(name, &named);
    (mesh, meshes, glb)
}

/// The mesh and GLB of `generated`, stood at `height` metres when given.
fn stood_glb(generated: &Generated, height: Option<f32>) -> (Mesh, Vec<u8>) {
    let objects = generated
        .objects
        .iter()
        .map(|object| (object.prompt.as_str(), object.mesh.clone()))
        .collect();
    let (mesh, _, glb) = item_glb(
        &generated.model_prompt,
        generated.mesh.clone(),
        objects,
        height,
    );
    (mesh, glb)
}

/// The GLB of `generated` as it stands: a node per object for an item of several.
pub fn generated_glb(generated: &Generated) -> Vec<u8> {
    stood_glb(generated, None).1
}

/// Items stand at their prompt's height unless exported with another; the metadata records the
/// height to a tenth of a millimetre. The height to stand a regenerated `mesh` at, if not its
/// own.
fn other_height(mesh: &Mesh, height: f32) -> Option<f32> {
    let (min, max) = mesh.bounds();
    (((max[1] - min[1]) - height).abs() > 2e-4).then_some(height)
}

/// The GLB `generator` makes for `prompt`, `seed` and `options`, standing `height` metres tall
/// (how verification compares a token's mesh with the model's).
pub fn regenerate_glb(
    generator: &dyn Generate,
    prompt: &str,
    seed: u64,
    options: &GenerateOptions,
    height: f32,
) -> Result<Vec<u8>, String> {
    let generated = generator.generate(prompt, seed, options)?;
    Ok(stood_glb(&generated, other_height(&generated.mesh, height)).1)
}

/// An item of several objects made again.
pub struct RemadeObjects {
    pub glb: Vec<u8>,
    /// Each object's mesh as placed, with the index of the object it stands on: for checking
    /// that nothing floats or intersects.
    pub placed: Vec<(Mesh, Option<usize>)>,
}

/// The GLB of an item of several objects, each made again from its recorded prompt and seed
/// with its share of the triangle budget and set at its recorded place; `name` is the item's.
pub fn regenerate_objects_glb(
    generator: &dyn Generate,
    name: &str,
    objects: &[ObjectRecord],
    options: &GenerateOptions,
    height: f32,
) -> Result<RemadeObjects, String> {
    if objects.len() > kiln_gen::prompt::MAX_OBJECTS as usize {
        return Err(format!(
            "the metadata lists {} objects; an item holds at most {}",
            objects.len(),
            kiln_gen::prompt::MAX_OBJECTS
        ));
    }
    let each = GenerateOptions {
        max_triangles: kiln_gen::compose::triangles_each(options.max_triangles, objects.len()),
        ..*options
    };
    let mut made = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        let rests_on = match object.rests_on {
            Some(below) if below as usize >= objects.len() || below as usize == index => {
                return Err(format!(
                    "object {index} stands on object {below}, which the item does not have"
                ));
            }
            below => below.map(|below| below as usize),
        };
        if object
            .position
            .iter()
            .any(|value| !value.is_finite() || value.abs() > 1e4)
        {
            return Err(format!(
                "object {index} stands at {:?}, not a place in an item",
                object.position
            ));
        }
        let generated = generator
            .generate(&object.prompt, object.seed, &each)
            .map_err(|error| format!("object {index} (\"{}\"): {error}", object.prompt))?;
        if !generated.objects.is_empty() {
            return Err(format!(
                "object {index}'s prompt \"{}\" names several objects; each object names one",
                object.prompt
            ));
        }
        let mut mesh = generated.mesh;
        if object.lying {
            kiln_gen::compose::lay_down(&mut mesh);
        }
        let mesh = kiln_gen::compose::translated(mesh, object.position_f32());
        made.push((object.prompt.as_str(), mesh, rests_on));
    }
    let whole = kiln_gen::compose::merge(made.iter().map(|(_, mesh, _)| mesh));
    let height = other_height(&whole, height);
    let rests: Vec<Option<usize>> = made.iter().map(|(_, _, rests_on)| *rests_on).collect();
    let objects = made
        .into_iter()
        .map(|(prompt, mesh, _)| (prompt, mesh))
        .collect();
    let (_, stood, glb) = item_glb(name, whole, objects, height);
    let placed = stood.into_iter().zip(rests).collect();
    Ok(RemadeObjects { glb, placed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recipe_survives_the_outbox_as_json_and_refuses_what_metadata_cannot_hold() {
        let mut recipe = Recipe::new("a red chair", 7, &"ab".repeat(32), 1_700_000_000);
        recipe.profile = ImportProfile::V1_2025;
        recipe.height = Some(1.5);
        let text = serde_json::to_string(&recipe).unwrap();
        assert!(text.contains("\"profile\":\"v1-2025\""), "{text}");
        assert_eq!(serde_json::from_str::<Recipe>(&text).unwrap(), recipe);
        recipe.check().unwrap();
        // Recipes written before weights were published have no CID, and read back.
        assert!(!text.contains("weights_cid"), "{text}");

        recipe.seed = MAX_JSON_INTEGER + 1;
        assert!(matches!(recipe.check(), Err(ExportError::SeedTooLarge(_))));
        recipe.seed = 7;
        recipe.height = Some(0.0);
        assert!(matches!(recipe.check(), Err(ExportError::Height(_))));
        recipe.height = Some(f32::NAN);
        assert!(matches!(recipe.check(), Err(ExportError::Height(_))));
        recipe.height = None;
        recipe.max_triangles = Some(2000);
        recipe.flat = true;
        recipe.check().unwrap();
        let text = serde_json::to_string(&recipe).unwrap();
        assert_eq!(serde_json::from_str::<Recipe>(&text).unwrap(), recipe);
        assert_eq!(recipe.options().max_triangles, 2000);
        assert!(recipe.options().flat);
        recipe.max_triangles = Some(10);
        assert!(matches!(
            recipe.check(),
            Err(ExportError::MaxTriangles { budget: 10 })
        ));
    }

    #[test]
    fn files_are_written_all_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("a");
        std::fs::write(&first, b"old").unwrap();
        let missing_folder = dir.path().join("no/such/folder/b");
        let error = write_all_or_none(&[(&first, b"new"), (&missing_folder, b"x")]).unwrap_err();
        assert!(matches!(error, ExportError::Write { .. }), "{error}");
        assert_eq!(std::fs::read(&first).unwrap(), b"old", "a file was changed");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "a temporary file was left behind");

        write_all_or_none(&[(&first, b"new")]).unwrap();
        assert_eq!(std::fs::read(&first).unwrap(), b"new");
    }
}
