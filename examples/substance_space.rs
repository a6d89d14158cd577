//! Substance 3D: upload files into a space and use it as a job input.
//!
//! ```sh
//! cargo run --features substance3d --example substance_space [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use common::substance3d;
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Writes a scene file, uploads it into a space (from disk: only regular
/// files are read, each bounded), and shows the space handle.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let file = example
        .write("chair", "gltf", &substance3d::scene_gltf())
        .await?;
    let space = example.firefly.substance3d().create_space([&file]).await?;
    println!("space {} at {}", space.id, space.url);
    match space.expires_at() {
        Some(at) => println!("expires {} ({at:?})", space.expiry),
        None => println!("expires {}", space.expiry),
    }
    for file in &space.files {
        println!("  {} ({} bytes)", file.name, file.size);
    }
    // As a job input, mounted under models/.
    let source = space.source_at("/models");
    println!("as a source: {}", json!(source));
    Ok(())
}
