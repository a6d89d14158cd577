//! The Firefly client against a loopback server: 401 handling and error
//! decoding.

mod common;

use std::time::Duration;

use adobe_firefly::{
    Error, Firefly,
    auth::AuthError,
    types::{JobAccepted, JobStatus, JobStatusResponse},
};
use common::*;
use serde_json::json;

// a 401 invalidates the token, fetches once and replays once.

#[tokio::test(start_paused = true)]
async fn concurrent_401s_cause_one_refresh_and_every_replay_uses_the_new_token() {
    let server = server_with(|bearer, _| {
        if bearer == "token-1" {
            json_response(
                401,
                json!({"error_code": "401013", "message": "Oauth token is not valid"}),
            )
        } else {
            running()
        }
    })
    .await;
    let firefly = client(&server);
    let job = job(&server);
    let results = futures::future::join_all((0..100).map(|_| firefly.job_status(&job))).await;
    assert!(
        results.iter().all(|r| r.is_ok()),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    assert_eq!(
        server.count(TOKEN_PATH),
        2,
        "one token, then exactly one refresh"
    );
    let replays: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| {
            r.path.starts_with("/v3/status/") && r.header("authorization") == Some("Bearer token-2")
        })
        .collect();
    assert_eq!(replays.len(), 100);
    assert_eq!(firefly.stats().replays_after_401, 100);
}

#[tokio::test(start_paused = true)]
async fn a_second_401_is_auth_rejected_without_a_loop() {
    let server = server_with(|_, _| json_response(401, json!({"error_code": "401013"}))).await;
    let firefly = client(&server);
    let error = firefly.job_status(&job(&server)).await.unwrap_err();
    assert!(
        matches!(error, Error::Auth(AuthError::AuthRejected { .. })),
        "{error:?}"
    );
    assert!(error.is_auth());
    assert_eq!(server.count(&format!("/v3/status/{JOB}")), 2);
    assert_eq!(server.count(TOKEN_PATH), 2);
}

#[tokio::test(start_paused = true)]
async fn a_403_does_not_refresh_the_token() {
    let server = server_with(|_, _| {
        with_header(
            json_response(
                403,
                json!({"error_code": "403003", "message": "Api Key is invalid"}),
            ),
            "x-access-error",
            "user_non_entitled",
        )
    })
    .await;
    let firefly = client(&server);
    let error = firefly.job_status(&job(&server)).await.unwrap_err();
    assert_eq!(error.status(), Some(403));
    assert_eq!(error.error_code(), Some("403003"));
    assert!(error.is_auth());
    assert_eq!(server.count(TOKEN_PATH), 1);
    assert_eq!(server.count(&format!("/v3/status/{JOB}")), 1);
}

#[tokio::test(start_paused = true)]
async fn a_static_token_never_calls_ims_and_its_401_surfaces_after_one_request() {
    let server = server_with(|bearer, _| {
        if bearer == "static" {
            running()
        } else {
            json_response(401, json!({}))
        }
    })
    .await;
    let ok = Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("static")
        .api_url(&server.url)
        .build()
        .unwrap();
    for _ in 0..3 {
        ok.job_status(&job(&server)).await.unwrap();
        tokio::time::advance(Duration::from_secs(16 * 3600)).await;
    }
    assert_eq!(server.count(TOKEN_PATH), 0);

    let expired = Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("expired")
        .api_url(&server.url)
        .build()
        .unwrap();
    let error = expired.job_status(&job(&server)).await.unwrap_err();
    assert!(
        matches!(error, Error::Auth(AuthError::AuthRejected { .. })),
        "{error:?}"
    );
    assert_eq!(server.count(&format!("/v3/status/{JOB}")), 4);
    assert_eq!(server.count(TOKEN_PATH), 0);
}

#[tokio::test(start_paused = true)]
async fn an_ims_failure_is_a_typed_auth_error_and_firefly_is_not_called() {
    let server = FakeServer::start(|request, _| {
        if request.path == TOKEN_PATH {
            Reply::Now(json_response(400, json!({"error": "invalid_client", "error_description": "invalid client_secret parameter"})))
        } else {
            Reply::Now(running())
        }
    })
    .await;
    let error = client(&server).job_status(&job(&server)).await.unwrap_err();
    assert_eq!(error.error_code(), Some("invalid_client"));
    assert!(
        matches!(error, Error::Auth(AuthError::Permanent { .. })),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("FIREFLY_SERVICES_CLIENT_SECRET"),
        "{error}"
    );
    assert_eq!(server.requests().len(), 1, "only IMS was contacted");
}

// Decoding: forward compatible, and every error keeps what Adobe said.

#[test]
fn unknown_job_status_and_unknown_fields_decode() {
    let status: JobStatusResponse = serde_json::from_value(json!({
        "jobId": "j", "status": "queued_for_gpu", "brandNewField": {"x": 1},
        "result": {"size": {"width": 1, "height": 1}, "outputs": [{"seed": 1, "image": {"url": "u", "extra": true}}], "newResultField": 3}
    }))
    .unwrap();
    assert_eq!(
        status.status,
        Some(JobStatus::Unknown("queued_for_gpu".into()))
    );
    assert!(!status.status.unwrap().is_terminal());
    for (wire, expected) in [
        ("canceled", JobStatus::Canceled),
        ("cancelled", JobStatus::Canceled),
        ("cancel_pending", JobStatus::CancelPending),
        ("timeout", JobStatus::Timeout),
    ] {
        let status: JobStatusResponse =
            serde_json::from_value(json!({"jobId": "j", "status": wire})).unwrap();
        assert_eq!(status.status, Some(expected));
    }
}

#[tokio::test(start_paused = true)]
async fn error_bodies_keep_status_code_message_and_request_id() {
    let server = server_with(|_, earlier| match earlier {
        0 => with_header(
            json_response(422, json!({"error_code": "validation_error", "message": "bad", "validation_errors": [{"loc": ["body", "prompt"], "msg": "too long", "type": "value_error"}]})),
            "x-request-id",
            "req-422",
        ),
        1 => with_header(with_header(json_response(429, json!({"error_code": "rate_limited"})), "retry-after", "7"), "x-request-id", "req-429"),
        2 => text_response(502, "text/html", "<html><body>Bad Gateway</body></html>"),
        3 => with_header(text_response(503, "text/plain", ""), "retry-after", "3"),
        _ => json_response(404, json!({"error_code": "unknown_job_id", "message": "The job id is unknown."})),
    })
    .await;
    let firefly = without_retries(&server);
    let job = job(&server);

    let e = firefly.job_status(&job).await.unwrap_err();
    assert_eq!(
        (e.status(), e.error_code(), e.request_id()),
        (Some(422), Some("validation_error"), Some("req-422"))
    );
    assert_eq!(e.validation_errors()[0].msg.as_deref(), Some("too long"));
    assert!(e.is_validation() && !e.is_retryable());
    assert!(e.to_string().contains("body.prompt: too long"), "{e}");

    let e = firefly.job_status(&job).await.unwrap_err();
    assert!(e.is_rate_limited() && e.is_retryable());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    assert!(e.to_string().contains("retry in 7s"), "{e}");

    let e = firefly.job_status(&job).await.unwrap_err();
    assert_eq!(e.status(), Some(502));
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(
        api.body_excerpt(),
        Some("<html><body>Bad Gateway</body></html>")
    );

    let e = firefly.job_status(&job).await.unwrap_err();
    assert_eq!(
        (e.status(), e.retry_after()),
        (Some(503), Some(Duration::from_secs(3)))
    );

    let e = firefly.job_status(&job).await.unwrap_err();
    assert!(e.is_not_found());
    assert_eq!(e.error_code(), Some("unknown_job_id"));
}

#[tokio::test(start_paused = true)]
async fn a_connection_refused_is_a_retryable_transport_error() {
    let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", unused.local_addr().unwrap());
    drop(unused);
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token("t")
        .api_url(&url)
        .build()
        .unwrap();
    let job = JobAccepted {
        job_id: JOB.into(),
        status_url: format!("{url}/v3/status/{JOB}"),
        cancel_url: String::new(),
    };
    let error = firefly.job_status(&job).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable());
}
