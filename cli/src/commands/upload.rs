//! `firefly image upload`: uploads an image file and prints its upload id; also
//! how the image commands upload a file given as their input.

use std::{path::Path, process::ExitCode};

use adobe_firefly::{Error, Firefly, types::UploadedImage};
use serde_json::json;

use crate::{context::Context, error::CliError};

pub async fn run(path: &Path, ctx: &Context) -> Result<ExitCode, CliError> {
    let uploaded = upload_file(ctx.firefly()?, path).await?;
    ctx.out
        .done(&uploaded.id, json!({"upload_id": uploaded.id}));
    Ok(ExitCode::SUCCESS)
}

/// Uploads an image file through `Firefly::upload_image_file`, which reads
/// only a regular file, never blocks on a FIFO and reads at most the upload
/// limit plus one byte. A file it cannot read, or refuses to (a directory,
/// a device, a FIFO, a `/proc` file), is [`CliError::InputFile`] naming
/// it; a file read but too large or not an image is the SDK's validation
/// error.
pub async fn upload_file(firefly: &Firefly, path: &Path) -> Result<UploadedImage, CliError> {
    firefly
        .upload_image_file(path)
        .await
        .map_err(|error| match error {
            // The only read of a named file an upload makes is this one.
            Error::Io {
                path: Some(path),
                writing: false,
                source,
                ..
            } => CliError::InputFile { path, source },
            other => CliError::Sdk(other),
        })
}
