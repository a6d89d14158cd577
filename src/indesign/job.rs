//! An InDesign job: the handle an operation answers with, its status, and
//! waiting for it through the SDK's one polling loop with InDesign's
//! reading of a status (`partial_success` is an outcome of its own).

use futures::{FutureExt, future::BoxFuture};
use serde_json::{Map, Value};

use super::{InDesign, ResultData, types};
use crate::{Api, Error, Job, JobApi, WaitOptions, decode::outcome, job::Sealed, wire::JobStatus};

/// A job InDesign accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InDesignJob {
    /// The job's id.
    pub job_id: String,
    /// Where InDesign said its status is, when it said.
    pub status_url: Option<String>,
}

impl InDesignJob {
    /// A handle for a job known by its id (from an earlier run, a log).
    pub fn new(job_id: impl Into<String>) -> Self {
        Self {
            job_id: job_id.into(),
            status_url: None,
        }
    }
}

/// What a finished job produced.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct JobResult {
    /// The job's id.
    pub job_id: String,
    /// What the job reported (document information, data-merge tags, a
    /// script's answer): inline, decoded from a `data:` URL, or at a
    /// pre-signed URL to fetch.
    pub data: ResultData,
    /// The files the job wrote, by output, as Adobe lists them.
    pub outputs: Map<String, Value>,
}

/// How a job that did not fail ended.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum JobOutcome {
    /// `succeeded`: everything was done.
    Succeeded(JobResult),
    /// `partial_success`: the job finished, but some of its parts failed;
    /// `errors` names them (Adobe's `error_code`, `message`, `source`).
    PartialSuccess {
        /// What was produced.
        result: JobResult,
        /// What failed, one entry per problem.
        errors: Vec<types::JobError>,
    },
}

impl JobOutcome {
    /// What was produced, whether or not every part succeeded.
    pub fn result(&self) -> &JobResult {
        match self {
            Self::Succeeded(result) | Self::PartialSuccess { result, .. } => result,
        }
    }

    /// What failed: empty for a full success.
    pub fn errors(&self) -> &[types::JobError] {
        match self {
            Self::Succeeded(_) => &[],
            Self::PartialSuccess { errors, .. } => errors,
        }
    }

    /// Whether every part succeeded.
    pub fn is_complete(&self) -> bool {
        matches!(self, Self::Succeeded(_))
    }
}

/// The status operation, as the spec names it.
const STATUS: &str = "getJobStatus";

/// The word InDesign uses for a job that partly succeeded, kept as an
/// unknown state of the SDK's vocabulary (only timeouts report it).
const PARTIAL_SUCCESS: &str = "partial_success";

impl Sealed for InDesign {}

/// InDesign's jobs: the status at `/v3/status/{id}`; no cancel.
impl JobApi for InDesign {
    type Reference = InDesignJob;
    type Status = types::JobStatus;
    type Output = JobOutcome;
    const API: Api = Api::InDesign;

    fn job_id(reference: &InDesignJob) -> &str {
        &reference.job_id
    }

    fn read_status<'a>(
        &'a self,
        reference: &'a InDesignJob,
    ) -> BoxFuture<'a, Result<types::JobStatus, Error>> {
        let call = self.raw.get_job_status().id(reference.job_id.as_str());
        outcome(STATUS, call.send()).boxed()
    }

    fn state(status: &types::JobStatus) -> Option<JobStatus> {
        Some(match status {
            types::JobStatus::NotStarted(_) => JobStatus::Pending,
            types::JobStatus::Running(_) => JobStatus::Running,
            types::JobStatus::Succeeded(_) => JobStatus::Succeeded,
            types::JobStatus::Failed(_) => JobStatus::Failed,
            types::JobStatus::PartialSuccess(_) => JobStatus::Unknown(PARTIAL_SUCCESS.into()),
        })
    }

    /// A failed job carries the first of Adobe's `errors`; a partly
    /// successful one is an outcome, with all of them.
    fn outcome(job_id: &str, status: types::JobStatus) -> Option<Result<JobOutcome, Error>> {
        let id = |given: Option<String>| given.unwrap_or_else(|| job_id.to_owned());
        match status {
            types::JobStatus::NotStarted(_) | types::JobStatus::Running(_) => None,
            types::JobStatus::Succeeded(done) => {
                Some(ResultData::read(done.data, done.data_url).map(|data| {
                    JobOutcome::Succeeded(JobResult {
                        job_id: id(done.job_id),
                        data,
                        outputs: done.outputs,
                    })
                }))
            }
            types::JobStatus::PartialSuccess(done) => {
                Some(ResultData::read(done.data, done.data_url).map(|data| {
                    JobOutcome::PartialSuccess {
                        result: JobResult {
                            job_id: id(done.job_id),
                            data,
                            outputs: done.outputs,
                        },
                        errors: done.errors,
                    }
                }))
            }
            types::JobStatus::Failed(failed) => {
                let first = failed.errors.first();
                Some(Err(Error::JobFailed {
                    job_id: id(failed.job_id.clone()),
                    status: JobStatus::Failed,
                    error_code: first.and_then(|e| e.error_code.clone()),
                    message: first.and_then(|e| e.message.clone()),
                }))
            }
        }
    }
}

impl InDesign {
    /// A [`Job`] handle for a job InDesign accepted: status and wait in one
    /// value, as for every API (InDesign cannot cancel a job).
    pub fn track(&self, job: InDesignJob) -> Job<InDesign> {
        Job::new(self.clone(), job)
    }

    /// The current state of a job.
    ///
    /// A job id that [`Firefly::check_job_id`](crate::Firefly::check_job_id)
    /// refuses is an [`Error::Validation`]; nothing is sent.
    pub async fn job_status(&self, job: &InDesignJob) -> Result<types::JobStatus, Error> {
        crate::job::status(self, job).await
    }

    /// Polls a job until it finishes, with the options' backoff and
    /// deadline: `succeeded` and `partial_success` are a [`JobOutcome`]; a
    /// job that ends `failed` is an [`Error::JobFailed`] carrying the first
    /// of Adobe's `errors`; running out of time is an
    /// [`Error::WaitTimeout`] naming the job, so the wait can be resumed.
    /// The same as [`Job::wait`].
    pub async fn wait_for_job(
        &self,
        job: &InDesignJob,
        options: &WaitOptions,
    ) -> Result<JobOutcome, Error> {
        crate::job::wait(self, job, options, |_| {}).await
    }

    /// [`InDesign::wait_for_job`], calling `on_status` with every status
    /// read (for progress display).
    pub async fn wait_for_job_with(
        &self,
        job: &InDesignJob,
        options: &WaitOptions,
        on_status: impl FnMut(&types::JobStatus),
    ) -> Result<JobOutcome, Error> {
        crate::job::wait(self, job, options, on_status).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(body: Value) -> types::JobStatus {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn each_state_is_read_and_only_the_ends_end_the_wait() {
        for word in ["not_started", "running"] {
            let read = status(serde_json::json!({"jobId": "j", "status": word}));
            assert!(InDesign::outcome("j", read).is_none(), "{word}");
        }
        let done = status(serde_json::json!({"jobId": "j", "status": "succeeded",
            "data": {"pages": 2}, "outputs": {"a": "b"}}));
        let Some(Ok(JobOutcome::Succeeded(result))) = InDesign::outcome("j", done) else {
            panic!("a success");
        };
        assert_eq!(result.data.inline().unwrap()["pages"], 2);
        let partial = status(
            serde_json::json!({"jobId": "j", "status": "partial_success",
            "errors": [{"error_code": "missing_font", "message": "Minion Pro", "source": "doc.indd"}]}),
        );
        let Some(Ok(outcome)) = InDesign::outcome("j", partial) else {
            panic!("a partial success is an outcome");
        };
        assert!(!outcome.is_complete());
        assert_eq!(
            outcome.errors()[0].error_code.as_deref(),
            Some("missing_font")
        );
        let failed = status(serde_json::json!({"jobId": "j", "status": "failed",
            "errors": [{"error_code": "bad_doc", "message": "Not a document."}]}));
        let Some(Err(Error::JobFailed { error_code, .. })) = InDesign::outcome("j", failed) else {
            panic!("a failure is JobFailed");
        };
        assert_eq!(error_code.as_deref(), Some("bad_doc"));
    }
}
