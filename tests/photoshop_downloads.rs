//! Photoshop's outputs downloaded through the SDK's hardened download path
//! ([`Firefly::download_to_file`], [`Firefly::download_to_writer`]): an
//! Adobe-hosted output from the emulator arrives whole; a hosted output on
//! the Photoshop API's own host gets no credentials; and hostile storage
//! behind a job's output URLs (a redirect to plain http elsewhere, a
//! gigabyte refusal, a host that never answers) ends in typed errors with
//! bounded reads and waits. Servers are the emulator or scripted on
//! 127.0.0.1.

mod common;

use std::time::Duration;

use adobe_firefly::{Error, Firefly, RetryPolicy, WaitOptions, photoshop::types};
use adobe_firefly_emulator::Emulator;
use axum::{body::Body, http::StatusCode, response::Response};
use common::*;
use serde_json::{Value, json};

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;
/// Bounds a call that must end on its own, so a regression fails instead
/// of hanging the suite.
const GUARD: Duration = Duration::from_secs(60);

/// A real 40x30 PNG.
fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 40, 30);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[60u8; 40 * 30 * 3]).unwrap();
    writer.finish().unwrap();
    bytes
}

/// The URLs a finished job's `result.outputs` lists.
fn output_urls(done: &types::JobStatus) -> Vec<String> {
    let outputs = done.result.as_ref().and_then(|r| r.outputs.clone());
    let Some(Value::Array(outputs)) = outputs else {
        panic!("a list of outputs: {done:?}");
    };
    outputs
        .iter()
        .map(|output| {
            output["url"]
                .as_str()
                .expect("a hosted output's url")
                .to_owned()
        })
        .collect()
}

fn quick() -> WaitOptions {
    WaitOptions::default().first_poll(Duration::from_millis(10))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adobe_hosted_output_is_downloaded_whole() {
    let input = png();
    let storage = FakeServer::start(move |_, _| {
        Reply::Now(
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "image/png")
                .body(Body::from(input.clone()))
                .unwrap(),
        )
    })
    .await;
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let request: types::CreateCompositeRequest = serde_json::from_value(json!({
        "image": {"source": {"url": format!("{}/in.png", storage.url)}},
        "outputs": [{"destination": {"validityPeriod": 3600}, "mediaType": "image/png"}],
    }))
    .unwrap();
    let photoshop = firefly.photoshop();
    let job = photoshop.create_composite(request).await.unwrap();
    let done = photoshop.wait_for_job(&job, &quick()).await.unwrap();
    let urls = output_urls(&done);
    assert_eq!(urls.len(), 1);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.png");
    let written = firefly.download_to_file(&urls[0], &path).await.unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(written, bytes.len() as u64);
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let info = decoder.read_info().unwrap();
    assert_eq!((info.info().width, info.info().height), (40, 30));
}

/// IMS, Photoshop, and its hosted storage on one scripted host: the job
/// succeeds with one output per storage path given.
async fn photoshop_hosting(
    outputs: &'static [&'static str],
    storage: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
) -> FakeServer {
    FakeServer::start(move |request, _| {
        let host = request.header("host").unwrap_or_default().to_owned();
        match (request.method.as_str(), request.path.as_str()) {
            ("POST", TOKEN_PATH) => Reply::Now(json_response(200, token_body("token-1", 86399))),
            ("POST", "/v2/create-composite") => {
                Reply::Now(json_response(202, json!({"jobId": "job-1"})))
            }
            ("GET", "/v2/status/job-1") => {
                let listed: Vec<Value> = outputs
                    .iter()
                    .map(|path| json!({"mediaType": "image/png", "url": format!("http://{host}{path}")}))
                    .collect();
                Reply::Now(json_response(
                    200,
                    json!({"jobId": "job-1", "status": "succeeded", "result": {"outputs": listed}}),
                ))
            }
            _ => storage(request),
        }
    })
    .await
}

fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .photoshop_url(&server.url)
        .ims_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn composite() -> types::CreateCompositeRequest {
    serde_json::from_value(json!({
        "image": {"source": {"url": "https://bucket.s3.amazonaws.com/in.png?X-Amz-Signature=s"}},
        "outputs": [{"destination": {"validityPeriod": 3600}, "mediaType": "image/png"}],
    }))
    .unwrap()
}

#[tokio::test]
async fn a_hosted_output_on_the_photoshop_host_itself_gets_no_credentials() {
    let server = photoshop_hosting(&["/hosted/out.png"], |_| {
        Reply::Now(
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "image/png")
                .body(Body::from(png()))
                .unwrap(),
        )
    })
    .await;
    let firefly = client(&server);
    let photoshop = firefly.photoshop();
    let job = photoshop.create_composite(composite()).await.unwrap();
    let done = photoshop.wait_for_job(&job, &quick()).await.unwrap();
    let url = &output_urls(&done)[0];
    let mut bytes = Vec::new();
    firefly.download_to_writer(url, &mut bytes).await.unwrap();
    assert_eq!(bytes, png());

    // Photoshop got the credentials; its storage, on the same host, not.
    let submitted = &server.requests_to("/v2/create-composite")[0];
    assert!(submitted.header("authorization").is_some());
    let fetched = server.requests_to("/hosted/out.png");
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].header("authorization"), None);
    assert_eq!(fetched[0].header("x-api-key"), None);
}

/// The URLs of a finished job on `server`.
async fn outputs_of(firefly: &Firefly) -> Vec<String> {
    let photoshop = firefly.photoshop();
    let job = photoshop.create_composite(composite()).await.unwrap();
    output_urls(&photoshop.wait_for_job(&job, &quick()).await.unwrap())
}

/// Downloads `url` into nothing; its error.
async fn refused(firefly: &Firefly, url: &str) -> Error {
    let mut sink = tokio::io::sink();
    let call = firefly.download_to_writer(url, &mut sink);
    tokio::time::timeout(GUARD, call)
        .await
        .expect("the download ended on its own")
        .unwrap_err()
}

/// Each path was fetched once, without credentials.
fn fetched_without_credentials(server: &FakeServer, paths: &[&str]) {
    for path in paths {
        let fetched = server.requests_to(path);
        assert_eq!(fetched.len(), 1, "{path}");
        assert_eq!(fetched[0].header("authorization"), None, "{path}");
        assert_eq!(fetched[0].header("x-api-key"), None, "{path}");
    }
}

#[tokio::test]
async fn a_redirecting_or_gigabyte_storage_answer_ends_in_a_typed_error() {
    const PATHS: &[&str] = &["/hosted/redirect.png", "/hosted/huge.png"];
    let bodies = LazyBodies::default();
    let lazy = bodies.clone();
    let server = photoshop_hosting(PATHS, move |request| match request.path.as_str() {
        "/hosted/redirect.png" => Reply::Now(with_header(
            text_response(302, "text/plain", ""),
            "location",
            "http://example.invalid/out.png?X-Amz-Signature=secret",
        )),
        _ => Reply::Now(streamed_response(
            403,
            "text/plain",
            lazy.body(b"AccessDenied\n", b'x', GIB),
        )),
    })
    .await;
    let firefly = client(&server);
    let urls = outputs_of(&firefly).await;

    let redirected = refused(&firefly, &urls[0]).await;
    assert!(
        matches!(&redirected, Error::RedirectRefused { location, .. } if location == "http://example.invalid"),
        "{redirected:?}"
    );
    assert!(!redirected.to_string().contains("secret"), "{redirected}");

    let gigabyte = refused(&firefly, &urls[1]).await;
    assert!(
        matches!(&gigabyte, Error::Storage { status: 403, .. }),
        "{gigabyte:?}"
    );
    assert!(gigabyte.to_string().contains("AccessDenied"), "{gigabyte}");
    tokio::time::timeout(GUARD, bodies.finished())
        .await
        .expect("the server stopped sending");
    assert!(
        bodies.sent() < 24 * MIB,
        "the server sent {} bytes",
        bodies.sent()
    );
    fetched_without_credentials(&server, PATHS);
}

#[tokio::test(start_paused = true)]
async fn a_storage_host_that_never_answers_ends_at_the_idle_limit() {
    const PATHS: &[&str] = &["/hosted/stall.png"];
    let server = photoshop_hosting(PATHS, |_| Reply::Never).await;
    let firefly = client(&server);
    let urls = outputs_of(&firefly).await;
    let started = tokio::time::Instant::now();
    let stalled = refused(&firefly, &urls[0]).await;
    assert!(
        matches!(&stalled, Error::DownloadTimeout { stalled: true, .. }),
        "{stalled:?}"
    );
    assert!(stalled.is_retryable());
    let idle = adobe_firefly::DownloadTimeouts::default().idle;
    let waited = started.elapsed();
    assert!(
        waited >= idle && waited < idle + Duration::from_secs(1),
        "{waited:?}"
    );
    fetched_without_credentials(&server, PATHS);
}
