//! A client built with `dry_run(true)` prepares and checks every request and
//! sends none: each call answers `Error::DryRun` with the exact request
//! (method, URL, headers with credentials as placeholders, body), no token
//! is asked of IMS, and a request that fails a check still fails it.

mod common;

use adobe_firefly::{Error, Firefly, PreparedRequest, types::GenerateImagesRequest};
use common::*;
use serde_json::json;

const SECRET: &str = "the-client-secret";

async fn counting_server() -> FakeServer {
    FakeServer::start(|request, _| {
        let body = if request.path == TOKEN_PATH {
            token_body("a-real-token", 86399)
        } else {
            json!({"jobId": JOB, "statusUrl": "x", "cancelUrl": "y"})
        };
        Reply::Now(json_response(200, body))
    })
    .await
}

fn dry_client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .api_url(&server.url)
        .ims_url(&server.url)
        .dry_run(true)
        .build()
        .unwrap()
}

fn prepared(error: Error) -> PreparedRequest {
    match error {
        Error::DryRun(prepared) => *prepared,
        other => panic!("expected a dry run, got {other:?}"),
    }
}

#[tokio::test]
async fn a_generation_is_prepared_exactly_and_nothing_is_sent() {
    let server = counting_server().await;
    let firefly = dry_client(&server);
    let request = GenerateImagesRequest::builder()
        .prompt("a lighthouse")
        .num_variations(2);
    let error = firefly.generate_images(request).await.unwrap_err();
    assert!(!error.is_retryable());
    let shown = error.to_string();
    let prepared = prepared(error);

    assert_eq!(prepared.method, "POST");
    assert_eq!(
        prepared.url,
        format!("{}/v3/images/generate-async", server.url)
    );
    assert_eq!(prepared.operation, "generateImagesV3Async");
    assert_eq!(prepared.api, adobe_firefly::Api::Firefly);
    let body = prepared.json.clone().expect("a JSON body");
    assert_eq!(body["prompt"], "a lighthouse");
    assert_eq!(body["numVariations"], 2);
    let header = |name: &str| {
        prepared
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("authorization"), Some("Bearer [token]"));
    assert_eq!(header("x-api-key"), Some("[client id]"));
    assert_eq!(header("content-type"), Some("application/json"));

    // No credential anywhere in what a tool would print.
    let printed = format!("{prepared}\n{}\n{shown}\n{prepared:?}", prepared.to_json());
    for secret in [SECRET, CLIENT_ID, "a-real-token"] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    assert!(
        printed.contains("\"prompt\": \"a lighthouse\""),
        "{printed}"
    );
    assert!(
        server.requests().is_empty(),
        "nothing sent, not even to IMS"
    );
    assert_eq!(firefly.stats().requests_sent, 0);
}

#[tokio::test]
async fn an_upload_is_prepared_too() {
    let server = counting_server().await;
    let png = tiny_png();
    let prepared = prepared(
        dry_client(&server)
            .upload_image(png.clone())
            .await
            .unwrap_err(),
    );
    assert_eq!(prepared.method, "POST");
    assert!(
        prepared.url.ends_with("/v2/storage/image"),
        "{}",
        prepared.url
    );
    assert_eq!(prepared.body_len, png.len());
    assert!(prepared.json.is_none());
    assert!(
        prepared
            .to_string()
            .ends_with(&format!("[{} bytes]", png.len()))
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_request_that_fails_a_check_fails_it_in_a_dry_run() {
    let server = counting_server().await;
    let request = GenerateImagesRequest::builder()
        .prompt("a lighthouse")
        .num_variations(9);
    let error = dry_client(&server)
        .generate_images(request)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Validation(_)), "{error:?}");
    assert!(server.requests().is_empty());
}

#[cfg(feature = "photoshop")]
#[tokio::test]
async fn a_photoshop_request_is_prepared_for_photoshop() {
    use adobe_firefly::photoshop::types;

    let server = counting_server().await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .api_url(&server.url)
        .photoshop_url(&server.url)
        .ims_url(&server.url)
        .allow_any_storage_host(true)
        .dry_run(true)
        .build()
        .unwrap();
    let request: types::CreateCompositeRequest = serde_json::from_value(json!({
        "image": {"source": {"url": format!("{}/in.png", server.url)}},
        "outputs": [{"destination": {"url": format!("{}/out.png", server.url)}, "mediaType": "image/png"}],
    }))
    .unwrap();
    let error = firefly
        .photoshop()
        .create_composite(request)
        .await
        .unwrap_err();
    let prepared = prepared(error);
    assert_eq!(prepared.api, adobe_firefly::Api::Photoshop);
    assert_eq!(prepared.url, format!("{}/v2/create-composite", server.url));
    assert!(server.requests().is_empty());
}

/// A 1x1 PNG.
fn tiny_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 1, 1);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[0, 0, 0]).unwrap();
    writer.finish().unwrap();
    bytes
}
