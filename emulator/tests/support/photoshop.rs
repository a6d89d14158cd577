//! Photoshop's spec as the tests read it, independently of the emulator's
//! validator: the schemas of its answers (the 202 `JobAccepted`, the
//! status's `JobStatus`, the refusals' `ApiError`), checked with
//! `jsonschema` and the spec's own `$ref`s, formats included (`createdTime`
//! is a `date-time`).

use serde_json::{Value, json};

use super::{PHOTOSHOP_SPEC_YAML, photoshop_spec};

/// A validator for the schema of `method path`'s `status` answer. The
/// spec is OpenAPI 3.0 (JSON Schema draft 4 plus `nullable`); it uses no
/// `nullable` (asserted), so draft 4 reads its schemas as written.
pub fn answer_schema(method: &str, path: &str, status: u16) -> jsonschema::Validator {
    assert!(
        !PHOTOSHOP_SPEC_YAML.contains("nullable:"),
        "the spec uses nullable; translate it before checking answers"
    );
    let spec = photoshop_spec();
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

/// The schema of `GET /v2/status/{jobId}`'s 200 answer.
pub fn status_schema() -> jsonschema::Validator {
    answer_schema("get", "/v2/status/{jobId}", 200)
}

/// Asserts `body` is valid, listing every violation otherwise.
pub fn assert_valid(validator: &jsonschema::Validator, what: &str, body: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {body}\n{errors:#?}");
}

/// The fields a Photoshop 422 names: the part before `:` of its
/// `message` and of each of its `errors`' messages.
pub fn refused_fields(body: &Value) -> Vec<String> {
    let field = |message: &Value| {
        message
            .as_str()
            .and_then(|m| m.split_once(": "))
            .map(|(field, _)| field.to_owned())
    };
    let mut fields: Vec<String> = field(&body["message"]).into_iter().collect();
    for error in body["errors"].as_array().into_iter().flatten() {
        fields.extend(field(&error["message"]));
    }
    fields
}
