//! `firefly image batch`: many prompts, bounded concurrency, the client-side rate
//! limit, one overall progress bar plus a line per running job, and a
//! summary at the end. Resumable through the journal (`crate::journal`): a
//! rerun skips what was saved, adopts jobs that were in flight, and submits
//! only what never was.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Mutex,
    time::Duration,
};

use adobe_firefly::{Firefly, WaitOptions, types::ImageModelVersion};
use futures::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use crate::{
    args::BatchArgs,
    context::Context,
    error::CliError,
    journal::{Journal, State},
    output::{self, Output},
    save::{self, Naming, Saved},
    spend::Spend,
};

mod input;

use input::{Entry, Item};

/// What became of one line of the batch file.
enum Outcome {
    /// Saved by an earlier run, as these files.
    Skipped(Vec<PathBuf>),
    Succeeded {
        job_id: String,
        saved: Vec<Saved>,
    },
    Failed(CliError),
    /// Not submitted: its estimate was over what `--max-operations` left.
    OverBudget(String),
}

impl Outcome {
    /// The batch status vocabulary, the same in text, JSON and the summary.
    fn status(&self) -> &'static str {
        match self {
            Self::Skipped(_) | Self::OverBudget(_) => "skipped",
            Self::Succeeded { .. } => "succeeded",
            Self::Failed(_) => "failed",
        }
    }
}

pub async fn run(args: BatchArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let (out, wait) = (&ctx.out, &ctx.wait);
    let entries = input::read(&args).map_err(|problem| CliError::BatchFile {
        path: args.file.clone(),
        problem,
    })?;
    let firefly = ctx.firefly()?;
    let journal = Journal::open(&args.output).map_err(|source| CliError::OutputFile {
        path: args.output.join(crate::journal::FILE_NAME),
        source,
    })?;

    refresh_gallery(&args.output);
    let bars = MultiProgress::with_draw_target(out.draw_target());
    let overall = bars.add(ProgressBar::new(entries.len() as u64));
    overall.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} prompts [{elapsed}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    overall.enable_steady_tick(Duration::from_millis(200));
    let failures = Mutex::new(0usize);
    let all = futures::stream::iter(entries.iter().enumerate())
        .map(|(index, entry)| {
            let (firefly, bars, overall, failures, journal, spend) =
                (firefly, &bars, &overall, &failures, &journal, &ctx.spend);
            let (model, dir) = (args.model, &args.output);
            async move {
                let outcome = match entry {
                    Entry::Rejected(rejected) => {
                        warn(&rejected.problem);
                        if let Err(error) =
                            journal.rejected(rejected.line, &rejected.text, &rejected.problem)
                        {
                            warn(&format!("cannot write the journal ({error})"));
                        }
                        *failures.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                        Outcome::Failed(CliError::BatchLine {
                            line: rejected.line,
                            problem: rejected.problem.clone(),
                        })
                    }
                    Entry::Request(item) => {
                        run_item(
                            item,
                            model,
                            dir,
                            wait,
                            (firefly, bars, overall, failures, journal, spend),
                        )
                        .await
                    }
                };
                // The page follows every finished prompt, so a batch stopped at
                // any point leaves a page that shows what it did (a skipped
                // prompt changes nothing on it).
                if !matches!(outcome, Outcome::Skipped(_)) {
                    refresh_gallery(dir);
                }
                overall.inc(1);
                let failed = *failures.lock().unwrap_or_else(|e| e.into_inner());
                if failed > 0 {
                    overall.set_message(format!("{failed} failed"));
                }
                (index, outcome)
            }
        })
        .buffer_unordered(args.concurrency.max(1))
        .collect::<Vec<(usize, Outcome)>>();
    // Ctrl-C stops the waiting, not the jobs: they are in the journal, and
    // the user is told that a rerun adopts them.
    let outcomes = tokio::select! {
        outcomes = all => outcomes,
        _ = tokio::signal::ctrl_c() => {
            overall.finish_and_clear();
            return Err(interrupted(&args.output));
        }
    };
    overall.finish_and_clear();

    let mut outcomes = outcomes;
    outcomes.sort_by_key(|(index, _)| *index);
    report(&entries, &outcomes, out);
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

/// What one request's run shares with the others.
type Shared<'a> = (
    &'a Firefly,
    &'a MultiProgress,
    &'a ProgressBar,
    &'a Mutex<usize>,
    &'a Journal,
    &'a Spend,
);

/// One request: skipped when saved already, else run with a progress line;
/// a failure is recorded in the journal, for the contact sheet.
async fn run_item(
    item: &Item,
    model: Option<ImageModelVersion>,
    dir: &Path,
    wait: &WaitOptions,
    (firefly, bars, overall, failures, journal, spend): Shared<'_>,
) -> Outcome {
    if let Some(files) = saved_already(item, journal) {
        return Outcome::Skipped(files);
    }
    let line = bars.insert_before(overall, ProgressBar::new_spinner());
    let prompt: String = item.request.prompt.chars().take(32).collect();
    line.set_prefix(format!("{:>4} {prompt:<32}", item.line));
    line.set_style(
        ProgressStyle::with_template("{spinner} {prefix} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    line.enable_steady_tick(Duration::from_millis(120));
    let outcome = match one(firefly, item, model, dir, wait, &line, (journal, spend)).await {
        Ok((job_id, saved)) => Outcome::Succeeded { job_id, saved },
        // Not a failure: the cap did its job. Journaled so a rerun with a
        // higher cap submits it.
        Err(CliError::OverBudget(reason)) => {
            if let Err(error) = journal.skipped(&item.key, item.line, &item.request.prompt, &reason)
            {
                warn(&format!("cannot write the journal ({error})"));
            }
            Outcome::OverBudget(reason)
        }
        Err(error) => {
            *failures.lock().unwrap_or_else(|e| e.into_inner()) += 1;
            if let Err(journal_error) = journal.error(&item.key, item.line, &error.json()["error"])
            {
                warn(&format!("cannot write the journal ({journal_error})"));
            }
            Outcome::Failed(error)
        }
    };
    line.finish_and_clear();
    bars.remove(&line);
    outcome
}

async fn one(
    firefly: &Firefly,
    item: &Item,
    model: Option<ImageModelVersion>,
    dir: &Path,
    wait: &WaitOptions,
    line: &ProgressBar,
    (journal, spend): (&Journal, &Spend),
) -> Result<(String, Vec<Saved>), CliError> {
    let mut kept = Default::default();
    let (job, admitted) = match journal.state(&item.key) {
        // Submitted by an earlier run that did not finish: adopt the job
        // instead of paying for it again, and keep what it saved.
        Some(State::Submitted { job_id, files }) => {
            line.set_message("resuming");
            kept = files.clone();
            // An id the journal holds is refused like any other that
            // would not stay one path segment.
            (firefly.job(job_id.as_str())?, None)
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
            let size = item
                .request
                .size
                .as_ref()
                .map(|size| format!("{}x{}", size.width, size.height));
            // Counted only for a new submission: adopting a job costs nothing.
            let admitted =
                spend.admit(adobe_firefly::Api::Firefly, "image batch", &item.request)?;
            let model_name = model.map(|m| m.to_string());
            let details = json!({"model": model_name, "size": size});
            if let Err(error) =
                journal.submitting(&item.key, item.line, &item.request.prompt, &details)
            {
                warn(&format!("cannot write the journal ({error})"));
            }
            line.set_message("submitting");
            let submitted = match model {
                Some(model) => {
                    firefly
                        .generate_images_with_model(item.request.clone(), model)
                        .await
                }
                None => firefly.generate_images(item.request.clone()).await,
            };
            let job = match submitted {
                Ok(job) => job,
                Err(error) => {
                    // Refused before it was sent, or answered with an error:
                    // no job was made, so a rerun submits it without a
                    // warning. Other failures leave the doubt recorded.
                    if no_job_made(&error)
                        && let Err(journal_error) = journal.not_submitted(&item.key, item.line)
                    {
                        warn(&format!("cannot write the journal ({journal_error})"));
                    }
                    return Err(error.into());
                }
            };
            if let Err(error) =
                journal.submitted(&item.key, item.line, &item.request.prompt, &job.job_id)
            {
                warn(&format!(
                    "cannot record job {} in the journal ({error}); a rerun would submit it again",
                    job.job_id
                ));
            }
            spend.submitted(&admitted, &job.job_id);
            (job, Some(admitted))
        }
    };
    // The outcome of a job this run paid for goes to the audit log.
    let job_id = job.job_id.clone();
    let finished = async {
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
        let naming = Naming {
            stem: &item.stem,
            request_hash: &item.key,
            replace: false,
        };
        let report = save::save_outputs(
            firefly,
            &result,
            dir,
            &naming,
            &kept,
            |index, path, seed| {
                if let Err(error) = journal.file_saved(&item.key, index, path, seed) {
                    warn(&format!(
                        "cannot record {} in the journal ({error})",
                        path.display()
                    ));
                }
            },
        )
        .await;
        if !report.unsaved.is_empty() {
            return Err(CliError::Unsaved {
                job_id: job.job_id,
                saved: report.saved,
                unsaved: report.unsaved,
                status_command: crate::error::FIREFLY_STATUS,
            });
        }
        let files: Vec<_> = report.saved.iter().map(|s| s.path.clone()).collect();
        if let Err(error) = journal.saved(&item.key, item.line, &job.job_id, &files) {
            warn(&format!(
                "cannot record saved files in the journal ({error})"
            ));
        }
        Ok((job.job_id, report.saved))
    }
    .await;
    if let Some(admitted) = &admitted {
        spend.ended(admitted, &job_id, &finished);
    }
    finished
}

/// A batch stopped by Ctrl-C: the jobs the journal has in flight.
fn interrupted(dir: &Path) -> CliError {
    refresh_gallery(dir);
    let mut job_ids: Vec<String> = Journal::open(dir)
        .map(|journal| journal.in_flight())
        .unwrap_or_default();
    job_ids.sort();
    CliError::BatchInterrupted {
        journal: dir.join(crate::journal::FILE_NAME),
        job_ids,
    }
}

/// Whether a failed submission certainly made no job: the SDK refused it
/// before sending, or Firefly (or IMS) answered with an error.
fn no_job_made(error: &adobe_firefly::Error) -> bool {
    use adobe_firefly::Error;
    matches!(
        error,
        Error::Config(_)
            | Error::Validation(_)
            | Error::RateLimit(_)
            | Error::Auth(_)
            | Error::Api(_)
    )
}

/// Rewrites the contact sheet; a page that cannot be written costs a
/// warning, never a result.
fn refresh_gallery(dir: &Path) {
    if let Err(error) = crate::contact_sheet::write(dir) {
        warn(&format!(
            "cannot write {} ({error}); `firefly image gallery` rebuilds it",
            dir.join(crate::contact_sheet::FILE_NAME).display()
        ));
    }
}

/// A warning on stderr (the progress display draws there too).
fn warn(message: &str) {
    eprintln!("warning: {message}");
}

/// The files of this request, when the journal says every output of it
/// was saved and the files are still there.
fn saved_already(item: &Item, journal: &Journal) -> Option<Vec<PathBuf>> {
    match journal.state(&item.key) {
        Some(State::Saved { files }) if !files.is_empty() && files.iter().all(|f| f.exists()) => {
            Some(files.clone())
        }
        _ => None,
    }
}

fn report(entries: &[Entry], outcomes: &[(usize, Outcome)], out: &Output) {
    let mut rows = Vec::new();
    let mut results = Vec::new();
    let (mut succeeded, mut failed, mut skipped) = (0, 0, 0);
    for (index, outcome) in outcomes {
        let entry = &entries[*index];
        let prompt: String = entry.prompt().chars().take(40).collect();
        let (detail, document): (String, Value) = match outcome {
            Outcome::Skipped(files) => {
                skipped += 1;
                // An earlier run saved these; their seeds are in their names.
                let outputs: Vec<Value> = files
                    .iter()
                    .map(|path| {
                        let bytes = std::fs::metadata(path).map(|m| m.len()).ok();
                        json!({"path": path, "seed": null, "bytes": bytes})
                    })
                    .collect();
                ("already saved".into(), json!({"outputs": outputs}))
            }
            Outcome::Succeeded { job_id, saved } => {
                succeeded += 1;
                let files: Vec<String> =
                    saved.iter().map(|s| s.path.display().to_string()).collect();
                (
                    files.join(" "),
                    json!({"job_id": job_id, "outputs": saved.iter().map(Saved::json).collect::<Vec<_>>()}),
                )
            }
            Outcome::OverBudget(reason) => {
                skipped += 1;
                (
                    format!("not submitted: {reason}"),
                    json!({"reason": "over_budget", "message": reason}),
                )
            }
            Outcome::Failed(error) => {
                failed += 1;
                let code = error.sdk().and_then(|e| e.error_code()).unwrap_or("-");
                (format!("{code}: {error}"), error.json())
            }
        };
        let status = outcome.status();
        rows.push(vec![
            entry.line().to_string(),
            prompt,
            status.to_owned(),
            detail,
        ]);
        let mut result = json!({"line": entry.line(), "prompt": entry.prompt(), "status": status});
        if let (Value::Object(result), Value::Object(extra)) = (&mut result, document) {
            result.extend(extra);
        }
        results.push(result);
    }
    let summary = format!("{succeeded} succeeded, {failed} failed, {skipped} skipped");
    out.done(
        format!(
            "{}\n{summary}",
            output::table(&["line", "prompt", "status", "files / error"], &rows)
        ),
        json!({
            "total": entries.len(),
            "succeeded": succeeded,
            "failed": failed,
            "skipped": skipped,
            "results": results,
        }),
    );
}
