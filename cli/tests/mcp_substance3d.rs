//! The Substance 3D tool of `firefly mcp`, driven by rmcp's client against
//! the emulator, with the model on a storage server on 127.0.0.1:
//! `substance_render` saves a PNG of the size asked (with a preview), and
//! a source that is not a URL is refused before anything is sent.

mod common;
mod mcp_support;
mod storage;

use std::path::PathBuf;

use adobe_firefly_emulator::Emulator;
use mcp_support::*;
use serde_json::json;
use storage::Storage;

fn gltf() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "asset": {"version": "2.0"},
        "scenes": [{"nodes": [0]}],
        "nodes": [{"name": "Chair"}],
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn substance_render_saves_the_render_of_a_model_at_a_url() {
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    let model = storage.input("chair.gltf", gltf());
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&emulator, dir.path(), false).await;
    let tools = server.client.list_all_tools().await.unwrap();
    let render = tools.iter().find(|t| t.name == "substance_render").unwrap();
    assert!(render.description.as_deref().unwrap().contains("never"));
    assert_eq!(render.input_schema["required"], json!(["scene", "sources"]));

    let arguments = json!({
        "sources": [{"url": {"url": model, "filename": "chair.gltf"}}],
        "scene": {"modelFile": "chair.gltf"},
        "size": {"width": 48, "height": 32},
    });
    let result = server.call("substance_render", arguments).await;
    assert!(!is_error(&result), "{}", text(&result));
    let saved: Vec<PathBuf> = result.structured_content.as_ref().unwrap()["saved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| PathBuf::from(file["path"].as_str().unwrap()))
        .collect();
    assert_eq!(saved.len(), 1, "{}", text(&result));
    assert!(saved[0].starts_with(dir.path()));
    let image = image::open(&saved[0]).unwrap();
    assert_eq!((image.width(), image.height()), (48, 32));
    assert!(
        result
            .content
            .iter()
            .any(|block| block.as_image().is_some()),
        "a preview"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_is_not_a_url_is_refused_unsent() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&emulator, dir.path(), false).await;
    let arguments = json!({
        "sources": [{"url": {"url": "/etc/passwd"}}],
        "scene": {"modelFile": "passwd"},
    });
    let result = server.call("substance_render", arguments).await;
    assert!(is_error(&result));
    assert!(
        text(&result).contains("never sent inline"),
        "{}",
        text(&result)
    );
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/substance3d")),
        "nothing sent"
    );
}
