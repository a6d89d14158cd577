//! `firefly status` and `firefly cancel`: a job known only by its id.

use std::process::ExitCode;

use adobe_firefly::types::JobStatusResponse;
use serde_json::{Value, json};

use super::client;
use crate::{error::CliError, output::Output};

pub async fn status(job_id: &str, out: &Output) -> Result<ExitCode, CliError> {
    let firefly = client()?;
    let status = firefly
        .job_status(&firefly.job(job_id))
        .await
        .map_err(|error| about(job_id, error))?;
    let progress = status
        .progress
        .map(|p| format!(" ({p:.0}%)"))
        .unwrap_or_default();
    out.done(
        format!("{}{progress}", crate::output::status_word(&status)),
        status_document(job_id, &status),
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn cancel(job_id: &str, out: &Output) -> Result<ExitCode, CliError> {
    let firefly = client()?;
    firefly
        .cancel_job(&firefly.job(job_id))
        .await
        .map_err(|error| about(job_id, error))?;
    out.done(
        format!("cancellation of {job_id} requested"),
        json!({"job_id": job_id, "canceled": true}),
    );
    Ok(ExitCode::SUCCESS)
}

/// An error about the job given on the command line, which names it.
fn about(job_id: &str, error: adobe_firefly::Error) -> CliError {
    CliError::AboutJob {
        job_id: job_id.to_owned(),
        error: Box::new(error.into()),
    }
}

/// A job's status in the shape of every job result: `job_id`, `status`,
/// `progress`, `outputs` (each with its `seed` and `url`) once there are
/// some, Adobe's `error_code` and `message` for a job that failed; `result`
/// is Firefly's own answer, for anything else.
fn status_document(job_id: &str, status: &JobStatusResponse) -> Value {
    let result = status
        .result
        .as_ref()
        .and_then(|result| serde_json::to_value(result).ok());
    let outputs: Vec<Value> = result
        .as_ref()
        .and_then(|result| result["outputs"].as_array())
        .into_iter()
        .flatten()
        .map(|output| {
            let url = ["image", "video", "mask"]
                .iter()
                .find_map(|kind| output[kind]["url"].as_str());
            json!({"seed": output["seed"], "url": url})
        })
        .collect();
    json!({
        "job_id": status.job_id.as_deref().unwrap_or(job_id),
        "status": crate::output::status_word(status),
        "progress": status.progress,
        "outputs": outputs,
        "error_code": status.error_code,
        "message": status.message,
        "result": result,
    })
}
