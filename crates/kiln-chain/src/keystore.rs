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
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(KeystoreError::Io { path, source }),
        }
    }

    /// Makes a new random key protected by `passphrase`; refuses to replace an existing one.
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
        let (signer, _uuid) = PrivateKeySigner::new_keystore(
            &self.dir,
            &mut rand::thread_rng(),
            passphrase,
            Some(KEY_FILE),
        )
        .map_err(|error| KeystoreError::Corrupt {
            path: path.clone(),
            detail: error.to_string(),
        })?;
        restrict_to_owner(&path, 0o600).map_err(|source| KeystoreError::Io {
            path: path.clone(),
            source,
        })?;
        let address_path = self.dir.join(ADDRESS_FILE);
        std::fs::write(&address_path, format!("{}\n", signer.address())).map_err(|source| {
            KeystoreError::Io {
                path: address_path,
                source,
            }
        })?;
        Ok(signer)
    }

    /// Decrypts the key with `passphrase`.
    pub fn unlock(&self, passphrase: &str) -> Result<PrivateKeySigner, KeystoreError> {
        let path = self.path();
        if !path.exists() {
            return Err(KeystoreError::Missing { path });
        }
        PrivateKeySigner::decrypt_keystore(&path, passphrase).map_err(|error| match error {
            LocalSignerError::EthKeystoreError(eth_keystore::KeystoreError::MacMismatch) => {
                KeystoreError::WrongPassphrase { path }
            }
            other => KeystoreError::Corrupt {
                path,
                detail: other.to_string(),
            },
        })
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
}
