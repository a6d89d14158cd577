//! What Photoshop's routes refuse, over real HTTP: bodies its spec (or
//! the prose of its spec) forbids, with 422 naming the field; bodies that
//! are not JSON or too large; unknown jobs; requests without the right
//! credentials. Every refusal is Photoshop's `ApiError`, valid under the
//! schema the spec gives the answer.

use adobe_firefly_emulator::Emulator;
use serde_json::{Value, json};

mod support;

use support::{
    client::Client,
    photoshop::{answer_schema, assert_valid, refused_fields},
};

const PUT: &str = "http://127.0.0.1:9/out/x.png";
const GET: &str = "http://127.0.0.1:9/in/x.png";

fn output() -> Value {
    json!({"destination": {"url": PUT}, "mediaType": "image/png"})
}

/// Bodies each operation's schema (or its prose) refuses, and the field
/// the refusal must name.
fn refused_bodies() -> Vec<(&'static str, Value, &'static str)> {
    let image = json!({"source": {"url": GET}});
    let many: Vec<Value> = (0..26).map(|_| image.clone()).collect();
    vec![
        ("/v2/edit", json!({"image": image}), "outputs"),
        (
            "/v2/edit",
            json!({"image": image, "outputs": []}),
            "outputs",
        ),
        ("/v2/edit", json!({"outputs": [output()]}), "image"),
        (
            "/v2/edit",
            json!({"image": image, "outputs": [output()], "edits": {"light": {"exposure": 6}}}),
            "edits.light.exposure",
        ),
        (
            "/v2/create-composite",
            json!({"image": {"source": {"url": GET, "creativeCloudPath": "/a.psd"}}, "outputs": [output()]}),
            "image.source",
        ),
        (
            "/v2/create-composite",
            json!({"image": image, "outputs": [
                {"destination": {"url": PUT, "validityPeriod": 600}, "mediaType": "image/png"},
            ]}),
            "outputs.0.destination",
        ),
        (
            "/v2/create-composite",
            json!({"image": image, "outputs": [{"destination": {"url": PUT}, "mediaType": "image/gif"}]}),
            "outputs.0",
        ),
        (
            "/v2/create-artboard",
            json!({"images": many, "outputs": [output()]}),
            "images",
        ),
        (
            "/v2/execute-actions",
            json!({"image": image, "options": {}, "outputs": [output()]}),
            "options",
        ),
        (
            "/v2/generate-manifest",
            json!({"image": image, "outputs": [output()]}),
            "outputs.0.mediaType",
        ),
        (
            "/v1/auto-crop",
            json!({"image": image, "mode": "zoomCrop"}),
            "mode",
        ),
        (
            "/v1/auto-crop",
            json!({"image": image, "mode": "subjectCrop"}),
            "focus",
        ),
        (
            "/v1/auto-crop",
            json!({"image": image, "mode": "smartCrop", "aspectRatio": "1:1", "zoom": 2}),
            "zoom",
        ),
    ]
}

#[tokio::test]
async fn bodies_the_spec_refuses_are_422_naming_the_field() {
    let client = Client::photoshop(Emulator::builder()).await;
    for (path, body, field) in refused_bodies() {
        let (status, answer) = client.submit(path, &body).await;
        assert_eq!(status, 422, "{path} {body}: {answer}");
        assert_eq!(answer["error_code"], "validation_error", "{answer}");
        assert_valid(&answer_schema("post", path, 422), path, &answer);
        let fields = refused_fields(&answer);
        assert!(
            fields.iter().any(|f| f == field),
            "{path} {body}: expected {field} among {fields:?}: {answer}"
        );
    }
    assert!(
        client
            .emulator
            .requests()
            .iter()
            .all(|r| r.method == "POST"),
        "no job was started"
    );
}

#[tokio::test]
async fn bodies_that_are_not_json_or_too_large_are_refused() {
    let client = Client::photoshop(Emulator::builder()).await;
    let url = format!("{}/v2/edit", client.emulator.url());
    let send = |content_type: &'static str, body: Vec<u8>| {
        client
            .http
            .post(&url)
            .bearer_auth(&client.token)
            .header("x-api-key", client.emulator.client_id())
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let cases = [
        ("text/plain", b"{}".to_vec(), 415, "invalid_content_type"),
        (
            "application/json",
            b"{not json".to_vec(),
            400,
            "invalid_json",
        ),
        (
            "application/json",
            vec![b' '; 1_000_000],
            400,
            "validation_error",
        ),
    ];
    for (content_type, body, status, code) in cases {
        let response = send(content_type, body).await.expect("an answer");
        assert_eq!(response.status().as_u16(), status);
        let answer: Value = response.json().await.expect("a JSON error");
        assert_eq!(answer["error_code"], code, "{answer}");
        assert!(answer["message"].is_string(), "{answer}");
        if status == 400 {
            assert_valid(&answer_schema("post", "/v2/edit", 400), "400", &answer);
        }
    }
}

#[tokio::test]
async fn an_unknown_job_is_404_unknown_job_id() {
    let client = Client::photoshop(Emulator::builder()).await;
    let url = format!("{}/v2/status/no-such-job", client.emulator.url());
    let (status, answer) = client.get(&url).await;
    assert_eq!(status, 404, "{answer}");
    assert_eq!(answer["error_code"], "unknown_job_id");
    let schema = answer_schema("get", "/v2/status/{jobId}", 404);
    assert_valid(&schema, "404", &answer);
}

#[tokio::test]
async fn photoshop_needs_a_token_with_its_scope_and_the_api_key() {
    let client = Client::photoshop(Emulator::builder()).await;
    let body = json!({"image": {"source": {"url": GET}}, "outputs": [output()]});
    let url = format!("{}/v2/edit", client.emulator.url());
    let firefly_only = client.emulator.issue_token("openid,firefly_api");
    let cases = [
        (
            Some(firefly_only.as_str()),
            true,
            403,
            "unauthorized_forbidden",
        ),
        (Some("not-a-token"), true, 401, "401013"),
        (None, true, 401, "401013"),
        (Some(client.token.as_str()), false, 403, "403000"),
    ];
    for (token, api_key, status, code) in cases {
        let mut request = client.http.post(&url).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if api_key {
            request = request.header("x-api-key", client.emulator.client_id());
        }
        let response = request.send().await.expect("an answer");
        assert_eq!(response.status().as_u16(), status, "{token:?} {api_key}");
        let answer: Value = response.json().await.expect("a JSON error");
        assert_eq!(answer["error_code"], code, "{answer}");
        let schema = answer_schema("post", "/v2/edit", status);
        assert_valid(&schema, &status.to_string(), &answer);
    }
}
