//! Substance 3D: describe a scene: its statistics, cameras, materials and nodes.
//!
//! ```sh
//! cargo run --features substance3d --example substance_describe [-- FOLDER]
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

/// Uploads a scene into a space, describes it and prints what it holds.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let space = substance3d::scene_space(&example).await?;
    let request: adobe_firefly::substance3d::types::DescribeRequest =
        serde_json::from_value(json!({
            "sources": [space.source()],
            "sceneFile": "chair.gltf",
        }))?;
    let job = example
        .firefly
        .substance3d()
        .describe_scene(request)
        .await?;
    let result = substance3d::finish_job(&example, &job, "described").await?;
    let adobe_firefly::substance3d::Substance3dResult::Describe(described) = result else {
        return Err("a description was asked for".into());
    };
    let stats = described.stats;
    println!(
        "{} meshes, {} triangles; cameras {:?}; materials {:?}; up axis {}",
        stats.num_meshes,
        stats.num_triangles,
        stats.camera_names,
        stats.material_names,
        stats.scene_up_axis
    );
    let path = example
        .write("description", "json", &serde_json::to_vec_pretty(&stats)?)
        .await?;
    println!("saved {}", path.display());
    Ok(())
}
