//! The Firefly client against a loopback server: 401 handling, error
//! decoding, retries, the rate limit, validation before sending and
//! configuration.

mod common;

use std::time::Duration;

use adobe_firefly::{
    ConfigError, Error, Firefly, FireflyBuilder, RateLimit, RetryPolicy, WaitOptions,
    auth::AuthError,
    types::{
        GenerateImagesRequest, ImageModelVersion, ImageReference, InputSource, JobAccepted,
        JobStatus, JobStatusResponse, Size, StructureOptions, StyleOptions,
    },
};
use common::*;
use serde_json::json;

fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .build()
        .unwrap()
}

fn without_retries(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// IMS issues token-1, token-2, ...; Firefly's status endpoint answers with
/// `firefly(bearer token, earlier status calls)`.
async fn server_with(
    firefly: impl Fn(&str, usize) -> axum::response::Response + Send + Sync + 'static,
) -> FakeServer {
    FakeServer::start(move |request, earlier| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(
                200,
                token_body(&format!("token-{}", earlier + 1), 86399),
            ));
        }
        let bearer = request
            .header("authorization")
            .unwrap_or_default()
            .trim_start_matches("Bearer ");
        Reply::Now(firefly(bearer, earlier))
    })
    .await
}

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
    assert_eq!(e.validation_errors()[0].msg, "too long");
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

// Validation happens before anything is sent.

#[tokio::test(start_paused = true)]
async fn invalid_requests_are_rejected_before_sending() {
    let server = server_with(|_, _| running()).await;
    let firefly = client(&server);
    let cases: Vec<(adobe_firefly::types::builder::GenerateImagesRequest, &str)> = vec![
        (
            GenerateImagesRequest::builder().prompt("x".repeat(1025)),
            "prompt",
        ),
        (GenerateImagesRequest::builder().prompt(""), "prompt"),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .num_variations(5),
            "numVariations",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .num_variations(0),
            "numVariations",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .seeds(vec![1, 1]),
            "seeds",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .num_variations(2)
                .seeds(vec![1]),
            "seeds",
        ),
        (
            GenerateImagesRequest::builder().prompt("cat").size(Size {
                width: 5000,
                height: 10,
            }),
            "size.width",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .visual_intensity(11),
            "visualIntensity",
        ),
        (
            GenerateImagesRequest::builder().negative_prompt("no prompt".to_owned()),
            "prompt",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .negative_prompt("x".repeat(1025)),
            "negativePrompt",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .style(StyleOptions {
                    presets: vec![],
                    strength: Some(0),
                    image_reference: None,
                }),
            "style.strength",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .style(StyleOptions {
                    presets: vec!["painting".into(), "painting".into()],
                    strength: None,
                    image_reference: None,
                }),
            "style.presets",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .structure(StructureOptions {
                    strength: Some(101),
                    image_reference: None,
                }),
            "structure.strength",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .structure(StructureOptions {
                    strength: None,
                    image_reference: Some(ImageReference {
                        source: Some(InputSource {
                            upload_id: None,
                            url: Some("u".repeat(2084)),
                        }),
                    }),
                }),
            "structure.imageReference.source.url",
        ),
        (
            GenerateImagesRequest::builder()
                .prompt("cat")
                .custom_model_id("urn:aaid:sc:x".to_owned()),
            "customModelId",
        ),
    ];
    for (request, field) in cases {
        let error = firefly.generate_images(request).await.unwrap_err();
        let Error::Validation(validation) = &error else {
            panic!("{field}: {error:?}")
        };
        assert_eq!(validation.field(), field, "{error}");
        assert!(error.is_validation());
    }
    let custom = GenerateImagesRequest::builder().prompt("cat");
    let error = firefly
        .generate_images_with_model(custom, ImageModelVersion::Image4Custom)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Validation(v) if v.field() == "customModelId"),
        "{error:?}"
    );
    assert!(server.requests().is_empty(), "nothing was sent");
}

// Configuration.

fn lookup(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn missing_environment_variables_are_named() {
    let error = FireflyBuilder::from_env_with(lookup(&[])).unwrap_err();
    assert!(matches!(
        error,
        ConfigError::MissingVariable {
            name: "FIREFLY_SERVICES_CLIENT_ID",
            ..
        }
    ));
    assert!(error.to_string().contains("FIREFLY_SERVICES_CLIENT_ID"));

    let error =
        FireflyBuilder::from_env_with(lookup(&[("FIREFLY_SERVICES_CLIENT_ID", "id")])).unwrap_err();
    assert!(matches!(
        error,
        ConfigError::MissingVariable {
            name: "FIREFLY_SERVICES_CLIENT_SECRET",
            ..
        }
    ));
    assert!(
        error.to_string().contains("FIREFLY_SERVICES_ACCESS_TOKEN"),
        "{error}"
    );

    let error =
        FireflyBuilder::from_env_with(lookup(&[("FIREFLY_SERVICES_CLIENT_ID", "  ")])).unwrap_err();
    assert!(
        matches!(
            error,
            ConfigError::MissingVariable {
                name: "FIREFLY_SERVICES_CLIENT_ID",
                ..
            }
        ),
        "empty counts as missing"
    );
}

#[test]
fn environment_variables_configure_the_client() {
    let firefly = FireflyBuilder::from_env_with(lookup(&[
        ("FIREFLY_SERVICES_CLIENT_ID", "id"),
        ("FIREFLY_SERVICES_ACCESS_TOKEN", "token"),
        ("FIREFLY_SERVICES_API_URL", "http://127.0.0.1:1"),
    ]))
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(firefly.api_url(), "http://127.0.0.1:1/");

    let error = FireflyBuilder::from_env_with(lookup(&[
        ("FIREFLY_SERVICES_CLIENT_ID", "id"),
        ("FIREFLY_SERVICES_CLIENT_SECRET", "s"),
        ("FIREFLY_SERVICES_IMS_URL", "http://ims.example.com"),
    ]))
    .unwrap()
    .build()
    .unwrap_err();
    assert!(
        matches!(error, Error::Config(ConfigError::InsecureUrl { .. })),
        "{error:?}"
    );
}

#[test]
fn the_builder_names_what_is_missing() {
    let error = Firefly::builder().client_secret("s").build().unwrap_err();
    assert!(error.to_string().contains("client id"), "{error}");
    let error = Firefly::builder().client_id("id").build().unwrap_err();
    assert!(error.to_string().contains("client_secret"), "{error}");
    let error = Firefly::builder()
        .client_id("id")
        .access_token("t")
        .api_url("http://firefly.example.com")
        .build()
        .unwrap_err();
    assert!(matches!(
        error,
        Error::Config(ConfigError::InsecureUrl { .. })
    ));
}
