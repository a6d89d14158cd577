//! Substance 3D: render a scene described in full (base file, camera, environment).
//!
//! ```sh
//! cargo run --features substance3d --example substance_render [-- FOLDER]
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

/// Uploads a scene into a space, renders it with a camera placed by
/// azimuth and altitude, and saves the image and its matte.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let space = substance3d::scene_space(&example).await?;
    let request: adobe_firefly::substance3d::types::RenderRequest =
        serde_json::from_value(json!({
            "sources": [space.source()],
            "scene": {
                "baseFile": {"file": "chair.gltf"},
                "camera": {"focal": 50.0, "transform": {"azimuthAltitude":
                    {"azimuth": 30.0, "altitude": 15.0, "lookAt": [0.3, 0.3, 0.0], "radius": 3.0}}}
            },
            "size": {"width": 800, "height": 600},
            "extraOutputs": {"exportMatte": {"includeNodes": ["Chair"]}},
        }))?;
    let job = example.firefly.substance3d().render_scene(request).await?;
    substance3d::finish_job(&example, &job, "scene").await?;
    Ok(())
}
