//! One job handle for every API: `Job<A>` reads a status, waits through a
//! 429 (honouring its `Retry-After`) to the result, turns a failed job into
//! `Error::JobFailed` with the API's code, cancels where the API can, and
//! refuses an id that would leave its path segment before sending, the same
//! for Firefly and Photoshop, each through its own status shape.

mod common;

use std::time::Duration;

use adobe_firefly::{Api, Error, Job, JobApi, WaitOptions};
use common::*;
use serde_json::{Value, json};

/// A status endpoint that answers 429 (`Retry-After: 20`), then `running`,
/// then `done`.
async fn through_a_429(running: Value, done: Value) -> FakeServer {
    server_with(move |_, earlier| match earlier {
        0 => with_header(
            json_response(429, json!({"error_code": "rate_limited"})),
            "retry-after",
            "20",
        ),
        1 => json_response(200, running.clone()),
        _ => json_response(200, done.clone()),
    })
    .await
}

/// What every API's handle must do with the answers of `through_a_429`.
async fn follows_to_the_end<A: JobApi>(job: Job<A>, server: &FakeServer, path: &str) -> A::Output {
    let mut seen = 0;
    let output = job
        .wait_with(&WaitOptions::default(), |_| seen += 1)
        .await
        .unwrap();
    let polls = server.requests_to(path);
    assert_eq!(polls.len(), 3, "a 429, running, done");
    assert!(
        polls[1].at - polls[0].at >= Duration::from_secs(20),
        "Retry-After honoured"
    );
    assert_eq!(seen, 2, "each status read is reported");
    output
}

#[tokio::test(start_paused = true)]
async fn a_firefly_job_is_followed_through_a_429_to_its_result() {
    let path = format!("/v3/status/{JOB}");
    let server = through_a_429(
        json!({"jobId": JOB, "status": "running"}),
        json!({"jobId": JOB, "status": "succeeded",
               "result": {"size": {"width": 1024, "height": 1024},
                          "outputs": [{"seed": 7, "image": {"url": "https://out/1.png"}}]}}),
    )
    .await;
    let firefly = without_retries(&server);
    let job = firefly.track(job(&server));
    assert_eq!((job.api(), job.id()), (Api::Firefly, JOB));
    let result = follows_to_the_end(job, &server, &path).await;
    assert_eq!(result.outputs[0].seed, Some(7));
}

#[tokio::test(start_paused = true)]
async fn a_failed_firefly_job_is_job_failed_with_fireflys_code() {
    let server = server_with(|_, _| {
        json_response(
            200,
            json!({"jobId": JOB, "status": "failed", "error_code": "runtime_error", "message": "gpu"}),
        )
    })
    .await;
    let job = client(&server).track(job(&server));
    let error = job.wait(&WaitOptions::default()).await.unwrap_err();
    assert!(matches!(error, Error::JobFailed { .. }), "{error:?}");
    assert_eq!(error.error_code(), Some("runtime_error"));
    assert_eq!(error.job_id(), Some(JOB));
}

#[tokio::test(start_paused = true)]
async fn a_firefly_job_is_cancelled_through_its_handle() {
    let server = server_with(|_, _| json_response(200, json!({}))).await;
    let job = client(&server).track(job(&server));
    job.cancel().await.unwrap();
    assert_eq!(server.count(&format!("/v3/cancel/{JOB}")), 1);
}

#[cfg(feature = "photoshop")]
mod photoshop {
    use adobe_firefly::{Firefly, photoshop::PhotoshopJob};

    use super::*;

    const ID: &str = "f54e0fcb-260b-47c3-b520-de0d17dc2b67";

    fn client(server: &FakeServer, retries: bool) -> Firefly {
        let builder = Firefly::builder()
            .client_id(CLIENT_ID)
            .client_secret("secret")
            .api_url(&server.url)
            .photoshop_url(&server.url)
            .ims_url(&server.url);
        let builder = if retries {
            builder
        } else {
            builder.retry_policy(adobe_firefly::RetryPolicy::none())
        };
        builder.build().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_photoshop_job_is_followed_through_a_429_to_its_result() {
        let path = format!("/v2/status/{ID}");
        let server = through_a_429(
            json!({"jobId": ID, "status": "running"}),
            json!({"jobId": ID, "status": "succeeded",
                   "result": {"outputs": [{"destination": {"url": "https://out/1.png"}}]}}),
        )
        .await;
        let firefly = client(&server, false);
        let job = firefly.photoshop().track(PhotoshopJob::new(ID));
        assert_eq!((job.api(), job.id()), (Api::Photoshop, ID));
        let done = follows_to_the_end(job, &server, &path).await;
        assert_eq!(done.status.as_deref(), Some("succeeded"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_photoshop_job_is_job_failed_with_its_error_details() {
        let server = server_with(|_, _| {
            json_response(
                200,
                json!({"jobId": ID, "status": "failed",
                       "errorDetails": [{"errorCode": "403", "message": "Unable to upload the outputs"}]}),
            )
        })
        .await;
        let job = client(&server, true)
            .photoshop()
            .track(PhotoshopJob::new(ID));
        let error = job.wait(&WaitOptions::default()).await.unwrap_err();
        assert!(matches!(error, Error::JobFailed { .. }), "{error:?}");
        assert_eq!(error.error_code(), Some("403"));
        assert_eq!(error.job_id(), Some(ID));
    }

    #[tokio::test(start_paused = true)]
    async fn a_photoshop_job_id_that_leaves_its_segment_is_refused_before_sending() {
        let server = server_with(|_, _| json_response(200, json!({}))).await;
        let firefly = client(&server, true);
        for id in ["..", "%2e%2e", "a/b"] {
            let job = firefly.photoshop().track(PhotoshopJob::new(id));
            let error = job.status().await.unwrap_err();
            assert!(matches!(error, Error::Validation(_)), "{id}: {error:?}");
            let error = job.wait(&WaitOptions::default()).await.unwrap_err();
            assert!(matches!(error, Error::Validation(_)), "{id}: {error:?}");
            let error = firefly
                .photoshop()
                .job_status(&PhotoshopJob::new(id))
                .await
                .unwrap_err();
            assert!(matches!(error, Error::Validation(_)), "{id}: {error:?}");
        }
        assert!(
            server.requests().is_empty(),
            "nothing sent, no token either"
        );
    }
}
