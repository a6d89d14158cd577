//! Faults the emulator can inject, configured in Rust or from the
//! `FIREFLY_EMULATOR_FAULTS` environment variable.

use std::time::Duration;

/// How a 429 tells the client when to come back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <HTTP date>`, this many seconds from now.
    HttpDate(u64),
}

/// A burst of server errors: `count` consecutive requests answer `status`,
/// once every `every` requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerErrorBurst {
    /// The status, such as 503.
    pub status: u16,
    /// How many requests in a row fail.
    pub count: u32,
    /// The length of the cycle, in requests (at least `count`).
    pub every: u32,
}

/// Faults injected into Firefly API requests (`/v3/...`). All off by default.
///
/// Counting is over all Firefly API requests the emulator receives, starting
/// at 1: `rate_limit_every: Some(3)` answers 429 to requests 3, 6, 9, ...
///
/// From the environment, `FIREFLY_EMULATOR_FAULTS` holds comma-separated
/// items: `rate_limit_every=3`, `retry_after=5` or `retry_after=date:5`,
/// `server_errors=503x2/10` (2 in every 10 requests), `slow_ms=250`,
/// `drop_every=7`, `html_errors`, `fail_jobs_every=2`, `token_valid_secs=30`,
/// `rate_limit_per_minute=4`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Faults {
    /// Answer every n-th request with 429.
    pub rate_limit_every: Option<u32>,
    /// The `Retry-After` sent with every 429 (injected or from the rate limit).
    pub retry_after: RetryAfter,
    /// Bursts of 5xx answers.
    pub server_errors: Option<ServerErrorBurst>,
    /// Delay every answer by this much.
    pub slow: Option<Duration>,
    /// Cut the connection in the middle of every n-th answer.
    pub drop_connection_every: Option<u32>,
    /// Send error bodies as HTML pages instead of Adobe's JSON.
    pub html_errors: bool,
    /// Make every n-th submitted job end `failed`.
    pub fail_jobs_every: Option<u32>,
    /// Reject tokens this long after they were issued, whatever `expires_in`
    /// said (a revoked or early-expiring token).
    pub token_valid_for: Option<Duration>,
    /// Adobe's quota: at most this many requests per minute per client id
    /// (Adobe's default is 4).
    pub rate_limit_per_minute: Option<u32>,
}

impl Default for Faults {
    fn default() -> Self {
        Self::none()
    }
}

impl Faults {
    /// No faults.
    pub fn none() -> Self {
        Self {
            rate_limit_every: None,
            retry_after: RetryAfter::Seconds(1),
            server_errors: None,
            slow: None,
            drop_connection_every: None,
            html_errors: false,
            fail_jobs_every: None,
            token_valid_for: None,
            rate_limit_per_minute: None,
        }
    }

    /// Parses the `FIREFLY_EMULATOR_FAULTS` syntax (see the type's docs).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut faults = Self::none();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (key, value) = item.split_once('=').unwrap_or((item, ""));
            let number = |v: &str| -> Result<u32, String> {
                v.parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("`{item}`: expected a positive number"))
            };
            match key {
                "rate_limit_every" => faults.rate_limit_every = Some(number(value)?),
                "retry_after" => {
                    faults.retry_after = match value.strip_prefix("date:") {
                        Some(secs) => RetryAfter::HttpDate(number(secs)?.into()),
                        None => RetryAfter::Seconds(number(value)?.into()),
                    }
                }
                "server_errors" => {
                    let (burst, every) = value
                        .split_once('/')
                        .ok_or_else(|| format!("`{item}`: expected STATUSxCOUNT/EVERY"))?;
                    let (status, count) = burst
                        .split_once('x')
                        .ok_or_else(|| format!("`{item}`: expected STATUSxCOUNT/EVERY"))?;
                    let status = status
                        .parse::<u16>()
                        .ok()
                        .filter(|s| (500..600).contains(s))
                        .ok_or_else(|| format!("`{item}`: the status must be 5xx"))?;
                    let (count, every) = (number(count)?, number(every)?);
                    faults.server_errors = Some(ServerErrorBurst {
                        status,
                        count,
                        every: every.max(count),
                    });
                }
                "slow_ms" => faults.slow = Some(Duration::from_millis(number(value)?.into())),
                "drop_every" => faults.drop_connection_every = Some(number(value)?),
                "html_errors" => faults.html_errors = true,
                "fail_jobs_every" => faults.fail_jobs_every = Some(number(value)?),
                "token_valid_secs" => {
                    faults.token_valid_for = Some(Duration::from_secs(number(value)?.into()))
                }
                "rate_limit_per_minute" => faults.rate_limit_per_minute = Some(number(value)?),
                other => return Err(format!("unknown fault `{other}`")),
            }
        }
        Ok(faults)
    }

    /// Whether the n-th request (from 1) gets an injected 429.
    pub(crate) fn rate_limits(&self, n: u64) -> bool {
        every_nth(self.rate_limit_every, n)
    }

    /// The status the n-th request (from 1) fails with, if any.
    pub(crate) fn server_error(&self, n: u64) -> Option<u16> {
        let burst = self.server_errors?;
        let position = (n - 1) % u64::from(burst.every);
        (position < u64::from(burst.count)).then_some(burst.status)
    }

    /// Whether the n-th request (from 1) has its connection cut.
    pub(crate) fn drops(&self, n: u64) -> bool {
        every_nth(self.drop_connection_every, n)
    }

    /// Whether the n-th job (from 1) fails.
    pub(crate) fn fails_job(&self, n: u64) -> bool {
        every_nth(self.fail_jobs_every, n)
    }
}

/// Whether the n-th event (from 1) falls on a period of `every`.
fn every_nth(every: Option<u32>, n: u64) -> bool {
    every.is_some_and(|every| n.is_multiple_of(u64::from(every)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_fault() {
        let faults = Faults::parse(
            "rate_limit_every=3, retry_after=date:5, server_errors=503x2/10, slow_ms=250, \
             drop_every=7, html_errors, fail_jobs_every=2, token_valid_secs=30, rate_limit_per_minute=4",
        )
        .unwrap();
        assert_eq!(faults.rate_limit_every, Some(3));
        assert_eq!(faults.retry_after, RetryAfter::HttpDate(5));
        assert_eq!(
            faults.server_errors,
            Some(ServerErrorBurst {
                status: 503,
                count: 2,
                every: 10
            })
        );
        assert_eq!(faults.slow, Some(Duration::from_millis(250)));
        assert_eq!(faults.drop_connection_every, Some(7));
        assert!(faults.html_errors);
        assert_eq!(faults.fail_jobs_every, Some(2));
        assert_eq!(faults.token_valid_for, Some(Duration::from_secs(30)));
        assert_eq!(faults.rate_limit_per_minute, Some(4));
        assert_eq!(Faults::parse("").unwrap(), Faults::none());
    }

    proptest::proptest! {
        #[test]
        fn any_fault_string_parses_or_says_why(spec in "[a-z_=0-9x/:, ]{0,60}") {
            if let Err(reason) = Faults::parse(&spec) {
                proptest::prop_assert!(!reason.is_empty());
            }
        }
    }

    #[test]
    fn rejects_nonsense() {
        assert!(Faults::parse("explode").is_err());
        assert!(Faults::parse("rate_limit_every=0").is_err());
        assert!(Faults::parse("server_errors=404x1/2").is_err());
    }

    #[test]
    fn counts_requests_from_one() {
        let faults = Faults::parse("rate_limit_every=3,server_errors=500x2/5").unwrap();
        let limited: Vec<u64> = (1..=9).filter(|n| faults.rate_limits(*n)).collect();
        assert_eq!(limited, [3, 6, 9]);
        let failing: Vec<u64> = (1..=10)
            .filter(|n| faults.server_error(*n).is_some())
            .collect();
        assert_eq!(failing, [1, 2, 6, 7]);
    }
}
