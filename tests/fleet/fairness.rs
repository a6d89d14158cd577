//! Waiting for a full shared budget is a queue: each caller reserves the
//! earliest free slot in one script call and is sent at it, in the order
//! the callers asked, with no retries racing for a freed slot.

use std::time::{Duration, Instant};

use adobe_firefly::{
    Error, Firefly, RateLimit, RateLimitError, RetryPolicy, types::GenerateImagesRequest,
};
use adobe_firefly_emulator::{Emulator, Faults};

use super::{fleet, submissions};
use crate::redis_server::{PrivateRedis, inspect, keys, unique_prefix};

/// A client with its own connection to the fleet's budget (its token is
/// its own, so the only scripts Redis runs are the budget's).
fn client(emulator: &Emulator, limit: RateLimit) -> Firefly {
    Firefly::builder()
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .api_url(emulator.url())
        .ims_url(emulator.url())
        .rate_limit(limit)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// The slots the window log holds (sent or reserved, the oldest trimmed
/// once they leave the window).
fn slots(url: &str, prefix: &str) -> Vec<String> {
    let Some(window) = keys(url, prefix)
        .into_iter()
        .find(|k| k.ends_with(":window"))
    else {
        return Vec::new();
    };
    redis::cmd("ZRANGE")
        .arg(window)
        .arg(0)
        .arg(-1)
        .query(&mut inspect(url))
        .unwrap()
}

/// Waits, up to a deadline, until Redis has run the script `n` times.
async fn wait_for_script_runs(url: &str, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while script_runs(url) < n {
        assert!(Instant::now() < deadline, "request {n} never reached Redis");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Script runs Redis answered without an error (a first `EVALSHA` may fail
/// with `NOSCRIPT` before the script is loaded).
fn script_runs(url: &str) -> u64 {
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query(&mut inspect(url))
        .unwrap();
    let field = |line: &str, name: &str| -> u64 {
        line.split([':', ','])
            .find_map(|item| item.strip_prefix(&format!("{name}=")))
            .map_or(0, |n| n.parse().unwrap())
    };
    info.lines()
        .filter(|line| line.starts_with("cmdstat_evalsha:") || line.starts_with("cmdstat_eval:"))
        .map(|line| {
            field(line, "calls") - field(line, "failed_calls") - field(line, "rejected_calls")
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiters_are_sent_in_the_order_they_asked_after_one_script_call_each() {
    let server = PrivateRedis::start();
    let url = server.url();
    let prefix = unique_prefix("fifo");
    let window = Duration::from_millis(400);
    // The emulator's window is shorter by a margin for the time between a
    // slot and the request reaching it.
    let quota_window = Duration::from_millis(300);
    let emulator = Emulator::builder()
        .faults(
            Faults::none()
                .rate_limit_per_minute(1)
                .quota_window(quota_window)
                .quota_submissions_only(true),
        )
        .start()
        .await
        .unwrap();
    let limit = RateLimit::new(1, window).per_day(100).submissions_only();
    let waiters = 5;
    let mut queued = Vec::new();
    for n in 1..=waiters as u64 {
        let firefly = client(&emulator, limit.clone().redis(&fleet(&url, &prefix)));
        queued.push(tokio::spawn(async move {
            firefly
                .generate_images(GenerateImagesRequest::builder().prompt("a queue"))
                .await
        }));
        // The next waiter asks only once this one has its slot.
        wait_for_script_runs(&url, n).await;
    }

    // A caller that may not wait until the first free slot reserves nothing.
    let reserved = slots(&url, &prefix);
    let hasty = client(
        &emulator,
        limit
            .clone()
            .max_wait(Duration::from_millis(200))
            .redis(&fleet(&url, &prefix)),
    );
    let error = hasty
        .generate_images(GenerateImagesRequest::builder().prompt("too late"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::RateLimit(RateLimitError::WaitTooLong { wait, .. })
            if wait > Duration::from_millis(200)),
        "{error:?}"
    );
    assert!(
        slots(&url, &prefix)
            .iter()
            .all(|slot| reserved.contains(slot)),
        "nothing was reserved"
    );

    for (n, waiter) in queued.into_iter().enumerate() {
        let job = waiter.await.unwrap().expect("every waiter is sent");
        // The emulator numbers jobs in the order they arrive.
        assert!(
            job.job_id.ends_with(&format!(":{:08}", n + 1)),
            "waiter {n} was sent as {}",
            job.job_id
        );
    }
    assert_eq!(emulator.faults_served().quota_rejections, 0);
    let times = submissions(&emulator);
    assert_eq!(times.len(), waiters);
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= quota_window,
            "sent {:?} apart, the window is {window:?}",
            pair[1] - pair[0]
        );
    }
    // One script call per waiter, and one for the caller that gave up.
    assert_eq!(script_runs(&url), waiters as u64 + 1);
}
