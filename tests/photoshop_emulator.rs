//! Photoshop API v2 end to end: the SDK against the emulator, which reads
//! the input from a storage server on 127.0.0.1 and writes the output to
//! its pre-signed-style PUT URL, as Adobe does; one token for Firefly and
//! Photoshop.

mod common;

use adobe_firefly::{WaitOptions, photoshop::types};
use adobe_firefly_emulator::Emulator;
use axum::{body::Body, http::StatusCode, response::Response};
use common::{EmulatorExt, FakeServer, Reply};
use serde_json::json;

/// A real 40x30 PNG.
fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 40, 30);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[90u8; 40 * 30 * 3]).unwrap();
    writer.finish().unwrap();
    bytes
}

/// Storage: the input at GET /in.png, and any PUT accepted (and recorded).
async fn storage() -> FakeServer {
    let input = png();
    FakeServer::start(move |request, _| {
        let response = match request.method.as_str() {
            "GET" => Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "image/png")
                .body(Body::from(input.clone()))
                .unwrap(),
            _ => Response::builder()
                .status(StatusCode::OK)
                .body(Body::empty())
                .unwrap(),
        };
        Reply::Now(response)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_composite_reads_its_input_and_writes_its_output_through_storage() {
    let emulator = Emulator::start().await.unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let request: types::CreateCompositeRequest = serde_json::from_value(json!({
        "image": {"source": {"url": format!("{}/in.png", storage.url)}},
        "outputs": [{"destination": {"url": format!("{}/out.png?sig=1", storage.url)}, "mediaType": "image/png"}],
    }))
    .unwrap();
    let photoshop = firefly.photoshop();
    let job = photoshop.create_composite(request).await.unwrap();
    let options = WaitOptions::default().first_poll(std::time::Duration::from_millis(10));
    let done = photoshop.wait_for_job(&job, &options).await.unwrap();
    assert_eq!(done.status.as_deref(), Some("succeeded"));

    let written = storage.requests_to("/out.png");
    assert_eq!(written.len(), 1, "one PUT of the output");
    assert_eq!(written[0].method, "PUT");
    let decoder = png::Decoder::new(std::io::Cursor::new(written[0].body.clone()));
    let info = decoder.read_info().unwrap();
    assert_eq!((info.info().width, info.info().height), (40, 30));
    // The storage host never sees the credentials.
    assert!(
        storage
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none() && r.header("x-api-key").is_none())
    );

    // The same client's Firefly calls use the token Photoshop's did.
    firefly.check_credentials().await.unwrap();
    assert_eq!(emulator.tokens_issued(), 1);
}
