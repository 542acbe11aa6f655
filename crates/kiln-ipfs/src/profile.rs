//! How a file is cut into blocks. The same bytes get another CID under another profile, so an
//! item records the profile it was added with.

use std::fmt;
use std::str::FromStr;

/// The UnixFS import settings of `ipfs add --cid-version=1` (raw leaves, sha2-256, balanced DAG).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ImportProfile {
    /// 256 KiB chunks, 174 links per node: Kubo's long-standing default, which gateways and
    /// clients (Decentraland's among them) verify against today.
    #[default]
    Legacy,
    /// Kubo's `unixfs-v1-2025` profile: 1 MiB chunks, 1,024 links per node.
    V1_2025,
}

impl ImportProfile {
    pub const ALL: [ImportProfile; 2] = [ImportProfile::Legacy, ImportProfile::V1_2025];

    /// Bytes per leaf block.
    pub fn chunk_size(self) -> usize {
        match self {
            Self::Legacy => 256 * 1024,
            Self::V1_2025 => 1024 * 1024,
        }
    }

    /// Most children of one DAG node.
    pub fn max_links(self) -> usize {
        match self {
            Self::Legacy => 174,
            Self::V1_2025 => 1024,
        }
    }

    /// The name used on the command line and in item metadata.
    pub fn name(self) -> &'static str {
        match self {
            Self::Legacy => "legacy",
            Self::V1_2025 => "v1-2025",
        }
    }
}

impl fmt::Display for ImportProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown import profile '{0}': use 'legacy' (256 KiB chunks) or 'v1-2025' (1 MiB chunks)")]
pub struct UnknownProfile(pub String);

impl FromStr for ImportProfile {
    type Err = UnknownProfile;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|profile| profile.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownProfile(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for profile in ImportProfile::ALL {
            assert_eq!(profile.name().parse::<ImportProfile>(), Ok(profile));
        }
        assert_eq!(
            " V1-2025 ".parse::<ImportProfile>(),
            Ok(ImportProfile::V1_2025)
        );
    }

    #[test]
    fn an_unknown_name_says_which_exist() {
        let error = "fast".parse::<ImportProfile>().unwrap_err().to_string();
        assert!(error.contains("'fast'") && error.contains("legacy") && error.contains("v1-2025"));
    }
}
