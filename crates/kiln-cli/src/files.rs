//! Output files are written whole or not at all: into a temporary file beside the target,
//! renamed over it only when everything was written and verified.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;

/// Runs `write` on a temporary file in `path`'s folder and renames it to `path` on success.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temporary = tempfile::NamedTempFile::new_in(folder).with_context(|| {
        format!(
            "cannot write into {}: does the folder exist and can you write to it?",
            folder.display()
        )
    })?;
    let mut writer = BufWriter::new(temporary.as_file());
    let result = write(&mut writer)?;
    writer
        .flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    drop(writer);
    temporary
        .as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    temporary
        .persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(result)
}

/// Opens `path` for reading, with an error that names it.
pub fn open(path: &Path) -> anyhow::Result<File> {
    File::open(path).with_context(|| format!("cannot read {}", path.display()))
}
