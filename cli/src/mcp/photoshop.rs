//! The Photoshop tools: each takes Adobe's request for its operation (its
//! schema derived from the SDK's type, `outputs` optional), submits it
//! within the quota, waits with progress, and downloads the outputs Adobe
//! hosts into the output folder. Photoshop has no cancel: a cancelled call
//! stops waiting and says the job goes on.

use std::{future::Future, sync::Arc};

use adobe_firefly::{
    Error,
    photoshop::{Photoshop, PhotoshopJob, types},
};
use rmcp::model::{CallToolResult, JsonObject};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{
    api_jobs::{self, ToolJob},
    call::Call,
    results::{self, FinishedJob},
    schema,
};
use crate::save::Fetch;

/// How long Adobe keeps an output it hosts for a call, in seconds.
const HOSTED_FOR_SECONDS: u32 = 3600;

/// A Photoshop job.
#[derive(Deserialize, JsonSchema)]
pub struct PhotoshopJobId {
    /// The job id a Photoshop tool reported.
    job_id: String,
}

/// The schema of `T` with `outputs` optional, saying what happens without.
fn outputs_optional<T: JsonSchema>(media_type: &str) -> Arc<JsonObject> {
    let mut schema = schema::raw_input_schema::<T>().as_ref().clone();
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|name| name != "outputs");
    }
    if let Some(outputs) = schema
        .get_mut("properties")
        .and_then(|properties| properties.get_mut("outputs"))
    {
        outputs["description"] = json!(format!(
            "The files to write, 1 to 25. Optional here: when left out, one {media_type} file \
             is kept by Adobe for an hour and downloaded into the server's output folder."
        ));
    }
    Arc::new(schema)
}

pub fn edit_schema() -> Arc<JsonObject> {
    outputs_optional::<types::EditRequest>("image/jpeg")
}
pub fn actions_schema() -> Arc<JsonObject> {
    outputs_optional::<types::ExecuteActionsRequest>("image/png")
}
pub fn composite_schema() -> Arc<JsonObject> {
    outputs_optional::<types::CreateCompositeRequest>("image/png")
}
pub fn artboard_schema() -> Arc<JsonObject> {
    outputs_optional::<types::CreateArtboardRequest>("image/vnd.adobe.photoshop")
}
pub fn manifest_schema() -> Arc<JsonObject> {
    outputs_optional::<types::GenerateManifestRequest>("application/json")
}
pub fn auto_crop_schema() -> Arc<JsonObject> {
    schema::raw_input_schema::<types::AutoCropRequest>()
}

pub async fn edit(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    run(
        call,
        arguments,
        Some("image/jpeg"),
        "edited",
        |ps, request: types::EditRequest| async move { ps.edit(request).await },
    )
    .await
}

pub async fn actions(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    run(call, arguments, Some("image/png"), "actions", |ps, request: types::ExecuteActionsRequest| async move {
        ps.execute_actions(request).await
    })
    .await
}

pub async fn composite(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    run(call, arguments, Some("image/png"), "composite", |ps, request: types::CreateCompositeRequest| async move {
        ps.create_composite(request).await
    })
    .await
}

pub async fn artboard(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    let psd = Some("image/vnd.adobe.photoshop");
    run(call, arguments, psd, "artboard", |ps, request: types::CreateArtboardRequest| async move {
        ps.create_artboard(request).await
    })
    .await
}

pub async fn manifest(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    let json = Some("application/json");
    run(call, arguments, json, "manifest", |ps, request: types::GenerateManifestRequest| async move {
        ps.generate_manifest(request).await
    })
    .await
}

pub async fn auto_crop(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    run(
        call,
        arguments,
        None,
        "crop",
        |ps, request: types::AutoCropRequest| async move { ps.auto_crop(request).await },
    )
    .await
}

pub async fn job_status(call: &Call<'_>, arguments: Value) -> CallToolResult {
    let args: PhotoshopJobId = match schema::parse_arguments(arguments) {
        Ok(args) => args,
        Err(message) => return results::invalid(message),
    };
    if let Err(message) = crate::parse::job_id(&args.job_id) {
        return results::invalid(message);
    }
    let job = PhotoshopJob::new(args.job_id.as_str());
    match call.firefly.photoshop().job_status(&job).await {
        Ok(status) => results::success(
            format!(
                "Photoshop job {}: {}",
                args.job_id,
                status.status.as_deref().unwrap_or("unknown")
            ),
            serde_json::to_value(&status).unwrap_or_default(),
        ),
        Err(error) => results::failure(&error.into()),
    }
}

/// A file reference (`url`) that is no URL: a local path, which Photoshop
/// cannot read.
fn local_path(arguments: &Value) -> Option<String> {
    match arguments {
        Value::Object(object) => object.iter().find_map(|(key, value)| match value {
            Value::String(text) if key == "url" => {
                let lower = text.to_ascii_lowercase();
                (!lower.starts_with("https://") && !lower.starts_with("http://"))
                    .then(|| text.clone())
            }
            other => local_path(other),
        }),
        Value::Array(items) => items.iter().find_map(local_path),
        _ => None,
    }
}

/// Runs one Photoshop job for a call: checks, submits within the quota,
/// waits with progress, downloads what Adobe hosts.
async fn run<T, F, Fut>(
    call: &mut Call<'_>,
    mut arguments: Value,
    default_output: Option<&str>,
    stem: &str,
    submit: F,
) -> CallToolResult
where
    T: DeserializeOwned + Serialize + Clone + JsonSchema + adobe_firefly::EstimateCost,
    F: Fn(Photoshop, T) -> Fut,
    Fut: Future<Output = Result<PhotoshopJob, Error>>,
{
    if let Some(refused) = api_jobs::unusable_output_folder(call) {
        return refused;
    }
    if let Some(path) = local_path(&arguments) {
        return results::invalid(format!(
            "`{path}` is a local file, and Photoshop reads its files from cloud storage: it \
             must be staged first (uploaded to S3, Azure or Dropbox, and given as its \
             pre-signed https URL, or as a creativeCloudPath)"
        ));
    }
    if let (Some(media_type), Some(object)) = (default_output, arguments.as_object_mut()) {
        object.entry("outputs").or_insert_with(|| {
            json!([{"destination": {"validityPeriod": HOSTED_FOR_SECONDS}, "mediaType": media_type}])
        });
    }
    let request: T = match schema::parse_arguments(arguments.clone()) {
        Ok(request) => request,
        Err(message) => return results::invalid(message),
    };
    let photoshop = call.firefly.photoshop().clone();
    api_jobs::run(call, photoshop, &arguments, request, stem, submit).await
}

/// The URLs of what a finished job made that Adobe hosts: each output's
/// `url`, or each crop's.
fn hosted(outputs: &Value) -> Vec<Fetch> {
    let fetch = |url: &str, media_type: Option<&str>| Fetch {
        seed: None,
        url: Some(url.to_owned()),
        media_type: media_type.map(str::to_owned),
    };
    if let Some(entries) = outputs.as_array() {
        return entries
            .iter()
            .filter_map(|entry| Some(fetch(entry["url"].as_str()?, entry["mediaType"].as_str())))
            .collect();
    }
    outputs["crops"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|crop| crop["boundingBoxes"].as_array().into_iter().flatten())
        .filter_map(|found| Some(fetch(found["url"].as_str()?, None)))
        .collect()
}

impl ToolJob for Photoshop {
    fn word(status: &types::JobStatus) -> String {
        status.status.clone().unwrap_or_default()
    }

    fn read_again(job: &PhotoshopJob) -> Option<String> {
        Some(format!(
            "`{} {}` (or the photoshop_job_status tool)",
            crate::error::PHOTOSHOP_STATUS,
            job.job_id
        ))
    }

    async fn finished(
        call: &Call<'_>,
        job: &PhotoshopJob,
        done: types::JobStatus,
        stem: &str,
        request_hash: &str,
    ) -> CallToolResult {
        finished(call, job, &done, stem, request_hash).await
    }
}

/// The answer for a finished job: what was saved (with previews of
/// images), what could not be (with its URL), and Adobe's result.
async fn finished(
    call: &Call<'_>,
    job: &PhotoshopJob,
    done: &types::JobStatus,
    stem: &str,
    request_hash: &str,
) -> CallToolResult {
    let outputs = done
        .result
        .as_ref()
        .and_then(|result| result.outputs.clone())
        .unwrap_or(Value::Null);
    let fetches = hosted(&outputs);
    let finished = FinishedJob {
        api: "Photoshop",
        job_id: &job.job_id,
        status: json!(done.status),
        result: outputs,
        fetches: &fetches,
        stem,
        request_hash,
        urls_last: Some("within the hour"),
    };
    results::job_finished(call, finished).await
}
