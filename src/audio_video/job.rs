//! An Audio/Video job: the reference an operation answers with, its
//! status, and waiting for it through the SDK's one polling loop with the
//! Audio/Video API's reading of a status. The API has no cancel.

use futures::{FutureExt, future::BoxFuture};

use super::{AudioVideo, AudioVideoStatus};
use crate::{Api, Error, Job, JobApi, WaitOptions, decode::outcome, job::Sealed, wire::JobStatus};

/// A job the Audio/Video API accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AudioVideoJob {
    /// The job's id.
    pub job_id: String,
    /// Where the API said its status is, when it said. The SDK reads the
    /// status at the configured host (`/v1/status/{jobId}`), never at a URL
    /// an answer gave, so credentials go nowhere else.
    pub status_url: Option<String>,
}

impl AudioVideoJob {
    /// A reference to a job known by its id (from an earlier run, a log).
    pub fn new(job_id: impl Into<String>) -> Self {
        Self {
            job_id: job_id.into(),
            status_url: None,
        }
    }

    /// The job a 202 answer describes; an answer without a job id is not
    /// one.
    pub(super) fn accepted(
        operation: &'static str,
        job_id: Option<String>,
        status_url: Option<String>,
    ) -> Result<Self, Error> {
        let job_id = job_id
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| Error::Decode {
                operation,
                status: Some(202),
                detail: "the job was accepted but the answer has no `jobId`".into(),
                request_id: None,
            })?;
        Ok(Self { job_id, status_url })
    }
}

/// The status operation, as the spec names it.
const STATUS: &str = "status";

impl Sealed for AudioVideo {}

/// The Audio/Video API's jobs: the status at `/v1/status/{jobId}`; no
/// cancel.
impl JobApi for AudioVideo {
    type Reference = AudioVideoJob;
    type Status = AudioVideoStatus;
    type Output = AudioVideoStatus;
    const API: Api = Api::AudioVideo;

    fn job_id(reference: &AudioVideoJob) -> &str {
        &reference.job_id
    }

    fn read_status<'a>(
        &'a self,
        reference: &'a AudioVideoJob,
    ) -> BoxFuture<'a, Result<AudioVideoStatus, Error>> {
        let call = self.raw.status().job_id(reference.job_id.as_str());
        outcome(STATUS, call.send()).boxed()
    }

    fn state(status: &AudioVideoStatus) -> Option<JobStatus> {
        status.status.clone()
    }

    /// A failed job carries Adobe's `error_code` and `message`.
    fn outcome(job_id: &str, status: AudioVideoStatus) -> Option<Result<AudioVideoStatus, Error>> {
        match Self::state(&status)? {
            JobStatus::Succeeded => Some(Ok(status)),
            terminal if terminal.is_terminal() => Some(Err(Error::JobFailed {
                job_id: status.job_id.clone().unwrap_or_else(|| job_id.to_owned()),
                status: terminal,
                error_code: status.error_code,
                message: status.message,
            })),
            _ => None,
        }
    }
}

impl AudioVideo {
    /// A [`Job`] handle for a job the API accepted: status and wait in one
    /// value, as for every API (the Audio/Video API cannot cancel a job).
    pub fn track(&self, job: AudioVideoJob) -> Job<AudioVideo> {
        Job::new(self.clone(), job)
    }

    /// The current state of a job.
    ///
    /// A job id that [`Firefly::check_job_id`](crate::Firefly::check_job_id)
    /// refuses is an [`Error::Validation`]; nothing is sent.
    pub async fn job_status(&self, job: &AudioVideoJob) -> Result<AudioVideoStatus, Error> {
        crate::job::status(self, job).await
    }

    /// Polls a job until it finishes, with the options' backoff and
    /// deadline, and returns its final status (with `output` or
    /// `outputs`). A job that ends `failed` is an [`Error::JobFailed`] with
    /// Adobe's `error_code` and `message`; running out of time is an
    /// [`Error::WaitTimeout`] naming the job, so the wait can be resumed.
    /// The same as [`Job::wait`].
    pub async fn wait_for_job(
        &self,
        job: &AudioVideoJob,
        options: &WaitOptions,
    ) -> Result<AudioVideoStatus, Error> {
        crate::job::wait(self, job, options, |_| {}).await
    }

    /// [`AudioVideo::wait_for_job`], calling `on_status` with every status
    /// read (for progress display).
    pub async fn wait_for_job_with(
        &self,
        job: &AudioVideoJob,
        options: &WaitOptions,
        on_status: impl FnMut(&AudioVideoStatus),
    ) -> Result<AudioVideoStatus, Error> {
        crate::job::wait(self, job, options, on_status).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(body: serde_json::Value) -> AudioVideoStatus {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn a_status_ends_the_wait_only_when_terminal() {
        for word in ["pending", "running", "something_new"] {
            let read = status(serde_json::json!({"jobId": "j", "status": word}));
            assert!(AudioVideo::outcome("j", read).is_none(), "{word}");
        }
        assert!(AudioVideo::outcome("j", status(serde_json::json!({}))).is_none());
        let done = status(serde_json::json!({"jobId": "j", "status": "succeeded",
            "output": {"url": "https://out/a.wav"}}));
        assert!(matches!(AudioVideo::outcome("j", done), Some(Ok(_))));
        let failed = status(serde_json::json!({"status": "failed",
            "error_code": "runtime_error", "message": "Run time error in tts"}));
        let Some(Err(Error::JobFailed {
            job_id,
            error_code,
            message,
            status,
        })) = AudioVideo::outcome("j", failed)
        else {
            panic!("a failed job is JobFailed");
        };
        assert_eq!((job_id.as_str(), status), ("j", JobStatus::Failed));
        assert_eq!(error_code.as_deref(), Some("runtime_error"));
        assert_eq!(message.as_deref(), Some("Run time error in tts"));
    }

    #[test]
    fn an_accepted_answer_needs_a_job_id() {
        assert!(AudioVideoJob::accepted("dub", Some(" ".into()), None).is_err());
        assert!(AudioVideoJob::accepted("dub", None, None).is_err());
        let job = AudioVideoJob::accepted("dub", Some("j".into()), Some("u".into())).unwrap();
        assert_eq!(job.status_url.as_deref(), Some("u"));
    }
}
