//! Where an item's files live. Canonical metadata writes content-addressed files as
//! `ipfs://<CIDv1 base32>/<path>`; foreign metadata arrives with every spelling there is
//! (`ipfs://ipfs/…`, gateway URLs, subdomain gateways, CIDv0, bare CIDs, `ar://`, Arweave gateway
//! URLs, `data:`), and [`ItemUri::normalise`] turns each into one form, saying what it rewrote.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use kiln_ipfs::Cid;

use crate::shorten;

/// A file reference in item metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemUri {
    /// Content on IPFS: a CID (always written as CIDv1, base32) and an optional path inside it
    /// (without the leading slash; empty for the CID itself).
    Ipfs { cid: Cid, path: String },
    /// Content on Arweave: a transaction id and an optional path.
    Arweave { id: String, path: String },
    /// A location on the web (http or https): not content-addressed, so nobody can check it.
    Web(String),
    /// Bytes inside the URI (`data:`), as written.
    Data(String),
}

/// What [`ItemUri::normalise`] changed or found odd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UriNote {
    /// A gateway URL, `ipfs://ipfs/`, `/ipfs/`, a bare CID or CIDv0 rewritten as `ipfs://`.
    RewrittenAsIpfs(String),
    /// An Arweave gateway URL rewritten as `ar://`.
    RewrittenAsArweave(String),
    /// Whitespace or `<…>` around the URI, removed.
    Trimmed,
    /// Plain `http:`: neither content-addressed nor encrypted.
    Insecure,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    #[error("empty URI")]
    Empty,
    #[error("'{0}' is not a URI Kiln reads: use ipfs://, ar://, https:// or data:")]
    UnknownScheme(String),
    #[error("'{uri}' does not name a valid CID: {reason}")]
    BadCid { uri: String, reason: String },
    #[error("'{0}' is not a valid Arweave transaction id (43 characters of base64url)")]
    BadArweaveId(String),
    #[error("'{uri}' is not a valid URL: {reason}")]
    BadUrl { uri: String, reason: String },
    #[error("'{uri}' is not in canonical form; write it as {canonical}")]
    NotCanonical { uri: String, canonical: String },
    #[error("'{0}…' is not a valid data: URI (data:[media type][;base64],payload)")]
    BadData(String),
}

/// Hosts that serve Arweave content at `https://<host>/<tx id>/…`.
const ARWEAVE_GATEWAYS: &[&str] = &["arweave.net", "www.arweave.net", "ar-io.net", "arweave.dev"];

impl ItemUri {
    /// The canonical `ipfs://<CIDv1>/<path>` of a CID.
    pub fn ipfs(cid: Cid) -> Self {
        ItemUri::Ipfs {
            cid: to_v1(cid),
            path: String::new(),
        }
    }

    /// Reads any spelling found in the wild and returns the canonical form with notes on what
    /// was rewritten. `ItemUri::from_str` accepts only canonical forms.
    pub fn normalise(text: &str) -> Result<(ItemUri, Vec<UriNote>), UriError> {
        let mut notes = Vec::new();
        let mut uri = text.trim();
        if let Some(inner) = uri
            .strip_prefix('<')
            .and_then(|rest| rest.strip_suffix('>'))
        {
            uri = inner.trim();
        }
        if uri.len() != text.len() {
            notes.push(UriNote::Trimmed);
        }
        if uri.is_empty() {
            return Err(UriError::Empty);
        }
        let lower_scheme = uri
            .split_once(':')
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        match lower_scheme.as_deref() {
            Some("ipfs") => {
                let rest = &uri[5..];
                let rest = rest.trim_start_matches('/');
                let (rest, had_prefix) = match rest.strip_prefix("ipfs/") {
                    Some(inner) => (inner, true),
                    None => (rest, false),
                };
                let (cid, path, was_v0) = ipfs_parts(rest, uri)?;
                if had_prefix || was_v0 || !uri.starts_with("ipfs://") {
                    notes.push(UriNote::RewrittenAsIpfs(uri.to_owned()));
                }
                Ok((ItemUri::Ipfs { cid, path }, notes))
            }
            Some("ar") => {
                let rest = uri[3..].trim_start_matches('/');
                let (id, path) = split_first_segment(rest);
                check_arweave_id(id)?;
                Ok((
                    ItemUri::Arweave {
                        id: id.to_owned(),
                        path: path.to_owned(),
                    },
                    notes,
                ))
            }
            Some("data") => {
                check_data(uri)?;
                Ok((ItemUri::Data(uri.to_owned()), notes))
            }
            Some("http") | Some("https") => {
                let url = url::Url::parse(uri).map_err(|error| UriError::BadUrl {
                    uri: uri.to_owned(),
                    reason: error.to_string(),
                })?;
                if let Some((cid, path)) = gateway_cid(&url) {
                    notes.push(UriNote::RewrittenAsIpfs(uri.to_owned()));
                    return Ok((ItemUri::Ipfs { cid, path }, notes));
                }
                let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
                if ARWEAVE_GATEWAYS.contains(&host.as_str()) {
                    let rest = url.path().trim_start_matches('/');
                    let (id, path) = split_first_segment(rest);
                    if check_arweave_id(id).is_ok() {
                        notes.push(UriNote::RewrittenAsArweave(uri.to_owned()));
                        return Ok((
                            ItemUri::Arweave {
                                id: id.to_owned(),
                                path: path.to_owned(),
                            },
                            notes,
                        ));
                    }
                }
                if url.scheme() == "http" {
                    notes.push(UriNote::Insecure);
                }
                Ok((ItemUri::Web(url.to_string()), notes))
            }
            _ => {
                // `/ipfs/<cid>/…` or a bare CID.
                let bare = uri.strip_prefix("/ipfs/").unwrap_or(uri);
                match ipfs_parts(bare, uri) {
                    Ok((cid, path, _)) => {
                        notes.push(UriNote::RewrittenAsIpfs(uri.to_owned()));
                        Ok((ItemUri::Ipfs { cid, path }, notes))
                    }
                    Err(_) => Err(UriError::UnknownScheme(shorten(uri))),
                }
            }
        }
    }

    /// The CID of an IPFS URI.
    pub fn cid(&self) -> Option<Cid> {
        match self {
            ItemUri::Ipfs { cid, .. } => Some(*cid),
            _ => None,
        }
    }

    /// Whether anyone can check the bytes against the reference (IPFS, Arweave and data: are;
    /// a web URL is not).
    pub fn is_content_addressed(&self) -> bool {
        !matches!(self, ItemUri::Web(_))
    }

    /// The media type and bytes of a `data:` URI.
    pub fn data(&self) -> Option<(String, Vec<u8>)> {
        let ItemUri::Data(text) = self else {
            return None;
        };
        decode_data(text).ok()
    }

    /// A `data:` URI holding `bytes` of `media_type`, base64-encoded.
    pub fn data_from_bytes(media_type: &str, bytes: &[u8]) -> Self {
        ItemUri::Data(format!(
            "data:{media_type};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ))
    }
}

impl fmt::Display for ItemUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemUri::Ipfs { cid, path } if path.is_empty() => write!(f, "ipfs://{cid}"),
            ItemUri::Ipfs { cid, path } => write!(f, "ipfs://{cid}/{path}"),
            ItemUri::Arweave { id, path } if path.is_empty() => write!(f, "ar://{id}"),
            ItemUri::Arweave { id, path } => write!(f, "ar://{id}/{path}"),
            ItemUri::Web(url) | ItemUri::Data(url) => f.write_str(url),
        }
    }
}

impl FromStr for ItemUri {
    type Err = UriError;

    /// Canonical forms only: anything [`ItemUri::normalise`] would rewrite is refused.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (uri, notes) = ItemUri::normalise(text)?;
        if notes.iter().any(|note| *note != UriNote::Insecure) || uri.to_string() != text {
            return Err(UriError::NotCanonical {
                uri: shorten(text),
                canonical: shorten(&uri.to_string()),
            });
        }
        Ok(uri)
    }
}

impl serde::Serialize for ItemUri {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ItemUri {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

fn to_v1(cid: Cid) -> Cid {
    cid.into_v1().unwrap_or(cid)
}

/// `<cid>[/path][?query]` → the CIDv1, the path, and whether the CID was v0.
fn ipfs_parts(rest: &str, whole: &str) -> Result<(Cid, String, bool), UriError> {
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (cid_text, path) = split_first_segment(rest);
    let cid = Cid::try_from(cid_text).map_err(|error| UriError::BadCid {
        uri: shorten(whole),
        reason: error.to_string(),
    })?;
    let was_v0 = u64::from(cid.version()) == 0;
    Ok((to_v1(cid), path.trim_end_matches('/').to_owned(), was_v0))
}

/// Path gateways (`https://host/ipfs/<cid>/…`) and subdomain gateways
/// (`https://<cid>.ipfs.host/…`).
fn gateway_cid(url: &url::Url) -> Option<(Cid, String)> {
    let path = url.path();
    if let Some(rest) = path.strip_prefix("/ipfs/") {
        return ipfs_parts(rest, url.as_str())
            .ok()
            .map(|(cid, path, _)| (cid, path));
    }
    let host = url.host_str()?;
    let (label, domain) = host.split_once('.')?;
    if domain.starts_with("ipfs.") {
        let cid = Cid::try_from(label).ok()?;
        return Some((to_v1(cid), path.trim_matches('/').to_owned()));
    }
    None
}

fn split_first_segment(text: &str) -> (&str, &str) {
    match text.split_once('/') {
        Some((first, rest)) => (first, rest),
        None => (text, ""),
    }
}

fn check_arweave_id(id: &str) -> Result<(), UriError> {
    let valid = id.len() == 43
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(UriError::BadArweaveId(shorten(id)))
    }
}

fn check_data(uri: &str) -> Result<(), UriError> {
    decode_data(uri).map(|_| ())
}

/// The media type and payload of a data: URI (RFC 2397).
fn decode_data(uri: &str) -> Result<(String, Vec<u8>), UriError> {
    let bad = || UriError::BadData(shorten(uri));
    let rest = uri.get(5..).ok_or_else(bad)?;
    let (header, payload) = rest.split_once(',').ok_or_else(bad)?;
    let mut parameters = header.split(';');
    let media_type = parameters.next().unwrap_or_default();
    let media_type = if media_type.is_empty() {
        "text/plain".to_owned()
    } else {
        media_type.to_ascii_lowercase()
    };
    let base64 = header
        .split(';')
        .any(|parameter| parameter.eq_ignore_ascii_case("base64"));
    let bytes = if base64 {
        let compact: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .or_else(|_| {
                base64::engine::general_purpose::STANDARD_NO_PAD.decode(compact.as_bytes())
            })
            .map_err(|_| bad())?
    } else {
        percent_decode(payload)
    };
    Ok((media_type, bytes))
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const V0: &str = "QmeSjSinHpPnmXmspMjwiXyN6zS4E9zccariGR3jxcaWtq";

    fn normal(text: &str) -> (String, Vec<UriNote>) {
        let (uri, notes) = ItemUri::normalise(text).unwrap();
        (uri.to_string(), notes)
    }

    #[test]
    fn every_ipfs_spelling_becomes_one_canonical_uri() {
        let v1 = Cid::try_from(V0).unwrap().into_v1().unwrap().to_string();
        let canonical = format!("ipfs://{v1}/1.png");
        for spelling in [
            format!("ipfs://{V0}/1.png"),
            format!("ipfs://ipfs/{V0}/1.png"),
            format!("https://ipfs.io/ipfs/{V0}/1.png"),
            format!("https://gateway.pinata.cloud/ipfs/{v1}/1.png?filename=x"),
            format!("https://{v1}.ipfs.dweb.link/1.png"),
            format!("/ipfs/{V0}/1.png"),
            format!("{V0}/1.png"),
            format!("  <ipfs://{v1}/1.png> "),
        ] {
            let (uri, notes) = normal(&spelling);
            assert_eq!(uri, canonical, "{spelling}");
            assert!(!notes.is_empty(), "{spelling} was rewritten without a note");
        }
        let (uri, notes) = normal(&canonical);
        assert_eq!(uri, canonical);
        assert!(notes.is_empty());
        assert!(canonical.parse::<ItemUri>().is_ok());
        assert!(format!("ipfs://{V0}").parse::<ItemUri>().is_err());
    }

    #[test]
    fn arweave_web_and_data_uris() {
        let id = "nynJgGdU2F_yRd2pD1hBLnNeVxxtDNWJ62dJdjDlCbU";
        assert_eq!(
            normal(&format!("https://arweave.net/{id}?ext=png")).0,
            format!("ar://{id}")
        );
        assert_eq!(
            normal(&format!("ar://{id}/0.json")).0,
            format!("ar://{id}/0.json")
        );
        assert!(ItemUri::normalise("ar://short").is_err());
        let (uri, notes) = normal("http://example.com/a.png");
        assert_eq!(uri, "http://example.com/a.png");
        assert_eq!(notes, [UriNote::Insecure]);
        let (uri, _) = ItemUri::normalise("data:image/svg+xml;utf8,<svg%20/>").unwrap();
        assert_eq!(
            uri.data(),
            Some(("image/svg+xml".to_owned(), b"<svg />".to_vec()))
        );
        let uri = ItemUri::data_from_bytes("image/png", b"\x89PNG");
        assert_eq!(uri.data().unwrap().1, b"\x89PNG");
        assert!(ItemUri::normalise("data:image/png;base64,@@@").is_err());
    }

    #[test]
    fn nonsense_is_a_clear_error() {
        for text in [
            "",
            "   ",
            "ftp://x/y",
            "ipfs://notacid",
            "hello world",
            "https://",
        ] {
            let error = ItemUri::normalise(text).unwrap_err();
            assert!(!error.to_string().is_empty(), "{text}");
        }
    }
}
