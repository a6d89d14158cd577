//! Precise composite: upload an object, a background and a mask marking
//! where in the background the object goes; Firefly places the object there
//! unchanged, blending its edges into the scene. Saves the composites.
//!
//! ```sh
//! cargo run --example precise_composite [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{CompositeBackground, CompositeImage, CompositeObject, PreciseCompositeRequest},
};

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Uploads the three images, composites them and saves the results.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    let object = firefly
        .upload_image(common::disc(128, [200, 30, 30], [255; 3])?)
        .await?;
    let scene = firefly.upload_image(common::gradient(512, 384)?).await?;
    // White where the object goes: a square in the middle of the scene.
    let area = firefly
        .upload_image(common::mask(512, 384, [192, 128, 320, 256])?)
        .await?;
    println!(
        "uploaded object {}, background {}, area mask {}",
        object.id, scene.id, area.id
    );

    let request = PreciseCompositeRequest::builder()
        .object(CompositeObject {
            image: CompositeImage::upload(object.id),
        })
        .background(CompositeBackground {
            image: CompositeImage::upload(scene.id),
            fill_area_mask: CompositeImage::upload(area.id),
        })
        .blend(Some(0.3))
        .seeds(vec![1, 2]);
    let job = firefly.precise_composite(request).await?;
    println!("submitted precise composite job {}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    if let Some(size) = result.size {
        println!(
            "composites are {}x{}, the background's size",
            size.width, size.height
        );
    }
    example.save(&result, "precise-composite").await?;
    Ok(())
}
