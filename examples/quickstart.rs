//! Adobe's Firefly quickstart in Rust: get a token, submit a generation job
//! for "a realistic illustration of a cat coding", wait for it, and print the
//! image URLs.
//!
//! Needs FIREFLY_SERVICES_CLIENT_ID and FIREFLY_SERVICES_CLIENT_SECRET (or
//! FIREFLY_SERVICES_ACCESS_TOKEN) from an Adobe Developer Console project:
//!
//! ```sh
//! cargo run --example quickstart
//! ```

use adobe_firefly::{Firefly, WaitOptions, types::GenerateImagesRequest};

#[tokio::main]
async fn main() {
    if let Err(error) = run().await {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), adobe_firefly::Error> {
    let firefly = Firefly::from_env()?;
    let job = firefly
        .generate_images(
            GenerateImagesRequest::builder().prompt("a realistic illustration of a cat coding"),
        )
        .await?;
    println!("submitted job {}", job.job_id);

    let result = firefly
        .wait_for_job_with(&job, &WaitOptions::default(), |status| {
            println!("  status: {}", status.status);
        })
        .await?;
    for output in &result.outputs {
        if let Some(image) = &output.image {
            println!(
                "image (seed {}): {}",
                output.seed.unwrap_or_default(),
                image.url
            );
        }
    }
    Ok(())
}
