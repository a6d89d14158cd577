//! `--stage URL`: the local input files of a Photoshop command, uploaded to
//! the user's own storage (feature `storage`), since Photoshop reads its
//! inputs from URLs only.
//!
//! In two steps, so that nothing is uploaded for a request that would be
//! refused: [`prepare`] reads each file (a regular file, bounded), names
//! it by its content, signs a GET URL for that name (sending nothing) and
//! puts the URL in place of the path; the command then builds and checks
//! its request (Adobe's schema, Photoshop's storage hosts), and only then
//! does [`Staging::upload`] write the files.
//!
//! An object's name is the SHA-256 of the file's bytes and its extension
//! (`PREFIX/3a7b...e1.png`): a rerun writes the same bytes under the same
//! name, and another file never takes that name, so no object of anyone
//! else's is replaced by different content.

use std::path::PathBuf;

use crate::{error::CliError, parse::StoredFile};

/// What the error says to get staging into a build without it.
pub const NEEDS_FEATURE: &str = "local files are staged by the CLI's `storage` feature, which \
     this build lacks: cargo install adobe-firefly-cli --features storage";

/// One local file, uploaded: where it came from and where it went.
#[derive(Clone, Debug)]
pub struct Staged {
    pub file: PathBuf,
    /// `URL/NAME`: the stage URL and the object's name, no signature.
    pub object: String,
}

impl Staged {
    /// The text line.
    pub fn line(&self) -> String {
        format!(
            "staged {} as {}",
            crate::terminal::terminal_safe(&self.file.display().to_string()),
            crate::terminal::terminal_safe(&self.object)
        )
    }

    /// The JSON entry.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({"file": self.file, "object": self.object})
    }
}

/// The local inputs of `files` become pre-signed URLs of objects under
/// `stage`, not yet written (see [`Staging::upload`]). Without local files
/// nothing is done (and no credentials are needed). Every problem is
/// found here, before anything is sent or uploaded: a local file without
/// `--stage`, a build without the feature, storage that cannot be used
/// (no bucket, no credentials), a file that cannot be read.
pub async fn prepare(
    files: Vec<&mut StoredFile>,
    stage: Option<&str>,
) -> Result<Option<Staging>, CliError> {
    if !cfg!(feature = "storage") && stage.is_some() {
        return Err(CliError::Usage(format!(
            "--stage (or {}) needs staging: {NEEDS_FEATURE}",
            crate::help::STAGE
        )));
    }
    let local: Vec<&mut StoredFile> = files
        .into_iter()
        .filter(|file| matches!(file, StoredFile::Local(_)))
        .collect();
    let Some(StoredFile::Local(first)) = local.first().map(|file| &**file) else {
        return Ok(None);
    };
    let Some(stage) = stage else {
        let how = if cfg!(feature = "storage") {
            format!(
                "give --stage s3://BUCKET/PREFIX (or {}) to upload it there",
                crate::help::STAGE
            )
        } else {
            NEEDS_FEATURE.to_owned()
        };
        return Err(CliError::Usage(format!(
            "`{}` is a local file, and Photoshop reads its inputs from cloud storage: it must \
             be staged first: {how}; or give its pre-signed https URL, or its Creative Cloud \
             path as cc:PATH",
            first.display()
        )));
    };
    staged(local, stage).await
}

#[cfg(feature = "storage")]
mod storage;

#[cfg(feature = "storage")]
pub use storage::Staging;
#[cfg(feature = "storage")]
use storage::staged;

/// Never made in a build without the feature.
#[cfg(not(feature = "storage"))]
pub enum Staging {}

#[cfg(not(feature = "storage"))]
impl Staging {
    pub async fn upload(self) -> Result<Vec<Staged>, CliError> {
        match self {}
    }
}

#[cfg(not(feature = "storage"))]
async fn staged(_: Vec<&mut StoredFile>, _: &str) -> Result<Option<Staging>, CliError> {
    Err(CliError::Usage(NEEDS_FEATURE.into()))
}
