//! Turning what came back into the SDK's result: success bodies decoded,
//! error statuses read into [`ApiError`](crate::error::ApiError) (Adobe's
//! `error_code`, message, validation details, request id), and the
//! transport's typed failures into their [`Error`] variants. Used by the
//! generated clients' calls, the hand-built requests (uploads) and
//! downloads.

use std::{future::Future, sync::Arc};

use reqwest::Response;

use crate::{
    Api, Error,
    answers::{MAX_ERROR_BODY, REQUEST_ID, api_error, header, read_capped},
    auth::AuthError,
    config::ConfigError,
    transport::{CallRecord, Failure, Unanswered, recorded},
};

/// Runs one call of a generated client and converts what it returned into
/// the SDK's result. The call keeps a record (see `transport`), which says
/// which API answered, whether the request would have created something,
/// and why the SDK refused or gave up, when it did.
pub(crate) async fn outcome<T, F>(operation: &'static str, call: F) -> Result<T, Error>
where
    F: Future<Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<()>>>,
{
    let (result, record) = recorded(call).await;
    settle(operation, result, record).await
}

/// [`outcome`], for a call already run inside [`recorded`]: its result
/// and its record.
pub(crate) async fn settle<T>(
    operation: &'static str,
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<()>>,
    record: Option<CallRecord>,
) -> Result<T, Error> {
    use progenitor_client::Error as Generated;
    let (api, creates, failure) = match record {
        Some(CallRecord {
            api,
            creates,
            failure,
            ..
        }) => (api, creates, failure),
        None => (Api::Firefly, false, None),
    };
    if let Some(failure) = failure {
        return Err(from_failure(api, operation, failure));
    }
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(Generated::UnexpectedResponse(response)) => {
            Err(from_response(api, operation, response, creates).await)
        }
        Err(Generated::ErrorResponse(value)) => {
            let status = value.status().as_u16();
            Err(api_error(api, operation, status, value.headers(), &[]).into())
        }
        Err(
            Generated::CommunicationError(e)
            | Generated::ResponseBodyError(e)
            | Generated::InvalidUpgrade(e),
        ) => Err(transport_error(api.name(), operation, e, creates)),
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

/// Converts the answer to a request the SDK sent itself (not through the
/// generated client) to `api` into the SDK's result. `creates`: whether
/// the request would create something.
pub(crate) async fn decode<T: serde::de::DeserializeOwned>(
    api: Api,
    operation: &'static str,
    result: Result<Response, Unanswered>,
    creates: bool,
) -> Result<T, Error> {
    let response = match result {
        Ok(response) => response,
        Err(Unanswered::Refused(failure)) => return Err(from_failure(api, operation, failure)),
        Err(Unanswered::Failed(error)) => {
            return Err(transport_error(api.name(), operation, error, creates));
        }
    };
    if !response.status().is_success() {
        return Err(from_response(api, operation, response, creates).await);
    }
    let status = response.status().as_u16();
    let request_id = header(response.headers(), REQUEST_ID);
    let capped = read_capped(response, crate::MAX_JSON_BODY)
        .await
        .map_err(|e| transport_error(api.name(), operation, e, creates))?;
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

/// A request to `api` (an API's name, or `storage` for a download) that
/// did not complete. `creates`: whether it would have created something, in
/// which case only a connection never made is safe to retry.
pub(crate) fn transport_error(
    api: &'static str,
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
        api,
        operation,
        detail: detail.to_owned(),
        timed_out,
        retry_safe,
        source: error,
    }
}

/// The error for a request the transport refused to send or gave up on.
fn from_failure(api: Api, operation: &'static str, failure: Failure) -> Error {
    match failure {
        Failure::Auth(error) => Error::Auth(error),
        Failure::Rejected(mut details) => {
            details.operation = operation;
            Error::Auth(AuthError::AuthRejected {
                details: Some(details),
            })
        }
        Failure::RateLimit(error) => Error::RateLimit(error),
        Failure::UntrustedHost(host) => Error::Config(ConfigError::UntrustedHost { host }),
        Failure::Redirected => Error::Config(ConfigError::InvalidSetting {
            setting: "HTTP client",
            reason: format!(
                "it followed a redirect from {}, which could carry credentials to another \
                 host; build it with redirect(reqwest::redirect::Policy::none())",
                api.name()
            ),
        }),
        Failure::TooLarge { status, request_id } => too_large(operation, status, request_id),
        Failure::DryRun(mut prepared) => {
            prepared.operation = operation;
            Error::DryRun(prepared)
        }
    }
}

/// Builds the error for a non-2xx (or unexpected) answer from `api`.
async fn from_response(
    api: Api,
    operation: &'static str,
    response: Response,
    creates: bool,
) -> Error {
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
        Err(e) => return transport_error(api.name(), operation, e, creates),
    };
    let mut error = api_error(api, operation, status.as_u16(), &headers, &body);
    error.retry_safe = crate::retry::retryable_status(status, creates);
    error.into()
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
