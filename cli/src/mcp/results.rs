//! What a tool call answers: the saved files, their URLs and seeds, image
//! previews; and failures as tool errors an agent can act on, with what
//! Adobe said (error code, request id) kept.

use std::path::Path;

use adobe_firefly::{Firefly, types::JobResult};
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use super::{call::Call, preview};
use crate::{
    error::CliError,
    save::{self, Fetch, Naming, Saved, Unsaved},
};

/// A successful call: a short text, the same as JSON, and the JSON as
/// structured content.
pub fn success(summary: impl Into<String>, document: Value) -> CallToolResult {
    let mut result = CallToolResult::success(vec![ContentBlock::text(format!(
        "{}\n{document}",
        summary.into()
    ))]);
    result.structured_content = Some(document);
    result
}

/// A call that submitted nothing (bad arguments, a missing file, missing
/// credentials), so no credits were spent: what to change.
pub fn invalid(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(format!(
        "Nothing was submitted, no credits were spent: {}",
        message.into()
    ))])
}

/// A dry run's answer (`firefly mcp --dry-run`): the request the call would
/// have sent and its estimate; nothing was sent.
pub fn dry_run(prepared: &adobe_firefly::PreparedRequest, estimate: &str) -> CallToolResult {
    success(
        format!("Dry run, nothing was sent: {prepared}\n\nestimate: {estimate}"),
        serde_json::json!({"dry_run": prepared.to_json(), "estimate": estimate}),
    )
}

/// A failed call, with Adobe's status, error code, request id and job id
/// when there are some (the SDK's messages hold no credentials).
pub fn failure(error: &CliError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(format!(
        "{error}\n{}",
        error.json()
    ))])
}

/// A job whose call was cancelled: the job id, and whether Firefly agreed
/// to stop it.
pub fn cancelled(job_id: &str, cancel: Result<(), String>) -> CallToolResult {
    let text = match &cancel {
        Ok(()) => format!("cancelled: job {job_id} was cancelled"),
        Err(reason) => format!(
            "the call was cancelled, but job {job_id} could not be cancelled ({reason}); \
             check it with job_status or cancel_job"
        ),
    };
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// What a tool saves: images get previews, videos only paths and URLs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Made {
    Images,
    Video,
}

/// A finished job: every output saved in `dir` under a name from `naming`
/// (never replacing a file), its pre-signed URL and seed, and a preview of
/// each saved image. Outputs that could not be saved are listed with their
/// URLs, which stay valid for about an hour, so paid work is not lost.
pub async fn finished(
    firefly: &Firefly,
    job_id: &str,
    result: &JobResult,
    dir: &Path,
    naming: &Naming<'_>,
    made: Made,
) -> CallToolResult {
    let report = save::save_outputs(
        firefly,
        result,
        dir,
        naming,
        &Default::default(),
        |_, _, _| {},
    )
    .await;
    let outputs: Vec<Value> = result
        .outputs
        .iter()
        .map(|output| {
            let url = output.url();
            json!({"seed": output.seed, "url": url})
        })
        .collect();
    let document = json!({
        "job_id": job_id,
        "outputs": outputs,
        "saved": report.saved.iter().map(Saved::json).collect::<Vec<_>>(),
        "unsaved": report.unsaved.iter().map(Unsaved::json).collect::<Vec<_>>(),
        "urls_valid_for": "about an hour",
        "alt_text": result.alt_text.as_deref().filter(|text| !text.trim().is_empty()),
    });
    let summary = report_lines(&report, Some("within about an hour"));
    let mut content = vec![ContentBlock::text(format!(
        "job {job_id} succeeded\n{}\n{document}",
        summary.join("\n")
    ))];
    if made == Made::Images {
        for saved in &report.saved {
            match preview::preview(&saved.path).await {
                Ok(preview) => content.push(ContentBlock::image(preview.base64, preview.mime_type)),
                Err(reason) => content.push(ContentBlock::text(format!("no preview: {reason}"))),
            }
        }
    }
    answer(content, document, report.unsaved.is_empty())
}

/// A finished job of an API other than Firefly, as [`job_finished`] answers
/// it.
pub struct FinishedJob<'a> {
    /// The API's name, for the summary ("Photoshop").
    pub api: &'a str,
    /// The job, as its API names it.
    pub job_id: &'a str,
    /// The job's last status, as the API wrote it.
    pub status: Value,
    /// Adobe's result, returned as it is.
    pub result: Value,
    /// The outputs to download.
    pub fetches: &'a [Fetch],
    /// The readable start of the saved files' names.
    pub stem: &'a str,
    /// A hash of the request, for names that are taken.
    pub request_hash: &'a str,
    /// How long an output's URL lasts, for the user told to fetch it
    /// ("within the hour"), when the API says.
    pub urls_last: Option<&'a str>,
}

/// A finished job of an API other than Firefly: its outputs saved in the
/// call's output folder (never over a file), a preview of each saved PNG or
/// JPEG, and each output that could not be saved with its URL; the call is
/// an error when one was not saved, so the agent tells the user where the
/// paid work is.
pub async fn job_finished(call: &Call<'_>, job: FinishedJob<'_>) -> CallToolResult {
    // Never over a file: a name that is taken gets the request's hash.
    let naming = Naming {
        stem: job.stem,
        request_hash: job.request_hash,
        replace: false,
    };
    let report = save::save_fetched(
        call.firefly,
        job.fetches,
        call.output_dir,
        &naming,
        &Default::default(),
        |_, _, _| {},
    )
    .await;
    let document = json!({
        "job_id": job.job_id,
        "status": job.status,
        "saved": report.saved.iter().map(Saved::json).collect::<Vec<_>>(),
        "unsaved": report.unsaved.iter().map(Unsaved::json).collect::<Vec<_>>(),
        "result": job.result,
    });
    let mut summary = vec![format!("{} job {} succeeded", job.api, job.job_id)];
    summary.extend(report_lines(&report, job.urls_last));
    let mut content = vec![ContentBlock::text(format!(
        "{}\n{document}",
        summary.join("\n")
    ))];
    for saved in &report.saved {
        let is_image = ["png", "jpg"]
            .iter()
            .any(|extension| saved.path.extension().is_some_and(|e| e == *extension));
        if is_image && let Ok(preview) = preview::preview(&saved.path).await {
            content.push(ContentBlock::image(preview.base64, preview.mime_type));
        }
    }
    answer(content, document, report.unsaved.is_empty())
}

/// A line for each output saved, and one for each that was not, with the
/// URL to fetch it from (and how long it lasts, `urls_last`, when known).
fn report_lines(report: &save::SaveReport, urls_last: Option<&str>) -> Vec<String> {
    let within = urls_last.map(|ttl| format!(" {ttl}")).unwrap_or_default();
    let saved = report
        .saved
        .iter()
        .map(|saved| format!("saved {}", saved.line()));
    let unsaved = report.unsaved.iter().map(|unsaved| {
        format!(
            "NOT saved: {} ({}); fetch it{within} from {}",
            unsaved.which(),
            unsaved.reason,
            unsaved.url.as_deref().unwrap_or("(no URL given)")
        )
    });
    saved.chain(unsaved).collect()
}

/// The answer with `document` as its structured content: an error when an
/// output was not saved, so the agent tells the user where the paid work is.
fn answer(content: Vec<ContentBlock>, document: Value, all_saved: bool) -> CallToolResult {
    let mut answer = if all_saved {
        CallToolResult::success(content)
    } else {
        CallToolResult::error(content)
    };
    answer.structured_content = Some(document);
    answer
}
