//! How fast Firefly requests may be sent: the [`RateLimit`] budget, counted
//! by this process alone or, with the `redis` feature, by a whole fleet.

#[cfg(feature = "redis")]
mod shared_budget;

use std::{collections::VecDeque, time::Duration};

use tokio::time::Instant;

/// The window of [`RateLimit::per_day`].
pub(crate) const DAY: Duration = Duration::from_secs(24 * 3600);

/// A client-side request budget, so batch jobs stay under their Adobe quota
/// instead of collecting 429s. Adobe's default quota is 4 requests per
/// minute and 9,000 per day per organization:
/// `RateLimit::per_minute(4).per_day(9000)`.
///
/// Requests wait, in order, until the budget allows them. By default every
/// request to the API counts; [`RateLimit::submissions_only`] counts only
/// submissions (POST), [`RateLimit::polls_only`] only status reads (GET),
/// and [`RateLimit::operation`] only the requests of one operation (Adobe
/// limits the Audio/Video API per operation). Each API has its own budget, one or more limits that must all allow a
/// request: see [`FireflyBuilder::rate_limits`](crate::FireflyBuilder::rate_limits)
/// and [`Api::adobe_rate_limits`](crate::Api::adobe_rate_limits).
///
/// The budget is this process's own unless `RateLimit::redis` (feature
/// `redis`) shares it with every process using the same Redis server, key
/// prefix and client id.
///
/// ```
/// use std::time::Duration;
/// use adobe_firefly::RateLimit;
///
/// let limit = RateLimit::per_minute(4).per_day(9000).submissions_only();
/// assert_eq!((limit.requests, limit.per), (4, Duration::from_secs(60)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window.
    pub per: Duration,
    /// Requests allowed in any 24 hours, if limited.
    pub per_day: Option<u32>,
    /// Which requests count against it.
    pub counts: Counted,
    /// The longest a request waits for the budget; past it the request
    /// fails with [`RateLimitError::WaitTooLong`] without being sent.
    /// `None` (the default): wait as long as the budget needs (for a budget
    /// shared through Redis, at most a day).
    pub max_wait: Option<Duration>,
    /// The one operation it counts, by the spec's `operationId`
    /// (`generate-speech`); `None` (the default): every operation.
    pub operation: Option<String>,
    #[cfg(feature = "redis")]
    pub(crate) fleet: Option<crate::fleet::Fleet>,
}

impl RateLimit {
    /// At most `requests` per `per`.
    pub fn new(requests: u32, per: Duration) -> Self {
        Self {
            requests: requests.max(1),
            per: per.max(Duration::from_millis(1)),
            per_day: None,
            counts: Counted::Every,
            max_wait: None,
            operation: None,
            #[cfg(feature = "redis")]
            fleet: None,
        }
    }

    /// At most `requests` per minute.
    pub fn per_minute(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(60))
    }

    /// Also at most `requests` in any 24 hours (Adobe's default: 9,000).
    pub fn per_day(mut self, requests: u32) -> Self {
        self.per_day = Some(requests.max(1));
        self
    }

    /// Count only requests that create something (POST), not polls.
    pub fn submissions_only(mut self) -> Self {
        self.counts = Counted::Submissions;
        self
    }

    /// Count only status reads (GET), as Photoshop's separate limit on
    /// them does.
    pub fn polls_only(mut self) -> Self {
        self.counts = Counted::StatusReads;
        self
    }

    /// Count only the requests of one operation, named by the spec's
    /// `operationId` (such as the Audio/Video API's `generate-speech`), as
    /// Adobe's per-operation limits do; other operations pass freely. A
    /// budget shared through Redis keeps a count of its own per operation.
    ///
    /// ```
    /// use adobe_firefly::RateLimit;
    ///
    /// let speech = RateLimit::per_minute(10).operation("generate-speech");
    /// assert_eq!(speech.operation.as_deref(), Some("generate-speech"));
    /// ```
    pub fn operation(mut self, operation_id: impl Into<String>) -> Self {
        self.operation = Some(operation_id.into());
        self
    }

    /// Fail a request, unsent, rather than wait longer than `max` for the
    /// budget (default: no limit).
    pub fn max_wait(mut self, max: Duration) -> Self {
        self.max_wait = Some(max);
        self
    }

    /// Share the budget with every process that uses the same Redis server,
    /// key prefix and client id: the budget is then the fleet's, not this
    /// process's. Every process should use the same numbers.
    #[cfg(feature = "redis")]
    pub fn redis(mut self, fleet: &crate::fleet::Fleet) -> Self {
        self.fleet = Some(fleet.clone());
        self
    }
}

/// Which requests a [`RateLimit`] counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Counted {
    /// Every request (the default).
    #[default]
    Every,
    /// Requests that create something: `POST`.
    Submissions,
    /// Status reads: `GET`.
    StatusReads,
}

impl Counted {
    /// Whether a request with this method counts.
    fn includes(self, method: &reqwest::Method) -> bool {
        match self {
            Counted::Every => true,
            Counted::Submissions => method == reqwest::Method::POST,
            Counted::StatusReads => method == reqwest::Method::GET,
        }
    }

    /// A name for the shared budget's keys.
    #[cfg(feature = "redis")]
    fn slug(self) -> &'static str {
        match self {
            Counted::Every => "all",
            Counted::Submissions => "post",
            Counted::StatusReads => "get",
        }
    }
}

/// Why a request was not sent: the rate limit would not let it go.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RateLimitError {
    /// The shared budget's Redis server could not be reached and the fleet
    /// is set to fail rather than fall back (`WhenRedisDown::Fail`, feature
    /// `redis`).
    #[error("the shared rate limit at {location} cannot be reached ({reason}); nothing was sent")]
    #[non_exhaustive]
    RedisUnavailable {
        /// The Redis server, without its password.
        location: String,
        /// What went wrong.
        reason: String,
    },
    /// The budget frees a slot later than [`RateLimit::max_wait`] allows.
    #[error(
        "the rate limit allows the next request in {wait:?}, longer than the {max_wait:?} \
         it may wait; nothing was sent"
    )]
    #[non_exhaustive]
    WaitTooLong {
        /// How long the request would have waited in all.
        wait: Duration,
        /// The longest wait allowed.
        max_wait: Duration,
    },
}

/// The requests this process sent in the window and in the last day.
#[derive(Debug, Default)]
struct LocalLog {
    window: VecDeque<Instant>,
    day: VecDeque<Instant>,
}

/// The budget behind a [`RateLimit`]: a sliding window in this process,
/// and the fleet's when the limit is shared.
pub(crate) struct Limiter {
    limit: RateLimit,
    /// Also held while waiting for the shared budget, so this process's
    /// requests go in the order they came.
    local: tokio::sync::Mutex<LocalLog>,
    #[cfg(feature = "redis")]
    shared: Option<crate::fleet::SharedBudget>,
}

impl Limiter {
    /// The limiter for `limit`, the `index`th limit of the budget of the
    /// API named `api_slug` (`firefly`, `photoshop`).
    #[cfg_attr(not(feature = "redis"), allow(unused_variables))]
    pub(crate) fn new(limit: RateLimit, client_id: &str, api_slug: &str, index: usize) -> Self {
        Self {
            #[cfg(feature = "redis")]
            shared: limit.fleet.clone().map(|fleet| {
                crate::fleet::SharedBudget::new(
                    fleet,
                    client_id,
                    &Self::shared_name(&limit, api_slug, index),
                )
            }),
            limit,
            local: tokio::sync::Mutex::new(LocalLog::default()),
        }
    }

    /// The name of the limit's shared counters, unique per API, requests
    /// counted, window and operation. Firefly's first limit keeps the unnamed counters
    /// it always had, so processes of an earlier release in the same fleet
    /// still count against the same budget.
    #[cfg(feature = "redis")]
    fn shared_name(limit: &RateLimit, api_slug: &str, index: usize) -> String {
        if api_slug == "firefly" && index == 0 {
            return String::new();
        }
        let mut name = format!(
            "{api_slug}:{}:{}ms:",
            limit.counts.slug(),
            limit.per.as_millis()
        );
        if let Some(operation) = &limit.operation {
            name.push_str(&format!("op={operation}:"));
        }
        name
    }

    /// Whether a request of this method and operation counts against the
    /// limit.
    fn counts(&self, method: &reqwest::Method, operation: &str) -> bool {
        self.limit.counts.includes(method)
            && self
                .limit
                .operation
                .as_deref()
                .is_none_or(|only| only == operation)
    }

    /// Waits until one more request fits in the budget, and counts it;
    /// `operation` is the request's spec `operationId` (or the SDK's name
    /// for a request it builds by hand).
    pub(crate) async fn acquire(
        &self,
        method: &reqwest::Method,
        operation: &str,
    ) -> Result<(), RateLimitError> {
        if !self.counts(method, operation) {
            return Ok(());
        }
        // The async mutex queues waiters fairly: first come, first sent.
        let mut log = self.local.lock().await;
        let started = Instant::now();
        #[cfg(feature = "redis")]
        if let Some(wait) = self.reserve_shared(started).await? {
            let slot = Instant::now() + wait;
            log.record(slot, self.limit.per_day.is_some());
            // The slot is ours: the next request of this process may queue
            // in the fleet behind it while this one sleeps.
            drop(log);
            // A zero sleep would still wait for the timer's next tick.
            if !wait.is_zero() {
                tokio::time::sleep_until(slot).await;
            }
            return Ok(());
        }
        loop {
            let now = Instant::now();
            let free_at = [
                log.window.free_at(now, self.limit.requests, self.limit.per),
                self.limit
                    .per_day
                    .and_then(|day| log.day.free_at(now, day, DAY)),
            ]
            .into_iter()
            .flatten()
            .max();
            let Some(free_at) = free_at else { break };
            self.check_wait(free_at - started)?;
            tokio::time::sleep_until(free_at).await;
        }
        log.record(Instant::now(), self.limit.per_day.is_some());
        Ok(())
    }

    fn check_wait(&self, wait: Duration) -> Result<(), RateLimitError> {
        match self.limit.max_wait {
            Some(max_wait) if wait > max_wait => {
                Err(RateLimitError::WaitTooLong { wait, max_wait })
            }
            _ => Ok(()),
        }
    }

    /// Reserves a slot of the fleet's budget and answers how long until
    /// it; `Ok(None)` when there is no fleet or it is down and the local
    /// budget stands in.
    #[cfg(feature = "redis")]
    async fn reserve_shared(&self, started: Instant) -> Result<Option<Duration>, RateLimitError> {
        use crate::fleet::{Admission, WhenRedisDown};
        let Some(shared) = &self.shared else {
            return Ok(None);
        };
        // Without a limit of its own, a request still waits at most a day:
        // no budget frees a slot later than that, unless a whole day's
        // worth of requests is queued ahead of it.
        let max_wait = self.limit.max_wait.unwrap_or(DAY);
        let waited = started.elapsed();
        let within = max_wait.saturating_sub(waited);
        match shared
            .reserve(shared_budget::shape(&self.limit), within)
            .await
        {
            // Capped: a slot is never further than the caller allowed.
            Ok(Admission::Reserved(wait)) => Ok(Some(wait.min(within))),
            Ok(Admission::TooLate(wait)) => Err(RateLimitError::WaitTooLong {
                wait: waited + wait,
                max_wait,
            }),
            Err(reason) => {
                let fleet = shared.fleet();
                match fleet.when_down() {
                    WhenRedisDown::Fail => Err(shared_budget::unavailable(fleet, reason)),
                    _ => {
                        fleet.warn_degraded(&reason);
                        Ok(None)
                    }
                }
            }
        }
    }
}

impl LocalLog {
    fn record(&mut self, at: Instant, daily: bool) {
        self.window.push_back(at);
        if daily {
            self.day.push_back(at);
        }
    }
}

trait Window {
    /// When one more request fits in `per`, or `None` if it fits now.
    /// Forgets requests older than the window.
    fn free_at(&mut self, now: Instant, requests: u32, per: Duration) -> Option<Instant>;
}

impl Window for VecDeque<Instant> {
    fn free_at(&mut self, now: Instant, requests: u32, per: Duration) -> Option<Instant> {
        while self.front().is_some_and(|t| now.duration_since(*t) >= per) {
            self.pop_front();
        }
        let requests = requests as usize;
        if self.len() < requests {
            return None;
        }
        // The request that must leave the window for one more to fit.
        self.get(self.len() - requests).map(|t| *t + per)
    }
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter")
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adobe's Audio/Video speech limit, in a limiter of its own.
    fn speech_limiter() -> Limiter {
        let limit = RateLimit::per_minute(10).operation("generate-speech");
        Limiter::new(limit, "client", "audio-video", 1)
    }

    #[tokio::test(start_paused = true)]
    async fn an_operation_limit_counts_only_its_operation() {
        let limiter = speech_limiter();
        let post = reqwest::Method::POST;
        let started = Instant::now();
        for _ in 0..10 {
            limiter.acquire(&post, "generate-speech").await.unwrap();
        }
        assert_eq!(started.elapsed(), Duration::ZERO);
        // Other operations pass freely, however full the speech budget.
        for _ in 0..20 {
            limiter
                .acquire(&reqwest::Method::GET, "voices")
                .await
                .unwrap();
            limiter.acquire(&post, "dub").await.unwrap();
        }
        assert_eq!(started.elapsed(), Duration::ZERO);
        // The eleventh speech waits for the first to leave the window.
        limiter.acquire(&post, "generate-speech").await.unwrap();
        assert_eq!(started.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn an_operation_limit_refuses_a_wait_longer_than_allowed() {
        let limit = RateLimit::per_minute(2)
            .operation("generate-reframed-video")
            .max_wait(Duration::from_secs(1));
        let limiter = Limiter::new(limit, "client", "audio-video", 2);
        let post = reqwest::Method::POST;
        for _ in 0..2 {
            limiter
                .acquire(&post, "generate-reframed-video")
                .await
                .unwrap();
        }
        let refused = limiter.acquire(&post, "generate-reframed-video").await;
        assert!(matches!(refused, Err(RateLimitError::WaitTooLong { .. })));
        limiter.acquire(&post, "transcribe").await.unwrap();
    }

    #[cfg(feature = "redis")]
    #[test]
    fn each_operation_has_shared_counters_of_its_own() {
        let limits = [
            RateLimit::per_minute(50).operation("voices"),
            RateLimit::per_minute(10).operation("generate-speech"),
            RateLimit::per_minute(2).operation("generate-reframed-video"),
        ];
        let names: std::collections::BTreeSet<String> = limits
            .iter()
            .enumerate()
            .map(|(index, limit)| Limiter::shared_name(limit, "audio-video", index))
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.contains("audio-video:all:60000ms:op=generate-speech:"));
        // A limit of no operation keeps the name it always had.
        let plain = RateLimit::per_minute(300).submissions_only();
        assert_eq!(
            Limiter::shared_name(&plain, "photoshop", 0),
            "photoshop:post:60000ms:"
        );
    }
}
