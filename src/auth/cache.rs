//! The token manager's in-memory state: the cached token with its refresh
//! and expiry instants, the load in flight and the remembered failure. One
//! constructor, [`Cached::new`], turns a token and its lifetime into an entry,
//! whether the token came from IMS or from a store shared with other
//! processes (`store.rs`).

use std::time::Duration;

use futures::future::{BoxFuture, Shared};
use tokio::time::Instant;

use super::{AccessToken, AuthError, TokenPolicy};

/// The outcome of the load in flight, awaited by every caller that joins it.
pub(super) type PendingToken = Shared<BoxFuture<'static, Result<AccessToken, AuthError>>>;

/// Everything behind the manager's mutex.
#[derive(Default)]
pub(super) struct State {
    pub(super) cached: Option<Cached>,
    pub(super) inflight: Option<Inflight>,
    /// The last load failed with no usable token: callers get this error
    /// without contacting IMS until `retry_at`.
    pub(super) failure: Option<Failure>,
    pub(super) failures_in_row: u32,
    pub(super) refresh_failures_in_row: u32,
    pub(super) next_refresh_attempt: Option<Instant>,
    /// The last token Firefly rejected: never taken back from the store
    /// shared with other processes, where another process (or this one,
    /// before the rejection) may have left it.
    pub(super) rejected: Option<AccessToken>,
}

/// A token and the instants that govern it.
pub(super) struct Cached {
    pub(super) token: AccessToken,
    /// When a background refresh starts.
    pub(super) refresh_at: Instant,
    /// The last instant the token is handed out.
    pub(super) usable_until: Instant,
    /// When IMS says it expires.
    pub(super) expires_at: Instant,
    pub(super) lifetime: Duration,
}

impl Cached {
    /// An entry for a token issued at `issued` and valid for `lifetime`:
    /// refreshed at a random point of the policy's refresh window, handed out
    /// until the expiry buffer before its end.
    pub(super) fn new(
        token: AccessToken,
        issued: Instant,
        lifetime: Duration,
        policy: &TokenPolicy,
    ) -> Self {
        let (earliest, latest) = policy.refresh_window_fractions();
        let fraction = earliest + (latest - earliest) * fastrand::f64();
        let expires_at = later(issued, lifetime);
        Self {
            token,
            refresh_at: later(issued, lifetime.mul_f64(fraction)),
            usable_until: expires_at
                .checked_sub(policy.expiry_buffer(lifetime))
                .unwrap_or(issued),
            expires_at,
            lifetime,
        }
    }
}

/// `at + wait`, for waits and lifetimes that a policy or a server may set to
/// anything: a sum past what the clock can represent becomes a century
/// away instead of a panic in the task that computes it.
pub(super) fn later(at: Instant, wait: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    at.checked_add(wait.min(CENTURY))
        .or_else(|| at.checked_add(Duration::from_secs(24 * 3600)))
        .unwrap_or(at)
}

/// The one IMS load in flight, shared by every waiting caller.
pub(super) struct Inflight {
    pub(super) result: PendingToken,
    pub(super) abort: tokio::task::AbortHandle,
}

/// A failed load, served to callers until `retry_at`.
pub(super) struct Failure {
    pub(super) error: AuthError,
    pub(super) retry_at: Instant,
}
