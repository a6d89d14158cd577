//! Photoshop's jobs over HTTP: a submission to any of the six operations
//! (202 `{jobId, statusUrl}`, the spec's `JobAccepted`), and
//! `GET /v2/status/{jobId}` (the spec's `JobStatus`: `jobId`, `status`,
//! `createdTime`, `modifiedTime`, and `result` once succeeded or
//! `errorDetails` once failed). A job is `pending`, then `running`, then,
//! on the poll that finds it done, its work is done (`work`) and it is
//! `succeeded` or `failed`.
//!
//! Refusals are Photoshop's `ApiError` (`{error_code, message}`, with
//! `errors` listing each problem when a request has several): 415
//! `invalid_content_type`, 400 `invalid_json`, 422 `validation_error`
//! naming each field, 404 `unknown_job_id`.

use std::{sync::Arc, time::SystemTime};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, header},
    response::Response,
};
use serde_json::{Value, json};

use super::{SCOPE, work};
use crate::{
    api::{Api, Verb},
    responses::json_response,
    routes::App,
    store::{JobProblem, JobStatus, PhotoshopJob, Polled, WorkOutcome},
};

/// Adobe's limit on a request body: "under 1 MB".
const MAX_BODY_BYTES: usize = 1_000_000;

/// A submission to `POST path`.
pub(super) async fn submit(
    app: Arc<App>,
    path: &'static str,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = app
        .admit_to(Api::Photoshop, "POST", path, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let request = match checked(&app, path, &headers, &body) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let job_id = app
        .store
        .submit_job(job_id, PhotoshopJob::new(path, request));
    let status_url = format!("{}/v2/status/{job_id}", app.url);
    json_response(202, json!({"jobId": job_id, "statusUrl": status_url}))
}

/// A job id shaped like Adobe's (a version-4 UUID), whose first group is
/// the job's number among the jobs of every API.
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

/// The request body, parsed and checked against the operation's schema;
/// `Err` is the refusal to answer.
fn checked(app: &App, path: &str, headers: &HeaderMap, body: &Bytes) -> Result<Value, Response> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json_type {
        return Err(app.error(415, "invalid_content_type", "Unsupported media type"));
    }
    if body.len() >= MAX_BODY_BYTES {
        return Err(app.error(
            400,
            "validation_error",
            &format!(
                "The request body is {} bytes; it must be under 1 MB.",
                body.len()
            ),
        ));
    }
    let request: Value = serde_json::from_slice(body).map_err(|_| {
        app.error(
            400,
            "invalid_json",
            "The request payload is not valid JSON.",
        )
    })?;
    let problems = app
        .validators
        .of(Api::Photoshop)
        .body(Verb::Post, path, &request);
    if problems.is_empty() {
        Ok(request)
    } else {
        Err(validation_error(&problems))
    }
}

/// A 422 in Photoshop's shape: the first problem in `message`, each in
/// `errors` when there are several, every one naming its field (a dotted
/// path in the body, such as `outputs.0.destination`).
fn validation_error(problems: &[Value]) -> Response {
    let described: Vec<Value> = problems
        .iter()
        .map(|problem| {
            let field: Vec<String> = problem["loc"]
                .as_array()
                .into_iter()
                .flatten()
                .skip(1)
                .map(|part| {
                    part.as_str()
                        .map_or_else(|| part.to_string(), str::to_owned)
                })
                .collect();
            let field = if field.is_empty() {
                "body".to_owned()
            } else {
                field.join(".")
            };
            let msg = problem["msg"].as_str().unwrap_or("is not valid");
            json!({
                "error_code": problem["type"].as_str().unwrap_or("value_error"),
                "message": format!("{field}: {msg}"),
            })
        })
        .collect();
    let mut body = json!({
        "error_code": "validation_error",
        "message": described.first().map_or(json!("Validation failed"), |d| d["message"].clone()),
    });
    if described.len() > 1 {
        body["errors"] = json!(described);
    }
    json_response(422, body)
}

/// `GET /v2/status/{jobId}`.
pub(super) async fn status(
    State(app): State<Arc<App>>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v2/status/{job_id}");
    if let Err(refusal) = app
        .admit_to(Api::Photoshop, "GET", &path, &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let Some(Polled {
        status,
        created,
        modified,
    }) = app.store.poll_job_timed::<PhotoshopJob>(&job_id)
    else {
        return app.error(404, "unknown_job_id", "Job not found");
    };
    let mut body = json!({
        "jobId": job_id,
        "createdTime": rfc3339(created),
        "modifiedTime": rfc3339(modified),
    });
    let failed = |problems: Vec<JobProblem>| {
        let details: Vec<Value> = problems
            .into_iter()
            .map(|p| json!({"errorCode": p.code, "message": p.message}))
            .collect();
        json!({"status": "failed", "errorDetails": details})
    };
    let state = match status {
        JobStatus::Pending => json!({"status": "pending"}),
        JobStatus::Running(_) => json!({"status": "running"}),
        JobStatus::Succeeded(job) => {
            match job.outcome.get_or_init(|| work::run(&app, &job)).await {
                WorkOutcome::Succeeded(result) => json!({"status": "succeeded", "result": result}),
                WorkOutcome::Failed(problems) => failed(problems.clone()),
            }
        }
        JobStatus::Failed => failed(vec![JobProblem::new(
            "500",
            "There was a problem while attempting to perform the operation \
             (injected by the emulator).",
        )]),
        JobStatus::TimedOut => failed(vec![JobProblem::new(
            "504",
            "The job did not finish in time (injected by the emulator).",
        )]),
        // Photoshop's jobs cannot be cancelled, so these are never seen;
        // were they, the job did not succeed.
        JobStatus::CancelPending | JobStatus::Cancelled => {
            failed(vec![JobProblem::new("409", "The job was cancelled.")])
        }
    };
    if let (Some(body), Value::Object(state)) = (body.as_object_mut(), state) {
        body.extend(state);
    }
    json_response(200, body)
}

/// A time as RFC 3339 in UTC with milliseconds, as Adobe writes
/// `createdTime`: `2025-01-15T10:30:00.000Z`.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let since = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = since.as_secs();
    let (days, of_day) = (seconds / 86_400, seconds % 86_400);
    // Howard Hinnant's days-to-civil algorithm, for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
        since.subsec_millis(),
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn times_are_written_as_rfc_3339() {
        let at = |seconds: u64, millis: u64| {
            rfc3339(
                SystemTime::UNIX_EPOCH
                    + Duration::from_secs(seconds)
                    + Duration::from_millis(millis),
            )
        };
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(1_736_937_000, 250), "2025-01-15T10:30:00.250Z");
        assert_eq!(at(951_782_400, 0), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn job_ids_look_like_adobes_and_carry_their_number() {
        let id = job_id(0x2a);
        assert_eq!(id.len(), 36, "{id}");
        assert!(id.starts_with("0000002a-"), "{id}");
        assert_eq!(&id[14..15], "4");
    }
}
