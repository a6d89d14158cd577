//! How long a download may take, how slow it may be and how often it is
//! tried: [`DownloadTimeouts`], a setting of the client, kept apart from the
//! download code that uses it.

use std::time::Duration;

/// Time limits for downloads from storage URLs, the slowest rate accepted,
/// and how often a failed download is tried again.
///
/// | limit | default | what it bounds |
/// |---|---|---|
/// | `connect` | 10 s | opening a connection to the storage host |
/// | `idle` | 30 s | any wait for the storage host: for the answer's headers, then between two pieces of the body |
/// | `min_speed` over `min_speed_time` | 1 KiB/s over 30 s | the body's rate, like curl's `--speed-limit`/`--speed-time`: each 30 s of the body must bring at least 30 KiB |
/// | `total` | 10 min | the whole download, from the first request to the last byte, retries included |
/// | `retries` | 2 | further attempts of [`Firefly::download_to_file`](crate::Firefly::download_to_file) after a retryable failure |
///
/// A storage host that goes quiet for `idle`, or a download that passes
/// `total`, ends in [`Error::DownloadTimeout`]; one that keeps sending, but
/// under `min_speed` for `min_speed_time`, in [`Error::DownloadTooSlow`]
/// (`is_timeout()` is true for both). A drip-fed download therefore fails
/// after about `min_speed_time` per attempt (about 1.5 minutes with the
/// defaults), not after `total`.
///
/// Downloads are GETs of the same URL, so
/// [`Firefly::download_to_file`](crate::Firefly::download_to_file) tries
/// again, from the start, up to `retries` times after a failure that
/// [`Error::is_retryable`] says may pass (a stall, a crawl, a file cut
/// short, a 5xx); the error then says how many attempts were made.
/// [`Firefly::download_to_writer`](crate::Firefly::download_to_writer)
/// makes one attempt: the writer may already hold part of the file.
///
/// `connect` applies to the SDK's own HTTP client; with
/// [`FireflyBuilder::http_client`](crate::FireflyBuilder::http_client), set
/// it on your client instead (the others still apply).
///
/// [`Error::DownloadTimeout`]: crate::Error::DownloadTimeout
/// [`Error::DownloadTooSlow`]: crate::Error::DownloadTooSlow
/// [`Error::is_retryable`]: crate::Error::is_retryable
///
/// ```
/// use std::time::Duration;
/// use adobe_firefly::DownloadTimeouts;
///
/// let timeouts = DownloadTimeouts::default()
///     .idle(Duration::from_secs(10))
///     .min_speed(4096, Duration::from_secs(20))
///     .retries(1)
///     .total(Duration::from_secs(120));
/// assert_eq!(timeouts.connect, Duration::from_secs(10));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadTimeouts {
    /// Limit for opening a connection. Default 10 s.
    pub connect: Duration,
    /// Longest wait for the next bytes (the headers, then each piece of the
    /// body). Default 30 s.
    pub idle: Duration,
    /// Longest whole download, retries included. Default 10 min.
    pub total: Duration,
    /// Slowest rate accepted for the body, in bytes per second, measured
    /// over `min_speed_time`; 0 turns the rule off. Default 1024.
    pub min_speed: u64,
    /// How long the body may stay under `min_speed` before the download is
    /// abandoned. Default 30 s.
    pub min_speed_time: Duration,
    /// Further attempts of a download that failed in a way that may pass.
    /// Default 2.
    pub retries: u32,
}

impl Default for DownloadTimeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            idle: Duration::from_secs(30),
            total: Duration::from_secs(10 * 60),
            min_speed: 1024,
            min_speed_time: Duration::from_secs(30),
            retries: 2,
        }
    }
}

impl DownloadTimeouts {
    /// Limit for opening a connection.
    pub fn connect(mut self, limit: Duration) -> Self {
        self.connect = limit;
        self
    }

    /// Longest wait for the next bytes.
    pub fn idle(mut self, limit: Duration) -> Self {
        self.idle = limit;
        self
    }

    /// Longest whole download, retries included.
    pub fn total(mut self, limit: Duration) -> Self {
        self.total = limit;
        self
    }

    /// Slowest rate accepted, in bytes per second, over `time`: a body that
    /// brings less than `bytes_per_second × time` within a stretch of `time`
    /// (the stretches follow one another from the start of the body) is
    /// abandoned. `bytes_per_second` 0 turns the rule off.
    pub fn min_speed(mut self, bytes_per_second: u64, time: Duration) -> Self {
        self.min_speed = bytes_per_second;
        self.min_speed_time = time;
        self
    }

    /// Further attempts after a failure that may pass (0: none).
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }
}
