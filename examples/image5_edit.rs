//! Image Model 5 edit: upload an image, then ask Image Model 5 to change it
//! as a prompt says (the image is the one reference in `referenceBlobs`),
//! and save the edited image.
//!
//! ```sh
//! cargo run --example image5_edit [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{Image5Request, ReferenceImage},
};

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Uploads an image, edits it with Image Model 5 and saves the edit.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    let upload = firefly.upload_image(common::gradient(512, 512)?).await?;
    println!("uploaded a 512x512 PNG as {}", upload.id);

    // An edit keeps the reference's shape, so no aspect ratio is given.
    let request = Image5Request::builder()
        .prompt("turn the sky into a starry night")
        .reference_blobs(vec![ReferenceImage::upload(upload.id)]);
    let job = firefly.generate_image5(request).await?;
    println!("submitted Image Model 5 edit job {}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    example.save(&result, "starry-night").await?;
    Ok(())
}
