//! What the Photoshop examples share: an input image at a URL Photoshop
//! accepts, an Adobe-hosted output, and saving a finished job's outputs.
//!
//! Photoshop reads inputs from storage and writes outputs to storage; it
//! takes no uploads. So each example first makes an image with Firefly,
//! whose outputs wait at pre-signed URLs on Adobe's storage, and gives
//! Photoshop that URL. Outputs are Adobe-hosted (`validityPeriod`), then
//! downloaded: no storage account of your own is needed.

use std::path::PathBuf;

use adobe_firefly::{
    Firefly, WaitOptions,
    photoshop::{PhotoshopJob, types::JobStatus},
    types::GenerateImagesRequest,
};
use serde_json::{Value, json};

use super::{Example, Result};

/// A URL Photoshop can read an image from: made by Firefly for `prompt`.
pub async fn input_image_url(firefly: &Firefly, prompt: &str) -> Result<String> {
    let job = firefly
        .generate_images(GenerateImagesRequest::builder().prompt(prompt))
        .await?;
    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    let url = result
        .outputs
        .first()
        .and_then(|output| output.url())
        .ok_or("Firefly's job succeeded without an image URL")?;
    println!("made the input image with Firefly (job {})", job.job_id);
    Ok(url.to_owned())
}

/// An output of `media_type` that Adobe keeps for an hour and lists in the
/// job's status with a URL to download it from.
pub fn hosted_output(media_type: &str) -> Value {
    json!({"destination": {"validityPeriod": 3600}, "mediaType": media_type})
}

/// Waits for a Photoshop job, then saves each output it lists into the
/// example's folder as `NAME-1.EXT`, ... and returns the paths.
pub async fn finish_job(example: &Example, job: &PhotoshopJob, name: &str) -> Result<Vec<PathBuf>> {
    println!("submitted Photoshop job {}", job.job_id);
    let photoshop = example.firefly.photoshop();
    let done = photoshop.wait_for_job(job, &WaitOptions::default()).await?;
    let urls = output_urls(&done);
    let urls: Vec<Option<&str>> = urls.iter().map(|url| url.as_deref()).collect();
    example.save_urls(&urls, name).await
}

/// Each output's download URL. Adobe lists an output either with `url` or
/// with its `destination`'s `url`; auto-crop lists its crops instead, each
/// with the URL of its image.
fn output_urls(status: &JobStatus) -> Vec<Option<String>> {
    let Some(outputs) = status
        .result
        .as_ref()
        .and_then(|result| result.outputs.as_ref())
    else {
        return Vec::new();
    };
    let url_of = |output: &Value| {
        output["url"]
            .as_str()
            .or_else(|| output["destination"]["url"].as_str())
            .map(str::to_owned)
    };
    match outputs {
        Value::Array(list) => list.iter().map(url_of).collect(),
        crops => crops["crops"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|crop| crop["boundingBoxes"].as_array().into_iter().flatten())
            .map(url_of)
            .collect(),
    }
}
