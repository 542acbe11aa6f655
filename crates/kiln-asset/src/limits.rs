//! Limits on untrusted assets. Other players' items arrive from IPFS: every size, count and
//! nesting depth is checked against these before anything is allocated for it, so a hostile
//! file costs a typed error, never a panic or the player's memory.

/// The most an item may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of a metadata document.
    pub metadata_bytes: usize,
    /// Nesting of arrays and objects in any JSON we read (metadata, a GLB's JSON chunk).
    pub json_depth: usize,
    /// Values (numbers, strings, members…) in one JSON document.
    pub json_values: usize,
    /// Bytes of a GLB file.
    pub glb_bytes: usize,
    /// Vertices over all primitives of a GLB.
    pub vertices: usize,
    /// Triangles over all primitives of a GLB.
    pub triangles: usize,
    /// Scene nodes of a GLB.
    pub nodes: usize,
    /// Primitives over all meshes of a GLB.
    pub primitives: usize,
    /// Width and height of any embedded texture, in pixels.
    pub texture_side: u32,
}

impl Default for Limits {
    /// Generous for anything a world client should draw, and far below what would hurt it: Kiln's
    /// own items are about 10,000 triangles and 1 MB.
    fn default() -> Self {
        Limits {
            metadata_bytes: 1 << 20,
            json_depth: 32,
            json_values: 200_000,
            glb_bytes: 64 << 20,
            vertices: 1_000_000,
            triangles: 1_000_000,
            nodes: 1_024,
            primitives: 256,
            texture_side: 4_096,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("{what} is {size} but at most {limit} is accepted")]
    TooMany {
        what: &'static str,
        size: u64,
        limit: u64,
    },
    #[error("JSON nested {limit} levels deep or more: at most {limit} is accepted")]
    TooDeep { limit: usize },
}

impl LimitError {
    pub(crate) fn check(what: &'static str, size: u64, limit: u64) -> Result<(), LimitError> {
        if size > limit {
            Err(LimitError::TooMany { what, size, limit })
        } else {
            Ok(())
        }
    }
}

/// Size, depth and value count of a JSON document, checked on its bytes before any parser
/// builds a tree of it. Strings are skipped correctly (escaped quotes included); whether the
/// document is valid JSON is the parser's business afterwards.
pub fn check_json_shape(bytes: &[u8], limits: &Limits) -> Result<(), LimitError> {
    LimitError::check(
        "the JSON document's size in bytes",
        bytes.len() as u64,
        limits.metadata_bytes.max(1) as u64,
    )?;
    let mut depth = 0usize;
    let mut values = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in bytes {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                values += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                values += 1;
                if depth >= limits.json_depth {
                    return Err(LimitError::TooDeep {
                        limit: limits.json_depth,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' | b':' => values += 1,
            _ => {}
        }
        if values > limits.json_values {
            return Err(LimitError::TooMany {
                what: "the number of JSON values",
                size: values as u64,
                limit: limits.json_values as u64,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_large_and_crowded_json_is_refused_before_parsing() {
        let limits = Limits::default();
        assert!(check_json_shape(br#"{"a":[1,2,{"b":"[[[[\"]]]]"}]}"#, &limits).is_ok());
        let deep = "[".repeat(40) + &"]".repeat(40);
        assert_eq!(
            check_json_shape(deep.as_bytes(), &limits),
            Err(LimitError::TooDeep { limit: 32 })
        );
        // Brackets inside strings do not count.
        let quoted = format!("{{\"a\":\"{}\"}}", "[".repeat(100));
        assert!(check_json_shape(quoted.as_bytes(), &limits).is_ok());
        let big = vec![b' '; limits.metadata_bytes + 1];
        assert!(matches!(
            check_json_shape(&big, &limits),
            Err(LimitError::TooMany { .. })
        ));
        let crowded = format!("[{}0]", "0,".repeat(limits.json_values + 1));
        let roomy = Limits {
            metadata_bytes: 1 << 24,
            ..limits
        };
        assert!(matches!(
            check_json_shape(crowded.as_bytes(), &roomy),
            Err(LimitError::TooMany { .. })
        ));
    }
}
