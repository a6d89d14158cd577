//! The tools that make nothing and spend no credits: upload, job status,
//! cancel, custom models.

use std::path::PathBuf;

use adobe_firefly::{CustomModelsQuery, Error, types::PublishedStateFilter};
use futures::TryStreamExt;
use rmcp::model::CallToolResult;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{call::Call, results, schema};
use crate::{commands::upload, error::CliError, output};

/// The image file to upload.
#[derive(Deserialize, JsonSchema)]
pub(super) struct UploadImage {
    /// The absolute path of a JPEG, PNG, WebP, JPEG XL or TIFF file, at most 15 MiB.
    path: PathBuf,
}

/// A Firefly job.
#[derive(Deserialize, JsonSchema)]
pub(super) struct JobId {
    /// The job id a generation tool reported, such as `urn:ff:jobs:...`.
    job_id: String,
}

/// Which custom models to list.
#[derive(Deserialize, JsonSchema)]
pub(super) struct ListCustomModels {
    /// Which models: all (default), ready, published, unpublished, queued,
    /// training, failed, cancelled.
    #[serde(default)]
    published_state: Option<PublishedStateFilter>,
}

/// The `doctor` tool takes nothing.
#[derive(Deserialize, JsonSchema)]
pub(super) struct Doctor {}

/// `firefly doctor`'s checks (configuration, clock, IMS, each API with a
/// request that spends nothing, the fleet's Redis), as a result: never an
/// error, since failed checks are what it reports.
pub(super) async fn doctor(call: &Call<'_>) -> CallToolResult {
    let (text, document) = crate::commands::doctor::report(call.fleet).await;
    results::success(text, document)
}

pub(super) async fn upload_image(call: &Call<'_>, arguments: Value) -> CallToolResult {
    let args: UploadImage = match schema::parse_arguments(arguments) {
        Ok(args) => args,
        Err(message) => return results::invalid(message),
    };
    match upload::upload_file(call.firefly, &args.path).await {
        Ok(uploaded) => {
            let reference = format!("upload:{}", uploaded.id);
            results::success(
                format!(
                    "uploaded {}; pass `{reference}` as an image",
                    args.path.display()
                ),
                json!({"upload_id": uploaded.id, "image": reference}),
            )
        }
        Err(error @ CliError::InputFile { .. }) => results::invalid(error.to_string()),
        Err(CliError::Sdk(error)) if error.is_validation() => results::invalid(error.to_string()),
        Err(error) => results::failure(&error),
    }
}

/// The job a job tool names: its arguments read and its id checked (the
/// CLI's rule, which is the SDK's), or the tool error saying why not.
fn requested_job(
    call: &Call<'_>,
    arguments: Value,
) -> Result<(JobId, adobe_firefly::types::JobAccepted), CallToolResult> {
    let args: JobId = schema::parse_arguments(arguments).map_err(results::invalid)?;
    crate::parse::job_id(&args.job_id).map_err(results::invalid)?;
    let job = call
        .firefly
        .job(&args.job_id)
        .map_err(|error| results::invalid(error.to_string()))?;
    Ok((args, job))
}

pub(super) async fn job_status(call: &Call<'_>, arguments: Value) -> CallToolResult {
    let (args, job) = match requested_job(call, arguments) {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let firefly = call.firefly;
    match firefly.job_status(&job).await {
        Ok(status) => results::success(
            format!("job {}: {}", args.job_id, output::describe(&status)),
            serde_json::to_value(&status).unwrap_or_default(),
        ),
        Err(error) => results::failure(&error.into()),
    }
}

pub(super) async fn cancel_job(call: &Call<'_>, arguments: Value) -> CallToolResult {
    let (args, job) = match requested_job(call, arguments) {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let firefly = call.firefly;
    match firefly.cancel_job(&job).await {
        Ok(()) => results::success(
            format!("cancellation of job {} requested", args.job_id),
            json!({"job_id": args.job_id, "canceled": true}),
        ),
        Err(error) => results::failure(&error.into()),
    }
}

pub(super) async fn list_custom_models(call: &Call<'_>, arguments: Value) -> CallToolResult {
    let args: ListCustomModels = match schema::parse_arguments(arguments) {
        Ok(args) => args,
        Err(message) => return results::invalid(message),
    };
    let mut query = CustomModelsQuery::new();
    if let Some(state) = args.published_state {
        query = query.published_state(state);
    }
    let listed: Result<Vec<_>, Error> = call.firefly.custom_models(query).try_collect().await;
    match listed {
        Ok(models) => results::success(
            format!("{} custom models", models.len()),
            json!({"models": models}),
        ),
        Err(error) => results::failure(&error.into()),
    }
}
