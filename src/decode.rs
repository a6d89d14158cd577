//! Turning what came back into the SDK's result: success bodies decoded,
//! error statuses read into [`ApiError`] (Adobe's `error_code`, message,
//! `validation_errors`, request id), refusals and transport failures into
//! their [`Error`] variants. Used by the generated client's calls, the
//! hand-built requests (uploads, custom models) and downloads.

use std::sync::Arc;

use reqwest::{Response, StatusCode, header::HeaderMap};

use crate::{
    Error,
    auth::{AccessToken, AuthError},
    config::ConfigError,
    error::ApiError,
};

/// The header Adobe puts its request id in.
pub(crate) const REQUEST_ID: &str = "x-request-id";
/// Error bodies (Firefly's and the storage host's) are read up to this
/// size; the rest is not needed to explain the error, so the connection is
/// closed rather than drained.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;

/// Why the transport did not send a request, or why it gave up on it.
#[derive(Clone, Debug)]
pub(crate) enum Refusal {
    /// No token could be had.
    Auth(AuthError),
    /// Firefly rejected the token even after a replay with a fresh one.
    Rejected(Box<ApiError>),
    /// The rate limit would not let it go.
    RateLimit(crate::RateLimitError),
    /// Credentials may not go to this host.
    UntrustedHost(String),
    /// The HTTP client followed a redirect.
    Redirected,
    /// The request failed on the wire (shared: extensions must be `Clone`).
    Failed(Arc<reqwest::Error>),
    /// A success body longer than [`MAX_JSON_BODY`](crate::MAX_JSON_BODY):
    /// read no further, and the connection was closed.
    TooLarge {
        status: u16,
        request_id: Option<String>,
    },
}

impl Refusal {
    pub(crate) fn failed(error: reqwest::Error) -> Self {
        Self::Failed(Arc::new(error.without_url()))
    }
}

/// Stamped on every response the transport hands back: whether the request
/// would create something, which decides whether retrying it is safe.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sent {
    pub(crate) creates: bool,
}

/// A synthetic response carrying a refusal.
pub(crate) fn refused(refusal: Refusal, creates: bool) -> Response {
    let mut response = http::Response::new(Vec::<u8>::new());
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response.extensions_mut().insert(refusal);
    response.extensions_mut().insert(Sent { creates });
    Response::from(response)
}

/// The answer to a request Firefly rejected after the token was renewed:
/// its body is read now, so Adobe's `error_code`, message and request id
/// survive into [`AuthError::AuthRejected`]. A 401 is where a server is most
/// likely to quote the token it refused, so `token` is scrubbed from it.
pub(crate) async fn rejected(response: Response, creates: bool, token: &AccessToken) -> Response {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = read_capped(response, MAX_ERROR_BODY)
        .await
        .map(|capped| capped.body)
        .unwrap_or_default();
    let details = api_error_hiding("", status, &headers, &body, &[token.expose_secret()]);
    refused(Refusal::Rejected(Box::new(details)), creates)
}

pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Converts what a generated method returned into the SDK's result.
pub(crate) async fn outcome<T>(
    operation: &'static str,
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<()>>,
) -> Result<T, Error> {
    use progenitor_client::Error as Generated;
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(Generated::UnexpectedResponse(response)) => {
            Err(from_response(operation, response).await)
        }
        Err(Generated::ErrorResponse(value)) => {
            Err(api_error(operation, value.status().as_u16(), value.headers(), &[]).into())
        }
        Err(
            Generated::CommunicationError(e)
            | Generated::ResponseBodyError(e)
            | Generated::InvalidUpgrade(e),
        ) => Err(transport_error(operation, e, false)),
        Err(Generated::InvalidResponsePayload(_, e)) => Err(Error::Decode {
            operation,
            status: None,
            detail: e.to_string(),
            request_id: None,
        }),
        Err(Generated::InvalidRequest(problem)) => Err(Error::Validation(
            crate::ValidationError::from_builder(&problem),
        )),
        Err(Generated::Custom(problem)) => Err(Error::Decode {
            operation,
            status: None,
            detail: problem,
            request_id: None,
        }),
    }
}

/// Converts a response to a request the SDK sent itself (not through the
/// generated client) into the SDK's result.
pub(crate) async fn decode<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    result: reqwest::Result<Response>,
) -> Result<T, Error> {
    let response = result.map_err(|e| transport_error(operation, e, false))?;
    if response.extensions().get::<Refusal>().is_some() || !response.status().is_success() {
        return Err(from_response(operation, response).await);
    }
    let status = response.status().as_u16();
    let request_id = header(response.headers(), REQUEST_ID);
    let capped = read_capped(response, crate::MAX_JSON_BODY)
        .await
        .map_err(|e| transport_error(operation, e, false))?;
    if capped.cut {
        return Err(too_large(operation, status, request_id));
    }
    serde_json::from_slice(&capped.body).map_err(|e| Error::Decode {
        operation,
        status: Some(status),
        detail: e.to_string(),
        request_id,
    })
}

/// A request that did not complete. `creates`: whether it would have
/// created something, in which case only a connection never made is safe to
/// retry.
pub(crate) fn transport_error(
    operation: &'static str,
    error: impl Into<Arc<reqwest::Error>>,
    creates: bool,
) -> Error {
    let error: Arc<reqwest::Error> = error.into();
    let timed_out = error.is_timeout();
    let retry_safe = crate::retry::retryable_failure(&error, creates);
    let detail = if timed_out {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_body() || error.is_decode() {
        "the response was cut off"
    } else {
        "the connection failed"
    };
    Error::Transport {
        operation,
        detail: detail.to_owned(),
        timed_out,
        retry_safe,
        source: error,
    }
}

/// Builds the error for a non-2xx (or unexpected) response.
async fn from_response(operation: &'static str, response: Response) -> Error {
    let creates = response
        .extensions()
        .get::<Sent>()
        .is_some_and(|sent| sent.creates);
    if let Some(refusal) = response.extensions().get::<Refusal>() {
        return match refusal.clone() {
            Refusal::Auth(error) => Error::Auth(error),
            Refusal::Rejected(mut details) => {
                details.operation = operation;
                Error::Auth(AuthError::AuthRejected {
                    details: Some(details),
                })
            }
            Refusal::RateLimit(error) => Error::RateLimit(error),
            Refusal::UntrustedHost(host) => Error::Config(ConfigError::UntrustedHost { host }),
            Refusal::Redirected => Error::Config(ConfigError::InvalidSetting {
                setting: "HTTP client",
                reason: "it followed a redirect, which could carry credentials to another \
                         host; build it with redirect(reqwest::redirect::Policy::none())"
                    .into(),
            }),
            Refusal::Failed(error) => transport_error(operation, error, creates),
            Refusal::TooLarge { status, request_id } => too_large(operation, status, request_id),
        };
    }
    let status = response.status();
    let headers = response.headers().clone();
    let request_id = header(&headers, REQUEST_ID);
    if status.is_success() {
        return Error::Decode {
            operation,
            status: Some(status.as_u16()),
            detail: "the spec does not list this success status".into(),
            request_id,
        };
    }
    let body = match read_capped(response, MAX_ERROR_BODY).await {
        Ok(capped) => capped.body,
        Err(e) => return transport_error(operation, e, creates),
    };
    let mut error = api_error(operation, status.as_u16(), &headers, &body);
    error.retry_safe = crate::retry::retryable_status(status, creates);
    error.into()
}

/// Reads whatever Firefly or Adobe's gateway said about an error: Adobe's
/// `{error_code, message, validation_errors}`, FastAPI's `{detail}`, the
/// custom-models `{reason, message}`, or any other body as an excerpt. Each
/// field is read on its own, so one odd field does not hide the others.
pub(crate) fn api_error(
    operation: &'static str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiError {
    api_error_hiding(operation, status, headers, body, &[])
}

/// [`api_error`], also scrubbing each of `secrets` from what the server
/// wrote.
pub(crate) fn api_error_hiding(
    operation: &'static str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    secrets: &[&str],
) -> ApiError {
    // Everything here ends up in messages, logs and terminals: each text is
    // cleaned of control characters and anything credential-like.
    let clean = |text: &str| crate::redact::server_text(text, secrets);
    let mut error = ApiError {
        api: "Firefly",
        operation,
        status,
        error_code: None,
        message: None,
        validation_errors: Vec::new(),
        request_id: header(headers, REQUEST_ID).map(|id| clean(&id)),
        retry_after: crate::retry::retry_after(headers),
        access_error: header(headers, "x-access-error").map(|e| clean(&e)),
        body_excerpt: None,
        retry_safe: false,
    };
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(fields)) => {
            let text = |name: &str| fields.get(name).and_then(|v| v.as_str()).map(clean);
            error.error_code = match fields.get("error_code") {
                Some(serde_json::Value::String(code)) => Some(clean(code)),
                Some(serde_json::Value::Number(code)) => Some(code.to_string()),
                _ => None,
            };
            error.message = text("message")
                .or_else(|| text("reason"))
                .or_else(|| text("detail"));
            let details = fields
                .get("validation_errors")
                .or_else(|| fields.get("detail"))
                .and_then(|v| v.as_array());
            error.validation_errors = details
                .into_iter()
                .flatten()
                .filter_map(validation_detail)
                .collect();
            // Photoshop lists its problems as `errors: [{error_code,
            // message}]`: kept as details with the code as their type.
            let listed = fields.get("errors").and_then(|v| v.as_array());
            for item in listed.into_iter().flatten() {
                let text = |name: &str| item.get(name).and_then(|v| v.as_str()).map(clean);
                if let Some(msg) = text("message") {
                    error
                        .validation_errors
                        .push(crate::wire::ValidationErrorDetail {
                            msg: Some(msg),
                            type_: text("error_code"),
                            ..Default::default()
                        });
                }
            }
        }
        _ if body.is_empty() => {}
        _ => {
            let text = clean(&String::from_utf8_lossy(body));
            error.body_excerpt = Some(text.trim().chars().take(200).collect());
        }
    }
    error
}

/// One entry of `validation_errors` (or FastAPI's `detail`), read leniently:
/// a missing `msg` or `type` does not drop the field location.
fn validation_detail(item: &serde_json::Value) -> Option<crate::wire::ValidationErrorDetail> {
    if let Ok(detail) = serde_json::from_value(item.clone()) {
        return Some(detail);
    }
    let fields = item.as_object()?;
    let mut filled = serde_json::Map::new();
    filled.insert(
        "loc".into(),
        fields
            .get("loc")
            .filter(|loc| loc.is_array())
            .cloned()
            .unwrap_or_else(|| serde_json::json!([])),
    );
    for key in ["msg", "type"] {
        let text = fields.get(key).and_then(|v| v.as_str()).unwrap_or_default();
        filled.insert(key.into(), text.into());
    }
    serde_json::from_value(serde_json::Value::Object(filled)).ok()
}

/// The error for a success body over [`MAX_JSON_BODY`](crate::MAX_JSON_BODY).
fn too_large(operation: &'static str, status: u16, request_id: Option<String>) -> Error {
    Error::Decode {
        operation,
        status: Some(status),
        detail: format!(
            "the body is larger than {} MiB, the most this SDK reads from Firefly; it was not \
             read further",
            crate::MAX_JSON_BODY / (1024 * 1024)
        ),
        request_id,
    }
}

/// A body read up to a cap.
pub(crate) struct Capped {
    /// At most the cap's worth of bytes.
    pub(crate) body: Vec<u8>,
    /// Whether the body went on past the cap.
    pub(crate) cut: bool,
}

/// Reads at most `cap` bytes of the body. A longer body is not read further:
/// the response is dropped unfinished, which makes the HTTP client close the
/// connection instead of draining a body of any size into the pool.
pub(crate) async fn read_capped(mut response: Response, cap: usize) -> reqwest::Result<Capped> {
    // A server's length never sizes the buffer beyond the cap.
    let announced = response.content_length().unwrap_or(0);
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(cap).min(cap));
    while let Some(chunk) = response.chunk().await? {
        let room = cap - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok(Capped { body, cut: true });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Capped { body, cut: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_error_body_is_read_without_panicking(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512), status in 400u16..600) {
            let error = api_error("op", status, &HeaderMap::new(), &body);
            proptest::prop_assert_eq!(error.status, status);
            let _ = error.to_string();
        }

        #[test]
        fn any_json_error_body_keeps_its_error_code(value in crate::test_support::any_json(), code in "[a-z_0-9]{1,20}") {
            let mut body = match value {
                serde_json::Value::Object(map) => map,
                other => [("other".to_owned(), other)].into_iter().collect(),
            };
            body.insert("error_code".into(), serde_json::Value::from(code.clone()));
            let bytes = serde_json::to_vec(&body).unwrap();
            let error = api_error("op", 422, &HeaderMap::new(), &bytes);
            proptest::prop_assert_eq!(error.error_code.as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn photoshops_list_of_errors_is_kept() {
        let body = br#"{"error_code":"validation_error","message":"m","errors":[{"error_code":"400401","message":"The value of outputs.0.href is not a valid URL."}]}"#;
        let error = api_error("edit", 400, &HeaderMap::new(), body);
        assert_eq!(error.validation_errors.len(), 1);
        let detail = &error.validation_errors[0];
        assert_eq!(detail.type_.as_deref(), Some("400401"));
        assert!(
            error
                .to_string()
                .contains("outputs.0.href is not a valid URL")
        );
    }

    #[test]
    fn an_odd_field_does_not_hide_the_error_code() {
        let body =
            br#"{"error_code":"validation_error","message":"m","validation_errors":"not a list"}"#;
        let error = api_error("op", 422, &HeaderMap::new(), body);
        assert_eq!(error.error_code.as_deref(), Some("validation_error"));
        assert_eq!(error.message.as_deref(), Some("m"));
        let numeric = api_error("op", 400, &HeaderMap::new(), br#"{"error_code":10075}"#);
        assert_eq!(numeric.error_code.as_deref(), Some("10075"));
        let fastapi = api_error(
            "op",
            422,
            &HeaderMap::new(),
            br#"{"detail":[{"loc":["path","jobId"],"msg":"bad"}]}"#,
        );
        assert_eq!(fastapi.validation_errors.len(), 1);
    }
}
