//! Asynchronous generation: submitting a job to any of the `-async` image
//! endpoints, the composites or video generation (202 with status and
//! cancel URLs), to Image Model 5 (200 with links) or upscale (202 with
//! links), `GET /v3/status/{jobId}` and `PUT /v3/cancel/{jobId}`.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
};
use serde_json::{Value, json};

use super::{
    SCOPE,
    generation::{METHOD, Operation, checked_request, outputs, requested_size, result_body},
    inputs::{MAX_UPSCALED_SIDE, composite_size, image5_size, upscaled_size},
};
use crate::{
    api::{Api, Verb},
    responses::{json_response, validation_error},
    routes::{App, Routes},
    store::{CancelOutcome, FireflyJob, JobStatus, OutputKind, OutputSize, ResultShape},
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
            move |State(app), headers, body| submit(app, job_operation, headers, body),
        );
    }
    routes
        .route(Verb::Get, "/v3/status/{job_id}", status)
        .route(Verb::Put, "/v3/cancel/{job_id}", cancel)
}

/// Adobe's rule no schema can say: an Image Model 5 edit (a reference
/// image given) keeps the reference's shape, so `aspectRatio` is absent or
/// `auto`; anything else is a 422 naming the field.
fn image5_edit_refusal(sizing: Sizing, request: &Value) -> Option<Response> {
    let editing = request["referenceBlobs"]
        .as_array()
        .is_some_and(|references| !references.is_empty());
    let ratio = request["aspectRatio"].as_str();
    let fixed = ratio.is_some_and(|ratio| ratio != "auto");
    (sizing == Sizing::Image5 && editing && fixed).then(|| {
        validation_error(vec![json!({
            "loc": ["body", "aspectRatio"],
            "msg": format!(
                "an edit keeps the reference image's shape: aspectRatio must be absent or auto, not {}",
                ratio.unwrap_or_default()
            ),
            "type": "value_error",
        })])
    })
}

async fn submit(
    app: Arc<App>,
    job_operation: JobOperation,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let operation = job_operation.operation;
    let request = match checked_request(&app, operation, &headers, &body).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    if let Some(refusal) = image5_edit_refusal(job_operation.sizing, &request) {
        return refusal;
    }
    let max_image_side = app.store.settings.max_image_side;
    let size = match job_operation.sizing {
        Sizing::Requested => Ok(requested_size(&app, &request, operation.output)),
        Sizing::Upscaled => upscaled_size(&app, &request).map(|size| OutputSize {
            size,
            render_side: MAX_UPSCALED_SIDE,
        }),
        Sizing::Background => composite_size(&app, &request).map(|size| OutputSize {
            size,
            render_side: max_image_side,
        }),
        Sizing::Image5 => image5_size(&app, &request).map(|size| OutputSize {
            size,
            render_side: max_image_side,
        }),
    };
    let size = match size {
        Ok(size) => size,
        Err(refusal) => return refusal,
    };
    // Only an operation whose spec lists a 451 can be refused for content,
    // so only its submissions are counted.
    let can_be_refused =
        app.validators
            .of(Api::Firefly)
            .documents_status(METHOD, operation.path, 451);
    if can_be_refused && app.store.refuses_content() {
        // What Adobe would blame: the prompt when there is one, else the
        // input images (the composites have no prompt).
        let (code, what) = if request["prompt"].is_string() {
            ("prompt_unsafe", "The prompt")
        } else {
            ("input_media_unsafe", "An input image")
        };
        return app.error(
            451,
            code,
            &format!("{what} was refused by content policy (injected by the emulator)."),
        );
    }
    let job = FireflyJob {
        outputs: outputs(&app, &request, operation.output, size),
        size: size.size,
        content_class: request["contentClass"].as_str().map(str::to_owned),
        alt_text: (request["modelSpecificPayload"]["prompt_reasoner"] == "quality").then(|| {
            format!(
                "An image of {}.",
                request["prompt"].as_str().unwrap_or("it")
            )
        }),
        shape: if job_operation.sizing == Sizing::Upscaled {
            ResultShape::Upscaled
        } else {
            ResultShape::Generated
        },
    };
    let job_id = app
        .store
        .submit_job(|n| format!("urn:ff:jobs:emulator:{n:08}"), job);
    let status_url = format!("{}/v3/status/{job_id}", app.url);
    let cancel_url = format!("{}/v3/cancel/{job_id}", app.url);
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
    State(app): State<Arc<App>>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v3/status/{job_id}");
    if let Err(refusal) = app.admit("GET", &path, &headers, SCOPE).await {
        return refusal;
    }
    let Some(status) = app.store.poll_job::<FireflyJob>(&job_id) else {
        return app.error(404, "unknown_job_id", "The job id is unknown.");
    };
    let body = match status {
        // Adobe's 2026 spelling; the 2025 files said `canceled`.
        JobStatus::Cancelled => json!({"jobId": job_id, "status": "cancelled"}),
        JobStatus::CancelPending => json!({
            "jobId": job_id,
            "status": "cancel_pending",
            "message": "The job is being cancelled.",
        }),
        JobStatus::Pending => json!({"jobId": job_id, "status": "pending"}),
        JobStatus::Running(progress) => {
            json!({"jobId": job_id, "status": "running", "progress": progress})
        }
        JobStatus::Failed => json!({
            "jobId": job_id,
            "status": "failed",
            "error_code": "runtime_error",
            "message": "The job failed (injected by the emulator).",
        }),
        JobStatus::TimedOut => json!({
            "jobId": job_id,
            "status": "timeout",
            "error_code": "timeout",
            "message": "The job did not finish in time (injected by the emulator).",
        }),
        JobStatus::Succeeded(job) if job.shape == ResultShape::Upscaled => {
            let outputs: Vec<_> = (job.outputs.iter().enumerate())
                .map(|(i, output)| json!({"id": format!("output-{}", i + 1), "presignedUrl": output.url}))
                .collect();
            let result = json!({"outputs": outputs, "version": "precise_upsampler_v1"});
            json!({"jobId": job_id, "status": "succeeded", "result": result})
        }
        JobStatus::Succeeded(job) => {
            let mut result = result_body(&job.outputs, job.size, job.content_class.as_deref());
            if let Some(alt_text) = &job.alt_text {
                result["altText"] = json!(alt_text);
            }
            json!({"jobId": job_id, "status": "succeeded", "progress": 100.0, "result": result})
        }
    };
    json_response(200, body)
}

async fn cancel(
    State(app): State<Arc<App>>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v3/cancel/{job_id}");
    if let Err(refusal) = app.admit("PUT", &path, &headers, SCOPE).await {
        return refusal;
    }
    match app.store.cancel_job::<FireflyJob>(&job_id) {
        CancelOutcome::Cancelled => json_response(200, json!({})),
        CancelOutcome::Unknown => app.error(404, "unknown_job_id", "The job id is unknown."),
        CancelOutcome::AlreadyCancelled => {
            app.error(409, "job_already_canceled", "The job was already canceled.")
        }
        CancelOutcome::Completed => app.error(409, "job_completed", "The job has completed."),
    }
}
