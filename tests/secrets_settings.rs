//! `SecretsManager` takes the same transport settings as `Firefly`: request
//! timeout (60 s unless set), retry policy and the caller's HTTP client.

mod common;

use std::time::Duration;

use adobe_firefly::{
    RetryPolicy,
    secrets::{SecretsManager, SecretsManagerBuilder},
};
use common::*;
use serde_json::json;
use tokio::time::Instant;

const ORG: &str = "12345@AdobeOrg";
const CREDENTIAL: &str = "67890";

/// IMS answers with a token; the Management API with `management`.
async fn server(management: impl Fn() -> Reply + Send + Sync + 'static) -> FakeServer {
    FakeServer::start(move |request, _| {
        if request.path == TOKEN_PATH {
            Reply::Now(json_response(200, token_body("token-1", 86399)))
        } else {
            management()
        }
    })
    .await
}

fn builder(server: &FakeServer) -> SecretsManagerBuilder {
    SecretsManager::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .ims_url(&server.url)
        .management_url(&server.url)
}

/// The paths the manager sent to the Management API.
fn management_requests(server: &FakeServer) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path != TOKEN_PATH)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_management_api_that_never_answers_times_out_at_the_request_timeout() {
    let server = server(|| Reply::Never).await;
    let manager = builder(&server)
        .request_timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let call = manager.list(ORG, CREDENTIAL);
    let result = tokio::time::timeout(Duration::from_secs(3600), call)
        .await
        .expect("the request ended on its own");
    assert!(result.is_err(), "{result:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn the_default_request_timeout_is_firefly_s() {
    let server = server(|| Reply::Never).await;
    let manager = builder(&server)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let call = manager.list(ORG, CREDENTIAL);
    let result = tokio::time::timeout(Duration::from_secs(3600), call)
        .await
        .expect("the request ended on its own");
    assert!(result.is_err(), "{result:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn the_retry_policy_is_the_callers() {
    let unavailable = || Reply::Now(json_response(503, json!({"error_code": "503"})));
    let first = server(unavailable).await;
    let once = builder(&first)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(
        once.list(ORG, CREDENTIAL).await.unwrap_err().status(),
        Some(503)
    );
    assert_eq!(management_requests(&first).len(), 1);

    let second = server(unavailable).await;
    let twice = builder(&second)
        .retry_policy(
            RetryPolicy::default()
                .attempts(2)
                .backoff(Duration::from_millis(10), Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    assert!(twice.list(ORG, CREDENTIAL).await.is_err());
    assert_eq!(management_requests(&second).len(), 2);
}

/// The caller's client carries the Management API requests; IMS keeps the
/// SDK's own, which never follows redirects.
#[tokio::test(start_paused = true)]
async fn the_callers_http_client_is_used() {
    let server = server(|| Reply::Now(json_response(200, json!([{"uuid": "a"}])))).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-corporate-proxy", "yes".parse().unwrap());
    let own = reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let manager = builder(&server).http_client(own).build().unwrap();
    let secrets = manager.list(ORG, CREDENTIAL).await.unwrap();
    assert_eq!(secrets.len(), 1);
    let sent = management_requests(&server);
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].path.ends_with("/credentials/67890/secrets"),
        "{}",
        sent[0].path
    );
    assert_eq!(sent[0].header("x-corporate-proxy"), Some("yes"));
    let ims = server.requests_to(TOKEN_PATH);
    assert_eq!(ims.len(), 1);
    assert_eq!(ims[0].header("x-corporate-proxy"), None);
}
