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

/// Writes several files all or none: each goes to a temporary file beside its target first
/// (written and synced), and only when every one of them made it are they renamed into place,
/// in the order given. A full disk leaves the targets as they were, and no temporary file.
pub fn write_all_or_none(files: &[(&Path, &[u8])]) -> anyhow::Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let mut temporary = tempfile::NamedTempFile::new_in(folder).with_context(|| {
            format!(
                "cannot write into {}: does the folder exist and can you write to it?",
                folder.display()
            )
        })?;
        temporary
            .write_all(bytes)
            .and_then(|()| temporary.as_file().sync_all())
            .with_context(|| {
                format!(
                    "cannot write {} (is the disk full?); nothing was changed",
                    path.display()
                )
            })?;
        staged.push((temporary, *path));
    }
    for (temporary, path) in staged {
        temporary
            .persist(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Opens `path` for reading, with an error that names it.
pub fn open(path: &Path) -> anyhow::Result<File> {
    File::open(path).with_context(|| format!("cannot read {}", path.display()))
}
