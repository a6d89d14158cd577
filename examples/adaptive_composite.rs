//! Adaptive composite: upload an object with its own background and a mask
//! cutting it out, a scene and a mask marking where the object goes;
//! Firefly places the object and adapts its light, colour and shadow to
//! the scene. Saves the composite.
//!
//! ```sh
//! cargo run --example adaptive_composite [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{
        AdaptiveCompositeObject, AdaptiveCompositeRequest, CompositeBackground, CompositeImage,
    },
};

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Uploads the four images, composites them and saves the result.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    // The object sits on grey; its mask (white on black) says what is object.
    let object = firefly
        .upload_image(common::disc(128, [30, 160, 60], [128; 3])?)
        .await?;
    let object_mask = firefly
        .upload_image(common::disc(128, [255; 3], [0; 3])?)
        .await?;
    let scene = firefly.upload_image(common::gradient(512, 384)?).await?;
    let area = firefly
        .upload_image(common::mask(512, 384, [64, 192, 192, 320])?)
        .await?;
    println!("uploaded object, its mask, background and area mask");

    let request = AdaptiveCompositeRequest::builder()
        .object(AdaptiveCompositeObject {
            image: CompositeImage::upload(object.id),
            mask: Some(CompositeImage::upload(object_mask.id)),
        })
        .background(CompositeBackground {
            image: CompositeImage::upload(scene.id),
            fill_area_mask: CompositeImage::upload(area.id),
        })
        .harmonization(Some(0.8))
        .shadow_intensity(Some(0.5));
    let job = firefly.adaptive_composite(request).await?;
    println!("submitted adaptive composite job {}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    example.save(&result, "adaptive-composite").await?;
    Ok(())
}
