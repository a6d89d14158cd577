//! The `x-model-version` header against the spec: each operation accepts
//! the values of its own parameter's enum and refuses the others', over raw
//! HTTP; operations without the parameter ignore it.

use std::collections::BTreeSet;

use serde_json::{Value, json};

mod support;

use support::{client::Client, *};

/// The `x-model-version` values the spec allows for `POST path`.
fn model_versions(spec: &Value, path: &str) -> Vec<String> {
    let parameters = spec["paths"][path]["post"]["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let parameter = parameters
        .iter()
        .find(|p| p["name"] == "x-model-version")
        .unwrap_or_else(|| panic!("{path} has no x-model-version"));
    let reference = parameter["schema"]["$ref"].as_str().expect("a $ref");
    let schema = spec
        .pointer(&reference[1..])
        .expect("the referenced schema");
    schema["enum"]
        .as_array()
        .expect("an enum")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn model_versions_are_checked_against_each_operations_enum() {
    let spec = spec();
    let client = Client::start().await;
    let bodies = [
        ("/v3/images/generate-async", json!({"prompt": "a cat"})),
        (
            "/v3/images/generate-similar-async",
            json!({"image": {"source": {"url": IMAGE_URL}}}),
        ),
        ("/v3/videos/generate", json!({"prompt": "a cat"})),
    ];
    for (path, body) in &bodies {
        let allowed = model_versions(&spec, path);
        assert!(!allowed.is_empty());
        for model in &allowed {
            let (status, answer) = client.post(path, Some(model), body).await;
            assert_eq!(status, 202, "{path} {model}: {answer}");
        }
        // Every other operation's values that this one does not allow.
        let others: BTreeSet<String> = bodies
            .iter()
            .flat_map(|(other, _)| model_versions(&spec, other))
            .filter(|model| !allowed.contains(model))
            .chain(["image9_imaginary".to_owned(), String::new()])
            .collect();
        for model in others {
            let case = Case {
                path,
                model: None,
                body: body.clone(),
            };
            let (status, answer) = client.post(path, Some(&model), body).await;
            assert_refused(&case, &(status, answer.clone()), "header.x-model-version");
            assert_eq!(
                answer["validation_errors"][0]["type"], "type_error.enum",
                "{path} {model}: {answer}"
            );
        }
    }
    // `image3_custom` is a generation model, not a similar-images one.
    let (status, _) = client
        .post(
            "/v3/images/generate-similar-async",
            Some("image3_custom"),
            &json!({"image": {"source": {"url": IMAGE_URL}}}),
        )
        .await;
    assert_eq!(status, 422);
    // Operations without the parameter in the spec do not look at it.
    let (status, answer) = client
        .post(
            "/v3/images/generate",
            Some("image9_imaginary"),
            &json!({"prompt": "a cat"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
}
