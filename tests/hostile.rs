//! A hostile Firefly API, scripted on 127.0.0.1: bodies of a gigabyte,
//! absurd `Retry-After` values, polls that keep failing and escape
//! sequences in messages (downloads are in `hostile_downloads.rs`). Each ends in the promised typed
//! error, with bounded reads and waits, and never a panic.

mod common;

use std::time::Duration;

use adobe_firefly::{
    Error, Firefly, FireflyBuilder, MAX_JSON_BODY, RetryPolicy, WaitOptions, types::JobStatus,
};
use common::*;
use serde_json::json;

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;
/// What the kernel and the HTTP stack may hold in flight when a client stops
/// reading: socket buffers on both sides (Linux lets a loopback receive
/// buffer grow to 32 MiB for a fast reader) and the server's write buffer.
/// Measured at about 4 MiB after a 64 KiB read and 10 MiB after a 16 MiB one.
const IN_FLIGHT: u64 = 24 * MIB;
const STATUS: &str = "/v3/status/urn:ff:jobs:test:1";
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

// Waiting through hostile answers.

#[tokio::test(start_paused = true)]
async fn a_retry_after_of_u64_max_on_a_poll_ends_the_wait_by_its_deadline_without_panicking() {
    let server = FakeServer::start(|_, _| {
        Reply::Now(with_header(
            json_response(429, json!({"error_code": "too_many_requests"})),
            "retry-after",
            "18446744073709551615",
        ))
    })
    .await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("t")
        .api_url(&server.url)
        .build()
        .unwrap();
    let deadline = Duration::from_secs(120);
    let started = tokio::time::Instant::now();
    let error = firefly
        .wait_for_job(&job(&server), &WaitOptions::default().deadline(deadline))
        .await
        .unwrap_err();
    let Error::WaitTimeout {
        last_status,
        last_error,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(last_status, &None);
    assert!(
        last_error.as_deref().is_some_and(|e| e.contains("429")),
        "{error}"
    );
    assert!(started.elapsed() <= deadline, "{:?}", started.elapsed());
}

#[tokio::test(start_paused = true)]
async fn a_poll_answering_500_ends_the_wait_at_once_with_that_error() {
    let server = FakeServer::start(|_, _| {
        Reply::Now(json_response(
            500,
            json!({"error_code": "internal_error", "message": "boom"}),
        ))
    })
    .await;
    let started = tokio::time::Instant::now();
    let error = client(&server.url)
        .wait_for_job(&job(&server), &WaitOptions::default())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500), "{error:?}");
    assert_eq!(error.error_code(), Some("internal_error"));
    assert_eq!(server.count(STATUS), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn polls_failing_with_503_until_the_deadline_end_in_a_timeout_naming_the_failure() {
    let server = FakeServer::start(|_, earlier| {
        Reply::Now(match earlier {
            0 => running(),
            _ => json_response(
                503,
                json!({"error_code": "service_unavailable", "message": "overloaded"}),
            ),
        })
    })
    .await;
    let deadline = Duration::from_secs(60);
    let error = client(&server.url)
        .wait_for_job(&job(&server), &WaitOptions::default().deadline(deadline))
        .await
        .unwrap_err();
    let Error::WaitTimeout {
        last_status,
        last_error,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(last_status, &Some(JobStatus::Running));
    assert!(
        last_error.as_deref().is_some_and(|e| e.contains("503")),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("503") && text.contains("overloaded") && text.contains("running"),
        "{text}"
    );
    assert!(server.count(STATUS) > 2);
}

#[tokio::test(start_paused = true)]
async fn a_zero_first_poll_still_backs_off() {
    // Ends the wait after 100 polls, so a tight loop fails the count below
    // instead of spinning forever on paused time.
    let server = FakeServer::start(|_, earlier| {
        Reply::Now(if earlier < 100 {
            running()
        } else {
            json_response(200, json!({"jobId": JOB, "status": "failed"}))
        })
    })
    .await;
    let options = WaitOptions::default()
        .first_poll(Duration::ZERO)
        .deadline(Duration::from_secs(10));
    let error = client(&server.url)
        .wait_for_job(&job(&server), &options)
        .await
        .unwrap_err();
    let polls = server.count(STATUS);
    assert!(matches!(error, Error::WaitTimeout { .. }), "{error:?}");
    assert!((5..=15).contains(&polls), "{polls} polls in 10 s");
}

// Escape sequences in what servers say.

#[tokio::test(start_paused = true)]
async fn a_failed_jobs_message_is_shown_without_its_escape_sequences() {
    let server = FakeServer::start(|_, _| {
        Reply::Now(json_response(
            200,
            json!({
                "jobId": JOB,
                "status": "failed",
                "error_code": "bad\u{1b}[2J",
                "message": "\u{1b}[31mred\u{7} and\nmore",
            }),
        ))
    })
    .await;
    let error = client(&server.url)
        .wait_for_job(&job(&server), &WaitOptions::default())
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(!text.chars().any(char::is_control), "{text:?}");
    assert!(text.contains("\\u{1b}[31mred\\u{7} and\\nmore"), "{text}");
    assert!(text.contains("bad\\u{1b}[2J"), "{text}");
    // The accessors keep what Adobe sent.
    assert_eq!(error.message(), Some("\u{1b}[31mred\u{7} and\nmore"));
}

#[tokio::test]
async fn error_bodies_are_shown_without_their_escape_sequences() {
    let server = FakeServer::start(|request, _| {
        Reply::Now(if request.path == STATUS {
            json_response(
                400,
                json!({
                    "error_code": "\u{1b}]8;;http://evil\u{7}",
                    "message": "\u{1b}[8mhidden",
                    "validation_errors": [{"loc": ["body", "\u{1b}[1m"], "msg": "\u{9b}31m", "type": "x"}],
                }),
            )
        } else {
            with_header(
                text_response(404, "text/plain", "\u{1b}[41mgone\u{1b}[0m"),
                "x-amz-request-id",
                "id",
            )
        })
    })
    .await;
    let firefly = client(&server.url);
    let api = firefly.job_status(&job(&server)).await.unwrap_err();
    let storage = firefly
        .download_to_writer(&format!("{}/output/x.png", server.url), &mut Vec::new())
        .await
        .unwrap_err();
    let decode = {
        let server = FakeServer::start(|_, _| {
            Reply::Now(json_response(
                200,
                json!({"jobId": JOB, "progress": "\u{1b}[31m"}),
            ))
        })
        .await;
        client(&server.url)
            .job_status(&job(&server))
            .await
            .unwrap_err()
    };
    for error in [&api, &storage] {
        let text = error.to_string();
        assert!(!text.chars().any(char::is_control), "{error:?}: {text:?}");
        assert!(text.contains("\\u{1b}"), "{text}");
    }
    assert!(matches!(decode, Error::Decode { .. }), "{decode:?}");
    let text = decode.to_string();
    assert!(!text.chars().any(char::is_control), "{text:?}");
}
