//! Everybody else's metadata: ERC-721 (OpenSea style), ERC-1155 (`{id}`, `localization`,
//! free-form `properties`), Metaplex, Tezos TZIP-21, ERC-5773 and on-chain `data:` documents,
//! read leniently into [`ItemMetadata`]. Nothing is dropped silently: every field that was
//! rewritten, converted, missing or left out is a [`Warning`].

use std::fmt;

use serde_json::{Map, Value};

use super::{
    Attribute, AttributeValue, FileRef, ItemMetadata, ItemUri, MetadataError, Properties,
    Provenance, UriNote,
};
use crate::limits::{Limits, check_json_shape};
use crate::shorten;

/// How to read a foreign document.
#[derive(Debug, Clone, Default)]
pub struct ForeignOptions {
    /// The token's id (decimal, or hex with `0x`), substituted for ERC-1155's `{id}`.
    pub token_id: Option<String>,
    pub limits: Limits,
}

/// A foreign document in canonical form, and what was changed to get there.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalised {
    pub metadata: ItemMetadata,
    pub warnings: Vec<Warning>,
}

/// One thing that was odd about a foreign document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Where, as a path into the document: `image`, `attributes[3].value`, `properties.creators`.
    pub field: String,
    pub kind: WarningKind,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WarningKind {
    /// Not part of the canonical type; left out.
    Dropped,
    /// Kept, in another spelling (a gateway URL as `ipfs://`, trimmed text, `#FF0000` as `ff0000`).
    Rewritten,
    /// Kept, as another type or under another name (a number given as a string, TZIP's
    /// `displayUri` as `image`, attributes given as a map).
    Converted,
    /// Expected and absent.
    Missing,
    /// Present but unusable; left out.
    Invalid,
    /// Kept, but its bytes cannot be checked (a web URL) or travel in the clear (`http:`).
    Unchecked,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            WarningKind::Dropped => "dropped",
            WarningKind::Rewritten => "rewritten",
            WarningKind::Converted => "converted",
            WarningKind::Missing => "missing",
            WarningKind::Invalid => "invalid",
            WarningKind::Unchecked => "unchecked",
        };
        write!(f, "{}: {kind}: {}", self.field, self.detail)
    }
}

struct Reader {
    warnings: Vec<Warning>,
    token_id_hex: Option<String>,
}

impl Reader {
    fn warn(&mut self, field: impl Into<String>, kind: WarningKind, detail: impl Into<String>) {
        self.warnings.push(Warning {
            field: field.into(),
            kind,
            detail: detail.into(),
        });
    }

    /// A string field: trimmed, numbers accepted (converted), anything else reported.
    fn text(&mut self, field: &str, value: Value) -> Option<String> {
        match value {
            Value::String(text) => {
                let trimmed = text.trim();
                if trimmed.len() != text.len() {
                    self.warn(
                        field,
                        WarningKind::Rewritten,
                        "surrounding whitespace removed",
                    );
                }
                Some(trimmed.to_owned())
            }
            Value::Number(number) => {
                self.warn(field, WarningKind::Converted, "a number where text belongs");
                Some(number.to_string())
            }
            Value::Null => None,
            other => {
                self.warn(
                    field,
                    WarningKind::Invalid,
                    format!("expected text, found {}", kind_of(&other)),
                );
                None
            }
        }
    }

    /// A URI field, `{id}` substituted and normalised.
    fn uri(&mut self, field: &str, value: Value) -> Option<ItemUri> {
        let text = self.text(field, value)?;
        if text.is_empty() {
            self.warn(field, WarningKind::Invalid, "empty URI");
            return None;
        }
        let text = if text.contains("{id}") {
            match self.token_id_hex.clone() {
                Some(id) => {
                    self.warn(
                        field,
                        WarningKind::Rewritten,
                        format!("ERC-1155 {{id}} replaced by the token id {id}"),
                    );
                    text.replace("{id}", &id)
                }
                None => {
                    self.warn(
                        field,
                        WarningKind::Invalid,
                        "contains ERC-1155's {id} but no token id was given (pass the token id to fill it in)",
                    );
                    return None;
                }
            }
        } else {
            text
        };
        match ItemUri::normalise(&text) {
            Ok((uri, notes)) => {
                for note in notes {
                    let (kind, detail) = match note {
                        UriNote::RewrittenAsIpfs(from) => (
                            WarningKind::Rewritten,
                            format!("{} rewritten as {uri}", shorten(&from)),
                        ),
                        UriNote::RewrittenAsArweave(from) => (
                            WarningKind::Rewritten,
                            format!("{} rewritten as {uri}", shorten(&from)),
                        ),
                        UriNote::Trimmed => (
                            WarningKind::Rewritten,
                            "whitespace or <…> around the URI removed".to_owned(),
                        ),
                        UriNote::Insecure => (
                            WarningKind::Unchecked,
                            "plain http: the file travels unencrypted".to_owned(),
                        ),
                    };
                    self.warn(field, kind, detail);
                }
                if !uri.is_content_addressed() {
                    self.warn(
                        field,
                        WarningKind::Unchecked,
                        "a web URL, not content-addressed: its bytes cannot be verified",
                    );
                }
                Some(uri)
            }
            Err(error) => {
                self.warn(field, WarningKind::Invalid, error.to_string());
                None
            }
        }
    }
}

pub(super) fn normalise(
    json: &[u8],
    options: &ForeignOptions,
) -> Result<Normalised, MetadataError> {
    check_json_shape(json, &options.limits)?;
    let value: Value =
        serde_json::from_slice(json).map_err(|error| MetadataError::Json(error.to_string()))?;
    let Value::Object(mut document) = value else {
        return Err(MetadataError::NotAnObject);
    };
    let token_id_hex = options.token_id.as_deref().map(token_id_hex).transpose()?;
    let mut reader = Reader {
        warnings: Vec::new(),
        token_id_hex,
    };
    let r = &mut reader;

    let mut name = document
        .remove("name")
        .and_then(|value| r.text("name", value));
    if let Some(value) = document.remove("title") {
        if name.as_deref().is_none_or(str::is_empty) {
            name = r.text("title", value);
            if name.is_some() {
                r.warn("title", WarningKind::Converted, "used as name");
            }
        } else {
            r.warn("title", WarningKind::Dropped, "name is already given");
        }
    }
    let name = match name {
        Some(name) if !name.is_empty() => name,
        _ => {
            r.warn(
                "name",
                WarningKind::Missing,
                "no name; shown as \"Untitled\"",
            );
            "Untitled".to_owned()
        }
    };
    let description = document
        .remove("description")
        .and_then(|value| r.text("description", value))
        .unwrap_or_default();

    // The picture: `image`, then the names other standards give it.
    let mut image = take_uri(r, &mut document, "image");
    for alias in [
        "image_url",
        "imageUrl",
        "displayUri",
        "mediaUri",
        "thumbnail",
        "thumbnailUri",
    ] {
        if let Some(value) = document.remove(alias) {
            if image.is_none() {
                image = r.uri(alias, value);
                if image.is_some() {
                    r.warn(alias, WarningKind::Converted, "used as image");
                }
            } else {
                r.warn(
                    alias,
                    WarningKind::Dropped,
                    "another picture is already the image",
                );
            }
        }
    }
    if let Some(value) = document.remove("image_data") {
        match r.text("image_data", value) {
            Some(svg) if image.is_none() && svg.trim_start().starts_with('<') => {
                image = Some(ItemUri::data_from_bytes("image/svg+xml", svg.as_bytes()));
                r.warn(
                    "image_data",
                    WarningKind::Converted,
                    "SVG kept as a data: URI in image",
                );
            }
            Some(_) if image.is_some() => {
                r.warn("image_data", WarningKind::Dropped, "image is already given");
            }
            Some(_) => r.warn("image_data", WarningKind::Invalid, "not SVG markup"),
            None => {}
        }
    }
    if image.is_none() {
        r.warn(
            "image",
            WarningKind::Missing,
            "no picture; wallets will show a placeholder",
        );
    }

    // The 3D model or other media: `animation_url`, or TZIP's artifact when it is not the image.
    let mut animation_url = take_uri(r, &mut document, "animation_url");
    for alias in ["animation", "artifactUri"] {
        if let Some(value) = document.remove(alias) {
            let uri = r.uri(alias, value);
            if animation_url.is_none() && uri.is_some() && uri != image {
                animation_url = uri;
                r.warn(alias, WarningKind::Converted, "used as animation_url");
            } else if uri.is_some() && uri != image && uri != animation_url {
                r.warn(
                    alias,
                    WarningKind::Dropped,
                    "animation_url is already given",
                );
            }
        }
    }
    let mut external_url = take_uri(r, &mut document, "external_url");
    for alias in ["external_link", "externalUri", "homepage"] {
        if let Some(value) = document.remove(alias) {
            if external_url.is_none() {
                external_url = r.uri(alias, value);
                if external_url.is_some() {
                    r.warn(alias, WarningKind::Converted, "used as external_url");
                }
            } else {
                r.warn(alias, WarningKind::Dropped, "external_url is already given");
            }
        }
    }
    let background_color = document
        .remove("background_color")
        .and_then(|value| r.text("background_color", value))
        .and_then(|text| background_colour(r, &text));

    let mut attributes = Vec::new();
    let mut attribute_source = None;
    for key in ["attributes", "traits"] {
        if let Some(value) = document.remove(key) {
            if attribute_source.is_some() {
                r.warn(key, WarningKind::Dropped, "attributes are already given");
                continue;
            }
            if key != "attributes" {
                r.warn(key, WarningKind::Converted, "used as attributes");
            }
            attribute_source = Some(key);
            attributes = read_attributes(r, key, value);
        }
    }

    let mut properties = Properties::default();
    if let Some(value) = document.remove("properties") {
        read_properties(r, value, &mut properties, &mut attributes);
    }
    if let Some(value) = document.remove("formats") {
        read_tzip_formats(r, value, &mut properties);
    }
    if let Some(value) = document.remove("localization") {
        let locales = value
            .get("locales")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let default = value.get("default").and_then(Value::as_str).unwrap_or("?");
        r.warn(
            "localization",
            WarningKind::Dropped,
            format!("translations into {locales} locales not fetched; the document's own text (locale {default}) is kept"),
        );
    }
    let kiln = document.remove("kiln").and_then(|value| {
        match serde_json::from_value::<Provenance>(value) {
            Ok(provenance) => Some(provenance),
            Err(error) => {
                r.warn(
                    "kiln",
                    WarningKind::Invalid,
                    format!("not Kiln provenance: {error}"),
                );
                None
            }
        }
    });

    let mut leftover: Vec<String> = document.keys().cloned().collect();
    leftover.sort();
    for key in leftover {
        r.warn(key, WarningKind::Dropped, "not part of Kiln's metadata");
    }

    Ok(Normalised {
        metadata: ItemMetadata {
            name,
            description,
            image,
            animation_url,
            external_url,
            background_color,
            attributes,
            properties,
            kiln,
        },
        warnings: reader.warnings,
    })
}

fn take_uri(r: &mut Reader, document: &mut Map<String, Value>, key: &str) -> Option<ItemUri> {
    document.remove(key).and_then(|value| r.uri(key, value))
}

fn background_colour(r: &mut Reader, text: &str) -> Option<String> {
    let hex = text.trim_start_matches('#').to_ascii_lowercase();
    let hex = if hex.len() == 3 {
        hex.chars().flat_map(|c| [c, c]).collect()
    } else {
        hex
    };
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        if hex != text {
            r.warn(
                "background_color",
                WarningKind::Rewritten,
                format!("'{text}' written as '{hex}'"),
            );
        }
        Some(hex)
    } else {
        r.warn(
            "background_color",
            WarningKind::Invalid,
            format!("'{text}' is not a hex colour like 'ffffff'"),
        );
        None
    }
}

fn read_attributes(r: &mut Reader, key: &str, value: Value) -> Vec<Attribute> {
    let mut attributes = Vec::new();
    match value {
        Value::Array(items) => {
            for (index, item) in items.into_iter().enumerate() {
                let field = format!("{key}[{index}]");
                if let Some(attribute) = read_attribute(r, &field, item) {
                    attributes.push(attribute);
                }
            }
        }
        Value::Object(map) => {
            r.warn(
                key,
                WarningKind::Converted,
                "a map of traits, written as a list",
            );
            for (trait_type, value) in map {
                let field = format!("{key}.{trait_type}");
                if let Some(value) = attribute_value(r, &field, value, None) {
                    attributes.push(Attribute {
                        trait_type: Some(trait_type.trim().to_owned()),
                        value,
                        display_type: None,
                        max_value: None,
                    });
                }
            }
        }
        Value::Null => {}
        other => r.warn(
            key,
            WarningKind::Invalid,
            format!("expected a list of traits, found {}", kind_of(&other)),
        ),
    }
    attributes
}

fn read_attribute(r: &mut Reader, field: &str, item: Value) -> Option<Attribute> {
    let mut map = match item {
        Value::Object(map) => map,
        // A bare value: a trait without a type.
        scalar @ (Value::String(_) | Value::Number(_) | Value::Bool(_)) => {
            let value = attribute_value(r, field, scalar, None)?;
            return Some(Attribute {
                trait_type: None,
                value,
                display_type: None,
                max_value: None,
            });
        }
        other => {
            r.warn(
                field,
                WarningKind::Invalid,
                format!("expected a trait, found {}", kind_of(&other)),
            );
            return None;
        }
    };
    let mut trait_type = None;
    for key in ["trait_type", "name", "key", "trait"] {
        if let Some(value) = map.remove(key) {
            let sub = format!("{field}.{key}");
            if trait_type.is_none() {
                trait_type = r.text(&sub, value);
                if trait_type.is_some() && key != "trait_type" {
                    r.warn(sub, WarningKind::Converted, "used as trait_type");
                }
            } else {
                r.warn(sub, WarningKind::Dropped, "trait_type is already given");
            }
        }
    }
    let display_type = map
        .remove("display_type")
        .and_then(|value| r.text(&format!("{field}.display_type"), value))
        .map(|text| text.to_ascii_lowercase())
        .filter(|text| !text.is_empty());
    if let Some(display) = &display_type
        && !["number", "boost_number", "boost_percentage", "date"].contains(&display.as_str())
    {
        r.warn(
            format!("{field}.display_type"),
            WarningKind::Unchecked,
            format!("'{display}' is not one of OpenSea's display types (number, boost_number, boost_percentage, date)"),
        );
    }
    let max_value = map.remove("max_value").and_then(|value| {
        let sub = format!("{field}.max_value");
        number_of(r, &sub, value)
    });
    let Some(value) = map.remove("value") else {
        r.warn(field, WarningKind::Invalid, "a trait without a value");
        return None;
    };
    let value = attribute_value(r, &format!("{field}.value"), value, display_type.as_deref())?;
    let mut rest: Vec<&String> = map.keys().collect();
    rest.sort();
    for key in rest {
        r.warn(
            format!("{field}.{key}"),
            WarningKind::Dropped,
            "not part of an OpenSea trait",
        );
    }
    Some(Attribute {
        trait_type,
        value,
        display_type,
        max_value,
    })
}

/// A trait's value; numbers given as text become numbers where the display type says so, and
/// dates in milliseconds become seconds.
fn attribute_value(
    r: &mut Reader,
    field: &str,
    value: Value,
    display_type: Option<&str>,
) -> Option<AttributeValue> {
    let numeric = display_type.is_some_and(|display| {
        ["number", "boost_number", "boost_percentage", "date"].contains(&display)
    });
    let value = match value {
        Value::Number(number) => match number.as_f64() {
            Some(number)
                if number.abs() <= super::MAX_JSON_INTEGER as f64 || number.fract() != 0.0 =>
            {
                AttributeValue::Number(number)
            }
            _ => {
                r.warn(
                    field,
                    WarningKind::Converted,
                    "an integer too large for a JSON number, kept as text",
                );
                AttributeValue::Text(number.to_string())
            }
        },
        Value::String(text) if numeric => match text.trim().parse::<f64>() {
            Ok(number) if number.is_finite() => {
                r.warn(field, WarningKind::Converted, "a number given as text");
                AttributeValue::Number(number)
            }
            _ => {
                r.warn(
                    field,
                    WarningKind::Invalid,
                    format!("'{text}' is not a number"),
                );
                return None;
            }
        },
        Value::String(text) => {
            let trimmed = text.trim();
            if trimmed.len() != text.len() {
                r.warn(
                    field,
                    WarningKind::Rewritten,
                    "surrounding whitespace removed",
                );
            }
            AttributeValue::Text(trimmed.to_owned())
        }
        Value::Bool(flag) => {
            r.warn(
                field,
                WarningKind::Converted,
                "a true/false value, written as text",
            );
            AttributeValue::Text(flag.to_string())
        }
        Value::Null => {
            r.warn(field, WarningKind::Dropped, "a trait whose value is null");
            return None;
        }
        other => {
            r.warn(
                field,
                WarningKind::Invalid,
                format!("a trait value cannot be {}", kind_of(&other)),
            );
            return None;
        }
    };
    // OpenSea's dates are Unix seconds; values past the year 5000 in seconds are milliseconds.
    if display_type == Some("date")
        && let AttributeValue::Number(number) = value
        && number > 1e11
    {
        r.warn(
            field,
            WarningKind::Converted,
            "a date in milliseconds, written in seconds",
        );
        return Some(AttributeValue::Number((number / 1000.0).floor()));
    }
    Some(value)
}

fn number_of(r: &mut Reader, field: &str, value: Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => match text.trim().parse::<f64>() {
            Ok(number) if number.is_finite() => {
                r.warn(field, WarningKind::Converted, "a number given as text");
                Some(number)
            }
            _ => {
                r.warn(
                    field,
                    WarningKind::Invalid,
                    format!("'{text}' is not a number"),
                );
                None
            }
        },
        Value::Null => None,
        other => {
            r.warn(
                field,
                WarningKind::Invalid,
                format!("expected a number, found {}", kind_of(&other)),
            );
            None
        }
    }
}

/// Metaplex's `properties` (files, category) or ERC-1155's free-form properties (simple values
/// become traits).
fn read_properties(
    r: &mut Reader,
    value: Value,
    properties: &mut Properties,
    attributes: &mut Vec<Attribute>,
) {
    let Value::Object(map) = value else {
        if !value.is_null() {
            r.warn(
                "properties",
                WarningKind::Invalid,
                format!("expected an object, found {}", kind_of(&value)),
            );
        }
        return;
    };
    for (key, value) in map {
        let field = format!("properties.{key}");
        match key.as_str() {
            "category" => {
                properties.category = r.text(&field, value).filter(|text| !text.is_empty())
            }
            "files" => {
                let Value::Array(files) = value else {
                    r.warn(field, WarningKind::Invalid, "expected a list of files");
                    continue;
                };
                for (index, file) in files.into_iter().enumerate() {
                    let field = format!("properties.files[{index}]");
                    let (uri, media_type) = match file {
                        Value::Object(mut file) => (
                            file.remove("uri"),
                            file.remove("type").or_else(|| file.remove("mimeType")),
                        ),
                        uri @ Value::String(_) => (Some(uri), None),
                        other => {
                            r.warn(
                                field,
                                WarningKind::Invalid,
                                format!("expected a file, found {}", kind_of(&other)),
                            );
                            continue;
                        }
                    };
                    let Some(uri) = uri.and_then(|uri| r.uri(&format!("{field}.uri"), uri)) else {
                        continue;
                    };
                    let media_type = media_type
                        .and_then(|value| r.text(&format!("{field}.type"), value))
                        .unwrap_or_else(|| {
                            r.warn(
                                &field,
                                WarningKind::Missing,
                                "no media type; written as application/octet-stream",
                            );
                            "application/octet-stream".to_owned()
                        });
                    properties.files.push(FileRef { uri, media_type });
                }
            }
            _ => match value {
                // ERC-1155: `"properties": {"rarity": "rare"}` or `{"name": …, "value": …}`.
                Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                    if let Some(value) = attribute_value(r, &field, value, None) {
                        r.warn(
                            &field,
                            WarningKind::Converted,
                            "an ERC-1155 property, written as a trait",
                        );
                        attributes.push(Attribute {
                            trait_type: Some(key.clone()),
                            value,
                            display_type: None,
                            max_value: None,
                        });
                    }
                }
                Value::Object(inner) if inner.contains_key("value") => {
                    let trait_type = inner
                        .get("name")
                        .and_then(Value::as_str)
                        .map_or_else(|| key.clone(), str::to_owned);
                    let display_type = inner
                        .get("display_type")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    let value = inner.get("value").cloned().unwrap_or(Value::Null);
                    if let Some(value) = attribute_value(
                        r,
                        &format!("{field}.value"),
                        value,
                        display_type.as_deref(),
                    ) {
                        r.warn(
                            &field,
                            WarningKind::Converted,
                            "an ERC-1155 property, written as a trait",
                        );
                        attributes.push(Attribute {
                            trait_type: Some(trait_type),
                            value,
                            display_type,
                            max_value: None,
                        });
                    }
                }
                _ => r.warn(field, WarningKind::Dropped, "not part of Kiln's metadata"),
            },
        }
    }
}

/// TZIP-21's `formats`: `[{uri, mimeType}]`, written as Metaplex-style files.
fn read_tzip_formats(r: &mut Reader, value: Value, properties: &mut Properties) {
    let Value::Array(formats) = value else {
        r.warn(
            "formats",
            WarningKind::Invalid,
            "expected a list of formats",
        );
        return;
    };
    r.warn(
        "formats",
        WarningKind::Converted,
        "TZIP-21 formats written as properties.files",
    );
    for (index, format) in formats.into_iter().enumerate() {
        let field = format!("formats[{index}]");
        let Value::Object(mut format) = format else {
            r.warn(field, WarningKind::Invalid, "expected a format object");
            continue;
        };
        let Some(uri) = format
            .remove("uri")
            .and_then(|uri| r.uri(&format!("{field}.uri"), uri))
        else {
            continue;
        };
        let media_type = format
            .remove("mimeType")
            .and_then(|value| r.text(&format!("{field}.mimeType"), value))
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        if !properties.files.iter().any(|file| file.uri == uri) {
            properties.files.push(FileRef { uri, media_type });
        }
    }
}

/// A token id (decimal, or `0x` hex) as the 64 lowercase hex digits ERC-1155's `{id}` wants.
fn token_id_hex(text: &str) -> Result<String, MetadataError> {
    let bad = |reason: &str| MetadataError::Invalid {
        field: "token id".into(),
        reason: format!("'{text}' {reason}"),
    };
    let text = text.trim();
    let hex = if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        if hex.is_empty() || hex.len() > 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("is not a hex number of at most 64 digits"));
        }
        hex.to_ascii_lowercase()
    } else {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("is not a decimal or 0x-hex token id"));
        }
        // Decimal to base 256, big-endian, within 256 bits.
        let mut bytes = [0u8; 32];
        for digit in text.bytes().map(|b| u32::from(b - b'0')) {
            let mut carry = digit;
            for byte in bytes.iter_mut().rev() {
                let value = u32::from(*byte) * 10 + carry;
                *byte = (value & 0xff) as u8;
                carry = value >> 8;
            }
            if carry != 0 {
                return Err(bad("does not fit in 256 bits"));
            }
        }
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    };
    Ok(format!("{hex:0>64}"))
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_ids_become_erc1155_hex() {
        assert_eq!(token_id_hex("1").unwrap(), format!("{:0>64}", "1"));
        assert_eq!(token_id_hex("314592").unwrap(), format!("{:0>64}", "4cce0"));
        assert_eq!(
            token_id_hex("0x4CCE0").unwrap(),
            format!("{:0>64}", "4cce0")
        );
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert_eq!(token_id_hex(max).unwrap(), "f".repeat(64));
        assert!(
            token_id_hex(
                "115792089237316195423570985008687907853269984665640564039457584007913129639936"
            )
            .is_err()
        );
        assert!(token_id_hex("12a").is_err());
        assert!(token_id_hex("").is_err());
    }

    #[test]
    fn odd_documents_normalise_with_warnings() {
        let json = br##"{
            "name": "  Hammer ",
            "image": "https://ipfs.io/ipfs/QmeSjSinHpPnmXmspMjwiXyN6zS4E9zccariGR3jxcaWtq/{id}.png",
            "background_color": "#FFF",
            "attributes": {"Level": 5, "Rare": true, "Gone": null},
            "properties": {"rarity": "epic", "creators": [{"address": "x", "share": 100}]},
            "localization": {"uri": "ipfs://x/{locale}.json", "default": "en", "locales": ["en", "es"]},
            "symbol": "HMR"
        }"##;
        let normalised = ItemMetadata::from_foreign(
            json,
            &ForeignOptions {
                token_id: Some("10".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let metadata = &normalised.metadata;
        assert_eq!(metadata.name, "Hammer");
        let image = metadata.image.as_ref().unwrap().to_string();
        assert!(
            image.starts_with("ipfs://bafy") && image.ends_with(&format!("{:0>64}.png", "a")),
            "{image}"
        );
        assert_eq!(metadata.background_color.as_deref(), Some("ffffff"));
        assert_eq!(
            metadata.trait_value("Level"),
            Some(&AttributeValue::Number(5.0))
        );
        assert_eq!(
            metadata.trait_value("Rare"),
            Some(&AttributeValue::Text("true".into()))
        );
        assert_eq!(
            metadata.trait_value("rarity"),
            Some(&AttributeValue::Text("epic".into()))
        );
        assert!(metadata.trait_value("Gone").is_none());
        let has = |field: &str, kind: WarningKind| {
            normalised
                .warnings
                .iter()
                .any(|w| w.field == field && w.kind == kind)
        };
        assert!(has("name", WarningKind::Rewritten));
        assert!(has("image", WarningKind::Rewritten));
        assert!(has("attributes", WarningKind::Converted));
        assert!(has("attributes.Gone", WarningKind::Dropped));
        assert!(has("properties.creators", WarningKind::Dropped));
        assert!(has("localization", WarningKind::Dropped));
        assert!(has("symbol", WarningKind::Dropped));
        // The result is canonical metadata like any other.
        let bytes = metadata.to_canonical_json();
        assert_eq!(
            ItemMetadata::from_canonical_json(&bytes, &Limits::default()).unwrap(),
            *metadata
        );
    }

    #[test]
    fn without_a_token_id_an_id_template_is_reported_not_guessed() {
        let normalised = ItemMetadata::from_foreign(
            br#"{"name": "x", "image": "ipfs://QmeSjSinHpPnmXmspMjwiXyN6zS4E9zccariGR3jxcaWtq/{id}.png"}"#,
            &ForeignOptions::default(),
        )
        .unwrap();
        assert!(normalised.metadata.image.is_none());
        assert!(
            normalised
                .warnings
                .iter()
                .any(|w| w.field == "image" && w.detail.contains("token id"))
        );
    }

    #[test]
    fn what_is_not_metadata_is_an_error() {
        for (json, expect) in [
            (&b"[1, 2]"[..], "not a JSON object"),
            (b"{\"name\": ", "not valid JSON"),
            (b"", "not valid JSON"),
        ] {
            let error = ItemMetadata::from_foreign(json, &ForeignOptions::default()).unwrap_err();
            assert!(error.to_string().contains(expect), "{error}");
        }
    }
}
