//! A hostile storage host: redirects to where credentials or signatures must
//! not go, downloads that stall or trickle, and downloads that arrive
//! incomplete. Every server here is scripted on 127.0.0.1.

mod common;

use std::{path::Path, time::Duration};

use adobe_firefly::{DownloadTimeouts, Error, Firefly, FireflyBuilder, RetryPolicy};
use bytes::Bytes;
use common::*;
use futures::{StreamExt, stream};

/// A whole 2x2 PNG: signature, IHDR, IDAT, IEND.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x02\0\0\0\x02\x08\x02\0\0\0\xfd\xd4\x9a\x73\
\0\0\0\x11IDAT\x78\x9c\x63\xf8\xcf\xc0\x00\x44\x0c\x60\xf2\x3f\x00\x1b\xf2\x03\xfd\xf3\xe7\x4b\xb1\
\0\0\0\0IEND\xae\x42\x60\x82";
/// A whole MP4: an `ftyp` box and an `mdat` box.
const MP4: &[u8] = b"\0\0\0\x14ftypisom\0\0\x02\0isom\0\0\0\x0dmdatvideo";

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

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
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

/// With the minimum-rate rule off (`tests/slow_downloads.rs` has it on),
/// the total limit still ends a trickle.
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
        .download_timeouts(
            DownloadTimeouts::default()
                .total(total)
                .min_speed(0, Duration::ZERO),
        )
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

#[tokio::test]
async fn links_planted_beside_a_download_are_never_written_through() {
    let storage = FakeServer::start(|_, _| {
        Reply::Now(streamed_response(
            200,
            "image/png",
            stream::iter([Bytes::from_static(PNG)]),
        ))
    })
    .await;
    let firefly = client(&storage.url);
    let dir = scratch("planted-links");
    let elsewhere = scratch("planted-links-target");
    let victim = elsewhere.join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    let path = dir.join("image.png");
    // Where the partial file used to go, and the file itself.
    std::os::unix::fs::symlink(&victim, dir.join("image.png.partial")).unwrap();
    std::os::unix::fs::symlink(&victim, &path).unwrap();
    firefly
        .download_to_file(&format!("{}/output/image.png", storage.url), &path)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(!std::fs::symlink_metadata(&path).unwrap().is_symlink());
    assert_eq!(std::fs::read(&path).unwrap(), PNG);
    let mut left = files_in(&dir);
    left.sort();
    assert_eq!(
        left,
        ["image.png", "image.png.partial"],
        "no partial file left"
    );
}
