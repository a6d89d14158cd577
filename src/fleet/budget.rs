//! The shared request budget: a sliding-window log per budget in Redis,
//! checked and taken atomically by one Lua script on Redis's clock.
//!
//! Each budget is a sorted set of the requests admitted in its window,
//! scored by the microsecond they may be sent. When a budget is full, the
//! script does not answer "try again later": it reserves the earliest slot
//! that keeps every window within its limit, after every slot already
//! reserved, and answers how long until it. The caller sleeps that long and
//! sends, without asking again, so callers are served in the order they
//! asked and nobody spins or races for a freed slot. A sliding log is
//! exact: no window of the configured length ever holds more than the
//! budget, wherever the window starts.

use std::time::Duration;

use redis::Script;

use super::Fleet;

/// `KEYS[1]`: the window log, `KEYS[2]`: the day log. `ARGV`: window limit,
/// window (µs), day limit (0: none), day window (µs), this request's
/// member, `1` to take a slot or `0` to only look, and the longest the
/// caller may wait (µs). Answers `{wait µs, used in window, used today,
/// 1 if a slot was reserved}`; with `wait` past the caller's longest wait,
/// nothing is reserved.
///
/// For one budget of `limit` per `window` holding the slots `e[1..n]`
/// (sorted, some possibly in the future), the earliest slot is
/// `max(now, e[n], e[n - limit + 1] + window)`: after every slot taken, and
/// once the slot `limit` back has left the window.
const BUDGET_SCRIPT: &str = r"
if redis.replicate_commands then pcall(redis.replicate_commands) end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local function earliest(key, limit, window)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local used = redis.call('ZCARD', key)
  if used == 0 then return now, 0 end
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  local at = math.max(now, tonumber(last[2]))
  if used >= limit then
    local freeing = redis.call('ZRANGE', key, used - limit, used - limit, 'WITHSCORES')
    at = math.max(at, tonumber(freeing[2]) + window)
  end
  return at, used
end
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local day_limit, day_window = tonumber(ARGV[3]), tonumber(ARGV[4])
local at, used = earliest(KEYS[1], limit, window)
local day_used = 0
if day_limit > 0 then
  local day_at
  day_at, day_used = earliest(KEYS[2], day_limit, day_window)
  if day_at > at then at = day_at end
end
local wait = at - now
if ARGV[6] == '0' or wait > tonumber(ARGV[7]) then return {wait, used, day_used, 0} end
redis.call('ZADD', KEYS[1], at, ARGV[5])
redis.call('PEXPIRE', KEYS[1], math.ceil((wait + window) / 1000) + 1000)
if day_limit > 0 then
  redis.call('ZADD', KEYS[2], at, ARGV[5])
  redis.call('PEXPIRE', KEYS[2], math.ceil((wait + day_window) / 1000) + 1000)
  day_used = day_used + 1
end
return {wait, used + 1, day_used, 1}
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

/// The answer of one request for a slot.
pub(crate) enum Admission {
    /// A slot is reserved this long from now (zero: now): sleep, then send.
    Reserved(Duration),
    /// The earliest slot is further away than the caller may wait; nothing
    /// was reserved.
    TooLate(Duration),
}

/// The shared budget of one credential (client id) on one fleet.
pub(crate) struct SharedBudget {
    fleet: Fleet,
    window_key: String,
    day_key: String,
    script: Script,
}

/// The numbers of a budget, as the shared script counts them: how many
/// requests per window, and per day if limited. Given by the limiter, so the
/// fleet needs nothing of its settings types.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BudgetShape {
    pub(crate) requests: u32,
    pub(crate) per: Duration,
    pub(crate) per_day: Option<u32>,
    /// The day window (24 hours; shorter only in tests).
    pub(crate) day: Duration,
}

impl SharedBudget {
    /// The budget counted under `name` (empty, or ending in `:`) for the
    /// credential `client_id`.
    pub(crate) fn new(fleet: Fleet, client_id: &str, name: &str) -> Self {
        // The key names the credential without showing it.
        let credential = crate::fingerprint::fnv1a(&[client_id.as_bytes()]);
        Self {
            window_key: fleet.key(&format!("quota:{credential:016x}:{name}window")),
            day_key: fleet.key(&format!("quota:{credential:016x}:{name}day")),
            fleet,
            script: Script::new(BUDGET_SCRIPT),
        }
    }

    pub(crate) fn fleet(&self) -> &Fleet {
        &self.fleet
    }

    /// Reserves the budget's earliest free slot, unless it is more than
    /// `max_wait` away. One script call, whatever the answer.
    pub(crate) async fn reserve(
        &self,
        limit: BudgetShape,
        max_wait: Duration,
    ) -> Result<Admission, String> {
        let member = format!("{:016x}", fastrand::u64(..));
        let answer = self.call(limit, &member, Some(max_wait)).await?;
        let wait = Duration::from_micros(answer.wait);
        Ok(if answer.reserved {
            Admission::Reserved(wait)
        } else {
            Admission::TooLate(wait)
        })
    }

    /// What is left, taking nothing.
    pub(crate) async fn left(&self, limit: BudgetShape) -> Result<QuotaLeft, String> {
        let Answer {
            wait,
            used,
            day_used,
            ..
        } = self.call(limit, "", None).await?;
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

    /// Runs the script; `reserve_within`: take a slot if it is no further
    /// away than this, `None`: only look.
    async fn call(
        &self,
        limit: BudgetShape,
        member: &str,
        reserve_within: Option<Duration>,
    ) -> Result<Answer, String> {
        let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1);
        let mut invocation = self.script.prepare_invoke();
        invocation
            .key(&self.window_key)
            .key(&self.day_key)
            .arg(limit.requests)
            .arg(micros(limit.per))
            .arg(limit.per_day.unwrap_or(0))
            .arg(micros(limit.day))
            .arg(member)
            .arg(if reserve_within.is_some() { "1" } else { "0" })
            .arg(reserve_within.map_or(0, micros));
        let (wait, used, day_used, reserved): (i64, i64, i64, i64) = self
            .fleet
            .run(|mut connection| async move { invocation.invoke_async(&mut connection).await })
            .await?;
        let positive = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(Answer {
            wait: positive(wait),
            used: positive(used),
            day_used: positive(day_used),
            reserved: reserved == 1,
        })
    }
}

/// What the script answered.
struct Answer {
    /// Microseconds until the earliest slot (the reserved one, if any).
    wait: u64,
    used: u64,
    day_used: u64,
    reserved: bool,
}
