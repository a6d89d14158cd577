//! The Audio/Video tools of `firefly mcp`, driven by rmcp's client against
//! the emulator, with the media on a storage server on 127.0.0.1: speech
//! and reframe save what their jobs made, and a file given inline (not by
//! URL) is refused before anything is sent.

mod common;
mod mcp_support;
mod storage;

use std::path::PathBuf;

use adobe_firefly_emulator::Emulator;
use mcp_support::*;
use serde_json::json;
use storage::Storage;

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
async fn speech_and_reframe_save_what_their_jobs_made() {
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    let video = storage.input("in.mp4", b"\0\0\0\x18ftypisom-stand-in".to_vec());
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&emulator, dir.path(), false).await;
    let tools = server.client.list_all_tools().await.unwrap();
    let speech = tools.iter().find(|t| t.name == "speech").unwrap();
    assert!(
        speech
            .description
            .as_deref()
            .unwrap()
            .contains("never inline")
    );
    assert_eq!(speech.input_schema["type"], "object");

    let result = server
        .call(
            "speech",
            json!({
                "voiceId": "v-emulator-ava",
                "script": {"text": "Hello from an assistant.", "localeCode": "en-US",
                           "mediaType": "text/plain"},
                "output": {"mediaType": "audio/wav"},
            }),
        )
        .await;
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let files = saved(&result);
    assert_eq!(files.len(), 1, "{result:?}");
    let wav = std::fs::read(&files[0]).unwrap();
    assert_eq!(&wav[8..12], b"WAVE");

    let result = server
        .call(
            "reframe",
            json!({
                "video": {"source": {"url": video}, "mediaType": "video/mp4"},
                "outputConfig": {"aspectRatios": ["9:16"]},
            }),
        )
        .await;
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let files = saved(&result);
    assert_eq!(files.len(), 1, "{result:?}");
    assert_eq!(&std::fs::read(&files[0]).unwrap()[4..8], b"ftyp");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_given_inline_is_refused_before_anything_is_sent() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&emulator, dir.path(), false).await;
    let result = server
        .call(
            "transcribe",
            json!({"audio": {"source": {"url": "data:audio/wav;base64,UklGRg=="},
                             "mediaType": "audio/wav"}}),
        )
        .await;
    assert_eq!(result.is_error, Some(true), "{result:?}");
    assert!(format!("{result:?}").contains("not a URL"), "{result:?}");
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/audio-video/"))
    );
}
