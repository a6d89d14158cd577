//! The contact sheet: `index.html` in a batch's output folder, rebuilt from
//! the journal and the files on disk. `firefly image batch` rewrites it as each
//! prompt finishes, so an interrupted batch still has a correct page;
//! `firefly image gallery DIR` rebuilds it. The page is static (no script), works
//! from `file://`, and is written to a temporary file first and renamed, so
//! a reader never sees half a page.

mod render;
mod sheet;

use std::{
    io::{self, Write},
    path::{Path, PathBuf},
};

pub use sheet::{RowState, Sheet};

/// The page's file name in the output folder.
pub const FILE_NAME: &str = "index.html";

/// Rebuilds `index.html` in `dir` from its journal and files; the page's
/// path and what it shows.
pub fn write(dir: &Path) -> io::Result<(PathBuf, Sheet)> {
    let sheet = Sheet::read(dir)?;
    let html = render::page(&sheet);
    let path = dir.join(FILE_NAME);
    let temporary = dir.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(html.as_bytes())?;
        file.sync_all()
    });
    if let Err(error) = written.and_then(|()| std::fs::rename(&temporary, &path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    Ok((path, sheet))
}
