//! Substance 3D: convert a glTF scene to USDZ.
//!
//! ```sh
//! cargo run --features substance3d --example substance_convert [-- FOLDER]
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

/// Uploads a scene into a space, converts it to USDZ and saves the file.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let space = substance3d::scene_space(&example).await?;
    let request: adobe_firefly::substance3d::types::ConvertRequest =
        serde_json::from_value(json!({
            "sources": [space.source()],
            "format": "usdz",
            "modelEntrypoint": "chair.gltf",
        }))?;
    let job = example.firefly.substance3d().convert_model(request).await?;
    substance3d::finish_job(&example, &job, "converted").await?;
    Ok(())
}
