//! What errors say: each kind of failure gets the variant, the predicates and
//! the advice that fit it, against loopback servers and the emulator.

mod common;

use std::time::Duration;

use adobe_firefly::{
    ConfigError, Error, Firefly, RetryPolicy, auth::AuthError, types::GenerateImagesRequest,
};
use adobe_firefly_emulator::Emulator;
use common::*;
use serde_json::json;

const SUBMIT: &str = "/v3/images/generate-async";
const STATUS: &str = "/v3/status/urn:ff:jobs:test:1";

/// IMS answers with a token; Firefly with `firefly(path)`.
async fn firefly_answering(
    firefly: impl Fn(&str) -> axum::response::Response + Send + Sync + 'static,
) -> FakeServer {
    FakeServer::start(move |request, _| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(200, token_body("token", 86399)));
        }
        Reply::Now(firefly(&request.path))
    })
    .await
}

#[test]
fn an_invalid_client_id_is_an_invalid_setting_not_a_missing_one() {
    let error = Firefly::builder()
        .client_id("abc\ndef")
        .client_secret("secret")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Config(ConfigError::InvalidSetting {
                setting: "client id",
                ..
            })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("visible ASCII"), "{error}");
    let missing = Firefly::builder()
        .client_secret("secret")
        .build()
        .unwrap_err();
    assert!(
        matches!(&missing, Error::Config(ConfigError::MissingSetting { .. })),
        "{missing:?}"
    );
}

#[tokio::test]
async fn a_failed_read_of_an_upload_file_says_read_and_names_the_file() {
    let server = firefly_answering(|_| json_response(500, json!({}))).await;
    let missing = std::env::temp_dir().join("firefly-no-such-image-for-upload.png");
    let error = without_retries(&server)
        .upload_image_file(&missing)
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("cannot read "), "{text}");
    assert!(
        text.contains("firefly-no-such-image-for-upload.png"),
        "{text}"
    );
    assert!(!text.contains("download"), "{text}");
    assert!(
        matches!(&error, Error::Io { writing: false, .. }),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 0, "nothing was sent");
}

#[tokio::test]
async fn an_expired_download_url_is_a_storage_error_that_advises_a_fresh_status() {
    let storage = FakeServer::start(|_, _| {
        Reply::Now(with_header(
            text_response(
                403,
                "application/xml",
                "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code>\
                 <Message>Request has expired</Message></Error>",
            ),
            "x-amz-request-id",
            "AMZ123",
        ))
    })
    .await;
    let firefly = without_retries(&storage);
    let url = format!("{}/output/image.png?X-Amz-Expires=3600", storage.url);
    let error = firefly
        .download_to_writer(&url, &mut Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Storage { status: 403, .. }),
        "{error:?}"
    );
    assert!(
        !error.is_auth(),
        "an expired URL is not a credentials problem"
    );
    assert!(!error.is_retryable());
    assert_eq!(error.status(), Some(403));
    assert_eq!(error.request_id(), Some("AMZ123"));
    let text = error.to_string();
    assert!(text.contains("job status again"), "{text}");
    assert!(text.contains("AccessDenied"), "{text}");
    assert!(!text.contains("x-api-key"), "{text}");
    assert!(!text.contains("Firefly answered"), "{text}");
    let request = &storage.requests()[0];
    assert!(request.header("authorization").is_none());
    assert!(request.header("x-api-key").is_none());
}

#[tokio::test]
async fn an_ims_outage_is_retryable_and_not_a_credentials_problem() {
    // A port nothing listens on: IMS is down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ims = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&ims)
        .ims_url(&ims)
        .token_policy(
            adobe_firefly::auth::TokenPolicy::default()
                .attempts(1)
                .load_deadline(Duration::from_secs(5)),
        )
        .build()
        .unwrap();
    let error = firefly
        .job_status(&firefly.job(JOB).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Auth(AuthError::Transient { .. })),
        "{error:?}"
    );
    assert!(!error.is_auth(), "{error}");
    assert!(error.is_retryable(), "{error}");
}

#[tokio::test]
async fn rejected_credentials_are_a_credentials_problem_and_not_retryable() {
    let ims = FakeServer::start(|_, _| {
        Reply::Now(json_response(
            400,
            json!({"error": "invalid_client", "error_description": "invalid client_id parameter"}),
        ))
    })
    .await;
    let error = without_retries(&ims)
        .job_status(&job(&ims))
        .await
        .unwrap_err();
    assert!(error.is_auth(), "{error}");
    assert!(!error.is_retryable(), "{error}");
    assert_eq!(error.error_code(), Some("invalid_client"));
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn retryable_means_what_the_sdk_would_retry() {
    // (status, submission?, retryable)
    for (status, submission, expected) in [
        (429, true, true),
        (503, true, true),
        (502, true, false),
        (504, true, false),
        (500, true, false),
        (502, false, true),
        (504, false, true),
        (408, false, true),
        (500, false, false),
        (400, false, false),
    ] {
        let server = firefly_answering(move |_| json_response(status, json!({}))).await;
        let firefly = without_retries(&server);
        let error = if submission {
            firefly
                .generate_images(GenerateImagesRequest::builder().prompt("cat"))
                .await
                .unwrap_err()
        } else {
            firefly.job_status(&job(&server)).await.unwrap_err()
        };
        assert_eq!(error.status(), Some(status));
        assert_eq!(
            error.is_retryable(),
            expected,
            "HTTP {status} on a {}: {error}",
            if submission {
                "submission"
            } else {
                "status read"
            }
        );
    }
}

#[tokio::test]
async fn a_submission_cut_off_mid_answer_is_not_called_safe_to_retry() {
    let emulator = Emulator::builder()
        .faults(adobe_firefly_emulator::Faults::parse("drop_every=1").unwrap())
        .start()
        .await
        .unwrap();
    let firefly = emulator
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let submit = firefly
        .generate_images(GenerateImagesRequest::builder().prompt("cat"))
        .await
        .unwrap_err();
    assert!(matches!(&submit, Error::Transport { .. }), "{submit:?}");
    assert!(!submit.is_retryable(), "the job may exist: {submit}");
    assert!(
        submit.to_string().contains("may have reached Firefly"),
        "{submit}"
    );
    let read = firefly
        .job_status(&firefly.job("urn:ff:jobs:any").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(&read, Error::Transport { .. }), "{read:?}");
    assert!(
        read.is_retryable(),
        "a status read is safe to repeat: {read}"
    );
}

#[tokio::test(start_paused = true)]
async fn adobe_details_survive_the_401_replay() {
    let server = FakeServer::start(|request, earlier| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(
                200,
                token_body(&format!("token-{earlier}"), 86399),
            ));
        }
        Reply::Now(with_header(
            json_response(
                401,
                json!({"error_code": "401013", "message": "Oauth token is not valid"}),
            ),
            "x-request-id",
            "req-401",
        ))
    })
    .await;
    let error = without_retries(&server)
        .job_status(&job(&server))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Auth(AuthError::AuthRejected { .. })),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.error_code(), Some("401013"));
    assert_eq!(error.message(), Some("Oauth token is not valid"));
    assert_eq!(error.request_id(), Some("req-401"));
    let text = error.to_string();
    assert!(
        text.contains("401013") && text.contains("req-401"),
        "{text}"
    );
    assert_eq!(server.count(STATUS), 2, "one replay");
}

#[tokio::test]
async fn a_missing_builder_field_is_named_as_on_the_wire() {
    let server = firefly_answering(|_| json_response(500, json!({}))).await;
    let error = without_retries(&server)
        .generate_images(GenerateImagesRequest::builder().num_variations(2))
        .await
        .unwrap_err();
    let Error::Validation(validation) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(validation.field(), "prompt");
    assert_eq!(validation.problem(), "is required");
    assert!(server.requests_to(SUBMIT).is_empty());
}

#[tokio::test]
async fn a_job_handle_from_an_id_reads_status_and_cancels() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let submitted = firefly
        .generate_images(GenerateImagesRequest::builder().prompt("a later run"))
        .await
        .unwrap();
    // Another process knows only the id.
    let again = firefly.job(submitted.job_id.clone()).unwrap();
    assert_eq!(again.status_url, submitted.status_url);
    let status = firefly.job_status(&again).await.unwrap();
    assert_eq!(status.job_id.as_deref(), Some(submitted.job_id.as_str()));
    firefly.cancel_job(&again).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn stats_count_requests_retries_and_replays() {
    let server = FakeServer::start(|request, earlier| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(
                200,
                token_body(&format!("token-{earlier}"), 86399),
            ));
        }
        Reply::Now(match earlier {
            0 => json_response(401, json!({})),
            1 => json_response(503, json!({})),
            _ => running(),
        })
    })
    .await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .build()
        .unwrap();
    firefly.job_status(&job(&server)).await.unwrap();
    let stats = firefly.stats();
    assert_eq!(stats.requests_sent, 3, "{stats:?}");
    assert_eq!(stats.replays_after_401, 1, "{stats:?}");
    assert_eq!(stats.retries, 1, "{stats:?}");
    assert_eq!(server.count(STATUS), 3);
}

#[tokio::test]
async fn a_client_of_your_own_that_follows_redirects_is_refused_not_followed_with_credentials() {
    let elsewhere = FakeServer::start(|_, _| Reply::Now(running())).await;
    let target = format!("{}/v3/status/{JOB}", elsewhere.url);
    let server = FakeServer::start(move |request, _| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(200, token_body("token", 86399)));
        }
        Reply::Now(with_header(
            text_response(302, "text/plain", ""),
            "location",
            &target,
        ))
    })
    .await;
    let own = reqwest::Client::builder().build().unwrap();
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .http_client(own)
        .build()
        .unwrap();
    let error = firefly.job_status(&job(&server)).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Config(ConfigError::InvalidSetting {
                setting: "HTTP client",
                ..
            })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("Policy::none()"), "{error}");
    // reqwest drops the bearer token on a cross-host redirect; the SDK
    // still refuses the answer, so nothing from that host is believed.
    for request in elsewhere.requests() {
        assert!(request.header("authorization").is_none());
    }
}

#[tokio::test]
async fn a_client_of_your_own_without_redirects_is_used() {
    let server = firefly_answering(|_| running()).await;
    let own = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("my-app/1.0")
        .build()
        .unwrap();
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .http_client(own)
        .build()
        .unwrap();
    firefly.job_status(&job(&server)).await.unwrap();
    let status = &server.requests_to(STATUS)[0];
    assert_eq!(status.header("user-agent"), Some("my-app/1.0"));
    assert_eq!(status.header("authorization"), Some("Bearer token"));
}
