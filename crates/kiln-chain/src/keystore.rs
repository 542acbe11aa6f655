//! The creator's signing key, in the standard encrypted keystore format (Web3 Secret Storage,
//! scrypt + AES-128-CTR, what geth, foundry and wallets import). The key is made on first use,
//! unlocked with a passphrase, and never printed or written in the clear. The address is
//! public and kept beside it, so it can be shown without asking for the passphrase.

use std::path::{Path, PathBuf};

use alloy::primitives::Address;
use alloy::signers::local::{LocalSignerError, PrivateKeySigner};

/// The keystore file's name in the data directory's `keystore/` folder.
pub const KEY_FILE: &str = "kiln-key.json";
const ADDRESS_FILE: &str = "kiln-key.address";
/// Where a key is written before it appears under [`KEY_FILE`], whole.
const STAGING_DIR: &str = ".creating";

/// Why the key could not be made or unlocked.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    #[error("the passphrase does not unlock {path}: try again (or set KILN_PASSPHRASE)")]
    WrongPassphrase { path: PathBuf },
    #[error("an empty passphrase protects nothing: choose one")]
    EmptyPassphrase,
    #[error("there is no key in {path} yet: create one with `kiln-cli key create`")]
    Missing { path: PathBuf },
    #[error("a key exists in {path} already; it was left untouched")]
    Exists { path: PathBuf },
    #[error("{path} is not a usable keystore ({detail}); it was left untouched")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The keystore in a data directory.
#[derive(Debug, Clone)]
pub struct Keystore {
    dir: PathBuf,
}

impl Keystore {
    /// The keystore of the data directory `data_dir` (nothing is read or made yet).
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("keystore"),
        }
    }

    /// The encrypted key file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(KEY_FILE)
    }

    pub fn exists(&self) -> bool {
        self.path().is_file()
    }

    /// The key's address, readable without the passphrase; `None` when there is no key.
    pub fn address(&self) -> Result<Option<Address>, KeystoreError> {
        if !self.exists() {
            return Ok(None);
        }
        let path = self.dir.join(ADDRESS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => text
                .trim()
                .parse()
                .map(Some)
                .map_err(|error| KeystoreError::Corrupt {
                    path,
                    detail: format!("not an address: {error}"),
                }),
            // A create stopped between the key and its address: the key is whole.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Err(KeystoreError::Corrupt {
                    path,
                    detail: "the key's address was not written down; unlock the key once (`kiln-cli key address` asks for its passphrase, or mint) and it is written again".into(),
                })
            }
            Err(source) => Err(KeystoreError::Io { path, source }),
        }
    }

    /// Makes a new random key protected by `passphrase`; refuses to replace an existing one.
    /// The key is written in a staging folder and linked into place, so it appears whole or
    /// not at all, and of two creates at once one makes the key and the other says it exists.
    pub fn create(&self, passphrase: &str) -> Result<PrivateKeySigner, KeystoreError> {
        if passphrase.is_empty() {
            return Err(KeystoreError::EmptyPassphrase);
        }
        let path = self.path();
        if path.exists() {
            return Err(KeystoreError::Exists { path });
        }
        let io = |source| KeystoreError::Io {
            path: self.dir.clone(),
            source,
        };
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        restrict_to_owner(&self.dir, 0o700).map_err(io)?;
        // Each create stages in a folder of its own; one an interrupted create left is removed.
        let staging = self
            .dir
            .join(format!("{STAGING_DIR}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir(&staging).map_err(io)?;
        let made = self.stage_and_link(&staging, passphrase);
        let _ = std::fs::remove_dir_all(&staging);
        let signer = made?;
        self.write_address(signer.address())?;
        Ok(signer)
    }

    fn stage_and_link(
        &self,
        staging: &Path,
        passphrase: &str,
    ) -> Result<PrivateKeySigner, KeystoreError> {
        let path = self.path();
        let (signer, _uuid) = PrivateKeySigner::new_keystore(
            staging,
            &mut rand::thread_rng(),
            passphrase,
            Some(KEY_FILE),
        )
        .map_err(|error| KeystoreError::Corrupt {
            path: path.clone(),
            detail: error.to_string(),
        })?;
        let staged = staging.join(KEY_FILE);
        let staged_io = |source| KeystoreError::Io {
            path: staged.clone(),
            source,
        };
        restrict_to_owner(&staged, 0o600).map_err(staged_io)?;
        std::fs::File::open(&staged)
            .and_then(|file| file.sync_all())
            .map_err(staged_io)?;
        // A link never replaces: the key already there wins.
        match std::fs::hard_link(&staged, &path) {
            Ok(()) => Ok(signer),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(KeystoreError::Exists { path })
            }
            Err(source) => Err(KeystoreError::Io { path, source }),
        }
    }

    /// Writes the key's address beside it, whole or not at all.
    fn write_address(&self, address: Address) -> Result<(), KeystoreError> {
        let path = self.dir.join(ADDRESS_FILE);
        let temporary = self
            .dir
            .join(format!("{ADDRESS_FILE}.{}.tmp", std::process::id()));
        std::fs::write(&temporary, format!("{address}\n"))
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(|source| KeystoreError::Io { path, source })
    }

    /// Decrypts the key with `passphrase`.
    pub fn unlock(&self, passphrase: &str) -> Result<PrivateKeySigner, KeystoreError> {
        let path = self.path();
        if !path.exists() {
            return Err(KeystoreError::Missing { path });
        }
        let signer =
            PrivateKeySigner::decrypt_keystore(&path, passphrase).map_err(|error| match error {
                LocalSignerError::EthKeystoreError(eth_keystore::KeystoreError::MacMismatch) => {
                    KeystoreError::WrongPassphrase { path }
                }
                other => KeystoreError::Corrupt {
                    path,
                    detail: other.to_string(),
                },
            })?;
        // Written again where a create stopped before it, or where it was lost.
        if !matches!(self.address(), Ok(Some(address)) if address == signer.address()) {
            self.write_address(signer.address())?;
        }
        Ok(signer)
    }

    /// Unlocks the key, or makes it on first use; says which.
    pub fn unlock_or_create(
        &self,
        passphrase: &str,
    ) -> Result<(PrivateKeySigner, bool), KeystoreError> {
        if self.exists() {
            Ok((self.unlock(passphrase)?, false))
        } else {
            Ok((self.create(passphrase)?, true))
        }
    }
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_unlocks_with_its_passphrase_only_and_is_never_stored_in_clear() {
        let dir = tempfile::tempdir().unwrap();
        let keystore = Keystore::in_data_dir(dir.path());
        assert_eq!(keystore.address().unwrap(), None);
        assert!(matches!(
            keystore.unlock("x"),
            Err(KeystoreError::Missing { .. })
        ));
        assert!(matches!(
            keystore.create(""),
            Err(KeystoreError::EmptyPassphrase)
        ));

        let (signer, created) = keystore.unlock_or_create("correct horse").unwrap();
        assert!(created);
        assert_eq!(keystore.address().unwrap(), Some(signer.address()));
        let file = std::fs::read_to_string(keystore.path()).unwrap();
        let secret = alloy::primitives::hex::encode(signer.to_bytes());
        assert!(!file.contains(&secret), "the key is in the file in clear");
        assert!(
            file.contains("\"crypto\""),
            "not a Web3 Secret Storage file: {file}"
        );

        let (again, created) = keystore.unlock_or_create("correct horse").unwrap();
        assert!(!created);
        assert_eq!(again.address(), signer.address());
        assert!(matches!(
            keystore.unlock("wrong horse"),
            Err(KeystoreError::WrongPassphrase { .. })
        ));
        assert!(matches!(
            keystore.create("another"),
            Err(KeystoreError::Exists { .. })
        ));
        assert_eq!(
            keystore.unlock("correct horse").unwrap().address(),
            signer.address()
        );
    }

    /// A create that stopped anywhere leaves either no key (and the next create makes one) or
    /// the whole key (whose address unlocking writes again); never a half key that blocks
    /// every create with "exists".
    #[test]
    fn an_interrupted_create_leaves_no_half_key() {
        let dir = tempfile::tempdir().unwrap();
        let keystore = Keystore::in_data_dir(dir.path());
        // Stopped while the key was written: a half file in the staging folder only.
        let staging = dir
            .path()
            .join("keystore")
            .join(format!("{STAGING_DIR}-{}", std::process::id()));
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(staging.join(KEY_FILE), b"{\"crypto\": {\"ciph").unwrap();
        assert!(!keystore.exists());
        assert_eq!(keystore.address().unwrap(), None);
        let signer = keystore.create("correct horse").unwrap();
        assert!(!staging.exists(), "the staging folder was left");
        assert_eq!(keystore.address().unwrap(), Some(signer.address()));

        // Stopped between the key and its address.
        std::fs::remove_file(dir.path().join("keystore").join(ADDRESS_FILE)).unwrap();
        let error = keystore.address().unwrap_err();
        assert!(error.to_string().contains("unlock the key once"), "{error}");
        assert!(matches!(
            keystore.create("correct horse"),
            Err(KeystoreError::Exists { .. })
        ));
        keystore.unlock("correct horse").unwrap();
        assert_eq!(keystore.address().unwrap(), Some(signer.address()));
    }
}
