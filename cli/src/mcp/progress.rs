//! Long work inside a tool call: submitting a job within the quota,
//! waiting for it with MCP progress notifications, and cancelling the
//! Firefly job when the client cancels the call.

use std::{future::Future, time::Duration};

use adobe_firefly::{
    Error, Firefly, WaitOptions,
    types::{JobAccepted, JobResult, JobStatusResponse},
};
use rmcp::{
    Peer, RoleServer,
    model::{ProgressNotificationParam, ProgressToken},
};
use tokio::{sync::mpsc, time::Instant};
use tokio_util::sync::CancellationToken;

use crate::output;

/// How long a submission keeps waiting for quota that other calls (or
/// other programs on the same credential) are using, on top of the SDK's
/// own retries, before the call fails as rate limited.
pub const QUOTA_PATIENCE: Duration = Duration::from_secs(5 * 60);

/// The pause before a submission is tried again when Firefly gave no
/// `Retry-After`; a given one is used as it is, up to [`MAX_QUOTA_PAUSE`].
const QUOTA_PAUSE: Duration = Duration::from_secs(15);
const MAX_QUOTA_PAUSE: Duration = Duration::from_secs(60);

/// How long cancelling a job may take once the call is cancelled.
const CANCEL_DEADLINE: Duration = Duration::from_secs(20);

/// Sends progress notifications for one call, if its client asked for
/// them with a progress token; progress never goes backwards.
pub struct Progress {
    peer: Peer<RoleServer>,
    token: Option<ProgressToken>,
    last: f64,
}

impl Progress {
    pub fn new(peer: Peer<RoleServer>, token: Option<ProgressToken>) -> Self {
        Self {
            peer,
            token,
            last: 0.0,
        }
    }

    /// Reports `percent` (0 to 100) with a message; a client that went away
    /// is not an error of the call.
    pub async fn report(&mut self, percent: f64, message: String) {
        let Some(token) = &self.token else {
            return;
        };
        self.last = self.last.max(percent.clamp(0.0, 100.0));
        let notification = ProgressNotificationParam::new(token.clone(), self.last)
            .with_total(100.0)
            .with_message(message);
        if let Err(error) = self.peer.notify_progress(notification).await {
            tracing::debug!(%error, "a progress notification could not be sent");
        }
    }

    async fn status(&mut self, job_id: &str, status: &JobStatusResponse) {
        let percent = status.progress.unwrap_or(self.last);
        self.report(
            percent,
            format!("job {job_id}: {}", output::describe(status)),
        )
        .await;
    }
}

/// How waiting for a job ended.
pub enum Waited {
    /// The job finished (or failed, or the wait gave up).
    Finished(Result<JobResult, Error>),
    /// The client cancelled the call; the Firefly job was asked to stop,
    /// and this is why that failed, if it did.
    Cancelled(Result<(), String>),
}

/// Submits a job with `submit`, trying again while Firefly answers that the
/// quota is used up, until [`QUOTA_PATIENCE`] has passed; `None` when the
/// call was cancelled while waiting (nothing was submitted then).
pub async fn submit_within_quota<F, Fut>(
    progress: &mut Progress,
    cancelled: &CancellationToken,
    mut submit: F,
) -> Result<Option<JobAccepted>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<JobAccepted, Error>>,
{
    let deadline = Instant::now() + QUOTA_PATIENCE;
    loop {
        let error = match submit().await {
            Ok(job) => return Ok(Some(job)),
            Err(error) if error.is_rate_limited() => error,
            Err(error) => return Err(error),
        };
        let pause = error
            .retry_after()
            .unwrap_or(QUOTA_PAUSE)
            .min(MAX_QUOTA_PAUSE);
        if Instant::now() + pause > deadline {
            return Err(error);
        }
        progress
            .report(
                0.0,
                format!(
                    "Firefly's quota is in use; submitting again in {}",
                    output::duration(pause)
                ),
            )
            .await;
        tokio::select! {
            () = cancelled.cancelled() => return Ok(None),
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// Waits for a job, reporting each status read as progress; when the call
/// is cancelled, cancels the Firefly job and stops waiting.
pub async fn wait_for_job(
    firefly: &Firefly,
    job: &JobAccepted,
    wait: &WaitOptions,
    progress: &mut Progress,
    cancelled: &CancellationToken,
) -> Waited {
    progress
        .report(0.0, format!("job {} submitted", job.job_id))
        .await;
    let (statuses, mut read) = mpsc::unbounded_channel();
    let waiting = firefly.wait_for_job_with(job, wait, move |status| {
        let _ = statuses.send(status.clone());
    });
    tokio::pin!(waiting);
    loop {
        tokio::select! {
            biased;
            () = cancelled.cancelled() => return Waited::Cancelled(cancel(firefly, job).await),
            Some(status) = read.recv() => progress.status(&job.job_id, &status).await,
            result = &mut waiting => return Waited::Finished(result),
        }
    }
}

/// Asks Firefly to cancel a job, within [`CANCEL_DEADLINE`]; why that
/// failed, if it did.
pub async fn cancel(firefly: &Firefly, job: &JobAccepted) -> Result<(), String> {
    tracing::info!(job_id = %job.job_id, "the call was cancelled; cancelling the job");
    let outcome = match tokio::time::timeout(CANCEL_DEADLINE, firefly.cancel_job(job)).await {
        Ok(result) => result.map_err(|error| error.to_string()),
        Err(_) => Err(format!(
            "no answer within {}",
            output::duration(CANCEL_DEADLINE)
        )),
    };
    if let Err(reason) = &outcome {
        tracing::warn!(job_id = %job.job_id, %reason, "the job could not be cancelled");
    }
    outcome
}
