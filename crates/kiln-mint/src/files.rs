//! The data directory's plain files (item folders, recorded deployments): on disk, or — in a
//! browser tab, which has no file system — rows of one SQLite database beside the others, which
//! the tab keeps in IndexedDB with them. Writing several is all or none either way.

use std::io;
use std::path::Path;

/// The database that holds a browser tab's files, in its data directory.
#[cfg(target_arch = "wasm32")]
pub const BROWSER_FILES: &str = "files.sqlite";

/// The bytes of the file at `path`.
pub(crate) fn read(path: &Path) -> io::Result<Vec<u8>> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::fs::read(path)
    }
    #[cfg(target_arch = "wasm32")]
    {
        use rusqlite::OptionalExtension;
        browser_files()?
            .query_row(
                "SELECT bytes FROM files WHERE path = ?1",
                [path.to_string_lossy()],
                |row| row.get::<_, Vec<u8>>(0),
            )
            .optional()
            .map_err(io::Error::other)?
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

/// Makes the folder `path` (a browser's files need none).
pub(crate) fn create_dir_all(path: &Path) -> io::Result<()> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::fs::create_dir_all(path)
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = path;
        Ok(())
    }
}

/// Writes every file in one transaction.
#[cfg(target_arch = "wasm32")]
pub(crate) fn write_all_in_browser(files: &[(&Path, &[u8])]) -> io::Result<()> {
    let mut connection = browser_files()?;
    let transaction = connection.transaction().map_err(io::Error::other)?;
    for (path, bytes) in files {
        transaction
            .execute(
                "INSERT OR REPLACE INTO files (path, bytes) VALUES (?1, ?2)",
                rusqlite::params![path.to_string_lossy(), bytes],
            )
            .map_err(io::Error::other)?;
    }
    transaction.commit().map_err(io::Error::other)
}

#[cfg(target_arch = "wasm32")]
fn browser_files() -> io::Result<rusqlite::Connection> {
    let path = Path::new(crate::data_dir::BROWSER_DATA_DIR).join(BROWSER_FILES);
    let connection = rusqlite::Connection::open(path).map_err(io::Error::other)?;
    connection
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, bytes BLOB NOT NULL)",
        )
        .map_err(io::Error::other)?;
    Ok(connection)
}
