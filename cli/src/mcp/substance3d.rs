//! The Substance 3D tool: `substance_render` takes Adobe's render-basic
//! request (its schema derived from the SDK's type), with every file given
//! by URL or by a space's id, never inline, submits it within the quota,
//! waits with progress and downloads the render into the output folder.
//! Substance 3D has no cancel: a cancelled call stops waiting and says the
//! job goes on.

use std::sync::Arc;

use adobe_firefly::substance3d::{Substance3d, Substance3dJob, Substance3dJobStatus, types};
use rmcp::model::{CallToolResult, JsonObject};
use serde_json::{Value, json};

use super::{
    api_jobs::{self, ToolJob},
    call::Call,
    results::{self, FinishedJob},
    schema,
};
use crate::save::Fetch;

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
    if let Some(refused) = api_jobs::unusable_output_folder(call) {
        return refused;
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
    let substance = call.firefly.substance3d().clone();
    api_jobs::run(
        call,
        substance,
        &arguments,
        request,
        "render",
        |substance, request| async move { substance.render_model(request).await },
    )
    .await
}

impl ToolJob for Substance3d {
    fn word(status: &Substance3dJobStatus) -> String {
        status.status.clone()
    }

    fn read_again(job: &Substance3dJob) -> Option<String> {
        Some(format!("its URL, {},", job.url))
    }

    async fn finished(
        call: &Call<'_>,
        job: &Substance3dJob,
        done: Substance3dJobStatus,
        _stem: &str,
        request_hash: &str,
    ) -> CallToolResult {
        finished(call, job, &done, request_hash).await
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
    let result = match &done.result {
        Some(adobe_firefly::substance3d::Substance3dResult::Render(render)) => json!(render),
        _ => Value::Null,
    };
    let finished = FinishedJob {
        api: "Substance 3D",
        job_id: &job.id,
        status: json!(done.status),
        result,
        fetches: &fetches,
        stem: "render",
        request_hash,
        urls_last: None,
    };
    results::job_finished(call, finished).await
}
