//! InDesign's jobs over HTTP: a submission to a job operation (202
//! `{jobId, statusUrl}` with `retry-after` and `link`), and
//! `GET /v3/status/{id}`: `not_started`, `running`, then, on the poll that
//! finds the job done, its work is done (`work`) and it is `succeeded`,
//! `partial_success` or `failed` (`errors`). Refusals are InDesign's
//! `ApiError` (`{error_code, message}`).

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue},
    response::Response,
};
use serde_json::{Value, json};

use super::{SCOPE, work};
use crate::{
    api::{Api, Verb},
    responses::json_response,
    routes::App,
    store::{InDesignJob, JobStatus},
};

/// A submission to `POST operation`, whose body is checked against the
/// schema of `spec_path` (the same but for a script's id and name).
pub(super) async fn submit(
    app: Arc<App>,
    operation: String,
    spec_path: &'static str,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = app
        .admit_to(Api::InDesign, "POST", &operation, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let validator = app.validators.of(Api::InDesign);
    let request = match app.json_body(&headers, &body, |value| {
        validator.body(Verb::Post, spec_path, value)
    }) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let job_id = app
        .store
        .submit_job(job_id, InDesignJob::new(operation, request));
    let status_url = format!("{}{}/v3/status/{job_id}", app.url, Api::InDesign.prefix());
    let mut response = json_response(202, json!({"jobId": job_id, "statusUrl": status_url}));
    let headers = response.headers_mut();
    headers.insert("retry-after", HeaderValue::from_static("1"));
    if let Ok(link) = HeaderValue::from_str(&format!("<{status_url}>; rel=\"status\"")) {
        headers.insert("link", link);
    }
    response
}

/// A job id shaped like Adobe's (a UUID), whose first group is the job's
/// number among the jobs of every API (`work` reads it back for the
/// `partial_success` fault).
fn job_id(number: u64) -> String {
    let random = fastrand::u64(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-9{:03x}-{:012x}",
        number as u32,
        (random >> 48) as u16,
        (random >> 36) as u16 & 0x0fff,
        (random >> 24) as u16 & 0x0fff,
        random & 0xffff_ffff_ffff,
    )
}

/// `GET /v3/status/{id}`.
pub(super) async fn status(
    State(app): State<Arc<App>>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v3/status/{job_id}");
    if let Err(refusal) = app
        .admit_to(Api::InDesign, "GET", &path, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let Some(status) = app.store.poll_job::<InDesignJob>(&job_id) else {
        return app.error(404, "job_not_found", "No job with this id.");
    };
    let failed = |code: &str, message: &str| json!({"status": "failed", "errors": [{"error_code": code, "message": message}]});
    let state = match status {
        JobStatus::Pending => json!({"status": "not_started"}),
        JobStatus::Running(_) => json!({"status": "running"}),
        JobStatus::Succeeded(job) => job
            .outcome
            .get_or_init(|| work::run(&app, &job_id, &job))
            .await
            .clone(),
        JobStatus::Failed => failed(
            "internal_error",
            "The job failed (injected by the emulator).",
        ),
        JobStatus::TimedOut => failed("timeout", "The job did not finish in time."),
        JobStatus::CancelPending | JobStatus::Cancelled => {
            failed("cancelled", "The job was cancelled.")
        }
    };
    let mut body = json!({"jobId": job_id});
    if let (Some(body), Value::Object(state)) = (body.as_object_mut(), state) {
        body.extend(state);
    }
    json_response(200, body)
}
