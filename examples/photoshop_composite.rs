//! Photoshop composite: make a new document from an image and save it as a
//! PNG and as a PSD.
//!
//! ```sh
//! cargo run --features photoshop --example photoshop_composite [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set (the input image is made with
//! Firefly first); files go to FOLDER, or to a temporary folder deleted at
//! the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::photoshop::types::CreateCompositeRequest;
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
    let input = photoshop::input_image_url(&example.firefly, "a mountain lake at sunrise").await?;

    let request: CreateCompositeRequest = serde_json::from_value(json!({
        "image": {"source": {"url": input}},
        "outputs": [
            photoshop::hosted_output("image/png"),
            photoshop::hosted_output("image/vnd.adobe.photoshop"),
        ],
    }))?;
    let job = example
        .firefly
        .photoshop()
        .create_composite(request)
        .await?;
    let saved = photoshop::finish_job(&example, &job, "composite").await?;
    if saved.is_empty() {
        return Err("the job succeeded but listed no output to save".into());
    }
    Ok(())
}
