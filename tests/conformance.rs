//! Every request body the SDK sends conforms to the schema of its operation
//! in the spec imported from Adobe's files, with undefined fields forbidden:
//! the recorded request shapes (tests/snapshots) and random requests built
//! through the public builders. A field Adobe's schema does not define for
//! that operation, or a value outside its enum, fails here.

use std::collections::BTreeMap;

use adobe_firefly::types::{
    GenerateImagesRequest, ImageModelVersion, SimilarImageModelVersion, Size, VideoModelVersion,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn spec() -> Value {
    serde_json::from_str(adobe_firefly::SPEC_JSON).unwrap()
}

/// `schema` with `additionalProperties: false` on every object schema that
/// lists its properties (and composes no others): an undefined field fails.
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let is_object = map.contains_key("properties") && !map.contains_key("allOf");
            for (key, child) in map.iter_mut() {
                if key == "properties" {
                    if let Value::Object(properties) = child {
                        properties.values_mut().for_each(strict);
                    }
                } else {
                    strict(child);
                }
            }
            if is_object {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// The operation at `method path`: `(operationId, request schema)`.
fn operation(spec: &Value, method: &str, path: &str) -> Option<(String, Value)> {
    let (template, item) = spec["paths"].as_object()?.iter().find(|(template, _)| {
        let pattern: Vec<&str> = template.split('/').collect();
        let actual: Vec<&str> = path.split('/').collect();
        pattern.len() == actual.len()
            && pattern
                .iter()
                .zip(&actual)
                .all(|(p, a)| p.starts_with('{') || p == a)
    })?;
    let operation = &item[method.to_lowercase()];
    let schema = operation["requestBody"]["content"]["application/json"]["schema"].clone();
    let _ = template;
    Some((operation["operationId"].as_str()?.to_owned(), schema))
}

struct StrictValidator {
    validators: BTreeMap<String, jsonschema::Validator>,
}

impl StrictValidator {
    fn new() -> Self {
        Self {
            validators: BTreeMap::new(),
        }
    }

    /// Problems of `body` against the strict schema of `method path`.
    fn problems(&mut self, method: &str, path: &str, body: &Value) -> Vec<String> {
        let spec = spec();
        let (id, schema) = operation(&spec, method, path)
            .unwrap_or_else(|| panic!("{method} {path} is not an operation of the spec"));
        assert!(!schema.is_null(), "{id} takes no JSON body");
        let validator = self.validators.entry(id.clone()).or_insert_with(|| {
            let mut components = spec["components"].clone();
            strict(&mut components);
            let mut root = schema.clone();
            strict(&mut root);
            let document = json!({"allOf": [root], "components": components});
            jsonschema::draft4::options()
                .build(&document)
                .unwrap_or_else(|e| panic!("{id}: {e}"))
        });
        validator
            .iter_errors(body)
            .map(|e| format!("{id} at `{}`: {e}", e.instance_path()))
            .collect()
    }
}

/// The recorded request shapes with a JSON body: (file, method, path, body).
fn recorded_bodies() -> Vec<(String, String, String, Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");
    let mut bodies = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("request_shapes__") && !name.starts_with("request_shapes_2026__") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // insta's header, then the JSON document.
        let json = text.splitn(3, "---").nth(2).unwrap();
        let shape: Value = serde_json::from_str(json.trim()).unwrap();
        let Some(body) = shape.get("body").filter(|b| b.is_object()) else {
            continue;
        };
        let content_type = shape["headers"]["content-type"]
            .as_str()
            .unwrap_or_default();
        if !content_type.starts_with("application/json") {
            continue;
        }
        bodies.push((
            name,
            shape["method"].as_str().unwrap().to_owned(),
            shape["path"].as_str().unwrap().to_owned(),
            body.clone(),
        ));
    }
    bodies
}

#[test]
fn every_recorded_request_body_conforms_with_undefined_fields_forbidden() {
    let mut validator = StrictValidator::new();
    let bodies = recorded_bodies();
    assert!(bodies.len() >= 10, "only {} recorded bodies", bodies.len());
    let mut problems = Vec::new();
    for (file, method, path, body) in &bodies {
        if path.starts_with("/console/") {
            continue; // The Management API is ours, not Adobe's Firefly files.
        }
        for problem in validator.problems(method, path, body) {
            problems.push(format!("{file}: {problem}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_strict_check_rejects_fields_adobe_does_not_define() {
    let mut validator = StrictValidator::new();
    // The old shapes: a `{source, invert}` mask on the sync fill and a size
    // it does not take; `invert` on the async composite's mask.
    let old_fill = json!({
        "image": {"source": {"uploadId": "a"}, "mask": {"invert": true, "source": {"uploadId": "m"}}},
        "size": {"width": 1024, "height": 1024},
    });
    let problems = validator.problems("POST", "/v3/images/fill", &old_fill);
    assert!(
        problems.iter().any(|p| p.contains("/image/mask")),
        "{problems:?}"
    );
    let old_composite = json!({
        "prompt": "a shelf",
        "image": {"source": {"uploadId": "a"}},
        "mask": {"invert": true, "source": {"uploadId": "m"}},
    });
    let problems = validator.problems(
        "POST",
        "/v3/images/generate-object-composite-async",
        &old_composite,
    );
    assert!(problems.iter().any(|p| p.contains("/mask")), "{problems:?}");
    let composite_sync_with_top_level_mask = json!({
        "prompt": "a shelf",
        "image": {"source": {"uploadId": "a"}},
        "mask": {"source": {"uploadId": "m"}},
    });
    assert!(
        !validator
            .problems(
                "POST",
                "/v3/images/generate-object-composite",
                &composite_sync_with_top_level_mask
            )
            .is_empty()
    );
    let similar_with_mask = json!({
        "image": {"source": {"uploadId": "a"}, "mask": {"uploadId": "m"}},
    });
    assert!(
        !validator
            .problems(
                "POST",
                "/v3/images/generate-similar-async",
                &similar_with_mask
            )
            .is_empty()
    );
}

fn model_enum(operation_id: &str) -> Vec<String> {
    let spec = spec();
    let operation = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|op| op["operationId"] == operation_id)
        .unwrap()
        .clone();
    let parameter = operation["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "x-model-version")
        .unwrap()
        .clone();
    let mut schema = parameter["schema"].clone();
    while let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        schema = spec["components"]["schemas"][name].clone();
    }
    schema["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_model_version_the_sdk_can_send_is_in_the_operations_enum() {
    let images = model_enum("generateImagesV3Async");
    for model in [
        ImageModelVersion::Image3,
        ImageModelVersion::Image3Custom,
        ImageModelVersion::Image4Standard,
        ImageModelVersion::Image4Ultra,
        ImageModelVersion::Image4Custom,
    ] {
        assert!(images.contains(&model.to_string()), "{model}");
    }
    let similar = model_enum("generateSimilarImagesV3Async");
    for model in [
        SimilarImageModelVersion::Image3,
        SimilarImageModelVersion::Image4Standard,
        SimilarImageModelVersion::Image4Ultra,
    ] {
        assert!(similar.contains(&model.to_string()), "{model}");
    }
    // generate_video always sends video1_standard.
    let video = model_enum("generateVideoV3");
    assert!(video.contains(&VideoModelVersion::Video1Standard.to_string()));
}

fn any_valid_request() -> impl Strategy<Value = GenerateImagesRequest> {
    (
        "[a-z ]{1,200}",
        proptest::option::of("[a-z ]{1,100}"),
        1i64..=4,
        proptest::option::of(prop::sample::select(vec![
            (2048, 2048),
            (1024, 1024),
            (2304, 1792),
            (1792, 2304),
        ])),
        proptest::option::of(2i64..=10),
        proptest::option::of(1i64..=100),
    )
        .prop_map(
            |(prompt, negative, variations, size, intensity, strength)| {
                let mut builder = GenerateImagesRequest::builder()
                    .prompt(prompt)
                    .num_variations(variations)
                    .negative_prompt(negative)
                    .visual_intensity(intensity)
                    .size(size.map(|(width, height)| Size { width, height }));
                if let Some(strength) = strength {
                    builder = builder.style(
                        adobe_firefly::types::StyleOptions::builder()
                            .presets(vec!["art_deco".to_owned()])
                            .strength(strength)
                            .try_into()
                            .ok(),
                    );
                }
                builder.try_into().unwrap()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever users build with the public builders serializes to a body
    /// Adobe's schema accepts, undefined fields forbidden.
    #[test]
    fn built_requests_conform(request in any_valid_request()) {
        let mut validator = StrictValidator::new();
        let body = serde_json::to_value(&request).unwrap();
        let problems = validator.problems("POST", "/v3/images/generate-async", &body);
        prop_assert!(problems.is_empty(), "{problems:?}");
    }
}
