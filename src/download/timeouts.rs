//! How long a download may take: [`DownloadTimeouts`], a setting of the
//! client, kept apart from the download code that uses it.

use std::time::Duration;

/// Time limits for downloads from storage URLs.
///
/// | limit | default | what it bounds |
/// |---|---|---|
/// | `connect` | 10 s | opening a connection to the storage host |
/// | `idle` | 30 s | any wait for the storage host: for the answer's headers, then between two pieces of the body |
/// | `total` | 10 min | the whole download, from the request to the last byte |
///
/// A storage host that goes quiet for `idle`, or a download that passes
/// `total`, ends in [`Error::DownloadTimeout`] (`is_timeout()` is true).
/// `connect` applies to the SDK's own HTTP client; with
/// [`FireflyBuilder::http_client`](crate::FireflyBuilder::http_client), set
/// it on your client instead (`idle` and `total` still apply).
///
/// ```
/// use std::time::Duration;
/// use adobe_firefly::DownloadTimeouts;
///
/// let timeouts = DownloadTimeouts::default()
///     .idle(Duration::from_secs(10))
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
    /// Longest whole download. Default 10 min.
    pub total: Duration,
}

impl Default for DownloadTimeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            idle: Duration::from_secs(30),
            total: Duration::from_secs(10 * 60),
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

    /// Longest whole download.
    pub fn total(mut self, limit: Duration) -> Self {
        self.total = limit;
        self
    }
}
