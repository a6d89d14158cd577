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
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use schemars::JsonSchema;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{call::Call, progress, results, schema, session::Ending};
use crate::{naming, spend::Spend};

/// Why a cancelled call leaves its job running.
const NO_CANCEL: &str = "the InDesign API has no way to cancel a job: it goes on";

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
    let admitted = match call
        .spend
        .admit(adobe_firefly::Api::InDesign, call.tool, &request)
    {
        Ok(admitted) => admitted,
        Err(refused) => return results::invalid(refused.to_string()),
    };
    if let Err(declined) = super::confirm::ask(call, &admitted).await {
        return declined;
    }
    let request_hash = naming::request_key(&arguments, None);
    let submitted = progress::submit_within_quota(&mut call.progress, &call.cancelled, || {
        submit(indesign.clone(), request.clone())
    })
    .await;
    let job = match submitted {
        Ok(Some(job)) => job,
        Ok(None) => return results::invalid("the call was cancelled before the job was submitted"),
        Err(error) if error.is_validation() => return results::invalid(error.to_string()),
        Err(Error::DryRun(prepared)) => {
            return results::dry_run(&prepared, &Spend::describe(&admitted));
        }
        Err(error) => return results::failure(&error.into()),
    };
    call.session
        .submitted(&job.job_id, call.tool, &request_hash, None);
    call.spend.submitted(&admitted, &job.job_id);
    call.progress
        .report(0.0, format!("InDesign job {} submitted", job.job_id))
        .await;
    let waited = tokio::select! {
        biased;
        () = call.cancelled.cancelled() => None,
        result = indesign.wait_for_job(&job, call.wait) => Some(result),
    };
    let (answer, ending) = match waited {
        Some(Ok(outcome)) => (finished(call, &job, &outcome).await, Ending::Settled),
        Some(Err(error)) => (results::failure(&error.into()), Ending::Settled),
        None => (
            CallToolResult::error(vec![ContentBlock::text(format!(
                "the call was cancelled; {NO_CANCEL}: InDesign job {} may still finish",
                job.job_id
            ))]),
            Ending::Cancelled(Err(NO_CANCEL.to_owned())),
        ),
    };
    let outcome = ending.audit_word(answer.is_error == Some(true));
    call.spend.ended_as(&admitted, &job.job_id, outcome);
    call.session.ended(&job.job_id, ending);
    answer
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
