//! Cancel: submit a job, ask Firefly to cancel it, then read its status.
//! Nothing is saved: a cancelled job has no outputs.
//!
//! ```sh
//! cargo run --example cancel
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set.

mod common;

use std::process::ExitCode;

use adobe_firefly::types::GenerateImagesRequest;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Submits a job, cancels it and prints its status.
async fn run() -> common::Result {
    // The emulator, when one is started, runs until `_emulator` is dropped.
    let (firefly, _emulator) = common::connect().await?;

    let request = GenerateImagesRequest::builder().prompt("a castle made of clouds");
    let job = firefly.generate_images(request).await?;
    println!("submitted job {}", job.job_id);

    firefly.cancel_job(&job).await?;
    println!("asked Firefly to cancel it");

    // A job that finished before the request came keeps its result; one
    // still running reads cancel_pending for a while, then cancelled.
    let status = firefly.job_status(&job).await?;
    let state = status.status.as_ref().map_or("unknown", |s| s.as_str());
    println!("its status is now {state}");
    Ok(())
}
