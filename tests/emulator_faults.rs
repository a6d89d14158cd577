//! Each fault the emulator injects produces what it claims, and the SDK's
//! default policy rides out the recoverable ones.

mod common;

use std::time::Duration;

use adobe_firefly::{
    Error, Firefly, RetryPolicy, WaitOptions,
    types::{GenerateImagesRequest, JobStatus},
};
use adobe_firefly_emulator::{Emulator, Faults, RetryAfter, ServerErrorBurst};
use common::EmulatorExt;
use tokio::time::Instant;

fn cat() -> adobe_firefly::types::builder::GenerateImagesRequest {
    GenerateImagesRequest::builder().prompt("a realistic illustration of a cat coding")
}

async fn with_faults(faults: Faults) -> Emulator {
    Emulator::builder().faults(faults).start().await.unwrap()
}

/// A client that shows each fault as it comes, without retrying it away.
fn unretried(emulator: &Emulator) -> Firefly {
    emulator
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

// Faults: each produces what it claims.

#[tokio::test(start_paused = true)]
async fn injected_429s_carry_retry_after_in_seconds_or_as_a_date() {
    for (style, expected) in [(RetryAfter::Seconds(7), 7), (RetryAfter::HttpDate(30), 30)] {
        let emulator = with_faults(Faults::none().rate_limit_every(2).retry_after(style)).await;
        let firefly = unretried(&emulator);
        let job = firefly.generate_images(cat()).await.unwrap();
        let error = firefly.job_status(&job).await.unwrap_err();
        assert!(error.is_rate_limited(), "{error:?}");
        let wait = error.retry_after().unwrap();
        assert!(
            wait <= Duration::from_secs(expected) && wait >= Duration::from_secs(expected - 2),
            "{style:?}: {wait:?}"
        );
        firefly.job_status(&job).await.unwrap();
        assert_eq!(emulator.faults_served().rate_limits, 1);
    }
}

#[tokio::test(start_paused = true)]
async fn server_error_bursts_fail_the_requests_they_say() {
    let emulator =
        with_faults(Faults::none().server_errors(ServerErrorBurst::new(503, 2, 4))).await;
    let firefly = unretried(&emulator);
    let mut outcomes = Vec::new();
    for _ in 0..8 {
        outcomes.push(
            firefly
                .generate_images(cat())
                .await
                .err()
                .and_then(|e| e.status()),
        );
    }
    assert_eq!(
        outcomes,
        [
            Some(503),
            Some(503),
            None,
            None,
            Some(503),
            Some(503),
            None,
            None
        ]
    );
    assert_eq!(emulator.faults_served().server_errors, 4);
}

#[tokio::test(start_paused = true)]
async fn slow_responses_take_the_configured_time() {
    let emulator = with_faults(Faults::none().slow(Duration::from_millis(1500))).await;
    let firefly = emulator.client().unwrap();
    firefly.generate_images(cat()).await.unwrap();
    let started = Instant::now();
    firefly.generate_images(cat()).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_millis(1500));
    assert_eq!(emulator.faults_served().slow_answers, 2);
}

#[tokio::test]
async fn dropped_connections_are_transport_errors_and_reads_are_retried() {
    let emulator = with_faults(Faults::none().drop_connection_every(2)).await;
    let firefly = unretried(&emulator);
    let job = firefly.generate_images(cat()).await.unwrap();
    let error = firefly.job_status(&job).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable());
    firefly.job_status(&job).await.unwrap();

    // With the default policy the cut read (request 4) is simply sent again.
    let retrying = emulator.client().unwrap();
    retrying.job_status(&job).await.unwrap();
    let polls = emulator
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/v3/status/"))
        .count();
    assert_eq!(polls, 4);
    assert_eq!(emulator.faults_served().dropped_connections, 2);
}

/// Every fault a client is expected to absorb, at once. Cut connections
/// (which may fail a submission) and failed jobs are errors by design and
/// have their own tests.
#[tokio::test(start_paused = true)]
async fn the_default_policy_rides_out_every_recoverable_fault() {
    let faults = Faults::none()
        .rate_limit_every(3)
        .server_errors(ServerErrorBurst::new(503, 1, 5))
        .slow(Duration::from_millis(100))
        .html_errors(true)
        .token_valid_for(Duration::from_secs(5));
    let emulator = with_faults(faults).await;
    let firefly = emulator.client().unwrap();
    for _ in 0..5 {
        let job = firefly.generate_images(cat()).await.unwrap();
        firefly
            .wait_for_job(&job, &WaitOptions::default())
            .await
            .unwrap();
    }
    // Each fault fired: a fault that stopped firing would pass unnoticed.
    let served = emulator.faults_served();
    let api_requests = emulator
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/v3/"))
        .count() as u64;
    assert!(served.rate_limits >= 5, "{served:?}");
    assert!(served.server_errors >= 3, "{served:?}");
    assert!(served.expired_tokens >= 1, "{served:?}");
    assert_eq!(served.slow_answers, api_requests, "{served:?}");
    assert_eq!(
        served.html_errors,
        served.rate_limits + served.server_errors + served.expired_tokens,
        "every refusal was an HTML page: {served:?}"
    );
    assert_eq!(firefly.stats().replays_after_401, served.expired_tokens);
    assert_eq!(
        (
            served.dropped_connections,
            served.failed_jobs,
            served.quota_rejections
        ),
        (0, 0, 0),
        "{served:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn html_error_bodies_keep_status_and_text() {
    let emulator = with_faults(Faults::none().html_errors(true).rate_limit_every(1)).await;
    let error = emulator
        .client()
        .unwrap()
        .generate_images(cat())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert!(api.body_excerpt().unwrap().starts_with("<html>"), "{api:?}");
    let attempts = emulator
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/v3/"))
        .count() as u64;
    let served = emulator.faults_served();
    assert!(attempts > 1, "the 429s were retried");
    assert_eq!(
        (served.rate_limits, served.html_errors),
        (attempts, attempts)
    );
}

#[tokio::test(start_paused = true)]
async fn injected_job_failures_end_the_wait_with_adobes_code() {
    let emulator = with_faults(Faults::none().fail_jobs_every(2)).await;
    let firefly = unretried(&emulator);
    let first = firefly.generate_images(cat()).await.unwrap();
    let second = firefly.generate_images(cat()).await.unwrap();
    firefly
        .wait_for_job(&first, &WaitOptions::default())
        .await
        .unwrap();
    let error = firefly
        .wait_for_job(&second, &WaitOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::JobFailed {
                status: JobStatus::Failed,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.error_code(), Some("runtime_error"));
    assert_eq!(error.job_id(), Some(second.job_id.as_str()));
    assert_eq!(emulator.faults_served().failed_jobs, 1);
}

#[tokio::test(start_paused = true)]
async fn tokens_that_expire_early_are_replaced_after_a_401() {
    let emulator = with_faults(Faults::none().token_valid_for(Duration::from_secs(10))).await;
    let firefly = emulator.client().unwrap();
    let job = firefly.generate_images(cat()).await.unwrap();
    tokio::time::advance(Duration::from_secs(11)).await;
    firefly.job_status(&job).await.unwrap();
    assert_eq!(emulator.tokens_issued(), 2);
    assert_eq!(firefly.stats().replays_after_401, 1);
    assert_eq!(emulator.faults_served().expired_tokens, 1);
}

#[tokio::test(start_paused = true)]
async fn the_per_minute_quota_answers_429_until_the_window_moves() {
    let emulator = with_faults(Faults::none().rate_limit_per_minute(4)).await;
    let firefly = unretried(&emulator);
    for _ in 0..4 {
        firefly.generate_images(cat()).await.unwrap();
    }
    let error = firefly.generate_images(cat()).await.unwrap_err();
    assert!(error.is_rate_limited());
    let wait = error.retry_after().unwrap();
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_secs(60),
        "{wait:?}"
    );
    tokio::time::advance(wait).await;
    firefly.generate_images(cat()).await.unwrap();
    // The default policy waits for the window instead of failing.
    for _ in 0..3 {
        firefly.generate_images(cat()).await.unwrap();
    }
    let patient = emulator.client().unwrap();
    let started = Instant::now();
    patient.generate_images(cat()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(emulator.faults_served().quota_rejections, 2);
}

#[tokio::test(start_paused = true)]
async fn the_quota_window_scales_and_may_count_submissions_only() {
    let faults = Faults::none()
        .rate_limit_per_minute(2)
        .quota_window(Duration::from_millis(500))
        .quota_submissions_only(true);
    let emulator = with_faults(faults).await;
    let firefly = unretried(&emulator);
    let job = firefly.generate_images(cat()).await.unwrap();
    firefly.generate_images(cat()).await.unwrap();
    // Polls do not count.
    for _ in 0..5 {
        firefly.job_status(&job).await.unwrap();
    }
    let error = firefly.generate_images(cat()).await.unwrap_err();
    assert!(error.is_rate_limited());
    // Half a second, not a minute, frees the window.
    tokio::time::advance(Duration::from_millis(500)).await;
    firefly.generate_images(cat()).await.unwrap();
    assert_eq!(emulator.faults_served().quota_rejections, 1);
}

#[tokio::test(start_paused = true)]
async fn revoked_tokens_are_refused_and_new_ones_work() {
    let emulator = with_faults(Faults::none()).await;
    let firefly = emulator.client().unwrap();
    firefly.generate_images(cat()).await.unwrap();
    emulator.revoke_tokens();
    // The client meets a 401, fetches a new token and replays once.
    firefly.generate_images(cat()).await.unwrap();
    assert_eq!(firefly.stats().replays_after_401, 1);
    assert_eq!(emulator.tokens_issued(), 2);
    assert_eq!(emulator.faults_served().expired_tokens, 1);
}

#[tokio::test(start_paused = true)]
async fn a_slow_ims_delays_every_token() {
    let delay = Duration::from_secs(3);
    let emulator = with_faults(Faults::none().ims_slow(delay)).await;
    let started = Instant::now();
    emulator
        .client()
        .unwrap()
        .generate_images(cat())
        .await
        .unwrap();
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
    assert_eq!(emulator.tokens_issued(), 1);
}
