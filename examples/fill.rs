//! Fill: upload an image and a mask, and have Firefly paint the masked
//! area as a prompt says (generative fill). Saves the results.
//!
//! ```sh
//! cargo run --example fill [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{FillImageRequest, InputImage, InputSource, Mask},
};

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Uploads an image and a mask, fills the masked area and saves the result.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    let image = firefly.upload_image(common::gradient(512, 512)?).await?;
    // White marks the area to fill: a square in the middle.
    let mask = firefly
        .upload_image(common::mask(512, 512, [160, 160, 352, 352])?)
        .await?;
    println!("uploaded image {} and mask {}", image.id, mask.id);

    let request = FillImageRequest::builder()
        .image(InputImage::builder().source(InputSource::builder().upload_id(image.id)))
        .mask(Mask::builder().source(InputSource::builder().upload_id(mask.id)))
        .prompt("a hot air balloon".to_owned());
    let job = firefly.fill_image(request).await?;
    println!("submitted fill job {}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    example.save(&result, "filled").await?;
    Ok(())
}
