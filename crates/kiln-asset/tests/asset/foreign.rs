//! The normaliser against real metadata: 50 documents from well-known collections, marketplaces
//! and the standards' own examples (`foreign/SOURCES.md` says where each came from).

use std::path::{Path, PathBuf};

use kiln_asset::metadata::{AttributeValue, ForeignOptions, Normalised, WarningKind};
use kiln_asset::{ItemMetadata, ItemUri, Limits};

fn corpus() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/asset/foreign");
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn normalise_with(name: &str, token_id: Option<&str>) -> Normalised {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/asset/foreign")
        .join(format!("{name}.json"));
    let bytes = std::fs::read(&path).unwrap();
    ItemMetadata::from_foreign(
        &bytes,
        &ForeignOptions {
            token_id: token_id.map(str::to_owned),
            ..Default::default()
        },
    )
    .unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn normalise(name: &str) -> Normalised {
    normalise_with(name, None)
}

fn warned(normalised: &Normalised, field: &str, kind: WarningKind) -> bool {
    normalised
        .warnings
        .iter()
        .any(|warning| warning.field == field && warning.kind == kind)
}

fn uri(uri: &Option<ItemUri>) -> String {
    uri.as_ref().map(ToString::to_string).unwrap_or_default()
}

#[test]
fn every_document_normalises_and_normalising_again_changes_nothing() {
    let files = corpus();
    assert!(
        files.len() >= 50,
        "the corpus has {} documents",
        files.len()
    );
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let first = normalise(&name);
        let canonical = first.metadata.to_canonical_json();
        // The canonical form reads back strictly…
        let strict = ItemMetadata::from_canonical_json(&canonical, &Limits::default())
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(strict, first.metadata, "{name}");
        // …and, read as foreign metadata, needs no further change.
        let second = ItemMetadata::from_foreign(&canonical, &ForeignOptions::default()).unwrap();
        assert_eq!(second.metadata, first.metadata, "{name}");
        for warning in &second.warnings {
            assert!(
                matches!(warning.kind, WarningKind::Unchecked | WarningKind::Missing),
                "{name}: canonical metadata drew '{warning}'"
            );
        }
        // Nothing web-hosted passes without saying it cannot be verified.
        for (field, value) in [
            ("image", &first.metadata.image),
            ("animation_url", &first.metadata.animation_url),
        ] {
            if value
                .as_ref()
                .is_some_and(|uri| !uri.is_content_addressed())
            {
                assert!(
                    first
                        .warnings
                        .iter()
                        .any(|w| w.kind == WarningKind::Unchecked),
                    "{name}: web {field} without a warning"
                );
            }
        }
    }
}

#[test]
fn opensea_style_erc721() {
    let bayc = normalise("bayc-1");
    assert_eq!(bayc.metadata.name, "Untitled");
    assert!(warned(&bayc, "name", WarningKind::Missing));
    assert!(uri(&bayc.metadata.image).starts_with("ipfs://bafybei"));
    // A CIDv0 is written as CIDv1, and says so.
    assert!(warned(&bayc, "image", WarningKind::Rewritten));
    assert_eq!(bayc.metadata.attributes.len(), 5);

    let great_wave = normalise("erc6596-cultural-heritage-great-wave");
    assert_eq!(great_wave.metadata.attributes.len(), 45);
    assert!(!warned(&great_wave, "image", WarningKind::Rewritten));

    let hashmasks = normalise("hashmasks-3837");
    assert!(uri(&hashmasks.metadata.image).starts_with("https://"));
    assert!(warned(&hashmasks, "image", WarningKind::Unchecked));
}

#[test]
fn gateway_urls_and_ipfs_ipfs_become_ipfs_uris() {
    for name in [
        "bonsai-100",
        "superrare-17798",
        "knownorigin-219184",
        "superyeti-100",
        "foundation-1798",
        "rarible-1166603",
    ] {
        let normalised = normalise(name);
        assert!(
            uri(&normalised.metadata.image).starts_with("ipfs://bafy"),
            "{name}: {}",
            uri(&normalised.metadata.image)
        );
        assert!(
            warned(&normalised, "image", WarningKind::Rewritten),
            "{name}"
        );
    }
    let bonsai = normalise("bonsai-100");
    assert!(uri(&bonsai.metadata.animation_url).starts_with("ipfs://bafy"));
}

#[test]
fn arweave_gateways_and_angle_brackets() {
    let izzy = normalise("incomplete-design-izzy");
    assert!(uri(&izzy.metadata.image).starts_with("ar://"));
    assert!(warned(&izzy, "image", WarningKind::Rewritten));
    // The docs' example ids are 42 characters, one short of a real Arweave id: kept as web URLs.
    let fungible = normalise("metaplex-token-standard-fungible-asset");
    assert!(uri(&fungible.metadata.image).starts_with("https://arweave.net/"));
    assert!(warned(&fungible, "image", WarningKind::Unchecked));
    assert!(
        fungible
            .warnings
            .iter()
            .any(|w| w.field == "image" && w.detail.contains("<…>"))
    );
}

#[test]
fn attribute_maps_and_numbers_as_text() {
    let voxels = normalise("cryptovoxels-parcel-100");
    assert!(warned(&voxels, "attributes", WarningKind::Converted));
    assert_eq!(voxels.metadata.attributes.len(), 8);
    let known_origin = normalise("knownorigin-docs-example");
    assert!(warned(&known_origin, "attributes", WarningKind::Converted));
    assert!(uri(&known_origin.metadata.image).starts_with("ipfs://bafy"));
    // Every trait kept has a value OpenSea can show.
    for name in [
        "cryptovoxels-parcel-100",
        "knownorigin-docs-example",
        "fyat-lux-3685",
    ] {
        for attribute in normalise(name).metadata.attributes {
            if let AttributeValue::Number(number) = attribute.value {
                assert!(number.is_finite(), "{name}");
            }
        }
    }
}

#[test]
fn erc1155_id_substitution_properties_and_localization() {
    let example = normalise_with("erc1155-eip-example", Some("314592"));
    assert_eq!(
        uri(&example.metadata.image),
        "https://s3.amazonaws.com/your-bucket/images/000000000000000000000000000000000000000000000000000000000004cce0.png"
    );
    assert!(warned(&example, "image", WarningKind::Rewritten));
    // Simple ERC-1155 properties become traits.
    assert!(example.metadata.trait_value("simple_property").is_some());
    let without_id = normalise("erc1155-eip-example");
    assert!(without_id.metadata.image.is_none());
    assert!(warned(&without_id, "image", WarningKind::Invalid));

    let localized = normalise("erc1155-eip-localized-base");
    assert!(warned(&localized, "localization", WarningKind::Dropped));
    let overlay = normalise("erc1155-eip-localized-es");
    assert_eq!(overlay.metadata.name, "Espacio Publicitario");
}

#[test]
fn metaplex_files_and_category() {
    let vr = normalise("metaplex-core-vr-asset");
    assert_eq!(vr.metadata.properties.category.as_deref(), Some("vr"));
    assert_eq!(vr.metadata.properties.files.len(), 2);
    assert!(uri(&vr.metadata.animation_url).starts_with("ar://"));
    let candy = normalise("metaplex-candy-machine-v2-asset-0");
    assert!(warned(&candy, "symbol", WarningKind::Dropped));
    assert!(warned(
        &candy,
        "seller_fee_basis_points",
        WarningKind::Dropped
    ));
    // "0.png" is a file name for an upload tool, not a URI anyone can fetch.
    assert!(candy.metadata.image.is_none());
    assert!(warned(&candy, "image", WarningKind::Invalid));
}

#[test]
fn tezos_tzip21() {
    let taco = normalise("tzip21-digital-collectible");
    assert_eq!(uri(&taco.metadata.image), "https://ta.co/1832674.svg");
    assert!(warned(&taco, "displayUri", WarningKind::Converted));
    assert_eq!(
        uri(&taco.metadata.animation_url),
        "https://ta.co/1832674.gltf"
    );
    assert!(warned(&taco, "formats", WarningKind::Converted));
    assert!(!taco.metadata.properties.files.is_empty());
    assert!(warned(&taco, "attributes[0].name", WarningKind::Converted));
    assert_eq!(uri(&taco.metadata.external_url), "https://ta.co/");
}

#[test]
fn on_chain_documents_with_svg_and_data_uris() {
    let runner = normalise("chainrunners-1-onchain");
    assert_eq!(runner.metadata.name, "Runner #1");
    assert!(warned(&runner, "name", WarningKind::Rewritten));
    let (media_type, svg) = runner.metadata.image.as_ref().unwrap().data().unwrap();
    assert_eq!(media_type, "image/svg+xml");
    assert!(svg.starts_with(b"<svg"));
    assert!(warned(&runner, "image_data", WarningKind::Converted));

    for name in [
        "loot-bag-1",
        "nouns-23",
        "zorb-5501",
        "pak-censored-6425",
        "brotchain-70026",
    ] {
        let normalised = normalise(name);
        let (media_type, bytes) = normalised.metadata.image.as_ref().unwrap().data().unwrap();
        assert!(media_type.starts_with("image/"), "{name}: {media_type}");
        assert!(!bytes.is_empty(), "{name}");
    }
}

#[test]
fn other_shapes_still_give_usable_metadata() {
    let makersplace = normalise("makersplace-100");
    assert!(makersplace.metadata.image.is_some());
    assert!(warned(&makersplace, "imageUrl", WarningKind::Converted));
    let storefront = normalise("opensea-shared-storefront-cryptoserg-641");
    // `null` fields are absent, not errors.
    assert!(storefront.metadata.animation_url.is_none());
    assert!(storefront.metadata.external_url.is_none());
    assert!(!warned(&storefront, "animation_url", WarningKind::Invalid));
    let erc7572 = normalise("erc7572-contract-level-example");
    assert!(warned(&erc7572, "external_link", WarningKind::Converted));
    assert!(erc7572.metadata.external_url.is_some());
    let schema = normalise("erc721-eip-metadata-schema");
    assert!(schema.metadata.image.is_none());
    assert!(warned(&schema, "image", WarningKind::Missing));
    let wraith = normalise("wraith-002");
    assert!(
        wraith.metadata.name.chars().count() > 20,
        "combining marks are kept"
    );
}
