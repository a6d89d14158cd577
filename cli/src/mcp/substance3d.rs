//! The Substance 3D tool: `substance_render` takes Adobe's render-basic
//! request (its schema derived from the SDK's type), with every file given
//! by URL or by a space's id, never inline, submits it within the quota,
//! waits with progress and downloads the render into the output folder.
//! Substance 3D has no cancel: a cancelled call stops waiting and says the
//! job goes on.

use std::sync::Arc;

use adobe_firefly::{
    Error,
    substance3d::{Substance3dJob, Substance3dJobStatus, types},
};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{call::Call, preview, progress, results, schema, session::Ending};
use crate::{
    naming,
    save::{self, Fetch, Naming, Saved, Unsaved},
    spend::Spend,
};

/// Why a cancelled call leaves its job running.
const NO_CANCEL: &str = "Substance 3D has no way to cancel a job: it goes on";

pub fn render_schema() -> Arc<JsonObject> {
    schema::raw_input_schema::<types::RenderBasicRequest>()
}

/// A source's `url` that is no URL: a local path or inline data, which the
/// service cannot read and this tool does not send.
fn not_a_url(arguments: &Value) -> Option<String> {
    arguments["sources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|source| source.pointer("/url/url").and_then(Value::as_str))
        .find(|url| {
            let lower = url.to_ascii_lowercase();
            !lower.starts_with("https://") && !lower.starts_with("http://")
        })
        .map(str::to_owned)
}

/// `substance_render`: one model rendered and the image saved.
pub async fn render(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    if let Err(source) = save::check_folder(call.output_dir) {
        return results::invalid(format!(
            "cannot save into {}: {source}; the server's --output-dir must be a folder it can \
             write to",
            call.output_dir.display()
        ));
    }
    if let Some(url) = not_a_url(&arguments) {
        return results::invalid(format!(
            "`{url}` is not an https URL: Substance 3D reads its files from URLs or spaces \
             (give {{\"url\": {{\"url\": \"https://...\"}}}} or {{\"space\": {{\"id\": \"...\"}}}}); \
             files are never sent inline"
        ));
    }
    let request: types::RenderBasicRequest = match schema::parse_arguments(arguments.clone()) {
        Ok(request) => request,
        Err(message) => return results::invalid(message),
    };
    let admitted = match call
        .spend
        .admit(adobe_firefly::Api::Substance3d, call.tool, &request)
    {
        Ok(admitted) => admitted,
        Err(refused) => return results::invalid(refused.to_string()),
    };
    if let Err(declined) = super::confirm::ask(call, &admitted).await {
        return declined;
    }
    let request_hash = naming::request_key(&arguments, None);
    let substance = call.firefly.substance3d().clone();
    let submitted = progress::submit_within_quota(&mut call.progress, &call.cancelled, || {
        let (substance, request) = (substance.clone(), request.clone());
        async move { substance.render_model(request).await }
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
        .submitted(&job.id, call.tool, &request_hash, None);
    call.spend.submitted(&admitted, &job.id);
    let (answer, ending) = match wait(call, &job).await {
        Some(Ok(done)) => {
            let answer = finished(call, &job, &done, &request_hash).await;
            let ending = if answer.is_error == Some(true) {
                Ending::Unsaved
            } else {
                Ending::Settled
            };
            (answer, ending)
        }
        Some(Err(error)) => (results::failure(&error.into()), Ending::Settled),
        None => (
            CallToolResult::error(vec![ContentBlock::text(format!(
                "the call was cancelled; {NO_CANCEL}: Substance 3D job {} may still finish \
                 (its URL: {})",
                job.id, job.url
            ))]),
            Ending::Cancelled(Err(NO_CANCEL.to_owned())),
        ),
    };
    let outcome = ending.audit_word(answer.is_error == Some(true));
    call.spend.ended_as(&admitted, &job.id, outcome);
    call.session.ended(&job.id, ending);
    answer
}

/// Waits for the job, each state read a progress notification; `None`
/// when the call was cancelled first.
async fn wait(
    call: &mut Call<'_>,
    job: &Substance3dJob,
) -> Option<Result<Substance3dJobStatus, Error>> {
    let substance = call.firefly.substance3d();
    call.progress
        .report(0.0, format!("Substance 3D job {} submitted", job.id))
        .await;
    let (states, mut read) = mpsc::unbounded_channel();
    let waiting = substance.wait_for_job_with(job, call.wait, move |status| {
        let _ = states.send(status.status.clone());
    });
    tokio::pin!(waiting);
    loop {
        tokio::select! {
            biased;
            () = call.cancelled.cancelled() => return None,
            Some(word) = read.recv() => {
                let percent = if word == "running" { 50.0 } else { 0.0 };
                call.progress
                    .report(percent, format!("Substance 3D job {}: {word}", job.id))
                    .await;
            }
            result = &mut waiting => return Some(result),
        }
    }
}

/// The answer for a finished job: the saved render (with a preview), what
/// could not be saved (with its URL), and Adobe's result.
async fn finished(
    call: &Call<'_>,
    job: &Substance3dJob,
    done: &Substance3dJobStatus,
    request_hash: &str,
) -> CallToolResult {
    let urls = done
        .result
        .as_ref()
        .map(|result| result.output_urls())
        .unwrap_or_default();
    let fetches: Vec<Fetch> = urls
        .iter()
        .map(|url| Fetch {
            seed: None,
            url: Some((*url).to_owned()),
            media_type: None,
        })
        .collect();
    let naming = Naming {
        stem: "render",
        request_hash,
        replace: false,
    };
    let report = save::save_fetched(
        call.firefly,
        &fetches,
        call.output_dir,
        &naming,
        &Default::default(),
        |_, _, _| {},
    )
    .await;
    let result = match &done.result {
        Some(adobe_firefly::substance3d::Substance3dResult::Render(render)) => json!(render),
        _ => Value::Null,
    };
    let document = json!({
        "job_id": job.id,
        "status": done.status,
        "saved": report.saved.iter().map(Saved::json).collect::<Vec<_>>(),
        "unsaved": report.unsaved.iter().map(Unsaved::json).collect::<Vec<_>>(),
        "result": result,
    });
    let mut summary = vec![format!("Substance 3D job {} succeeded", job.id)];
    summary.extend(
        report
            .saved
            .iter()
            .map(|saved| format!("saved {}", saved.line())),
    );
    for unsaved in &report.unsaved {
        summary.push(format!(
            "NOT saved: {} ({}); fetch it from {}",
            unsaved.which(),
            unsaved.reason,
            unsaved.url.as_deref().unwrap_or("(no URL given)")
        ));
    }
    let mut content = vec![ContentBlock::text(format!(
        "{}\n{document}",
        summary.join("\n")
    ))];
    for saved in &report.saved {
        if saved
            .path
            .extension()
            .is_some_and(|e| e == "png" || e == "jpg")
            && let Ok(preview) = preview::preview(&saved.path).await
        {
            content.push(ContentBlock::image(preview.base64, preview.mime_type));
        }
    }
    let mut answer = if report.unsaved.is_empty() {
        CallToolResult::success(content)
    } else {
        CallToolResult::error(content)
    };
    answer.structured_content = Some(document);
    answer
}
