//! The Photoshop tools of `firefly mcp`, driven by rmcp's client against
//! the emulator, with the inputs on a storage server on 127.0.0.1: each
//! tool's output downloaded from Adobe-hosted storage, progress while the
//! job runs, a cancelled call that leaves the job going (Photoshop has no
//! cancel), and a local file refused before anything is sent.

mod common;
mod mcp_support;
mod storage;

use std::{io::Cursor, path::PathBuf, time::Duration};

use adobe_firefly_emulator::Emulator;
use mcp_support::*;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};
use storage::Storage;
use tokio::time::timeout;

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(width, height, image::Rgb([40, 90, 200]))
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

/// The files a call saved, from its structured result.
fn saved(result: &rmcp::model::CallToolResult) -> Vec<PathBuf> {
    result.structured_content.as_ref().unwrap()["saved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| PathBuf::from(file["path"].as_str().unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_photoshop_tool_saves_what_its_job_made() {
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    let input = json!({"url": storage.input("in.png", png(40, 30))});
    let set = json!({"url": storage.input("set.atn", b"8BAS".to_vec())});
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&emulator, dir.path(), false).await;
    let tools = server.client.list_all_tools().await.unwrap();
    let edit = tools.iter().find(|t| t.name == "photoshop_edit").unwrap();
    assert!(
        edit.description
            .as_deref()
            .unwrap()
            .contains("no way to cancel"),
        "the description says Photoshop jobs cannot be cancelled"
    );
    assert_eq!(edit.input_schema["required"], json!(["image"]));

    for (tool, arguments, extension) in [
        (
            "photoshop_edit",
            json!({"image": {"source": input}, "edits": {"autoTone": true}}),
            "jpg",
        ),
        (
            "photoshop_actions",
            json!({"image": {"source": input}, "options": {"actions": [{"source": set}]}}),
            "png",
        ),
        (
            "photoshop_composite",
            json!({"image": {"source": input}}),
            "png",
        ),
        (
            "photoshop_artboard",
            json!({"images": [{"source": input}, {"source": input}]}),
            "psd",
        ),
        (
            "photoshop_manifest",
            json!({"image": {"source": input}}),
            "json",
        ),
        (
            "photoshop_auto_crop",
            json!({"image": {"source": input}, "mode": "smartCrop", "aspectRatio": ["1:1"]}),
            "png",
        ),
    ] {
        let result = server.call(tool, arguments).await;
        assert!(!is_error(&result), "{tool}: {}", text(&result));
        let files = saved(&result);
        assert_eq!(files.len(), 1, "{tool}: {}", text(&result));
        assert_eq!(
            files[0].extension().unwrap(),
            extension,
            "{tool}: {}",
            files[0].display()
        );
        assert!(files[0].starts_with(dir.path()), "{tool}");
        if extension == "png" || extension == "jpg" {
            assert!(image::open(&files[0]).is_ok(), "{tool}: an image");
            assert!(
                result
                    .content
                    .iter()
                    .any(|block| block.as_image().is_some()),
                "{tool}: a preview"
            );
        }
        let job_id = result.structured_content.as_ref().unwrap()["job_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let status = server
            .call("photoshop_job_status", json!({"job_id": job_id}))
            .await;
        assert!(
            text(&status).contains("succeeded"),
            "{tool}: {}",
            text(&status)
        );
    }
    let logged = server.close().await;
    assert_no_secret(&emulator, &logged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photoshop_job_reports_progress_and_a_cancelled_call_leaves_it_going() {
    let emulator = Emulator::builder()
        .job_duration(Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let storage = Storage::start().await;
    let input = storage.input("in.png", png(8, 8));
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(&emulator, dir.path(), false).await;
    let peer = server.client.peer().clone();
    let call = tokio::spawn(async move {
        let Value::Object(arguments) = json!({"image": {"source": {"url": input}}}) else {
            unreachable!()
        };
        peer.call_tool(CallToolRequestParams::new("photoshop_manifest").with_arguments(arguments))
            .await
    });
    // Progress: submitted, then each status read.
    let mut messages = Vec::new();
    while messages.len() < 2 {
        let note = timeout(DEADLINE, server.progress.recv())
            .await
            .expect("progress while the job runs")
            .unwrap();
        messages.push(note.message.unwrap_or_default());
    }
    assert!(messages[0].contains("submitted"), "{messages:?}");
    assert!(messages[1].starts_with("Photoshop job "), "{messages:?}");

    call.abort();
    // The server stays usable, and the job goes on: it was not cancelled.
    let job_id = messages[0].split_whitespace().nth(2).unwrap().to_owned();
    let status = server
        .call("photoshop_job_status", json!({"job_id": job_id}))
        .await;
    assert!(!is_error(&status), "{}", text(&status));
    let word = status.structured_content.as_ref().unwrap()["status"].clone();
    assert!(word == "pending" || word == "running", "{word}");
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_file_must_be_staged_and_nothing_is_sent() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("photo.png");
    std::fs::write(&local, png(4, 4)).unwrap();
    let server = serve(&emulator, dir.path(), false).await;
    let result = server
        .call(
            "photoshop_edit",
            json!({"image": {"source": {"url": local.to_str().unwrap()}}}),
        )
        .await;
    assert!(is_error(&result));
    assert!(
        text(&result).contains("must be staged"),
        "{}",
        text(&result)
    );
    let missing = server.call("photoshop_edit", json!({"edits": {}})).await;
    assert!(is_error(&missing));
    assert!(text(&missing).contains("image"), "{}", text(&missing));
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| r.method != "POST" || r.path.starts_with("/ims/")),
        "nothing was submitted"
    );
    server.close().await;
}
