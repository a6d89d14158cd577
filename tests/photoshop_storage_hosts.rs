//! Photoshop requests name only storage Photoshop accepts: a URL on any
//! other host is refused before anything is sent (not even a token is
//! fetched), naming its field and host but not its signature; a URL on a
//! listed host goes; `allow_any_storage_host(true)` lets any https host go.
//! Against a scripted IMS and Photoshop on 127.0.0.1.

mod common;

use adobe_firefly::{
    Error, Firefly, FireflyBuilder,
    photoshop::{StorageHostProblem, types},
};
use common::*;
use serde_json::{Value, json};

/// IMS and Photoshop: every operation is accepted.
async fn adobe() -> FakeServer {
    FakeServer::start(|request, _| {
        let reply = match (request.method.as_str(), request.path.as_str()) {
            ("POST", TOKEN_PATH) => json_response(200, token_body("token-1", 86399)),
            ("POST", _) => json_response(202, json!({"jobId": "job-1"})),
            _ => json_response(404, json!({"error_code": "not_found"})),
        };
        Reply::Now(reply)
    })
    .await
}

fn builder(server: &FakeServer) -> FireflyBuilder {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .photoshop_url(&server.url)
        .ims_url(&server.url)
}

const S3_IN: &str = "https://bucket.s3.us-east-1.amazonaws.com/in.psd?X-Amz-Signature=in-sig";
const S3_OUT: &str = "https://bucket.s3.us-east-1.amazonaws.com/out.png?X-Amz-Signature=out-sig";
const ELSEWHERE: &str = "https://uploads.example.net/out.png?X-Amz-Signature=private-sig";

fn edit(input: &str, output: &str) -> types::EditRequest {
    let body: Value = json!({
        "image": {"source": {"url": input}},
        "outputs": [
            {"destination": {"url": S3_OUT}, "mediaType": "image/png"},
            {"destination": {"url": output}, "mediaType": "image/jpeg"},
        ],
        "edits": {"autoTone": true},
    });
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn an_output_on_an_unlisted_host_is_refused_before_anything_is_sent() {
    let server = adobe().await;
    let firefly = builder(&server).build().unwrap();
    let error = firefly
        .photoshop()
        .edit(edit(S3_IN, ELSEWHERE))
        .await
        .unwrap_err();
    let Error::StorageHost(refused) = &error else {
        panic!("a StorageHost error: {error:?}");
    };
    assert_eq!(refused.field(), "outputs[1].destination.url");
    assert_eq!(refused.host(), Some("uploads.example.net"));
    assert_eq!(refused.problem(), StorageHostProblem::HostNotAllowed);
    assert!(error.is_validation());
    let shown = error.to_string();
    assert!(shown.contains("uploads.example.net"), "{shown}");
    assert!(
        !shown.contains("private-sig") && !shown.contains("out.png"),
        "{shown}"
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn an_input_on_an_unlisted_host_is_refused_too() {
    let server = adobe().await;
    let firefly = builder(&server).build().unwrap();
    let input = "https://files.example.org/in.psd?sig=x";
    let error = firefly
        .photoshop()
        .edit(edit(input, S3_OUT))
        .await
        .unwrap_err();
    let Error::StorageHost(refused) = &error else {
        panic!("a StorageHost error: {error:?}");
    };
    assert_eq!(refused.field(), "image.source.url");
    assert_eq!(refused.host(), Some("files.example.org"));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn listed_hosts_go() {
    let server = adobe().await;
    let firefly = builder(&server).build().unwrap();
    let job = firefly
        .photoshop()
        .edit(edit(
            S3_IN,
            "https://acct.blob.core.windows.net/c/out.jpg?sig=1",
        ))
        .await
        .unwrap();
    assert_eq!(job.job_id, "job-1");
    assert_eq!(server.count("/v2/edit"), 1);
}

#[tokio::test]
async fn the_opt_out_sends_any_https_host_but_never_plain_http() {
    let server = adobe().await;
    let firefly = builder(&server)
        .allow_any_storage_host(true)
        .build()
        .unwrap();
    firefly
        .photoshop()
        .edit(edit(S3_IN, ELSEWHERE))
        .await
        .unwrap();
    let sent = server.requests_to("/v2/edit");
    assert_eq!(sent.len(), 1);
    let body: Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body["outputs"][1]["destination"]["url"], ELSEWHERE);

    let error = firefly
        .photoshop()
        .edit(edit(S3_IN, "http://uploads.example.net/out.png"))
        .await
        .unwrap_err();
    let Error::StorageHost(refused) = &error else {
        panic!("a StorageHost error: {error:?}");
    };
    assert_eq!(refused.problem(), StorageHostProblem::NotHttps);
    assert_eq!(
        server.count("/v2/edit"),
        1,
        "the plain http one was not sent"
    );
}

#[tokio::test]
async fn check_refuses_what_the_operation_would_and_sends_nothing() {
    let server = adobe().await;
    let firefly = builder(&server).build().unwrap();
    let photoshop = firefly.photoshop();
    photoshop.check(&edit(S3_IN, S3_OUT)).unwrap();
    let error = photoshop.check(&edit(S3_IN, ELSEWHERE)).unwrap_err();
    let Error::StorageHost(refused) = &error else {
        panic!("a StorageHost error: {error:?}");
    };
    assert_eq!(refused.field(), "outputs[1].destination.url");
    // The schema's limits too: an artboard takes at most 25 images.
    let images: Vec<Value> = (0..26).map(|_| json!({"source": {"url": S3_IN}})).collect();
    let artboard: types::CreateArtboardRequest = serde_json::from_value(json!({
        "images": images,
        "outputs": [{"destination": {"url": S3_OUT}, "mediaType": "image/png"}],
    }))
    .unwrap();
    let error = photoshop.check(&artboard).unwrap_err();
    assert!(
        matches!(error, Error::Validation(_)) && error.to_string().contains("images"),
        "{error}"
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}
