//! Image Model 5: generate an image from a prompt, in a 16:9 frame, wait
//! for the job and save the image.
//!
//! ```sh
//! cargo run --example image5_generate [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{AspectRatio, Image5Request},
};

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Generates an image with Image Model 5 and saves it.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    let request = Image5Request::builder()
        .prompt("a lighthouse on a cliff at dawn, watercolour")
        .aspect_ratio(AspectRatio::X169);
    let job = firefly.generate_image5(request).await?;
    println!("submitted Image Model 5 job {}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    example.save(&result, "lighthouse").await?;
    Ok(())
}
