//! Expand: upload a square image and have Firefly extend it to a wide
//! frame, generating what lies beyond its borders. Saves the results.
//!
//! ```sh
//! cargo run --example expand [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{ExpandImageRequest, InputImage, InputSource, Size},
};

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Uploads an image, expands it and saves the results.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    let upload = firefly.upload_image(common::gradient(512, 512)?).await?;
    println!("uploaded a 512x512 PNG as {}", upload.id);

    let request = ExpandImageRequest::builder()
        .image(InputImage::builder().source(InputSource::builder().upload_id(upload.id)))
        .prompt("a sandy beach under a clear sky".to_owned())
        .size(Some(Size {
            width: 1792,
            height: 1024,
        }))
        .num_variations(Some(2));
    let job = firefly.expand_image(request).await?;
    println!("submitted expand job {}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    example.save(&result, "expanded").await?;
    Ok(())
}
