//! Retries (status reads through 429 and 5xx, submissions only when nothing
//! was created, Retry-After caps), the client-side rate limit, and waiting
//! for jobs, against a loopback server.

mod common;

use std::time::Duration;

use adobe_firefly::{
    Error, Firefly, RateLimit, RetryPolicy, WaitOptions,
    types::{GenerateImagesRequest, JobAccepted, JobStatus},
};
use common::*;
use serde_json::json;

// Retries.

#[tokio::test(start_paused = true)]
async fn status_reads_are_retried_through_429_and_5xx() {
    let server = server_with(|_, earlier| match earlier {
        0 => json_response(503, json!({})),
        1 => text_response(502, "text/html", "<html>bad gateway</html>"),
        2 => with_header(
            json_response(429, json!({"error_code": "rate_limited"})),
            "retry-after",
            "2",
        ),
        _ => running(),
    })
    .await;
    let firefly = client(&server);
    let status = firefly.job_status(&job(&server)).await.unwrap();
    assert_eq!(status.status, Some(JobStatus::Running));
    let polls = server.requests_to(&format!("/v3/status/{JOB}"));
    assert_eq!(polls.len(), 4, "the default policy allows four attempts");
    assert!(
        polls[3].at - polls[2].at >= Duration::from_secs(2),
        "Retry-After honoured"
    );
}

#[tokio::test(start_paused = true)]
async fn retries_stop_after_the_policy_attempts() {
    let server =
        server_with(|_, _| json_response(503, json!({"error_code": "model_not_loaded"}))).await;
    let firefly = client(&server);
    let error = firefly.job_status(&job(&server)).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert!(error.is_retryable());
    assert_eq!(server.count(&format!("/v3/status/{JOB}")), 4);

    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("t")
        .api_url(&server.url)
        .retry_policy(RetryPolicy::default().attempts(2))
        .build()
        .unwrap();
    firefly.job_status(&job(&server)).await.unwrap_err();
    assert_eq!(server.count(&format!("/v3/status/{JOB}")), 6);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_cap_is_returned_not_waited_for() {
    let server = server_with(|_, _| {
        with_header(
            json_response(429, json!({"error_code": "rate_limited"})),
            "retry-after",
            "3600",
        )
    })
    .await;
    let error = client(&server).job_status(&job(&server)).await.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.count(&format!("/v3/status/{JOB}")), 1);
}

const SUBMIT: &str = "/v3/images/generate-async";

fn accepted() -> axum::response::Response {
    json_response(
        202,
        json!({"jobId": JOB, "statusUrl": "x/v3/status/j", "cancelUrl": "x/v3/cancel/j"}),
    )
}

#[tokio::test(start_paused = true)]
async fn submissions_are_retried_only_when_nothing_was_created() {
    for (first, retried) in [
        (429, true),
        (503, true),
        (500, false),
        (502, false),
        (504, false),
    ] {
        let server = server_with(move |_, earlier| match earlier {
            0 => json_response(first, json!({})),
            _ => accepted(),
        })
        .await;
        let result = client(&server)
            .generate_images(GenerateImagesRequest::builder().prompt("cat"))
            .await;
        assert_eq!(result.is_ok(), retried, "{first}: {result:?}");
        assert_eq!(server.count(SUBMIT), if retried { 2 } else { 1 }, "{first}");
    }
}

#[tokio::test(start_paused = true)]
async fn the_rate_limit_spaces_requests_out() {
    let server = server_with(|_, _| accepted()).await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("t")
        .api_url(&server.url)
        .rate_limit(RateLimit::per_minute(4))
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let submissions =
        (0..6).map(|_| firefly.generate_images(GenerateImagesRequest::builder().prompt("cat")));
    for result in futures::future::join_all(submissions).await {
        result.unwrap();
    }
    let times: Vec<Duration> = server
        .requests_to(SUBMIT)
        .iter()
        .map(|r| r.at - start)
        .collect();
    assert_eq!(times.len(), 6);
    assert!(
        times[..4].iter().all(|t| *t < Duration::from_secs(1)),
        "{times:?}"
    );
    assert!(
        times[4..].iter().all(|t| *t >= Duration::from_secs(60)),
        "{times:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_for_submissions_lets_polls_through() {
    let server = server_with(|_, _| running()).await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("t")
        .api_url(&server.url)
        .rate_limit(RateLimit::per_minute(1).submissions_only())
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    for _ in 0..5 {
        firefly.job_status(&job(&server)).await.unwrap();
    }
    assert!(start.elapsed() < Duration::from_secs(1));
}

// Waiting.

#[tokio::test(start_paused = true)]
async fn waiting_ends_with_the_job_state() {
    for (status, expect_failure) in [
        ("failed", true),
        ("canceled", true),
        ("cancelled", true),
        ("timeout", true),
    ] {
        let server = server_with(move |_, earlier| match earlier {
            0 => json_response(200, json!({"jobId": JOB, "status": "pending"})),
            _ => json_response(200, json!({"jobId": JOB, "status": status, "error_code": "runtime_error", "message": "gpu fell over"})),
        })
        .await;
        let error = client(&server)
            .wait_for_job(&job(&server), &WaitOptions::default())
            .await
            .unwrap_err();
        assert_eq!(error.job_id(), Some(JOB));
        assert!(
            matches!(error, Error::JobFailed { .. }) == expect_failure,
            "{status}: {error:?}"
        );
        assert_eq!(error.error_code(), Some("runtime_error"));
    }
}

#[tokio::test(start_paused = true)]
async fn waiting_past_the_deadline_names_the_job_and_can_resume() {
    let server = server_with(|_, earlier| {
        if earlier < 30 {
            running()
        } else {
            json_response(
                200,
                json!({"jobId": JOB, "status": "succeeded", "result": {"size": {"width": 1024, "height": 1024}, "outputs": []}}),
            )
        }
    })
    .await;
    let firefly = client(&server);
    let options = WaitOptions::default().deadline(Duration::from_secs(60));
    let started = tokio::time::Instant::now();
    let error = firefly
        .wait_for_job(&job(&server), &options)
        .await
        .unwrap_err();
    assert!(started.elapsed() <= Duration::from_secs(60));
    assert!(error.is_timeout());
    assert!(
        matches!(&error, Error::WaitTimeout { job_id, last_status: Some(JobStatus::Running), .. } if job_id == JOB),
        "{error:?}"
    );
    let polls = server.count(&format!("/v3/status/{JOB}"));
    assert!(polls < 20, "backs off: {polls} polls in a minute");

    let resumed = JobAccepted {
        job_id: error.job_id().unwrap().to_owned(),
        ..job(&server)
    };
    let long = WaitOptions::default().deadline(Duration::from_secs(3600));
    firefly.wait_for_job(&resumed, &long).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn waiting_honours_retry_after_on_a_429_poll() {
    let server = server_with(|_, earlier| match earlier {
        0 => with_header(
            json_response(429, json!({"error_code": "rate_limited"})),
            "retry-after",
            "20",
        ),
        _ => json_response(
            200,
            json!({"jobId": JOB, "status": "succeeded", "result": {"size": {"width": 1024, "height": 1024}, "outputs": []}}),
        ),
    })
    .await;
    client(&server)
        .wait_for_job(&job(&server), &WaitOptions::default())
        .await
        .unwrap();
    let polls = server.requests_to(&format!("/v3/status/{JOB}"));
    assert_eq!(polls.len(), 2);
    assert!(polls[1].at - polls[0].at >= Duration::from_secs(20));
}
