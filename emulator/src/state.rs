//! [`EmulatorState`]: what the emulator remembers between requests (issued
//! tokens, client secrets, jobs, stored images, the request log) and the
//! checks every Firefly API request goes through: injected faults, the
//! bearer token and API key, the per-minute quota, and the JSON body.

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Mutex, MutexGuard, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use axum::{
    body::Bytes,
    http::{HeaderMap, HeaderValue, header},
    response::Response,
};
use serde_json::Value;
use tokio::time::Instant;

use crate::{
    EmulatorBuilder, RetryAfter,
    faults::{FaultCounters, Fired},
    responses::cut_connection,
    routes::UploadSizes,
    validation::Validators,
};

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
    /// When it arrived.
    pub received_at: std::time::Instant,
}

/// Everything a running emulator shares between its handlers.
pub(crate) struct EmulatorState {
    pub(crate) settings: EmulatorBuilder,
    pub(crate) url: String,
    pub(crate) validators: Validators,
    api_requests: AtomicU64,
    pub(crate) jobs_submitted: AtomicU64,
    /// Job submissions that `content_policy_every` may refuse, so far.
    pub(crate) content_checked: AtomicU64,
    pub(crate) tokens_issued: AtomicU64,
    pub(crate) faults_fired: FaultCounters,
    data: Mutex<Data>,
}

/// The mutable part of the state, behind one lock never held across `.await`.
#[derive(Default)]
pub(crate) struct Data {
    tokens: HashMap<String, IssuedToken>,
    pub(crate) secrets: Vec<StoredSecret>,
    pub(crate) jobs: HashMap<String, Job>,
    pub(crate) images: HashMap<String, StoredImage>,
    pub(crate) uploads: UploadSizes,
    recent_requests: HashMap<String, VecDeque<Instant>>,
    pub(crate) log: Vec<ReceivedRequest>,
}

struct IssuedToken {
    expires_at: Instant,
    scopes: Vec<String>,
    /// Whether a fault made it expire before its announced lifetime.
    cut_short: bool,
}

/// A client secret of the emulated credential.
pub(crate) struct StoredSecret {
    pub(crate) uuid: String,
    pub(crate) value: String,
    pub(crate) created: String,
}

/// A submitted job.
pub(crate) struct Job {
    pub(crate) submitted_at: Instant,
    pub(crate) polls: u32,
    pub(crate) state: JobState,
    pub(crate) outputs: Vec<Output>,
    pub(crate) size: (u32, u32),
    pub(crate) content_class: Option<String>,
    /// An upscale job: its outputs are answered as `{id, presignedUrl}`.
    pub(crate) upscaled: bool,
    /// The result's `altText`: Image Model 5 writes one when asked to
    /// reason about the prompt for quality.
    pub(crate) alt_text: Option<String>,
}

/// One generated image or video of a result.
pub(crate) struct Output {
    pub(crate) seed: i64,
    pub(crate) url: String,
    pub(crate) kind: OutputKind,
}

/// What a generation endpoint makes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputKind {
    Image,
    Video,
}

/// Where a job stands, by polls or by time.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Phase {
    Pending,
    Running(f64),
    Done,
}

/// What the client did to a job, or what a fault decided for it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobState {
    Active,
    /// Ends `failed` (`fail_jobs_every`).
    Failing,
    /// Ends `timeout` (`timeout_jobs_every`).
    TimingOut,
    /// Cancelled; the next poll answers `cancel_pending` (`cancel_pending`).
    CancelPending,
    Canceled,
}

/// The size of a result's outputs, and the longest side their PNGs are
/// rendered at (larger sizes are scaled down, keeping the aspect ratio).
#[derive(Clone, Copy)]
pub(crate) struct OutputSize {
    pub(crate) size: (u32, u32),
    pub(crate) render_side: u32,
}

/// An output behind a signed storage URL, rendered on first download.
pub(crate) struct StoredImage {
    pub(crate) kind: OutputKind,
    pub(crate) prompt: String,
    pub(crate) seed: i64,
    /// The size the result says the output has.
    pub(crate) size: (u32, u32),
    /// The longest side of the rendered PNG.
    pub(crate) render_side: u32,
    pub(crate) expires_at: Instant,
    pub(crate) png: Option<Bytes>,
}

impl Job {
    /// Where the job stands, after the polls counted so far or the time
    /// elapsed, as the settings say.
    pub(crate) fn phase(&self, settings: &EmulatorBuilder) -> Phase {
        match settings.job_duration {
            Some(duration) => {
                let elapsed = self.submitted_at.elapsed();
                if elapsed >= duration {
                    Phase::Done
                } else if elapsed < duration / 10 {
                    Phase::Pending
                } else {
                    Phase::Running(100.0 * elapsed.as_secs_f64() / duration.as_secs_f64())
                }
            }
            None => {
                let done_after = settings.polls_until_done;
                if self.polls > done_after {
                    Phase::Done
                } else if self.polls <= 1 {
                    Phase::Pending
                } else {
                    Phase::Running(100.0 * f64::from(self.polls) / (f64::from(done_after) + 1.0))
                }
            }
        }
    }
}

impl EmulatorState {
    /// A fresh state: no tokens, no jobs, and the configured client secret
    /// as the credential's only secret.
    pub(crate) fn new(settings: EmulatorBuilder, url: String, validators: Validators) -> Self {
        let first_secret = settings.client_secret.clone();
        Self {
            settings,
            url,
            validators,
            api_requests: AtomicU64::new(0),
            jobs_submitted: AtomicU64::new(0),
            content_checked: AtomicU64::new(0),
            tokens_issued: AtomicU64::new(0),
            faults_fired: FaultCounters::default(),
            data: Mutex::new(Data {
                secrets: vec![StoredSecret {
                    uuid: new_uuid(),
                    value: first_secret,
                    created: "2025-01-01T00:00:00.000Z".into(),
                }],
                ..Data::default()
            }),
        }
    }

    /// The ids of the jobs a client cancelled.
    pub(crate) fn canceled_jobs(&self) -> Vec<String> {
        self.lock()
            .jobs
            .iter()
            .filter(|(_, job)| matches!(job.state, JobState::Canceled | JobState::CancelPending))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Issues a token with these scopes, valid for the configured lifetime
    /// (or less, when a fault says tokens expire early).
    pub(crate) fn issue_token(&self, scopes: Vec<String>) -> String {
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
                cut_short: valid_for < lifetime,
            },
        );
        token
    }

    /// Revokes every token issued so far: Firefly refuses them from now on
    /// (counted as `expired_tokens`).
    pub(crate) fn revoke_tokens(&self) {
        let now = Instant::now();
        for token in self.lock().tokens.values_mut() {
            token.expires_at = token.expires_at.min(now);
            token.cut_short = true;
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn log(&self, method: &str, path: &str, headers: &HeaderMap) {
        self.lock().log.push(ReceivedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            had_authorization: headers.contains_key(header::AUTHORIZATION),
            had_api_key: headers.contains_key("x-api-key"),
            received_at: std::time::Instant::now(),
        });
    }

    /// What every Firefly API request goes through: faults, then the checks
    /// Adobe's gateway makes. `Err` is the answer to send instead.
    pub(crate) async fn admit(
        &self,
        method: &str,
        path: &str,
        headers: &HeaderMap,
    ) -> Result<(), Response> {
        self.admit_with_scope(method, path, headers, "firefly_api")
            .await
    }

    /// [`EmulatorState::admit`] for a token that must carry `scope`.
    pub(crate) async fn admit_with_scope(
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
            self.faults_fired.record(Fired::Slow);
            tokio::time::sleep(delay).await;
        }
        if faults.drops(n) {
            self.faults_fired.record(Fired::DroppedConnection);
            return Err(cut_connection());
        }
        self.authenticate(headers, scope)?;
        let counted = !faults.quota_submissions_only || method == "POST";
        if let Some(limit) = faults.rate_limit_per_minute.filter(|_| counted) {
            self.quota(limit, faults.quota_window)?;
        }
        if faults.rate_limits(n) {
            self.faults_fired.record(Fired::RateLimit);
            return Err(self.rate_limited(faults.retry_after));
        }
        if let Some(status) = faults.server_error(n) {
            self.faults_fired.record(Fired::ServerError);
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
            let issued = data.tokens.get(token)?;
            if Instant::now() >= issued.expires_at {
                if issued.cut_short {
                    self.faults_fired.record(Fired::ExpiredToken);
                }
                return None;
            }
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

    /// Adobe's per-minute quota for the (single) client id, over `window`.
    fn quota(&self, limit: u32, window: Duration) -> Result<(), Response> {
        let now = Instant::now();
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
        self.faults_fired.record(Fired::Quota);
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut response = self.rate_limited(RetryAfter::Seconds(seconds.max(1)));
        response
            .headers_mut()
            .insert("x-access-rate-limit-level", HeaderValue::from_static("org"));
        Err(response)
    }

    /// Parses and checks a JSON body; `Err` is the 4xx answer.
    pub(crate) fn body(
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
}

/// A random version-4 UUID.
pub(crate) fn new_uuid() -> String {
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
