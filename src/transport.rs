//! What happens to every Firefly request on its way out and back: credentials
//! are attached (only for trusted hosts), a 401 invalidates the token and is
//! replayed once, and error responses become [`Error`] values that keep the
//! status, Adobe's `error_code`, the message and the request id.
//!
//! The generated client calls [`Transport::execute`] through progenitor's
//! `ClientHooks::exec`. Hooks can only return `reqwest` results, so when the
//! SDK refuses to send (no token, untrusted host) the hook answers with a
//! synthetic response that carries a [`Refusal`] in its extensions; every
//! error status reaches the SDK as `UnexpectedResponse` (build.rs removes
//! error responses from the generated code), so the refusal is never lost.

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use reqwest::{
    Request, Response, StatusCode,
    header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue},
};
use url::Url;

use tracing::Instrument;

use crate::{
    Error,
    auth::{AccessToken, AuthError, TokenSource},
    config::ConfigError,
    error::ApiError,
    generated,
    retry::{Limiter, RateLimit, RetryPolicy},
};

const API_KEY: HeaderName = HeaderName::from_static("x-api-key");
const REQUEST_ID: &str = "x-request-id";
/// Error bodies are read up to this size; the rest is not needed to explain
/// the error.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The generated client's inner value: credentials and policy for requests.
#[derive(Clone)]
pub struct Transport {
    shared: Arc<Shared>,
}

struct Shared {
    tokens: Arc<dyn TokenSource>,
    api_key: HeaderValue,
    api_origin: url::Origin,
    trust_adobe_io: bool,
    retry: RetryPolicy,
    limiter: Option<Limiter>,
    replays_after_401: AtomicU64,
}

/// Why the transport did not send a request (or gave up on it).
#[derive(Clone, Debug)]
enum Refusal {
    Auth(AuthError),
    UntrustedHost(String),
}

impl Transport {
    pub(crate) fn new(
        tokens: Arc<dyn TokenSource>,
        client_id: &str,
        api_url: &Url,
        retry: RetryPolicy,
        rate_limit: Option<RateLimit>,
    ) -> Result<Self, ConfigError> {
        let mut api_key =
            HeaderValue::from_str(client_id).map_err(|_| ConfigError::MissingSetting {
                setting: "client id",
                hint: "a client id made of visible ASCII characters",
            })?;
        api_key.set_sensitive(true);
        let trust_adobe_io = api_url.scheme() == "https"
            && api_url
                .host_str()
                .is_some_and(|host| host.ends_with(".adobe.io"));
        Ok(Self {
            shared: Arc::new(Shared {
                tokens,
                api_key,
                api_origin: api_url.origin(),
                trust_adobe_io,
                retry,
                limiter: rate_limit.map(Limiter::new),
                replays_after_401: AtomicU64::new(0),
            }),
        })
    }

    /// Whether credentials may be sent to `url`: the configured API origin,
    /// or, when that is an Adobe host, another https `*.adobe.io` host
    /// (Firefly hands out status URLs on per-cluster hosts).
    pub(crate) fn trusts(&self, url: &Url) -> bool {
        url.origin() == self.shared.api_origin
            || (self.shared.trust_adobe_io
                && url.scheme() == "https"
                && url
                    .host_str()
                    .is_some_and(|host| host.ends_with(".adobe.io")))
    }

    /// How many requests were replayed with a fresh token after a 401.
    pub(crate) fn replays_after_401(&self) -> u64 {
        self.shared.replays_after_401.load(Ordering::Relaxed)
    }

    /// Sends a request with credentials, within the rate limit, retrying
    /// what the [`RetryPolicy`] allows, in a tracing span for the operation.
    pub(crate) async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        operation: &str,
    ) -> reqwest::Result<Response> {
        // progenitor adds the spec's info.version as `api-version`; Firefly
        // does not define that header.
        request.headers_mut().remove("api-version");
        if !self.trusts(request.url()) {
            let host = request.url().host_str().unwrap_or_default().to_owned();
            return Ok(refused(Refusal::UntrustedHost(host)));
        }
        let span = tracing::info_span!(
            "firefly",
            operation,
            method = %request.method(),
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let (result, attempts) = self
            .with_retries(http, request, operation)
            .instrument(span.clone())
            .await;
        span.record("attempts", attempts);
        span.record("duration_ms", started.elapsed().as_secs_f64() * 1e3);
        if let Ok(response) = &result {
            span.record("status", response.status().as_u16());
            if let Some(id) = header(response.headers(), REQUEST_ID) {
                span.record("request_id", id);
            }
        }
        result
    }

    async fn with_retries(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        operation: &str,
    ) -> (reqwest::Result<Response>, u32) {
        // A POST creates a job or an upload: only retried when the answer
        // shows nothing was created.
        let creates = request.method() == reqwest::Method::POST;
        let mut attempt = 1;
        loop {
            let next = request.try_clone();
            if let Some(limiter) = &self.shared.limiter {
                limiter.acquire(request.method()).await;
            }
            let outcome = match self.send_authorized(http, request, operation).await {
                Ok(response) => buffered(response).await,
                Err(error) => Err(error),
            };
            let (retryable, retry_after) = match &outcome {
                Ok(response) if response.extensions().get::<Refusal>().is_some() => (false, None),
                Ok(response) => (
                    retryable_status(response.status(), creates),
                    crate::retry::retry_after(response.headers()),
                ),
                Err(error) => (retryable_failure(error, creates), None),
            };
            let pause = retryable
                .then(|| self.shared.retry.pause(attempt, retry_after))
                .flatten();
            match (next, pause) {
                (Some(next), Some(pause)) => {
                    tracing::debug!(
                        operation,
                        attempt,
                        pause_ms = pause.as_secs_f64() * 1e3,
                        "retrying Firefly request"
                    );
                    tokio::time::sleep(pause).await;
                    request = next;
                    attempt += 1;
                }
                _ => return (outcome, attempt),
            }
        }
    }

    /// One request with credentials; replayed once with a fresh token after
    /// a 401.
    async fn send_authorized(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        operation: &str,
    ) -> reqwest::Result<Response> {
        let tokens = &self.shared.tokens;
        let token = match tokens.token().await {
            Ok(token) => token,
            Err(error) => return Ok(refused(Refusal::Auth(error))),
        };
        // Streaming bodies cannot be cloned and so are not replayed.
        let replay = request.try_clone();
        self.authorize(&mut request, &token);
        let started = Instant::now();
        let response = http.execute(request).await?;
        trace_response(operation, &response, started);
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }

        tokens.invalidate(&token);
        let Some(mut replay) = replay else {
            return Ok(response);
        };
        let fresh = match tokens.token().await {
            Ok(fresh) => fresh,
            Err(error) => return Ok(refused(Refusal::Auth(error))),
        };
        if fresh.same_as(&token) {
            // The source cannot mint another token (a static token): a
            // replay would be rejected the same way.
            return Ok(marked(response, Refusal::Auth(AuthError::AuthRejected)));
        }
        self.shared
            .replays_after_401
            .fetch_add(1, Ordering::Relaxed);
        self.authorize(&mut replay, &fresh);
        let started = Instant::now();
        let second = http.execute(replay).await?;
        trace_response(operation, &second, started);
        if second.status() == StatusCode::UNAUTHORIZED {
            tokens.invalidate(&fresh);
            return Ok(marked(second, Refusal::Auth(AuthError::AuthRejected)));
        }
        Ok(second)
    }

    fn authorize(&self, request: &mut Request, token: &AccessToken) {
        let headers = request.headers_mut();
        match HeaderValue::try_from(format!("Bearer {}", token.expose_secret())) {
            Ok(mut value) => {
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
            // A token with control characters cannot be sent; Firefly will
            // answer 401, which surfaces as an auth error.
            Err(_) => tracing::warn!("the access token is not a valid header value"),
        }
        headers.insert(API_KEY, self.shared.api_key.clone());
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("tokens", &self.shared.tokens)
            .field("api_origin", &self.shared.api_origin.ascii_serialization())
            .finish_non_exhaustive()
    }
}

impl progenitor_client::ClientHooks<Transport> for generated::Client {
    async fn exec(
        &self,
        request: Request,
        info: &progenitor_client::OperationInfo,
    ) -> reqwest::Result<Response> {
        use progenitor_client::ClientInfo;
        self.inner()
            .execute(
                self.client(),
                request,
                &spec_operation_id(info.operation_id),
            )
            .await
    }
}

/// The spec's operationId (`jobResultV3`) for progenitor's method name
/// (`job_result_v3`), so logs and errors use one vocabulary.
fn spec_operation_id(method_name: &str) -> String {
    let mut parts = method_name.split('_');
    let mut id = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            id.extend(first.to_uppercase());
            id.push_str(chars.as_str());
        }
    }
    id
}

fn trace_response(operation: &str, response: &Response, started: Instant) {
    tracing::debug!(
        operation,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
        request_id = header(response.headers(), REQUEST_ID),
        "firefly response"
    );
}

/// Statuses worth another attempt. For requests that create something, only
/// those that say nothing was created.
fn retryable_status(status: StatusCode, creates: bool) -> bool {
    match status.as_u16() {
        429 | 503 => true,
        408 | 502 | 504 => !creates,
        _ => false,
    }
}

/// Transport failures worth another attempt. A request that creates
/// something is only re-sent when the connection was never made.
fn retryable_failure(error: &reqwest::Error, creates: bool) -> bool {
    error.is_connect()
        || (!creates && (error.is_timeout() || error.is_request() || error.is_body()))
}

/// Reads the whole body now, so a connection cut mid-answer is a transport
/// failure the retry loop sees, not a decoding error later. Firefly's JSON
/// bodies are small; downloads do not come through here.
async fn buffered(response: Response) -> reqwest::Result<Response> {
    if response.extensions().get::<Refusal>().is_some() {
        return Ok(response);
    }
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(Response::from(rebuilt))
}

fn refused(refusal: Refusal) -> Response {
    let mut response = http::Response::new(Vec::<u8>::new());
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    marked(Response::from(response), refusal)
}

fn marked(mut response: Response, refusal: Refusal) -> Response {
    response.extensions_mut().insert(refusal);
    response
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
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
        ) => Err(transport_error(operation, e)),
        Err(Generated::InvalidResponsePayload(_, e)) => Err(Error::Decode {
            operation,
            status: None,
            detail: e.to_string(),
            request_id: None,
        }),
        Err(Generated::InvalidRequest(problem)) => Err(Error::Validation(
            crate::ValidationError::new("request", problem),
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
    let response = result.map_err(|e| transport_error(operation, e))?;
    if response.extensions().get::<Refusal>().is_some() || !response.status().is_success() {
        return Err(from_response(operation, response).await);
    }
    let status = response.status().as_u16();
    let request_id = header(response.headers(), REQUEST_ID);
    let body = response
        .bytes()
        .await
        .map_err(|e| transport_error(operation, e))?;
    serde_json::from_slice(&body).map_err(|e| Error::Decode {
        operation,
        status: Some(status),
        detail: e.to_string(),
        request_id,
    })
}

pub(crate) fn transport_error(operation: &'static str, error: reqwest::Error) -> Error {
    let timed_out = error.is_timeout();
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
        source: Arc::new(error.without_url()),
    }
}

/// Builds the error for a non-2xx (or unexpected) response.
async fn from_response(operation: &'static str, response: Response) -> Error {
    if let Some(refusal) = response.extensions().get::<Refusal>() {
        return match refusal.clone() {
            Refusal::Auth(error) => Error::Auth(error),
            Refusal::UntrustedHost(host) => Error::Config(ConfigError::UntrustedHost { host }),
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
        Ok(body) => body,
        Err(e) => return transport_error(operation, e),
    };
    api_error(operation, status.as_u16(), &headers, &body).into()
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
    let mut error = ApiError {
        operation,
        status,
        error_code: None,
        message: None,
        validation_errors: Vec::new(),
        request_id: header(headers, REQUEST_ID),
        retry_after: crate::retry::retry_after(headers),
        access_error: header(headers, "x-access-error"),
        body_excerpt: None,
    };
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(fields)) => {
            let text = |name: &str| fields.get(name).and_then(|v| v.as_str()).map(str::to_owned);
            error.error_code = match fields.get("error_code") {
                Some(serde_json::Value::String(code)) => Some(code.clone()),
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
                .filter_map(|item| serde_json::from_value(item.clone()).ok())
                .collect();
        }
        _ if body.is_empty() => {}
        _ => {
            let text = String::from_utf8_lossy(body);
            error.body_excerpt = Some(text.trim().chars().take(200).collect());
        }
    }
    error
}

async fn read_capped(mut response: Response, cap: usize) -> reqwest::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = cap.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= cap {
            break;
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::StaticToken;

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

    #[test]
    fn method_names_map_back_to_operation_ids() {
        assert_eq!(spec_operation_id("job_result_v3"), "jobResultV3");
        assert_eq!(
            spec_operation_id("generate_images_v3_async"),
            "generateImagesV3Async"
        );
        assert_eq!(spec_operation_id("get_custom_models"), "getCustomModels");
    }

    #[test]
    fn credentials_headers_are_marked_sensitive() {
        let url = Url::parse("https://firefly-api.adobe.io").unwrap();
        let transport = Transport::new(
            Arc::new(StaticToken::new("t")),
            "client",
            &url,
            RetryPolicy::default(),
            None,
        )
        .unwrap();
        let mut request = Request::new(reqwest::Method::GET, url);
        transport.authorize(&mut request, &AccessToken::new("t"));
        let authorization = &request.headers()[AUTHORIZATION];
        assert_eq!(authorization.to_str().unwrap(), "Bearer t");
        assert!(authorization.is_sensitive());
        assert!(request.headers()[API_KEY].is_sensitive());
        assert!(!format!("{:?}", request.headers()).contains("Bearer t"));
    }

    #[test]
    fn credentials_go_only_to_trusted_hosts() {
        let adobe = Url::parse("https://firefly-api.adobe.io").unwrap();
        let transport = Transport::new(
            Arc::new(StaticToken::new("t")),
            "client",
            &adobe,
            RetryPolicy::default(),
            None,
        )
        .unwrap();
        let trusted = |url: &str| transport.trusts(&Url::parse(url).unwrap());
        assert!(trusted("https://firefly-api.adobe.io/v3/status/x"));
        assert!(trusted("https://firefly-epo855230.adobe.io/v3/status/x"));
        assert!(!trusted("http://firefly-epo855230.adobe.io/v3/status/x"));
        assert!(!trusted(
            "https://pre-signed-firefly-prod.s3-accelerate.amazonaws.com/x"
        ));
        assert!(!trusted("https://evil.adobe.io.example.com/x"));

        let local = Url::parse("http://127.0.0.1:8080").unwrap();
        let transport = Transport::new(
            Arc::new(StaticToken::new("t")),
            "client",
            &local,
            RetryPolicy::default(),
            None,
        )
        .unwrap();
        assert!(transport.trusts(&Url::parse("http://127.0.0.1:8080/v3/x").unwrap()));
        assert!(!transport.trusts(&Url::parse("http://127.0.0.1:9090/v3/x").unwrap()));
        assert!(!transport.trusts(&Url::parse("https://firefly-api.adobe.io/v3/x").unwrap()));
    }
}
