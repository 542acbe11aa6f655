//! The one item metadata type: what wallets and marketplaces read (ERC-721 metadata JSON with
//! OpenSea's fields and Metaplex's `properties`) plus Kiln's provenance block, serialised as RFC
//! 8785 canonical JSON so the same item always has the same bytes, the same sha256 and the same
//! CID. [`ItemMetadata::from_foreign`] reads everybody else's.

mod foreign;
mod uri;

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::limits::{LimitError, Limits, check_json_shape};

pub use foreign::{ForeignOptions, Normalised, Warning, WarningKind};
pub use uri::{ItemUri, UriError, UriNote};

/// The media type of GLB files (RFC 9.0 of glTF 2.0).
pub const GLB_MEDIA_TYPE: &str = "model/gltf-binary";
/// The media type of thumbnails.
pub const PNG_MEDIA_TYPE: &str = "image/png";
/// Metaplex's `properties.category` for 3D assets.
pub const METAPLEX_VR: &str = "vr";
/// The thumbnail's background, as OpenSea's `background_color` wants it (hex, no '#').
pub const KILN_BACKGROUND: &str = "d9dcdf";
/// The largest integer a JSON number carries exactly (2⁵³ − 1): RFC 8785 numbers are IEEE
/// doubles, so seeds above it could not be written faithfully.
pub const MAX_JSON_INTEGER: u64 = (1 << 53) - 1;

/// An item's metadata document (`metadata.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemMetadata {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The picture wallets show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ItemUri>,
    /// The GLB, which OpenSea and others show as a 3D viewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub animation_url: Option<ItemUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_url: Option<ItemUri>,
    /// Six lowercase hex digits, no '#'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    #[serde(default, skip_serializing_if = "Properties::is_empty")]
    pub properties: Properties,
    /// Present on items Kiln made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiln: Option<Provenance>,
}

/// One OpenSea-style trait.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trait_type: Option<String>,
    pub value: AttributeValue,
    /// `number`, `boost_number`, `boost_percentage` or `date` (OpenSea's display types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<f64>,
}

/// A trait's value: text or a number (OpenSea reads no other kind).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttributeValue {
    Number(f64),
    Text(String),
}

impl fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttributeValue::Number(number) => write!(f, "{number}"),
            AttributeValue::Text(text) => f.write_str(text),
        }
    }
}

/// Metaplex's `properties`: the item's files with their media types, and its category.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Properties {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileRef>,
}

impl Properties {
    fn is_empty(&self) -> bool {
        self.category.is_none() && self.files.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    pub uri: ItemUri,
    #[serde(rename = "type")]
    pub media_type: String,
}

/// How a Kiln item was made: enough to make it again and to check it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The prompt exactly as the creator typed it.
    pub prompt: String,
    pub seed: u64,
    pub generator: GeneratorInfo,
    /// sha256 of `model.glb`.
    pub glb_sha256: Sha256Hex,
    pub vertices: u64,
    pub triangles: u64,
    /// In metres, +Y up, the object standing on y = 0.
    pub bounding_box: BoundingBox,
    /// RFC 3339, UTC, whole seconds.
    pub created: String,
    /// How the files were cut into IPFS blocks (`legacy` or `v1-2025`): the same bytes get
    /// other CIDs under another profile, so checking a CID needs it.
    pub ipfs_profile: String,
    /// The triangle budget the creator chose for the mesh (none: the generator's default), which
    /// verification gives the generator again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_triangles: Option<u64>,
    /// Whether the creator chose flat-shaded faces (a low-poly look).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub flat: bool,
    /// The account that mints the item (`0x` and 40 hex digits): the token's id binds it, and a
    /// token whose chain record names another creator is a copy, not this item. Items exported
    /// before contract v2 name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// The prompt as Kiln read it, in the model's own words ("a red sword" for "a crimson
    /// blade"): what the model was given. Verification regenerates from it, so that a later
    /// Kiln that reads some word otherwise still checks this item. Items made before prompts
    /// were read by meaning have none and are regenerated from `prompt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_prompt: Option<String>,
    /// The prompt's words read as something else ("crimson" → "red"), with their similarity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reading: Vec<ReadWord>,
    /// The objects of an item of several ("a table with two cups on it"), each as the model made
    /// it and where it stands: verification makes each one again. Empty for one object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<ObjectRecord>,
}

/// One object of an item of several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectRecord {
    /// What the model was given for it, in Kiln's words ("a red cup").
    pub prompt: String,
    pub seed: u64,
    /// Where the centre of its base stands in the item, in metres, to a tenth of a millimetre,
    /// before the item is scaled to its height.
    pub position: [f64; 3],
    /// The index of the object it stands on; none: the ground.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rests_on: Option<u64>,
    /// Laid on its side before it was placed (a sword on a table).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lying: bool,
}

impl ObjectRecord {
    /// The position as the generator placed it (each coordinate the nearest `f32`).
    pub fn position_f32(&self) -> [f32; 3] {
        self.position.map(|value| value as f32)
    }
}

/// One word of a prompt read as another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadWord {
    pub word: String,
    pub read_as: String,
    /// Cosine similarity in meaning, to three decimals.
    pub similarity: f64,
}

impl Provenance {
    /// What to give the generator to make this item again.
    pub fn model_prompt(&self) -> &str {
        self.model_prompt.as_deref().unwrap_or(&self.prompt)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorInfo {
    pub name: String,
    pub version: String,
    /// sha256 of the weights file the model ran with.
    pub weights_sha256: Sha256Hex,
    /// The weights file on IPFS (`ipfs://CID`, no path): a verifier without Kiln's files fetches
    /// the exact weights by it and checks them against `weights_sha256`. Items made before the
    /// weights were published name none, and their metadata stays byte for byte as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<ItemUri>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundingBox {
    pub min: [f64; 3],
    pub max: [f64; 3],
}

impl BoundingBox {
    /// The box of a mesh in metres, rounded to a tenth of a millimetre so that its JSON is short
    /// and the same on every machine.
    pub fn of(min: [f32; 3], max: [f32; 3]) -> Self {
        let round = |v: [f32; 3]| v.map(|x| (f64::from(x) * 10_000.0).round() / 10_000.0);
        BoundingBox {
            min: round(min),
            max: round(max),
        }
    }

    pub fn size(&self) -> [f64; 3] {
        [0, 1, 2].map(|axis| self.max[axis] - self.min[axis])
    }
}

/// A sha256 digest as 64 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Hex(pub [u8; 32]);

impl Sha256Hex {
    pub fn of(bytes: &[u8]) -> Self {
        Sha256Hex(Sha256::digest(bytes).into())
    }
}

impl fmt::Display for Sha256Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl std::str::FromStr for Sha256Hex {
    type Err = MetadataError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || MetadataError::Invalid {
            field: "sha256".into(),
            reason: format!("'{text}' is not 64 lowercase hex digits"),
        };
        if text.len() != 64
            || !text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad());
        }
        let mut digest = [0; 32];
        for (i, byte) in digest.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).map_err(|_| bad())?;
        }
        Ok(Sha256Hex(digest))
    }
}

impl Serialize for Sha256Hex {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Sha256Hex {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    #[error(transparent)]
    Limit(#[from] LimitError),
    #[error("the metadata is not valid JSON: {0}")]
    Json(String),
    #[error("the metadata is not a JSON object; an NFT metadata document is {{\"name\": …, …}}")]
    NotAnObject,
    #[error("metadata field {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error(
        "the metadata is not in canonical form (RFC 8785); normalise it with `kiln-cli metadata normalize`"
    )]
    NotCanonical,
}

/// What [`ItemMetadata::for_item`] needs to know about one generated item.
#[derive(Debug, Clone)]
pub struct ItemFacts<'a> {
    pub prompt: &'a str,
    pub seed: u64,
    pub description: &'a kiln_gen::Description,
    /// What the model was given, in Kiln's words ("a red sword on a wooden table").
    pub model_prompt: &'a str,
    /// How the prompt was read.
    pub reading: &'a kiln_gen::Reading,
    /// The objects of an item of several, as placed (before the item is scaled to its height);
    /// empty for one object.
    pub objects: &'a [kiln_gen::compose::ComposedObject],
    pub generator_version: &'a str,
    pub weights_sha256: Sha256Hex,
    /// Where the weights file is on IPFS, where the creator published it.
    pub weights_cid: Option<kiln_ipfs::Cid>,
    /// The triangle budget and flat shading the creator chose, if any.
    pub max_triangles: Option<u64>,
    pub flat: bool,
    /// The account that will mint the item, as `0x` and 40 hex digits.
    pub creator: Option<&'a str>,
    pub glb: &'a [u8],
    pub vertices: usize,
    pub triangles: usize,
    pub bounds: ([f32; 3], [f32; 3]),
    /// Seconds since the Unix epoch.
    pub created_unix: i64,
    pub ipfs_profile: kiln_ipfs::ImportProfile,
    pub glb_uri: ItemUri,
    pub image_uri: ItemUri,
    pub external_url: Option<ItemUri>,
}

impl ItemMetadata {
    /// The metadata of an item Kiln generated: name and traits from the parsed prompt, files as
    /// given, provenance complete.
    pub fn for_item(facts: &ItemFacts<'_>) -> Result<Self, MetadataError> {
        if facts.seed > MAX_JSON_INTEGER {
            return Err(MetadataError::Invalid {
                field: "kiln.seed".into(),
                reason: format!(
                    "seed {} is above {MAX_JSON_INTEGER}, the largest a JSON number holds exactly; pick a smaller seed",
                    facts.seed
                ),
            });
        }
        if let Some(creator) = facts.creator {
            check_creator(creator)?;
        }
        let description = facts.description;
        let caption = facts.model_prompt.to_owned();
        let name = caption
            .strip_prefix("a ")
            .unwrap_or(&caption)
            .chars()
            .enumerate()
            .map(|(i, c)| if i == 0 { c.to_ascii_uppercase() } else { c })
            .collect::<String>();
        let created = time::OffsetDateTime::from_unix_timestamp(facts.created_unix)
            .map_err(|error| MetadataError::Invalid {
                field: "kiln.created".into(),
                reason: error.to_string(),
            })?
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|error| MetadataError::Invalid {
                field: "kiln.created".into(),
                reason: error.to_string(),
            })?;
        let bounding_box = BoundingBox::of(facts.bounds.0, facts.bounds.1);
        Ok(ItemMetadata {
            name,
            description: format!(
                "“{}”, made with Kiln from seed {} by kiln-gen {}.",
                facts.prompt.trim(),
                facts.seed,
                facts.generator_version
            ),
            image: Some(facts.image_uri.clone()),
            animation_url: Some(facts.glb_uri.clone()),
            external_url: facts.external_url.clone(),
            background_color: Some(KILN_BACKGROUND.to_owned()),
            attributes: {
                let mut attributes = traits(description, &bounding_box, facts.generator_version);
                if !facts.objects.is_empty() {
                    attributes.push(Attribute {
                        trait_type: Some("Objects".to_owned()),
                        value: AttributeValue::Number(facts.objects.len() as f64),
                        display_type: Some("number".to_owned()),
                        max_value: None,
                    });
                }
                attributes
            },
            properties: Properties {
                category: Some(METAPLEX_VR.to_owned()),
                files: vec![
                    FileRef {
                        uri: facts.glb_uri.clone(),
                        media_type: GLB_MEDIA_TYPE.to_owned(),
                    },
                    FileRef {
                        uri: facts.image_uri.clone(),
                        media_type: PNG_MEDIA_TYPE.to_owned(),
                    },
                ],
            },
            kiln: Some(Provenance {
                prompt: facts.prompt.to_owned(),
                seed: facts.seed,
                generator: GeneratorInfo {
                    name: "kiln-gen".to_owned(),
                    version: facts.generator_version.to_owned(),
                    weights_sha256: facts.weights_sha256,
                    weights: facts.weights_cid.map(ItemUri::ipfs),
                },
                glb_sha256: Sha256Hex::of(facts.glb),
                vertices: facts.vertices as u64,
                triangles: facts.triangles as u64,
                bounding_box,
                created,
                ipfs_profile: facts.ipfs_profile.name().to_owned(),
                max_triangles: facts.max_triangles,
                flat: facts.flat,
                creator: facts.creator.map(str::to_owned),
                model_prompt: Some(caption.clone()),
                reading: facts
                    .reading
                    .words
                    .iter()
                    .filter(|word| word.is_mapped())
                    .filter_map(|word| {
                        Some(ReadWord {
                            word: word.word.clone(),
                            read_as: word.read_as.clone()?,
                            similarity: (f64::from(word.similarity) * 1000.0).round() / 1000.0,
                        })
                    })
                    .collect(),
                objects: facts
                    .objects
                    .iter()
                    .map(|object| ObjectRecord {
                        prompt: object.prompt.clone(),
                        seed: object.seed,
                        position: object
                            .position
                            .map(|value| (f64::from(value) * 1e4).round() / 1e4),
                        rests_on: object.rests_on.map(|index| index as u64),
                        lying: object.lying,
                    })
                    .collect(),
            }),
        })
    }

    /// The RFC 8785 canonical JSON: the bytes that are hashed, stored and minted.
    pub fn to_canonical_json(&self) -> Vec<u8> {
        serde_jcs::to_vec(self).expect("metadata always serialises: no maps with non-string keys")
    }

    /// sha256 of the canonical JSON (what the contract records).
    pub fn digest(&self) -> Sha256Hex {
        Sha256Hex::of(&self.to_canonical_json())
    }

    /// Reads a Kiln metadata document strictly: within `limits`, only known fields, and in
    /// canonical form (so its digest is the digest of these very bytes).
    pub fn from_canonical_json(bytes: &[u8], limits: &Limits) -> Result<Self, MetadataError> {
        check_json_shape(bytes, limits)?;
        let metadata: ItemMetadata = serde_json::from_slice(bytes)
            .map_err(|error| MetadataError::Json(error.to_string()))?;
        if metadata.to_canonical_json() != bytes {
            return Err(MetadataError::NotCanonical);
        }
        if let Some(creator) = metadata
            .kiln
            .as_ref()
            .and_then(|kiln| kiln.creator.as_deref())
        {
            check_creator(creator)?;
        }
        Ok(metadata)
    }

    /// Reads any NFT metadata document (ERC-721, ERC-1155, Metaplex, TZIP-21, …) leniently into
    /// the canonical type, with warnings for everything odd, rewritten or dropped.
    pub fn from_foreign(
        json: &[u8],
        options: &ForeignOptions,
    ) -> Result<Normalised, MetadataError> {
        foreign::normalise(json, options)
    }

    /// The value of the trait named `trait_type` (case-insensitive).
    pub fn trait_value(&self, trait_type: &str) -> Option<&AttributeValue> {
        self.attributes
            .iter()
            .find(|attribute| {
                attribute
                    .trait_type
                    .as_deref()
                    .is_some_and(|name| name.eq_ignore_ascii_case(trait_type))
            })
            .map(|attribute| &attribute.value)
    }
}

/// An account address as the provenance names it: `0x` and 40 hex digits.
fn check_creator(creator: &str) -> Result<(), MetadataError> {
    let digits = creator.strip_prefix("0x").unwrap_or("");
    if digits.len() == 40 && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(());
    }
    Err(MetadataError::Invalid {
        field: "kiln.creator".into(),
        reason: format!(
            "{:?} is not an account address: give 0x and 40 hex digits",
            creator.chars().take(64).collect::<String>()
        ),
    })
}

/// Traits marketplaces filter by: what the prompt said, the height, the generator.
fn traits(
    description: &kiln_gen::Description,
    bounding_box: &BoundingBox,
    generator_version: &str,
) -> Vec<Attribute> {
    let text = |trait_type: &str, value: &str| Attribute {
        trait_type: Some(trait_type.to_owned()),
        value: AttributeValue::Text(value.to_owned()),
        display_type: None,
        max_value: None,
    };
    let mut attributes = vec![text("Category", description.category.name())];
    if let Some(colour) = description.colour {
        attributes.push(text("Colour", colour.name()));
    }
    if let Some(material) = description.material {
        attributes.push(text("Material", material.name()));
    }
    if let Some(size) = description.size {
        attributes.push(text("Size", size.name()));
    }
    for proportion in [description.height, description.width]
        .into_iter()
        .flatten()
    {
        attributes.push(text("Proportion", proportion.name()));
    }
    if let Some(style) = description.style {
        attributes.push(text("Style", style.name()));
    }
    for part in &description.parts {
        let words: Vec<String> = [
            part.count.map(|count| count.to_string()),
            part.colour.map(|colour| colour.name().to_owned()),
            part.material.map(|material| material.name().to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let slot = description.category.part_word(part.slot).unwrap_or("part");
        let mut trait_type = slot.to_owned();
        trait_type[..1].make_ascii_uppercase();
        attributes.push(text(&trait_type, &words.join(" ")));
    }
    attributes.push(Attribute {
        trait_type: Some("Height (m)".to_owned()),
        value: AttributeValue::Number((bounding_box.size()[1] * 100.0).round() / 100.0),
        display_type: Some("number".to_owned()),
        max_value: None,
    });
    attributes.push(text("Generator", &format!("kiln-gen {generator_version}")));
    attributes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(seed: u64) -> Result<ItemMetadata, MetadataError> {
        let parsed = kiln_gen::prompt::parse("a tall red chair with gold legs").unwrap();
        let glb_cid = kiln_ipfs::raw_cid(b"glb");
        let png_cid = kiln_ipfs::raw_cid(b"png");
        ItemMetadata::for_item(&ItemFacts {
            prompt: "a tall red chair with gold legs",
            seed,
            description: &parsed.description,
            model_prompt: &parsed.model_prompt(),
            reading: &parsed.reading,
            objects: &[],
            generator_version: "0.1.0",
            weights_sha256: Sha256Hex::of(b"weights"),
            weights_cid: Some(kiln_ipfs::raw_cid(b"weights")),
            max_triangles: None,
            flat: false,
            creator: Some("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
            glb: b"glb",
            vertices: 1200,
            triangles: 2396,
            bounds: ([-0.3, 0.0, -0.25], [0.3, 1.3299999, 0.25]),
            created_unix: 1_795_000_000,
            ipfs_profile: kiln_ipfs::ImportProfile::Legacy,
            glb_uri: ItemUri::ipfs(glb_cid),
            image_uri: ItemUri::ipfs(png_cid),
            external_url: None,
        })
    }

    #[test]
    fn a_kiln_item_has_every_field_platforms_read() {
        let metadata = item(7).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&metadata.to_canonical_json()).unwrap();
        assert_eq!(json["name"], "Tall red chair with gold legs");
        assert!(
            json["image"]
                .as_str()
                .unwrap()
                .starts_with("ipfs://bafkrei")
        );
        assert!(
            json["animation_url"]
                .as_str()
                .unwrap()
                .starts_with("ipfs://bafkrei")
        );
        assert_eq!(json["properties"]["category"], "vr");
        assert_eq!(json["properties"]["files"][0]["type"], "model/gltf-binary");
        assert_eq!(json["properties"]["files"][1]["type"], "image/png");
        assert_eq!(json["background_color"], KILN_BACKGROUND);
        assert_eq!(
            metadata.trait_value("category").unwrap().to_string(),
            "chair"
        );
        assert_eq!(metadata.trait_value("Colour").unwrap().to_string(), "red");
        assert_eq!(metadata.trait_value("Legs").unwrap().to_string(), "gold");
        assert_eq!(
            metadata.trait_value("Proportion").unwrap().to_string(),
            "tall"
        );
        assert_eq!(
            metadata.trait_value("Height (m)"),
            Some(&AttributeValue::Number(1.33))
        );
        let kiln = &json["kiln"];
        assert_eq!(kiln["seed"], 7);
        assert_eq!(kiln["ipfs_profile"], "legacy");
        assert_eq!(kiln["created"], "2026-11-18T11:06:40Z");
        assert_eq!(kiln["bounding_box"]["max"][1], 1.33);
        assert_eq!(kiln["glb_sha256"], Sha256Hex::of(b"glb").to_string());
        assert_eq!(
            kiln["creator"],
            "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        );
        assert_eq!(
            kiln["generator"]["weights_sha256"].as_str().unwrap().len(),
            64
        );
        assert_eq!(
            kiln["generator"]["weights"],
            format!("ipfs://{}", kiln_ipfs::raw_cid(b"weights"))
        );
    }

    /// Metadata of items made before the weights were published and mesh choices recorded (no
    /// `weights`, `max_triangles`, `flat`) reads back and writes out byte for byte the same:
    /// their tokens' metadata digests stay valid. Choices made are written and read back.
    #[test]
    fn metadata_without_the_newer_fields_stays_as_it_was() {
        let mut metadata = item(7).unwrap();
        metadata.kiln.as_mut().unwrap().generator.weights = None;
        metadata.kiln.as_mut().unwrap().creator = None;
        let bytes = metadata.to_canonical_json();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for field in ["\"weights\"", "max_triangles", "flat", "creator"] {
            assert!(!text.contains(field), "{field}: {text}");
        }
        let read = ItemMetadata::from_canonical_json(&bytes, &Limits::default()).unwrap();
        assert_eq!(read.to_canonical_json(), bytes);

        let provenance = metadata.kiln.as_mut().unwrap();
        provenance.max_triangles = Some(2000);
        provenance.flat = true;
        let bytes = metadata.to_canonical_json();
        let read = ItemMetadata::from_canonical_json(&bytes, &Limits::default()).unwrap();
        let provenance = read.kiln.unwrap();
        assert_eq!(
            (provenance.max_triangles, provenance.flat),
            (Some(2000), true)
        );
    }

    #[test]
    fn canonical_json_is_stable_and_read_back_strictly() {
        let metadata = item(7).unwrap();
        let bytes = metadata.to_canonical_json();
        // Sorted keys, no whitespace: RFC 8785.
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("{\"animation_url\":\"ipfs://"), "{text}");
        assert!(!text.contains(": ") && !text.contains('\n'));
        assert_eq!(bytes, item(7).unwrap().to_canonical_json());
        assert_ne!(metadata.digest(), item(8).unwrap().digest());
        let limits = Limits::default();
        assert_eq!(
            ItemMetadata::from_canonical_json(&bytes, &limits).unwrap(),
            metadata
        );
        // The same document pretty-printed is not canonical, so its digest would differ.
        let pretty = serde_json::to_vec_pretty(&metadata).unwrap();
        assert!(matches!(
            ItemMetadata::from_canonical_json(&pretty, &limits),
            Err(MetadataError::NotCanonical)
        ));
        let unknown = text.replacen("{", "{\"zzz\":1,", 1);
        assert!(matches!(
            ItemMetadata::from_canonical_json(unknown.as_bytes(), &limits),
            Err(MetadataError::Json(_))
        ));
    }

    /// The creator is the one field a copy cannot keep and still verify, so a document naming
    /// something that is not an address is refused, written or read.
    #[test]
    fn creators_that_are_not_addresses_are_refused() {
        let mut metadata = item(7).unwrap();
        for bad in [
            "",
            "0x",
            "5FbDB2315678afecb367f032d93F642f64180aa3",
            "0x5FbDB2315678afecb367f032d93F642f64180aa",
            "0x5FbDB2315678afecb367f032d93F642f64180aaz3",
            "vitalik.eth",
        ] {
            metadata.kiln.as_mut().unwrap().creator = Some(bad.to_owned());
            let bytes = metadata.to_canonical_json();
            let error = ItemMetadata::from_canonical_json(&bytes, &Limits::default()).unwrap_err();
            assert!(
                error.to_string().contains("kiln.creator")
                    && error.to_string().contains("40 hex digits"),
                "{bad:?}: {error}"
            );
        }
    }

    #[test]
    fn seeds_json_cannot_hold_are_refused() {
        assert!(item(MAX_JSON_INTEGER).is_ok());
        let error = item(MAX_JSON_INTEGER + 1).unwrap_err();
        assert!(error.to_string().contains("pick a smaller seed"), "{error}");
    }

    #[test]
    fn sha256_hex_round_trips_and_refuses_junk() {
        let digest = Sha256Hex::of(b"abc");
        assert_eq!(
            digest.to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(digest.to_string().parse::<Sha256Hex>().unwrap(), digest);
        assert!("BA7816".parse::<Sha256Hex>().is_err());
        assert!("zz".repeat(32).parse::<Sha256Hex>().is_err());
    }
}
