//! The shared request budget: a sliding-window log per budget in Redis,
//! checked and taken atomically by one Lua script on Redis's clock.
//!
//! Each budget is a sorted set of the requests admitted in its window,
//! scored by the microsecond Redis admitted them. The script drops entries
//! older than the window, and either adds this request (when every budget
//! has room) or answers how long until the oldest entry that blocks it
//! leaves its window. A sliding log is exact: no window of the configured
//! length ever holds more than the budget, wherever the window starts.

use std::time::Duration;

use redis::Script;

use super::Fleet;
use crate::limiter::{DAY, RateLimit};

/// `KEYS[1]`: the window log, `KEYS[2]`: the day log. `ARGV`: window limit,
/// window (µs), day limit (0: none), day window (µs), this request's
/// member, and `1` to take a slot or `0` to only look. Answers
/// `{wait µs, used in window, used today}`.
const BUDGET_SCRIPT: &str = r"
if redis.replicate_commands then pcall(redis.replicate_commands) end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local function check(key, limit, window)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local used = redis.call('ZCARD', key)
  if used < limit then return 0, used end
  local freeing = redis.call('ZRANGE', key, used - limit, used - limit, 'WITHSCORES')
  return tonumber(freeing[2]) + window - now, used
end
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local day_limit, day_window = tonumber(ARGV[3]), tonumber(ARGV[4])
local wait, used = check(KEYS[1], limit, window)
local day_wait, day_used = 0, 0
if day_limit > 0 then day_wait, day_used = check(KEYS[2], day_limit, day_window) end
if day_wait > wait then wait = day_wait end
if wait > 0 or ARGV[6] == '0' then return {wait, used, day_used} end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
if day_limit > 0 then
  redis.call('ZADD', KEYS[2], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[2], math.ceil(day_window / 1000) + 1000)
  day_used = day_used + 1
end
return {0, used + 1, day_used}
";

/// What is left of a shared budget, as [`Fleet::quota_left`] reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct QuotaLeft {
    /// Requests still allowed in the current window (a minute for
    /// `RateLimit::per_minute`).
    pub window_left: u32,
    /// The window's budget.
    pub window_limit: u32,
    /// The window's length.
    pub window: Duration,
    /// Requests still allowed in the last 24 hours, if a daily budget is set.
    pub day_left: Option<u32>,
    /// The daily budget, if set.
    pub day_limit: Option<u32>,
    /// How long until the next request is allowed (zero: now).
    pub next_in: Duration,
}

/// The answer of one check.
pub(crate) enum Admission {
    /// Counted: send now.
    Admitted,
    /// Over budget: ask again after this long.
    Wait(Duration),
}

/// The shared budget of one credential (client id) on one fleet.
pub(crate) struct SharedBudget {
    fleet: Fleet,
    window_key: String,
    day_key: String,
    script: Script,
}

impl SharedBudget {
    pub(crate) fn new(fleet: Fleet, client_id: &str) -> Self {
        // The key names the credential without showing it.
        let credential = crate::fingerprint::fnv1a(&[client_id.as_bytes()]);
        Self {
            window_key: fleet.key(&format!("quota:{credential:016x}:window")),
            day_key: fleet.key(&format!("quota:{credential:016x}:day")),
            fleet,
            script: Script::new(BUDGET_SCRIPT),
        }
    }

    pub(crate) fn fleet(&self) -> &Fleet {
        &self.fleet
    }

    /// Takes one request from the budget if it has room.
    pub(crate) async fn try_acquire(&self, limit: &RateLimit) -> Result<Admission, String> {
        let member = format!("{:016x}", fastrand::u64(..));
        let (wait, _, _) = self.call(limit, &member, true).await?;
        Ok(if wait == 0 {
            Admission::Admitted
        } else {
            Admission::Wait(Duration::from_micros(wait))
        })
    }

    /// What is left, taking nothing.
    pub(crate) async fn left(&self, limit: &RateLimit) -> Result<QuotaLeft, String> {
        let (wait, used, day_used) = self.call(limit, "", false).await?;
        let left = |limit: u32, used: u64| {
            u32::try_from(u64::from(limit).saturating_sub(used)).unwrap_or(0)
        };
        Ok(QuotaLeft {
            window_left: left(limit.requests, used),
            window_limit: limit.requests,
            window: limit.per,
            day_left: limit.per_day.map(|day| left(day, day_used)),
            day_limit: limit.per_day,
            next_in: Duration::from_micros(wait),
        })
    }

    async fn call(
        &self,
        limit: &RateLimit,
        member: &str,
        take: bool,
    ) -> Result<(u64, u64, u64), String> {
        let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1);
        let mut invocation = self.script.prepare_invoke();
        invocation
            .key(&self.window_key)
            .key(&self.day_key)
            .arg(limit.requests)
            .arg(micros(limit.per))
            .arg(limit.per_day.unwrap_or(0))
            .arg(micros(DAY))
            .arg(member)
            .arg(if take { "1" } else { "0" });
        let (wait, used, day_used): (i64, i64, i64) = self
            .fleet
            .run(|mut connection| async move { invocation.invoke_async(&mut connection).await })
            .await?;
        let positive = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok((positive(wait), positive(used), positive(day_used)))
    }
}
