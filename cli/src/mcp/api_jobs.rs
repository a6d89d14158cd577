//! One tool call's paid job on an API other than Firefly (Photoshop,
//! Audio/Video, InDesign, Substance 3D): the spending rules and the user's
//! confirmation, the submission within the quota, the wait with progress,
//! the answer, and the records the session and the audit log keep. What
//! differs between the APIs (how a status reads as a word, where a job
//! left running can be read again, what a finished job's answer holds) is
//! one [`ToolJob`] per API, beside its tools.
//!
//! None of these APIs can cancel a job: a cancelled call stops waiting and
//! says the job goes on.

use std::future::Future;

use adobe_firefly::{Error, EstimateCost, Job, JobApi};
use rmcp::model::{CallToolResult, ContentBlock};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc;

use super::{call::Call, progress, results, session::Ending};
use crate::{naming, save, spend::Spend};

/// What a tool call needs to know of an API's jobs.
pub trait ToolJob: JobApi {
    /// Whether the call downloads what the job made, so that an error
    /// answer from [`ToolJob::finished`] means an output was not saved
    /// (InDesign writes into the user's own storage instead).
    const DOWNLOADS: bool = true;

    /// One word for a status read, for progress ("running").
    fn word(status: &Self::Status) -> String;

    /// How the user reads the job again (`` `firefly photoshop status ID` ``,
    /// or the URL Adobe gave), for a cancelled call and the journal; `None`
    /// when nothing can.
    fn read_again(job: &Self::Reference) -> Option<String>;

    /// The answer for a job that finished: what it made (saved into the
    /// call's output folder, named from `stem` and `request_hash`) and what
    /// the API reported. An error answer means something the job made was
    /// not saved or read.
    fn finished<'a>(
        call: &'a Call<'_>,
        job: &'a Self::Reference,
        output: Self::Output,
        stem: &'a str,
        request_hash: &'a str,
    ) -> impl Future<Output = CallToolResult> + Send + 'a;
}

/// Refuses the call when the output folder cannot take what it would make,
/// before anything is spent.
pub fn unusable_output_folder(call: &Call<'_>) -> Option<CallToolResult> {
    let source = save::check_folder(call.output_dir).err()?;
    Some(results::invalid(format!(
        "cannot save into {}: {source}; the server's --output-dir must be a folder it can write \
         to",
        call.output_dir.display()
    )))
}

/// Runs `request` (read from `arguments`, and checked) as one job on `api`:
/// admitted by the spending rules, confirmed by the user if they asked,
/// submitted within the quota, waited for with progress, answered by
/// [`ToolJob::finished`]. The session and the audit log hear of the job
/// when it is submitted and when it ends.
pub async fn run<A, T, F, Fut>(
    call: &mut Call<'_>,
    api: A,
    arguments: &Value,
    request: T,
    stem: &str,
    submit: F,
) -> CallToolResult
where
    A: ToolJob,
    T: EstimateCost + Serialize + Clone,
    F: Fn(A, T) -> Fut,
    Fut: Future<Output = Result<A::Reference, Error>>,
{
    let admitted = match call.spend.admit(A::API, call.tool, &request) {
        Ok(admitted) => admitted,
        Err(refused) => return results::invalid(refused.to_string()),
    };
    if let Err(declined) = super::confirm::ask(call, &admitted).await {
        return declined;
    }
    let request_hash = naming::request_key(arguments, None);
    let submitted = progress::submit_within_quota(&mut call.progress, &call.cancelled, || {
        submit(api.clone(), request.clone())
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
    let job = Job::new(api, job);
    call.session.submitted(
        job.id(),
        call.tool,
        &request_hash,
        None,
        A::read_again(job.reference()),
    );
    call.spend.submitted(&admitted, job.id());
    let (answer, ending) = match wait(call, &job).await {
        Some(Ok(output)) => {
            let answer = A::finished(call, job.reference(), output, stem, &request_hash).await;
            let ending = if A::DOWNLOADS && answer.is_error == Some(true) {
                Ending::Unsaved
            } else {
                Ending::Settled
            };
            (answer, ending)
        }
        Some(Err(error)) => (results::failure(&error.into()), Ending::Settled),
        None => {
            let name = A::API.name();
            let no_cancel = format!("the {name} API has no way to cancel a job: it goes on");
            let reads = A::read_again(job.reference())
                .map(|command| format!("; {command} reads it"))
                .unwrap_or_default();
            let text = format!(
                "the call was cancelled; {no_cancel}: {name} job {} may still finish{reads}",
                job.id()
            );
            (
                CallToolResult::error(vec![ContentBlock::text(text)]),
                Ending::Cancelled(Err(no_cancel)),
            )
        }
    };
    let outcome = ending.audit_word(answer.is_error == Some(true));
    call.spend.ended_as(&admitted, job.id(), outcome);
    call.session.ended(job.id(), ending);
    answer
}

/// Waits for the job, each status read a progress notification; `None`
/// when the call was cancelled first.
async fn wait<A: ToolJob>(call: &mut Call<'_>, job: &Job<A>) -> Option<Result<A::Output, Error>> {
    let name = A::API.name();
    let id = job.id();
    call.progress
        .report(0.0, format!("{name} job {id} submitted"))
        .await;
    let (words, mut read) = mpsc::unbounded_channel();
    let waiting = job.wait_with(call.wait, move |status| {
        let _ = words.send(A::word(status));
    });
    tokio::pin!(waiting);
    loop {
        tokio::select! {
            biased;
            () = call.cancelled.cancelled() => return None,
            Some(word) = read.recv() => {
                // No status of these APIs has a percentage: half way while
                // the job runs.
                let percent = if word == "running" { 50.0 } else { 0.0 };
                call.progress
                    .report(percent, format!("{name} job {id}: {word}"))
                    .await;
            }
            result = &mut waiting => return Some(result),
        }
    }
}
