//! Photoshop API v2 through the SDK, against a real server on 127.0.0.1:
//! the exact request of every operation (an insta snapshot, checked against
//! Photoshop's imported spec with undefined fields forbidden), the job
//! handle and its wait, Photoshop's error shapes, and one credential for
//! both APIs.

mod common;

use std::sync::Arc;

use adobe_firefly::{Error, Firefly, WaitOptions, photoshop::types, types::JobStatus};
use common::*;
use serde_json::{Value, json};

const JOB_ID: &str = "f54e0fcb-260b-47c3-b520-de0d17dc2b67";

/// IMS, Firefly's status and Photoshop on one server: every Photoshop
/// operation accepts with 202, the status is running once, then succeeded.
async fn adobe() -> FakeServer {
    FakeServer::start(|request, earlier| {
        let host = request.header("host").unwrap_or_default().to_owned();
        let reply = match (request.method.as_str(), request.path.as_str()) {
            ("POST", TOKEN_PATH) => json_response(200, token_body("token-1", 86399)),
            ("POST", path) if path.starts_with("/v2/") || path == "/v1/auto-crop" => json_response(
                202,
                json!({"jobId": JOB_ID, "statusUrl": format!("http://{host}/v2/status/{JOB_ID}")}),
            ),
            ("GET", path) if path.starts_with("/v2/status/") && earlier == 0 => {
                json_response(200, json!({"jobId": JOB_ID, "status": "running"}))
            }
            ("GET", path) if path.starts_with("/v2/status/") => json_response(
                200,
                json!({
                    "jobId": JOB_ID,
                    "status": "succeeded",
                    "createdTime": "2026-12-04T10:00:00.000Z",
                    "modifiedTime": "2026-12-04T10:00:09.000Z",
                    "result": {"outputs": [{"destination": {"url": "https://bucket.s3.amazonaws.com/out.png"}, "mediaType": "image/png"}]}
                }),
            ),
            ("GET", path) if path.starts_with("/v3/status/") => {
                json_response(404, json!({"error_code": "not_found", "message": "no job"}))
            }
            _ => json_response(404, json!({"error_code": "not_found"})),
        };
        Reply::Now(reply)
    })
    .await
}

fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .photoshop_url(&server.url)
        .ims_url(&server.url)
        .build()
        .unwrap()
}

const IN: &str = "https://bucket.s3.amazonaws.com/in.psd?X-Amz-Signature=abc";
const OUT: &str = "https://bucket.s3.amazonaws.com/out.png?X-Amz-Signature=def";

/// Problems of `body` against `path`'s request schema in Photoshop's spec,
/// with undefined fields forbidden.
fn problems(path: &str, body: &Value) -> Vec<String> {
    let spec: Value = serde_json::from_str(include_str!(concat!(
        env!("OUT_DIR"),
        "/photoshop_spec.json"
    )))
    .unwrap();
    strict_problems(&spec, "post", path, body)
}

async fn snapshot_of<F, Fut>(name: &str, path: &str, call: F)
where
    F: FnOnce(Firefly) -> Fut,
    Fut: std::future::Future<Output = Result<adobe_firefly::photoshop::PhotoshopJob, Error>>,
{
    let server = adobe().await;
    let job = call(client(&server)).await.unwrap();
    assert_eq!(job.job_id, JOB_ID, "{name}");
    let mut sent = server.requests_to(path);
    assert_eq!(sent.len(), 1, "{name}");
    let request = sent.remove(0);
    assert_eq!(request.header("authorization"), Some("Bearer token-1"));
    assert_eq!(request.header("x-api-key"), Some(CLIENT_ID));
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let found = problems(path, &body);
    assert!(found.is_empty(), "{name}: {found:#?}");
    // A field no schema defines is caught: the check can fail.
    let mut extra = body.clone();
    extra["notInTheSchema"] = json!(1);
    assert!(!problems(path, &extra).is_empty(), "{name}");
    insta::assert_json_snapshot!(name, request.shape());
}

#[test]
fn the_strict_schema_refuses_a_body_that_mixes_two_shapes() {
    let body = |source: Value| {
        json!({"image": {"source": source},
               "outputs": [{"destination": {"url": OUT}, "mediaType": "image/jpeg"}],
               "edits": {"autoTone": true}})
    };
    let found = problems("/v2/edit", &body(json!({"url": IN})));
    assert!(found.is_empty(), "{found:#?}");
    // A URL and a Creative Cloud path at once: each is one shape of a source.
    let mixed = body(json!({"url": IN, "creativeCloudPath": "/a.psd"}));
    assert!(!problems("/v2/edit", &mixed).is_empty());
    let mut nested = body(json!({"url": IN}));
    nested["outputs"][0]["destination"]["embedded"] = json!("json");
    assert!(!problems("/v2/edit", &nested).is_empty());
}

fn png_out() -> Value {
    json!([{"destination": {"url": OUT}, "mediaType": "image/png"}])
}

#[tokio::test(start_paused = true)]
async fn every_operation_sends_what_adobes_schema_defines() {
    let image = json!({"source": {"url": IN}});
    snapshot_of("photoshop_edit", "/v2/edit", |f| async move {
        let body = json!({"image": image, "outputs": [{"destination": {"url": OUT}, "mediaType": "image/jpeg"}],
                          "edits": {"light": {"exposure": 0.5}, "autoTone": true}});
        f.photoshop().edit(request::<types::EditRequest>(body)).await
    })
    .await;
    let image = json!({"source": {"url": IN}});
    snapshot_of(
        "photoshop_create_composite",
        "/v2/create-composite",
        |f| async move {
            let body = json!({"image": image, "outputs": png_out()});
            f.photoshop()
                .create_composite(request::<types::CreateCompositeRequest>(body))
                .await
        },
    )
    .await;
    let image = json!({"source": {"url": IN}});
    snapshot_of("photoshop_execute_actions", "/v2/execute-actions", |f| async move {
        let body = json!({"image": image, "outputs": png_out(),
                          "options": {"actions": [{"source": {"url": "https://bucket.s3.amazonaws.com/a.atn"}}]}});
        f.photoshop()
            .execute_actions(request::<types::ExecuteActionsRequest>(body))
            .await
    })
    .await;
    let image = json!({"source": {"url": IN}});
    snapshot_of("photoshop_generate_manifest", "/v2/generate-manifest", |f| async move {
        let body = json!({"image": image, "outputs": [{"destination": {"validityPeriod": 3600}, "mediaType": "application/json"}]});
        f.photoshop()
            .generate_manifest(request::<types::GenerateManifestRequest>(body))
            .await
    })
    .await;
    snapshot_of(
        "photoshop_create_artboard",
        "/v2/create-artboard",
        |f| async move {
            let body = json!({"images": [{"source": {"url": IN}}, {"source": {"url": IN}}],
                          "outputs": png_out(), "artboardSpacing": 50});
            f.photoshop()
                .create_artboard(request::<types::CreateArtboardRequest>(body))
                .await
        },
    )
    .await;
    snapshot_of("photoshop_auto_crop", "/v1/auto-crop", |f| async move {
        let body = json!({"image": {"source": {"url": IN}}, "mode": "subjectCrop"});
        f.photoshop()
            .auto_crop(request::<types::AutoCropRequest>(body))
            .await
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_job_is_waited_for_until_it_succeeds() {
    let server = adobe().await;
    let firefly = client(&server);
    let body = json!({"image": {"source": {"url": IN}}, "outputs": png_out()});
    let photoshop = firefly.photoshop();
    let job = photoshop
        .create_composite(request::<types::CreateCompositeRequest>(body))
        .await
        .unwrap();
    let done = photoshop
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap();
    assert_eq!(done.status.as_deref(), Some("succeeded"));
    assert!(done.result.is_some());
    assert_eq!(server.count(&format!("/v2/status/{JOB_ID}")), 2);
}

#[tokio::test(start_paused = true)]
async fn a_failed_job_keeps_adobes_error_details_and_errors_name_photoshop() {
    let server = FakeServer::start(|request, _| {
        let reply = match request.path.as_str() {
            TOKEN_PATH => json_response(200, token_body("token-1", 86399)),
            "/v2/edit" => json_response(
                400,
                json!({"error_code": "validation_error", "message": "Invalid request",
                       "errors": [{"error_code": "400401", "message": "outputs.0.destination.url is not a valid URL"}]}),
            ),
            _ => json_response(
                200,
                json!({"jobId": JOB_ID, "status": "failed",
                       "errorDetails": [{"errorCode": "400420", "message": "Unable to upload the outputs"}]}),
            ),
        };
        Reply::Now(reply)
    })
    .await;
    let photoshop = client(&server).photoshop().clone();
    let body = json!({"image": {"source": {"url": IN}}, "outputs": png_out()});
    let error = photoshop
        .edit(request::<types::EditRequest>(body))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.api(), "Photoshop");
    assert_eq!(api.validation_errors().len(), 1);
    let text = error.to_string();
    assert!(text.contains("Photoshop answered HTTP 400"), "{text}");
    assert!(text.contains("not a valid URL"), "{text}");

    let job = adobe_firefly::photoshop::PhotoshopJob::new(JOB_ID);
    let error = photoshop
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap_err();
    let Error::JobFailed {
        status,
        error_code,
        message,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*status, JobStatus::Failed);
    assert_eq!(error_code.as_deref(), Some("400420"));
    assert_eq!(message.as_deref(), Some("Unable to upload the outputs"));
}

#[tokio::test(start_paused = true)]
async fn bad_requests_are_refused_before_sending() {
    let server = adobe().await;
    let firefly = client(&server);
    let outputs: Vec<Value> = (0..26)
        .map(|i| json!({"destination": {"url": format!("{OUT}&n={i}")}, "mediaType": "image/png"}))
        .collect();
    let body = json!({"image": {"source": {"url": IN}}, "outputs": outputs});
    let error = firefly
        .photoshop()
        .create_composite(request::<types::CreateCompositeRequest>(body))
        .await
        .unwrap_err();
    let Error::Validation(validation) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(validation.field(), "outputs");
    assert!(server.requests().is_empty(), "nothing was sent");
}

/// Inline content (an action's ActionJSON given in the request) is at most
/// 50 KB (51,200 characters), as Adobe's schema says: one character more is
/// refused naming the field, before anything is sent; the limit itself goes.
#[tokio::test(start_paused = true)]
async fn inline_content_is_held_to_its_50_kb() {
    let server = adobe().await;
    let firefly = client(&server);
    let actions = |length: usize| {
        json!({"image": {"source": {"url": IN}}, "outputs": png_out(),
               "options": {"actions": [{"source": {"content": "a".repeat(length),
                                                   "contentType": "application/json"}}]}})
    };
    let error = firefly
        .photoshop()
        .execute_actions(request::<types::ExecuteActionsRequest>(actions(51_201)))
        .await
        .unwrap_err();
    let Error::Validation(validation) = &error else {
        panic!("{error:?}")
    };
    assert!(
        validation.field().ends_with("content"),
        "{}",
        validation.field()
    );
    assert!(server.requests().is_empty(), "nothing was sent");

    firefly
        .photoshop()
        .execute_actions(request::<types::ExecuteActionsRequest>(actions(51_200)))
        .await
        .unwrap();
    assert_eq!(server.count("/v2/execute-actions"), 1);
}

/// One credential, one token: 50 tasks calling both APIs at once make one
/// IMS request between them.
#[tokio::test(start_paused = true)]
async fn one_token_serves_firefly_and_photoshop_together() {
    let server = adobe().await;
    let firefly = Arc::new(client(&server));
    let mut tasks = Vec::new();
    for i in 0..50 {
        let firefly = firefly.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                let job = adobe_firefly::photoshop::PhotoshopJob::new(JOB_ID);
                firefly.photoshop().job_status(&job).await.map(drop)
            } else {
                // Firefly's credentials check: a status request whose 404
                // proves the token works.
                firefly.check_credentials().await.map(drop)
            }
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(server.count(TOKEN_PATH), 1);
}

#[tokio::test(start_paused = true)]
async fn a_token_photoshop_keeps_refusing_and_a_cut_connection_name_photoshop() {
    let server = FakeServer::start(|request, earlier| {
        let reply = match request.path.as_str() {
            TOKEN_PATH => json_response(200, token_body(&format!("token-{earlier}"), 86399)),
            _ => json_response(
                401,
                json!({"error_code": "401013", "message": "Oauth token is not valid"}),
            ),
        };
        Reply::Now(reply)
    })
    .await;
    let firefly = client(&server);
    let body = json!({"image": {"source": {"url": IN}}, "outputs": png_out()});
    let error = firefly
        .photoshop()
        .edit(request::<types::EditRequest>(body.clone()))
        .await
        .unwrap_err();
    let Error::Auth(adobe_firefly::auth::AuthError::AuthRejected {
        details: Some(details),
        ..
    }) = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(details.api(), "Photoshop");
    assert_eq!(details.operation(), "edit");
    assert_eq!(details.error_code(), Some("401013"));
    // Refused, replayed once with a fresh token, refused again.
    assert_eq!(server.count("/v2/edit"), 2);

    // Nothing listens where this client sends Photoshop's requests.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .photoshop_url(&nowhere)
        .retry_policy(adobe_firefly::RetryPolicy::none())
        .build()
        .unwrap();
    let error = firefly
        .photoshop()
        .edit(request::<types::EditRequest>(body))
        .await
        .unwrap_err();
    let Error::Transport { api, operation, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!((*api, *operation), ("Photoshop", "edit"));
    assert!(
        error
            .to_string()
            .contains("the request to Photoshop did not complete")
    );
}
