//! A Photoshop job: the handle an operation answers with, its status, and
//! waiting for it through the SDK's one polling loop with Photoshop's
//! reading of a status.

use super::{Photoshop, types};
use futures::{FutureExt, future::BoxFuture};

use crate::{Api, Error, Job, JobApi, WaitOptions, decode::outcome, job::Sealed, wire::JobStatus};

/// A job Photoshop accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PhotoshopJob {
    /// The job's id.
    pub job_id: String,
    /// Where Photoshop said its status is, when it said.
    pub status_url: Option<String>,
}

impl PhotoshopJob {
    /// A handle for a job known by its id (from an earlier run, a log).
    pub fn new(job_id: impl Into<String>) -> Self {
        Self {
            job_id: job_id.into(),
            status_url: None,
        }
    }
}

/// The status operation, as the spec names it.
const STATUS: &str = "getJobStatus";

impl Sealed for Photoshop {}

/// Photoshop's jobs: the status at `/v2/status/{jobId}`; no cancel.
impl JobApi for Photoshop {
    type Reference = PhotoshopJob;
    type Status = types::JobStatus;
    type Output = types::JobStatus;
    const API: Api = Api::Photoshop;

    fn job_id(reference: &PhotoshopJob) -> &str {
        &reference.job_id
    }

    fn read_status<'a>(
        &'a self,
        reference: &'a PhotoshopJob,
    ) -> BoxFuture<'a, Result<types::JobStatus, Error>> {
        let call = self.raw.get_job_status().job_id(reference.job_id.as_str());
        outcome(STATUS, call.send()).boxed()
    }

    /// Where a job is, in the SDK's vocabulary (`pending`, `running`,
    /// `succeeded`, `failed`, or a state Adobe adds later, kept as it is).
    fn state(status: &types::JobStatus) -> Option<JobStatus> {
        status
            .status
            .as_deref()
            .map(|word| word.parse().unwrap_or_else(|never| match never {}))
    }

    /// A failed job carries the first of Adobe's `errorDetails`.
    fn outcome(job_id: &str, status: types::JobStatus) -> Option<Result<types::JobStatus, Error>> {
        match Self::state(&status)? {
            JobStatus::Succeeded => Some(Ok(status)),
            terminal if terminal.is_terminal() => {
                let first = status.error_details.first();
                Some(Err(Error::JobFailed {
                    job_id: status.job_id.clone().unwrap_or_else(|| job_id.to_owned()),
                    status: terminal,
                    error_code: first.and_then(|detail| detail.error_code.clone()),
                    message: first.and_then(|detail| detail.message.clone()),
                }))
            }
            _ => None,
        }
    }
}

impl Photoshop {
    /// A [`Job`] handle for a job Photoshop accepted: status and wait in one
    /// value, as for every API (Photoshop cannot cancel a job).
    pub fn track(&self, job: PhotoshopJob) -> Job<Photoshop> {
        Job::new(self.clone(), job)
    }

    /// The current state of a job.
    ///
    /// A job id that [`Firefly::check_job_id`](crate::Firefly::check_job_id)
    /// refuses is an [`Error::Validation`]; nothing is sent.
    pub async fn job_status(&self, job: &PhotoshopJob) -> Result<types::JobStatus, Error> {
        crate::job::status(self, job).await
    }

    /// Polls a job until it finishes, with the options' backoff and
    /// deadline, and returns its final status (with `result.outputs`). A job
    /// that ends `failed` is an [`Error::JobFailed`] carrying the first of
    /// Adobe's `errorDetails`; running out of time is an
    /// [`Error::WaitTimeout`] naming the job, so the wait can be resumed.
    /// The same as [`Job::wait`].
    pub async fn wait_for_job(
        &self,
        job: &PhotoshopJob,
        options: &WaitOptions,
    ) -> Result<types::JobStatus, Error> {
        crate::job::wait(self, job, options, |_| {}).await
    }

    /// [`Photoshop::wait_for_job`], calling `on_status` with every status
    /// read (for progress display), as
    /// [`Firefly::wait_for_job_with`](crate::Firefly::wait_for_job_with) does.
    pub async fn wait_for_job_with(
        &self,
        job: &PhotoshopJob,
        options: &WaitOptions,
        on_status: impl FnMut(&types::JobStatus),
    ) -> Result<types::JobStatus, Error> {
        crate::job::wait(self, job, options, on_status).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(body: serde_json::Value) -> types::JobStatus {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn a_status_ends_the_wait_only_when_terminal() {
        for word in ["pending", "running", "something_new"] {
            let read = status(serde_json::json!({"jobId": "j", "status": word}));
            assert!(Photoshop::outcome("j", read).is_none(), "{word}");
        }
        let done = status(serde_json::json!({"jobId": "j", "status": "succeeded",
            "result": {"outputs": [{"destination": {"url": "https://out"}}]}}));
        assert!(matches!(Photoshop::outcome("j", done), Some(Ok(_))));
        let failed = status(serde_json::json!({"jobId": "j", "status": "failed",
            "errorDetails": [{"errorCode": "400401", "message": "The value is not valid."}]}));
        let Some(Err(Error::JobFailed {
            error_code,
            message,
            status,
            ..
        })) = Photoshop::outcome("j", failed)
        else {
            panic!("a failed job is JobFailed");
        };
        assert_eq!(status, JobStatus::Failed);
        assert_eq!(error_code.as_deref(), Some("400401"));
        assert_eq!(message.as_deref(), Some("The value is not valid."));
    }
}
