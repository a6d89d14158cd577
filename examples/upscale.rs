//! Upscale: upload a small image, make it four times wider and taller, save
//! the result and read its size from the downloaded file.
//!
//! ```sh
//! cargo run --example upscale [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{SourceImage, UpscaleFactor, UpscaleRequest},
};

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// How many times wider and taller: 2, 3, 4 or 6.
const FACTOR: i64 = 4;

/// Uploads an image, upscales it and prints the size of the saved file.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    let upload = firefly.upload_image(common::gradient(256, 192)?).await?;
    println!("uploaded a 256x192 PNG as {}", upload.id);

    // One output per seed; seeds are required here.
    let request = UpscaleRequest::builder()
        .image(SourceImage::upload(upload.id))
        .seeds(vec![7])
        .upscale_factor(UpscaleFactor(FACTOR));
    let job = firefly.upscale_image(request).await?;
    println!("submitted upscale job {}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    for path in example.save(&result, "upscaled").await? {
        // The result does not say the size: the file does.
        match common::png_size(&path) {
            Ok((width, height)) => {
                println!(
                    "{} is {width}x{height}: 256x192 times {FACTOR}",
                    path.display()
                );
            }
            Err(error) => println!("{}: size not read ({error})", path.display()),
        }
    }
    Ok(())
}
