//! Downloads that crawl: a storage host dripping bytes just inside the idle
//! limit fails the minimum-rate rule after `min_speed_time`, not after the
//! total limit, and `download_to_file` tries such a download again a
//! bounded number of times. The storage hosts are scripted on 127.0.0.1 and
//! time is paused: the drips are the server's own (virtual) sleeps.

mod common;

use std::time::Duration;

use adobe_firefly::{DownloadTimeouts, Error, Firefly, FireflyBuilder, RetryPolicy};
use bytes::Bytes;
use common::*;
use futures::{Stream, stream};
use tokio::time::Instant;

const PATH: &str = "/output/image.png";

fn builder(url: &str) -> FireflyBuilder {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("t")
        .api_url(url)
        .retry_policy(RetryPolicy::none())
}

/// `piece` bytes every `every`, `pieces` times (forever when `None`).
fn drip(
    piece: usize,
    every: Duration,
    pieces: Option<usize>,
) -> impl Stream<Item = Bytes> + Send + 'static {
    stream::unfold(0usize, move |sent| async move {
        if pieces.is_some_and(|pieces| sent >= pieces) {
            return None;
        }
        tokio::time::sleep(every).await;
        Some((Bytes::from(vec![b'x'; piece]), sent + 1))
    })
}

/// Waits for `call`, which must end on its own within a virtual hour.
async fn ended<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(3600), call)
        .await
        .expect("the download ended on its own")
}

#[tokio::test(start_paused = true)]
async fn a_drip_fed_download_fails_the_minimum_rate_after_three_attempts() {
    // 100 bytes a second: under 1 KiB/s, yet never quiet for the idle limit.
    let storage = FakeServer::start(|_, _| {
        Reply::Now(streamed_response(
            200,
            "image/png",
            drip(100, Duration::from_secs(1), None),
        ))
    })
    .await;
    let firefly = builder(&storage.url).build().unwrap();
    let defaults = DownloadTimeouts::default();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.png");
    let started = Instant::now();
    let error = ended(firefly.download_to_file(&format!("{}{PATH}", storage.url), &path))
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert!(
        matches!(
            &error,
            Error::DownloadTooSlow { min_speed: 1024, window, attempts: 3, received, .. }
                if *window == defaults.min_speed_time && (2_000..=4_000).contains(received)
        ),
        "{error:?}"
    );
    assert!(error.is_timeout() && error.is_retryable(), "{error}");
    assert!(error.to_string().contains("3 attempts"), "{error}");
    // One request per attempt, each abandoned after 30 s: about a minute
    // and a half, not the ten minutes of the total limit.
    assert_eq!(storage.count(PATH), 3);
    let per_attempt = defaults.min_speed_time;
    assert!(
        waited >= 3 * per_attempt && waited < 3 * per_attempt + Duration::from_secs(5),
        "{waited:?}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(start_paused = true)]
async fn the_rate_rule_and_the_retries_follow_the_settings() {
    let storage = FakeServer::start(|_, _| {
        Reply::Now(streamed_response(
            200,
            "image/png",
            drip(100, Duration::from_secs(1), None),
        ))
    })
    .await;
    let firefly = builder(&storage.url)
        .download_timeouts(
            DownloadTimeouts::default()
                .min_speed(50, Duration::from_secs(10))
                .retries(0)
                .total(Duration::from_secs(60)),
        )
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let error = ended(firefly.download_to_file(
        &format!("{}{PATH}", storage.url),
        dir.path().join("image.png"),
    ))
    .await
    .unwrap_err();
    // 100 bytes a second passes a 50 bytes/s rule: the total limit ends it,
    // after one attempt.
    assert!(
        matches!(
            &error,
            Error::DownloadTimeout {
                stalled: false,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(storage.count(PATH), 1);
    assert!(started.elapsed() < Duration::from_secs(61));
}

#[tokio::test(start_paused = true)]
async fn a_download_above_the_minimum_rate_is_saved_whole() {
    // 1500 bytes a second for 90 s: slower than most, faster than 1 KiB/s.
    const PIECES: usize = 90;
    let storage = FakeServer::start(|_, _| {
        let body = drip(1500, Duration::from_secs(1), Some(PIECES));
        Reply::Now(with_header(
            streamed_response(200, "image/png", body),
            "content-length",
            &(1500 * PIECES).to_string(),
        ))
    })
    .await;
    let firefly = builder(&storage.url).build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.png");
    let size = ended(firefly.download_to_file(&format!("{}{PATH}", storage.url), &path))
        .await
        .unwrap();
    assert_eq!(size, (1500 * PIECES) as u64);
    assert_eq!(std::fs::read(&path).unwrap().len(), 1500 * PIECES);
    assert_eq!(storage.count(PATH), 1);
}

#[tokio::test(start_paused = true)]
async fn a_download_that_stalled_once_is_fetched_again_from_the_start() {
    let storage = FakeServer::start(|_, earlier| {
        let body: std::pin::Pin<Box<dyn Stream<Item = Bytes> + Send>> = if earlier == 0 {
            // Half a file, then silence.
            Box::pin(futures::StreamExt::chain(
                stream::iter([Bytes::from_static(b"first half ")]),
                stream::pending(),
            ))
        } else {
            Box::pin(stream::iter([Bytes::from_static(b"the whole file")]))
        };
        Reply::Now(streamed_response(200, "application/octet-stream", body))
    })
    .await;
    let firefly = builder(&storage.url).build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("file.bin");
    ended(firefly.download_to_file(&format!("{}{PATH}", storage.url), &path))
        .await
        .unwrap();
    // Nothing of the first attempt is left in the file.
    assert_eq!(std::fs::read(&path).unwrap(), b"the whole file");
    assert_eq!(storage.count(PATH), 2);
}

#[tokio::test(start_paused = true)]
async fn a_refused_download_is_not_tried_again() {
    let storage =
        FakeServer::start(|_, _| Reply::Now(text_response(403, "text/plain", "expired"))).await;
    let firefly = builder(&storage.url).build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let error = ended(firefly.download_to_file(
        &format!("{}{PATH}", storage.url),
        dir.path().join("image.png"),
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(&error, Error::Storage { status: 403, .. }),
        "{error:?}"
    );
    assert_eq!(storage.count(PATH), 1);
}
