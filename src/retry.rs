//! When Firefly requests are retried; backoff arithmetic shared with the
//! token manager and the rate limit.

use std::time::{Duration, SystemTime};

use reqwest::{
    StatusCode,
    header::{HeaderMap, RETRY_AFTER},
};

/// When a failed Firefly request is sent again.
///
/// Retried: connection failures, 408, 429, 502, 503 and 504, with
/// exponential backoff and full jitter, or after the `Retry-After` Firefly
/// asked for. Requests that create something (job submissions, uploads) are
/// only retried when the answer shows nothing was created: 429, 503, or a
/// connection that could not be opened. Streaming bodies are never re-sent.
///
/// | setting | default |
/// |---|---|
/// | attempts (first try included) | 4 |
/// | first backoff | 500 ms, doubling |
/// | longest backoff | 30 s |
/// | longest `Retry-After` honoured | 60 s (a longer one is returned to the caller as an error) |
///
/// ```
/// use std::time::Duration;
/// use adobe_firefly::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .attempts(6)
///     .backoff(Duration::from_secs(1), Duration::from_secs(20));
/// assert_eq!(policy.attempts, 6);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The first backoff, doubled after each failure.
    pub first_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` waited for; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 4,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The first backoff, doubled after each failure up to `max`.
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.first_backoff = first;
        self.max_backoff = max.max(first);
        self
    }

    /// The longest `Retry-After` to wait for; a longer one ends the retries.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The pause before attempt `attempt + 1`, or `None` to give up.
    pub(crate) fn pause(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.attempts.max(1) {
            return None;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(backoff(self.first_backoff, self.max_backoff, attempt)),
        }
    }
}

/// `first * 2^(n-1)`, capped at `max`, for the `n`-th failure in a row (the
/// first failure gives `first`): the one doubling curve of the SDK, for
/// Firefly retries, IMS retries and the token manager's pauses.
pub(crate) fn doubling(first: Duration, max: Duration, n: u32) -> Duration {
    // 2^20 already takes any sensible first pause past any sensible cap.
    let factor = 2u32.saturating_pow(n.saturating_sub(1).min(20));
    first.saturating_mul(factor).min(max)
}

/// The pause after the `n`-th failed attempt: a full-jitter draw under
/// [`doubling`], for [`RetryPolicy`] and the IMS retries of
/// [`TokenPolicy`](crate::auth::TokenPolicy) alike.
pub(crate) fn backoff(first: Duration, max: Duration, n: u32) -> Duration {
    full_jitter(doubling(first, max, n))
}

/// The longest wait a server may ask for: a longer `Retry-After` is read as
/// this, so no server-given delay can overflow arithmetic or park a caller
/// for days.
pub(crate) const MAX_SERVER_DELAY: Duration = Duration::from_secs(3600);

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date,
/// at most [`MAX_SERVER_DELAY`]. A date in the past means "now"; an
/// unreadable value means no advice.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = if value.bytes().all(|b| b.is_ascii_digit()) && !value.is_empty() {
        // Too many digits for a u64 is still "very long".
        value
            .parse::<u64>()
            .map_or(MAX_SERVER_DELAY, Duration::from_secs)
    } else {
        let when = httpdate::parse_http_date(value).ok()?;
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_SERVER_DELAY))
}

/// A random wait in `0..=ceiling` ("full jitter"), so clients that failed
/// together do not retry together.
pub(crate) fn full_jitter(ceiling: Duration) -> Duration {
    // `mul_f64` panics when the product rounds past `Duration::MAX`, which a
    // ceiling near it can do.
    Duration::try_from_secs_f64(ceiling.as_secs_f64() * fastrand::f64())
        .map_or(ceiling, |wait| wait.min(ceiling))
}

/// Statuses worth another attempt. For requests that create something, only
/// those that say nothing was created.
pub(crate) fn retryable_status(status: StatusCode, creates: bool) -> bool {
    match status.as_u16() {
        429 | 503 => true,
        408 | 502 | 504 => !creates,
        _ => false,
    }
}

/// Transport failures worth another attempt. A request that creates
/// something is only re-sent when the connection was never made.
pub(crate) fn retryable_failure(error: &reqwest::Error, creates: bool) -> bool {
    error.is_connect()
        || (!creates && (error.is_timeout() || error.is_request() || error.is_body()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn reads_delta_seconds() {
        assert_eq!(retry_after(&headers("7")), Some(Duration::from_secs(7)));
    }

    #[test]
    fn reads_http_dates() {
        let in_a_minute = SystemTime::now() + Duration::from_secs(60);
        let wait = retry_after(&headers(&httpdate::fmt_http_date(in_a_minute))).unwrap();
        assert!(
            wait > Duration::from_secs(58) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        assert_eq!(retry_after(&headers(&past)), Some(Duration::ZERO));
    }

    #[test]
    fn ignores_garbage() {
        assert_eq!(retry_after(&headers("soon")), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    proptest::proptest! {
        /// Whatever a server sends, the wait is capped; digits are read as
        /// seconds, the rest as a date or as no advice.
        #[test]
        fn any_retry_after_value_gives_a_capped_wait(value in "[ -~]{0,64}") {
            if let Ok(header) = HeaderValue::from_str(&value) {
                let mut headers = HeaderMap::new();
                headers.insert(RETRY_AFTER, header);
                let wait = retry_after(&headers);
                proptest::prop_assert!(wait.is_none_or(|w| w <= MAX_SERVER_DELAY));
                let trimmed = value.trim();
                if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
                    let expected = trimmed
                        .parse::<u64>()
                        .map_or(MAX_SERVER_DELAY, |s| Duration::from_secs(s).min(MAX_SERVER_DELAY));
                    proptest::prop_assert_eq!(wait, Some(expected));
                }
            }
        }

        /// The largest numbers servers have been seen to send do not
        /// overflow anything downstream.
        #[test]
        fn huge_retry_after_values_are_capped(seconds in proptest::num::u64::ANY) {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
            let wait = retry_after(&headers).unwrap();
            proptest::prop_assert_eq!(wait, Duration::from_secs(seconds).min(MAX_SERVER_DELAY));
            let _ = std::time::Instant::now() + wait;
        }

        #[test]
        fn pauses_respect_the_policy(attempt in 0u32..40, advice in proptest::option::of(0u64..10_000)) {
            let policy = RetryPolicy::default();
            let pause = policy.pause(attempt, advice.map(Duration::from_secs));
            if attempt >= policy.attempts {
                proptest::prop_assert!(pause.is_none());
            }
            if let Some(pause) = pause {
                proptest::prop_assert!(pause <= policy.max_backoff.max(policy.max_retry_after));
            }
        }
    }

    #[test]
    fn the_doubling_curve_starts_at_first_and_stops_at_max() {
        let (first, max) = (Duration::from_millis(200), Duration::from_secs(3));
        let curve: Vec<u128> = (0..7)
            .map(|n| doubling(first, max, n).as_millis())
            .collect();
        assert_eq!(curve, [200, 200, 400, 800, 1600, 3000, 3000]);
        assert_eq!(
            doubling(Duration::MAX, Duration::MAX, u32::MAX),
            Duration::MAX
        );
        for n in 1..6 {
            assert!(backoff(first, max, n) <= doubling(first, max, n));
        }
    }

    #[test]
    fn jitter_stays_below_the_ceiling() {
        for _ in 0..1000 {
            assert!(full_jitter(Duration::from_millis(200)) <= Duration::from_millis(200));
        }
    }
}
