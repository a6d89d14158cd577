//! Substance 3D's jobs over HTTP: a submission (202 with the job and
//! `Retry-After`), and the job's `url`, which answers the job's state
//! (`not_started`, `running`, `succeeded` with `result`, `failed` with
//! `error`), with `Retry-After` until it is done. `?wait=true` on either
//! holds the answer until the job is done, within a limit.

use std::{sync::Arc, time::Duration};

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue},
    response::Response,
};
use serde_json::{Value, json};

use super::{SCOPE, work};
use crate::{
    api::{Api, Verb},
    responses::json_response,
    routes::App,
    store::{JobStatus, Substance3dJob},
};

/// How long a `?wait=true` answer is held at most before the job is
/// answered as it stands: a real service holds for minutes, the emulator
/// for less, since its jobs finish in a few polls.
const MAX_HOLD: Duration = Duration::from_secs(30);

/// The pause between the polls a held answer makes.
const HOLD_POLL: Duration = Duration::from_millis(50);

/// The seconds the emulator asks clients to wait between polls.
const RETRY_AFTER_SECS: &str = "1";

/// The query every job route reads.
#[derive(serde::Deserialize, Default)]
pub(super) struct WaitQuery {
    wait: Option<bool>,
}

/// A submission to `POST path`.
pub(super) async fn submit(
    app: Arc<App>,
    path: &'static str,
    Query(query): Query<WaitQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = app
        .admit_to(Api::Substance3d, "POST", path, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let validator = app.validators.of(Api::Substance3d);
    let request = match app.json_body(&headers, &body, |request| {
        validator.body(Verb::Post, path, request)
    }) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let job_id = app
        .store
        .submit_job(job_id, Substance3dJob::new(path, request));
    if query.wait == Some(true) {
        return held(&app, &job_id, 202).await;
    }
    let mut answer = json!({
        "id": job_id,
        "status": "not_started",
        "url": job_url(&app, &job_id),
        "bugReportUrl": bug_report_url(&job_id),
    });
    if let Some(answer) = answer.as_object_mut() {
        answer.insert("$schema".into(), json!(schema_url(&app, path)));
    }
    with_retry_after(json_response(202, answer))
}

/// `GET /v1/jobs/{job_id}`: the job as it stands (or, with `?wait=true`,
/// once done).
pub(super) async fn status(
    State(app): State<Arc<App>>,
    Path(job_id): Path<String>,
    Query(query): Query<WaitQuery>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v1/jobs/{job_id}");
    if let Err(refusal) = app
        .admit_to(Api::Substance3d, "GET", &path, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    if query.wait == Some(true) {
        return held(&app, &job_id, 200).await;
    }
    match poll(&app, &job_id).await {
        Some((body, done)) => answer(200, body, done),
        None => app.error(404, "not_found", "No job has this id"),
    }
}

/// The job polled until done or [`MAX_HOLD`], answered with `status`.
async fn held(app: &App, job_id: &str, status: u16) -> Response {
    let deadline = tokio::time::Instant::now() + MAX_HOLD;
    loop {
        let Some((body, done)) = poll(app, job_id).await else {
            return app.error(404, "not_found", "No job has this id");
        };
        if done || tokio::time::Instant::now() >= deadline {
            return answer(status, body, done);
        }
        tokio::time::sleep(HOLD_POLL).await;
    }
}

/// The answer to a read of the job: `Retry-After` while it runs.
fn answer(status: u16, body: Value, done: bool) -> Response {
    let response = json_response(status, body);
    if done {
        response
    } else {
        with_retry_after(response)
    }
}

fn with_retry_after(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert("retry-after", HeaderValue::from_static(RETRY_AFTER_SECS));
    response
}

/// One poll of the job: its body and whether it is done; `None` when no
/// job has this id.
async fn poll(app: &App, job_id: &str) -> Option<(Value, bool)> {
    let status = app.store.poll_job::<Substance3dJob>(job_id)?;
    let mut body = json!({
        "id": job_id,
        "url": job_url(app, job_id),
        "bugReportUrl": bug_report_url(job_id),
    });
    let (state, done) = match status {
        JobStatus::Pending => (json!({"status": "not_started"}), false),
        JobStatus::Running(_) | JobStatus::CancelPending => (json!({"status": "running"}), false),
        JobStatus::Succeeded(job) => {
            let outcome = job.outcome.get_or_init(|| work::run(app, &job)).await;
            match outcome {
                Ok(result) => (json!({"status": "succeeded", "result": result}), true),
                Err(error) => (json!({"status": "failed", "error": error}), true),
            }
        }
        JobStatus::Failed => (
            json!({"status": "failed", "error": "The job failed (injected by the emulator)."}),
            true,
        ),
        JobStatus::TimedOut | JobStatus::Cancelled => (
            json!({"status": "failed", "error": "The job did not finish in time (injected by the emulator)."}),
            true,
        ),
    };
    if let (Some(body), Value::Object(state)) = (body.as_object_mut(), state) {
        body.extend(state);
    }
    Some((body, done))
}

fn job_url(app: &App, job_id: &str) -> String {
    format!("{}{}/v1/jobs/{job_id}", app.url, Api::Substance3d.prefix())
}

fn bug_report_url(job_id: &str) -> String {
    format!("https://s3d.adobe.io/v1/bug-report?jobId={job_id}")
}

/// The `$schema` Adobe's answers name (Huma's schema link).
fn schema_url(app: &App, path: &str) -> String {
    let name = match path {
        "/v1/composites/compose" => "ComposeJob",
        "/v1/scenes/assemble" => "AssembleJob",
        "/v1/scenes/convert" => "ConvertJob",
        "/v1/scenes/describe" => "DescribeJob",
        "/v1/scenes/render" => "RenderJob",
        _ => "RenderBasicJob",
    };
    format!(
        "{}{}/schemas/{name}.json",
        app.url,
        Api::Substance3d.prefix()
    )
}

/// A job id shaped like a UUID, whose first group is the job's number
/// among the jobs of every API.
fn job_id(number: u64) -> String {
    let random = fastrand::u64(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        number as u32,
        (random >> 48) as u16,
        (random >> 36) as u16 & 0x0fff,
        (random >> 24) as u16 & 0x0fff,
        random & 0xffff_ffff_ffff,
    )
}
