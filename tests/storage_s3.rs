//! Pre-signed URLs against a real S3 server that checks signatures and
//! expiry (`s3s-fs`, started by `.ci/run`): a tampered URL and an expired
//! one are refused, and end to end, Photoshop's `edit` on the emulator
//! reads its input from a pre-signed GET and writes its output to a
//! pre-signed PUT made by the SDK, and the output read back through S3 is
//! a PNG. Storage traffic passes a recording proxy on 127.0.0.1, which
//! shows the storage host never receives Adobe credentials.
//!
//! Ignored by plain `cargo test`. `.ci/run` sets `FIREFLY_TEST_S3_ENDPOINT`
//! (`http://127.0.0.1:PORT`), `FIREFLY_TEST_S3_ACCESS_KEY`,
//! `FIREFLY_TEST_S3_SECRET_KEY` and `FIREFLY_TEST_S3_BUCKET` (a bucket that
//! exists).

mod common;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use adobe_firefly::{
    WaitOptions,
    photoshop::types,
    storage::{PresignedGet, Storage, StorageError},
};
use adobe_firefly_emulator::Emulator;
use axum::{
    body::Body,
    extract::{Request, State},
    response::Response,
};
use common::EmulatorExt;
use serde_json::json;

const NEEDS: &str = "needs the s3s-fs server that .ci/run starts";
const MINUTE: Duration = Duration::from_secs(60);

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: this test {NEEDS}"))
}

/// The bucket, under a prefix of this test's own, signed for `endpoint`.
fn storage(endpoint: &str, test: &str) -> Storage {
    let prefix = format!("{test}-{}-{}", std::process::id(), fastrand::u64(..));
    Storage::from_url_with(
        &format!("s3://{}/{prefix}", var("FIREFLY_TEST_S3_BUCKET")),
        [
            ("aws_endpoint", endpoint.to_owned()),
            ("aws_region", "us-east-1".to_owned()),
            ("aws_access_key_id", var("FIREFLY_TEST_S3_ACCESS_KEY")),
            ("aws_secret_access_key", var("FIREFLY_TEST_S3_SECRET_KEY")),
            ("aws_allow_http", "true".to_owned()),
            ("aws_virtual_hosted_style_request", "false".to_owned()),
        ],
    )
    .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Writes `content` at `path` through a pre-signed PUT.
async fn put(storage: &Storage, path: &str, content: Vec<u8>) {
    let url = storage.presign_put(path, MINUTE).await.unwrap();
    let answer = http().put(url.as_str()).body(content).send().await.unwrap();
    assert!(answer.status().is_success(), "PUT: {}", answer.status());
}

/// The status and body a GET of `url` gets.
async fn get(url: &str) -> (u16, String) {
    let answer = http().get(url).send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.text().await.unwrap_or_default())
}

/// `url` with its signature's first hex digit changed.
fn tampered(url: &PresignedGet) -> String {
    let text = url.as_str();
    let at = text.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let digit = if text.as_bytes()[at] == b'0' {
        "1"
    } else {
        "0"
    };
    format!("{}{digit}{}", &text[..at], &text[at + 1..])
}

#[tokio::test]
#[ignore = "needs the s3s-fs server that .ci/run starts"]
async fn a_tampered_url_is_refused() {
    let storage = storage(&var("FIREFLY_TEST_S3_ENDPOINT"), "tampered");
    put(&storage, "in.txt", b"kept".to_vec()).await;
    let url = storage.presign_get("in.txt", MINUTE).await.unwrap();
    assert_eq!(get(url.as_str()).await, (200, "kept".to_owned()));

    let (status, body) = get(&tampered(&url)).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");
    // The same signature for another object, or for a longer life.
    let elsewhere = url.as_str().replace("/in.txt?", "/other.txt?");
    assert_eq!(get(&elsewhere).await.0, 403);
    let longer = url
        .as_str()
        .replace("X-Amz-Expires=60", "X-Amz-Expires=604800");
    assert_ne!(longer, url.as_str());
    assert_eq!(get(&longer).await.0, 403);
    // A GET URL does not write.
    let answer = http().put(url.as_str()).body("x").send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 403);
    assert_eq!(get(url.as_str()).await, (200, "kept".to_owned()));
}

#[tokio::test]
#[ignore = "needs the s3s-fs server that .ci/run starts"]
async fn put_writes_an_object_a_presigned_get_reads() {
    let storage = storage(&var("FIREFLY_TEST_S3_ENDPOINT"), "put");
    storage
        .put("in/photo.png", b"first".to_vec(), "image/png")
        .await
        .unwrap();
    let url = storage.presign_get("in/photo.png", MINUTE).await.unwrap();
    let answer = http().get(url.as_str()).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(
        answer.headers()["content-type"].to_str().unwrap(),
        "image/png"
    );
    assert_eq!(answer.bytes().await.unwrap().as_ref(), b"first");
    // The same name again replaces it.
    storage
        .put("in/photo.png", b"second".to_vec(), "image/png")
        .await
        .unwrap();
    assert_eq!(get(url.as_str()).await, (200, "second".to_owned()));
    // An object path is checked as for signing; nothing written.
    let refused = storage.put("../x", b"no".to_vec(), "text/plain").await;
    assert!(
        matches!(refused, Err(StorageError::InvalidPath { .. })),
        "{refused:?}"
    );
    // Wrong credentials: a typed error, no panic.
    let wrong = Storage::from_url_with(
        &format!("s3://{}/put", var("FIREFLY_TEST_S3_BUCKET")),
        [
            ("aws_endpoint", var("FIREFLY_TEST_S3_ENDPOINT")),
            ("aws_region", "us-east-1".to_owned()),
            ("aws_access_key_id", var("FIREFLY_TEST_S3_ACCESS_KEY")),
            ("aws_secret_access_key", "not-the-secret".to_owned()),
            ("aws_allow_http", "true".to_owned()),
        ],
    )
    .unwrap();
    let refused = wrong.put("x.txt", b"no".to_vec(), "text/plain").await;
    assert!(
        matches!(refused, Err(StorageError::Upload { .. })),
        "{refused:?}"
    );
}

#[tokio::test]
#[ignore = "needs the s3s-fs server that .ci/run starts"]
async fn an_expired_url_is_refused() {
    let storage = storage(&var("FIREFLY_TEST_S3_ENDPOINT"), "expired");
    put(&storage, "in.txt", b"short-lived".to_vec()).await;
    // Signed to live 2 s (the signing time counts in whole seconds, so at
    // least 1 s is left now): it works, then it stops working. S3's
    // signatures carry their own signing time, which object_store sets to
    // now, so the wait is real: polled, with a deadline.
    let url = storage
        .presign_get("in.txt", Duration::from_secs(2))
        .await
        .unwrap();
    assert_eq!(get(url.as_str()).await.0, 200);
    let deadline = Instant::now() + Duration::from_secs(15);
    let (status, body) = loop {
        let (status, body) = get(url.as_str()).await;
        if status != 200 || Instant::now() > deadline {
            break (status, body);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(status, 403, "still served after the deadline: {body}");
    assert!(body.contains("expired"), "{body}");
}

/// One request as the storage host received it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

/// A proxy in front of the S3 server that records every request and
/// passes it on unchanged (its `Host` too, which the signature covers).
async fn recording_proxy(upstream: String) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state = (upstream, seen.clone(), http());
    let app = axum::Router::new().fallback(forward).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

type ProxyState = (String, Arc<Mutex<Vec<Seen>>>, reqwest::Client);

async fn forward(State((upstream, seen, client)): State<ProxyState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 << 20).await.unwrap();
    seen.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("?").to_owned()))
            .collect(),
    });
    let target = format!(
        "{upstream}{}",
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut sent = client.request(parts.method, target).body(body);
    for (name, value) in &parts.headers {
        if !matches!(
            name.as_str(),
            "content-length" | "connection" | "transfer-encoding"
        ) {
            sent = sent.header(name, value);
        }
    }
    let answer = sent.send().await.unwrap();
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if !matches!(
            name.as_str(),
            "content-length" | "connection" | "transfer-encoding"
        ) {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from(answer.bytes().await.unwrap()))
        .unwrap()
}

/// A real 40x30 PNG.
fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 40, 30);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[120u8; 40 * 30 * 3]).unwrap();
    writer.finish().unwrap();
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the s3s-fs server that .ci/run starts"]
async fn photoshop_edits_from_and_to_pre_signed_s3_urls() {
    let (proxy, seen) = recording_proxy(var("FIREFLY_TEST_S3_ENDPOINT")).await;
    let storage = storage(&proxy, "edit");
    put(&storage, "in/photo.png", png()).await;
    let input = storage.presign_get("in/photo.png", MINUTE).await.unwrap();
    let output = storage.presign_put("out/photo.png", MINUTE).await.unwrap();
    seen.lock().unwrap().clear();

    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    // The credential's values, to look for them at the storage host.
    let secrets: Vec<String> = emulator
        .env_vars()
        .into_iter()
        .filter(|(name, _)| name.ends_with("CLIENT_ID") || name.ends_with("CLIENT_SECRET"))
        .map(|(_, value)| value.to_string())
        .collect();
    assert_eq!(secrets.len(), 2);
    let request = types::EditRequest {
        image: input.into(),
        outputs: vec![
            types::LightroomPngOutput {
                destination: output.into(),
                media_type: types::LightroomPngOutputMediaType::ImagePng,
                compression: None,
            }
            .into(),
        ],
        edits: Some(serde_json::from_value(json!({"autoTone": true})).unwrap()),
    };
    let photoshop = firefly.photoshop();
    let job = photoshop.edit(request).await.unwrap();
    let options = WaitOptions::default().first_poll(Duration::from_millis(20));
    let done = photoshop.wait_for_job(&job, &options).await.unwrap();
    assert_eq!(done.status.as_deref(), Some("succeeded"), "{done:?}");

    // The emulator read the input and wrote the output, each once, with
    // the URL's own signature and no Adobe credentials.
    let received = seen.lock().unwrap().clone();
    let by = |method: &str, suffix: &str| {
        received
            .iter()
            .filter(|r| r.method == method && r.path.ends_with(suffix))
            .count()
    };
    assert_eq!(by("GET", "/in/photo.png"), 1, "{received:#?}");
    assert_eq!(by("PUT", "/out/photo.png"), 1, "{received:#?}");
    for request in &received {
        for (name, value) in &request.headers {
            assert!(
                !matches!(name.as_str(), "authorization" | "x-api-key"),
                "{name} reached storage: {request:?}"
            );
            assert!(
                !value.to_ascii_lowercase().starts_with("bearer"),
                "{request:?}"
            );
            for secret in &secrets {
                assert!(!value.contains(secret.as_str()), "{request:?}");
            }
        }
    }

    // Read back through S3 with a fresh pre-signed GET, by the SDK's
    // download path: a PNG of the input's size.
    let back = storage.presign_get("out/photo.png", MINUTE).await.unwrap();
    let mut bytes = Vec::new();
    firefly
        .download_to_writer(back.as_str(), &mut bytes)
        .await
        .unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let info = decoder.read_info().unwrap();
    assert_eq!((info.info().width, info.info().height), (40, 30));
}
