//! What the generation endpoints share, whether they answer at once
//! (`sync`) or with a job (`jobs`): the description of an endpoint, the
//! checks a request goes through, the size and the outputs it asks for,
//! and the shape of a result.

use axum::{body::Bytes, http::HeaderMap, response::Response};
use serde_json::{Value, json};

use super::SCOPE;
use crate::{
    api::{Api, Verb},
    image,
    responses::validation_error,
    routes::{App, shared::storage::download_url},
    store::{Output, OutputKind, OutputSize},
};

/// The method of every generation endpoint.
pub(super) const METHOD: Verb = Verb::Post;

/// A generation endpoint: where it lives and what it makes. Its body schema
/// and `x-model-version` enum are the ones the spec gives for `POST path`.
#[derive(Clone, Copy)]
pub(super) struct Operation {
    pub(super) path: &'static str,
    pub(super) output: OutputKind,
}

/// Admission, model version and body checks shared by every generation
/// endpoint: the request's body, or the answer to send instead.
pub(super) async fn checked_request(
    app: &App,
    operation: Operation,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Value, Response> {
    app.admit(METHOD.as_str(), operation.path, headers, SCOPE)
        .await?;
    let spec = app.validators.of(Api::Firefly);
    let problems = spec.headers(METHOD, operation.path, headers);
    if !problems.is_empty() {
        return Err(validation_error(problems));
    }
    app.json_body(headers, body, |v| spec.body(METHOD, operation.path, v))
}

/// The size a generation request asks for (or Firefly's default),
/// rendered at most `max_image_side` a side.
pub(super) fn requested_size(app: &App, request: &Value, kind: OutputKind) -> OutputSize {
    let requested = match kind {
        OutputKind::Image => &request["size"],
        OutputKind::Video => &request["sizes"][0],
    };
    let default_side = if kind == OutputKind::Video {
        1080
    } else {
        2048
    };
    let side = |name: &str| {
        requested[name]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(default_side)
    };
    OutputSize {
        size: (side("width"), side("height")),
        render_side: app.store.settings.max_image_side,
    }
}

/// Outputs of this size for a generation request, put in the emulator's
/// storage: one per seed or variation, each behind a signed URL.
pub(super) fn outputs(
    app: &App,
    request: &Value,
    kind: OutputKind,
    size: OutputSize,
) -> Vec<Output> {
    // What the output depends on: the prompt, else the input image.
    let key = [
        &request["prompt"],
        &request["image"]["source"]["uploadId"],
        &request["image"]["source"]["url"],
    ]
    .into_iter()
    .find_map(Value::as_str)
    .unwrap_or_default();
    let seeds: Vec<i64> = match request["seeds"].as_array() {
        Some(seeds) if !seeds.is_empty() => seeds.iter().filter_map(Value::as_i64).collect(),
        _ => {
            let count = request["numVariations"].as_u64().unwrap_or(1);
            (0..count)
                .map(|i| (image::fnv1a(&[key.as_bytes(), &i.to_le_bytes()]) % 100_000) as i64)
                .collect()
        }
    };
    let files = app.store.store_outputs(kind, key, &seeds, size);
    seeds
        .into_iter()
        .zip(files)
        .map(|(seed, file)| Output {
            seed,
            url: download_url(&app.url, &file),
            kind,
        })
        .collect()
}

/// A job result: `{size, outputs: [{seed, image|video: {url}}], contentClass?}`.
pub(super) fn result_body(
    outputs: &[Output],
    (width, height): (u32, u32),
    content_class: Option<&str>,
) -> Value {
    let outputs: Vec<Value> = outputs
        .iter()
        .map(|output| {
            let key = match output.kind {
                OutputKind::Image => "image",
                OutputKind::Video => "video",
            };
            json!({"seed": output.seed, key: {"url": output.url}})
        })
        .collect();
    let mut result = json!({"size": {"width": width, "height": height}, "outputs": outputs});
    if let Some(class) = content_class {
        result["contentClass"] = json!(class);
    }
    result
}
