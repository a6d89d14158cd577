//! Substance 3D: assemble a scene from a base file and a material, written as GLB.
//!
//! ```sh
//! cargo run --features substance3d --example substance_assemble [-- FOLDER]
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

/// Uploads a scene into a space, assembles it with a solid red material
/// on the chair, and saves the GLB.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let space = substance3d::scene_space(&example).await?;
    let request: adobe_firefly::substance3d::types::AssembleRequest =
        serde_json::from_value(json!({
            "sources": [space.source()],
            "scene": {
                "baseFile": {"file": "chair.gltf"},
                "materials": [{"materialName": "Red", "nodeList": ["Chair"],
                               "material": {"solidColor": {"color": [0.8, 0.1, 0.1]}}}]
            },
            "encoding": "glb",
            "fileBaseName": "room",
        }))?;
    let job = example
        .firefly
        .substance3d()
        .assemble_scene(request)
        .await?;
    substance3d::finish_job(&example, &job, "assembled").await?;
    Ok(())
}
