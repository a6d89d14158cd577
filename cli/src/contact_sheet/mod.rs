//! The contact sheet: `index.html` in a batch's output folder, rebuilt from
//! the journal and the files on disk. `firefly image batch` rewrites it as each
//! prompt finishes, so an interrupted batch still has a correct page;
//! `firefly image gallery DIR` rebuilds it. The page is static (no script), works
//! from `file://`, and is written to a new temporary file first and renamed
//! (see `files`), so a reader never sees half a page and a link planted as
//! `index.html` is replaced, never written through.

mod render;
mod sheet;

use std::{
    io,
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
    let path = crate::files::replace_with(&dir.join(FILE_NAME), html.as_bytes())?;
    Ok((path, sheet))
}
