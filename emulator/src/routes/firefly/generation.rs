//! What the generation endpoints share, whether they answer at once
//! (`sync`) or with a job (`jobs`): the description of an endpoint, the
//! checks a request goes through, and the shape of a result.

use axum::{body::Bytes, http::HeaderMap, response::Response};
use serde_json::{Value, json};

use crate::{
    api::{Api, Verb},
    state::{EmulatorState, Output, OutputKind},
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

impl EmulatorState {
    /// Admission, model version and body checks shared by every generation
    /// endpoint; `Err` is the answer to send instead.
    pub(super) async fn generation_request(
        &self,
        operation: Operation,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Result<Value, Response> {
        self.admit(METHOD.as_str(), operation.path, headers).await?;
        let problems = self
            .validators
            .of(Api::Firefly)
            .headers(METHOD, operation.path, headers);
        if !problems.is_empty() {
            return Err(self.validation_error(problems));
        }
        self.body(headers, body, |v| {
            self.validators
                .of(Api::Firefly)
                .body(METHOD, operation.path, v)
        })
    }
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
