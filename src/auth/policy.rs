use std::{path::PathBuf, time::Duration};

/// When the [`ImsTokenManager`](super::ImsTokenManager) refreshes tokens,
/// how long it waits for IMS, and how it backs off when IMS fails.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `refresh_window_start`, `refresh_window_end` | 40 %..50 % of the lifetime | a background refresh starts at a random point in this window (about 10 h for a 24 h IMS token), so a fleet does not refresh at once; the current token keeps being served meanwhile |
/// | `max_expiry_buffer` | 5 min | a token is never handed out later than `expiry - min(5 min, lifetime / 10)` |
/// | `attempt_timeout` | 10 s | limit for one IMS request |
/// | `connect_timeout` | 5 s | limit for connecting to IMS (at most `attempt_timeout`) |
/// | `load_deadline` | 30 s | limit for all attempts of one token request together, waiting for the disk cache's lock included |
/// | `attempts` | 3 | IMS requests per token request, retrying only connection errors, timeouts, 408, 429 and 5xx |
/// | `first_retry_delay` | 200 ms | first pause between attempts, doubled each time with full jitter; a `Retry-After` from IMS wins |
/// | `failure_backoff_first`, `failure_backoff_max` | 1 s doubling to 30 s | after a failed token request with no usable token, callers get the cached error at once until this passes |
/// | `permanent_failure_backoff` | 5 min | the same after IMS rejected the credentials (`invalid_client`), so a rotated secret is picked up without a restart |
/// | `refresh_retry_first`, `refresh_retry_max` | 30 s doubling to 10 min | after a failed background refresh, while the current token is still valid |
/// | `assumed_lifetime` | 1 h | lifetime of a token whose response has no `expires_in` |
/// | `max_lifetime` | 7 days | longer `expires_in` values are clamped to this |
/// | `disk_cache` | off | a directory where processes share one token (see [`TokenPolicy::disk_cache`]) |
/// | `redis` | off | a Redis server through which a fleet shares one token (feature `redis`; see `TokenPolicy::redis`) |
///
/// Set fields through the setters, which keep them consistent; the fields
/// are public for reading.
///
/// ```
/// use std::time::Duration;
/// use adobe_firefly::auth::TokenPolicy;
///
/// let policy = TokenPolicy::default()
///     .attempts(5)
///     .load_deadline(Duration::from_secs(60));
/// assert_eq!(policy.attempts, 5);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TokenPolicy {
    /// Earliest point of the refresh window, as a fraction of the lifetime.
    pub refresh_window_start: f64,
    /// Latest point of the refresh window, as a fraction of the lifetime.
    pub refresh_window_end: f64,
    /// Longest time before expiry at which a token stops being handed out.
    pub max_expiry_buffer: Duration,
    /// Limit for one IMS request.
    pub attempt_timeout: Duration,
    /// Limit for connecting to IMS.
    pub connect_timeout: Duration,
    /// Limit for all attempts of one token request together, waiting for
    /// the disk cache's lock included.
    pub load_deadline: Duration,
    /// IMS requests per token request.
    pub attempts: u32,
    /// First pause between attempts, doubled each time with full jitter.
    pub first_retry_delay: Duration,
    /// First pause after a failed token request with no usable token.
    pub failure_backoff_first: Duration,
    /// Longest pause after failed token requests with no usable token.
    pub failure_backoff_max: Duration,
    /// Pause after IMS rejected the credentials.
    pub permanent_failure_backoff: Duration,
    /// First pause after a failed background refresh.
    pub refresh_retry_first: Duration,
    /// Longest pause after failed background refreshes.
    pub refresh_retry_max: Duration,
    /// Lifetime of a token whose response has no `expires_in`.
    pub assumed_lifetime: Duration,
    /// Longest lifetime believed; longer `expires_in` values are clamped.
    pub max_lifetime: Duration,
    /// Directory of the shared cross-process token cache, if any.
    pub disk_cache: Option<PathBuf>,
    /// The fleet sharing one token through Redis, if any (feature `redis`).
    #[cfg(feature = "redis")]
    pub redis: Option<crate::fleet::Fleet>,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        Self {
            refresh_window_start: 0.40,
            refresh_window_end: 0.50,
            max_expiry_buffer: Duration::from_secs(300),
            attempt_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            load_deadline: Duration::from_secs(30),
            attempts: 3,
            first_retry_delay: Duration::from_millis(200),
            failure_backoff_first: Duration::from_secs(1),
            failure_backoff_max: Duration::from_secs(30),
            permanent_failure_backoff: Duration::from_secs(300),
            refresh_retry_first: Duration::from_secs(30),
            refresh_retry_max: Duration::from_secs(600),
            assumed_lifetime: Duration::from_secs(3600),
            max_lifetime: Duration::from_secs(7 * 24 * 3600),
            disk_cache: None,
            #[cfg(feature = "redis")]
            redis: None,
        }
    }
}

impl TokenPolicy {
    /// Start the background refresh at a random fraction of the token's
    /// lifetime between `earliest` and `latest` (both clamped to 0.05..=0.95).
    pub fn refresh_window(mut self, earliest: f64, latest: f64) -> Self {
        self.refresh_window_start = earliest;
        self.refresh_window_end = latest;
        let (start, end) = self.refresh_window_fractions();
        self.refresh_window_start = start;
        self.refresh_window_end = end;
        self
    }

    /// Never hand out a token later than `expiry - min(buffer, lifetime / 10)`.
    pub fn max_expiry_buffer(mut self, buffer: Duration) -> Self {
        self.max_expiry_buffer = buffer;
        self
    }

    /// Limit for one IMS request.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Limit for connecting to IMS (never more than the attempt timeout).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Limit for all attempts of one token request together.
    pub fn load_deadline(mut self, deadline: Duration) -> Self {
        self.load_deadline = deadline;
        self
    }

    /// IMS requests per token request (at least 1).
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The first pause between attempts.
    pub fn first_retry_delay(mut self, delay: Duration) -> Self {
        self.first_retry_delay = delay;
        self
    }

    /// How long callers get the cached error after a failed token request
    /// for a temporary failure: `first`, doubling up to `max`.
    pub fn failure_backoff(mut self, first: Duration, max: Duration) -> Self {
        self.failure_backoff_first = first;
        self.failure_backoff_max = max.max(first);
        self
    }

    /// How long callers get the cached error after IMS rejected the
    /// credentials.
    pub fn permanent_failure_backoff(mut self, backoff: Duration) -> Self {
        self.permanent_failure_backoff = backoff;
        self
    }

    /// Pause after a failed background refresh: `first`, doubling up to `max`.
    pub fn refresh_retry(mut self, first: Duration, max: Duration) -> Self {
        self.refresh_retry_first = first;
        self.refresh_retry_max = max.max(first);
        self
    }

    /// Lifetime assumed when IMS sends no `expires_in`.
    pub fn assumed_lifetime(mut self, lifetime: Duration) -> Self {
        self.assumed_lifetime = lifetime;
        self
    }

    /// Longest `expires_in` believed; a longer one is clamped to this.
    pub fn max_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_lifetime = lifetime;
        self
    }

    /// Share tokens between processes through files in `dir` (off by
    /// default). Processes with the same IMS URL, client id and scopes then
    /// make one IMS request between them instead of one each.
    ///
    /// The token is a secret at rest: the file is created with mode 0600,
    /// written to a temporary name and renamed into place under an advisory
    /// lock, and holds only the token and its lifetime, never the client
    /// secret. An unreadable or expired file is ignored.
    ///
    /// Nothing in the directory is trusted on sight. The cache is skipped
    /// (with a warning, and the token comes from IMS) when the directory or
    /// a file in it belongs to another user, when the directory is writable
    /// by group or others, when the token file is open to group or others,
    /// when a file is a symbolic link (never followed) or larger than
    /// 64 KiB, and when another process holds the lock until shortly before
    /// the load deadline. A stored lifetime counts for at most
    /// `max_lifetime`; a token reported as rejected through
    /// [`TokenSource::invalidate`] (Firefly answered 401) is removed from
    /// the directory, so no process takes it back.
    ///
    /// [`TokenSource::invalidate`]: super::TokenSource::invalidate
    pub fn disk_cache(mut self, dir: impl Into<PathBuf>) -> Self {
        self.disk_cache = Some(dir.into());
        self
    }

    /// Share one token with every process using the same Redis server and
    /// key prefix (and the same IMS URL, client id and scopes): one process
    /// asks IMS, under a lock whose lease is the load deadline, while the
    /// others wait for its token (until shortly before their own load
    /// deadline) or read it. Refresh timing, backoff and the 401 replay
    /// work as without it; a token reported through
    /// [`TokenSource::invalidate`](super::TokenSource::invalidate) is
    /// removed from Redis if it is still the one stored, so no process takes
    /// it back. Redis stores the token and its lifetime, never the secret.
    /// When Redis is unreachable, tokens come from IMS directly.
    ///
    /// Takes precedence over [`TokenPolicy::disk_cache`] when both are set.
    #[cfg(feature = "redis")]
    pub fn redis(mut self, fleet: &crate::fleet::Fleet) -> Self {
        self.redis = Some(fleet.clone());
        self
    }

    /// The refresh window as ordered fractions within 0.05..=0.95, whatever
    /// the fields hold.
    pub(crate) fn refresh_window_fractions(&self) -> (f64, f64) {
        let clamp = |x: f64| if x.is_nan() { 0.5 } else { x.clamp(0.05, 0.95) };
        let (a, b) = (
            clamp(self.refresh_window_start),
            clamp(self.refresh_window_end),
        );
        (a.min(b), a.max(b))
    }

    /// IMS requests per token request, at least 1.
    pub(crate) fn attempts_at_least_one(&self) -> u32 {
        self.attempts.max(1)
    }

    /// The connect timeout, never longer than the attempt timeout.
    pub(crate) fn effective_connect_timeout(&self) -> Duration {
        self.connect_timeout.min(self.attempt_timeout)
    }

    /// How long before expiry a token of this lifetime stops being handed out.
    pub(crate) fn expiry_buffer(&self, lifetime: Duration) -> Duration {
        self.max_expiry_buffer.min(lifetime / 10)
    }
}
