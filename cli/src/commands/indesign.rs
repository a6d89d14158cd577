//! `firefly indesign ...`: InDesign jobs and custom scripts. Each job
//! command builds its request as Adobe's JSON, reads it as the SDK's typed
//! request (every limit of Adobe's schema checked before anything is
//! sent), has it admitted by the run's spending rules, submits it, waits
//! with a spinner and reports: the files InDesign wrote to `--to`, what
//! failed when the job only partly succeeded, and what the job reported
//! (document information) saved into the output folder, never over a file.

use std::{path::Path, process::ExitCode};

use adobe_firefly::{
    Api,
    indesign::{InDesign, InDesignJob, JobOutcome, types},
};
use serde_json::{Value, json};

use super::usable_folder;
use crate::{
    args::{InDesignCommand, ScriptCommand},
    context::Context,
    error::CliError,
    terminal::terminal_safe,
};

/// Runs one `firefly indesign` command.
pub async fn run(command: InDesignCommand, ctx: &Context) -> Result<ExitCode, CliError> {
    let (what, body, folder) = match command {
        InDesignCommand::Script(script) => return scripts(script, ctx).await,
        InDesignCommand::Rendition(args) => {
            let mut params = json!({"targetDocuments": [file_name(&args.document)],
                "outputMediaType": args.format.media_type(), "outputFolderPath": "out"});
            if let Some(pages) = args.pages {
                params["pageRange"] = json!(pages);
            }
            if let Some(resolution) = args.resolution {
                params["resolution"] = json!(resolution);
            }
            let body = json!({"assets": [asset(&args.document)], "params": params,
                "outputs": [output(&args.to.to)]});
            (Job::Rendition, body, args.output.output)
        }
        InDesignCommand::Merge(args) => {
            let body = json!({"assets": [asset(&args.template), asset(&args.data)],
                "params": {"targetDocument": file_name(&args.template),
                           "dataSource": file_name(&args.data),
                           "outputMediaType": args.format.media_type(), "outputFolderPath": "out"},
                "outputs": [output(&args.to.to)]});
            (Job::Merge, body, args.output.output)
        }
        InDesignCommand::Info(args) => {
            let body = json!({"assets": [asset(&args.document)],
                "params": {"targetDocument": file_name(&args.document),
                           "pageInfo": {"enabled": true}, "fontInfo": {"enabled": args.fonts},
                           "linkInfo": {"enabled": args.links}}});
            (Job::Info, body, args.output.output)
        }
        InDesignCommand::ConvertPdf(args) => {
            let media = if args.idml {
                "application/vnd.adobe.indesign-idml-package"
            } else {
                "application/x-indesign"
            };
            let body = json!({"assets": [asset(&args.pdf)],
                "params": {"targetDocuments": [file_name(&args.pdf)], "outputMediaType": media},
                "outputs": [output(&args.to.to)]});
            (Job::ConvertPdf, body, args.output.output)
        }
    };
    job(what, body, &folder, ctx).await
}

/// The job operations.
#[derive(Clone, Copy)]
enum Job {
    Rendition,
    Merge,
    Info,
    ConvertPdf,
    Script,
}

impl Job {
    /// The command, as the audit log names it.
    fn command(self) -> &'static str {
        match self {
            Self::Rendition => "indesign rendition",
            Self::Merge => "indesign merge",
            Self::Info => "indesign info",
            Self::ConvertPdf => "indesign convert-pdf",
            Self::Script => "indesign script run",
        }
    }
}

/// The file name a URL's path ends with: the input's name in the job's
/// working folder.
fn file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or_default();
    if name.is_empty() {
        "input".to_owned()
    } else {
        name.to_owned()
    }
}

fn asset(url: &str) -> Value {
    json!({"source": {"url": url}, "destination": file_name(url)})
}

fn output(url: &str) -> Value {
    json!({"source": "out", "destination": {"url": url}})
}

/// A URL without its query, where pre-signed URLs keep their signature.
fn without_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or_default().to_owned()
}

/// The body as the SDK's request type: what Adobe's schema does not
/// accept is a usage error, before anything is sent.
fn typed<T: serde::de::DeserializeOwned>(body: Value) -> Result<T, CliError> {
    serde_json::from_value(body)
        .map_err(|error| CliError::Usage(format!("InDesign would refuse the request: {error}")))
}

/// Checks, admits and sends a request of type `$request` with `$call`.
macro_rules! submit {
    ($ctx:expr, $indesign:expr, $what:expr, $body:expr, $request:ty, |$r:ident| $call:expr) => {{
        let $r: $request = typed($body)?;
        $indesign.check(&$r)?;
        let admitted = $ctx.spend.admit(Api::InDesign, $what.command(), &$r)?;
        let job = $call.await?;
        (job, admitted)
    }};
}

/// Submits a job, waits for it and reports how it ended.
async fn job(what: Job, body: Value, folder: &Path, ctx: &Context) -> Result<ExitCode, CliError> {
    // A job is paid for: a folder that cannot take its report is found
    // before it is submitted.
    usable_folder(folder)?;
    let indesign = ctx.firefly()?.indesign();
    let (job, admitted) = match what {
        Job::Rendition => submit!(ctx, indesign, what, body, types::RenditionRequest, |r| {
            indesign.create_rendition(r)
        }),
        Job::Merge => submit!(ctx, indesign, what, body, types::MergeDataRequest, |r| {
            indesign.merge_data(r)
        }),
        Job::Info => submit!(ctx, indesign, what, body, types::DocumentInfoRequest, |r| {
            indesign.document_info(r)
        }),
        Job::ConvertPdf => submit!(ctx, indesign, what, body, types::ConvertPdfRequest, |r| {
            indesign.convert_pdf_to_indesign(r)
        }),
        Job::Script => {
            let id = body["script_id"].as_str().unwrap_or_default().to_owned();
            let name = body["script_name"].as_str().unwrap_or_default().to_owned();
            let body = body["request"].clone();
            submit!(
                ctx,
                indesign,
                what,
                body,
                types::JobRequestWithOutputs,
                |r| { indesign.run_script(&id, &name, r) }
            )
        }
    };
    ctx.spend.submitted(&admitted, &job.job_id);
    let done = wait(indesign, &job, ctx).await;
    ctx.spend.ended(&admitted, &job.job_id, &done);
    let outcome = done?;
    report(&job, &outcome, folder, ctx).await
}

/// Waits for the job with a spinner.
async fn wait(
    indesign: &InDesign,
    job: &InDesignJob,
    ctx: &Context,
) -> Result<JobOutcome, CliError> {
    let spinner = ctx.out.spinner(&job.job_id);
    spinner.set_message("waiting for InDesign");
    let finished = indesign.wait_for_job(job, &ctx.wait).await;
    spinner.finish_and_clear();
    Ok(finished?)
}

/// Prints how the job ended; saves what it reported.
async fn report(
    job: &InDesignJob,
    outcome: &JobOutcome,
    folder: &Path,
    ctx: &Context,
) -> Result<ExitCode, CliError> {
    let result = outcome.result();
    let status = if outcome.is_complete() {
        "succeeded"
    } else {
        "partial_success"
    };
    let mut lines = vec![format!("job {} {status}", job.job_id)];
    let written: Vec<String> = result
        .outputs
        .values()
        .filter_map(Value::as_str)
        .map(without_query)
        .collect();
    lines.extend(
        written
            .iter()
            .map(|url| format!("written to {}", terminal_safe(url))),
    );
    let errors: Vec<Value> = outcome
        .errors()
        .iter()
        .map(|e| json!({"error_code": e.error_code, "message": e.message, "source": e.source}))
        .collect();
    for error in outcome.errors() {
        lines.push(format!(
            "failed: {} {}",
            terminal_safe(error.error_code.as_deref().unwrap_or("?")),
            terminal_safe(error.message.as_deref().unwrap_or(""))
        ));
    }
    let data = ctx.firefly()?.indesign_result_data(&result.data).await?;
    let saved = if data.is_empty() {
        None
    } else {
        let path = save_new(folder, &job.job_id, &data).await?;
        lines.push(format!("saved {}", path.display()));
        Some(path.display().to_string())
    };
    ctx.out.done(
        lines.join("\n"),
        json!({"job_id": job.job_id, "status": status, "written": written,
               "errors": errors, "data": saved}),
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to a new file `indesign-JOB.json` in `folder` (or
/// `-2`, `-3`... when taken): never over an existing file.
async fn save_new(
    folder: &Path,
    job_id: &str,
    bytes: &[u8],
) -> Result<std::path::PathBuf, CliError> {
    use tokio::io::AsyncWriteExt;
    let stem: String = job_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect();
    for attempt in 1..1000 {
        let name = match attempt {
            1 => format!("indesign-{stem}.json"),
            n => format!("indesign-{stem}-{n}.json"),
        };
        let path = folder.join(name);
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
        {
            Ok(mut file) => {
                let written = async {
                    file.write_all(bytes).await?;
                    file.flush().await
                };
                written.await.map_err(|source| CliError::OutputFolder {
                    path: path.clone(),
                    source,
                })?;
                return Ok(path);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(CliError::OutputFolder { path, source }),
        }
    }
    Err(CliError::Usage(format!(
        "{}: every name for the report is taken",
        folder.display()
    )))
}

/// `firefly indesign script ...`.
async fn scripts(command: ScriptCommand, ctx: &Context) -> Result<ExitCode, CliError> {
    let indesign = ctx.firefly()?.indesign();
    let (text, document) = match command {
        ScriptCommand::Run(args) => {
            let request = json!({"assets": [asset(&args.document)],
                "outputs": [output(&args.to.to)]});
            let body = json!({"script_id": args.id, "script_name": args.name, "request": request});
            return job(Job::Script, body, &args.output.output, ctx).await;
        }
        ScriptCommand::Submit { file } => {
            let upload = indesign.submit_script_file(&file).await?;
            let id = upload.script_id().unwrap_or_default().to_owned();
            let name = upload.script_name().unwrap_or_default().to_owned();
            (
                format!(
                    "uploaded script {} (id {})",
                    terminal_safe(&name),
                    terminal_safe(&id)
                ),
                json!({"script_id": id, "script_name": name, "url": upload.submitted.url}),
            )
        }
        ScriptCommand::List { page } => {
            let page = indesign.list_scripts(page).await?;
            let names: Vec<String> = page
                .capabilities
                .iter()
                .map(|s| terminal_safe(s.script_name.as_deref().unwrap_or("?")))
                .collect();
            (
                names.join("\n"),
                serde_json::to_value(&page).unwrap_or_default(),
            )
        }
        ScriptCommand::Show { name } => {
            let details = indesign.script_details(&name).await?;
            let value = serde_json::to_value(&details).unwrap_or_default();
            (
                terminal_safe(&serde_json::to_string_pretty(&value).unwrap_or_default()),
                value,
            )
        }
        ScriptCommand::Delete { name } => {
            indesign.delete_script(&name).await?;
            (
                format!("deleted script {}", terminal_safe(&name)),
                json!({"deleted": name}),
            )
        }
    };
    ctx.out.done(text, document);
    Ok(ExitCode::SUCCESS)
}
