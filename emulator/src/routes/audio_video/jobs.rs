//! The Audio/Video API's jobs over HTTP: a submission to any of the four
//! operations (202 `{jobId, statusUrl}`), and `GET /v1/status/{jobId}`
//! (`{jobId, status}`, with `output` or `outputs` once succeeded and
//! `error_code` and `message` once failed). A job is `pending`, then
//! `running`, then, on the poll that finds it done, its work is done
//! (`work`) and it is `succeeded` or `failed`.
//!
//! Refusals are the API's `{error_code, message}`: 415, 400 for a body
//! that is not JSON, 422 `validation_error` naming each field, 404
//! `not_found` for an unknown job.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
};
use serde_json::{Value, json};

use super::{SCOPE, is_voice, work};
use crate::{
    api::{Api, Verb},
    responses::json_response,
    routes::App,
    store::{AudioVideoJob, JobProblem, JobStatus, WorkOutcome},
};

/// A submission to `POST path`.
pub(super) async fn submit(
    app: Arc<App>,
    path: &'static str,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = app
        .admit_to(Api::AudioVideo, "POST", path, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let request = match app.json_body(&headers, &body, |request| {
        app.validators
            .of(Api::AudioVideo)
            .body(Verb::Post, path, request)
    }) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    if let Some(refusal) = refused(&app, path, &request) {
        return refusal;
    }
    let job_id = app
        .store
        .submit_job(job_id, AudioVideoJob::new(path, request));
    let status_url = format!("{}{}/v1/status/{job_id}", app.url, Api::AudioVideo.prefix());
    json_response(202, json!({"jobId": job_id, "statusUrl": status_url}))
}

/// What Adobe refuses at once that the schema allows: an unknown voice,
/// a dub with neither languages nor transcripts.
fn refused(app: &App, path: &str, request: &Value) -> Option<Response> {
    match path {
        "/v1/generate-speech" => {
            let voice = request["voiceId"].as_str().unwrap_or_default();
            (!is_voice(voice)).then(|| {
                app.error(
                    422,
                    "validation_error",
                    &format!("voiceId: no voice has the id {voice:?}; see GET /v1/voices"),
                )
            })
        }
        "/v1/dub" => {
            let empty = |name: &str| request[name].as_array().is_none_or(Vec::is_empty);
            (empty("targetLocaleCodes") && empty("transcripts")).then(|| {
                app.error(
                    422,
                    "validation_error",
                    "Either target locale codes or transcription is required",
                )
            })
        }
        _ => None,
    }
}

/// A job id shaped like Adobe's (a UUID), whose first group is the job's
/// number among the jobs of every API.
fn job_id(number: u64) -> String {
    let random = fastrand::u64(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        number as u32,
        (random >> 48) as u16,
        (random >> 36) as u16 & 0x0fff,
        (random >> 24) as u16 & 0x0fff,
        random & 0xffff_ffff_ffff,
    )
}

/// `GET /v1/status/{jobId}`.
pub(super) async fn status(
    State(app): State<Arc<App>>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v1/status/{job_id}");
    if let Err(refusal) = app
        .admit_to(Api::AudioVideo, "GET", &path, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let Some(status) = app.store.poll_job::<AudioVideoJob>(&job_id) else {
        return app.error(404, "not_found", "Job not found");
    };
    let failed = |problem: &JobProblem| json!({"status": "failed", "error_code": problem.code, "message": problem.message});
    let state = match status {
        JobStatus::Pending => json!({"status": "pending"}),
        JobStatus::Running(_) => json!({"status": "running"}),
        JobStatus::Succeeded(job) => {
            match job.outcome.get_or_init(|| work::run(&app, &job)).await {
                WorkOutcome::Succeeded(result) => {
                    let mut body = json!({"status": "succeeded"});
                    if let (Some(body), Value::Object(result)) = (body.as_object_mut(), result) {
                        body.extend(result.clone());
                    }
                    body
                }
                WorkOutcome::Failed(problems) => match problems.first() {
                    Some(problem) => failed(problem),
                    None => failed(&JobProblem::new("runtime_error", "The job failed.")),
                },
            }
        }
        JobStatus::Failed => failed(&JobProblem::new(
            "runtime_error",
            "Internal Server Error while receiving or handling response (injected by the \
             emulator).",
        )),
        JobStatus::TimedOut => failed(&JobProblem::new(
            "runtime_error",
            "The job did not finish in time (injected by the emulator).",
        )),
        // The API has no cancel, so these are never seen; were they, the
        // job did not succeed.
        JobStatus::CancelPending | JobStatus::Cancelled => {
            failed(&JobProblem::new("runtime_error", "The job was cancelled."))
        }
    };
    let mut body = json!({"jobId": job_id});
    if let (Some(body), Value::Object(state)) = (body.as_object_mut(), state) {
        body.extend(state);
    }
    json_response(200, body)
}
