//! The `firefly mcp` tools for Adobe's 2026 operations (`image5`,
//! `upscale_image`, `precise_composite`, `adaptive_composite`), driven over
//! stdio by rmcp's client against the emulator: they take image paths,
//! save real images of the size the operation gives, and refuse bad input
//! and content-policy refusals as tool errors.

mod common;
mod mcp_support;

use std::path::{Path, PathBuf};

use adobe_firefly_emulator::{Emulator, Faults};
use mcp_support::*;
use rmcp::model::CallToolResult;
use serde_json::json;

fn png(dir: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let path = dir.join(name);
    image::RgbImage::from_pixel(width, height, image::Rgb([200, 120, 10]))
        .save(&path)
        .unwrap();
    path
}

/// The sizes of the files a call saved, read from the files.
fn saved_sizes(result: &CallToolResult) -> Vec<(u32, u32)> {
    let document = result.structured_content.clone().unwrap();
    document["saved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| image::image_dimensions(file["path"].as_str().unwrap()).unwrap())
        .collect()
}

fn previews(result: &CallToolResult) -> usize {
    result
        .content
        .iter()
        .filter(|b| b.as_image().is_some())
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_2026_tools_make_images_of_the_right_size_from_paths() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out");
    std::fs::create_dir(&output).unwrap();
    let small = png(dir.path(), "small.png", 20, 10);
    let scene = png(dir.path(), "scene.png", 48, 32);
    let server = serve(&emulator, &output, true).await;

    let generated = server
        .call(
            "image5",
            json!({"prompt": "a lighthouse", "modelSpecificPayload": {"prompt_reasoner": "quality"}}),
        )
        .await;
    assert!(!is_error(&generated), "{}", text(&generated));
    assert_eq!(previews(&generated), 1);
    assert_eq!(
        generated.structured_content.clone().unwrap()["alt_text"],
        "An image of a lighthouse."
    );

    let edited = server
        .call(
            "image5",
            json!({"prompt": "at night", "referenceBlobs": [{"source": small}]}),
        )
        .await;
    assert!(!is_error(&edited), "{}", text(&edited));

    let upscaled = server
        .call(
            "upscale_image",
            json!({"image": small, "seeds": [1, 2], "upscaleFactor": 4}),
        )
        .await;
    assert!(!is_error(&upscaled), "{}", text(&upscaled));
    assert_eq!(saved_sizes(&upscaled), [(80, 40), (80, 40)]);
    assert_eq!(previews(&upscaled), 2);

    let background = json!({"image": {"source": scene}, "fillAreaMask": {"source": scene}});
    let precise = server
        .call(
            "precise_composite",
            json!({"object": {"image": {"source": small}}, "background": background, "blend": 0.5}),
        )
        .await;
    assert!(!is_error(&precise), "{}", text(&precise));
    assert_eq!(saved_sizes(&precise), [(48, 32)]);

    let adaptive = server
        .call(
            "adaptive_composite",
            json!({
                "object": {"image": {"source": small}, "mask": {"source": small}},
                "background": background,
                "numVariations": 2,
                "harmonization": 0.7,
            }),
        )
        .await;
    assert!(!is_error(&adaptive), "{}", text(&adaptive));
    assert_eq!(saved_sizes(&adaptive), [(48, 32), (48, 32)]);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_and_content_policy_refusals_are_tool_errors() {
    let faults = Faults::none().content_policy_every(1);
    let emulator = Emulator::builder().faults(faults).start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&emulator, dir.path(), true).await;

    let refused = server
        .call(
            "upscale_image",
            json!({"image": "upload:0b7e3f4a-0000-4000-8000-000000000000", "seeds": [1], "upscaleFactor": 5}),
        )
        .await;
    assert!(is_error(&refused));
    assert!(
        text(&refused).contains("upscaleFactor"),
        "{}",
        text(&refused)
    );

    let edit = server
        .call(
            "image5",
            json!({"prompt": "night", "aspectRatio": "16:9",
                   "referenceBlobs": [{"source": "upload:0b7e3f4a-0000-4000-8000-000000000000"}]}),
        )
        .await;
    assert!(is_error(&edit));
    assert!(text(&edit).contains("aspectRatio"), "{}", text(&edit));
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| r.method != "POST" || r.path.starts_with("/ims")),
        "nothing was submitted: {:?}",
        emulator.requests()
    );

    let unsafe_prompt = server.call("image5", json!({"prompt": "refused"})).await;
    assert!(is_error(&unsafe_prompt));
    let said = text(&unsafe_prompt);
    assert!(
        said.contains("451") && said.contains("prompt_unsafe"),
        "{said}"
    );
    assert!(said.contains("reword"), "{said}");
    server.close().await;
}
