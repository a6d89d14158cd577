//! The emulator's answers against the response schemas of the spec it
//! serves (`openapi/firefly/firefly.yaml`), checked here with `jsonschema` and the
//! spec's own `$ref`s, independently of the emulator's validator (which
//! reads request schemas only): every status body of every kind of job,
//! and the 400 and 451 refusals of the job endpoints.
//!
//! One reading differs from the letter of the spec: the `oneOf` of a
//! succeeded job's `result` is read as `anyOf` (see [`status_schema`]), and
//! the alternative each kind of job must match is checked on its own.

use adobe_firefly_emulator::{Emulator, Faults};
use serde_json::{Value, json};

mod support;

use support::{
    client::{Client, cancel_url},
    images::png_of,
    spec,
};

/// A validator for the schema of `method path`'s `status` answer, its
/// `$ref`s resolved against the spec's components. The spec is OpenAPI
/// 3.0, whose schemas are JSON Schema draft 4 plus `nullable`; it uses no
/// `nullable` (asserted), so draft 4 reads them as written.
fn answer_schema(spec: &Value, method: &str, path: &str, status: u16) -> jsonschema::Validator {
    assert!(
        !support::SPEC_YAML.contains("nullable:"),
        "the spec uses nullable; translate it before checking answers"
    );
    let schema = &spec["paths"][path][method]["responses"][status.to_string()]["content"]["application/json"]
        ["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} documents no {status} body"
    );
    let root = json!({"allOf": [schema], "components": spec["components"]});
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("{method} {path} {status}: {e}"))
}

/// The schema of `GET /v3/status/{jobId}`'s 200 answer.
///
/// The spec's `JobSucceededPayload.result` is a `oneOf` whose image
/// alternatives overlap: every `GeneratedImagesJobResult` (`outputs` and
/// `size`) is also an `ImageJobResult` (`outputs`), so no image result with
/// a `size` is valid under exactly one of them, as `oneOf` demands, though
/// it is what Firefly sends. It is read as the `anyOf` it means, and
/// [`result_schema`] names the one alternative each kind of job must match.
fn status_schema(spec: &Value) -> jsonschema::Validator {
    let mut spec = spec.clone();
    let result = spec.pointer_mut("/components/schemas/JobSucceededPayload/properties/result");
    if let Some(Value::Object(result)) = result
        && let Some(alternatives) = result.remove("oneOf")
    {
        result.insert("anyOf".into(), alternatives);
    }
    answer_schema(&spec, "get", "/v3/status/{jobId}", 200)
}

/// The schema a succeeded job's `result` has, by the endpoint that made it.
fn result_schema(spec: &Value, path: &str) -> jsonschema::Validator {
    let name = match path {
        "/v3/images/upscale" => "UpscaleJobResult",
        "/v3/videos/generate" => "VideoJobResult",
        _ => "GeneratedImagesJobResult",
    };
    let root = json!({
        "allOf": [{"$ref": format!("#/components/schemas/{name}")}],
        "components": spec["components"],
    });
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Asserts `body` is valid, listing every violation otherwise.
fn assert_valid(validator: &jsonschema::Validator, what: &str, body: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {body}\n{errors:#?}");
}

/// One job of each kind the emulator runs: the endpoint and a body.
fn every_kind_of_job(upload_id: &str) -> Vec<(&'static str, Value)> {
    let source = json!({"uploadId": upload_id});
    let composite = json!({
        "background": {"image": {"source": source}, "fillAreaMask": {"source": source}},
        "object": {"image": {"source": source}},
    });
    vec![
        (
            "/v3/images/generate-async",
            json!({"prompt": "a cat", "contentClass": "art"}),
        ),
        (
            "/v3/images/generate-similar-async",
            json!({"image": {"source": source}}),
        ),
        ("/v4/images/generate-async", json!({"prompt": "a cat"})),
        (
            "/v3/images/upscale",
            json!({"image": {"source": source}, "seeds": [1, 2]}),
        ),
        ("/v3/images/precise-composite", composite.clone()),
        ("/v3/images/adaptive-composite", composite),
        ("/v3/videos/generate", json!({"prompt": "waves"})),
    ]
}

/// Runs every kind of job on an emulator with these faults, cancelling
/// them if `cancel`; asserts every status body seen is valid.
async fn check_every_status(faults: Faults, cancel: bool) -> Vec<String> {
    let spec = spec();
    let validator = status_schema(&spec);
    let client = Client::start_with(Emulator::builder().faults(faults)).await;
    let upload_id = client.upload("image/png", png_of(200, 100)).await;
    let mut statuses = Vec::new();
    for (path, body) in every_kind_of_job(&upload_id) {
        let (status, accepted) = client.submit(path, &body).await;
        assert!(status == 200 || status == 202, "{path}: {accepted}");
        if cancel {
            let (status, answer) = client.put(&cancel_url(&accepted)).await;
            assert_eq!(status, 200, "{path}: {answer}");
        }
        for body in client.poll_to_the_end(&accepted).await {
            assert_valid(&validator, path, &body);
            if body["status"] == "succeeded" {
                assert_valid(&result_schema(&spec, path), path, &body["result"]);
            }
            statuses.push(body["status"].as_str().unwrap_or_default().to_owned());
        }
    }
    statuses
}

#[tokio::test]
async fn every_status_of_every_kind_of_job_is_valid() {
    let statuses = check_every_status(Faults::none(), false).await;
    for status in ["pending", "running"] {
        assert!(
            statuses.iter().any(|s| s == status),
            "{status}: {statuses:?}"
        );
    }
    let succeeded = statuses.iter().filter(|s| *s == "succeeded").count();
    assert_eq!(succeeded, every_kind_of_job("id").len(), "{statuses:?}");
}

#[tokio::test]
async fn failed_and_timed_out_statuses_are_valid() {
    let faults = Faults::none().fail_jobs_every(2).timeout_jobs_every(3);
    let statuses = check_every_status(faults, false).await;
    for status in ["failed", "timeout"] {
        assert!(
            statuses.iter().any(|s| s == status),
            "{status}: {statuses:?}"
        );
    }
}

#[tokio::test]
async fn cancelled_statuses_are_valid() {
    let statuses = check_every_status(Faults::none().cancel_pending(true), true).await;
    for status in ["cancel_pending", "cancelled"] {
        assert!(
            statuses.iter().any(|s| s == status),
            "{status}: {statuses:?}"
        );
    }
}

#[tokio::test]
async fn refusals_of_the_job_endpoints_are_valid() {
    let spec = spec();
    let client =
        Client::start_with(Emulator::builder().faults(Faults::none().content_policy_every(1)))
            .await;
    let unknown = json!({"uploadId": "never-uploaded"});
    let composite = json!({
        "background": {"image": {"source": unknown}, "fillAreaMask": {"source": unknown}},
        "object": {"image": {"source": unknown}},
    });
    for (path, body) in [
        (
            "/v3/images/upscale",
            json!({"image": {"source": unknown}, "seeds": [1]}),
        ),
        ("/v3/images/precise-composite", composite.clone()),
        ("/v3/images/adaptive-composite", composite),
    ] {
        let (status, answer) = client.submit(path, &body).await;
        assert_eq!(status, 400, "{path}: {answer}");
        assert_valid(&answer_schema(&spec, "post", path, 400), path, &answer);
    }
    let (status, answer) = client
        .submit("/v4/images/generate-async", &json!({"prompt": "a cat"}))
        .await;
    assert_eq!(status, 451, "{answer}");
    let validator = answer_schema(&spec, "post", "/v4/images/generate-async", 451);
    assert_valid(&validator, "451", &answer);
}
