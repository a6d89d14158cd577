use std::{path::PathBuf, time::Duration};

/// When the [`ImsTokenManager`](super::ImsTokenManager) refreshes tokens,
/// how long it waits for IMS, and how it backs off when IMS fails.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `refresh_window` | 40 %..50 % of the lifetime | a background refresh starts at a random point in this window (about 10 h for a 24 h IMS token), so a fleet does not refresh at once; the current token keeps being served meanwhile |
/// | `max_expiry_buffer` | 5 min | a token is never handed out later than `expiry - min(5 min, lifetime / 10)` |
/// | `attempt_timeout` | 10 s | limit for one IMS request (connecting: `connect_timeout`, 5 s) |
/// | `load_deadline` | 30 s | limit for all attempts of one token request together |
/// | `attempts` | 3 | IMS requests per token request, retrying only connection errors, timeouts, 408, 429 and 5xx |
/// | `first_retry_delay` | 200 ms | first pause between attempts, doubled each time with full jitter; a `Retry-After` from IMS wins |
/// | `failure_backoff` | 1 s doubling to 30 s | after a failed token request with no usable token, callers get the cached error at once until this passes |
/// | `permanent_failure_backoff` | 5 min | the same after IMS rejected the credentials (`invalid_client`), so a rotated secret is picked up without a restart |
/// | `refresh_retry` | 30 s doubling to 10 min | after a failed background refresh, while the current token is still valid |
/// | `assumed_lifetime` | 1 h | lifetime of a token whose response has no `expires_in` |
/// | `max_lifetime` | 7 days | longer `expires_in` values are clamped to this |
/// | `disk_cache` | off | a directory where processes share one token (see [`TokenPolicy::with_disk_cache`]) |
#[derive(Clone, Debug, PartialEq)]
pub struct TokenPolicy {
    pub(crate) refresh_window: (f64, f64),
    pub(crate) max_expiry_buffer: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) load_deadline: Duration,
    pub(crate) attempts: u32,
    pub(crate) first_retry_delay: Duration,
    pub(crate) failure_backoff: (Duration, Duration),
    pub(crate) permanent_failure_backoff: Duration,
    pub(crate) refresh_retry: (Duration, Duration),
    pub(crate) assumed_lifetime: Duration,
    pub(crate) max_lifetime: Duration,
    pub(crate) disk_cache: Option<PathBuf>,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        Self {
            refresh_window: (0.40, 0.50),
            max_expiry_buffer: Duration::from_secs(300),
            attempt_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            load_deadline: Duration::from_secs(30),
            attempts: 3,
            first_retry_delay: Duration::from_millis(200),
            failure_backoff: (Duration::from_secs(1), Duration::from_secs(30)),
            permanent_failure_backoff: Duration::from_secs(300),
            refresh_retry: (Duration::from_secs(30), Duration::from_secs(600)),
            assumed_lifetime: Duration::from_secs(3600),
            max_lifetime: Duration::from_secs(7 * 24 * 3600),
            disk_cache: None,
        }
    }
}

impl TokenPolicy {
    /// Start the background refresh at a random fraction of the token's
    /// lifetime between `earliest` and `latest` (both clamped to 0.05..=0.95).
    pub fn with_refresh_window(mut self, earliest: f64, latest: f64) -> Self {
        let clamp = |x: f64| if x.is_nan() { 0.5 } else { x.clamp(0.05, 0.95) };
        let (a, b) = (clamp(earliest), clamp(latest));
        self.refresh_window = (a.min(b), a.max(b));
        self
    }

    /// Never hand out a token later than `expiry - min(buffer, lifetime / 10)`.
    pub fn with_max_expiry_buffer(mut self, buffer: Duration) -> Self {
        self.max_expiry_buffer = buffer;
        self
    }

    /// Limit for one IMS request, and for connecting to IMS.
    pub fn with_attempt_timeout(mut self, total: Duration, connect: Duration) -> Self {
        self.attempt_timeout = total;
        self.connect_timeout = connect.min(total);
        self
    }

    /// Limit for all attempts of one token request together.
    pub fn with_load_deadline(mut self, deadline: Duration) -> Self {
        self.load_deadline = deadline;
        self
    }

    /// IMS requests per token request (at least 1), and the first pause
    /// between them.
    pub fn with_attempts(mut self, attempts: u32, first_retry_delay: Duration) -> Self {
        self.attempts = attempts.max(1);
        self.first_retry_delay = first_retry_delay;
        self
    }

    /// How long callers get the cached error after a failed token request:
    /// `first`, doubling up to `max` for temporary failures, and `permanent`
    /// after IMS rejected the credentials.
    pub fn with_failure_backoff(
        mut self,
        first: Duration,
        max: Duration,
        permanent: Duration,
    ) -> Self {
        self.failure_backoff = (first, max.max(first));
        self.permanent_failure_backoff = permanent;
        self
    }

    /// Pause after a failed background refresh: `first`, doubling up to `max`.
    pub fn with_refresh_retry(mut self, first: Duration, max: Duration) -> Self {
        self.refresh_retry = (first, max.max(first));
        self
    }

    /// Lifetime assumed when IMS sends no `expires_in`.
    pub fn with_assumed_lifetime(mut self, lifetime: Duration) -> Self {
        self.assumed_lifetime = lifetime;
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
    pub fn with_disk_cache(mut self, dir: impl Into<PathBuf>) -> Self {
        self.disk_cache = Some(dir.into());
        self
    }

    /// `first * 2^(n-1)`, capped at `max`, for the `n`-th consecutive failure.
    pub(crate) fn doubling(first: Duration, max: Duration, n: u32) -> Duration {
        let factor = 2u32.saturating_pow(n.saturating_sub(1).min(20));
        first.saturating_mul(factor).min(max)
    }

    /// How long before expiry a token of this lifetime stops being handed out.
    pub(crate) fn expiry_buffer(&self, lifetime: Duration) -> Duration {
        self.max_expiry_buffer.min(lifetime / 10)
    }
}
