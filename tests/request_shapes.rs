//! The exact HTTP requests each operation sends, as insta snapshots, against
//! a real server on 127.0.0.1. Tokens and secrets are replaced by
//! placeholders only after the test has checked their real values.

mod common;

use adobe_firefly::{
    Firefly, WaitOptions,
    types::{GenerateImagesRequest, GenerateImagesSyncRequest, ImageModelVersion, JobStatus, Size},
};
use common::*;
use serde_json::json;
use std::time::Duration;

const SECRET: &str = "s3cr&t+with=reserved%chars";
const JOB_ID: &str = "urn:ff:jobs:test:0001";

/// IMS and Firefly on one server: the job is pending, then running, then
/// succeeded.
async fn adobe() -> FakeServer {
    FakeServer::start(|request, earlier| {
        let host = request.header("host").unwrap_or_default().to_owned();
        let reply = match (request.method.as_str(), request.path.as_str()) {
            ("POST", TOKEN_PATH) => json_response(200, token_body("token-1", 86399)),
            ("POST", "/v3/images/generate-async") => json_response(
                202,
                json!({
                    "jobId": JOB_ID,
                    "statusUrl": format!("http://{host}/v3/status/{JOB_ID}"),
                    "cancelUrl": format!("http://{host}/v3/cancel/{JOB_ID}"),
                }),
            ),
            ("GET", path) if path.starts_with("/v3/status/") => match earlier {
                0 => json_response(200, json!({"jobId": JOB_ID, "status": "pending"})),
                1 => json_response(200, json!({"jobId": JOB_ID, "status": "running", "progress": 50.0})),
                _ => json_response(200, json!({
                    "jobId": JOB_ID,
                    "status": "succeeded",
                    "result": {
                        "size": {"width": 2048, "height": 2048},
                        "outputs": [{"seed": 42, "image": {"url": format!("http://{host}/storage/cat.png?sig=abc")}}],
                        "contentClass": "art"
                    }
                })),
            },
            ("PUT", path) if path.starts_with("/v3/cancel/") => json_response(200, json!({})),
            ("POST", "/v3/images/generate") => json_response(200, json!({
                "size": {"width": 1024, "height": 1024},
                "outputs": [{"seed": 7, "image": {"url": "https://storage.example/x.jpg"}}]
            })),
            _ => json_response(404, json!({"error_code": "not_found"})),
        };
        Reply::Now(reply)
    })
    .await
}

fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .api_url(&server.url)
        .ims_url(&server.url)
        .build()
        .unwrap()
}

fn cat_request() -> adobe_firefly::types::builder::GenerateImagesRequest {
    GenerateImagesRequest::builder()
        .prompt("a realistic illustration of a cat coding")
        .num_variations(1)
        .size(Size {
            width: 2048,
            height: 2048,
        })
}

/// The only request to IMS, with its credentials checked and then redacted.
fn ims_request(server: &FakeServer) -> Recorded {
    let mut ims = server.requests_to(TOKEN_PATH);
    assert_eq!(ims.len(), 1, "exactly one token request");
    ims.remove(0)
}

fn assert_carries_credentials(request: &Recorded) {
    assert_eq!(request.header("authorization"), Some("Bearer token-1"));
    assert_eq!(request.header("x-api-key"), Some(CLIENT_ID));
}

#[tokio::test(start_paused = true)]
async fn ims_token_request() {
    let server = adobe().await;
    let firefly = client(&server);
    firefly.generate_images(cat_request()).await.unwrap();

    let ims = ims_request(&server);
    let form = ims.form();
    assert_eq!(form["client_secret"], SECRET, "the secret arrives intact");
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(
        form["scope"],
        "openid,AdobeID,read_organizations,firefly_api,ff_apis"
    );
    assert_eq!(form.len(), 4, "no other form fields: {form:?}");
    assert_eq!(
        ims.header("authorization"),
        None,
        "no HTTP Basic credentials"
    );
    assert_eq!(ims.query, None, "no credentials in the URL");
    assert!(
        !String::from_utf8_lossy(&ims.body).contains(SECRET),
        "the form body is URL-encoded"
    );
    insta::assert_json_snapshot!("ims_token_request", ims.shape());
}

#[tokio::test(start_paused = true)]
async fn submit_generate_images() {
    let server = adobe().await;
    let firefly = client(&server);
    let job = firefly
        .generate_images_with_model(
            cat_request()
                .seeds(vec![42])
                .negative_prompt("dogs".to_owned()),
            ImageModelVersion::Image4Standard,
        )
        .await
        .unwrap();
    assert_eq!(job.job_id, JOB_ID);

    let submit = server.requests_to("/v3/images/generate-async").remove(0);
    assert_carries_credentials(&submit);
    insta::assert_json_snapshot!("generate_images_async", submit.shape());
}

#[tokio::test(start_paused = true)]
async fn job_status_and_wait() {
    let server = adobe().await;
    let firefly = client(&server);
    let job = firefly.generate_images(cat_request()).await.unwrap();

    let status = firefly.job_status(&job).await.unwrap();
    assert_eq!(status.status, JobStatus::Pending);

    let mut seen = Vec::new();
    let result = firefly
        .wait_for_job_with(&job, &WaitOptions::default(), |s| {
            seen.push(s.status.clone())
        })
        .await
        .unwrap();
    assert_eq!(seen, [JobStatus::Running, JobStatus::Succeeded]);
    assert_eq!(result.outputs[0].seed, Some(42));
    assert!(
        result.outputs[0]
            .image
            .as_ref()
            .unwrap()
            .url
            .contains("/storage/cat.png")
    );

    let polls = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v3/status/"))
        .collect::<Vec<_>>();
    assert_eq!(polls.len(), 3);
    polls.iter().for_each(assert_carries_credentials);
    insta::assert_json_snapshot!("job_status", polls[0].shape());
}

#[tokio::test(start_paused = true)]
async fn cancel_job() {
    let server = adobe().await;
    let firefly = client(&server);
    let job = firefly.generate_images(cat_request()).await.unwrap();
    firefly.cancel_job(&job).await.unwrap();

    let cancel = server
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/v3/cancel/"))
        .expect("a cancel request");
    assert_carries_credentials(&cancel);
    insta::assert_json_snapshot!("cancel_job", cancel.shape());
}

#[tokio::test(start_paused = true)]
#[allow(deprecated)]
async fn generate_images_sync() {
    let server = adobe().await;
    let firefly = client(&server);
    let response = firefly
        .generate_images_sync(
            GenerateImagesSyncRequest::builder()
                .prompt("a realistic illustration of a cat coding")
                .tileable(true),
        )
        .await
        .unwrap();
    assert_eq!(response.outputs[0].seed, 7);

    let call = server.requests_to("/v3/images/generate").remove(0);
    assert_carries_credentials(&call);
    insta::assert_json_snapshot!("generate_images_sync", call.shape());
}

#[tokio::test(start_paused = true)]
async fn the_token_is_fetched_once_for_many_calls() {
    let server = adobe().await;
    let firefly = client(&server);
    let job = firefly.generate_images(cat_request()).await.unwrap();
    for _ in 0..5 {
        firefly.job_status(&job).await.unwrap();
    }
    tokio::time::advance(Duration::from_secs(3600)).await;
    firefly.job_status(&job).await.unwrap();
    assert_eq!(server.count(TOKEN_PATH), 1);
}
