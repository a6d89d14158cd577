//! The one error type of the SDK.

use std::{fmt, sync::Arc, time::Duration};

use crate::{auth::AuthError, config::ConfigError, types::ValidationErrorDetail};

/// Everything that can go wrong in a Firefly call.
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

    /// No access token could be had, or Firefly rejected it.
    #[error(transparent)]
    Auth(#[from] AuthError),

    /// Firefly answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The request did not complete: connection refused or reset, timeout.
    #[error("{operation}: the request to Firefly did not complete ({detail}); it can be retried")]
    Transport {
        /// The operation, as named in the spec.
        operation: &'static str,
        /// What happened, without URLs or secrets.
        detail: String,
        /// Whether it was a timeout.
        timed_out: bool,
        /// The transport error.
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync>,
    },

    /// Firefly answered 2xx with a body that does not match the spec.
    #[error(
        "{operation}: Firefly answered{} with a body this SDK cannot read ({detail}); \
         request id {}",
        status.map(|s| format!(" HTTP {s}")).unwrap_or_default(),
        request_id.as_deref().unwrap_or("unknown")
    )]
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
        "cannot write the download{}: {source}",
        path.as_ref().map(|p| format!(" to {}", p.display())).unwrap_or_default()
    )]
    Io {
        /// The file, when there is one.
        path: Option<std::path::PathBuf>,
        /// The I/O error.
        #[source]
        source: Arc<std::io::Error>,
    },

    /// A job finished without a result (`failed`, `canceled` or `timeout`).
    #[error(
        "job {job_id} ended `{status}`{}{}",
        error_code.as_deref().map(|c| format!(" with error_code `{c}`")).unwrap_or_default(),
        message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
    )]
    JobFailed {
        /// The job.
        job_id: String,
        /// Its final status.
        status: crate::types::JobStatus,
        /// Adobe's error code, if it gave one.
        error_code: Option<String>,
        /// Adobe's message, if it gave one.
        message: Option<String>,
    },

    /// Waiting for a job took longer than allowed. The job may still finish:
    /// wait again with the same job to resume.
    #[error(
        "job {job_id} did not finish within {waited:?} (last status `{last_status}`); \
         wait for it again to resume, or cancel it"
    )]
    WaitTimeout {
        /// The job, to resume waiting or to cancel.
        job_id: String,
        /// The last status seen.
        last_status: crate::types::JobStatus,
        /// How long the wait lasted.
        waited: Duration,
    },
}

/// A request field breaks one of Firefly's documented limits.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid request: `{field}` {problem}")]
pub struct ValidationError {
    field: String,
    problem: String,
}

impl ValidationError {
    pub(crate) fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// The field, as named on the wire (`numVariations`, `size.width`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

/// An error status from Firefly, with everything Adobe said about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) error_code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) validation_errors: Vec<ValidationErrorDetail>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) access_error: Option<String>,
    pub(crate) body_excerpt: Option<String>,
}

impl ApiError {
    /// The operation, as named in the spec (`generateImagesV3Async`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Adobe's `error_code`: a word such as `validation_error` or a numeric
    /// gateway code such as `403003`.
    pub fn error_code(&self) -> Option<&str> {
        self.error_code.as_deref()
    }

    /// Adobe's `message`.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Field-level problems Firefly reported (422).
    pub fn validation_errors(&self) -> &[ValidationErrorDetail] {
        &self.validation_errors
    }

    /// Adobe's `x-request-id`; quote it to Adobe support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The wait the `Retry-After` header asked for.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Why access was refused (the `x-access-error` header on 403), such as
    /// `quota_exhausted` or `invalid_ims_scope`.
    pub fn access_error(&self) -> Option<&str> {
        self.access_error.as_deref()
    }

    /// The start of a body that was not Adobe's JSON error shape (an HTML
    /// gateway page, for example).
    pub fn body_excerpt(&self) -> Option<&str> {
        self.body_excerpt.as_deref()
    }

    fn advice(&self) -> String {
        match self.status {
            400 | 422 => "fix the request".into(),
            401 => "the access token was rejected; check the credentials".into(),
            403 => match self.access_error.as_deref() {
                Some("quota_exhausted") => "the organization's quota is used up".into(),
                Some("invalid_ims_scope") => "request the firefly_api and ff_apis scopes".into(),
                _ => "check that the client id (x-api-key) is right and the credential is \
                      entitled to Firefly"
                    .into(),
            },
            404 => "check the id".into(),
            408 | 500..=599 => "Firefly had a problem; retry later".into(),
            429 => match self.retry_after {
                Some(wait) => format!("rate limited; retry in {}s", wait.as_secs()),
                None => "rate limited; retry with backoff".into(),
            },
            _ => "see Adobe's message".into(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: Firefly answered HTTP {}",
            self.operation, self.status
        )?;
        if let Some(code) = &self.error_code {
            write!(f, " `{code}`")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        for detail in &self.validation_errors {
            let location: Vec<String> = detail
                .loc
                .iter()
                .map(|part| {
                    part.as_str()
                        .map_or_else(|| part.to_string(), str::to_owned)
                })
                .collect();
            write!(f, "; {}", location.join("."))?;
            if let Some(msg) = &detail.msg {
                write!(f, ": {msg}")?;
            }
        }
        write!(f, " ({})", self.advice())?;
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Self::Api(Box::new(error))
    }
}

impl Error {
    pub(crate) fn io(path: Option<&std::path::Path>, error: std::io::Error) -> Self {
        Self::Io {
            path: path.map(std::path::Path::to_path_buf),
            source: Arc::new(error),
        }
    }

    /// The HTTP status Firefly answered with, if it answered with an error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Decode { status, .. } => *status,
            _ => None,
        }
    }

    /// Adobe's `error_code` (from the response body or the failed job).
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.error_code(),
            Self::JobFailed { error_code, .. } => error_code.as_deref(),
            Self::Auth(auth) => auth.ims_error(),
            _ => None,
        }
    }

    /// Adobe's message.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.message(),
            Self::JobFailed { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Field-level problems, from Firefly (422) or from the SDK's own checks.
    pub fn validation_errors(&self) -> &[ValidationErrorDetail] {
        match self {
            Self::Api(api) => api.validation_errors(),
            _ => &[],
        }
    }

    /// Adobe's `x-request-id` for the failed request.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.request_id(),
            Self::Decode { request_id, .. } => request_id.as_deref(),
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

    /// Whether the same call may succeed later without changes: connection
    /// problems, timeouts, 408, 429, 5xx and temporary IMS failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { .. } => true,
            Self::Auth(auth) => auth.is_retryable(),
            Self::Api(api) => matches!(api.status, 408 | 429 | 500..=599),
            _ => false,
        }
    }

    /// Whether credentials are the problem (IMS refused them, Firefly
    /// answered 401, or 403 for the API key or entitlement).
    pub fn is_auth(&self) -> bool {
        match self {
            Self::Auth(_) => true,
            Self::Api(api) => matches!(api.status, 401 | 403),
            _ => false,
        }
    }

    /// Whether Firefly answered 429.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::Api(api) if api.status == 429)
    }

    /// Whether the request was invalid, as found by the SDK before sending
    /// or by Firefly (400, 422).
    pub fn is_validation(&self) -> bool {
        match self {
            Self::Validation(_) => true,
            Self::Api(api) => matches!(api.status, 400 | 422),
            _ => false,
        }
    }

    /// Whether Firefly did not know the resource (404, such as
    /// `unknown_job_id`).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Api(api) if api.status == 404)
    }

    /// Whether a time limit was hit (transport, IMS or waiting for a job).
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Transport { timed_out, .. } => *timed_out,
            Self::Auth(AuthError::Timeout { .. }) | Self::WaitTimeout { .. } => true,
            _ => false,
        }
    }
}
