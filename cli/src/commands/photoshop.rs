//! `firefly photoshop ...`: Photoshop API v2 jobs. Each command builds its
//! request as Adobe's JSON, reads it as the SDK's typed request (so every
//! limit of Adobe's schema is checked before anything is sent), submits it
//! through the run's one client, waits for the job and then downloads its
//! outputs. Outputs are Adobe-hosted for an hour unless `--to` names a
//! pre-signed URL to write them to; downloads never replace a file. Local
//! inputs are staged with `--stage` (see `stage.rs`): uploaded only once
//! the request passed every check, just before it is submitted.

use std::{future::Future, process::ExitCode};

use adobe_firefly::{
    Error,
    photoshop::{Photoshop, PhotoshopJob, PhotoshopRequest, types},
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{JobOutputs, save_job_outputs, usable_folder};
use crate::{
    args::{
        ActionsArgs, ArtboardArgs, AutoCropArgs, EditArgs, ManifestArgs, PhotoshopCommand,
        PhotoshopCompositeArgs, PhotoshopOutput,
    },
    context::Context,
    error::CliError,
    parse::StoredFile,
    save::{Fetch, Saved},
    spend::{Admitted, Spend},
    stage::{self, Staged, Staging},
    terminal::terminal_safe,
};

/// How long Adobe keeps an output it hosts, in seconds: long enough to
/// download it, as Adobe's own default.
const HOSTED_FOR_SECONDS: u32 = 3600;

/// The six operations.
#[derive(Clone, Copy)]
enum Operation {
    Edit,
    Actions,
    Composite,
    Artboard,
    Manifest,
    AutoCrop,
}

impl Operation {
    /// The command, as the audit log names it.
    fn command(self) -> &'static str {
        match self {
            Self::Edit => "photoshop edit",
            Self::Actions => "photoshop actions",
            Self::Composite => "photoshop composite",
            Self::Artboard => "photoshop artboard",
            Self::Manifest => "photoshop manifest",
            Self::AutoCrop => "photoshop auto-crop",
        }
    }
}

/// Runs one `firefly photoshop` command.
pub async fn run(mut command: PhotoshopCommand, ctx: &Context) -> Result<ExitCode, CliError> {
    // Local inputs become the URLs they will be uploaded to; every file
    // read and every storage setting checked before anything is sent.
    let (inputs, stage_url) = command.inputs_mut();
    let staging = stage::prepare(inputs, stage_url.as_deref()).await?;
    let (operation, body, output, stem) = match command {
        PhotoshopCommand::Status { job_id } => return status(&job_id, ctx).await,
        PhotoshopCommand::AutoCrop(args) => return auto_crop(args, staging, ctx).await,
        PhotoshopCommand::Edit(args) => edit(args),
        PhotoshopCommand::Actions(args) => actions(args),
        PhotoshopCommand::Composite(args) => composite(args),
        PhotoshopCommand::Artboard(args) => artboard(args),
        PhotoshopCommand::Manifest(args) => manifest(args),
    };
    // A job is paid for: a folder that cannot take its outputs is found
    // before it is submitted.
    if output.to.is_none() {
        usable_folder(&output.output)?;
    }
    let photoshop = ctx.firefly()?.photoshop();
    let (job, staged, admitted) =
        submit(photoshop, operation, body.clone(), staging, &ctx.spend).await?;
    let done = wait(photoshop, &job, ctx).await;
    ctx.spend.ended(&admitted, &job.job_id, &done);
    let done = done?;
    let outputs = done
        .result
        .as_ref()
        .and_then(|result| result.outputs.clone())
        .unwrap_or(Value::Null);
    let entries: Vec<Value> = outputs.as_array().cloned().unwrap_or_default();
    let fetches: Vec<Fetch> = entries
        .iter()
        .filter_map(|entry| {
            let url = entry["url"].as_str()?;
            Some(Fetch {
                seed: None,
                url: Some(url.to_owned()),
                media_type: entry["mediaType"].as_str().map(str::to_owned),
            })
        })
        .collect();
    let written: Vec<String> = entries
        .iter()
        .filter_map(|entry| entry["destination"]["url"].as_str())
        .map(without_query)
        .collect();
    let saved = save_job_outputs(
        ctx,
        job_outputs(&job, &fetches),
        &output.output,
        stem,
        &body,
    )
    .await?;
    let mut lines: Vec<String> = staged.iter().map(Staged::line).collect();
    lines.extend(saved.iter().map(Saved::line));
    lines.extend(
        written
            .iter()
            .map(|url| format!("written to {}", terminal_safe(url))),
    );
    ctx.out.done(
        lines.join("\n"),
        json!({
            "job_id": job.job_id,
            "status": done.status,
            "staged": staged.iter().map(Staged::json).collect::<Vec<_>>(),
            "outputs": saved.iter().map(Saved::json).collect::<Vec<_>>(),
            "written": written,
            "result": outputs,
        }),
    );
    Ok(ExitCode::SUCCESS)
}

/// Where Photoshop reads a file.
fn source(file: &StoredFile) -> Value {
    match file {
        StoredFile::Url(url) => json!({"url": url}),
        StoredFile::CreativeCloud(path) => json!({"creativeCloudPath": path}),
        // Staged (and replaced by its URL) or refused before this: kept
        // as a path Photoshop's schema refuses, never sent.
        StoredFile::Local(path) => json!({"localFile": path}),
    }
}

/// The one output of a command: written to `--to`, or hosted by Adobe.
fn destination(output: &PhotoshopOutput, media_type: &str) -> Value {
    let destination = match (&output.to, output.storage) {
        (Some(url), Some(storage)) => json!({"url": url, "storageType": storage.api_name()}),
        (Some(url), None) => json!({"url": url}),
        (None, _) => json!({"validityPeriod": HOSTED_FOR_SECONDS}),
    };
    json!({"destination": destination, "mediaType": media_type})
}

type Prepared = (Operation, Value, PhotoshopOutput, &'static str);

fn edit(args: EditArgs) -> Prepared {
    let mut body = json!({
        "image": {"source": source(&args.input)},
        "outputs": [destination(&args.output, args.format.media_type())],
    });
    if let Some(edits) = args.edits {
        body["edits"] = edits;
    }
    (Operation::Edit, body, args.output, "edited")
}

fn actions(args: ActionsArgs) -> Prepared {
    let actions: Vec<Value> = args
        .actions
        .iter()
        .map(|set| {
            let mut action = json!({"source": source(set)});
            if let Some(name) = &args.action_name {
                action["actionName"] = json!(name);
            }
            action
        })
        .collect();
    let body = json!({
        "image": {"source": source(&args.input)},
        "options": {"actions": actions},
        "outputs": [destination(&args.output, args.format.media_type())],
    });
    (Operation::Actions, body, args.output, "actions")
}

fn composite(args: PhotoshopCompositeArgs) -> Prepared {
    let mut body = json!({
        "image": {"source": source(&args.input)},
        "outputs": [destination(&args.output, args.format.media_type())],
    });
    if let Some(edits) = args.edits {
        body["edits"] = edits;
    }
    (Operation::Composite, body, args.output, "composite")
}

fn artboard(args: ArtboardArgs) -> Prepared {
    let images: Vec<Value> = args
        .inputs
        .iter()
        .map(|image| json!({"source": source(image)}))
        .collect();
    let mut body = json!({
        "images": images,
        "outputs": [destination(&args.output, args.format.media_type())],
    });
    if let Some(spacing) = args.spacing {
        body["artboardSpacing"] = json!(spacing);
    }
    (Operation::Artboard, body, args.output, "artboard")
}

fn manifest(args: ManifestArgs) -> Prepared {
    let mut body = json!({
        "image": {"source": source(&args.input)},
        "outputs": [destination(&args.output, "application/json")],
    });
    if args.xmp {
        body["includeXmp"] = json!(true);
    }
    (Operation::Manifest, body, args.output, "manifest")
}

/// The body as the SDK's request type: what Adobe's schema does not
/// accept is a usage error, before anything is sent.
fn typed<T: DeserializeOwned>(body: Value) -> Result<T, CliError> {
    serde_json::from_value(body)
        .map_err(|error| CliError::Usage(format!("Photoshop would refuse the request: {error}")))
}

/// Submits the operation: the request checked as the SDK checks it before
/// sending (Adobe's limits, Photoshop's storage hosts) and admitted by the
/// run's spending rules, then the staged inputs uploaded (not in a dry
/// run), then the request sent.
async fn submit(
    photoshop: &Photoshop,
    operation: Operation,
    body: Value,
    staging: Option<Staging>,
    spend: &Spend,
) -> Result<(PhotoshopJob, Vec<Staged>, Admitted), CliError> {
    let (ps, staged) = (photoshop, staging);
    let spend = (spend, operation.command());
    match operation {
        Operation::Edit => {
            send(ps, body, (staged, spend), |r: types::EditRequest| {
                ps.edit(r)
            })
            .await
        }
        Operation::Actions => {
            send(
                ps,
                body,
                (staged, spend),
                |r: types::ExecuteActionsRequest| ps.execute_actions(r),
            )
            .await
        }
        Operation::Composite => {
            send(
                ps,
                body,
                (staged, spend),
                |r: types::CreateCompositeRequest| ps.create_composite(r),
            )
            .await
        }
        Operation::Artboard => {
            send(
                ps,
                body,
                (staged, spend),
                |r: types::CreateArtboardRequest| ps.create_artboard(r),
            )
            .await
        }
        Operation::Manifest => {
            let call = |r: types::GenerateManifestRequest| ps.generate_manifest(r);
            send(ps, body, (staged, spend), call).await
        }
        Operation::AutoCrop => {
            send(ps, body, (staged, spend), |r: types::AutoCropRequest| {
                ps.auto_crop(r)
            })
            .await
        }
    }
}

/// One operation's [`submit`], its request typed as `T`.
async fn send<T, F, Sent>(
    photoshop: &Photoshop,
    body: Value,
    (staging, (spend, command)): (Option<Staging>, (&Spend, &'static str)),
    operation: F,
) -> Result<(PhotoshopJob, Vec<Staged>, Admitted), CliError>
where
    T: PhotoshopRequest + DeserializeOwned + Serialize + adobe_firefly::EstimateCost,
    F: FnOnce(T) -> Sent,
    Sent: Future<Output = Result<PhotoshopJob, Error>>,
{
    let request: T = typed(body)?;
    photoshop.check(&request)?;
    let admitted = spend.admit(adobe_firefly::Api::Photoshop, command, &request)?;
    let staged = match staging {
        // A dry run uploads nothing: the pre-signed URLs in the request
        // were signed locally, and the request itself is only shown.
        Some(staging) if !spend.dry_run => staging.upload().await?,
        _ => Vec::new(),
    };
    let job = operation(request).await?;
    spend.submitted(&admitted, &job.job_id);
    Ok((job, staged, admitted))
}

/// Waits for the job with a spinner. Ctrl-C stops the waiting, not the
/// job (Photoshop has no cancel), and names the job.
async fn wait(
    photoshop: &Photoshop,
    job: &PhotoshopJob,
    ctx: &Context,
) -> Result<types::JobStatus, CliError> {
    let spinner = ctx.out.spinner(&job.job_id);
    spinner.set_message("waiting for Photoshop");
    let finished = tokio::select! {
        finished = photoshop.wait_for_job(job, &ctx.wait) => finished.map_err(CliError::from),
        _ = tokio::signal::ctrl_c() => Err(CliError::PhotoshopInterrupted {
            job_id: job.job_id.clone(),
        }),
    };
    spinner.finish_and_clear();
    finished
}

/// A Photoshop job's hosted outputs, read again with `firefly photoshop status`.
fn job_outputs<'a>(job: &'a PhotoshopJob, fetches: &'a [Fetch]) -> JobOutputs<'a> {
    JobOutputs {
        job_id: &job.job_id,
        status_command: crate::error::PHOTOSHOP_STATUS,
        fetches,
    }
}

/// A storage URL without its query, where pre-signed URLs keep their
/// signature.
fn without_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or_default().to_owned()
}

/// `firefly photoshop auto-crop`: the crops' boxes, and (unless
/// `--boxes-only`) the cropped images, downloaded.
async fn auto_crop(
    args: AutoCropArgs,
    staging: Option<Staging>,
    ctx: &Context,
) -> Result<ExitCode, CliError> {
    let StoredFile::Url(url) = &args.input else {
        return Err(CliError::Usage(
            "auto-crop reads its image from a URL only, not from Creative Cloud: give a \
             pre-signed https URL (or a local file with --stage)"
                .into(),
        ));
    };
    let mut body = json!({"image": {"source": {"url": url}}, "mode": args.mode.api_name()});
    if !args.aspect_ratios.is_empty() {
        body["aspectRatio"] = json!(args.aspect_ratios);
    }
    if !args.focus.is_empty() {
        body["focus"] = json!(args.focus);
    }
    if args.boxes_only {
        body["outputType"] = json!("boundingBoxes");
    } else {
        usable_folder(&args.output)?;
    }
    let photoshop = ctx.firefly()?.photoshop();
    let (job, staged, admitted) = submit(
        photoshop,
        Operation::AutoCrop,
        body.clone(),
        staging,
        &ctx.spend,
    )
    .await?;
    let done = wait(photoshop, &job, ctx).await;
    ctx.spend.ended(&admitted, &job.job_id, &done);
    let done = done?;
    let outputs = done
        .result
        .as_ref()
        .and_then(|result| result.outputs.clone())
        .unwrap_or(Value::Null);
    let boxes: Vec<&Value> = outputs["crops"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|crop| crop["boundingBoxes"].as_array().into_iter().flatten())
        .collect();
    let fetches: Vec<Fetch> = boxes
        .iter()
        .filter_map(|found| found["url"].as_str())
        .map(|url| Fetch {
            seed: None,
            url: Some(url.to_owned()),
            media_type: None,
        })
        .collect();
    let saved = save_job_outputs(
        ctx,
        job_outputs(&job, &fetches),
        &args.output,
        "crop",
        &body,
    )
    .await?;
    let mut lines: Vec<String> = boxes
        .iter()
        .enumerate()
        .map(|(n, found)| {
            format!(
                "crop {}: {}x{} at ({}, {})",
                n + 1,
                found["width"],
                found["height"],
                found["x"],
                found["y"]
            )
        })
        .collect();
    lines.extend(staged.iter().map(Staged::line));
    lines.extend(saved.iter().map(Saved::line));
    for object in outputs["objects"].as_array().into_iter().flatten() {
        lines.push(format!(
            "found {}",
            terminal_safe(object["objectName"].as_str().unwrap_or("an object"))
        ));
    }
    ctx.out.done(
        lines.join("\n"),
        json!({
            "job_id": job.job_id,
            "status": done.status,
            "staged": staged.iter().map(Staged::json).collect::<Vec<_>>(),
            "outputs": saved.iter().map(Saved::json).collect::<Vec<_>>(),
            "result": outputs,
        }),
    );
    Ok(ExitCode::SUCCESS)
}

/// `firefly photoshop status`: a Photoshop job's state, its outputs' URLs
/// once it succeeded, Adobe's reasons once it failed.
async fn status(job_id: &str, ctx: &Context) -> Result<ExitCode, CliError> {
    let photoshop = ctx.firefly()?.photoshop();
    let status = photoshop
        .job_status(&PhotoshopJob::new(job_id))
        .await
        .map_err(|error| CliError::AboutJob {
            job_id: job_id.to_owned(),
            error: Box::new(error.into()),
        })?;
    let word = status.status.clone().unwrap_or_else(|| "unknown".into());
    let mut text = terminal_safe(&word);
    for detail in &status.error_details {
        text.push_str(&format!(
            "\n{}: {}",
            terminal_safe(detail.error_code.as_deref().unwrap_or("error")),
            terminal_safe(detail.message.as_deref().unwrap_or_default())
        ));
    }
    let outputs = status
        .result
        .as_ref()
        .and_then(|result| result.outputs.clone())
        .unwrap_or(Value::Null);
    // The outputs' download URLs, and where the job wrote the others.
    let urls: Vec<&str> = outputs
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            entry["url"]
                .as_str()
                .or_else(|| entry["destination"]["url"].as_str())
        })
        .collect();
    for url in &urls {
        text.push_str(&format!("\n{}", terminal_safe(url)));
    }
    let errors: Vec<Value> = status
        .error_details
        .iter()
        .map(|detail| json!({"error_code": detail.error_code, "message": detail.message}))
        .collect();
    ctx.out.done(
        text,
        json!({
            "job_id": status.job_id.as_deref().unwrap_or(job_id),
            "status": word,
            "outputs": urls,
            "errors": errors,
            "result": outputs,
        }),
    );
    Ok(ExitCode::SUCCESS)
}
