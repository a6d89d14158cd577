//! Photoshop auto-crop: find the subject of an image and crop to it.
//!
//! ```sh
//! cargo run --features photoshop --example photoshop_auto_crop [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set (the input image is made with
//! Firefly first); files go to FOLDER, or to a temporary folder deleted at
//! the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::photoshop::types::AutoCropRequest;
use common::photoshop;
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Makes an input image, runs the operation on it and saves what it made.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let input =
        photoshop::input_image_url(&example.firefly, "a dog sitting in an empty field").await?;

    let request: AutoCropRequest = serde_json::from_value(json!({
        "image": {"source": {"url": input}},
        "mode": "subjectCrop",
        "focus": ["dog"],
    }))?;
    let job = example.firefly.photoshop().auto_crop(request).await?;
    let saved = photoshop::finish_job(&example, &job, "cropped").await?;
    if saved.is_empty() {
        return Err("the job succeeded but listed no output to save".into());
    }
    Ok(())
}
