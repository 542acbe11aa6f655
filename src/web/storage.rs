//! What a browser tab keeps between visits: the data directory's SQLite databases (blockstore,
//! mint outbox), which live in SQLite's in-memory file system while the tab runs, and the
//! sandbox chain. The page holds them in IndexedDB (`kilnPage.keep`); it reads them all before
//! the client starts, and the client takes each back when it opens it.

use std::path::Path;

use bevy::log::warn;
use rusqlite::{Connection, MAIN_DB};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The bytes the page kept under `key` on an earlier visit (a `Uint8Array`, or `undefined`).
    #[wasm_bindgen(js_namespace = kilnPage, js_name = takeStored)]
    fn take_stored_js(key: &str) -> JsValue;

    /// Keeps `bytes` under `key` in IndexedDB; the page copies them before it returns.
    #[wasm_bindgen(js_namespace = kilnPage, js_name = keep, catch)]
    fn keep_js(key: &str, bytes: &[u8]) -> Result<js_sys::Promise, JsValue>;
}

/// The bytes kept under `key` on an earlier visit, once.
pub fn take(key: &str) -> Option<Vec<u8>> {
    let value = take_stored_js(key);
    value
        .dyn_ref::<js_sys::Uint8Array>()
        .map(js_sys::Uint8Array::to_vec)
}

/// Keeps `bytes` under `key` for the next visit (written in the background; a failure is
/// logged, and the tab goes on with what it has).
pub fn keep(key: &str, bytes: &[u8]) {
    let key_text = key.to_owned();
    match keep_js(key, bytes) {
        Ok(promise) => wasm_bindgen_futures::spawn_local(async move {
            if let Err(error) = wasm_bindgen_futures::JsFuture::from(promise).await {
                warn!(
                    "the browser did not keep {key_text}: {}",
                    super::describe(&error)
                );
            }
        }),
        Err(error) => warn!(
            "the browser did not keep {key}: {}",
            super::describe(&error)
        ),
    }
}

/// Puts the databases kept on an earlier visit back where SQLite finds them, before anything
/// opens them.
pub fn restore_databases(paths: &[&Path]) {
    for path in paths {
        let key = path.to_string_lossy();
        let Some(bytes) = take(&key) else { continue };
        if let Err(error) = restore_database(path, &bytes) {
            // The unusable copy stays in IndexedDB under another name: nothing is lost.
            keep(&format!("{key}.unreadable"), &bytes);
            warn!("{key} from an earlier visit cannot be read ({error}); starting it afresh");
        }
    }
}

fn restore_database(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let text = |error: rusqlite::Error| error.to_string();
    let mut kept = Connection::open_in_memory().map_err(text)?;
    kept.deserialize_read_exact(MAIN_DB, bytes, bytes.len(), false)
        .map_err(text)?;
    let mut target = Connection::open(path).map_err(text)?;
    let backup = rusqlite::backup::Backup::new(&kept, &mut target).map_err(text)?;
    // All pages in one step: a pause between steps would sleep, which a page cannot.
    match backup.step(-1).map_err(text)? {
        rusqlite::backup::StepResult::Done => Ok(()),
        other => Err(format!("the copy stopped: {other:?}")),
    }
}

/// Keeps the database at `path` as it is now.
pub fn keep_database(path: &Path) {
    let key = path.to_string_lossy();
    let bytes = Connection::open(path)
        .and_then(|mut connection| connection.serialize(MAIN_DB).map(|data| data.to_vec()));
    match bytes {
        Ok(bytes) => keep(&key, &bytes),
        Err(error) => warn!("cannot keep {key}: {error}"),
    }
}
