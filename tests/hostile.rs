//! A hostile Firefly API and a hostile storage host, scripted on 127.0.0.1:
//! bodies of a gigabyte. Each ends in the promised typed error, with bounded
//! reads, and never a panic.

mod common;

use std::time::Duration;

use adobe_firefly::{Error, Firefly, FireflyBuilder, MAX_JSON_BODY, RetryPolicy};
use common::*;

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;
/// What the kernel and the HTTP stack may hold in flight when a client stops
/// reading: socket buffers on both sides (Linux lets a loopback receive
/// buffer grow to 32 MiB for a fast reader) and the server's write buffer.
/// Measured at about 4 MiB after a 64 KiB read and 10 MiB after a 16 MiB one.
const IN_FLIGHT: u64 = 24 * MIB;
/// Bounds a call that must end on its own, so a regression fails instead of
/// hanging the suite.
const GUARD: Duration = Duration::from_secs(60);

fn builder(url: &str) -> FireflyBuilder {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("t")
        .api_url(url)
        .retry_policy(RetryPolicy::none())
}

fn client(url: &str) -> Firefly {
    builder(url).build().unwrap()
}

// Bodies of a gigabyte.

#[tokio::test]
async fn a_gigabyte_status_body_is_refused_after_16_mib_and_its_connection_closed() {
    let bodies = LazyBodies::default();
    let lazy = bodies.clone();
    let server = FakeServer::start(move |_, _| {
        let body = lazy.body(br#"{"jobId":"x","status":"running","pad":""#, b'a', GIB);
        Reply::Now(streamed_response(200, "application/json", body))
    })
    .await;
    let (firefly, job) = (client(&server.url), job(&server));
    let call = firefly.job_status(&job);
    let error = tokio::time::timeout(GUARD, call)
        .await
        .expect("refused quickly")
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Decode {
                status: Some(200),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("larger than 16 MiB"), "{error}");
    assert!(!error.is_retryable());
    tokio::time::timeout(GUARD, bodies.finished())
        .await
        .expect("the server stopped sending");
    let sent = bodies.sent();
    assert!(
        sent < MAX_JSON_BODY as u64 + IN_FLIGHT,
        "the server sent {sent} bytes"
    );
}

#[tokio::test]
async fn a_status_body_announced_larger_than_16_mib_is_refused_unread() {
    let bodies = LazyBodies::default();
    let lazy = bodies.clone();
    let server = FakeServer::start(move |_, _| {
        let body = lazy.body(br#"{"jobId":"x","status":"running","pad":""#, b'a', GIB);
        let response = streamed_response(200, "application/json", body);
        Reply::Now(with_header(response, "content-length", &GIB.to_string()))
    })
    .await;
    let (firefly, job) = (client(&server.url), job(&server));
    let call = firefly.job_status(&job);
    let error = tokio::time::timeout(GUARD, call)
        .await
        .expect("refused quickly")
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Decode {
                status: Some(200),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("larger than 16 MiB"), "{error}");
    tokio::time::timeout(GUARD, bodies.finished())
        .await
        .expect("the server stopped sending");
    let sent = bodies.sent();
    assert!(sent < 20 * MIB, "the server sent {sent} bytes");
}

#[tokio::test]
async fn a_gigabyte_error_body_on_a_poll_is_read_up_to_64_kib_and_its_connection_closed() {
    let bodies = LazyBodies::default();
    let lazy = bodies.clone();
    let server = FakeServer::start(move |_, _| {
        let body = lazy.body(b"<html>gateway trouble", b'x', GIB);
        Reply::Now(streamed_response(500, "text/html", body))
    })
    .await;
    let (firefly, job) = (client(&server.url), job(&server));
    let call = firefly.job_status(&job);
    let error = tokio::time::timeout(GUARD, call)
        .await
        .expect("answered quickly")
        .unwrap_err();
    assert_eq!(error.status(), Some(500), "{error:?}");
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert!(
        api.body_excerpt()
            .is_some_and(|b| b.starts_with("<html>gateway trouble")),
        "{api:?}"
    );
    tokio::time::timeout(GUARD, bodies.finished())
        .await
        .expect("the server stopped sending");
    let sent = bodies.sent();
    assert!(sent < 20 * MIB, "the server sent {sent} bytes");
}

#[tokio::test]
async fn a_gigabyte_storage_error_body_is_read_up_to_64_kib_and_its_connection_closed() {
    let bodies = LazyBodies::default();
    let lazy = bodies.clone();
    let storage = FakeServer::start(move |_, _| {
        let body = lazy.body(b"AccessDenied\n", b'x', GIB);
        Reply::Now(streamed_response(403, "text/plain", body))
    })
    .await;
    let url = format!("{}/output/image.png", storage.url);
    let firefly = client(&storage.url);
    let mut sink = tokio::io::sink();
    let call = firefly.download_to_writer(&url, &mut sink);
    let error = tokio::time::timeout(GUARD, call)
        .await
        .expect("answered quickly")
        .unwrap_err();
    assert!(
        matches!(&error, Error::Storage { status: 403, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("AccessDenied"), "{error}");
    tokio::time::timeout(GUARD, bodies.finished())
        .await
        .expect("the server stopped sending");
    let sent = bodies.sent();
    assert!(sent < 20 * MIB, "the server sent {sent} bytes");
}
