//! The token manager: when to ask IMS, who waits for whom, what a failure
//! means for the callers. The exchange itself is in `exchange.rs`, the state
//! it keeps in `cache.rs`, the store it shares the token through `store.rs`.
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
    time::Duration,
};

use futures::{FutureExt, future::BoxFuture};
use tokio::time::Instant;

use super::{
    AccessToken, AuthError, TokenPolicy, TokenSource,
    builder::ImsTokenManagerBuilder,
    cache::{Cached, Failure, Inflight, PendingToken, State, later},
    exchange::{self, Exchange},
    store::TokenStore,
};

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
    exchange: Exchange,
    ims_url: String,
    client_id: String,
    /// Where the token is shared with other processes, if anywhere.
    store: TokenStore,
    state: Mutex<State>,
    ims_requests: AtomicU64,
    load_failures: AtomicU64,
    refresh_failures: AtomicU64,
    stale_served: AtomicU64,
}

impl ImsTokenManager {
    /// A manager from checked settings (see `builder.rs`).
    pub(super) fn assemble(
        policy: TokenPolicy,
        exchange: Exchange,
        ims_url: String,
        client_id: String,
    ) -> Self {
        let store = TokenStore::new(&policy, &ims_url, &client_id, exchange.scope());
        ImsTokenManager {
            handle: Arc::new(Handle {
                core: Arc::new(Core {
                    store,
                    policy,
                    exchange,
                    ims_url,
                    client_id,
                    state: Mutex::new(State::default()),
                    ims_requests: AtomicU64::new(0),
                    load_failures: AtomicU64::new(0),
                    refresh_failures: AtomicU64::new(0),
                    stale_served: AtomicU64::new(0),
                }),
            }),
        }
    }

    /// A builder for a manager: client id and secret are required; the IMS
    /// URL, scopes and [`TokenPolicy`] have defaults.
    ///
    /// ```
    /// use adobe_firefly::auth::ImsTokenManager;
    ///
    /// let manager = ImsTokenManager::builder()
    ///     .client_id("my-client-id")
    ///     .client_secret("my-client-secret")
    ///     .scopes("openid,AdobeID,firefly_api,ff_apis")
    ///     .build()?;
    /// # Ok::<(), adobe_firefly::ConfigError>(())
    /// ```
    pub fn builder() -> ImsTokenManagerBuilder {
        ImsTokenManagerBuilder::default()
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
        let core = &self.handle.core;
        {
            let mut state = core.lock();
            if state
                .cached
                .as_ref()
                .is_some_and(|c| c.token.same_as(token))
            {
                state.cached = None;
                state.failure = None;
            }
            if !matches!(core.store, TokenStore::Memory) {
                state.rejected = Some(token.clone());
            }
        }
        core.store.forget(token);
    }
}

impl fmt::Debug for ImsTokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let core = &self.handle.core;
        f.debug_struct("ImsTokenManager")
            .field("ims_url", &core.ims_url)
            .field("client_id", &core.client_id)
            .field("client_secret", &"[redacted]")
            .field("scope", &core.exchange.scope())
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
                let pause = crate::retry::doubling(
                    self.policy.refresh_retry_first,
                    self.policy.refresh_retry_max,
                    state.refresh_failures_in_row,
                );
                state.next_refresh_attempt = Some(later(now, pause));
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
                    crate::retry::doubling(
                        self.policy.failure_backoff_first,
                        self.policy.failure_backoff_max,
                        state.failures_in_row,
                    )
                }
                // IMS's own Retry-After wins, but only up to the longest
                // backoff the policy allows: a server cannot park the
                // manager for an hour.
                .max(
                    error.retry_after().unwrap_or_default().min(
                        self.policy
                            .failure_backoff_max
                            .max(self.policy.permanent_failure_backoff),
                    ),
                );
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
                    retry_at: later(now, backoff),
                });
                Err(error)
            }
        }
    }

    /// A token for the cache: from the store shared with other processes
    /// when it holds a fresh enough one, otherwise from IMS. The whole load,
    /// waiting for the store's lock included, ends by the load deadline.
    async fn load(&self) -> Result<Cached, AuthError> {
        let deadline = later(Instant::now(), self.policy.load_deadline);
        let rejected = || self.lock().rejected.clone();
        let from_ims = self.load_from_ims(deadline);
        self.store
            .load(&self.policy, deadline, &rejected, from_ims)
            .await
    }

    /// Up to `attempts` IMS requests before `deadline`.
    async fn load_from_ims(&self, deadline: Instant) -> Result<Cached, AuthError> {
        let policy = &self.policy;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent_at = Instant::now();
            let budget = policy
                .attempt_timeout
                .min(deadline.saturating_duration_since(sent_at));
            self.ims_requests.fetch_add(1, Ordering::Relaxed);
            let result = tokio::time::timeout(budget, self.exchange.request_once())
                .await
                .unwrap_or(Err(AuthError::Timeout {
                    after: budget,
                    retry_after: None,
                }));
            let accepted = result.and_then(|response| exchange::accept(&response, &self.policy));
            let error = match accepted {
                Ok((token, lifetime)) => {
                    return Ok(Cached::new(token, sent_at, lifetime, &self.policy));
                }
                Err(error) => error,
            };
            if !error.is_retryable() || attempt >= policy.attempts_at_least_one() {
                return Err(error);
            }
            let backoff =
                crate::retry::backoff(policy.first_retry_delay, policy.load_deadline, attempt);
            let pause = error.retry_after().unwrap_or(backoff);
            if later(Instant::now(), pause) >= deadline {
                return Err(error);
            }
            tracing::debug!(attempt, pause_secs = pause.as_secs_f64(), error = %error, "retrying IMS");
            tokio::time::sleep(pause).await;
        }
    }
}
