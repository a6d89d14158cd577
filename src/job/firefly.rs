//! The Firefly API's jobs: the status at the `statusUrl` Firefly gave
//! (`/v3/status/{jobId}`), read into one lenient `JobStatusResponse`; the
//! cancel at its `cancelUrl`.

use futures::{FutureExt, future::BoxFuture};

use super::{CancelJob, Job, JobApi, Sealed};
use crate::{
    Api, Error, Firefly, WaitOptions,
    types::{JobAccepted, JobResult, JobStatusResponse},
    wire::JobStatus,
};

impl Sealed for Firefly {}

impl JobApi for Firefly {
    type Reference = JobAccepted;
    type Status = JobStatusResponse;
    type Output = JobResult;
    const API: Api = Api::Firefly;

    fn job_id(reference: &JobAccepted) -> &str {
        &reference.job_id
    }

    fn read_status<'a>(
        &'a self,
        reference: &'a JobAccepted,
    ) -> BoxFuture<'a, Result<JobStatusResponse, Error>> {
        self.job_status(reference).boxed()
    }

    fn state(status: &JobStatusResponse) -> Option<JobStatus> {
        status.status.clone()
    }

    fn outcome(job_id: &str, status: JobStatusResponse) -> Option<Result<JobResult, Error>> {
        match status.status? {
            JobStatus::Succeeded => Some(status.result.ok_or_else(|| Error::Decode {
                operation: "jobResultV3",
                status: Some(200),
                detail: "the job succeeded but the status has no result".into(),
                request_id: None,
            })),
            terminal if terminal.is_terminal() => Some(Err(Error::JobFailed {
                job_id: status.job_id.unwrap_or_else(|| job_id.to_owned()),
                status: terminal,
                error_code: status.error_code,
                message: status.message,
            })),
            _ => None,
        }
    }
}

impl CancelJob for Firefly {
    fn request_cancel<'a>(
        &'a self,
        reference: &'a JobAccepted,
    ) -> BoxFuture<'a, Result<(), Error>> {
        self.cancel_job(reference).boxed()
    }
}

impl Firefly {
    /// A [`Job`] handle for a job Firefly accepted (from an operation, or
    /// from [`Firefly::job`] for a job known by its id): status, wait and
    /// cancel in one value, as for every API.
    pub fn track(&self, job: JobAccepted) -> Job<Firefly> {
        Job::new(self.clone(), job)
    }

    /// Polls a job until it finishes and returns its result.
    ///
    /// A job that ends `failed`, `canceled` or `timeout` is an
    /// [`Error::JobFailed`]; running out of time is an [`Error::WaitTimeout`]
    /// that names the job, so the wait can be resumed, and says how the
    /// last poll failed if it did. A poll failing in a way that retrying
    /// cannot fix (a 500 or a 404, for example) ends the wait at once with
    /// that error; retryable failures (429, 503, cut connections) are
    /// polled through until the deadline. The same as [`Job::wait`].
    pub async fn wait_for_job(
        &self,
        job: &JobAccepted,
        options: &WaitOptions,
    ) -> Result<JobResult, Error> {
        super::wait(self, job, options, |_| {}).await
    }

    /// [`Firefly::wait_for_job`], calling `on_status` with every status read
    /// (for progress display).
    pub async fn wait_for_job_with(
        &self,
        job: &JobAccepted,
        options: &WaitOptions,
        on_status: impl FnMut(&JobStatusResponse),
    ) -> Result<JobResult, Error> {
        super::wait(self, job, options, on_status).await
    }
}
