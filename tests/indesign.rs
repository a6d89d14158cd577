//! The InDesign API through the SDK, against a scripted server on
//! 127.0.0.1: the exact request of every JSON-body operation (an insta
//! snapshot, checked against InDesign's imported spec with undefined fields
//! forbidden), the calls without a body, the multipart script upload, the
//! job adapter through every status (`partial_success` an outcome of its
//! own), a 429 with `Retry-After`, and a result sent inline, as a `data:`
//! URL or at a pre-signed URL.

mod common;

use adobe_firefly::{
    Api, Error, EstimateCost, Firefly, WaitOptions,
    indesign::{JobOutcome, ResultData, types},
};
use base64::Engine;
use common::*;
use serde_json::{Value, json};

const JOB_ID: &str = "7c2d9e0a-1b3c-4d5e-8f90-a1b2c3d4e5f6";
const IN: &str = "https://bucket.s3.amazonaws.com/doc.indd?X-Amz-Signature=abc";
const OUT: &str = "https://bucket.s3.amazonaws.com/out.pdf?X-Amz-Signature=def";

/// IMS and InDesign on one server: each job operation accepts with 202;
/// the status answers what `status` says for the n-th poll.
async fn indesign(status: impl Fn(usize, &str) -> Reply + Send + Sync + 'static) -> FakeServer {
    FakeServer::start(move |request, earlier| {
        let host = request.header("host").unwrap_or_default().to_owned();
        let base = format!("http://{host}");
        let reply = match (request.method.as_str(), request.path.as_str()) {
            ("POST", TOKEN_PATH) => json_response(200, token_body("token-1", 86399)),
            ("GET", path) if path.starts_with("/v3/status/") => return status(earlier, &base),
            ("GET", "/v3/app-versions") => json_response(
                200,
                json!([{"majorAppVersion": "20", "minorAppVersion": "1", "product": "InDesign", "status": "active"}]),
            ),
            ("GET", "/v3/scripts") => json_response(
                200,
                json!({"capabilities": [{"scriptName": "my-script", "version": "1.0.0",
                        "appVersionStrategy": "latest_version"}],
                       "paging": {"nextUrl": format!("{base}/v3/scripts?page=1")}}),
            ),
            ("POST", "/v3/scripts") => json_response(
                202,
                json!({"capability": "my-script", "version": "1.0.0",
                       "url": format!("{base}/v3/abc123/my-script")}),
            ),
            ("GET", "/v3/scripts/my-script") => json_response(
                200,
                json!({"scriptName": "my-script", "version": "1.0.0",
                       "appVersionStrategy": "fixed_major_version", "majorAppVersion": "20"}),
            ),
            ("DELETE", "/v3/scripts/my-script") => {
                let mut response = json_response(204, json!(null));
                *response.body_mut() = axum::body::Body::empty();
                response
            }
            ("PUT", "/v3/scripts/my-script/app-version") => {
                json_response(200, json!({"message": "updated"}))
            }
            ("POST", _) => json_response(
                202,
                json!({"jobId": JOB_ID, "statusUrl": format!("{base}/v3/status/{JOB_ID}")}),
            ),
            _ => json_response(404, json!({"error_code": "not_found", "message": "no such path"})),
        };
        Reply::Now(reply)
    })
    .await
}

/// The status of every job: running once, then succeeded with `data`.
async fn succeeding() -> FakeServer {
    indesign(|earlier, _| {
        Reply::Now(match earlier {
            0 => json_response(200, json!({"jobId": JOB_ID, "status": "not_started"})),
            1 => json_response(200, json!({"jobId": JOB_ID, "status": "running"})),
            _ => json_response(
                200,
                json!({"jobId": JOB_ID, "status": "succeeded", "data": {"pages": 2},
                       "outputs": {"doc.pdf": OUT}}),
            ),
        })
    })
    .await
}

fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .base_url(Api::InDesign, &server.url)
        .ims_url(&server.url)
        .build()
        .unwrap()
}

/// Problems of `body` against the request schema of `method path` in
/// InDesign's spec, with undefined fields forbidden.
fn problems(method: &str, path: &str, body: &Value) -> Vec<String> {
    let spec: Value = serde_json::from_str(include_str!(concat!(
        env!("OUT_DIR"),
        "/indesign_spec.json"
    )))
    .unwrap();
    strict_problems(&spec, method, path, body)
}

#[test]
fn the_strict_schema_refuses_a_field_adobe_does_not_define() {
    let body = json!({"assets": assets(), "params": {"targetDocument": "doc.indd", "invented": 1}});
    let found = problems("post", "/v3/document-info", &body);
    assert!(found.iter().any(|p| p.contains("invented")), "{found:#?}");
}

/// The one request sent to `sent_path`, checked against the schema of
/// `spec_path` and snapshotted as `name`.
fn check_sent(server: &FakeServer, name: &str, method: &str, spec_path: &str, sent_path: &str) {
    let mut sent = server.requests_to(sent_path);
    assert_eq!(sent.len(), 1, "{name}");
    let request = sent.remove(0);
    assert_eq!(request.header("authorization"), Some("Bearer token-1"));
    assert_eq!(request.header("x-api-key"), Some(CLIENT_ID));
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let found = problems(method, spec_path, &body);
    assert!(found.is_empty(), "{name}: {found:#?}");
    // A field no schema defines is caught: the check can fail.
    let mut extra = body.clone();
    extra["notInTheSchema"] = json!(1);
    assert!(!problems(method, spec_path, &extra).is_empty(), "{name}");
    insta::assert_json_snapshot!(name, request.shape());
}

fn assets() -> Value {
    json!([{"source": {"url": IN}, "destination": "doc.indd"}])
}

fn outputs() -> Value {
    json!([{"source": "out/doc.pdf", "destination": {"url": OUT, "storageType": "AWS"}}])
}

#[tokio::test(start_paused = true)]
async fn every_json_operation_sends_what_adobes_schema_defines() {
    let server = succeeding().await;
    let firefly = client(&server);
    let indesign = firefly.indesign();

    let merge: types::MergeDataRequest = request(json!({
        "assets": [{"source": {"url": IN}, "destination": "doc.indd"},
                   {"source": {"url": IN}, "destination": "data.csv"}],
        "params": {"targetDocument": "doc.indd", "dataSource": "data.csv",
                   "outputMediaType": "application/pdf", "recordRange": "1-5"},
        "outputs": outputs()}));
    assert_eq!(merge.estimate_cost().operations, 1.0);
    let job = indesign.merge_data(merge).await.unwrap();
    assert_eq!(job.job_id, JOB_ID);
    check_sent(
        &server,
        "indesign_merge_data",
        "post",
        "/v3/merge-data",
        "/v3/merge-data",
    );

    let tags: types::MergeDataTagsRequest = request(json!({"assets": assets(),
        "params": {"targetDocument": "doc.indd", "filter": ["text", "image"]}}));
    indesign.merge_data_tags(tags).await.unwrap();
    check_sent(
        &server,
        "indesign_merge_data_tags",
        "post",
        "/v3/merge-data-tags",
        "/v3/merge-data-tags",
    );

    let remap: types::RemapLinksRequest = request(json!({"assets": assets(),
        "params": {"targetDocument": ["doc.indd"],
                   "dataSource": [{"sourceURI": "file:///a.png", "destinationURI": "https://cdn/a.png"}]},
        "outputs": outputs()}));
    indesign.remap_links("aem-token", remap).await.unwrap();
    check_sent(
        &server,
        "indesign_remap_links",
        "post",
        "/v3/remap-links",
        "/v3/remap-links",
    );

    let rendition: types::RenditionRequest = request(json!({"assets": assets(),
        "params": {"targetDocuments": ["doc.indd"], "outputMediaType": "image/png",
                   "resolution": 150, "pageRange": "1-2"},
        "outputs": outputs()}));
    indesign.create_rendition(rendition).await.unwrap();
    check_sent(
        &server,
        "indesign_create_rendition",
        "post",
        "/v3/create-rendition",
        "/v3/create-rendition",
    );

    let info: types::DocumentInfoRequest = request(json!({"assets": assets(),
        "params": {"targetDocument": "doc.indd", "pageInfo": {"enabled": true},
                   "fontInfo": {"enabled": true}}}));
    indesign.document_info(info).await.unwrap();
    check_sent(
        &server,
        "indesign_document_info",
        "post",
        "/v3/document-info",
        "/v3/document-info",
    );

    let convert: types::ConvertPdfRequest = request(json!({
        "assets": [{"source": {"url": IN}, "destination": "in.pdf"}],
        "params": {"targetDocuments": ["in.pdf"], "outputMediaType": "application/x-indesign"},
        "outputs": outputs()}));
    indesign.convert_pdf_to_indesign(convert).await.unwrap();
    check_sent(
        &server,
        "indesign_convert_pdf",
        "post",
        "/v3/convert-pdf-to-indesign",
        "/v3/convert-pdf-to-indesign",
    );

    let run: types::JobRequestWithOutputs = request(json!({"assets": assets(),
        "params": {"generalSettings": {"fonts": {"fontsDirectories": ["fonts"]}}},
        "outputs": outputs()}));
    indesign
        .run_script("abc123", "my-script", run)
        .await
        .unwrap();
    check_sent(
        &server,
        "indesign_run_script",
        "post",
        "/v3/{script_id}/{script_name}",
        "/v3/abc123/my-script",
    );

    let version: types::ScriptAppVersionRequest = request(json!({
        "appVersionStrategy": "fixed_major_version", "majorAppVersion": "20"}));
    let answer = indesign
        .update_script_app_version("my-script", version)
        .await
        .unwrap();
    assert_eq!(answer.message.as_deref(), Some("updated"));
    check_sent(
        &server,
        "indesign_update_app_version",
        "put",
        "/v3/scripts/{script_name}/app-version",
        "/v3/scripts/my-script/app-version",
    );
}

#[tokio::test(start_paused = true)]
async fn requests_outside_the_schemas_limits_are_refused_unsent() {
    let server = succeeding().await;
    let firefly = client(&server);
    let too_fine: types::RenditionRequest = request(json!({"assets": assets(),
        "params": {"targetDocuments": ["doc.indd"], "outputMediaType": "image/png", "resolution": 5000}}));
    let refused = firefly
        .indesign()
        .create_rendition(too_fine)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Validation(_)), "{refused}");
    let two: types::ConvertPdfRequest = request(json!({"assets": assets(),
        "params": {"targetDocuments": ["a.pdf", "b.pdf"], "outputMediaType": "application/x-indesign"}}));
    assert!(matches!(
        firefly.indesign().convert_pdf_to_indesign(two).await,
        Err(Error::Validation(_))
    ));
    let run: types::JobRequestWithOutputs = request(json!({"assets": assets()}));
    assert!(matches!(
        firefly.indesign().run_script("../x", "s", run).await,
        Err(Error::Validation(_))
    ));
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.path == TOKEN_PATH || !r.path.starts_with("/v3/"))
    );
}

#[tokio::test(start_paused = true)]
async fn the_calls_without_a_body_read_adobes_answers() {
    let server = succeeding().await;
    let firefly = client(&server);
    let indesign = firefly.indesign();
    let versions = indesign.app_versions().await.unwrap();
    assert_eq!(versions[0].major_app_version.as_deref(), Some("20"));
    let page = indesign.list_scripts(Some(1)).await.unwrap();
    assert_eq!(
        page.capabilities[0].script_name.as_deref(),
        Some("my-script")
    );
    assert_eq!(
        server.requests_to("/v3/scripts")[0].query.as_deref(),
        Some("page=1")
    );
    let details = indesign.script_details("my-script").await.unwrap();
    assert_eq!(details.major_app_version.as_deref(), Some("20"));
    indesign.delete_script("my-script").await.unwrap();
    assert_eq!(server.requests_to("/v3/scripts/my-script").len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_script_is_uploaded_as_a_multipart_zip_file() {
    let server = succeeding().await;
    let firefly = client(&server);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("my-script.zip");
    std::fs::write(&path, b"PK\x03\x04 the script and its manifest").unwrap();
    let upload = firefly.indesign().submit_script_file(&path).await.unwrap();
    assert_eq!(upload.script_id(), Some("abc123"));
    assert_eq!(upload.script_name(), Some("my-script"));
    let sent = &server.requests_to("/v3/scripts")[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.header("authorization"), Some("Bearer token-1"));
    assert!(
        sent.header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let body = String::from_utf8_lossy(&sent.body);
    assert!(body.contains("filename=\"my-script.zip\""), "{body}");
    assert!(
        body.contains("PK\u{3}\u{4} the script and its manifest"),
        "{body}"
    );

    std::fs::write(&path, b"%PDF-1.7 not a zip").unwrap();
    let refused = firefly
        .indesign()
        .submit_script_file(&path)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Validation(_)), "{refused}");
    let refused = firefly
        .indesign()
        .submit_script_file(dir.path())
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Io { .. }), "{refused}");
    assert_eq!(server.count("/v3/scripts"), 1);
}

fn rendition() -> types::RenditionRequest {
    request(json!({"assets": assets(),
        "params": {"targetDocuments": ["doc.indd"], "outputMediaType": "application/pdf"},
        "outputs": outputs()}))
}

#[tokio::test(start_paused = true)]
async fn a_job_is_waited_for_through_every_state_until_it_succeeds() {
    let server = succeeding().await;
    let firefly = client(&server);
    let indesign = firefly.indesign();
    let job = indesign.create_rendition(rendition()).await.unwrap();
    let mut seen = Vec::new();
    let outcome = indesign
        .wait_for_job_with(&job, &WaitOptions::default(), |status| {
            seen.push(serde_json::to_value(status).unwrap()["status"].clone())
        })
        .await
        .unwrap();
    assert_eq!(
        seen,
        [json!("not_started"), json!("running"), json!("succeeded")]
    );
    let JobOutcome::Succeeded(result) = &outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(result.job_id, JOB_ID);
    assert_eq!(result.data.inline().unwrap()["pages"], 2);
    assert_eq!(result.outputs["doc.pdf"], OUT);
    // The same through the shared handle.
    let tracked = indesign.track(job);
    assert_eq!(tracked.api(), Api::InDesign);
    assert!(
        tracked
            .wait(&WaitOptions::default())
            .await
            .unwrap()
            .is_complete()
    );
}

#[tokio::test(start_paused = true)]
async fn a_partial_success_is_an_outcome_naming_what_failed() {
    let server = indesign(|_, _| {
        Reply::Now(json_response(
            200,
            json!({"jobId": JOB_ID, "status": "partial_success",
            "outputs": {"doc.pdf": OUT},
            "errors": [{"error_code": "missing_link", "message": "logo.png was not found",
                        "source": "doc.indd", "url": "file:///logo.png"}]}),
        ))
    })
    .await;
    let firefly = client(&server);
    let indesign = firefly.indesign();
    let job = indesign.create_rendition(rendition()).await.unwrap();
    let outcome = indesign
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap();
    assert!(!outcome.is_complete());
    assert_eq!(outcome.result().outputs["doc.pdf"], OUT);
    let JobOutcome::PartialSuccess { errors, .. } = outcome else {
        panic!("a partial success");
    };
    assert_eq!(errors[0].error_code.as_deref(), Some("missing_link"));
    assert_eq!(errors[0].source.as_deref(), Some("doc.indd"));
}

#[tokio::test(start_paused = true)]
async fn a_failed_job_is_job_failed_with_adobes_first_error() {
    let server = indesign(|_, _| {
        Reply::Now(json_response(200, json!({"jobId": JOB_ID, "status": "failed",
            "errors": [{"error_code": "invalid_document", "message": "doc.indd is not a document"}]})))
    })
    .await;
    let firefly = client(&server);
    let job = firefly
        .indesign()
        .create_rendition(rendition())
        .await
        .unwrap();
    let failed = firefly
        .indesign()
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap_err();
    let Error::JobFailed {
        job_id,
        error_code,
        message,
        ..
    } = &failed
    else {
        panic!("{failed}");
    };
    assert_eq!(job_id, JOB_ID);
    assert_eq!(error_code.as_deref(), Some("invalid_document"));
    assert_eq!(message.as_deref(), Some("doc.indd is not a document"));
}

#[tokio::test(start_paused = true)]
async fn a_429_on_the_status_is_waited_out_as_retry_after_says() {
    let server = indesign(|earlier, _| {
        Reply::Now(if earlier == 0 {
            with_header(
                json_response(
                    429,
                    json!({"error_code": "429050", "message": "Too many requests"}),
                ),
                "retry-after",
                "30",
            )
        } else {
            json_response(200, json!({"jobId": JOB_ID, "status": "succeeded"}))
        })
    })
    .await;
    let firefly = client(&server);
    let job = firefly
        .indesign()
        .create_rendition(rendition())
        .await
        .unwrap();
    let outcome = firefly
        .indesign()
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.result().data, ResultData::None);
    let polls = server.requests_to(&format!("/v3/status/{JOB_ID}"));
    assert_eq!(polls.len(), 2);
    assert!(polls[1].at - polls[0].at >= std::time::Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn a_status_that_stays_running_ends_at_the_deadline() {
    let server = indesign(|_, _| {
        Reply::Now(json_response(
            200,
            json!({"jobId": JOB_ID, "status": "running"}),
        ))
    })
    .await;
    let firefly = client(&server);
    let job = firefly
        .indesign()
        .create_rendition(rendition())
        .await
        .unwrap();
    let options = WaitOptions::default().deadline(std::time::Duration::from_secs(60));
    let timeout = firefly
        .indesign()
        .wait_for_job(&job, &options)
        .await
        .unwrap_err();
    assert!(matches!(timeout, Error::WaitTimeout { .. }), "{timeout}");
    assert!(server.count(&format!("/v3/status/{JOB_ID}")) > 2);
}

#[tokio::test(start_paused = true)]
async fn a_data_url_result_is_decoded_to_bytes() {
    let report = br#"{"pages":[{"index":1}]}"#;
    let data_url = format!(
        "data:application/json;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(report)
    );
    let server = indesign(move |_, _| {
        Reply::Now(json_response(
            200,
            json!({"jobId": JOB_ID, "status": "succeeded", "dataURL": data_url}),
        ))
    })
    .await;
    let firefly = client(&server);
    let job = firefly
        .indesign()
        .create_rendition(rendition())
        .await
        .unwrap();
    let outcome = firefly
        .indesign()
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap();
    let ResultData::Decoded { media_type, bytes } = &outcome.result().data else {
        panic!("{outcome:?}");
    };
    assert_eq!(media_type, "application/json");
    assert_eq!(bytes, report);
    assert_eq!(
        firefly
            .indesign_result_data(&outcome.result().data)
            .await
            .unwrap(),
        report
    );
}

#[tokio::test(start_paused = true)]
async fn a_pre_signed_data_url_is_fetched_without_credentials() {
    let server = indesign(|_, base| {
        Reply::Now(json_response(
            200,
            json!({"jobId": JOB_ID, "status": "succeeded",
            "dataURL": format!("{base}/storage/result.json?sig=1")}),
        ))
    })
    .await;
    let storage =
        FakeServer::start(|_, _| Reply::Now(json_response(200, json!({"pages": [{"index": 1}]}))))
            .await;
    let firefly = client(&server);
    let job = firefly
        .indesign()
        .create_rendition(rendition())
        .await
        .unwrap();
    let outcome = firefly
        .indesign()
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap();
    let ResultData::Remote(url) = &outcome.result().data else {
        panic!("{outcome:?}");
    };
    let url = url.replace(&server.url, &storage.url);
    let bytes = firefly
        .indesign_result_data(&ResultData::Remote(url))
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&bytes).unwrap()["pages"][0]["index"],
        1
    );
    let fetched = storage.requests();
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].header("authorization"), None);
    assert_eq!(fetched[0].header("x-api-key"), None);
}

#[tokio::test]
async fn a_data_url_of_a_gigabyte_is_refused_while_it_is_read() {
    const GIGABYTE: u64 = 1 << 30;
    for announced in [false, true] {
        let bodies = LazyBodies::default();
        let serving = bodies.clone();
        let storage = FakeServer::start(move |_, _| {
            let response = streamed_response(
                200,
                "application/json",
                serving.body(b"{\"x\":\"", b'a', GIGABYTE),
            );
            Reply::Now(if announced {
                with_header(response, "content-length", &GIGABYTE.to_string())
            } else {
                response
            })
        })
        .await;
        let firefly = client(&storage);
        let data = ResultData::Remote(format!("{}/result.json", storage.url));
        let refused = firefly.indesign_result_data(&data).await.unwrap_err();
        assert!(
            matches!(&refused, Error::Decode { detail, .. } if detail.contains("over")),
            "{refused}"
        );
        bodies.finished().await;
        // Read up to the limit and a little in flight, never the gigabyte.
        assert!(
            bodies.sent() < 64 * 1024 * 1024,
            "{} bytes sent",
            bodies.sent()
        );
    }
}

#[tokio::test(start_paused = true)]
async fn hostile_status_answers_are_typed_errors() {
    let bodies = LazyBodies::default();
    let serving = bodies.clone();
    let server = indesign(move |earlier, _| {
        Reply::Now(match earlier {
            0 => text_response(
                403,
                "text/html",
                "<html><body><h1>403 Forbidden</h1></body></html>",
            ),
            _ => streamed_response(
                200,
                "application/json",
                serving.body(b"{\"data\":\"", b'a', 1 << 30),
            ),
        })
    })
    .await;
    let firefly = client(&server);
    let job = firefly
        .indesign()
        .create_rendition(rendition())
        .await
        .unwrap();
    let html = firefly.indesign().job_status(&job).await.unwrap_err();
    assert!(
        matches!(&html, Error::Api(api) if api.status() == 403),
        "{html}"
    );
    let huge = firefly.indesign().job_status(&job).await.unwrap_err();
    assert!(matches!(huge, Error::Decode { .. }), "{huge}");
    bodies.finished().await;
    assert!(
        bodies.sent() < 64 * 1024 * 1024,
        "{} bytes sent",
        bodies.sent()
    );
}
