//! `firefly mcp` given what an agent may send: arguments of the wrong
//! shape, paths that are not images, URLs and ids that cannot work, an
//! output folder that cannot take files, the same call several times at
//! once. Each is a tool result that says what to change, nothing is paid
//! for in vain, and no file is written over.

mod common;
mod mcp_support;

use std::{collections::BTreeSet, path::Path};

use adobe_firefly_emulator::Emulator;
use common::scratch;
use mcp_support::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_arguments_are_tool_errors_that_say_what_to_change() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("mcp-hostile");
    let not_an_image = dir.join("notes.png");
    std::fs::write(&not_an_image, b"just some text").unwrap();
    let server = serve(&emulator, &dir, true).await;
    let size = json!({"width": 64, "height": 64});
    let cases = [
        (
            "generate_images",
            json!({"prompt": "a cat", "numVariations": "two"}),
            "input schema",
        ),
        (
            "generate_images",
            json!({"prompt": "a cat", "numVariations": 1_000_000}),
            "numVariations",
        ),
        (
            "expand_image",
            json!({"image": &*dir, "size": size}),
            "directory",
        ),
        (
            "expand_image",
            json!({"image": not_an_image, "size": size}),
            "not a JPEG, PNG, WebP, JPEG XL or TIFF image",
        ),
        (
            "expand_image",
            json!({"image": "http://example.com/a.png", "size": size}),
            "https",
        ),
        (
            "expand_image",
            json!({"image": "upload:", "size": size}),
            "upload:<id>",
        ),
        (
            "fill_image",
            json!({"image": "upload:abc", "mask": "upload: "}),
            "upload:<id>",
        ),
        ("job_status", json!({"job_id": ""}), "job id is empty"),
        // A misspelt name is refused, not ignored (it would cost a job).
        (
            "generate_images",
            json!({"prompt": "a cat", "numVariation": 3}),
            "`numVariations`",
        ),
        (
            "list_custom_models",
            json!({"state": "ready"}),
            "`published_state`",
        ),
        ("cancel_job", json!({"job_id": " "}), "job id is empty"),
    ];
    for (tool, arguments, hint) in cases {
        let result = server.call(tool, arguments.clone()).await;
        let message = text(&result);
        assert!(is_error(&result), "{tool} {arguments}: {message}");
        assert!(message.contains(hint), "{tool} {arguments}: {message}");
        assert_no_secret(&emulator, &message);
    }
    let sent: Vec<String> = emulator
        .requests()
        .iter()
        .filter(|request| request.path.starts_with("/v3/"))
        .map(|request| format!("{} {}", request.method, request.path))
        .collect();
    assert!(sent.is_empty(), "nothing is sent: {sent:?}");
    let logs = server.close().await;
    assert_no_secret(&emulator, &logs);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_output_dir_that_is_a_file_is_a_tool_error_before_anything_is_paid_for() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("mcp-output-file");
    let blocked = dir.join("not-a-folder");
    std::fs::write(&blocked, b"mine").unwrap();
    let server = serve(&emulator, &blocked, true).await;
    let result = server
        .call(
            "generate_images",
            json!({"prompt": "a cat", "size": {"width": 64, "height": 64}}),
        )
        .await;
    assert!(is_error(&result), "{}", text(&result));
    assert!(text(&result).contains("--output-dir"), "{}", text(&result));
    let submitted = emulator
        .requests()
        .iter()
        .filter(|request| request.method == "POST" && request.path.starts_with("/v3/"))
        .count();
    assert_eq!(submitted, 0, "nothing is submitted");
    assert_eq!(std::fs::read(&blocked).unwrap(), b"mine");
    server.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_call_made_at_once_saves_every_paid_result_under_its_own_name() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("mcp-same-call");
    let server = serve(&emulator, &dir, true).await;
    let arguments = json!({"prompt": "twins", "size": {"width": 64, "height": 64}, "seeds": [7]});
    let calls = (0..4).map(|_| server.call("generate_images", arguments.clone()));
    let results = futures::future::join_all(calls).await;
    let mut paths = BTreeSet::new();
    for result in &results {
        assert!(!is_error(result), "{}", text(result));
        let saved = result.structured_content.as_ref().unwrap()["saved"][0]["path"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(Path::new(&saved).is_file(), "{saved}");
        paths.insert(saved);
    }
    assert_eq!(paths.len(), 4, "four files: {paths:?}");
    server.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
