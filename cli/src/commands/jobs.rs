//! `firefly job status` and `firefly job cancel`: a Firefly job known only by its id.

use std::process::ExitCode;

use adobe_firefly::types::JobStatusResponse;
use serde_json::{Value, json};

use crate::{context::Context, error::CliError};

pub async fn status(job_id: &str, ctx: &Context) -> Result<ExitCode, CliError> {
    let firefly = ctx.firefly()?;
    let job = firefly.job(job_id).map_err(|error| about(job_id, error))?;
    let status = firefly
        .job_status(&job)
        .await
        .map_err(|error| about(job_id, error))?;
    let progress = status
        .progress
        .map(|p| format!(" ({p:.0}%)"))
        .unwrap_or_default();
    ctx.out.done(
        format!(
            "{}{progress}",
            crate::terminal::terminal_safe(crate::output::status_word(&status))
        ),
        status_document(job_id, &status),
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn cancel(job_id: &str, ctx: &Context) -> Result<ExitCode, CliError> {
    let firefly = ctx.firefly()?;
    let job = firefly.job(job_id).map_err(|error| about(job_id, error))?;
    firefly
        .cancel_job(&job)
        .await
        .map_err(|error| about(job_id, error))?;
    ctx.out.done(
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
    // `JobOutput::url` knows every shape an output comes in (`image.url`,
    // `video.url`, an upscale's `presignedUrl`).
    let outputs: Vec<Value> = status
        .result
        .iter()
        .flat_map(|result| &result.outputs)
        .map(|output| json!({"seed": output.seed, "url": output.url()}))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn document(body: Value) -> Value {
        let status: JobStatusResponse = serde_json::from_value(body).unwrap();
        status_document("job-1", &status)
    }

    #[test]
    fn outputs_of_every_shape_have_their_url() {
        let images = document(json!({"jobId": "job-1", "status": "succeeded", "result": {
            "outputs": [{"seed": 7, "image": {"url": "https://x.example/a.png"}},
                        {"seed": 8, "video": {"url": "https://x.example/b.mp4"}}]
        }}));
        assert_eq!(
            images["outputs"],
            json!([{"seed": 7, "url": "https://x.example/a.png"},
                   {"seed": 8, "url": "https://x.example/b.mp4"}])
        );
        let upscaled = document(json!({"jobId": "job-1", "status": "succeeded", "result": {
            "version": "1", "outputs": [{"id": "o1", "presignedUrl": "https://x.example/u.png"}]
        }}));
        assert_eq!(
            upscaled["outputs"],
            json!([{"seed": null, "url": "https://x.example/u.png"}])
        );
        assert_eq!(upscaled["result"]["version"], "1");
    }

    #[test]
    fn a_running_job_has_no_outputs() {
        let running = document(json!({"jobId": "job-1", "status": "running"}));
        assert_eq!(running["outputs"], json!([]));
        assert_eq!(running["status"], "running");
    }
}
