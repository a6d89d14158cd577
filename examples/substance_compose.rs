//! Substance 3D: composite a 3D object into a background Firefly generates.
//!
//! ```sh
//! cargo run --features substance3d --example substance_compose [-- FOLDER]
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

/// Uploads a scene into a space and composites its hero asset into two
/// generated backgrounds; saves each image, background and mask.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let space = substance3d::scene_space(&example).await?;
    let request: adobe_firefly::substance3d::types::ComposeRequest =
        serde_json::from_value(json!({
            "sources": [space.source()],
            "sceneFile": "chair.gltf",
            "heroAsset": "Chair",
            "prompt": "a wooden chair on a sunny terrace by the sea",
            "numVariations": 2,
            "size": {"width": 1344, "height": 768},
        }))?;
    let job = example.firefly.substance3d().compose_scene(request).await?;
    substance3d::finish_job(&example, &job, "composite").await?;
    Ok(())
}
