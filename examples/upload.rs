//! Upload: send input images to Firefly storage, from memory and from a
//! file, and get the ids other operations take (valid for 7 days). Also
//! shows that a file Firefly would refuse is caught before it is sent.
//!
//! ```sh
//! cargo run --example upload [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Uploads an image from memory and from a file, and tries a GIF.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    // From memory: the format is read from the first bytes.
    let image = common::gradient(640, 480)?;
    let uploaded = firefly.upload_image(image.clone()).await?;
    println!("uploaded a 640x480 PNG from memory as {}", uploaded.id);

    // From a file: its size is checked before anything is read or sent.
    let path = example.write("gradient", "png", &image).await?;
    let uploaded = firefly.upload_image_file(&path).await?;
    println!("uploaded {} as {}", path.display(), uploaded.id);

    // Firefly takes PNG, JPEG and WebP; anything else is refused here.
    match firefly.upload_image(b"GIF89a not accepted".to_vec()).await {
        Err(error) if error.is_validation() => println!("a GIF is refused unsent: {error}"),
        Err(error) => return Err(error.into()),
        Ok(uploaded) => return Err(format!("a GIF was accepted as {}", uploaded.id).into()),
    }
    Ok(())
}
