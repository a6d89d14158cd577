//! A hostile Firefly API and a hostile storage host, scripted on 127.0.0.1:
//! bodies of a gigabyte, redirects off the allowed paths, trickling and
//! truncated downloads, absurd `Retry-After` values, polls that keep
//! failing and escape sequences in messages. Each ends in the promised typed
//! error, with bounded reads and waits, and never a panic.

mod common;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use adobe_firefly::{
    DownloadTimeouts, Error, Firefly, FireflyBuilder, MAX_JSON_BODY, RetryPolicy, WaitOptions,
    types::JobStatus,
};
use bytes::Bytes;
use common::*;
use futures::{StreamExt, stream};
use serde_json::json;

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;
/// What the kernel and the HTTP stack may hold in flight when a client stops
/// reading: socket buffers on both sides (Linux lets a loopback receive
/// buffer grow to 32 MiB for a fast reader) and the server's write buffer.
/// Measured at about 4 MiB after a 64 KiB read and 10 MiB after a 16 MiB one.
const IN_FLIGHT: u64 = 24 * MIB;
const STATUS: &str = "/v3/status/urn:ff:jobs:test:1";
/// A whole 2x2 PNG: signature, IHDR, IDAT, IEND.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x02\0\0\0\x02\x08\x02\0\0\0\xfd\xd4\x9a\x73\
\0\0\0\x11IDAT\x78\x9c\x63\xf8\xcf\xc0\x00\x44\x0c\x60\xf2\x3f\x00\x1b\xf2\x03\xfd\xf3\xe7\x4b\xb1\
\0\0\0\0IEND\xae\x42\x60\x82";
/// A whole MP4: an `ftyp` box and an `mdat` box.
const MP4: &[u8] = b"\0\0\0\x14ftypisom\0\0\x02\0isom\0\0\0\x0dmdatvideo";
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

/// A fresh directory for one test's downloads.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("firefly-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
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

// Redirects of downloads.

#[tokio::test]
async fn a_download_redirected_to_plain_http_on_another_host_is_refused_before_connecting() {
    let storage = FakeServer::start(|_, _| {
        Reply::Now(with_header(
            text_response(302, "text/plain", ""),
            "location",
            "http://example.invalid/output/image.png?X-Amz-Signature=secret",
        ))
    })
    .await;
    let url = format!("{}/output/image.png", storage.url);
    let error = client(&storage.url)
        .download_to_writer(&url, &mut Vec::new())
        .await
        .unwrap_err();
    let Error::RedirectRefused {
        location, reason, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(location, "http://example.invalid");
    assert!(reason.contains("loopback"), "{reason}");
    assert!(!error.is_retryable());
    assert!(!error.to_string().contains("secret"), "{error}");
}

#[tokio::test]
async fn a_download_redirected_between_loopback_hosts_is_followed_without_credentials() {
    let target =
        FakeServer::start(|_, _| Reply::Now(text_response(200, "image/png", "placeholder"))).await;
    let to = format!("{}/moved/image.png?X-Amz-Signature=second", target.url);
    let storage = FakeServer::start(move |_, _| {
        Reply::Now(with_header(
            text_response(302, "text/plain", ""),
            "location",
            &to,
        ))
    })
    .await;
    let url = format!("{}/output/image.png?X-Amz-Signature=first", storage.url);
    let mut bytes = Vec::new();
    client(&storage.url)
        .download_to_writer(&url, &mut bytes)
        .await
        .unwrap();
    assert_eq!(bytes, b"placeholder");
    let followed = &target.requests()[0];
    assert_eq!(followed.path, "/moved/image.png");
    for request in storage.requests().iter().chain(target.requests().iter()) {
        assert!(request.header("authorization").is_none(), "{request:?}");
        assert!(request.header("x-api-key").is_none(), "{request:?}");
        // The Referer would carry the first URL's signature along.
        assert!(request.header("referer").is_none(), "{request:?}");
    }
}

#[tokio::test]
async fn a_download_redirected_more_than_five_times_is_refused() {
    let storage = FakeServer::start(|request, earlier| {
        Reply::Now(with_header(
            text_response(302, "text/plain", ""),
            "location",
            &format!("{}?hop={}", request.path, earlier + 1),
        ))
    })
    .await;
    let url = format!("{}/output/image.png", storage.url);
    let error = client(&storage.url)
        .download_to_writer(&url, &mut Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::RedirectRefused { reason, .. } if reason.contains("more than 5")),
        "{error:?}"
    );
    assert_eq!(
        storage.requests().len(),
        6,
        "the first request and 5 redirects"
    );
}

// Downloads that stall.

#[tokio::test(start_paused = true)]
async fn a_storage_host_that_sends_one_byte_then_nothing_times_out_after_the_idle_limit() {
    let storage = FakeServer::start(|_, _| {
        let one_byte = stream::once(async { Bytes::from_static(b"\x89") }).chain(stream::pending());
        Reply::Now(streamed_response(200, "image/png", one_byte))
    })
    .await;
    let url = format!("{}/output/image.png", storage.url);
    let firefly = client(&storage.url);
    let started = tokio::time::Instant::now();
    let mut bytes = Vec::new();
    let call = firefly.download_to_writer(&url, &mut bytes);
    let error = tokio::time::timeout(Duration::from_secs(3600), call)
        .await
        .expect("the download ended on its own")
        .unwrap_err();
    let idle = DownloadTimeouts::default().idle;
    assert!(
        matches!(
            &error,
            Error::DownloadTimeout { stalled: true, received: 1, limit, .. } if *limit == idle
        ),
        "{error:?}"
    );
    assert!(error.is_timeout());
    assert!(error.is_retryable());
    let waited = started.elapsed();
    assert!(
        waited >= idle && waited < idle + Duration::from_secs(1),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_storage_host_that_never_answers_times_out_after_the_idle_limit() {
    let storage = FakeServer::start(|_, _| Reply::Never).await;
    let url = format!("{}/output/image.png", storage.url);
    let firefly = builder(&storage.url)
        .download_timeouts(DownloadTimeouts::default().idle(Duration::from_secs(5)))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let mut bytes = Vec::new();
    let call = firefly.download_to_writer(&url, &mut bytes);
    let error = tokio::time::timeout(Duration::from_secs(3600), call)
        .await
        .expect("the download ended on its own")
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::DownloadTimeout {
                stalled: true,
                received: 0,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(6));
}

#[tokio::test(start_paused = true)]
async fn a_download_trickling_a_byte_every_ten_seconds_ends_at_the_total_limit() {
    let storage = FakeServer::start(|_, _| {
        let trickle = stream::unfold((), |()| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Some((Bytes::from_static(b"x"), ()))
        });
        Reply::Now(streamed_response(200, "image/png", trickle))
    })
    .await;
    let url = format!("{}/output/image.png", storage.url);
    let total = Duration::from_secs(120);
    let firefly = builder(&storage.url)
        .download_timeouts(DownloadTimeouts::default().total(total))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let mut bytes = Vec::new();
    let call = firefly.download_to_writer(&url, &mut bytes);
    let error = tokio::time::timeout(Duration::from_secs(3600), call)
        .await
        .expect("the download ended on its own")
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::DownloadTimeout { stalled: false, limit, received, .. } if *limit == total && *received >= 10
        ),
        "{error:?}"
    );
    assert!(error.is_timeout());
    assert!(started.elapsed() < total + Duration::from_secs(1));
}

// Downloads that arrive incomplete.

#[tokio::test]
async fn a_png_cut_halfway_without_a_length_is_refused_and_no_file_appears() {
    let storage = FakeServer::start(|_, _| {
        let half = stream::iter([Bytes::from_static(&PNG[..PNG.len() / 2])]);
        Reply::Now(streamed_response(200, "image/png", half))
    })
    .await;
    let dir = scratch("cut-png");
    let path = dir.join("image.png");
    let error = client(&storage.url)
        .download_to_file(&format!("{}/output/image.png", storage.url), &path)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::TruncatedDownload { expected: None, reason: Some(reason), .. } if reason.contains("IEND")
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert!(files_in(&dir).is_empty(), "{:?}", files_in(&dir));
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_refused_and_no_file_appears() {
    let storage = FakeServer::start(|_, _| {
        // The server yields once after the first half, so the headers and
        // that half go out before the body ends short of its length.
        let half = stream::iter([Bytes::from_static(&PNG[..PNG.len() / 2])])
            .chain(stream::once(tokio::task::yield_now()).filter_map(|()| async { None::<Bytes> }));
        let response = streamed_response(200, "image/png", half);
        Reply::Now(with_header(
            response,
            "content-length",
            &PNG.len().to_string(),
        ))
    })
    .await;
    let dir = scratch("short-body");
    let path = dir.join("image.png");
    let error = client(&storage.url)
        .download_to_file(&format!("{}/output/image.png", storage.url), &path)
        .await
        .unwrap_err();
    let expected = PNG.len() as u64;
    assert!(
        matches!(
            &error,
            Error::TruncatedDownload { expected: Some(length), received, .. }
                if *length == expected && *received < expected
        ),
        "{error:?}"
    );
    assert!(files_in(&dir).is_empty(), "{:?}", files_in(&dir));
}

#[tokio::test]
async fn whole_png_and_mp4_files_are_saved() {
    let storage = FakeServer::start(|request, _| {
        let (content, content_type) = if request.path.ends_with(".mp4") {
            (MP4, "video/mp4")
        } else {
            (PNG, "image/png")
        };
        // In pieces and without a length: only the structure says it is
        // whole.
        let pieces = stream::iter(content.chunks(7).map(Bytes::from_static));
        Reply::Now(streamed_response(200, content_type, pieces))
    })
    .await;
    let firefly = client(&storage.url);
    let dir = scratch("whole");
    for (name, content) in [("image.png", PNG), ("video.mp4", MP4)] {
        let path = dir.join(name);
        let size = firefly
            .download_to_file(&format!("{}/output/{name}", storage.url), &path)
            .await
            .unwrap();
        assert_eq!(size, content.len() as u64);
        assert_eq!(std::fs::read(&path).unwrap(), content);
    }
    let mut saved = files_in(&dir);
    saved.sort();
    assert_eq!(saved, ["image.png", "video.mp4"]);
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
