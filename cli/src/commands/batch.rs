//! `firefly batch`: many prompts, bounded concurrency, the client-side rate
//! limit, one overall progress bar plus a line per running job, and a
//! summary at the end. Resumable through the journal (`crate::journal`): a
//! rerun skips what was saved, adopts jobs that were in flight, and submits
//! only what never was.

use std::{path::Path, process::ExitCode, sync::Mutex, time::Duration};

use adobe_firefly::{
    Firefly, WaitOptions,
    types::{GenerateImagesRequest, ImageModelVersion},
};
use futures::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use crate::{
    args::BatchArgs,
    error::CliError,
    journal::{Journal, State, request_key},
    output::{self, Output, Saved},
};

struct Item {
    line: usize,
    request: GenerateImagesRequest,
    stem: String,
    /// The request's identity in the journal.
    key: String,
}

enum Outcome {
    Skipped,
    Succeeded(Vec<Saved>),
    Failed(CliError),
}

pub async fn run(args: BatchArgs, out: &Output, wait: &WaitOptions) -> Result<ExitCode, CliError> {
    let items = read_items(&args).map_err(|problem| CliError::BatchFile {
        path: args.file.clone(),
        problem,
    })?;
    let firefly = super::client_with(&args.fleet, args.rate.clone())?;
    let journal = Journal::open(&args.output).map_err(|source| CliError::OutputFile {
        path: args.output.join(crate::journal::FILE_NAME),
        source,
    })?;

    let bars = MultiProgress::with_draw_target(out.draw_target());
    let overall = bars.add(ProgressBar::new(items.len() as u64));
    overall.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} prompts [{elapsed}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    overall.enable_steady_tick(Duration::from_millis(200));
    let failures = Mutex::new(0usize);
    let outcomes: Vec<(usize, Outcome)> = futures::stream::iter(items.iter().enumerate())
        .map(|(index, item)| {
            let (firefly, bars, overall, failures, journal) =
                (&firefly, &bars, &overall, &failures, &journal);
            let (model, dir) = (args.model, &args.output);
            async move {
                let outcome = if saved_already(item, journal) {
                    Outcome::Skipped
                } else {
                    let line = bars.insert_before(overall, ProgressBar::new_spinner());
                    let prompt: String = item.request.prompt.chars().take(32).collect();
                    line.set_prefix(format!("{:>4} {prompt:<32}", item.line));
                    line.set_style(
                        ProgressStyle::with_template("{spinner} {prefix} {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    line.enable_steady_tick(Duration::from_millis(120));
                    let outcome = match one(firefly, item, model, dir, wait, &line, journal).await {
                        Ok(saved) => Outcome::Succeeded(saved),
                        Err(error) => {
                            *failures.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                            Outcome::Failed(error)
                        }
                    };
                    line.finish_and_clear();
                    bars.remove(&line);
                    outcome
                };
                overall.inc(1);
                let failed = *failures.lock().unwrap_or_else(|e| e.into_inner());
                if failed > 0 {
                    overall.set_message(format!("{failed} failed"));
                }
                (index, outcome)
            }
        })
        .buffer_unordered(args.concurrency.max(1))
        .collect()
        .await;
    overall.finish_and_clear();

    let mut outcomes = outcomes;
    outcomes.sort_by_key(|(index, _)| *index);
    report(&items, &outcomes, out);
    let failed = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Failed(_)))
        .count();
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn one(
    firefly: &Firefly,
    item: &Item,
    model: Option<ImageModelVersion>,
    dir: &Path,
    wait: &WaitOptions,
    line: &ProgressBar,
    journal: &Journal,
) -> Result<Vec<Saved>, CliError> {
    let mut kept = Default::default();
    let job = match journal.state(&item.key) {
        // Submitted by an earlier run that did not finish: adopt the job
        // instead of paying for it again, and keep what it saved.
        Some(State::Submitted { job_id, files }) => {
            line.set_message("resuming");
            kept = files.clone();
            firefly.job(job_id.as_str())
        }
        state => {
            if state == Some(&State::Submitting) {
                warn(&format!(
                    "line {}: an earlier run was stopped while submitting this prompt; \
                     Firefly may have made (and charged for) that job, but its id never \
                     arrived, so it is submitted again",
                    item.line
                ));
            }
            if let Err(error) = journal.submitting(&item.key, item.line, &item.request.prompt) {
                warn(&format!("cannot write the journal ({error})"));
            }
            line.set_message("submitting");
            let job = match model {
                Some(model) => {
                    firefly
                        .generate_images_with_model(item.request.clone(), model)
                        .await?
                }
                None => firefly.generate_images(item.request.clone()).await?,
            };
            if let Err(error) =
                journal.submitted(&item.key, item.line, &item.request.prompt, &job.job_id)
            {
                warn(&format!(
                    "cannot record job {} in the journal ({error}); a rerun would submit it again",
                    job.job_id
                ));
            }
            job
        }
    };
    let result = firefly
        .wait_for_job_with(&job, wait, |status| {
            line.set_message(output::describe(status))
        })
        .await;
    let result = match result {
        Ok(result) => result,
        Err(error) => {
            // A job that ended without results is submitted again next
            // time; any other failure leaves it to be adopted.
            if matches!(error, adobe_firefly::Error::JobFailed { .. })
                && let Err(journal_error) = journal.failed(&item.key, item.line, &job.job_id)
            {
                warn(&format!(
                    "cannot record a failed job in the journal ({journal_error})"
                ));
            }
            return Err(error.into());
        }
    };
    line.set_message("downloading");
    // Files an earlier run saved for this same request are kept, not replaced.
    let report = output::save_outputs(firefly, &result, dir, &item.stem, &kept, |index, path| {
        if let Err(error) = journal.file_saved(&item.key, index, path) {
            warn(&format!(
                "cannot record {} in the journal ({error})",
                path.display()
            ));
        }
    })
    .await;
    if !report.unsaved.is_empty() {
        return Err(CliError::Unsaved {
            job_id: job.job_id,
            saved: report.saved,
            unsaved: report.unsaved,
        });
    }
    let files: Vec<_> = report.saved.iter().map(|s| s.path.clone()).collect();
    if let Err(error) = journal.saved(&item.key, item.line, &job.job_id, &files) {
        warn(&format!(
            "cannot record saved files in the journal ({error})"
        ));
    }
    Ok(report.saved)
}

/// A warning on stderr (the progress display draws there too).
fn warn(message: &str) {
    eprintln!("warning: {message}");
}

fn read_items(args: &BatchArgs) -> Result<Vec<Item>, String> {
    let text = std::fs::read_to_string(&args.file).map_err(|e| e.to_string())?;
    let jsonl = args.file.extension().is_some_and(|ext| ext == "jsonl");
    let mut items = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut request: GenerateImagesRequest = if jsonl {
            serde_json::from_str(trimmed).map_err(|e| format!("line {line}: {e}"))?
        } else {
            GenerateImagesRequest::builder()
                .prompt(trimmed)
                .try_into()
                .map_err(|e| format!("line {line}: {e}"))?
        };
        if request.num_variations.is_none() && request.seeds.is_empty() {
            request.num_variations = args.variations;
        }
        if request.size.is_none() {
            request.size = args.size.clone();
        }
        let stem = format!("{line:04}-{}", output::slug(&request.prompt));
        let body = serde_json::to_value(&request).map_err(|e| format!("line {line}: {e}"))?;
        let model = args.model.map(|m| m.to_string());
        let key = request_key(&body, model.as_deref());
        items.push(Item {
            line,
            request,
            stem,
            key,
        });
    }
    if items.is_empty() {
        return Err("no prompts in the file".into());
    }
    Ok(items)
}

/// Whether the journal says every output of this request was saved, and
/// the files are still there.
fn saved_already(item: &Item, journal: &Journal) -> bool {
    match journal.state(&item.key) {
        Some(State::Saved { files }) => !files.is_empty() && files.iter().all(|f| f.exists()),
        _ => false,
    }
}

fn report(items: &[Item], outcomes: &[(usize, Outcome)], out: &Output) {
    let mut rows = Vec::new();
    let mut results = Vec::new();
    let (mut succeeded, mut failed, mut skipped) = (0, 0, 0);
    for (index, outcome) in outcomes {
        let item = &items[*index];
        let prompt: String = item.request.prompt.chars().take(40).collect();
        let (status, detail, document): (&str, String, Value) = match outcome {
            Outcome::Skipped => {
                skipped += 1;
                ("skipped", "already saved".into(), json!({}))
            }
            Outcome::Succeeded(saved) => {
                succeeded += 1;
                let files: Vec<String> =
                    saved.iter().map(|s| s.path.display().to_string()).collect();
                (
                    "ok",
                    files.join(" "),
                    json!({"files": saved.iter().map(Saved::json).collect::<Vec<_>>()}),
                )
            }
            Outcome::Failed(error) => {
                failed += 1;
                let code = error.sdk().and_then(|e| e.error_code()).unwrap_or("-");
                ("FAILED", format!("{code}: {error}"), error.json())
            }
        };
        rows.push(vec![
            item.line.to_string(),
            prompt,
            status.to_owned(),
            detail,
        ]);
        let mut result =
            json!({"line": item.line, "prompt": item.request.prompt, "status": status});
        if let (Value::Object(result), Value::Object(extra)) = (&mut result, document) {
            result.extend(extra);
        }
        results.push(result);
    }
    let summary = format!("{succeeded} succeeded, {failed} failed, {skipped} skipped");
    out.done(
        format!(
            "{}\n{summary}",
            output::table(&["line", "prompt", "result", "files / error"], &rows)
        ),
        json!({
            "total": items.len(),
            "succeeded": succeeded,
            "failed": failed,
            "skipped": skipped,
            "results": results,
        }),
    );
}
