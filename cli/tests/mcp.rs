//! `firefly mcp`, driven over stdio by rmcp's client (a child process, as
//! an assistant runs it) against the emulator.

mod common;
mod mcp_support;

use std::{collections::BTreeSet, path::PathBuf, time::Duration};

use adobe_firefly_emulator::{Emulator, Faults};
use base64::Engine;
use common::scratch;
use mcp_support::*;
use rmcp::model::{CallToolRequestParams, ProgressNotificationParam};
use serde_json::{Value, json};
use tokio::{
    io::AsyncReadExt,
    sync::mpsc,
    time::{Instant, timeout},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_are_listed_and_images_come_back_as_previews_and_files() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("mcp-generate");
    let server = serve(&emulator, &dir, true).await;

    let tools = server.client.list_all_tools().await.unwrap();
    let names: BTreeSet<String> = tools.iter().map(|tool| tool.name.to_string()).collect();
    let expected = [
        "adaptive_composite",
        "cancel_job",
        "doctor",
        "dub",
        "expand_image",
        "fill_image",
        "generate_images",
        "generate_object_composite",
        "generate_similar_images",
        "generate_video",
        "image5",
        "indesign_merge",
        "indesign_rendition",
        "job_status",
        "list_custom_models",
        "photoshop_actions",
        "photoshop_artboard",
        "photoshop_auto_crop",
        "photoshop_composite",
        "photoshop_edit",
        "photoshop_job_status",
        "photoshop_manifest",
        "precise_composite",
        "substance_render",
        "reframe",
        "speech",
        "transcribe",
        "upload_image",
        "upscale_image",
    ];
    assert_eq!(names, expected.iter().map(|s| s.to_string()).collect());
    let generate = tools.iter().find(|t| t.name == "generate_images").unwrap();
    assert!(generate.description.as_deref().unwrap().contains("credits"));
    assert_eq!(generate.input_schema["required"], json!(["prompt"]));

    // The emulator renders at most 1024 px; previews are at most 512.
    let arguments = json!({"prompt": "a red fox", "numVariations": 2, "size": {"width": 2048, "height": 1024}, "seeds": [7, 8]});
    let result = server.call("generate_images", arguments.clone()).await;
    assert!(!is_error(&result), "{}", text(&result));
    let previews: Vec<image::DynamicImage> = result
        .content
        .iter()
        .filter_map(|block| block.as_image())
        .map(|preview| {
            assert_eq!(preview.mime_type, "image/jpeg");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&preview.data)
                .unwrap();
            image::load_from_memory(&bytes).unwrap()
        })
        .collect();
    assert_eq!(previews.len(), 2);
    for preview in &previews {
        assert_eq!((preview.width(), preview.height()), (512, 256));
    }
    let document = result.structured_content.clone().unwrap();
    let saved: Vec<PathBuf> = document["saved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| PathBuf::from(file["path"].as_str().unwrap()))
        .collect();
    assert_eq!(saved.len(), 2);
    for path in &saved {
        assert!(path.starts_with(&dir), "{}", path.display());
        assert!(image::open(path).is_ok(), "{} is an image", path.display());
    }
    assert_eq!(document["outputs"][0]["seed"], 7);
    assert!(
        document["outputs"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with(emulator.url())
    );

    // The same call again saves beside the first files, replacing none.
    let before: Vec<Vec<u8>> = saved
        .iter()
        .map(|path| std::fs::read(path).unwrap())
        .collect();
    let again = server.call("generate_images", arguments).await;
    assert!(!is_error(&again), "{}", text(&again));
    assert_eq!(common::files(&dir).len(), 4);
    for (path, bytes) in saved.iter().zip(before) {
        assert_eq!(std::fs::read(path).unwrap(), bytes);
    }

    let logged = server.close().await;
    assert_no_secret(&emulator, &logged);
    assert_no_secret(&emulator, &format!("{result:?}"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_notifications_arrive_while_a_job_runs() {
    let emulator = Emulator::builder()
        .job_duration(Duration::from_secs(3))
        .start()
        .await
        .unwrap();
    let dir = scratch("mcp-progress");
    let mut server = serve(&emulator, &dir, true).await;
    let result = server
        .call(
            "generate_images",
            json!({"prompt": "a slow cat", "size": {"width": 64, "height": 64}}),
        )
        .await;
    assert!(!is_error(&result), "{}", text(&result));
    let mut notes = Vec::new();
    while let Ok(note) = server.progress.try_recv() {
        notes.push(note);
    }
    let running: Vec<&ProgressNotificationParam> = notes
        .iter()
        .filter(|note| note.message.as_deref().unwrap_or("").contains("running"))
        .collect();
    assert!(running.len() >= 2, "{notes:?}");
    assert!(
        notes
            .windows(2)
            .all(|pair| pair[0].progress <= pair[1].progress),
        "progress never goes back: {notes:?}"
    );
    assert!(
        running.last().unwrap().progress > running[0].progress,
        "{notes:?}"
    );
    assert!(notes.iter().all(|note| note.total == Some(100.0)));
    server.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_call_cancels_its_job() {
    let emulator = Emulator::builder()
        .job_duration(Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let dir = scratch("mcp-cancel");
    let mut server = serve(&emulator, &dir, true).await;
    let peer = server.client.peer().clone();
    let call = tokio::spawn(async move {
        let arguments = json!({"prompt": "a very slow cat"});
        let Value::Object(arguments) = arguments else {
            unreachable!()
        };
        peer.call_tool(CallToolRequestParams::new("generate_images").with_arguments(arguments))
            .await
    });
    let first = timeout(DEADLINE, server.progress.recv())
        .await
        .expect("a first progress notification")
        .unwrap();
    let message = first.message.unwrap();
    let job_id = message
        .split_whitespace()
        .find(|word| word.starts_with("urn:ff:jobs:"))
        .unwrap_or_else(|| panic!("the job id is in `{message}`"))
        .trim_end_matches(':')
        .to_owned();
    assert!(emulator.canceled_jobs().is_empty());

    // Dropping the call's future makes the client send notifications/cancelled.
    call.abort();
    let started = Instant::now();
    while emulator.canceled_jobs().is_empty() {
        assert!(started.elapsed() < DEADLINE, "the job was not cancelled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(emulator.canceled_jobs(), [job_id]);

    // The server stays usable after a cancelled call.
    let status = server
        .call("job_status", json!({"job_id": emulator.canceled_jobs()[0]}))
        .await;
    assert!(text(&status).contains("cancelled"), "{}", text(&status));
    server.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_tool_error_and_nothing_is_sent() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("mcp-bad-input");
    let server = serve(&emulator, &dir, false).await;

    let empty = server.call("generate_images", json!({"prompt": ""})).await;
    assert!(is_error(&empty));
    assert!(text(&empty).contains("prompt"), "{}", text(&empty));

    let size = server
        .call(
            "generate_images",
            json!({"prompt": "a cat", "size": {"width": 1000, "height": 7}}),
        )
        .await;
    assert!(is_error(&size));
    assert!(text(&size).contains("1000x7"), "{}", text(&size));

    let missing = dir.join("no-such-image.png");
    let file = server
        .call(
            "expand_image",
            json!({"image": missing, "size": {"width": 2048, "height": 2048}}),
        )
        .await;
    assert!(is_error(&file));
    assert!(text(&file).contains("no-such-image.png"), "{}", text(&file));

    let shape = server.call("generate_images", json!({"prompt": 42})).await;
    assert!(is_error(&shape));
    assert!(text(&shape).contains("input schema"), "{}", text(&shape));

    let sent: Vec<String> = emulator
        .requests()
        .iter()
        .filter(|request| request.method == "POST" && request.path.starts_with("/v3/"))
        .map(|request| request.path.clone())
        .collect();
    assert!(sent.is_empty(), "nothing is submitted: {sent:?}");

    // Adobe's own errors keep their error code.
    let unknown = server
        .call("job_status", json!({"job_id": "urn:ff:jobs:emulator:nope"}))
        .await;
    assert!(is_error(&unknown));
    assert!(
        text(&unknown).contains("unknown_job_id"),
        "{}",
        text(&unknown)
    );
    server.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_tools_take_a_path_an_upload_or_a_url_and_videos_come_back_without_preview() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("mcp-image-tools");
    let source = dir.join("source.png");
    image::RgbImage::from_pixel(64, 48, image::Rgb([10, 120, 200]))
        .save(&source)
        .unwrap();
    let server = serve(&emulator, &dir, true).await;

    let uploaded = server.call("upload_image", json!({"path": source})).await;
    assert!(!is_error(&uploaded), "{}", text(&uploaded));
    let reference = uploaded.structured_content.unwrap()["image"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(reference.starts_with("upload:"), "{reference}");

    let size = json!({"width": 64, "height": 64});
    let calls = [
        (
            "generate_similar_images",
            json!({"image": source, "size": size}),
        ),
        ("expand_image", json!({"image": reference, "size": size})),
        (
            "generate_similar_images",
            json!({"image": "https://images.example.com/cat.png", "size": size}),
        ),
        (
            "fill_image",
            json!({"image": {"source": source}, "mask": reference, "size": size}),
        ),
        (
            "generate_object_composite",
            json!({"image": source, "prompt": "on a beach", "size": size}),
        ),
    ];
    for (tool, arguments) in calls {
        let result = server.call(tool, arguments).await;
        assert!(!is_error(&result), "{tool}: {}", text(&result));
        assert_eq!(
            result
                .content
                .iter()
                .filter(|b| b.as_image().is_some())
                .count(),
            1,
            "{tool}"
        );
    }
    let uploads = emulator
        .requests()
        .iter()
        .filter(|request| request.path == "/v2/storage/image")
        .count();
    assert_eq!(
        uploads, 4,
        "upload_image, similar, fill and composite upload the file"
    );

    let video = server
        .call("generate_video", json!({"prompt": "waves at dusk"}))
        .await;
    assert!(!is_error(&video), "{}", text(&video));
    assert!(video.content.iter().all(|block| block.as_image().is_none()));
    let document = video.structured_content.unwrap();
    assert!(
        document["saved"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with(".mp4"),
        "{document}"
    );
    assert!(document["outputs"][0]["url"].is_string(), "{document}");

    let models = server.call("list_custom_models", json!({})).await;
    assert!(!is_error(&models), "{}", text(&models));
    assert_eq!(
        models.structured_content.unwrap()["models"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    server.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_at_once_wait_out_each_others_rate_limits() {
    // Every second request is refused with 429 and `Retry-After: 1`.
    let emulator = Emulator::builder()
        .faults(Faults::none().rate_limit_every(2))
        .start()
        .await
        .unwrap();
    let dir = scratch("mcp-concurrent");
    let server = serve(&emulator, &dir, true).await;
    let calls = (0..3).map(|n| {
        server.call(
            "generate_images",
            json!({"prompt": format!("cat number {n}"), "size": {"width": 64, "height": 64}}),
        )
    });
    let results = futures::future::join_all(calls).await;
    for result in &results {
        assert!(!is_error(result), "{}", text(result));
    }
    assert!(emulator.faults_served().rate_limits >= 2);
    assert_eq!(common::files(&dir).len(), 3);
    server.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_are_named_by_every_call() {
    let dir = scratch("mcp-unconfigured");
    let server = serve_with(Vec::new(), &dir).await;
    assert_eq!(server.client.list_all_tools().await.unwrap().len(), 29);
    let result = server
        .call("generate_images", json!({"prompt": "a cat"}))
        .await;
    assert!(is_error(&result));
    assert!(
        text(&result).contains("FIREFLY_SERVICES_CLIENT_ID"),
        "{}",
        text(&result)
    );
    server.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Answers every connection with one 404 as Firefly writes it, with a
/// request id, and reports each request's head.
async fn firefly_refusing_everything() -> (String, mpsc::UnboundedReceiver<String>) {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (heads, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buffer = [0u8; 1024];
            // Read to the end of the request head, at most 16 KiB.
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
                match timeout(DEADLINE, stream.read(&mut buffer)).await {
                    Ok(Ok(n)) if n > 0 => head.extend_from_slice(&buffer[..n]),
                    _ => break,
                }
            }
            let _ = heads.send(String::from_utf8_lossy(&head).into_owned());
            let body = r#"{"error_code":"job_not_found","message":"No such job."}"#;
            let response = format!(
                "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\
                 x-request-id: req-7f3a\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    (url, received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adobe_errors_keep_their_code_and_request_id_and_never_the_token() {
    let (url, mut heads) = firefly_refusing_everything().await;
    let token = "static-token-that-must-stay-secret";
    let dir = scratch("mcp-adobe-error");
    let server = serve_with(
        vec![
            ("FIREFLY_SERVICES_CLIENT_ID", "client-id".into()),
            ("FIREFLY_SERVICES_ACCESS_TOKEN", token.into()),
            ("FIREFLY_SERVICES_API_URL", url),
        ],
        &dir,
    )
    .await;
    let result = server
        .call("job_status", json!({"job_id": "urn:ff:jobs:gone"}))
        .await;
    assert!(is_error(&result));
    let answer = text(&result);
    assert!(
        answer.contains("\"error_code\":\"job_not_found\""),
        "{answer}"
    );
    assert!(answer.contains("\"request_id\":\"req-7f3a\""), "{answer}");
    assert!(answer.contains("\"status\":404"), "{answer}");
    // The token went to Firefly, and nowhere else.
    let head = timeout(DEADLINE, heads.recv()).await.unwrap().unwrap();
    assert!(head.contains(token), "{head}");
    assert!(!format!("{result:?}").contains(token));
    let logged = server.close().await;
    assert!(!logged.contains(token), "{logged}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The same ground covered by the official Python MCP client
/// (`tests/mcp_client.py`), which needs Python with the `mcp` and `pillow`
/// packages: `.ci/run` makes such a virtual environment and runs this with
/// `--ignored`, naming its interpreter in `FIREFLY_MCP_PYTHON`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Python with the mcp package; run by .ci/run"]
async fn the_official_python_client_drives_the_server() {
    let python = std::env::var("FIREFLY_MCP_PYTHON").unwrap_or_else(|_| "python3".into());
    let emulator = Emulator::builder()
        .job_duration(Duration::from_secs(3))
        .start()
        .await
        .unwrap();
    let dir = scratch("mcp-python");
    let mut command = tokio::process::Command::new(python);
    for (name, _) in std::env::vars() {
        if name.starts_with("FIREFLY_") && name != "FIREFLY_MCP_PYTHON" {
            command.env_remove(name);
        }
    }
    command
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp_client.py"))
        .envs(emulator.env_vars())
        .env("FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES", "1")
        .env("FIREFLY_BIN", env!("CARGO_BIN_EXE_firefly"))
        .env("FIREFLY_MCP_OUTPUT", &dir)
        .kill_on_drop(true);
    let output = timeout(Duration::from_secs(300), command.output())
        .await
        .expect("the Python client finishes in time")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let cancelled = stdout
        .lines()
        .find_map(|line| line.strip_prefix("cancelled job: "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(emulator.canceled_jobs(), [cancelled.trim()]);
    println!("{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}
