//! A local emulator of Adobe IMS and the Firefly API, for trying the SDK
//! without an Adobe account and for testing code that uses it.
//!
//! Enabled by the `emulator` feature. It serves, on 127.0.0.1:
//!
//! - `POST /ims/token/v3`: the client-credentials grant, checking the client
//!   id and secret (400 `invalid_client` otherwise);
//! - `POST /v3/images/generate` (sync), `POST /v3/images/generate-async`,
//!   `GET /v3/status/{jobId}` (pending, then running, then succeeded) and
//!   `PUT /v3/cancel/{jobId}`;
//! - `GET /storage/{file}`: the generated images, behind pre-signed-style
//!   URLs that need no credentials and expire.
//!
//! Like Firefly it checks the bearer token (401), the `x-api-key` (403), and
//! the body against the vendored spec (422 with `validation_errors` naming the
//! field). Images are deterministic PNGs per (prompt, seed, size).
//! [`Faults`](crate::emulator::Faults) injects rate limiting, server errors, slow answers, cut
//! connections, HTML error pages, failed jobs and early-expiring tokens.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use adobe_firefly::emulator::Emulator;
//!
//! let emulator = Emulator::start().await?;
//! let firefly = emulator.client()?;
//! // ... use `firefly` as with Adobe ...
//! # Ok(()) }
//! ```

// Handlers answer with an axum `Response` on every path, refusals included;
// boxing the refusals would only add an allocation.
#![allow(clippy::result_large_err)]

mod faults;
mod image;
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

use crate::{Firefly, FireflyBuilder};

/// Environment variable holding the faults to inject (see [`Faults`]).
pub const FAULTS_ENV: &str = "FIREFLY_EMULATOR_FAULTS";

/// A running emulator. Stops when dropped.
pub struct Emulator {
    url: String,
    state: Arc<EmulatorState>,
    server: tokio::task::JoinHandle<()>,
}

/// Settings for an [`Emulator`].
#[derive(Clone, Debug)]
pub struct EmulatorBuilder {
    client_id: String,
    client_secret: String,
    required_scopes: Vec<String>,
    token_lifetime: Duration,
    polls_until_done: u32,
    max_image_side: u32,
    url_lifetime: Duration,
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

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            client_id: "emulator-client-id".into(),
            client_secret: "emulator-client-secret".into(),
            required_scopes: vec!["firefly_api".into()],
            token_lifetime: Duration::from_secs(86399),
            polls_until_done: 2,
            max_image_side: 1024,
            url_lifetime: Duration::from_secs(3600),
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

    /// Scopes a token request must include (default `firefly_api`), like a
    /// Developer Console credential's; missing ones get 400 `invalid_scope`.
    pub fn required_scopes(mut self, scopes: &str) -> Self {
        self.required_scopes = scopes
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
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
            data: Mutex::new(Data::default()),
        });
        let app = Router::new()
            .route("/ims/token/v3", post(ims_token))
            .route("/v3/images/generate", post(generate_sync))
            .route("/v3/images/generate-async", post(generate_async))
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

    /// A client builder pointed at this emulator with its credentials.
    pub fn client_builder(&self) -> FireflyBuilder {
        Firefly::builder()
            .client_id(self.client_id())
            .client_secret(self.client_secret())
            .api_url(self.url())
            .ims_url(self.url())
    }

    /// A client pointed at this emulator with its credentials.
    pub fn client(&self) -> Result<Firefly, crate::Error> {
        self.client_builder().build()
    }

    /// The environment variables that point the SDK (or anything reading
    /// Adobe's variable names) at this emulator.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        use crate::config::env;
        vec![
            (env::CLIENT_ID, self.client_id().to_owned()),
            (env::CLIENT_SECRET, self.client_secret().to_owned()),
            (env::API_URL, self.url.clone()),
            (env::IMS_URL, self.url.clone()),
        ]
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.state.lock().log.clone()
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
    jobs: HashMap<String, Job>,
    images: HashMap<String, StoredImage>,
    recent_requests: HashMap<String, VecDeque<Instant>>,
    log: Vec<ReceivedRequest>,
}

struct IssuedToken {
    expires_at: Instant,
}

struct Job {
    polls: u32,
    state: JobState,
    outputs: Vec<(i64, String)>,
    size: (u32, u32),
    content_class: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum JobState {
    Active,
    Failing,
    Canceled,
}

struct StoredImage {
    prompt: String,
    seed: i64,
    size: (u32, u32),
    expires_at: Instant,
    png: Option<Bytes>,
}

impl EmulatorState {
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
        self.log(method, path, headers);
        let faults = &self.settings.faults;
        let n = self.api_requests.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(delay) = faults.slow {
            tokio::time::sleep(delay).await;
        }
        if faults.drops(n) {
            return Err(cut_connection());
        }
        self.authenticate(headers)?;
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

    fn authenticate(&self, headers: &HeaderMap) -> Result<(), Response> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let valid = token.is_some_and(|token| {
            self.lock()
                .tokens
                .get(token)
                .is_some_and(|issued| Instant::now() < issued.expires_at)
        });
        if !valid {
            return Err(self.error(401, "401013", "Oauth token is not valid"));
        }
        match headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
            None => Err(self.error(403, "403000", "Api Key is required")),
            Some(key) if key != self.settings.client_id => {
                Err(self.error(403, "403003", "Api Key is invalid"))
            }
            Some(_) => Ok(()),
        }
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

    /// Outputs for a generation request: one (seed, URL) per variation.
    fn outputs(&self, request: &Value) -> (Vec<(i64, String)>, (u32, u32)) {
        let prompt = request["prompt"].as_str().unwrap_or_default().to_owned();
        let width = request["size"]["width"].as_u64().unwrap_or(2048) as u32;
        let height = request["size"]["height"].as_u64().unwrap_or(2048) as u32;
        let seeds: Vec<i64> = match request["seeds"].as_array() {
            Some(seeds) if !seeds.is_empty() => seeds.iter().filter_map(Value::as_i64).collect(),
            _ => {
                let count = request["numVariations"].as_u64().unwrap_or(1);
                (0..count)
                    .map(|i| {
                        (image::fnv1a(&[prompt.as_bytes(), &i.to_le_bytes()]) % 100_000) as i64
                    })
                    .collect()
            }
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
                        prompt.as_bytes(),
                        &seed.to_le_bytes(),
                        &width.to_le_bytes(),
                        &height.to_le_bytes()
                    ])
                );
                let signature = format!("{:016x}", fastrand::u64(..));
                let file = format!("{id}-{signature}.png");
                data.images.insert(
                    file.clone(),
                    StoredImage {
                        prompt: prompt.clone(),
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
                (seed, url)
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
    if form.get("client_secret") != Some(&state.settings.client_secret) {
        return oauth_error("invalid_client", "invalid client_secret parameter");
    }
    let granted: Vec<&str> = form
        .get("scope")
        .map(|scope| scope.split(',').map(str::trim).collect())
        .unwrap_or_default();
    if let Some(missing) = state
        .settings
        .required_scopes
        .iter()
        .find(|needed| !granted.contains(&needed.as_str()))
    {
        return oauth_error(
            "invalid_scope",
            &format!("the request lacks the scope {missing}"),
        );
    }
    let n = state.tokens_issued.fetch_add(1, Ordering::Relaxed) + 1;
    let token = format!("emulator-token-{n}-{:016x}", fastrand::u64(..));
    let lifetime = state.settings.token_lifetime;
    let valid_for = state
        .settings
        .faults
        .token_valid_for
        .unwrap_or(lifetime)
        .min(lifetime);
    state.lock().tokens.insert(
        token.clone(),
        IssuedToken {
            expires_at: Instant::now() + valid_for,
        },
    );
    json_response(
        200,
        json!({"access_token": token, "token_type": "bearer", "expires_in": lifetime.as_secs()}),
    )
}

async fn generate_async(
    State(state): State<Arc<EmulatorState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = state
        .admit("POST", "/v3/images/generate-async", &headers)
        .await
    {
        return refusal;
    }
    if let Some(model) = headers.get("x-model-version").and_then(|v| v.to_str().ok())
        && let Some(problem) = state.validator.model_version(model)
    {
        return state.validation_error(vec![problem]);
    }
    let request = match state.body(&headers, &body, |v| state.validator.generate_async(v)) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let n = state.jobs_submitted.fetch_add(1, Ordering::Relaxed) + 1;
    let job_id = format!("urn:ff:jobs:emulator:{n:08}");
    let (outputs, size) = state.outputs(&request);
    let failing = state.settings.faults.fails_job(n);
    state.lock().jobs.insert(
        job_id.clone(),
        Job {
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

async fn generate_sync(
    State(state): State<Arc<EmulatorState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = state.admit("POST", "/v3/images/generate", &headers).await {
        return refusal;
    }
    let request = match state.body(&headers, &body, |v| state.validator.generate_sync(v)) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let (outputs, (width, height)) = state.outputs(&request);
    let outputs: Vec<Value> = outputs
        .into_iter()
        .map(|(seed, url)| json!({"seed": seed, "image": {"url": url}}))
        .collect();
    let mut response = json!({"size": {"width": width, "height": height}, "outputs": outputs});
    if let Some(class) = request["contentClass"].as_str() {
        response["contentClass"] = json!(class);
    }
    json_response(200, response)
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
    let done_after = state.settings.polls_until_done;
    let mut data = state.lock();
    let Some(job) = data.jobs.get_mut(&job_id) else {
        drop(data);
        return state.error(404, "unknown_job_id", "The job id is unknown.");
    };
    job.polls += 1;
    let body = match job.state {
        JobState::Canceled => json!({"jobId": job_id, "status": "canceled"}),
        _ if job.polls <= done_after && job.polls == 1 => {
            json!({"jobId": job_id, "status": "pending"})
        }
        _ if job.polls <= done_after => {
            let progress = 100.0 * f64::from(job.polls) / f64::from(done_after + 1);
            json!({"jobId": job_id, "status": "running", "progress": progress})
        }
        JobState::Failing => json!({
            "jobId": job_id,
            "status": "failed",
            "error_code": "runtime_error",
            "message": "The job failed (injected by the emulator).",
        }),
        JobState::Active => {
            let outputs: Vec<Value> = job
                .outputs
                .iter()
                .map(|(seed, url)| json!({"seed": seed, "image": {"url": url}}))
                .collect();
            let mut result = json!({
                "size": {"width": job.size.0, "height": job.size.1},
                "outputs": outputs,
            });
            if let Some(class) = &job.content_class {
                result["contentClass"] = json!(class);
            }
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
    let done_after = state.settings.polls_until_done;
    let mut data = state.lock();
    let conflict = match data.jobs.get_mut(&job_id) {
        None => Some((404, "unknown_job_id", "The job id is unknown.")),
        Some(job) if job.state == JobState::Canceled => {
            Some((409, "job_already_canceled", "The job was already canceled."))
        }
        Some(job) if job.polls > done_after => {
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
    let signed = query
        .signature
        .as_deref()
        .is_some_and(|signature| file.ends_with(&format!("-{signature}.png")));
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
    let png = image
        .png
        .get_or_insert_with(|| {
            let (width, height) = image::rendered_size(image.size.0, image.size.1, max_side);
            Bytes::from(image::render_png(&image.prompt, image.seed, width, height))
        })
        .clone();
    drop(data);
    let mut response = Response::new(Body::from(png));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    response
}

async fn not_found(State(state): State<Arc<EmulatorState>>) -> Response {
    state.error(404, "not_found", "The emulator does not serve this path.")
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
