//! `firefly upload`: uploads an image file and prints its upload id; also
//! how the image commands upload a file given as their input.

use std::{io, path::Path, process::ExitCode};

use adobe_firefly::{Firefly, MAX_UPLOAD_BYTES, types::UploadedImage};
use serde_json::json;

use super::client;
use crate::{error::CliError, output::Output};

pub async fn run(path: &Path, out: &Output) -> Result<ExitCode, CliError> {
    let uploaded = upload_file(&client()?, path).await?;
    out.done(&uploaded.id, json!({"upload_id": uploaded.id}));
    Ok(ExitCode::SUCCESS)
}

/// Uploads an image file. The file is read here rather than by
/// `Firefly::upload_image_file`, whose read errors are worded as failed
/// download writes: a missing, unreadable or directory path is reported as
/// a file that cannot be read, naming it. The SDK still checks the image's
/// format and size.
pub async fn upload_file(firefly: &Firefly, path: &Path) -> Result<UploadedImage, CliError> {
    let unreadable = |source| CliError::InputFile {
        path: path.to_owned(),
        source,
    };
    let metadata = tokio::fs::metadata(path).await.map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(unreadable(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory",
        )));
    }
    if metadata.len() > MAX_UPLOAD_BYTES {
        // Too big to send: the SDK refuses it from its size alone, unread.
        return Ok(firefly.upload_image_file(path).await?);
    }
    let image = tokio::fs::read(path).await.map_err(unreadable)?;
    Ok(firefly.upload_image(image).await?)
}
