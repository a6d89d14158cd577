//! A Substance 3D job: the reference an operation answers with, its status
//! read at the `url` the service gave (the spec has no status path), and
//! waiting for it through the SDK's one polling loop, with `Retry-After`
//! honoured and `?wait=true` on the job's URL as a bounded first wait.

use std::time::Duration;

use futures::{FutureExt, future::BoxFuture};
use reqwest::header::ACCEPT;
use serde_json::Value;

use super::{Substance3d, types};
use crate::{Api, Error, Job, JobApi, WaitOptions, decode::decode, job::Sealed, wire::JobStatus};

/// The operation that made a job, which says what its `result` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Substance3dOperation {
    /// `POST /v1/composites/compose`.
    Compose,
    /// `POST /v1/scenes/assemble`.
    Assemble,
    /// `POST /v1/scenes/convert`.
    Convert,
    /// `POST /v1/scenes/describe`.
    Describe,
    /// `POST /v1/scenes/render`.
    Render,
    /// `POST /v1/scenes/render-basic`.
    RenderBasic,
}

impl Substance3dOperation {
    /// The spec's `operationId`.
    pub fn operation_id(self) -> &'static str {
        match self {
            Self::Compose => "composeScene",
            Self::Assemble => "assembleScene",
            Self::Convert => "convertModel",
            Self::Describe => "describeScene",
            Self::Render => "renderScene",
            Self::RenderBasic => "renderModel",
        }
    }
}

/// A job Substance 3D accepted: its id, the URL its state is read from,
/// and what made it. Plain data: store it, rebuild it with
/// [`Substance3dJob::new`], and [`Substance3d::track`] it later.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Substance3dJob {
    /// The job's id.
    pub id: String,
    /// The URL to poll for the job's state, as the service gave it.
    pub url: String,
    /// The operation that made the job.
    pub operation: Substance3dOperation,
    /// How long the service asked to wait before the first poll
    /// (`Retry-After`, capped at an hour), when it said.
    pub retry_after: Option<Duration>,
}

impl Substance3dJob {
    /// A reference to a job known by its id and URL (from an earlier run).
    pub fn new(
        id: impl Into<String>,
        url: impl Into<String>,
        operation: Substance3dOperation,
    ) -> Self {
        Self {
            id: id.into(),
            url: url.into(),
            operation,
            retry_after: None,
        }
    }
}

/// What a finished job produced, by the operation that made it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Substance3dResult {
    /// A composite's images and its output space.
    Compose(types::ComposeResult),
    /// The assembled scene's URL and its output space.
    Assemble(types::AssembleResult),
    /// The converted files, in the output space.
    Convert(types::ConvertResult),
    /// The scene's statistics, cameras, materials and node tree.
    Describe(types::DescribeResult),
    /// A render's image (and masks, mattes, depth) URLs (`render` and
    /// `render-basic`).
    Render(types::RenderResult),
}

impl Substance3dResult {
    /// The URLs of the files the job made, to download with
    /// [`Firefly::download_to_file`](crate::Firefly::download_to_file).
    pub fn output_urls(&self) -> Vec<&str> {
        fn space(space: &types::Space) -> Vec<&str> {
            space
                .files
                .iter()
                .flatten()
                .map(|file| file.url.as_str())
                .collect()
        }
        match self {
            Self::Compose(result) => result
                .outputs
                .iter()
                .map(|output| output.image.url.as_str())
                .collect(),
            Self::Assemble(result) => vec![result.scene_url.as_str()],
            Self::Convert(result) => space(&result.output_space),
            Self::Describe(_) => Vec::new(),
            Self::Render(result) => {
                let mut urls = vec![result.render_url.as_str()];
                urls.extend(result.matte_url.as_deref());
                urls.extend(result.distance_to_camera_url.as_deref());
                urls
            }
        }
    }
}

/// One reading of a job's state at its URL.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Substance3dJobStatus {
    /// The job's id.
    pub id: String,
    /// The state as the service wrote it: `not_started`, `running`,
    /// `succeeded`, `failed` (or one added later).
    pub status: String,
    /// The URL to poll.
    pub url: Option<String>,
    /// What the job produced, once it succeeded.
    pub result: Option<Substance3dResult>,
    /// Why the job failed, when it did.
    pub error: Option<String>,
    /// Where Adobe takes reports about this job.
    pub bug_report_url: Option<String>,
    /// How long the service asked to wait before the next poll
    /// (`Retry-After`, capped at an hour).
    pub retry_after: Option<Duration>,
}

impl Substance3dJobStatus {
    /// The state in the SDK's vocabulary (`not_started` is
    /// [`JobStatus::Pending`]).
    pub fn state(&self) -> JobStatus {
        match self.status.as_str() {
            "not_started" => JobStatus::Pending,
            word => word.parse().unwrap_or_else(|never| match never {}),
        }
    }

    /// A job answer (a 202 or a job URL's body) read as `operation`'s.
    pub(crate) fn from_body(
        operation: Substance3dOperation,
        body: Value,
        retry_after: Option<Duration>,
    ) -> Result<Self, String> {
        let text = |field: &str| body.get(field).and_then(Value::as_str).map(str::to_owned);
        let id = text("id").ok_or("the job has no `id`")?;
        let status = text("status").ok_or("the job has no `status`")?;
        let result = match body.get("result") {
            None | Some(Value::Null) => None,
            Some(result) => Some(read_result(operation, result.clone())?),
        };
        Ok(Self {
            id,
            status,
            url: text("url"),
            result,
            error: text("error"),
            bug_report_url: text("bugReportUrl"),
            retry_after,
        })
    }
}

fn read_result(
    operation: Substance3dOperation,
    result: Value,
) -> Result<Substance3dResult, String> {
    use Substance3dOperation as Op;
    let read = |e: serde_json::Error| format!("the job's `result` is not {operation:?}'s: {e}");
    Ok(match operation {
        Op::Compose => Substance3dResult::Compose(serde_json::from_value(result).map_err(read)?),
        Op::Assemble => Substance3dResult::Assemble(serde_json::from_value(result).map_err(read)?),
        Op::Convert => Substance3dResult::Convert(serde_json::from_value(result).map_err(read)?),
        Op::Describe => Substance3dResult::Describe(serde_json::from_value(result).map_err(read)?),
        Op::Render | Op::RenderBasic => {
            Substance3dResult::Render(serde_json::from_value(result).map_err(read)?)
        }
    })
}

/// The job URL's read, as it appears in errors and traces (not in the
/// spec: the service hands out the URL).
const STATUS: &str = "getJob";

impl Sealed for Substance3d {}

/// Substance 3D's jobs: the state at the `url` the service gave; no cancel.
impl JobApi for Substance3d {
    type Reference = Substance3dJob;
    type Status = Substance3dJobStatus;
    type Output = Substance3dJobStatus;
    const API: Api = Api::Substance3d;

    fn job_id(reference: &Substance3dJob) -> &str {
        &reference.id
    }

    fn read_status<'a>(
        &'a self,
        reference: &'a Substance3dJob,
    ) -> BoxFuture<'a, Result<Substance3dJobStatus, Error>> {
        self.read_job(reference, None).boxed()
    }

    fn state(status: &Substance3dJobStatus) -> Option<JobStatus> {
        Some(status.state())
    }

    fn retry_after(status: &Substance3dJobStatus) -> Option<Duration> {
        status.retry_after
    }

    fn first_retry_after(job: &Substance3dJob) -> Option<Duration> {
        job.retry_after
    }

    /// A failed job carries the service's `error`.
    fn outcome(
        job_id: &str,
        status: Substance3dJobStatus,
    ) -> Option<Result<Substance3dJobStatus, Error>> {
        match status.state() {
            JobStatus::Succeeded if status.result.is_none() => Some(Err(Error::Decode {
                operation: STATUS,
                status: Some(200),
                detail: "the job succeeded but its answer has no `result`".into(),
                request_id: None,
            })),
            JobStatus::Succeeded => Some(Ok(status)),
            terminal if terminal.is_terminal() => Some(Err(Error::JobFailed {
                job_id: if status.id.is_empty() {
                    job_id.to_owned()
                } else {
                    status.id.clone()
                },
                status: terminal,
                error_code: None,
                message: status.error,
            })),
            _ => None,
        }
    }
}

impl Substance3d {
    /// Reads the job at its URL once, through the API's transport: the
    /// URL must be on the configured origin (the trust rule), or the read
    /// is refused before sending. `hold`: ask the service to answer only
    /// once the job is done (`?wait=true`), for at most that long.
    async fn read_job(
        &self,
        job: &Substance3dJob,
        hold: Option<Duration>,
    ) -> Result<Substance3dJobStatus, Error> {
        let mut url = url::Url::parse(&job.url).map_err(|e| {
            crate::ValidationError::new("url", format!("is not a URL the job can be read at: {e}"))
        })?;
        if hold.is_some() {
            url.query_pairs_mut().append_pair("wait", "true");
        }
        let mut request = self
            .http
            .get(url)
            .header(ACCEPT, "application/json")
            .build()
            .map_err(|e| crate::decode::transport_error("Substance 3D", STATUS, e, false))?;
        *request.timeout_mut() = hold;
        let result = self.transport.execute(&self.http, request, STATUS).await;
        let retry_after = result
            .as_ref()
            .ok()
            .and_then(|response| crate::retry::retry_after(response.headers()));
        let body: Value = decode(Api::Substance3d, STATUS, result, false).await?;
        Substance3dJobStatus::from_body(job.operation, body, retry_after).map_err(|detail| {
            Error::Decode {
                operation: STATUS,
                status: Some(200),
                detail,
                request_id: None,
            }
        })
    }

    /// A [`Job`] handle for a job Substance 3D accepted: status and wait in
    /// one value, as for every API (Substance 3D cannot cancel a job).
    pub fn track(&self, job: Substance3dJob) -> Job<Substance3d> {
        Job::new(self.clone(), job)
    }

    /// The current state of a job, read at its URL.
    ///
    /// A job id that [`Firefly::check_job_id`](crate::Firefly::check_job_id)
    /// refuses is an [`Error::Validation`]; a URL off the configured origin
    /// is refused ([`ConfigError::UntrustedHost`](crate::ConfigError::UntrustedHost));
    /// nothing is sent.
    pub async fn job_status(&self, job: &Substance3dJob) -> Result<Substance3dJobStatus, Error> {
        crate::job::status(self, job).await
    }

    /// Polls a job at its URL until it finishes, with the options' backoff
    /// and deadline and the service's `Retry-After` (the submission's for the
    /// first poll, each state's for the next), and returns its final
    /// state (with `result`). A job that ends `failed` is an
    /// [`Error::JobFailed`] with the service's `error`; running out of time
    /// is an [`Error::WaitTimeout`] naming the job, so the wait can be
    /// resumed. The same as [`Job::wait`].
    pub async fn wait_for_job(
        &self,
        job: &Substance3dJob,
        options: &WaitOptions,
    ) -> Result<Substance3dJobStatus, Error> {
        crate::job::wait(self, job, options, |_| {}).await
    }

    /// [`Substance3d::wait_for_job`], calling `on_status` with every state
    /// read (for progress display).
    pub async fn wait_for_job_with(
        &self,
        job: &Substance3dJob,
        options: &WaitOptions,
        on_status: impl FnMut(&Substance3dJobStatus),
    ) -> Result<Substance3dJobStatus, Error> {
        crate::job::wait(self, job, options, on_status).await
    }

    /// Waits for a job by asking its URL to answer only once the job is
    /// done (`?wait=true`), for at most `hold` (and never past the
    /// options' deadline), then, if it is still going, polls it as
    /// [`Substance3d::wait_for_job`] does for the rest of the deadline.
    ///
    /// The job was accepted before this is called, so a held request that
    /// times out or fails loses nothing: its id and URL are in `job`. (A
    /// submission with `?wait=true` would lose the job if it timed out,
    /// since its id comes only with the answer; the SDK never sends one.)
    pub async fn wait_on_server(
        &self,
        job: &Substance3dJob,
        hold: Duration,
        options: &WaitOptions,
    ) -> Result<Substance3dJobStatus, Error> {
        crate::Firefly::check_job_id(&job.id)?;
        let started = tokio::time::Instant::now();
        let hold = hold.min(options.deadline);
        // The transport's own retries could stretch one read past `hold`;
        // the timer bounds the whole read.
        match tokio::time::timeout(hold, self.read_job(job, Some(hold))).await {
            Ok(Ok(status)) => {
                if let Some(done) = <Self as JobApi>::outcome(&job.id, status) {
                    return done;
                }
            }
            Ok(Err(error)) if !error.is_retryable() && !is_timeout(&error) => return Err(error),
            Ok(Err(error)) => {
                tracing::debug!(job_id = %job.id, error = %error, "held read failed; polling");
            }
            Err(_elapsed) => {
                tracing::debug!(job_id = %job.id, "held read reached its limit; polling");
            }
        }
        let rest = options.deadline.saturating_sub(started.elapsed());
        let options = options.clone().deadline(rest);
        // The held read already waited longer than the submission asked.
        let mut job = job.clone();
        job.retry_after = None;
        self.wait_for_job(&job, &options).await
    }
}

fn is_timeout(error: &Error) -> bool {
    matches!(
        error,
        Error::Transport {
            timed_out: true,
            ..
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(operation: Substance3dOperation, body: Value) -> Substance3dJobStatus {
        Substance3dJobStatus::from_body(operation, body, None).unwrap()
    }

    #[test]
    fn a_status_ends_the_wait_only_when_terminal() {
        for word in ["not_started", "running", "something_new"] {
            let status = read(
                Substance3dOperation::Render,
                json!({"id": "j", "status": word, "url": "https://s3d.adobe.io/j"}),
            );
            assert!(Substance3d::outcome("j", status).is_none(), "{word}");
        }
        let failed = read(
            Substance3dOperation::Render,
            json!({"id": "j", "status": "failed", "error": "The scene has no camera."}),
        );
        let Some(Err(Error::JobFailed {
            status, message, ..
        })) = Substance3d::outcome("j", failed)
        else {
            panic!("a failed job is JobFailed");
        };
        assert_eq!(status, JobStatus::Failed);
        assert_eq!(message.as_deref(), Some("The scene has no camera."));
        let empty = read(
            Substance3dOperation::Render,
            json!({"id": "j", "status": "succeeded"}),
        );
        assert!(matches!(
            Substance3d::outcome("j", empty),
            Some(Err(Error::Decode { .. }))
        ));
    }

    #[test]
    fn a_result_of_the_wrong_shape_is_an_error_not_a_panic() {
        let wrong = Substance3dJobStatus::from_body(
            Substance3dOperation::Describe,
            json!({"id": "j", "status": "succeeded", "result": {"renderUrl": 3}}),
            None,
        );
        assert!(wrong.unwrap_err().contains("Describe"));
        assert!(
            Substance3dJobStatus::from_body(Substance3dOperation::Render, json!([]), None).is_err()
        );
    }
}
