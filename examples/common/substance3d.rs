//! What the Substance 3D examples share: a small glTF scene made in code
//! and uploaded into a space, and waiting for a job and saving its files.

use adobe_firefly::{
    WaitOptions,
    substance3d::{Space, Substance3dJob, Substance3dResult},
};
use serde_json::json;

use super::{Example, Result};

/// A one-triangle glTF scene with a camera and a material, as JSON: small
/// enough to write in code, valid for any glTF reader.
pub fn scene_gltf() -> Vec<u8> {
    // Three vertices, (0,0,0) (1,0,0) (0,1,0) as little-endian f32, in
    // Base64 for the buffer's data URI.
    let data = "AAAAAAAAAAAAAAAAAACAPwAAAAAAAAAAAAAAAAAAgD8AAAAA";
    serde_json::to_vec(&json!({
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0, 1]}],
        "nodes": [
            {"name": "Chair", "mesh": 0},
            {"name": "Camera", "camera": 0, "translation": [0.3, 0.3, 2.0]}
        ],
        "cameras": [{"name": "Main", "type": "perspective",
                     "perspective": {"yfov": 0.8, "znear": 0.1}}],
        "materials": [{"name": "Wood", "pbrMetallicRoughness": {"baseColorFactor": [0.6, 0.4, 0.2, 1.0]}}],
        "meshes": [{"name": "ChairMesh", "primitives": [{"attributes": {"POSITION": 0}, "material": 0}]}],
        "buffers": [{"byteLength": 36, "uri": format!("data:application/octet-stream;base64,{data}")}],
        "bufferViews": [{"buffer": 0, "byteLength": 36}],
        "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
                       "min": [0.0, 0.0, 0.0], "max": [1.0, 1.0, 0.0]}]
    }))
    .expect("JSON always serializes")
}

/// A new space holding the scene as `chair.gltf`.
pub async fn scene_space(example: &Example) -> Result<Space> {
    let space = example
        .firefly
        .substance3d()
        .create_space_from([("chair.gltf".to_owned(), scene_gltf().into())])
        .await?;
    println!("space {} (expires {})", space.id, space.expiry);
    Ok(space)
}

/// Waits for the job (printing each state) and saves the files it made as
/// `NAME-1.EXT`...; returns its result.
pub async fn finish_job(
    example: &Example,
    job: &Substance3dJob,
    name: &str,
) -> Result<Substance3dResult> {
    println!("job {} accepted; polling {}", job.id, job.url);
    let done = example
        .firefly
        .substance3d()
        .wait_for_job_with(job, &WaitOptions::default(), |status| {
            println!("  {}", status.status);
        })
        .await?;
    let result = done.result.ok_or("the job succeeded but gave no result")?;
    let urls: Vec<Option<&str>> = result.output_urls().into_iter().map(Some).collect();
    example.save_urls(&urls, name).await?;
    Ok(result)
}
