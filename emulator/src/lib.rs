//! A local emulator of Adobe IMS and the Firefly API, for trying the SDK
//! without an Adobe account and for testing code that uses it.
//!
//! It serves, on 127.0.0.1:
//!
//! - `POST /ims/token/v3`: the client-credentials grant, checking the client
//!   id and secret (400 `invalid_client` otherwise);
//! - every generation endpoint of the vendored spec: images (text,
//!   similar, expand, fill, object composite; each synchronous and as a job)
//!   and video jobs;
//! - `GET /v3/status/{jobId}` (pending, then running, then succeeded) and
//!   `PUT /v3/cancel/{jobId}`;
//! - `POST /v2/storage/image` (uploads, checked for type and size) and
//!   `GET /v3/custom-models` (paginated);
//! - the Adobe I/O Management API's secret rotation (list, create, delete
//!   client secrets; IMS accepts every secret not deleted);
//! - `GET /storage/{file}`: the generated images, behind pre-signed-style
//!   URLs that need no credentials and expire.
//!
//! Like Firefly it checks the bearer token (401), the `x-api-key` (403), and
//! the body against the vendored spec (422 with `validation_errors` naming the
//! field). Images are deterministic PNGs per (prompt, seed, size).
//! [`Faults`] injects rate limiting, server errors, slow answers, cut
//! connections, HTML error pages, failed jobs and early-expiring tokens.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use adobe_firefly_emulator::Emulator;
//!
//! let emulator = Emulator::start().await?;
//! // Point any Firefly client at it, for example through Adobe's variable names:
//! for (name, value) in emulator.env_vars() {
//!     println!("{name}={value}");
//! }
//! # Ok(()) }
//! ```

// Handlers answer with an axum `Response` on every path, refusals included;
// boxing the refusals would only add an allocation.
#![allow(clippy::result_large_err)]

mod faults;
mod image;
mod upload_check;
mod validation;

pub use faults::{Faults, RetryAfter, ServerErrorBurst};

use std::{
    collections::{HashMap, VecDeque},
    fmt,
    sync::{
        Arc, Mutex, MutexGuard, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime},
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
    routing::{get, post, put},
};
use serde_json::{Value, json};
use tokio::time::Instant;

/// Scopes an emulated credential may ask for unless configured otherwise.
const DEFAULT_ALLOWED_SCOPES: &str = "openid,AdobeID,session,additional_info,read_organizations,\
firefly_api,ff_apis,firefly_enterprise,additional_info.projectedProductContext,\
additional_info.roles,adobeio_api,read_client_secret,manage_client_secrets";

fn scope_list(scopes: &str) -> Vec<String> {
    scopes
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Environment variable holding the faults to inject (see [`Faults`]).
pub const FAULTS_ENV: &str = "FIREFLY_EMULATOR_FAULTS";

/// A running emulator. Stops when dropped.
pub struct Emulator {
    url: String,
    state: Arc<EmulatorState>,
    server: tokio::task::JoinHandle<()>,
}

/// Settings for an [`Emulator`].
#[derive(Clone)]
pub struct EmulatorBuilder {
    client_id: String,
    client_secret: String,
    allowed_scopes: Vec<String>,
    organization_id: String,
    credential_id: String,
    token_lifetime: Duration,
    polls_until_done: u32,
    job_duration: Option<Duration>,
    max_image_side: u32,
    url_lifetime: Duration,
    custom_models: u32,
    port: u16,
    faults: Faults,
}

/// One request the emulator received, for tests to inspect.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Whether it had an `Authorization` header.
    pub had_authorization: bool,
    /// Whether it had an `x-api-key` header.
    pub had_api_key: bool,
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("allowed_scopes", &self.allowed_scopes)
            .field("token_lifetime", &self.token_lifetime)
            .field("polls_until_done", &self.polls_until_done)
            .field("job_duration", &self.job_duration)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            client_id: "emulator-client-id".into(),
            client_secret: "emulator-client-secret".into(),
            allowed_scopes: scope_list(DEFAULT_ALLOWED_SCOPES),
            organization_id: "EMULATORORG0000000000000@AdobeOrg".into(),
            credential_id: "emulator-credential".into(),
            token_lifetime: Duration::from_secs(86399),
            polls_until_done: 2,
            job_duration: None,
            max_image_side: 1024,
            url_lifetime: Duration::from_secs(3600),
            custom_models: 3,
            port: 0,
            faults: Faults::none(),
        }
    }
}

impl EmulatorBuilder {
    /// Defaults plus the faults in `FIREFLY_EMULATOR_FAULTS`, if set.
    pub fn from_env() -> Result<Self, String> {
        let faults = match std::env::var(FAULTS_ENV) {
            Ok(spec) => Faults::parse(&spec).map_err(|e| format!("{FAULTS_ENV}: {e}"))?,
            Err(_) => Faults::none(),
        };
        Ok(Self::default().faults(faults))
    }

    /// The credentials IMS accepts.
    pub fn credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.client_id = client_id.into();
        self.client_secret = client_secret.into();
        self
    }

    /// The scopes the credential may ask for, comma-separated, like a
    /// Developer Console credential's (default: Firefly's and the I/O
    /// Management API's). A token request for another scope gets 400
    /// `invalid_scope`. Firefly calls need a token with `firefly_api`.
    pub fn allowed_scopes(mut self, scopes: &str) -> Self {
        self.allowed_scopes = scope_list(scopes);
        self
    }

    /// The organization and credential ids the Management API knows.
    pub fn credential(
        mut self,
        organization_id: impl Into<String>,
        credential_id: impl Into<String>,
    ) -> Self {
        self.organization_id = organization_id.into();
        self.credential_id = credential_id.into();
        self
    }

    /// The `expires_in` IMS announces (default 86399 s, like Adobe).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime.max(Duration::from_secs(1));
        self
    }

    /// Status requests before a job succeeds (default 2: the first poll
    /// sees `pending`, the second `running`, the third `succeeded`).
    pub fn polls_until_done(mut self, polls: u32) -> Self {
        self.polls_until_done = polls;
        self
    }

    /// Make jobs take this long instead of a number of polls: `pending`
    /// for the first tenth, then `running` with a progress percentage, then
    /// done. Lets polling strategies be compared by their request counts.
    pub fn job_duration(mut self, duration: Duration) -> Self {
        self.job_duration = Some(duration);
        self
    }

    /// Longest side of the rendered PNGs (default 1024); larger requested
    /// sizes keep their aspect ratio. The job result reports the requested size.
    pub fn max_image_side(mut self, pixels: u32) -> Self {
        self.max_image_side = pixels.max(1);
        self
    }

    /// How long image URLs stay valid (default 1 h, like Adobe's).
    pub fn url_lifetime(mut self, lifetime: Duration) -> Self {
        self.url_lifetime = lifetime;
        self
    }

    /// How many custom models the organization has (default 3).
    pub fn custom_models(mut self, count: u32) -> Self {
        self.custom_models = count;
        self
    }

    /// The port to listen on (default 0: one the OS picks).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Faults to inject.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Binds 127.0.0.1 and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let first_secret = self.client_secret.clone();
        let validator = validation::SpecValidator::new().map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(EmulatorState {
            settings: self,
            url: url.clone(),
            validator,
            api_requests: AtomicU64::new(0),
            jobs_submitted: AtomicU64::new(0),
            tokens_issued: AtomicU64::new(0),
            data: Mutex::new(Data {
                secrets: vec![StoredSecret {
                    uuid: new_uuid(),
                    value: first_secret,
                    created: "2025-01-01T00:00:00.000Z".into(),
                }],
                ..Data::default()
            }),
        });
        let mut app = Router::new().route("/ims/token/v3", post(ims_token));
        for operation in ASYNC_OPERATIONS {
            let operation = *operation;
            app = app.route(
                operation.path,
                post(move |State(state), headers, body| {
                    submit_job(state, operation, headers, body)
                }),
            );
        }
        for operation in SYNC_OPERATIONS {
            let operation = *operation;
            app = app.route(
                operation.path,
                post(move |State(state), headers, body| {
                    generate_now(state, operation, headers, body)
                }),
            );
        }
        let app = app
            .route("/v2/storage/image", post(upload))
            .route("/v3/custom-models", get(custom_models))
            .route(
                "/console/organizations/{org}/credentials/{credential}/secrets",
                get(secrets).post(secrets),
            )
            .route(
                "/console/organizations/{org}/credentials/{credential}/secrets/{uuid}",
                axum::routing::delete(delete_secret),
            )
            .route("/v3/status/{job_id}", get(job_status))
            .route("/v3/cancel/{job_id}", put(cancel_job))
            .route("/storage/{file}", get(download))
            .fallback(not_found)
            .with_state(state.clone());
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "the emulator stopped");
            }
        });
        Ok(Emulator { url, state, server })
    }
}

impl Emulator {
    /// Starts an emulator with the default settings (no faults).
    pub async fn start() -> std::io::Result<Self> {
        EmulatorBuilder::default().start().await
    }

    /// Settings for an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The base URL of both IMS and Firefly, such as `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The client id IMS accepts (also the expected `x-api-key`).
    pub fn client_id(&self) -> &str {
        &self.state.settings.client_id
    }

    /// The client secret IMS accepts.
    pub fn client_secret(&self) -> &str {
        &self.state.settings.client_secret
    }

    /// The organization id the Management API knows.
    pub fn organization_id(&self) -> &str {
        &self.state.settings.organization_id
    }

    /// The credential id the Management API knows.
    pub fn credential_id(&self) -> &str {
        &self.state.settings.credential_id
    }

    /// The environment variables that point the SDK (or anything reading
    /// Adobe's variable names) at this emulator.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("FIREFLY_SERVICES_CLIENT_ID", self.client_id().to_owned()),
            (
                "FIREFLY_SERVICES_CLIENT_SECRET",
                self.client_secret().to_owned(),
            ),
            ("FIREFLY_SERVICES_API_URL", self.url.clone()),
            ("FIREFLY_SERVICES_IMS_URL", self.url.clone()),
        ]
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.state.lock().log.clone()
    }

    /// A token as IMS would issue it for these comma-separated scopes, for
    /// tests that talk to the emulator without the SDK.
    pub fn issue_token(&self, scopes: &str) -> String {
        self.state.issue_token(scope_list(scopes))
    }

    /// How many tokens IMS has issued.
    pub fn tokens_issued(&self) -> u64 {
        self.state.tokens_issued.load(Ordering::Relaxed)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url)
            .field("client_id", &self.state.settings.client_id)
            .field("faults", &self.state.settings.faults)
            .finish_non_exhaustive()
    }
}

struct EmulatorState {
    settings: EmulatorBuilder,
    url: String,
    validator: validation::SpecValidator,
    api_requests: AtomicU64,
    jobs_submitted: AtomicU64,
    tokens_issued: AtomicU64,
    data: Mutex<Data>,
}

#[derive(Default)]
struct Data {
    tokens: HashMap<String, IssuedToken>,
    secrets: Vec<StoredSecret>,
    jobs: HashMap<String, Job>,
    images: HashMap<String, StoredImage>,
    recent_requests: HashMap<String, VecDeque<Instant>>,
    log: Vec<ReceivedRequest>,
}

struct IssuedToken {
    expires_at: Instant,
    scopes: Vec<String>,
}

/// A client secret of the emulated credential.
struct StoredSecret {
    uuid: String,
    value: String,
    created: String,
}

struct Job {
    submitted_at: Instant,
    polls: u32,
    state: JobState,
    outputs: Vec<Output>,
    size: (u32, u32),
    content_class: Option<String>,
}

struct Output {
    seed: i64,
    url: String,
    kind: OutputKind,
}

/// Where a job stands, by polls or by time.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Pending,
    Running(f64),
    Done,
}

impl EmulatorBuilder {
    fn phase(&self, job: &Job) -> Phase {
        match self.job_duration {
            Some(duration) => {
                let elapsed = job.submitted_at.elapsed();
                if elapsed >= duration {
                    Phase::Done
                } else if elapsed < duration / 10 {
                    Phase::Pending
                } else {
                    Phase::Running(100.0 * elapsed.as_secs_f64() / duration.as_secs_f64())
                }
            }
            None => {
                let done_after = self.polls_until_done;
                if job.polls > done_after {
                    Phase::Done
                } else if job.polls <= 1 {
                    Phase::Pending
                } else {
                    Phase::Running(100.0 * f64::from(job.polls) / (f64::from(done_after) + 1.0))
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum JobState {
    Active,
    Failing,
    Canceled,
}

struct StoredImage {
    kind: OutputKind,
    prompt: String,
    seed: i64,
    size: (u32, u32),
    expires_at: Instant,
    png: Option<Bytes>,
}

impl EmulatorState {
    /// Issues a token with these scopes, valid for the configured lifetime
    /// (or less, when a fault says tokens expire early).
    fn issue_token(&self, scopes: Vec<String>) -> String {
        let n = self.tokens_issued.fetch_add(1, Ordering::Relaxed) + 1;
        let token = format!("emulator-token-{n}-{:016x}", fastrand::u64(..));
        let lifetime = self.settings.token_lifetime;
        let valid_for = self
            .settings
            .faults
            .token_valid_for
            .unwrap_or(lifetime)
            .min(lifetime);
        self.lock().tokens.insert(
            token.clone(),
            IssuedToken {
                expires_at: Instant::now() + valid_for,
                scopes,
            },
        );
        token
    }

    fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn log(&self, method: &str, path: &str, headers: &HeaderMap) {
        self.lock().log.push(ReceivedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            had_authorization: headers.contains_key(header::AUTHORIZATION),
            had_api_key: headers.contains_key("x-api-key"),
        });
    }

    /// What every Firefly API request goes through: faults, then the checks
    /// Adobe's gateway makes. `Err` is the answer to send instead.
    async fn admit(&self, method: &str, path: &str, headers: &HeaderMap) -> Result<(), Response> {
        self.admit_with_scope(method, path, headers, "firefly_api")
            .await
    }

    /// [`EmulatorState::admit`] for a token that must carry `scope`.
    async fn admit_with_scope(
        &self,
        method: &str,
        path: &str,
        headers: &HeaderMap,
        scope: &str,
    ) -> Result<(), Response> {
        self.log(method, path, headers);
        let faults = &self.settings.faults;
        let n = self.api_requests.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(delay) = faults.slow {
            tokio::time::sleep(delay).await;
        }
        if faults.drops(n) {
            return Err(cut_connection());
        }
        self.authenticate(headers, scope)?;
        if let Some(limit) = faults.rate_limit_per_minute {
            self.quota(limit)?;
        }
        if faults.rate_limits(n) {
            return Err(self.rate_limited(faults.retry_after));
        }
        if let Some(status) = faults.server_error(n) {
            return Err(self.error(status, "runtime_error", "injected server error"));
        }
        Ok(())
    }

    fn authenticate(&self, headers: &HeaderMap, scope: &str) -> Result<(), Response> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let scoped = token.and_then(|token| {
            let data = self.lock();
            let issued = data
                .tokens
                .get(token)
                .filter(|t| Instant::now() < t.expires_at)?;
            Some(issued.scopes.iter().any(|s| s == scope))
        });
        let Some(scoped) = scoped else {
            return Err(self.error(401, "401013", "Oauth token is not valid"));
        };
        match headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
            None => return Err(self.error(403, "403000", "Api Key is required")),
            Some(key) if key != self.settings.client_id => {
                return Err(self.error(403, "403003", "Api Key is invalid"));
            }
            Some(_) => {}
        }
        if !scoped {
            let mut response = self.error(
                403,
                "access_error",
                &format!("The token lacks the scope {scope}"),
            );
            response.headers_mut().insert(
                "x-access-error",
                HeaderValue::from_static("invalid_ims_scope"),
            );
            return Err(response);
        }
        Ok(())
    }

    /// Adobe's per-minute quota for the (single) client id.
    fn quota(&self, limit: u32) -> Result<(), Response> {
        let now = Instant::now();
        let window = Duration::from_secs(60);
        let wait = {
            let mut data = self.lock();
            let recent = data
                .recent_requests
                .entry(self.settings.client_id.clone())
                .or_default();
            while recent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= window)
            {
                recent.pop_front();
            }
            if recent.len() < limit as usize {
                recent.push_back(now);
                return Ok(());
            }
            recent
                .front()
                .map_or(window, |oldest| window - now.duration_since(*oldest))
        };
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut response = self.rate_limited(RetryAfter::Seconds(seconds.max(1)));
        response
            .headers_mut()
            .insert("x-access-rate-limit-level", HeaderValue::from_static("org"));
        Err(response)
    }

    fn rate_limited(&self, retry_after: RetryAfter) -> Response {
        let value = match retry_after {
            RetryAfter::Seconds(seconds) => seconds.to_string(),
            RetryAfter::HttpDate(seconds) => {
                httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(seconds))
            }
        };
        let mut response = self.error(
            429,
            "rate_limited",
            "Too many requests. Please try again later.",
        );
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }

    /// An error in Adobe's JSON shape, or as an HTML page when asked.
    fn error(&self, status: u16, code: &str, message: &str) -> Response {
        if self.settings.faults.html_errors {
            let page = format!("<html><body><h1>{status}</h1><p>{message}</p></body></html>");
            return respond(status, "text/html", page);
        }
        json_response(status, json!({"error_code": code, "message": message}))
    }

    fn validation_error(&self, problems: Vec<Value>) -> Response {
        json_response(
            422,
            json!({
                "error_code": "validation_error",
                "message": "The request is not valid.",
                "validation_errors": problems,
            }),
        )
    }

    /// Parses and checks a JSON body; `Err` is the 4xx answer.
    fn body(
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
            Err(self.validation_error(problems))
        }
    }

    /// Outputs for a generation request: one per seed or variation, each
    /// behind a signed storage URL.
    fn outputs(&self, request: &Value, kind: OutputKind) -> (Vec<Output>, (u32, u32)) {
        // What the output depends on: the prompt, else the input image.
        let key = [
            &request["prompt"],
            &request["image"]["source"]["uploadId"],
            &request["image"]["source"]["url"],
        ]
        .into_iter()
        .find_map(Value::as_str)
        .unwrap_or_default()
        .to_owned();
        let requested = match kind {
            OutputKind::Image => &request["size"],
            OutputKind::Video => &request["sizes"][0],
        };
        let default_side = if kind == OutputKind::Video {
            1080
        } else {
            2048
        };
        let width = requested["width"].as_u64().unwrap_or(default_side) as u32;
        let height = requested["height"].as_u64().unwrap_or(default_side) as u32;
        let seeds: Vec<i64> = match request["seeds"].as_array() {
            Some(seeds) if !seeds.is_empty() => seeds.iter().filter_map(Value::as_i64).collect(),
            _ => {
                let count = request["numVariations"].as_u64().unwrap_or(1);
                (0..count)
                    .map(|i| (image::fnv1a(&[key.as_bytes(), &i.to_le_bytes()]) % 100_000) as i64)
                    .collect()
            }
        };
        let extension = match kind {
            OutputKind::Image => "png",
            OutputKind::Video => "mp4",
        };
        let expires_at = Instant::now() + self.settings.url_lifetime;
        let unix_expiry = (SystemTime::now() + self.settings.url_lifetime)
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let mut data = self.lock();
        let outputs = seeds
            .into_iter()
            .map(|seed| {
                let id = format!(
                    "{:016x}",
                    image::fnv1a(&[
                        key.as_bytes(),
                        &seed.to_le_bytes(),
                        &width.to_le_bytes(),
                        &height.to_le_bytes()
                    ])
                );
                let signature = format!("{:016x}", fastrand::u64(..));
                let file = format!("{id}-{signature}.{extension}");
                data.images.insert(
                    file.clone(),
                    StoredImage {
                        kind,
                        prompt: key.clone(),
                        seed,
                        size: (width, height),
                        expires_at,
                        png: None,
                    },
                );
                let url = format!(
                    "{}/storage/{file}?X-Expires={unix_expiry}&X-Signature={signature}",
                    self.url
                );
                Output { seed, url, kind }
            })
            .collect();
        (outputs, (width, height))
    }
}

async fn ims_token(
    State(state): State<Arc<EmulatorState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.log("POST", "/ims/token/v3", &headers);
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let oauth_error = |error: &str, description: &str| {
        json_response(
            400,
            json!({"error": error, "error_description": description}),
        )
    };
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        );
    }
    if form.get("client_id") != Some(&state.settings.client_id) {
        return oauth_error("invalid_client", "invalid client_id parameter");
    }
    let secret = form
        .get("client_secret")
        .map(String::as_str)
        .unwrap_or_default();
    if !state.lock().secrets.iter().any(|s| s.value == secret) {
        return oauth_error("invalid_client", "invalid client_secret parameter");
    }
    let requested = scope_list(form.get("scope").map(String::as_str).unwrap_or_default());
    if requested.is_empty() {
        return oauth_error("invalid_scope", "scope is required");
    }
    if let Some(extra) = requested
        .iter()
        .find(|scope| !state.settings.allowed_scopes.contains(scope))
    {
        return oauth_error(
            "invalid_scope",
            &format!("the credential does not have the scope {extra}"),
        );
    }
    let token = state.issue_token(requested);
    json_response(
        200,
        json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": state.settings.token_lifetime.as_secs(),
        }),
    )
}

/// A generation endpoint: where it lives, the schema its body follows, the
/// enum of its `x-model-version` header, and what it makes.
#[derive(Clone, Copy)]
struct Operation {
    path: &'static str,
    schema: &'static str,
    model_enum: Option<&'static str>,
    output: OutputKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OutputKind {
    Image,
    Video,
}

const ASYNC_OPERATIONS: &[Operation] = &[
    Operation {
        path: "/v3/images/generate-async",
        schema: "GenerateImagesRequest",
        model_enum: Some("ImageModelVersion"),
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/generate-similar-async",
        schema: "GenerateSimilarImagesRequest",
        model_enum: Some("SimilarImageModelVersion"),
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/expand-async",
        schema: "ExpandImageRequest",
        model_enum: None,
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/fill-async",
        schema: "FillImageRequest",
        model_enum: None,
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/generate-object-composite-async",
        schema: "GenerateObjectCompositeRequest",
        model_enum: None,
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/videos/generate",
        schema: "GenerateVideoRequest",
        model_enum: Some("VideoModelVersion"),
        output: OutputKind::Video,
    },
];

const SYNC_OPERATIONS: &[Operation] = &[
    Operation {
        path: "/v3/images/generate",
        schema: "GenerateImagesSyncRequest",
        model_enum: None,
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/generate-similar",
        schema: "GenerateSimilarImagesSyncRequest",
        model_enum: None,
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/expand",
        schema: "ExpandImageSyncRequest",
        model_enum: None,
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/fill",
        schema: "FillImageSyncRequest",
        model_enum: None,
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/generate-object-composite",
        schema: "GenerateObjectCompositeRequest",
        model_enum: None,
        output: OutputKind::Image,
    },
];

impl EmulatorState {
    /// Admission, model version and body checks shared by every generation
    /// endpoint; `Err` is the answer to send instead.
    async fn generation_request(
        &self,
        operation: Operation,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Result<Value, Response> {
        self.admit("POST", operation.path, headers).await?;
        if let Some(enum_name) = operation.model_enum
            && let Some(model) = headers.get("x-model-version").and_then(|v| v.to_str().ok())
            && let Some(problem) = self.validator.model_version(enum_name, model)
        {
            return Err(self.validation_error(vec![problem]));
        }
        self.body(headers, body, |v| self.validator.body(operation.schema, v))
    }
}

async fn submit_job(
    state: Arc<EmulatorState>,
    operation: Operation,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match state.generation_request(operation, &headers, &body).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let n = state.jobs_submitted.fetch_add(1, Ordering::Relaxed) + 1;
    let job_id = format!("urn:ff:jobs:emulator:{n:08}");
    let (outputs, size) = state.outputs(&request, operation.output);
    let failing = state.settings.faults.fails_job(n);
    state.lock().jobs.insert(
        job_id.clone(),
        Job {
            submitted_at: Instant::now(),
            polls: 0,
            state: if failing {
                JobState::Failing
            } else {
                JobState::Active
            },
            outputs,
            size,
            content_class: request["contentClass"].as_str().map(str::to_owned),
        },
    );
    json_response(
        202,
        json!({
            "jobId": job_id,
            "statusUrl": format!("{}/v3/status/{job_id}", state.url),
            "cancelUrl": format!("{}/v3/cancel/{job_id}", state.url),
        }),
    )
}

async fn generate_now(
    state: Arc<EmulatorState>,
    operation: Operation,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match state.generation_request(operation, &headers, &body).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let (outputs, size) = state.outputs(&request, operation.output);
    json_response(
        200,
        result_body(&outputs, size, request["contentClass"].as_str()),
    )
}

/// A job result: `{size, outputs: [{seed, image|video: {url}}], contentClass?}`.
fn result_body(
    outputs: &[Output],
    (width, height): (u32, u32),
    content_class: Option<&str>,
) -> Value {
    let outputs: Vec<Value> = outputs
        .iter()
        .map(|output| {
            let key = match output.kind {
                OutputKind::Image => "image",
                OutputKind::Video => "video",
            };
            json!({"seed": output.seed, key: {"url": output.url}})
        })
        .collect();
    let mut result = json!({"size": {"width": width, "height": height}, "outputs": outputs});
    if let Some(class) = content_class {
        result["contentClass"] = json!(class);
    }
    result
}

async fn job_status(
    State(state): State<Arc<EmulatorState>>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = state
        .admit("GET", &format!("/v3/status/{job_id}"), &headers)
        .await
    {
        return refusal;
    }
    let mut data = state.lock();
    let Some(job) = data.jobs.get_mut(&job_id) else {
        drop(data);
        return state.error(404, "unknown_job_id", "The job id is unknown.");
    };
    job.polls = job.polls.saturating_add(1);
    let phase = state.settings.phase(job);
    let body = match (job.state, phase) {
        (JobState::Canceled, _) => json!({"jobId": job_id, "status": "canceled"}),
        (_, Phase::Pending) => json!({"jobId": job_id, "status": "pending"}),
        (_, Phase::Running(progress)) => {
            json!({"jobId": job_id, "status": "running", "progress": progress})
        }
        (JobState::Failing, Phase::Done) => json!({
            "jobId": job_id,
            "status": "failed",
            "error_code": "runtime_error",
            "message": "The job failed (injected by the emulator).",
        }),
        (JobState::Active, Phase::Done) => {
            let result = result_body(&job.outputs, job.size, job.content_class.as_deref());
            json!({"jobId": job_id, "status": "succeeded", "progress": 100.0, "result": result})
        }
    };
    drop(data);
    json_response(200, body)
}

async fn cancel_job(
    State(state): State<Arc<EmulatorState>>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = state
        .admit("PUT", &format!("/v3/cancel/{job_id}"), &headers)
        .await
    {
        return refusal;
    }
    let mut data = state.lock();
    let conflict = match data.jobs.get_mut(&job_id) {
        None => Some((404, "unknown_job_id", "The job id is unknown.")),
        Some(job) if job.state == JobState::Canceled => {
            Some((409, "job_already_canceled", "The job was already canceled."))
        }
        Some(job) if state.settings.phase(job) == Phase::Done => {
            Some((409, "job_completed", "The job has completed."))
        }
        Some(job) => {
            job.state = JobState::Canceled;
            None
        }
    };
    drop(data);
    match conflict {
        Some((status, code, message)) => state.error(status, code, message),
        None => json_response(200, json!({})),
    }
}

async fn upload(
    State(state): State<Arc<EmulatorState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = state.admit("POST", "/v2/storage/image", &headers).await {
        return refusal;
    }
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !["image/jpeg", "image/png", "image/webp"].contains(&declared) {
        return state.error(
            415,
            "invalid_content_type",
            "Upload image/jpeg, image/png or image/webp",
        );
    }
    if body.len() > upload_check::MAX_UPLOAD_BYTES {
        return respond(
            413,
            "text/html",
            "<html><body><h1>413 Request Entity Too Large</h1></body></html>".into(),
        );
    }
    match upload_check::sniff_media_type(&body) {
        Some(found) if found == declared => {}
        _ => {
            return state.error(
                400,
                "bad_request",
                "The body is not an image of the declared type",
            );
        }
    }
    json_response(200, json!({"images": [{"id": new_uuid()}]}))
}

#[derive(serde::Deserialize)]
struct CustomModelsParams {
    start: Option<String>,
    limit: Option<String>,
}

async fn custom_models(
    State(state): State<Arc<EmulatorState>>,
    Query(params): Query<CustomModelsParams>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = state.admit("GET", "/v3/custom-models", &headers).await {
        return refusal;
    }
    let reason =
        |message: &str| json_response(400, json!({"reason": "bad_request", "message": message}));
    let Ok(start) = params.start.as_deref().unwrap_or("0").parse::<usize>() else {
        return reason("start must be a number");
    };
    let limit = match params.limit.as_deref().map(str::parse::<usize>) {
        None => 50,
        Some(Ok(limit)) if (1..=50).contains(&limit) => limit,
        Some(_) => return reason("limit must be between 1 and 50"),
    };
    let total = state.settings.custom_models as usize;
    let end = (start + limit).min(total);
    let models: Vec<Value> = (start.min(end)..end)
        .map(|i| {
            json!({
                "assetId": format!("urn:aaid:sc:US:emulator-model-{i:04}"),
                "assetName": format!("emulator-model-{i:04}"),
                "displayName": format!("Emulator model {i}"),
                "version": "1",
                "size": 1024 * (i as u64 + 1),
                "etag": format!("\"{i}\""),
                "trainingMode": if i % 2 == 0 { "subject" } else { "style" },
                "mediaType": "application/vnd.adobe.models+json",
                "createdDate": 1_700_000_000_000u64 + i as u64,
                "modifiedDate": "2025-01-01T00:00:00Z",
                "publishedState": "published",
                "baseModel": {"name": "image3", "version": "3"},
                "samplePrompt": "a photo of emulator-concept",
                "conceptId": format!("emulator-concept-{i}"),
            })
        })
        .collect();
    let page = |from: usize| json!({"href": format!("{}/v3/custom-models?start={from}&limit={limit}", state.url), "rel": "page", "templated": false});
    let mut links = json!({"page": page(start)});
    if end < total {
        links["next"] = page(end);
    }
    json_response(
        200,
        json!({"custom_models": models, "_links": links, "total_count": total}),
    )
}

#[derive(serde::Deserialize)]
struct Signature {
    #[serde(rename = "X-Signature")]
    signature: Option<String>,
}

async fn download(
    State(state): State<Arc<EmulatorState>>,
    Path(file): Path<String>,
    Query(query): Query<Signature>,
    headers: HeaderMap,
) -> Response {
    state.log("GET", &format!("/storage/{file}"), &headers);
    let denied = |reason: &str| {
        respond(
            403,
            "application/xml",
            format!(
                "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>{reason}</Message></Error>"
            ),
        )
    };
    let signed = query.signature.as_deref().is_some_and(|signature| {
        file.ends_with(&format!("-{signature}.png")) || file.ends_with(&format!("-{signature}.mp4"))
    });
    if !signed {
        return denied("Query-string authentication requires the signature");
    }
    let max_side = state.settings.max_image_side;
    let mut data = state.lock();
    let Some(image) = data.images.get_mut(&file) else {
        return denied("The resource does not exist");
    };
    if Instant::now() >= image.expires_at {
        return denied("Request has expired");
    }
    let kind = image.kind;
    let content = image
        .png
        .get_or_insert_with(|| match kind {
            OutputKind::Image => {
                let (width, height) = image::rendered_size(image.size.0, image.size.1, max_side);
                Bytes::from(image::render_png(&image.prompt, image.seed, width, height))
            }
            OutputKind::Video => Bytes::from(image::stand_in_mp4(&image.prompt, image.seed)),
        })
        .clone();
    drop(data);
    let content_type = match kind {
        OutputKind::Image => "image/png",
        OutputKind::Video => "video/mp4",
    };
    let mut response = Response::new(Body::from(content));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

async fn not_found(State(state): State<Arc<EmulatorState>>) -> Response {
    state.error(404, "not_found", "The emulator does not serve this path.")
}

/// A random version-4 UUID.
fn new_uuid() -> String {
    let random = fastrand::u128(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        (random >> 96) as u32,
        (random >> 80) as u16,
        (random >> 68) as u16 & 0x0fff,
        ((random >> 52) as u16 & 0x3fff) | 0x8000,
        random as u64 & 0xffff_ffff_ffff,
    )
}

/// The Management API's secrets of the emulated credential.
async fn secrets(
    State(state): State<Arc<EmulatorState>>,
    Path((org, credential)): Path<(String, String)>,
    method: axum::http::Method,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/organizations/{org}/credentials/{credential}/secrets");
    let scope = if method == axum::http::Method::GET {
        "read_client_secret"
    } else {
        "manage_client_secrets"
    };
    if let Err(refusal) = state
        .admit_with_scope(method.as_str(), &path, &headers, scope)
        .await
    {
        return refusal;
    }
    if org != state.settings.organization_id || credential != state.settings.credential_id {
        return state.error(404, "not_found", "No such organization or credential");
    }
    let mut data = state.lock();
    if method == axum::http::Method::GET {
        let list: Vec<Value> = data
            .secrets
            .iter()
            .map(|s| json!({"uuid": s.uuid, "created": s.created}))
            .collect();
        return json_response(
            200,
            json!({"client_id": state.settings.client_id, "client_secrets": list}),
        );
    }
    let secret = StoredSecret {
        uuid: new_uuid(),
        value: format!("p8e-{:032x}", fastrand::u128(..)),
        created: httpdate::fmt_http_date(SystemTime::now()),
    };
    let body = json!({"client_secret": secret.value, "uuid": secret.uuid});
    data.secrets.push(secret);
    json_response(200, body)
}

async fn delete_secret(
    State(state): State<Arc<EmulatorState>>,
    Path((org, credential, uuid)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/organizations/{org}/credentials/{credential}/secrets/{uuid}");
    if let Err(refusal) = state
        .admit_with_scope("DELETE", &path, &headers, "manage_client_secrets")
        .await
    {
        return refusal;
    }
    let mut data = state.lock();
    let before = data.secrets.len();
    data.secrets.retain(|s| s.uuid != uuid);
    let deleted = data.secrets.len() < before;
    drop(data);
    if deleted
        && org == state.settings.organization_id
        && credential == state.settings.credential_id
    {
        respond(200, "application/json", String::new())
    } else {
        state.error(404, "not_found", "No such secret")
    }
}

fn json_response(status: u16, body: Value) -> Response {
    respond(status, "application/json", body.to_string())
}

fn respond(status: u16, content_type: &'static str, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A response whose body fails after the headers: the client sees the
/// connection cut in the middle of the answer.
fn cut_connection() -> Response {
    let body = Body::from_stream(futures::stream::iter([
        Ok(Bytes::from_static(b"{\"jobId\":")),
        Err(std::io::Error::other("connection cut by the emulator")),
    ]));
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("512"));
    response
}
