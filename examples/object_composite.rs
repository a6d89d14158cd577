//! Object composite: upload a picture of an object and have Firefly
//! generate a scene around it from a prompt, keeping the object. Saves the
//! results.
//!
//! ```sh
//! cargo run --example object_composite [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{GenerateObjectCompositeRequest, InputImage, InputSource, Size},
};

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Uploads an object, generates a scene around it and saves the results.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    let object = firefly
        .upload_image(common::disc(256, [200, 30, 30], [255; 3])?)
        .await?;
    println!("uploaded the object as {}", object.id);

    let request = GenerateObjectCompositeRequest::builder()
        .image(InputImage::builder().source(InputSource::builder().upload_id(object.id)))
        .prompt("on a wooden table in a sunlit kitchen")
        .size(Some(Size {
            width: 1024,
            height: 1024,
        }));
    let job = firefly.generate_object_composite(request).await?;
    println!("submitted object composite job {}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    example.save(&result, "object-composite").await?;
    Ok(())
}
