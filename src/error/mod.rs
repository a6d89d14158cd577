//! The one error type of the SDK: what went wrong, the predicates that
//! sort it (retry? credentials? validation?) and the accessors for Adobe's
//! details. The detail types are in `details.rs`.

use std::{path::PathBuf, sync::Arc, time::Duration};

mod advice;
mod details;
// Reached directly by `config`, which this module depends on.
pub(crate) mod printable;

pub use details::{ApiError, ValidationError};
pub(crate) use printable::{Printable, printable, unsafe_to_print};

use advice::{attempts_made, job_end_advice, storage_advice};

use crate::{auth::AuthError, config::ConfigError, wire::ValidationErrorDetail};

/// Everything that can go wrong in a Firefly call.
///
/// Errors are made by the SDK only: every variant is either
/// `#[non_exhaustive]` or wraps a type with private fields, so callers read
/// them but cannot build them.
///
/// Use the predicates ([`Error::is_retryable`], [`Error::is_auth`], ...) and
/// accessors ([`Error::status`], [`Error::error_code`],
/// [`Error::request_id`], ...) rather than matching on variants where you
/// can: new variants may be added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A setting is missing or unusable; nothing was sent.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// A request field is out of range; nothing was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),

    /// A Photoshop request's storage URL is not https on one of
    /// [`photoshop::STORAGE_HOSTS`](crate::photoshop::STORAGE_HOSTS); nothing was sent.
    #[cfg(feature = "photoshop")]
    #[error(transparent)]
    StorageHost(#[from] crate::photoshop::storage_hosts::StorageHostError),

    /// The client-side rate limit would not let the request go; nothing
    /// was sent.
    #[error(transparent)]
    RateLimit(#[from] crate::RateLimitError),

    /// No access token could be had, or Firefly rejected it.
    #[error(transparent)]
    Auth(#[from] AuthError),

    /// Firefly answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The request did not complete: connection refused or reset, timeout.
    #[error(
        "{operation}: the request to {api} did not complete ({detail}){}",
        if *retry_safe { "; it can be retried" } else {
            "; it may have reached Firefly, so check before sending it again"
        }
    )]
    #[non_exhaustive]
    Transport {
        /// The API the request went to (`Firefly`, `Photoshop`), or
        /// `storage` for a download.
        api: &'static str,
        /// The operation, as named in the spec.
        operation: &'static str,
        /// What happened, without URLs or secrets.
        detail: String,
        /// Whether it was a timeout.
        timed_out: bool,
        /// Whether sending the request again is safe: it created nothing, or
        /// it never left this machine.
        retry_safe: bool,
        /// The transport error (shared, so the error stays cheap to
        /// clone into reports).
        #[source]
        source: Arc<reqwest::Error>,
    },

    /// The storage host refused to hand over a generated file at its
    /// pre-signed URL. No credentials were involved: the URL is its own.
    #[error(
        "download: the storage host answered HTTP {status}{} ({}){}",
        body_excerpt.as_deref().map(|b| format!(": {}", Printable(b))).unwrap_or_default(),
        storage_advice(*status),
        request_id.as_deref().map(|id| format!(" [request id {}]", Printable(id))).unwrap_or_default()
    )]
    #[non_exhaustive]
    Storage {
        /// The HTTP status.
        status: u16,
        /// The storage host's request id (`x-amz-request-id` or `x-request-id`).
        request_id: Option<String>,
        /// The start of the body, when it said anything.
        body_excerpt: Option<String>,
    },

    /// Firefly answered 2xx with a body that does not match the spec.
    #[error(
        "{operation}: Firefly answered{} with a body this SDK cannot read ({}); \
         request id {}",
        status.map(|s| format!(" HTTP {s}")).unwrap_or_default(),
        Printable(detail),
        Printable(request_id.as_deref().unwrap_or("unknown"))
    )]
    #[non_exhaustive]
    Decode {
        /// The operation, as named in the spec.
        operation: &'static str,
        /// The HTTP status, when known.
        status: Option<u16>,
        /// Why it could not be read.
        detail: String,
        /// Adobe's `x-request-id`.
        request_id: Option<String>,
    },

    /// Reading or writing a local file failed.
    #[error(
        "cannot {} {}: {source}",
        if *writing { "write" } else { "read" },
        path.as_ref().map_or_else(|| "the stream".to_owned(), |p| p.display().to_string())
    )]
    #[non_exhaustive]
    Io {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// Whether it was a write (a download being saved) rather than a read
        /// (an image to upload).
        writing: bool,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A job finished without a result (`failed`, `canceled` or `timeout`;
    /// [`Error::is_job_timeout`] tells the last apart).
    #[error(
        "job {} ended `{}`{}{}{}",
        Printable(job_id),
        Printable(status.as_str()),
        error_code.as_deref().map(|c| format!(" with error_code `{}`", Printable(c))).unwrap_or_default(),
        message.as_deref().map(|m| format!(": {}", Printable(m))).unwrap_or_default(),
        job_end_advice(status)
    )]
    #[non_exhaustive]
    JobFailed {
        /// The job.
        job_id: String,
        /// Its final status.
        status: crate::wire::JobStatus,
        /// Adobe's error code, if it gave one.
        error_code: Option<String>,
        /// Adobe's message, if it gave one.
        message: Option<String>,
    },

    /// Waiting for a job took longer than allowed. The job may still finish:
    /// wait again with the same job to resume.
    #[error(
        "job {} did not finish within {waited:?} ({}); wait for it again to resume, or \
         cancel it",
        Printable(job_id),
        match (last_status, last_error) {
            (Some(status), None) => format!("last status `{}`", Printable(status.as_str())),
            (Some(status), Some(error)) => format!(
                "last status read `{}`, but the polls since failed; the last one: {}",
                Printable(status.as_str()),
                Printable(error)
            ),
            (None, Some(error)) => {
                format!("no status could be read; the last poll failed: {}", Printable(error))
            }
            (None, None) => "no status was read".to_owned(),
        }
    )]
    #[non_exhaustive]
    WaitTimeout {
        /// The job, to resume waiting or to cancel.
        job_id: String,
        /// The last status read, if any poll succeeded.
        last_status: Option<crate::wire::JobStatus>,
        /// Why the last poll failed, when it did (set only when no poll
        /// succeeded after it).
        last_error: Option<String>,
        /// How long the wait lasted.
        waited: Duration,
    },

    /// A download stalled (the storage host sent nothing for the idle
    /// limit) or ran past its overall limit; see
    /// [`DownloadTimeouts`](crate::DownloadTimeouts).
    #[error(
        "download: {} {limit:?} ({received} bytes received{}); try the download again",
        if *stalled { "the storage host sent nothing for" } else { "the download did not finish within" },
        attempts_made(*attempts)
    )]
    #[non_exhaustive]
    DownloadTimeout {
        /// Whether the storage host went quiet (the idle limit) rather
        /// than the whole download taking too long (the total limit).
        stalled: bool,
        /// The limit that was reached.
        limit: Duration,
        /// The bytes received before it, in the last attempt.
        received: u64,
        /// The attempts made, the last one included.
        attempts: u32,
    },

    /// A download kept going, but slower than the minimum rate: less than
    /// `min_speed` bytes a second over `min_speed_time`; see
    /// [`DownloadTimeouts`](crate::DownloadTimeouts). `is_timeout()` is
    /// true.
    #[error(
        "download: the storage host sent under {min_speed} bytes/s for {window:?} ({received} \
         bytes received{}); try the download again",
        attempts_made(*attempts)
    )]
    #[non_exhaustive]
    DownloadTooSlow {
        /// The slowest rate accepted, in bytes per second.
        min_speed: u64,
        /// How long the rate stayed under it.
        window: Duration,
        /// The bytes received, in the last attempt.
        received: u64,
        /// The attempts made, the last one included.
        attempts: u32,
    },

    /// A download ended before the whole file arrived: shorter than its
    /// `Content-Length`, cut mid-body, or (without a length) a PNG, JPEG,
    /// WebP, MP4 or contained JPEG XL whose own structure shows it
    /// incomplete. `download_to_file` saved nothing.
    #[error(
        "download: the file arrived incomplete ({received} bytes{}{}{}); try the download again",
        expected.map(|e| format!(" of {e} announced")).unwrap_or_default(),
        reason.map(|r| format!("; {r}")).unwrap_or_default(),
        attempts_made(*attempts)
    )]
    #[non_exhaustive]
    TruncatedDownload {
        /// The length the storage host announced (`Content-Length`), if any.
        expected: Option<u64>,
        /// The bytes that arrived, in the last attempt.
        received: u64,
        /// What the file's structure showed, when that was the check that
        /// failed.
        reason: Option<&'static str>,
        /// The attempts made, the last one included.
        attempts: u32,
    },

    /// The client was built with
    /// [`FireflyBuilder::dry_run`](crate::FireflyBuilder::dry_run): the
    /// request passed every check and was prepared, and is here instead of
    /// being sent. Nothing was sent, not even to IMS.
    #[error(
        "dry run: {} {} ({}) was prepared and not sent",
        .0.method,
        .0.url,
        .0.operation
    )]
    DryRun(Box<crate::PreparedRequest>),

    /// The storage host redirected a download where the SDK does not
    /// follow: plain http to a host that is not loopback, https down to
    /// http, another scheme, or more than 5 redirects. Nothing was sent to
    /// the target.
    #[error("download: the storage host redirected to {location}, which is not followed: {reason}")]
    #[non_exhaustive]
    RedirectRefused {
        /// The target's scheme and host (its path and query are left out:
        /// they may carry a signature).
        location: String,
        /// Why it is not followed.
        reason: &'static str,
    },
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Self::Api(Box::new(error))
    }
}

impl Error {
    /// Writing `path` (or the caller's writer) failed.
    pub(crate) fn write_failed(path: Option<&std::path::Path>, error: std::io::Error) -> Self {
        Self::Io {
            path: path.map(std::path::Path::to_path_buf),
            writing: true,
            source: error,
        }
    }

    /// Reading `path` (or the caller's stream) failed.
    pub(crate) fn read_failed(path: Option<&std::path::Path>, error: std::io::Error) -> Self {
        Self::Io {
            path: path.map(std::path::Path::to_path_buf),
            writing: false,
            source: error,
        }
    }

    /// The details Firefly sent with its final 401, after a replay.
    fn rejection(&self) -> Option<&ApiError> {
        match self {
            Self::Auth(AuthError::AuthRejected { details }) => details.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status Firefly answered with, if it answered with an error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Decode { status, .. } => *status,
            Self::Storage { status, .. } => Some(*status),
            Self::Auth(auth) => auth.status(),
            _ => None,
        }
    }

    /// Adobe's `error_code` (from the response body or the failed job).
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.error_code(),
            Self::JobFailed { error_code, .. } => error_code.as_deref(),
            Self::Auth(auth) => auth.ims_error().or_else(|| self.rejection()?.error_code()),
            _ => None,
        }
    }

    /// Adobe's message.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.message(),
            Self::JobFailed { message, .. } => message.as_deref(),
            Self::Auth(_) => self.rejection()?.message(),
            _ => None,
        }
    }

    /// The field-level problems the API listed in its error answer:
    /// Firefly's 422 `details`, Photoshop's `errors[]`, also when the answer
    /// came with a refused token ([`Error::Auth`]). Empty for every other
    /// error, including the SDK's own checks: an [`Error::Validation`] is
    /// one problem, described by the [`ValidationError`] it holds.
    pub fn validation_errors(&self) -> &[ValidationErrorDetail] {
        match self {
            Self::Api(api) => api.validation_errors(),
            _ => self
                .rejection()
                .map_or(&[], |details| details.validation_errors()),
        }
    }

    /// Adobe's `x-request-id` for the failed request.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.request_id(),
            Self::Decode { request_id, .. } | Self::Storage { request_id, .. } => {
                request_id.as_deref()
            }
            Self::Auth(_) => self.rejection()?.request_id(),
            _ => None,
        }
    }

    /// The wait Firefly or IMS asked for before retrying.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api(api) => api.retry_after(),
            Self::Auth(auth) => auth.retry_after(),
            _ => None,
        }
    }

    /// The job this error is about, to resume waiting or to cancel.
    pub fn job_id(&self) -> Option<&str> {
        match self {
            Self::JobFailed { job_id, .. } | Self::WaitTimeout { job_id, .. } => Some(job_id),
            _ => None,
        }
    }

    /// Whether sending the same call again is safe and may succeed: exactly
    /// the failures the SDK's own retries take on. Connections never made,
    /// 429 and 503 always; timeouts, cut connections, 408, 502 and 504 only
    /// for requests that create nothing (a job submission that timed out
    /// may have created the job); temporary IMS failures; storage
    /// downloads that failed on the host's side, stalled or arrived
    /// incomplete.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { retry_safe, .. } => *retry_safe,
            Self::Auth(auth) => auth.is_retryable(),
            Self::Api(api) => api.retry_safe,
            Self::Storage { status, .. } => reqwest::StatusCode::from_u16(*status)
                .is_ok_and(|status| crate::retry::retryable_status(status, false)),
            // Downloads are GETs of the same URL: safe to repeat.
            Self::DownloadTimeout { .. }
            | Self::DownloadTooSlow { .. }
            | Self::TruncatedDownload { .. } => true,
            _ => false,
        }
    }

    /// Whether the credentials are the problem: IMS rejected them, Firefly
    /// answered 401, or 403 for the API key or entitlement. Not for an IMS
    /// outage, an exhausted quota, or an expired download URL.
    pub fn is_auth(&self) -> bool {
        match self {
            Self::Auth(auth) => auth.is_credentials_problem(),
            Self::Api(api) => {
                api.status == 401
                    || (api.status == 403 && api.access_error() != Some("quota_exhausted"))
            }
            _ => false,
        }
    }

    /// Whether Firefly refused the content (HTTP 451: the prompt or an
    /// input broke Adobe's content policy). [`Error::content_policy`] says
    /// which rule. Never retried.
    pub fn is_content_policy(&self) -> bool {
        self.content_policy().is_some()
    }

    /// The content-policy rule Adobe says was broken (HTTP 451).
    pub fn content_policy(&self) -> Option<crate::wire::ContentPolicyErrorCode> {
        match self {
            Self::Api(api) => api.content_policy(),
            _ => None,
        }
    }

    /// Whether a job ended `timeout`: Firefly gave up on it on its side
    /// (unlike [`Error::WaitTimeout`], where this client stopped waiting).
    pub fn is_job_timeout(&self) -> bool {
        matches!(
            self,
            Self::JobFailed {
                status: crate::wire::JobStatus::Timeout,
                ..
            }
        )
    }

    /// Whether the API answered 429 Too Many Requests (Firefly's quota,
    /// Photoshop's throttling; [`Error::retry_after`] gives the wait it
    /// asked for). Not the SDK's own budget refusing to send a request:
    /// that is [`Error::RateLimit`], and nothing was sent. Not a 403 with
    /// `quota_exhausted` either: that quota does not come back by waiting
    /// ([`ApiError::access_error`] names it).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::Api(api) if api.status == 429)
    }

    /// Whether the request was invalid, as found by the SDK before sending
    /// or by Firefly (400, 422).
    pub fn is_validation(&self) -> bool {
        match self {
            Self::Validation(_) => true,
            #[cfg(feature = "photoshop")]
            Self::StorageHost(_) => true,
            Self::Api(api) => matches!(api.status, 400 | 422),
            _ => false,
        }
    }

    /// Whether Firefly did not know the resource (404, such as
    /// `unknown_job_id`).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Api(api) if api.status == 404)
    }

    /// Whether a time limit was hit (transport, IMS, a download, or waiting
    /// for a job).
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Transport { timed_out, .. } => *timed_out,
            Self::Auth(AuthError::Timeout { .. })
            | Self::WaitTimeout { .. }
            | Self::DownloadTimeout { .. }
            | Self::DownloadTooSlow { .. } => true,
            _ => false,
        }
    }
}
