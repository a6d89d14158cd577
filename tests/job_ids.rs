//! Job ids go into request paths (`/v3/status/{jobId}`), so they must stay
//! one path segment: ids a URL would read as a step between folders are
//! refused before anything is sent, and every other id goes out
//! percent-encoded as one segment. A scripted server on 127.0.0.1 records
//! the exact paths.

mod common;

use adobe_firefly::{Error, Firefly, RetryPolicy, WaitOptions, types::JobAccepted};
use common::*;
use serde_json::json;

fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("t")
        .api_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Answers every status read with a running job, every cancel with 200.
async fn firefly() -> FakeServer {
    FakeServer::start(|request, _| {
        Reply::Now(if request.method == "PUT" {
            json_response(200, json!({}))
        } else {
            json_response(200, json!({"jobId": JOB, "status": "running"}))
        })
    })
    .await
}

fn refused_as_invalid(result: Result<impl std::fmt::Debug, Error>, id: &str) {
    match result {
        Err(Error::Validation(invalid)) => assert_eq!(invalid.field(), "jobId", "{id:?}"),
        other => panic!("{id:?} was not refused: {other:?}"),
    }
}

// Paused time: the wait sleeps its first poll interval before it reads.
#[tokio::test(start_paused = true)]
async fn ids_that_would_leave_their_segment_are_refused_before_sending() {
    let server = firefly().await;
    let firefly = client(&server);
    let ids = [
        ".",
        "..",
        "%2e%2e",
        "%2E.",
        "%252e%252e",
        "a/b",
        "a%2Fb",
        "..\\v2\\storage",
        "a%5cb",
        "",
        " ",
        "a\u{1b}[2Jb",
    ];
    for id in ids {
        refused_as_invalid(firefly.job(id), id);
        // A handle made by hand (its fields are public) is checked too.
        let job = JobAccepted {
            job_id: id.to_owned(),
            status_url: format!("{}/v3/status/x", server.url),
            cancel_url: format!("{}/v3/cancel/x", server.url),
        };
        refused_as_invalid(firefly.job_status(&job).await, id);
        refused_as_invalid(firefly.cancel_job(&job).await, id);
        refused_as_invalid(
            firefly.wait_for_job(&job, &WaitOptions::default()).await,
            id,
        );
    }
    let sent: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert!(sent.is_empty(), "{sent:?}");
}

#[tokio::test]
async fn every_id_goes_out_percent_encoded_as_one_segment() {
    let server = firefly().await;
    let firefly = client(&server);
    // Dots inside an id, `?`, `#`, `%` and non-ASCII are all part of it.
    let id = "urn:ff:jobs:a..b?c#d%41é";
    let encoded = "urn:ff:jobs:a..b%3Fc%23d%2541%C3%A9";
    let job = firefly.job(id).unwrap();
    assert_eq!(job.job_id, id);
    assert_eq!(
        job.status_url,
        format!("{}/v3/status/{encoded}", server.url)
    );
    assert_eq!(
        job.cancel_url,
        format!("{}/v3/cancel/{encoded}", server.url)
    );
    firefly.job_status(&job).await.unwrap();
    firefly.cancel_job(&job).await.unwrap();
    let sent: Vec<(String, String, Option<String>)> = server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path, r.query))
        .collect();
    assert_eq!(
        sent,
        [
            ("GET".into(), format!("/v3/status/{encoded}"), None),
            ("PUT".into(), format!("/v3/cancel/{encoded}"), None),
        ]
    );
}
