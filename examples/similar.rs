//! Similar images: upload an image and have Firefly generate variations of
//! it, one per seed (the same seeds give the same variations again). Saves
//! them.
//!
//! ```sh
//! cargo run --example similar [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{GenerateSimilarImagesRequest, Size, SourceImage},
};

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Uploads an image and saves variations of it.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    let upload = firefly.upload_image(common::gradient(512, 512)?).await?;
    println!("uploaded a 512x512 PNG as {}", upload.id);

    let request = GenerateSimilarImagesRequest::builder()
        .image(SourceImage::upload(upload.id))
        .seeds(vec![11, 12, 13])
        .size(Some(Size {
            width: 1024,
            height: 1024,
        }));
    let job = firefly.generate_similar_images(request).await?;
    println!("submitted similar-images job {}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    for output in &result.outputs {
        println!("variation with seed {}", output.seed.unwrap_or_default());
    }
    example.save(&result, "similar").await?;
    Ok(())
}
