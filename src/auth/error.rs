use std::{fmt, sync::Arc, time::Duration};

/// Why no access token could be had.
///
/// No variant ever carries the client secret or a token value.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// IMS could not be reached or answered with a temporary failure (a
    /// connection error, 408, 429 or 5xx). Retrying later may succeed.
    #[error(
        "Adobe IMS is unavailable ({detail}){}; the token will be requested again{}",
        status_suffix(*status),
        retry_suffix(*retry_after)
    )]
    #[non_exhaustive]
    Transient {
        /// The HTTP status, when IMS answered.
        status: Option<u16>,
        /// What went wrong, without secrets.
        detail: String,
        /// When the next attempt is allowed.
        retry_after: Option<Duration>,
        /// The underlying transport error, if any.
        #[source]
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },

    /// IMS refused the request, typically a wrong client id or secret
    /// (`invalid_client`) or a scope the credential lacks (`invalid_scope`).
    #[error(
        "Adobe IMS rejected the credentials with HTTP {status} `{ims_error}`: {description}. \
         Check FIREFLY_SERVICES_CLIENT_ID, FIREFLY_SERVICES_CLIENT_SECRET and the scopes \
         against the Developer Console project{}",
        retry_suffix(*retry_after)
    )]
    #[non_exhaustive]
    Permanent {
        /// The HTTP status IMS answered with.
        status: u16,
        /// The OAuth `error` code, such as `invalid_client`.
        ims_error: String,
        /// The OAuth `error_description`.
        description: String,
        /// When the next attempt is allowed.
        retry_after: Option<Duration>,
    },

    /// The IMS URL does not lead to a token endpoint: IMS answered with a
    /// redirect (3xx, which is never followed, so the client secret stays
    /// with the configured host) or 404. A configuration problem, not a
    /// verdict on the credentials.
    #[error(
        "Adobe IMS answered HTTP {status} at its token endpoint, so the IMS URL is wrong or \
         the endpoint moved: check FIREFLY_SERVICES_IMS_URL (the default is {default}){}",
        retry_suffix(*retry_after),
        default = crate::config::DEFAULT_IMS_URL
    )]
    #[non_exhaustive]
    Endpoint {
        /// The HTTP status IMS answered with.
        status: u16,
        /// When the next attempt is allowed.
        retry_after: Option<Duration>,
    },

    /// IMS did not answer in time.
    #[error(
        "Adobe IMS did not answer within {after:?}; check connectivity to the IMS host{}",
        retry_suffix(*retry_after)
    )]
    #[non_exhaustive]
    Timeout {
        /// How long the client waited.
        after: Duration,
        /// When the next attempt is allowed.
        retry_after: Option<Duration>,
    },

    /// IMS answered 200 with something that is not a usable bearer token.
    #[error("Adobe IMS answered with an unusable token response: {reason}{}", retry_suffix(*retry_after))]
    #[non_exhaustive]
    InvalidResponse {
        /// What was wrong with it.
        reason: String,
        /// When the next attempt is allowed.
        retry_after: Option<Duration>,
    },

    /// The cached token expired and could not be replaced.
    #[error("the access token expired and could not be renewed: {cause}")]
    #[non_exhaustive]
    TokenUnavailable {
        /// Why the renewal failed.
        #[source]
        cause: Box<AuthError>,
    },

    /// Firefly rejected the access token (HTTP 401) even after a fresh token
    /// was fetched, or the token source cannot provide another one.
    #[error(
        "Firefly rejected the access token (HTTP 401{}). If you set \
         FIREFLY_SERVICES_ACCESS_TOKEN, it has expired: use FIREFLY_SERVICES_CLIENT_SECRET so \
         the SDK can renew tokens; otherwise check that the credential has the Firefly API in \
         its project{}",
        details.as_deref().and_then(|d| d.error_code()).map(|c| format!(" `{c}`")).unwrap_or_default(),
        details.as_deref().map(rejection_suffix).unwrap_or_default()
    )]
    #[non_exhaustive]
    AuthRejected {
        /// What Firefly said with its last 401, when it said anything.
        details: Option<Box<crate::ApiError>>,
    },

    /// Token requests need a Tokio runtime, and none was running.
    #[error("the IMS token manager must be used inside a Tokio runtime")]
    #[non_exhaustive]
    NoRuntime,
}

fn rejection_suffix(details: &crate::ApiError) -> String {
    let mut out = String::new();
    if let Some(message) = details.message() {
        out.push_str(&format!(" (Firefly said: {message})"));
    }
    if let Some(id) = details.request_id() {
        out.push_str(&format!(" [request id {id}]"));
    }
    out
}

fn status_suffix(status: Option<u16>) -> String {
    status.map(|s| format!(", HTTP {s}")).unwrap_or_default()
}

fn retry_suffix(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (next attempt in {:.1}s)", d.as_secs_f64()))
        .unwrap_or_default()
}

impl AuthError {
    /// Whether trying again later may succeed without changing the
    /// configuration.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transient { .. } | Self::Timeout { .. } => true,
            Self::TokenUnavailable { cause } => cause.is_retryable(),
            Self::Permanent { .. }
            | Self::Endpoint { .. }
            | Self::InvalidResponse { .. }
            | Self::AuthRejected { .. }
            | Self::NoRuntime => false,
        }
    }

    /// When the token manager will next contact IMS, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Transient { retry_after, .. }
            | Self::Permanent { retry_after, .. }
            | Self::Endpoint { retry_after, .. }
            | Self::Timeout { retry_after, .. }
            | Self::InvalidResponse { retry_after, .. } => *retry_after,
            Self::TokenUnavailable { cause } => cause.retry_after(),
            Self::AuthRejected { .. } | Self::NoRuntime => None,
        }
    }

    /// Whether the credentials are the problem (rejected by IMS or by
    /// Firefly), as opposed to IMS being unreachable or misbehaving.
    pub fn is_credentials_problem(&self) -> bool {
        match self {
            Self::Permanent { .. } | Self::AuthRejected { .. } => true,
            Self::TokenUnavailable { cause } => cause.is_credentials_problem(),
            Self::Transient { .. }
            | Self::Endpoint { .. }
            | Self::Timeout { .. }
            | Self::InvalidResponse { .. }
            | Self::NoRuntime => false,
        }
    }

    /// The HTTP status behind the error: IMS's, or Firefly's 401.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Transient { status, .. } => *status,
            Self::Permanent { status, .. } | Self::Endpoint { status, .. } => Some(*status),
            Self::AuthRejected { .. } => Some(401),
            Self::TokenUnavailable { cause } => cause.status(),
            Self::Timeout { .. } | Self::InvalidResponse { .. } | Self::NoRuntime => None,
        }
    }

    /// The OAuth `error` code IMS answered with, such as `invalid_client`.
    pub fn ims_error(&self) -> Option<&str> {
        match self {
            Self::Permanent { ims_error, .. } => Some(ims_error),
            Self::TokenUnavailable { cause } => cause.ims_error(),
            _ => None,
        }
    }

    /// The same error, saying that the next attempt is `wait` away.
    pub(crate) fn with_retry_after(mut self, wait: Duration) -> Self {
        match &mut self {
            Self::Transient { retry_after, .. }
            | Self::Permanent { retry_after, .. }
            | Self::Endpoint { retry_after, .. }
            | Self::Timeout { retry_after, .. }
            | Self::InvalidResponse { retry_after, .. } => *retry_after = Some(wait),
            Self::TokenUnavailable { cause } => {
                **cause = cause.as_ref().clone().with_retry_after(wait);
            }
            Self::AuthRejected { .. } | Self::NoRuntime => {}
        }
        self
    }

    pub(crate) fn transient(
        status: Option<u16>,
        detail: impl fmt::Display,
        retry_after: Option<Duration>,
    ) -> Self {
        Self::Transient {
            status,
            detail: detail.to_string(),
            retry_after,
            source: None,
        }
    }
}
