//! The detail types inside [`Error`](super::Error): a request field the SDK
//! refused ([`ValidationError`]) and an error status Firefly answered with
//! ([`ApiError`]).

use std::{fmt, time::Duration};

use super::{Printable, printable};
use crate::wire::{ContentPolicyErrorCode, ValidationErrorDetail, ValidationErrorLocation};

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

    /// The error of a generated builder (`no value supplied for prompt`),
    /// naming the field as it is on the wire (`prompt`, `numVariations`).
    pub(crate) fn from_builder(problem: &str) -> Self {
        const PREFIXES: [&str; 2] = [
            "no value supplied for ",
            "error converting supplied value for ",
        ];
        let found = PREFIXES.iter().find_map(|prefix| {
            let rest = problem.strip_prefix(prefix)?;
            let field: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (!field.is_empty()).then_some(field)
        });
        match found {
            Some(field) => {
                let wire = lower_camel(&field);
                let what = if problem.starts_with(PREFIXES[0]) {
                    "is required".to_owned()
                } else {
                    problem.split_once(": ").map_or_else(
                        || "has an unusable value".to_owned(),
                        |(_, why)| why.to_owned(),
                    )
                };
                Self::new(wire, what)
            }
            None => Self::new("request", problem),
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

/// `num_variations` -> `numVariations`: Rust builder names to wire names.
fn lower_camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.trim_start_matches('_').chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// An error status from Firefly, with everything Adobe said about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The API that answered (`Firefly`, `Photoshop`).
    pub(crate) api: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) error_code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) validation_errors: Vec<ValidationErrorDetail>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) access_error: Option<String>,
    pub(crate) body_excerpt: Option<String>,
    /// Whether this status, for this request, is one the SDK retries.
    pub(crate) retry_safe: bool,
}

impl ApiError {
    /// The API that answered: `Firefly` (the Firefly API, and IMS and
    /// the I/O Management API on its behalf) or `Photoshop`.
    pub fn api(&self) -> &'static str {
        self.api
    }

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

    /// The content-policy rule Adobe says was broken, when Firefly answered
    /// 451 (`prompt_unsafe`, `image_unsafe`, ...). Such a request is never
    /// retried: the same content is refused again.
    ///
    /// ```
    /// use adobe_firefly::types::ContentPolicyErrorCode;
    /// let code: ContentPolicyErrorCode = "prompt_unsafe".parse().unwrap();
    /// assert_eq!(code, ContentPolicyErrorCode::PromptUnsafe);
    /// assert!(code.explanation().contains("reword"));
    /// ```
    pub fn content_policy(&self) -> Option<ContentPolicyErrorCode> {
        if self.status != 451 {
            return None;
        }
        let code = self.error_code.as_deref().unwrap_or_default();
        Some(code.parse().unwrap_or_else(|never| match never {}))
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
            451 => self
                .content_policy()
                .map(|code| code.explanation().to_owned())
                .unwrap_or_default(),
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
        // Everything but the status and operation came from the server:
        // shown with control characters escaped.
        write!(
            f,
            "{}: {} answered HTTP {}",
            self.operation, self.api, self.status
        )?;
        if let Some(code) = &self.error_code {
            write!(f, " `{}`", Printable(code))?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {}", Printable(message))?;
        }
        for detail in &self.validation_errors {
            let location: Vec<String> = detail
                .loc
                .iter()
                .map(|part| match part {
                    ValidationErrorLocation::String(name) => printable(name),
                    ValidationErrorLocation::Integer(index) => index.to_string(),
                })
                .collect();
            write!(f, "; {}", location.join("."))?;
            if let Some(msg) = detail.msg.as_deref().filter(|m| !m.is_empty()) {
                // A problem with no location (Photoshop's `errors`) is
                // just its message.
                let separator = if location.is_empty() { "" } else { ": " };
                write!(f, "{separator}{}", Printable(msg))?;
            }
        }
        write!(f, " ({})", self.advice())?;
        if let Some(id) = &self.request_id {
            write!(f, " [request id {}]", Printable(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
