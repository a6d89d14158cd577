//! `firefly upload`: uploads an image file and prints its upload id; also
//! how the image commands upload a file given as their input.

use std::{path::Path, process::ExitCode};

use adobe_firefly::{Firefly, types::UploadedImage};
use serde_json::json;

use super::client;
use crate::{error::CliError, output::Output};

pub async fn run(path: &Path, out: &Output) -> Result<ExitCode, CliError> {
    let uploaded = upload_file(&client()?, path).await?;
    out.done(&uploaded.id, json!({"upload_id": uploaded.id}));
    Ok(ExitCode::SUCCESS)
}

/// Uploads an image file (format and size are checked by the SDK).
pub async fn upload_file(firefly: &Firefly, path: &Path) -> Result<UploadedImage, CliError> {
    Ok(firefly.upload_image_file(path).await?)
}
