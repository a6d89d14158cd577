//! [`App`]: what every handler is given (the store, each API's validator,
//! the emulator's URL), and the glue every API's routes share: logging a
//! request, admitting it through the store and writing the store's refusal
//! as an answer, and reading a JSON body.

use axum::{
    body::Bytes,
    http::{HeaderMap, HeaderValue, header},
    response::Response,
};
use serde_json::Value;

use crate::{
    api::Api,
    faults::{FaultApi, RetryAfter},
    responses::{cut_connection, error, rate_limited, validation_error},
    store::{Credentials, Refusal, Store},
    validation::Validators,
};

/// The state every handler shares.
pub(crate) struct App {
    pub(crate) store: Store,
    pub(crate) validators: Validators,
    /// The base URL of every API the emulator serves, such as
    /// `http://127.0.0.1:41234`: job and download URLs start with it.
    pub(crate) url: String,
    /// The client that reads a job's inputs from the user's storage and
    /// writes its outputs there (Photoshop's jobs); it never carries
    /// credentials and follows no redirect.
    pub(crate) storage: reqwest::Client,
}

impl App {
    /// An error in Adobe's shape (an HTML page under `html_errors`).
    pub(crate) fn error(&self, status: u16, code: &str, message: &str) -> Response {
        error(self.store.errors_as_html(), status, code, message)
    }

    /// A 429 with this `Retry-After`, with `api`'s error code.
    fn rate_limited(&self, api: Api, retry_after: RetryAfter) -> Response {
        let code = match api {
            Api::Firefly => "rate_limited",
            Api::Photoshop => "unauthorized_rate_limited",
            Api::AudioVideo | Api::InDesign | Api::Substance3d => "too_many_requests",
        };
        rate_limited(self.store.errors_as_html(), code, retry_after)
    }

    /// Records a request in the log.
    pub(crate) fn log(&self, method: &str, path: &str, headers: &HeaderMap) {
        self.store.log(
            method,
            path,
            headers.contains_key(header::AUTHORIZATION),
            headers.contains_key("x-api-key"),
        );
    }

    /// What every Firefly (and Management API) request goes through: see
    /// [`App::admit_to`].
    pub(crate) async fn admit(
        &self,
        method: &str,
        path: &str,
        headers: &HeaderMap,
        scope: &str,
    ) -> Result<(), Response> {
        self.admit_to(Api::Firefly, method, path, headers, scope)
            .await
    }

    /// What every request to `api` goes through, with a token that must
    /// carry `scope`: the log, the injected faults, then the checks Adobe's
    /// gateway makes. `Err` is the answer to send instead, with `api`'s
    /// error codes.
    pub(crate) async fn admit_to(
        &self,
        api: Api,
        method: &str,
        path: &str,
        headers: &HeaderMap,
        scope: &str,
    ) -> Result<(), Response> {
        // `path` is relative to the API's base URL; the log keeps the path
        // the server was asked for, so each API's requests are told apart.
        self.log(method, &format!("{}{path}", api.prefix()), headers);
        let arrival = self.store.arrive();
        if let Some(delay) = arrival.delay {
            tokio::time::sleep(delay).await;
        }
        let credentials = Credentials {
            token: headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer ")),
            api_key: headers.get("x-api-key").and_then(|v| v.to_str().ok()),
        };
        self.store
            .admit(
                arrival,
                fault_api(api),
                credentials,
                scope,
                method == "POST",
            )
            .map_err(|refusal| self.refused(api, refusal, scope))
    }

    /// The answer to a request to `api` the store refused. The gateway's
    /// answers (token, API key) are the same for every API; a missing scope
    /// and a 429 carry each API's code (Photoshop documents
    /// `unauthorized_forbidden` and `unauthorized_rate_limited`).
    fn refused(&self, api: Api, refusal: Refusal, scope: &str) -> Response {
        match refusal {
            Refusal::ConnectionCut => cut_connection(),
            Refusal::InvalidToken => self.error(401, "401013", "Oauth token is not valid"),
            Refusal::MissingApiKey => self.error(403, "403000", "Api Key is required"),
            Refusal::WrongApiKey => self.error(403, "403003", "Api Key is invalid"),
            Refusal::NotEntitled => {
                let mut response = self.error(
                    403,
                    "user_non_entitled",
                    "The organization is not entitled to this API: its product profile is not \
                     on the credential's project",
                );
                response.headers_mut().insert(
                    "x-access-error",
                    HeaderValue::from_static("user_non_entitled"),
                );
                response
            }
            Refusal::MissingScope => {
                let message = format!("The token lacks the scope {scope}");
                let code = match api {
                    Api::Firefly => "access_error",
                    Api::Photoshop => "unauthorized_forbidden",
                    Api::AudioVideo | Api::InDesign | Api::Substance3d => "forbidden",
                };
                let mut response = self.error(403, code, &message);
                response.headers_mut().insert(
                    "x-access-error",
                    HeaderValue::from_static("invalid_ims_scope"),
                );
                response
            }
            Refusal::OverQuota { retry_after_secs } => {
                let mut response = self.rate_limited(api, RetryAfter::Seconds(retry_after_secs));
                response
                    .headers_mut()
                    .insert("x-access-rate-limit-level", HeaderValue::from_static("org"));
                response
            }
            Refusal::RateLimited(retry_after) => self.rate_limited(api, retry_after),
            Refusal::ServerError(status) => {
                self.error(status, "runtime_error", "injected server error")
            }
        }
    }

    /// Parses a JSON body and checks it with `check` (the problems it
    /// finds); `Err` is the 4xx answer.
    pub(crate) fn json_body(
        &self,
        headers: &HeaderMap,
        body: &Bytes,
        check: impl Fn(&Value) -> Vec<Value>,
    ) -> Result<Value, Response> {
        let json_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json_type {
            return Err(self.error(
                415,
                "invalid_content_type",
                "Content-Type must be application/json",
            ));
        }
        if body.is_empty() {
            return Err(self.error(400, "empty_input_body", "The request body is empty"));
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|_| self.error(400, "bad_request", "The request body is not JSON"))?;
        let problems = check(&value);
        if problems.is_empty() {
            Ok(value)
        } else {
            Err(validation_error(problems))
        }
    }
}

/// The name the faults give an API.
fn fault_api(api: Api) -> FaultApi {
    match api {
        Api::Firefly => FaultApi::Firefly,
        Api::Photoshop => FaultApi::Photoshop,
        Api::AudioVideo => FaultApi::AudioVideo,
        Api::InDesign => FaultApi::InDesign,
        Api::Substance3d => FaultApi::Substance3d,
    }
}
