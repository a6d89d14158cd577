//! The IMS client-credentials token cache.
//!
//! One `State` behind a `std::sync::Mutex` that is never held across an
//! `.await`. Each IMS load runs in its own spawned task; callers only await a
//! shared handle to it, so a caller that is dropped neither cancels nor
//! repeats the load, and the result fills the cache either way.

use std::{
    fmt,
    sync::{
        Arc, Mutex, MutexGuard, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime},
};

use futures::{
    FutureExt,
    future::{BoxFuture, Shared},
};
use oauth2::{
    AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet, RequestTokenError, Scope,
    TokenResponse, TokenUrl,
    basic::{BasicClient, BasicErrorResponse, BasicTokenResponse, BasicTokenType},
};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use super::{
    AccessToken, AuthError, TokenPolicy, TokenSource,
    disk_cache::{DiskCache, StoredToken},
};
use crate::config::{self, ConfigError};

type OAuthClient =
    BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;
type PendingToken = Shared<BoxFuture<'static, Result<AccessToken, AuthError>>>;

const TOKEN_PATH: &str = "/ims/token/v3";

/// Fetches, caches and renews IMS access tokens with the client-credentials
/// grant. See [`TokenPolicy`] for the timing rules.
///
/// Cheap to clone: clones share one cache. When the last clone is dropped, a
/// token request still in flight is aborted.
#[derive(Clone)]
pub struct ImsTokenManager {
    handle: Arc<Handle>,
}

/// Counters describing what a token manager has done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenStats {
    /// HTTP requests sent to IMS, successful or not.
    pub ims_requests: u64,
    /// Token loads that failed (after their retries).
    pub load_failures: u64,
    /// Background refreshes that failed while the current token stayed valid.
    pub refresh_failures: u64,
    /// Tokens served from the refresh window after a refresh had failed.
    pub stale_served: u64,
}

/// Aborts a load in flight when the last manager handle goes away.
struct Handle {
    core: Arc<Core>,
}

struct Core {
    policy: TokenPolicy,
    oauth: OAuthClient,
    http: reqwest::Client,
    ims_url: String,
    client_id: String,
    scope: String,
    state: Mutex<State>,
    ims_requests: AtomicU64,
    load_failures: AtomicU64,
    refresh_failures: AtomicU64,
    stale_served: AtomicU64,
}

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    inflight: Option<Inflight>,
    /// The last load failed with no usable token: callers get this error
    /// without contacting IMS until `retry_at`.
    failure: Option<Failure>,
    failures_in_row: u32,
    refresh_failures_in_row: u32,
    next_refresh_attempt: Option<Instant>,
}

struct Cached {
    token: AccessToken,
    refresh_at: Instant,
    usable_until: Instant,
    expires_at: Instant,
    lifetime: Duration,
}

struct Inflight {
    result: PendingToken,
    abort: tokio::task::AbortHandle,
}

struct Failure {
    error: AuthError,
    retry_at: Instant,
}

impl ImsTokenManager {
    /// A manager for the given credentials against `ims_url` (for example
    /// [`DEFAULT_IMS_URL`](crate::config::DEFAULT_IMS_URL)), requesting
    /// `scopes` (comma-separated, as Adobe documents them).
    ///
    /// Nothing is sent until the first token is needed; this may be called
    /// outside a Tokio runtime.
    pub fn new(
        ims_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        scopes: &str,
        policy: TokenPolicy,
    ) -> Result<Self, ConfigError> {
        let client_id = client_id.into();
        let client_secret = SecretString::from(client_secret.into());
        if client_id.trim().is_empty() {
            return Err(ConfigError::MissingSetting {
                setting: "client id",
                hint: "the Client ID of the Developer Console credential",
            });
        }
        if client_secret.expose_secret().is_empty() {
            return Err(ConfigError::MissingSetting {
                setting: "client secret",
                hint: "the Client Secret of the Developer Console credential",
            });
        }
        let base = config::base_url("IMS URL", ims_url)?;
        let ims_url = config::trimmed(&base);
        let token_url = TokenUrl::new(format!("{ims_url}{TOKEN_PATH}")).map_err(|e| {
            ConfigError::InvalidUrl {
                setting: "IMS URL",
                value: ims_url.clone(),
                reason: e.to_string(),
            }
        })?;
        let oauth = BasicClient::new(ClientId::new(client_id.clone()))
            .set_client_secret(ClientSecret::new(client_secret.expose_secret().to_owned()))
            // Adobe documents the credentials in the form body; the crate's
            // default would send them as HTTP Basic.
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(token_url);
        let http = reqwest::Client::builder()
            // A token endpoint that redirects is misconfigured or hostile:
            // following it would hand the secret to another host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.attempt_timeout)
            .user_agent(crate::USER_AGENT)
            .build()
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
        let scope = normalize_scopes(scopes);
        Ok(Self {
            handle: Arc::new(Handle {
                core: Arc::new(Core {
                    policy,
                    oauth,
                    http,
                    ims_url,
                    client_id,
                    scope,
                    state: Mutex::new(State::default()),
                    ims_requests: AtomicU64::new(0),
                    load_failures: AtomicU64::new(0),
                    refresh_failures: AtomicU64::new(0),
                    stale_served: AtomicU64::new(0),
                }),
            }),
        })
    }

    /// A valid access token: the cached one, or a new one from IMS.
    ///
    /// Concurrent callers share one IMS request. Once a token passes its
    /// refresh point, the first caller starts a background refresh and every
    /// caller keeps getting the current token until the new one arrives.
    pub async fn token(&self) -> Result<AccessToken, AuthError> {
        let pending = {
            let core = &self.handle.core;
            let mut state = core.lock();
            let now = Instant::now();
            if let Some(cached) = state.cached.as_ref().filter(|c| now < c.usable_until) {
                let token = cached.token.clone();
                if now >= cached.refresh_at {
                    if state.refresh_failures_in_row > 0 {
                        core.stale_served.fetch_add(1, Ordering::Relaxed);
                    }
                    let due = state.next_refresh_attempt.is_none_or(|at| now >= at);
                    if state.inflight.is_none() && due {
                        // Without a runtime the refresh waits for the next
                        // call; the current token is still good.
                        let _ = core.start_load(&mut state);
                    }
                }
                return Ok(token);
            }
            match &state.inflight {
                Some(inflight) => inflight.result.clone(),
                None => {
                    if let Some(failure) = state.failure.as_ref().filter(|f| now < f.retry_at) {
                        return Err(failure
                            .error
                            .clone()
                            .with_retry_after(failure.retry_at - now));
                    }
                    core.start_load(&mut state)?
                }
            }
        };
        pending.await
    }

    /// How long the cached token has left before IMS's `expires_in` runs
    /// out, if a token is cached. (It is handed out until a few minutes
    /// before that; see [`TokenPolicy`].)
    pub fn expires_in(&self) -> Option<Duration> {
        let state = self.handle.core.lock();
        let cached = state.cached.as_ref()?;
        Some(cached.expires_at.saturating_duration_since(Instant::now()))
    }

    /// What this manager has done so far.
    pub fn stats(&self) -> TokenStats {
        let core = &self.handle.core;
        TokenStats {
            ims_requests: core.ims_requests.load(Ordering::Relaxed),
            load_failures: core.load_failures.load(Ordering::Relaxed),
            refresh_failures: core.refresh_failures.load(Ordering::Relaxed),
            stale_served: core.stale_served.load(Ordering::Relaxed),
        }
    }
}

impl TokenSource for ImsTokenManager {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        Box::pin(ImsTokenManager::token(self))
    }

    fn invalidate(&self, token: &AccessToken) {
        let mut state = self.handle.core.lock();
        if state
            .cached
            .as_ref()
            .is_some_and(|c| c.token.same_as(token))
        {
            state.cached = None;
            state.failure = None;
        }
    }
}

impl fmt::Debug for ImsTokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let core = &self.handle.core;
        f.debug_struct("ImsTokenManager")
            .field("ims_url", &core.ims_url)
            .field("client_id", &core.client_id)
            .field("client_secret", &"[redacted]")
            .field("scope", &core.scope)
            .field("policy", &core.policy)
            .finish()
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(inflight) = self.core.lock().inflight.take() {
            inflight.abort.abort();
        }
    }
}

impl Core {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic in
        // another thread leaves nothing half-done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Spawns one IMS load and records it as the one in flight.
    fn start_load(self: &Arc<Self>, state: &mut State) -> Result<PendingToken, AuthError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| AuthError::NoRuntime)?;
        let core = Arc::clone(self);
        let task = runtime.spawn(async move {
            let outcome = core.load().await;
            core.settle(outcome)
        });
        let abort = task.abort_handle();
        let result = async move {
            task.await.unwrap_or_else(|_| {
                Err(AuthError::transient(
                    None,
                    "the token request was abandoned",
                    None,
                ))
            })
        }
        .boxed()
        .shared();
        state.inflight = Some(Inflight {
            result: result.clone(),
            abort,
        });
        Ok(result)
    }

    /// Records the outcome of a load in the cache.
    fn settle(&self, outcome: Result<Cached, AuthError>) -> Result<AccessToken, AuthError> {
        let mut state = self.lock();
        state.inflight = None;
        let now = Instant::now();
        match outcome {
            Ok(cached) => {
                let token = cached.token.clone();
                state.cached = Some(cached);
                state.failure = None;
                state.failures_in_row = 0;
                state.refresh_failures_in_row = 0;
                state.next_refresh_attempt = None;
                Ok(token)
            }
            Err(error) if state.cached.as_ref().is_some_and(|c| now < c.usable_until) => {
                // A background refresh failed: keep serving the valid token.
                state.refresh_failures_in_row += 1;
                let (first, max) = self.policy.refresh_retry;
                let pause = TokenPolicy::doubling(first, max, state.refresh_failures_in_row);
                state.next_refresh_attempt = Some(now + pause);
                self.refresh_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    error = %error,
                    retry_in_secs = pause.as_secs_f64(),
                    "token refresh failed; still serving the current token"
                );
                Err(error)
            }
            Err(error) => {
                let expired = state.cached.take().is_some();
                state.failures_in_row += 1;
                self.load_failures.fetch_add(1, Ordering::Relaxed);
                let backoff = if matches!(error, AuthError::Permanent { .. }) {
                    self.policy.permanent_failure_backoff
                } else {
                    let (first, max) = self.policy.failure_backoff;
                    TokenPolicy::doubling(first, max, state.failures_in_row)
                }
                .max(error.retry_after().unwrap_or_default());
                let error = if expired {
                    AuthError::TokenUnavailable {
                        cause: Box::new(error),
                    }
                } else {
                    error
                }
                .with_retry_after(backoff);
                tracing::warn!(error = %error, "no access token available");
                state.failure = Some(Failure {
                    error: error.clone(),
                    retry_at: now + backoff,
                });
                Err(error)
            }
        }
    }

    /// A token for the cache: from the shared disk cache when one is
    /// configured and holds a fresh enough token, otherwise from IMS.
    async fn load(&self) -> Result<Cached, AuthError> {
        let Some(dir) = &self.policy.disk_cache else {
            return self.load_from_ims().await;
        };
        let disk = DiskCache::new(dir, &self.ims_url, &self.client_id, &self.scope);
        // Held across the IMS request so that other processes wait for this
        // token instead of minting their own.
        let _lock = disk
            .lock()
            .await
            .map_err(|error| tracing::warn!(%error, "token cache lock unavailable; not sharing"))
            .ok();
        if let Some(cached) = disk.read().and_then(|stored| self.shared_entry(&stored)) {
            tracing::debug!("access token read from the shared cache");
            return Ok(cached);
        }
        let issued = SystemTime::now();
        let cached = self.load_from_ims().await?;
        let stored = StoredToken::new(cached.token.expose_secret(), issued, cached.lifetime);
        if let Err(error) = disk.write(&stored) {
            tracing::warn!(%error, "cannot write the token cache");
        }
        Ok(cached)
    }

    /// A cache entry for a token another process stored, if it is still
    /// before its refresh window (an older one is replaced, not shared).
    fn shared_entry(&self, stored: &StoredToken) -> Option<Cached> {
        let (lifetime, age) = stored.lifetime_and_age()?;
        let (earliest, latest) = self.policy.refresh_window;
        if stored.access_token.is_empty() || lifetime.is_zero() || age >= lifetime.mul_f64(latest) {
            return None;
        }
        let now = Instant::now();
        let issued = now.checked_sub(age)?;
        let fraction = earliest + (latest - earliest) * fastrand::f64();
        Some(Cached {
            token: AccessToken::new(stored.access_token.clone()),
            refresh_at: issued + lifetime.mul_f64(fraction),
            usable_until: issued + lifetime - self.policy.expiry_buffer(lifetime),
            expires_at: issued + lifetime,
            lifetime,
        })
    }

    /// Up to `attempts` IMS requests within the load deadline.
    async fn load_from_ims(&self) -> Result<Cached, AuthError> {
        let policy = &self.policy;
        let deadline = Instant::now() + policy.load_deadline;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent_at = Instant::now();
            let budget = policy
                .attempt_timeout
                .min(deadline.saturating_duration_since(sent_at));
            let result = tokio::time::timeout(budget, self.request_once())
                .await
                .unwrap_or(Err(AuthError::Timeout {
                    after: budget,
                    retry_after: None,
                }));
            let error = match result.and_then(|response| self.accept(&response, sent_at)) {
                Ok(cached) => return Ok(cached),
                Err(error) => error,
            };
            if !error.is_retryable() || attempt >= policy.attempts {
                return Err(error);
            }
            let backoff = crate::retry::full_jitter(TokenPolicy::doubling(
                policy.first_retry_delay,
                policy.load_deadline,
                attempt,
            ));
            let pause = error.retry_after().unwrap_or(backoff);
            if Instant::now() + pause >= deadline {
                return Err(error);
            }
            tracing::debug!(attempt, pause_secs = pause.as_secs_f64(), error = %error, "retrying IMS");
            tokio::time::sleep(pause).await;
        }
    }

    /// One IMS request through the oauth2 crate, classified.
    async fn request_once(&self) -> Result<BasicTokenResponse, AuthError> {
        self.ims_requests.fetch_add(1, Ordering::Relaxed);
        let http = StatusKeepingClient {
            client: &self.http,
            seen: Mutex::new(None),
        };
        let result = self
            .oauth
            .exchange_client_credentials()
            // One scope holding Adobe's comma-separated list: oauth2 would
            // join several scopes with spaces.
            .add_scope(Scope::new(self.scope.clone()))
            .request_async(&http)
            .await;
        let seen = http
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        result.map_err(|error| classify(error, seen, self.policy.attempt_timeout))
    }

    /// Turns a token response into a cache entry, or says why it is unusable.
    fn accept(&self, response: &BasicTokenResponse, sent_at: Instant) -> Result<Cached, AuthError> {
        let invalid = |reason: String| AuthError::InvalidResponse {
            reason,
            retry_after: None,
        };
        match response.token_type() {
            BasicTokenType::Bearer => {}
            other => {
                return Err(invalid(format!(
                    "token_type is `{}`, not `bearer`",
                    other.as_ref()
                )));
            }
        }
        let secret = response.access_token().secret();
        if secret.is_empty() {
            return Err(invalid("access_token is empty".into()));
        }
        let lifetime = match response.expires_in() {
            None => {
                tracing::warn!(
                    assumed_secs = self.policy.assumed_lifetime.as_secs(),
                    "IMS sent no expires_in; assuming a short lifetime"
                );
                self.policy.assumed_lifetime
            }
            Some(lifetime) if lifetime.is_zero() => {
                return Err(invalid("expires_in is 0".into()));
            }
            Some(lifetime) if lifetime > self.policy.max_lifetime => {
                tracing::warn!(
                    expires_in_secs = lifetime.as_secs(),
                    "IMS sent an implausibly long expires_in; clamping it"
                );
                self.policy.max_lifetime
            }
            Some(lifetime) => lifetime,
        };
        let (earliest, latest) = self.policy.refresh_window;
        let fraction = earliest + (latest - earliest) * fastrand::f64();
        tracing::debug!(
            lifetime_secs = lifetime.as_secs(),
            "access token fetched from IMS"
        );
        Ok(Cached {
            token: AccessToken::new(secret.clone()),
            refresh_at: sent_at + lifetime.mul_f64(fraction),
            usable_until: sent_at + lifetime - self.policy.expiry_buffer(lifetime),
            expires_at: sent_at + lifetime,
            lifetime,
        })
    }
}

/// The oauth2 crate's HTTP client, over the SDK's reqwest. oauth2 hides the
/// HTTP status of failures; this adapter keeps it (and `Retry-After`) so a 503
/// is retried and a 400 is not.
struct StatusKeepingClient<'a> {
    client: &'a reqwest::Client,
    seen: Mutex<Option<(u16, Option<Duration>)>>,
}

impl<'c> oauth2::AsyncHttpClient<'c> for StatusKeepingClient<'_> {
    type Error = reqwest::Error;
    type Future = BoxFuture<'c, Result<oauth2::HttpResponse, reqwest::Error>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)?;
            let response = self.client.execute(request).await?;
            let status = response.status();
            let retry_after = crate::retry::retry_after(response.headers());
            *self.seen.lock().unwrap_or_else(PoisonError::into_inner) =
                Some((status.as_u16(), retry_after));
            let headers = response.headers().clone();
            let body = response.bytes().await?;
            let mut out = oauth2::http::Response::new(body.to_vec());
            *out.status_mut() = status;
            *out.headers_mut() = headers;
            Ok(out)
        })
    }
}

/// Sorts out what a failed IMS exchange means, never quoting the body (a
/// malformed body could hold anything, including a token).
fn classify(
    error: RequestTokenError<reqwest::Error, BasicErrorResponse>,
    seen: Option<(u16, Option<Duration>)>,
    attempt_timeout: Duration,
) -> AuthError {
    match (error, seen) {
        (RequestTokenError::Request(e), seen) if e.is_timeout() => {
            let _ = seen;
            AuthError::Timeout {
                after: attempt_timeout,
                retry_after: None,
            }
        }
        (RequestTokenError::Request(e), seen) => {
            let detail = if e.is_connect() {
                "cannot connect"
            } else if seen.is_some() {
                "the response was cut off"
            } else {
                "the request failed"
            };
            AuthError::Transient {
                status: seen.map(|(status, _)| status),
                detail: detail.to_owned(),
                retry_after: None,
                source: Some(Arc::new(e.without_url())),
            }
        }
        (_, Some((status, retry_after))) if status == 408 || status == 429 || status >= 500 => {
            AuthError::transient(
                Some(status),
                format!("IMS answered HTTP {status}"),
                retry_after,
            )
        }
        (RequestTokenError::ServerResponse(response), Some((status, _))) => AuthError::Permanent {
            status,
            ims_error: response.error().as_ref().to_owned(),
            description: response.error_description().cloned().unwrap_or_default(),
            retry_after: None,
        },
        (RequestTokenError::Parse(e, _body), Some((200, _))) => AuthError::InvalidResponse {
            reason: format!("the body is not a token response (at `{}`)", e.path()),
            retry_after: None,
        },
        (RequestTokenError::Other(_), Some((200, _))) => AuthError::InvalidResponse {
            reason: "the response is not JSON".into(),
            retry_after: None,
        },
        (_, Some((status, _))) => AuthError::Permanent {
            status,
            ims_error: if (300..400).contains(&status) {
                "redirect".into()
            } else {
                "unknown".into()
            },
            description: format!("IMS answered HTTP {status} without an OAuth error body"),
            retry_after: None,
        },
        (_, None) => AuthError::transient(None, "no response from IMS", None),
    }
}

/// Trims each scope and joins them with commas, as IMS expects.
fn normalize_scopes(scopes: &str) -> String {
    scopes
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}
