//! What the generation endpoints share, whether they answer at once
//! (`sync`) or with a job (`jobs`): the description of an endpoint, the
//! checks a request goes through, and the shape of a result.

use axum::{body::Bytes, http::HeaderMap, response::Response};
use serde_json::{Value, json};

use crate::state::{EmulatorState, Output, OutputKind};

/// A generation endpoint: where it lives, the schema its body follows, the
/// enum of its `x-model-version` header, and what it makes.
#[derive(Clone, Copy)]
pub(super) struct Operation {
    pub(super) path: &'static str,
    pub(super) schema: &'static str,
    pub(super) model_enum: Option<&'static str>,
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
        self.admit("POST", operation.path, headers).await?;
        if let Some(enum_name) = operation.model_enum
            && let Some(model) = headers.get("x-model-version").and_then(|v| v.to_str().ok())
            && let Some(problem) = self.validator.model_version(enum_name, model)
        {
            return Err(self.validation_error(vec![problem]));
        }
        self.body(headers, body, |v| self.validator.body(operation.schema, v))
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
