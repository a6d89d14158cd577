//! Asynchronous generation: submitting a job to any of the `-async` image
//! endpoints, the composites or video generation (202 with status and
//! cancel URLs), to Image Model 5 (200 with links) or upscale (202 with
//! links), `GET /v3/status/{jobId}` and `PUT /v3/cancel/{jobId}`.

use std::sync::{Arc, atomic::Ordering};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
};
use serde_json::json;
use tokio::time::Instant;

use super::{
    generation::{METHOD, Operation, result_body},
    inputs::MAX_UPSCALED_SIDE,
};
use crate::{
    api::{Api, Verb},
    faults::Fired,
    responses::json_response,
    routes::Routes,
    state::{EmulatorState, Job, JobState, OutputKind, OutputSize, Phase},
};

/// How an endpoint answers a job it accepted.
#[derive(Clone, Copy)]
enum Answer {
    /// `{jobId, statusUrl, cancelUrl}` with this status.
    JobUrls(u16),
    /// `{links: {result: {href}, cancel: {href}}}` with this status.
    Links(u16),
}

/// Where the size of a job's outputs comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sizing {
    /// The request's `size` (or `sizes`), else Firefly's default.
    Requested,
    /// The input image's, times `upscaleFactor`; rendered at full size,
    /// since the size is all an upscale result tells.
    Upscaled,
    /// The background image's (the composites).
    Background,
    /// Image Model 5's shape and megapixels, or its reference's size.
    Image5,
}

/// A job endpoint: the operation, its answer, its outputs' size.
#[derive(Clone, Copy)]
pub(super) struct JobOperation {
    pub(super) operation: Operation,
    answer: Answer,
    sizing: Sizing,
}

/// An endpoint answering 202 with a job id and its URLs, as the v3 ones do.
const fn with_job_urls(path: &'static str, output: OutputKind) -> JobOperation {
    JobOperation {
        operation: Operation { path, output },
        answer: Answer::JobUrls(202),
        sizing: Sizing::Requested,
    }
}

/// A composite: 202 with a job id, outputs the size of the background.
const fn composite(path: &'static str) -> JobOperation {
    JobOperation {
        sizing: Sizing::Background,
        ..with_job_urls(path, OutputKind::Image)
    }
}

/// The endpoints that answer with a job.
pub(super) const OPERATIONS: &[JobOperation] = &[
    with_job_urls("/v3/images/generate-async", OutputKind::Image),
    with_job_urls("/v3/images/generate-similar-async", OutputKind::Image),
    with_job_urls("/v3/images/expand-async", OutputKind::Image),
    with_job_urls("/v3/images/fill-async", OutputKind::Image),
    with_job_urls(
        "/v3/images/generate-object-composite-async",
        OutputKind::Image,
    ),
    with_job_urls("/v3/videos/generate", OutputKind::Video),
    composite("/v3/images/precise-composite"),
    composite("/v3/images/adaptive-composite"),
    JobOperation {
        operation: Operation {
            path: "/v4/images/generate-async",
            output: OutputKind::Image,
        },
        answer: Answer::Links(200),
        sizing: Sizing::Image5,
    },
    JobOperation {
        operation: Operation {
            path: "/v3/images/upscale",
            output: OutputKind::Image,
        },
        answer: Answer::Links(202),
        sizing: Sizing::Upscaled,
    },
];

pub(super) fn routes() -> Routes {
    let mut routes = Routes::new();
    for &job_operation in OPERATIONS {
        routes = routes.route(
            METHOD,
            job_operation.operation.path,
            move |State(state), headers, body| submit(state, job_operation, headers, body),
        );
    }
    routes
        .route(Verb::Get, "/v3/status/{job_id}", status)
        .route(Verb::Put, "/v3/cancel/{job_id}", cancel)
}

async fn submit(
    state: Arc<EmulatorState>,
    job_operation: JobOperation,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let operation = job_operation.operation;
    let request = match state.generation_request(operation, &headers, &body).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let size = match job_operation.sizing {
        Sizing::Requested => Ok(state.requested_size(&request, operation.output)),
        Sizing::Upscaled => state.upscaled_size(&request).map(|size| OutputSize {
            size,
            render_side: MAX_UPSCALED_SIDE,
        }),
        Sizing::Background => state.composite_size(&request).map(|size| OutputSize {
            size,
            render_side: state.settings.max_image_side,
        }),
        Sizing::Image5 => state.image5_size(&request).map(|size| OutputSize {
            size,
            render_side: state.settings.max_image_side,
        }),
    };
    let size = match size {
        Ok(size) => size,
        Err(refusal) => return refusal,
    };
    let faults = &state.settings.faults;
    // Only an operation whose spec lists a 451 can be refused for content,
    // so only its submissions are counted.
    if state
        .validators
        .of(Api::Firefly)
        .documents_status(METHOD, operation.path, 451)
    {
        let n = state.content_checked.fetch_add(1, Ordering::Relaxed) + 1;
        if faults.refuses_content(n) {
            state.faults_fired.record(Fired::ContentPolicy);
            return state.error(
                451,
                "prompt_unsafe",
                "The prompt was refused by content policy (injected by the emulator).",
            );
        }
    }
    let n = state.jobs_submitted.fetch_add(1, Ordering::Relaxed) + 1;
    let job_id = format!("urn:ff:jobs:emulator:{n:08}");
    let outputs = state.outputs(&request, operation.output, size);
    let job_state = if faults.fails_job(n) {
        JobState::Failing
    } else if faults.times_out_job(n) {
        JobState::TimingOut
    } else {
        JobState::Active
    };
    state.lock().jobs.insert(
        job_id.clone(),
        Job {
            submitted_at: Instant::now(),
            polls: 0,
            state: job_state,
            outputs,
            size: size.size,
            content_class: request["contentClass"].as_str().map(str::to_owned),
            upscaled: job_operation.sizing == Sizing::Upscaled,
            alt_text: (request["modelSpecificPayload"]["prompt_reasoner"] == "quality").then(
                || {
                    format!(
                        "An image of {}.",
                        request["prompt"].as_str().unwrap_or("it")
                    )
                },
            ),
        },
    );
    let status_url = format!("{}/v3/status/{job_id}", state.url);
    let cancel_url = format!("{}/v3/cancel/{job_id}", state.url);
    match job_operation.answer {
        Answer::JobUrls(status) => json_response(
            status,
            json!({"jobId": job_id, "statusUrl": status_url, "cancelUrl": cancel_url}),
        ),
        Answer::Links(status) => json_response(
            status,
            json!({
                "links": {"result": {"href": status_url}, "cancel": {"href": cancel_url}},
                "progress": 0,
            }),
        ),
    }
}

async fn status(
    State(state): State<Arc<EmulatorState>>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = state
        .admit("GET", &format!("/v3/status/{job_id}"), &headers)
        .await
    {
        return refusal;
    }
    let mut data = state.lock();
    let Some(job) = data.jobs.get_mut(&job_id) else {
        drop(data);
        return state.error(404, "unknown_job_id", "The job id is unknown.");
    };
    job.polls = job.polls.saturating_add(1);
    let phase = job.phase(&state.settings);
    let body = match (job.state, phase) {
        // Adobe's 2026 spelling; the 2025 files said `canceled`.
        (JobState::Canceled, _) => json!({"jobId": job_id, "status": "cancelled"}),
        (JobState::CancelPending, _) => {
            job.state = JobState::Canceled;
            state.faults_fired.record(Fired::CancelPending);
            json!({
                "jobId": job_id,
                "status": "cancel_pending",
                "message": "The job is being cancelled.",
            })
        }
        (_, Phase::Pending) => json!({"jobId": job_id, "status": "pending"}),
        (_, Phase::Running(progress)) => {
            json!({"jobId": job_id, "status": "running", "progress": progress})
        }
        (JobState::Failing, Phase::Done) => {
            state.faults_fired.record(Fired::FailedJob);
            json!({
                "jobId": job_id,
                "status": "failed",
                "error_code": "runtime_error",
                "message": "The job failed (injected by the emulator).",
            })
        }
        (JobState::TimingOut, Phase::Done) => {
            state.faults_fired.record(Fired::TimedOutJob);
            json!({
                "jobId": job_id,
                "status": "timeout",
                "error_code": "timeout",
                "message": "The job did not finish in time (injected by the emulator).",
            })
        }
        (JobState::Active, Phase::Done) if job.upscaled => {
            let outputs: Vec<_> = (job.outputs.iter().enumerate())
                .map(|(i, output)| json!({"id": format!("output-{}", i + 1), "presignedUrl": output.url}))
                .collect();
            let result = json!({"outputs": outputs, "version": "precise_upsampler_v1"});
            json!({"jobId": job_id, "status": "succeeded", "result": result})
        }
        (JobState::Active, Phase::Done) => {
            let mut result = result_body(&job.outputs, job.size, job.content_class.as_deref());
            if let Some(alt_text) = &job.alt_text {
                result["altText"] = json!(alt_text);
            }
            json!({"jobId": job_id, "status": "succeeded", "progress": 100.0, "result": result})
        }
    };
    drop(data);
    json_response(200, body)
}

async fn cancel(
    State(state): State<Arc<EmulatorState>>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = state
        .admit("PUT", &format!("/v3/cancel/{job_id}"), &headers)
        .await
    {
        return refusal;
    }
    let mut data = state.lock();
    let conflict = match data.jobs.get_mut(&job_id) {
        None => Some((404, "unknown_job_id", "The job id is unknown.")),
        Some(job) if matches!(job.state, JobState::Canceled | JobState::CancelPending) => {
            Some((409, "job_already_canceled", "The job was already canceled."))
        }
        Some(job) if job.phase(&state.settings) == Phase::Done => {
            Some((409, "job_completed", "The job has completed."))
        }
        Some(job) => {
            job.state = if state.settings.faults.cancel_pending {
                JobState::CancelPending
            } else {
                JobState::Canceled
            };
            None
        }
    };
    drop(data);
    match conflict {
        Some((status, code, message)) => state.error(status, code, message),
        None => json_response(200, json!({})),
    }
}
