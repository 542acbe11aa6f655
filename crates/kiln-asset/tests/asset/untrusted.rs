//! Other players' items are untrusted: limits hold, malformed files are typed errors, and
//! mutated GLBs and metadata never make a reader panic.

use kiln_asset::metadata::ForeignOptions;
use kiln_asset::{GlbError, ItemMetadata, LimitError, Limits, inspect_glb, read_glb, write_glb};
use proptest::prelude::*;

use crate::glb::object;

fn chair_glb() -> (kiln_gen::Mesh, Vec<u8>) {
    let mesh = object("a tall red chair with gold legs", 3);
    let glb = write_glb(&mesh, "chair");
    (mesh, glb)
}

#[test]
fn inspect_reads_back_what_we_wrote() {
    let (mesh, glb) = chair_glb();
    let summary = inspect_glb(&glb, &Limits::default()).unwrap();
    assert_eq!(summary.vertices, mesh.vertex_count());
    assert_eq!(summary.triangles, mesh.triangle_count());
    assert_eq!(summary.primitives, mesh.primitives.len());
    assert_eq!(summary.materials.len(), mesh.primitives.len());
    assert_eq!(summary.bounds, Some(mesh.bounds()));
    assert!(summary.generator.unwrap().starts_with("Kiln "));
    assert!(summary.textures.is_empty());
}

#[test]
fn limits_refuse_what_is_too_big() {
    let (mesh, glb) = chair_glb();
    let tight = Limits {
        triangles: mesh.triangle_count() - 1,
        ..Limits::default()
    };
    assert!(matches!(
        inspect_glb(&glb, &tight),
        Err(GlbError::Limit(LimitError::TooMany { .. }))
    ));
    let small = Limits {
        glb_bytes: glb.len() - 1,
        ..Limits::default()
    };
    let error = inspect_glb(&glb, &small).unwrap_err();
    assert!(error.to_string().contains("at most"), "{error}");
}

#[test]
fn malformed_files_are_clear_errors() {
    let (_, glb) = chair_glb();
    assert!(matches!(
        inspect_glb(b"", &Limits::default()),
        Err(GlbError::NotGlb(_))
    ));
    assert!(matches!(
        inspect_glb(b"PK\x03\x04 not a glb at all", &Limits::default()),
        Err(GlbError::NotGlb(_))
    ));
    // Cut short: the header's length no longer matches.
    let cut = &glb[..glb.len() / 2];
    assert!(matches!(
        inspect_glb(cut, &Limits::default()),
        Err(GlbError::Malformed(_))
    ));
    // The length fixed up, the binary chunk is now too short for its accessors.
    let mut cut = cut.to_vec();
    let length = cut.len() as u32;
    cut[8..12].copy_from_slice(&length.to_le_bytes());
    let error = inspect_glb(&cut, &Limits::default()).unwrap_err();
    assert!(matches!(error, GlbError::Malformed(_)), "{error}");
    // A buffer that points outside the file.
    let json_length = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    let json = String::from_utf8(glb[20..20 + json_length].to_vec()).unwrap();
    let outside = json.replacen(
        "\"byteLength\"",
        "\"uri\":\"https://evil.example/x.bin\",\"byteLength\"",
        1,
    );
    assert!(outside != json);
    let mut patched = Vec::new();
    let padded = outside.len().div_ceil(4) * 4;
    patched.extend_from_slice(b"glTF");
    patched.extend_from_slice(&2u32.to_le_bytes());
    patched.extend_from_slice(&((12 + 8 + padded) as u32).to_le_bytes());
    patched.extend_from_slice(&(padded as u32).to_le_bytes());
    patched.extend_from_slice(b"JSON");
    patched.extend_from_slice(outside.as_bytes());
    patched.resize(12 + 8 + padded, b' ');
    let error = inspect_glb(&patched, &Limits::default()).unwrap_err();
    assert!(matches!(error, GlbError::External(_)), "{error}");
}

/// `glb` with its JSON chunk replaced by `edit` of it, the binary chunk kept.
fn with_json(glb: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let json_length = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    let mut json: serde_json::Value = serde_json::from_slice(&glb[20..20 + json_length]).unwrap();
    edit(&mut json);
    let mut json = serde_json::to_vec(&json).unwrap();
    json.resize(json.len().div_ceil(4) * 4, b' ');
    let bin = &glb[20 + json_length..];
    let mut out = Vec::new();
    out.extend_from_slice(b"glTF");
    out.extend_from_slice(&2u32.to_le_bytes());
    out.extend_from_slice(&((12 + 8 + json.len() + bin.len()) as u32).to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(b"JSON");
    out.extend_from_slice(&json);
    out.extend_from_slice(bin);
    out
}

/// Every attribute and index accessor of every primitive of `json`, to point elsewhere.
fn accessor_references(json: &mut serde_json::Value) -> Vec<&mut serde_json::Value> {
    let mut references = Vec::new();
    for mesh in json["meshes"].as_array_mut().unwrap() {
        for primitive in mesh["primitives"].as_array_mut().unwrap() {
            let primitive = primitive.as_object_mut().unwrap();
            for (key, value) in primitive.iter_mut() {
                match key.as_str() {
                    "indices" => references.push(value),
                    "attributes" => {
                        references.extend(value.as_object_mut().unwrap().values_mut());
                    }
                    _ => {}
                }
            }
        }
    }
    references
}

/// A NORMAL or COLOR_0 (or any) accessor named past the end of the list is a clear error of
/// both readers, never a panic: every placed item is read, and in the browser a panic ends
/// the tab for everyone who walks past.
#[test]
fn accessors_named_past_the_end_are_clear_errors() {
    let (mesh, glb) = chair_glb();
    assert_eq!(
        read_glb(&glb, &Limits::default()).unwrap().triangle_count(),
        mesh.triangle_count()
    );
    for attribute in ["NORMAL", "COLOR_0", "POSITION"] {
        let bad = with_json(&glb, |json| {
            for primitive in json["meshes"][0]["primitives"].as_array_mut().unwrap() {
                primitive["attributes"][attribute] = serde_json::json!(4000);
            }
        });
        let error = read_glb(&bad, &Limits::default()).unwrap_err();
        assert!(
            matches!(error, GlbError::Malformed(_)),
            "{attribute}: {error}"
        );
        assert!(
            error.to_string().contains("accessor"),
            "{attribute}: {error}"
        );
        // The summary reads positions only: a bad one is its error too.
        let summary = inspect_glb(&bad, &Limits::default());
        assert_eq!(summary.is_err(), attribute == "POSITION", "{attribute}");
    }
}

fn corpus_document() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/asset/foreign/knownorigin-docs-example.json"),
    )
    .unwrap()
}

/// Any JSON value, up to a few levels deep.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |x| x.is_finite())
            .prop_map(serde_json::Value::from),
        "[ -~]{0,12}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("ipfs://QmeSjSinHpPnmXmspMjwiXyN6zS4E9zccariGR3jxcaWtq/{id}.png"),
            Just(
                "https://ipfs.io/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
            ),
            Just("data:image/svg+xml;base64,PHN2Zz4="),
            Just("ar://nynJgGdU2F_yRd2pD1hBLnNeVxxtDNWJ62dJdjDlCbU"),
            Just("#FfF"),
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![
            Just("name".to_owned()),
            Just("image".to_owned()),
            Just("image_data".to_owned()),
            Just("animation_url".to_owned()),
            Just("attributes".to_owned()),
            Just("properties".to_owned()),
            Just("files".to_owned()),
            Just("trait_type".to_owned()),
            Just("value".to_owned()),
            Just("display_type".to_owned()),
            Just("background_color".to_owned()),
            Just("kiln".to_owned()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(key, inner, 0..6)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_glbs_never_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let (_, mut glb) = chair_glb();
        for (at, byte) in flips {
            let at = at.index(glb.len());
            glb[at] = byte;
        }
        if truncate {
            glb.truncate(cut.index(glb.len()));
        }
        let limits = Limits::default();
        if let Ok(summary) = inspect_glb(&glb, &limits) {
            prop_assert!(summary.vertices <= limits.vertices);
            prop_assert!(summary.triangles <= limits.triangles);
        }
        if let Ok(mesh) = read_glb(&glb, &limits) {
            prop_assert!(mesh.triangle_count() <= limits.triangles);
        }
    }

    /// Accessor references moved anywhere, in range or not: both readers answer, and what
    /// they read stays within the limits.
    #[test]
    fn accessors_pointed_anywhere_never_panic(
        moves in prop::collection::vec((any::<prop::sample::Index>(), 0u64..40), 1..6),
    ) {
        let (_, glb) = chair_glb();
        let moved = with_json(&glb, |json| {
            let mut references = accessor_references(json);
            for (which, to) in moves {
                let count = references.len();
                *references[which.index(count)] = serde_json::json!(to);
            }
        });
        let limits = Limits::default();
        let _ = inspect_glb(&moved, &limits);
        if let Ok(mesh) = read_glb(&moved, &limits) {
            prop_assert!(mesh.triangle_count() <= limits.triangles);
        }
    }

    #[test]
    fn mutated_metadata_never_panics(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut json = corpus_document();
        for (at, byte) in flips {
            let at = at.index(json.len());
            json[at] = byte;
        }
        let _ = ItemMetadata::from_foreign(&json, &ForeignOptions::default());
    }

    #[test]
    fn any_json_normalises_to_metadata_that_reads_back_strictly(value in json_value()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        let options = ForeignOptions { token_id: Some("7".into()), ..Default::default() };
        match ItemMetadata::from_foreign(&bytes, &options) {
            Ok(normalised) => {
                let canonical = normalised.metadata.to_canonical_json();
                let again = ItemMetadata::from_canonical_json(&canonical, &Limits::default());
                prop_assert_eq!(again.ok(), Some(normalised.metadata));
            }
            Err(error) => prop_assert!(!value.is_object(), "an object was refused: {}", error),
        }
    }
}
