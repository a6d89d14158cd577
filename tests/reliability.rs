//! Faults, bad responses and load: the SDK ends with the promised typed
//! error or success, never a panic, and leaves no task behind.

mod common;

use std::{sync::Arc, time::Duration};

use adobe_firefly::{
    Error, Firefly, RetryPolicy, WaitOptions,
    types::{GenerateImagesRequest, JobAccepted},
};
use adobe_firefly_emulator::{Emulator, Faults, ServerErrorBurst};
use common::EmulatorExt;
use common::*;
use serde_json::json;

fn static_client(url: &str) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("t")
        .api_url(url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn truncated_and_malformed_bodies_are_decode_errors() {
    for body in [
        r#"{"jobId": "x", "sta"#,
        r#"{"jobId": 5, "status": "running"}"#,
        "<html>not json</html>",
        "",
    ] {
        let reply = body.to_owned();
        let server = FakeServer::start(move |_, _| {
            Reply::Now(text_response(200, "application/json", &reply))
        })
        .await;
        let error = static_client(&server.url)
            .job_status(&job(&server))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{body:?}: {error:?}");
        assert!(!error.is_retryable());
    }
}

#[tokio::test(start_paused = true)]
async fn a_redirect_to_another_host_is_not_followed() {
    let elsewhere = FakeServer::start(|_, _| {
        Reply::Now(json_response(
            200,
            json!({"jobId": JOB, "status": "running"}),
        ))
    })
    .await;
    let target = format!("{}/v3/status/{JOB}", elsewhere.url);
    let server = FakeServer::start(move |_, _| {
        Reply::Now(with_header(
            json_response(302, json!({})),
            "location",
            &target,
        ))
    })
    .await;
    let error = static_client(&server.url)
        .job_status(&job(&server))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(302));
    assert!(
        elsewhere.requests().is_empty(),
        "the token never reached the other host"
    );
}

#[tokio::test(start_paused = true)]
async fn a_status_url_on_an_untrusted_host_gets_no_credentials() {
    let server = FakeServer::start(|_, _| {
        Reply::Now(json_response(
            200,
            json!({"jobId": JOB, "status": "running"}),
        ))
    })
    .await;
    let elsewhere = FakeServer::start(|_, _| {
        Reply::Now(json_response(
            200,
            json!({"jobId": JOB, "status": "running"}),
        ))
    })
    .await;
    let firefly = static_client(&server.url);
    let foreign = JobAccepted {
        job_id: JOB.into(),
        status_url: format!("{}/v3/status/{JOB}", elsewhere.url),
        cancel_url: format!("{}/v3/cancel/{JOB}", elsewhere.url),
    };
    firefly.job_status(&foreign).await.unwrap();
    firefly.cancel_job(&foreign).await.unwrap();
    assert!(
        elsewhere.requests().is_empty(),
        "polled the configured host instead"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_batch_survives_a_token_expiring_and_injected_faults() {
    let faults = Faults::none()
        .token_valid_for(Duration::from_secs(30))
        .rate_limit_every(7)
        .server_errors(ServerErrorBurst::new(503, 1, 11));
    let emulator = Emulator::builder().faults(faults).start().await.unwrap();
    let firefly = emulator.client().unwrap();
    for i in 0..20 {
        let job = firefly
            .generate_images(GenerateImagesRequest::builder().prompt(format!("job {i}")))
            .await
            .unwrap();
        let result = firefly
            .wait_for_job(&job, &WaitOptions::default())
            .await
            .unwrap();
        let url = image_url(&result.outputs[0]);
        firefly
            .download_to_writer(url, &mut Vec::new())
            .await
            .unwrap();
    }
    assert!(
        emulator.tokens_issued() >= 2,
        "the token was renewed mid-batch"
    );
    assert!(firefly.stats().replays_after_401 >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_left_running_after_a_faulty_batch() {
    let metrics = tokio::runtime::Handle::current().metrics();
    {
        let faults = Faults::none()
            .drop_connection_every(5)
            .slow(Duration::from_millis(5));
        let emulator = Emulator::builder().faults(faults).start().await.unwrap();
        let firefly = Arc::new(emulator.client().unwrap());
        let quick = WaitOptions::default().first_poll(Duration::from_millis(5));
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let firefly = firefly.clone();
                let quick = quick.clone();
                tokio::spawn(async move {
                    let job = firefly
                        .generate_images(GenerateImagesRequest::builder().prompt(format!("{i}")))
                        .await?;
                    firefly.wait_for_job(&job, &quick).await
                })
            })
            .collect();
        for task in tasks {
            // Cut connections may fail a submission; nothing may panic.
            let _ = task.await.expect("no task panicked");
        }
    }
    // The emulator and the client are gone: their tasks wind down.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while metrics.num_alive_tasks() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(metrics.num_alive_tasks(), 0, "tasks still alive");
}

/// 10,000 requests from 256 tasks through one client: no failure, one token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_requests_from_256_tasks() {
    let emulator = Emulator::builder()
        .polls_until_done(u32::MAX)
        .start()
        .await
        .unwrap();
    let firefly = Arc::new(emulator.client().unwrap());
    let job = firefly
        .generate_images(GenerateImagesRequest::builder().prompt("load"))
        .await
        .unwrap();
    let per_task = 10_000 / 256 + 1;
    let tasks: Vec<_> = (0..256)
        .map(|t| {
            let firefly = firefly.clone();
            let job = job.clone();
            tokio::spawn(async move {
                let count = if t < 10_000 % 256 {
                    per_task
                } else {
                    per_task - 1
                };
                for _ in 0..count {
                    firefly.job_status(&job).await.unwrap();
                }
                count
            })
        })
        .collect();
    let mut sent = 0;
    for task in tasks {
        sent += task.await.unwrap();
    }
    assert_eq!(sent, 10_000);
    assert_eq!(emulator.tokens_issued(), 1);
    let polls = emulator
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/v3/status/"))
        .count();
    assert_eq!(polls, 10_000);
}
