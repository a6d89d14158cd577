//! Video: generate a short video from a prompt, wait for it (a video job is
//! polled like an image job) and save the MP4.
//!
//! ```sh
//! cargo run --example video [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{GenerateVideoRequest, VideoSize},
};

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Generates a video and saves it.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    let request = GenerateVideoRequest::builder()
        .prompt("waves rolling onto a beach at sunset, slow motion".to_owned())
        .sizes(vec![VideoSize {
            width: 1280,
            height: 720,
        }]);
    let job = firefly.generate_video(request).await?;
    println!("submitted video job {}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    example.save(&result, "waves").await?;
    Ok(())
}
