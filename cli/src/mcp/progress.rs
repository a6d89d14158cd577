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
/// own retries, before the call fails as rate limited. No new attempt
/// starts after it; one in flight is not cut short (it may create a job).
pub const QUOTA_PATIENCE: Duration = Duration::from_secs(5 * 60);

/// The pause before a submission is tried again when Firefly gave no
/// `Retry-After`; a given one is used as it is, up to [`MAX_QUOTA_PAUSE`].
const QUOTA_PAUSE: Duration = Duration::from_secs(15);
const MAX_QUOTA_PAUSE: Duration = Duration::from_secs(60);

/// How long cancelling a job may take once the call is cancelled (or the
/// session closed).
pub const CANCEL_DEADLINE: Duration = Duration::from_secs(20);

/// Sends progress notifications for one call, if its client asked for
/// them with a progress token; progress never goes backwards.
pub struct Progress {
    /// Where notifications go: the client and the token it sent.
    to: Option<(Peer<RoleServer>, ProgressToken)>,
    last: f64,
}

impl Progress {
    pub fn new(peer: Peer<RoleServer>, token: Option<ProgressToken>) -> Self {
        Self {
            to: token.map(|token| (peer, token)),
            last: 0.0,
        }
    }

    /// Progress nobody asked for.
    #[cfg(test)]
    fn unwanted() -> Self {
        Self {
            to: None,
            last: 0.0,
        }
    }

    /// Reports `percent` (0 to 100) with a message; a client that went away
    /// is not an error of the call.
    pub async fn report(&mut self, percent: f64, message: String) {
        tracing::debug!(percent, %message, "progress");
        let Some((peer, token)) = &self.to else {
            return;
        };
        self.last = self.last.max(percent.clamp(0.0, 100.0));
        let notification = ProgressNotificationParam::new(token.clone(), self.last)
            .with_total(100.0)
            .with_message(message);
        if let Err(error) = peer.notify_progress(notification).await {
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

/// Submits a job (of any API) with `submit`, trying again while the API
/// answers that the quota is used up, until [`QUOTA_PATIENCE`] has passed; `None` when the
/// call was cancelled while waiting (nothing was submitted then).
pub async fn submit_within_quota<F, Fut, J>(
    progress: &mut Progress,
    cancelled: &CancellationToken,
    mut submit: F,
) -> Result<Option<J>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<J, Error>>,
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
                    "the quota is in use; submitting again in {}",
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

#[cfg(test)]
mod tests {
    use adobe_firefly::types::GenerateImagesRequest;
    use adobe_firefly_emulator::{Emulator, Faults, ServerErrorBurst};

    use super::*;

    fn client(emulator: &Emulator) -> Firefly {
        Firefly::builder()
            .client_id(emulator.client_id())
            .client_secret(emulator.client_secret())
            .api_url(emulator.url())
            .ims_url(emulator.url())
            .build()
            .unwrap()
    }

    async fn submit(
        firefly: &Firefly,
        cancelled: &CancellationToken,
    ) -> Result<Option<JobAccepted>, Error> {
        submit_within_quota(&mut Progress::unwanted(), cancelled, || {
            firefly.generate_images(GenerateImagesRequest::builder().prompt("a cat"))
        })
        .await
    }

    #[tokio::test(start_paused = true)]
    async fn a_submission_waits_for_quota_past_the_sdks_own_retries() {
        // Six 429s in a row: more than the SDK's four attempts.
        let emulator = Emulator::builder()
            .faults(Faults::none().server_errors(ServerErrorBurst::new(429, 6, 1000)))
            .start()
            .await
            .unwrap();
        let job = submit(&client(&emulator), &CancellationToken::new()).await;
        assert!(job.unwrap().is_some());
        assert_eq!(emulator.faults_served().server_errors, 6);
    }

    #[tokio::test(start_paused = true)]
    async fn a_submission_gives_up_on_quota_after_its_patience() {
        let emulator = Emulator::builder()
            .faults(Faults::none().rate_limit_every(1))
            .start()
            .await
            .unwrap();
        let started = Instant::now();
        let error = submit(&client(&emulator), &CancellationToken::new())
            .await
            .unwrap_err();
        assert!(error.is_rate_limited(), "{error}");
        // The last attempt starts before the patience ends, and its own
        // retries (three 1 s Retry-Afters) may end after.
        let last_attempt = Duration::from_secs(10);
        assert!(
            started.elapsed() <= QUOTA_PATIENCE + last_attempt,
            "{:?}",
            started.elapsed()
        );
        assert!(
            started.elapsed() >= QUOTA_PATIENCE - MAX_QUOTA_PAUSE,
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_call_stops_waiting_for_quota_and_submits_nothing() {
        let emulator = Emulator::builder()
            .faults(Faults::none().rate_limit_every(1))
            .start()
            .await
            .unwrap();
        let cancelled = CancellationToken::new();
        let cancel = cancelled.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(30)).await;
            cancel.cancel();
        });
        let started = Instant::now();
        let job = submit(&client(&emulator), &cancelled).await.unwrap();
        assert!(job.is_none());
        assert!(
            started.elapsed() < QUOTA_PATIENCE,
            "{:?}",
            started.elapsed()
        );
    }
}
