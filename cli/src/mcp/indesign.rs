//! The InDesign tools: a rendition and a data merge. Each takes Adobe's
//! request for its operation (its schema derived from the SDK's type),
//! with every file by URL only (InDesign reads and writes cloud storage;
//! nothing goes inline), submits it within the quota and the spending
//! rules, waits with progress and answers with what the job wrote, what
//! failed when it only partly succeeded, and what it reported. InDesign
//! has no cancel: a cancelled call stops waiting and says the job goes on.

use std::{future::Future, sync::Arc};

use adobe_firefly::{
    Error,
    indesign::{InDesign, InDesignJob, JobOutcome, types},
};
use rmcp::model::{CallToolResult, JsonObject};
use schemars::JsonSchema;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{
    api_jobs::{self, ToolJob},
    call::Call,
    results, schema,
};

pub fn rendition_schema() -> Arc<JsonObject> {
    schema::raw_input_schema::<types::RenditionRequest>()
}

pub fn merge_schema() -> Arc<JsonObject> {
    schema::raw_input_schema::<types::MergeDataRequest>()
}

pub async fn rendition(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    run(
        call,
        arguments,
        |indesign, request: types::RenditionRequest| async move {
            indesign.create_rendition(request).await
        },
    )
    .await
}

pub async fn merge(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    run(call, arguments, |indesign, request: types::MergeDataRequest| async move {
        indesign.merge_data(request).await
    })
    .await
}

/// A file reference (`url`) that is not an http(s) URL: InDesign reads and
/// writes cloud storage only.
fn not_a_url(arguments: &Value) -> Option<String> {
    match arguments {
        Value::Object(object) => object.iter().find_map(|(key, value)| match value {
            Value::String(text) if key == "url" => {
                let lower = text.to_ascii_lowercase();
                (!lower.starts_with("https://") && !lower.starts_with("http://"))
                    .then(|| text.clone())
            }
            other => not_a_url(other),
        }),
        Value::Array(items) => items.iter().find_map(not_a_url),
        _ => None,
    }
}

/// Runs one InDesign job for a call.
async fn run<T, F, Fut>(call: &mut Call<'_>, arguments: Value, submit: F) -> CallToolResult
where
    T: DeserializeOwned + Serialize + Clone + JsonSchema + adobe_firefly::EstimateCost,
    T: adobe_firefly::indesign::InDesignRequest,
    F: Fn(InDesign, T) -> Fut,
    Fut: Future<Output = Result<InDesignJob, Error>>,
{
    if let Some(value) = not_a_url(&arguments) {
        return results::invalid(format!(
            "`{value}` is not a URL: InDesign reads its inputs from, and writes its outputs to, \
             cloud storage: give pre-signed https URLs (GET for assets, PUT for outputs)"
        ));
    }
    let request: T = match schema::parse_arguments(arguments.clone()) {
        Ok(request) => request,
        Err(message) => return results::invalid(message),
    };
    let indesign = call.firefly.indesign().clone();
    if let Err(refused) = indesign.check(&request) {
        return results::invalid(refused.to_string());
    }
    api_jobs::run(call, indesign, &arguments, request, "indesign", submit).await
}

impl ToolJob for InDesign {
    const DOWNLOADS: bool = false;

    fn word(status: &types::JobStatus) -> String {
        // Each shape of the status is its own type; all carry `status`.
        serde_json::to_value(status)
            .ok()
            .and_then(|status| status["status"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    fn read_again(job: &InDesignJob) -> Option<String> {
        job.status_url
            .as_ref()
            .map(|url| format!("its status URL, {url},"))
    }

    async fn finished(
        call: &Call<'_>,
        job: &InDesignJob,
        outcome: JobOutcome,
        _stem: &str,
        _request_hash: &str,
    ) -> CallToolResult {
        finished(call, job, &outcome).await
    }
}

/// The answer for a finished job: where it wrote, what failed, and what it
/// reported (inline, or read from its bounded `dataURL`).
async fn finished(call: &Call<'_>, job: &InDesignJob, outcome: &JobOutcome) -> CallToolResult {
    let result = outcome.result();
    let data = match call.firefly.indesign_result_data(&result.data).await {
        Ok(bytes) if bytes.is_empty() => Value::Null,
        Ok(bytes) => serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes))),
        Err(error) => return results::failure(&error.into()),
    };
    let status = if outcome.is_complete() {
        "succeeded"
    } else {
        "partial_success"
    };
    let errors: Vec<Value> = outcome
        .errors()
        .iter()
        .map(|e| json!({"error_code": e.error_code, "message": e.message, "source": e.source}))
        .collect();
    let mut summary = format!(
        "InDesign job {} {status}: {} output(s) written",
        job.job_id,
        result.outputs.len()
    );
    if !errors.is_empty() {
        summary.push_str(&format!("; {} part(s) failed", errors.len()));
    }
    results::success(
        summary,
        json!({"job_id": job.job_id, "status": status, "outputs": result.outputs,
               "errors": errors, "data": data}),
    )
}
