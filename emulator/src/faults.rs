//! Faults the emulator can inject: what each one is, which request or job
//! it falls on, and the count of those that fired. Their text form, read
//! from `FIREFLY_EMULATOR_FAULTS`, is in `faults/syntax.rs`.

mod syntax;

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

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
#[non_exhaustive]
pub struct ServerErrorBurst {
    /// The status, such as 503.
    pub status: u16,
    /// How many requests in a row fail.
    pub count: u32,
    /// The length of the cycle, in requests (at least `count`).
    pub every: u32,
}

impl ServerErrorBurst {
    /// `count` requests in a row answer `status`, at the start of every
    /// cycle of `every` requests (raised to `count` when shorter, so that
    /// `new(503, 2, 1)` fails every request).
    pub fn new(status: u16, count: u32, every: u32) -> Self {
        Self {
            status,
            count,
            every: every.max(count).max(1),
        }
    }
}

/// An API of Firefly Services a fault can fall on (`not_entitled`,
/// `missing_scope`), named in the text form as `firefly` or `photoshop`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum FaultApi {
    /// The Firefly API.
    Firefly,
    /// Photoshop API v2.
    Photoshop,
    /// The Audio/Video API.
    AudioVideo,
    /// The InDesign API.
    InDesign,
    /// The Substance 3D API.
    Substance3d,
}

impl FaultApi {
    /// Every API a fault can name, in the order the text form writes them.
    pub const ALL: [FaultApi; 5] = [
        FaultApi::Firefly,
        FaultApi::Photoshop,
        FaultApi::AudioVideo,
        FaultApi::InDesign,
        FaultApi::Substance3d,
    ];

    /// The name in the text form: `firefly`, `photoshop`, `audio-video`,
    /// `indesign`, `substance3d`.
    pub fn name(self) -> &'static str {
        match self {
            FaultApi::Firefly => "firefly",
            FaultApi::Photoshop => "photoshop",
            FaultApi::AudioVideo => "audio-video",
            FaultApi::InDesign => "indesign",
            FaultApi::Substance3d => "substance3d",
        }
    }
}

/// Faults injected into Firefly and Photoshop API requests (not IMS, not
/// downloads). All off by default.
///
/// Counting is over all such requests the emulator receives, starting at
/// 1: `rate_limit_every(3)` answers 429 to requests 3, 6, 9, ... The job
/// faults count the jobs of both APIs.
///
/// ```
/// use std::time::Duration;
/// use adobe_firefly_emulator::{Faults, ServerErrorBurst};
///
/// let faults = Faults::none()
///     .rate_limit_every(3)
///     .server_errors(ServerErrorBurst::new(503, 2, 10))
///     .slow(Duration::from_millis(250));
/// assert_eq!(faults.rate_limit_every, Some(3));
/// assert_eq!(faults.to_string(), "rate_limit_every=3,server_errors=503x2/10,slow_ms=250");
/// ```
///
/// Job faults count jobs instead: `fail_jobs_every` and `timeout_jobs_every`
/// count submitted jobs, `content_policy_every` counts the submissions it
/// can refuse (see each field).
///
/// From the environment, `FIREFLY_EMULATOR_FAULTS` holds comma-separated
/// items: `rate_limit_every=3`, `retry_after=5` or `retry_after=date:5`,
/// `server_errors=503x2/10` (2 in every 10 requests), `slow_ms=250`,
/// `drop_every=7`, `html_errors`, `fail_jobs_every=2`, `token_valid_secs=30`, `ims_slow_ms=500`,
/// `rate_limit_per_minute=4`, `quota_window_ms=1000`,
/// `quota_submissions_only`, `content_policy_every=3`,
/// `timeout_jobs_every=2`, `cancel_pending`, `not_entitled=photoshop`,
/// `missing_scope=firefly+photoshop`. [`Faults::parse`] reads that
/// form and `Display` writes it.
///
/// `partial_success_every=2` makes every n-th InDesign job end
/// `partial_success` (finished, with an entry in `errors` naming what
/// failed) instead of `succeeded`.
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
    /// Make every n-th submitted job, when it is an InDesign job that
    /// would succeed, end `partial_success` instead.
    pub partial_success_every: Option<u32>,
    /// Reject tokens this long after they were issued, whatever `expires_in`
    /// said (a revoked or early-expiring token).
    pub token_valid_for: Option<Duration>,
    /// Delay every IMS token answer by this much (an IMS that stalls), so
    /// a test can stop a process while it waits for a token.
    pub ims_slow: Option<Duration>,
    /// Adobe's quota: at most this many requests per minute per client id
    /// (Adobe's default is 4).
    pub rate_limit_per_minute: Option<u32>,
    /// The window `rate_limit_per_minute` counts over: a minute, or less to
    /// run quota tests in seconds.
    pub quota_window: Duration,
    /// Whether the quota counts only job submissions (POST), not status
    /// polls (whether Adobe counts polls is not documented).
    pub quota_submissions_only: bool,
    /// Answer every n-th job submission with 451 (`prompt_unsafe`, or
    /// `input_media_unsafe` where there is no prompt), Adobe's
    /// content-policy refusal. Only the endpoints whose operation in the
    /// spec lists a 451 answer are refused (Image Model 5 and the precise
    /// and adaptive composites in the 2026 spec), and only their
    /// submissions are counted, after their body and inputs were accepted.
    pub content_policy_every: Option<u32>,
    /// Make every n-th submitted job end `timeout` (with an `error_code`
    /// and a `message`) instead of succeeding.
    pub timeout_jobs_every: Option<u32>,
    /// After a cancel, answer the job's next status poll with
    /// `cancel_pending`, and `cancelled` from then on (instead of
    /// `cancelled` at once).
    pub cancel_pending: bool,
    /// The APIs the organization is not entitled to: their requests (with
    /// a good token and key) answer 403 `user_non_entitled`, with that
    /// `x-access-error`, as when the credential's project lacks the API's
    /// product profile. Sorted, each API once.
    pub not_entitled: Vec<FaultApi>,
    /// The APIs whose scope the tokens lack, whatever was asked of IMS:
    /// their requests answer 403 with `x-access-error: invalid_ims_scope`,
    /// as for a token issued without the API's scope. Sorted, each API
    /// once.
    pub missing_scope: Vec<FaultApi>,
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
            partial_success_every: None,
            token_valid_for: None,
            ims_slow: None,
            rate_limit_per_minute: None,
            quota_window: Duration::from_secs(60),
            quota_submissions_only: false,
            content_policy_every: None,
            timeout_jobs_every: None,
            cancel_pending: false,
            not_entitled: Vec::new(),
            missing_scope: Vec::new(),
        }
    }

    /// Parses the `FIREFLY_EMULATOR_FAULTS` syntax (see the type's docs).
    /// An unknown name is refused with the list of valid ones.
    pub fn parse(spec: &str) -> Result<Self, String> {
        syntax::parse(spec)
    }

    /// Answer every n-th request with 429: the n-th, the 2n-th, ...
    pub fn rate_limit_every(mut self, n: u32) -> Self {
        self.rate_limit_every = Some(n);
        self
    }

    /// The `Retry-After` sent with every 429 (default: 1 second).
    pub fn retry_after(mut self, retry_after: RetryAfter) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Bursts of server errors.
    pub fn server_errors(mut self, burst: ServerErrorBurst) -> Self {
        self.server_errors = Some(burst);
        self
    }

    /// Delay every answer by this much.
    pub fn slow(mut self, delay: Duration) -> Self {
        self.slow = Some(delay);
        self
    }

    /// Cut the connection in the middle of every n-th answer.
    pub fn drop_connection_every(mut self, n: u32) -> Self {
        self.drop_connection_every = Some(n);
        self
    }

    /// Send error bodies as HTML pages instead of Adobe's JSON.
    pub fn html_errors(mut self, html: bool) -> Self {
        self.html_errors = html;
        self
    }

    /// Make every n-th submitted job end `failed`.
    pub fn fail_jobs_every(mut self, n: u32) -> Self {
        self.fail_jobs_every = Some(n);
        self
    }

    /// Make every n-th submitted job, when it is an InDesign job that
    /// would succeed, end `partial_success`.
    pub fn partial_success_every(mut self, n: u32) -> Self {
        self.partial_success_every = Some(n);
        self
    }

    /// Reject tokens this long after they were issued, whatever
    /// `expires_in` said.
    pub fn token_valid_for(mut self, lifetime: Duration) -> Self {
        self.token_valid_for = Some(lifetime);
        self
    }

    /// Delay every IMS token answer by this much.
    pub fn ims_slow(mut self, delay: Duration) -> Self {
        self.ims_slow = Some(delay);
        self
    }

    /// Adobe's quota: at most this many requests per minute per client id.
    pub fn rate_limit_per_minute(mut self, limit: u32) -> Self {
        self.rate_limit_per_minute = Some(limit);
        self
    }

    /// Count the quota over `window` instead of a minute, so a test of
    /// minutes runs in seconds.
    pub fn quota_window(mut self, window: Duration) -> Self {
        self.quota_window = window;
        self
    }

    /// Count only job submissions (POST) against the quota.
    pub fn quota_submissions_only(mut self, submissions_only: bool) -> Self {
        self.quota_submissions_only = submissions_only;
        self
    }

    /// Answer every n-th job submission that can be refused for content
    /// (its operation lists a 451 in the spec) with 451 `prompt_unsafe`
    /// (`input_media_unsafe` without a prompt).
    pub fn content_policy_every(mut self, n: u32) -> Self {
        self.content_policy_every = Some(n);
        self
    }

    /// Make every n-th submitted job end `timeout`.
    pub fn timeout_jobs_every(mut self, n: u32) -> Self {
        self.timeout_jobs_every = Some(n);
        self
    }

    /// Answer the first status poll after a cancel with `cancel_pending`.
    pub fn cancel_pending(mut self, pending: bool) -> Self {
        self.cancel_pending = pending;
        self
    }

    /// Refuse `api`'s requests with 403 `user_non_entitled` (added to the
    /// APIs already refused).
    pub fn not_entitled(mut self, api: FaultApi) -> Self {
        add(&mut self.not_entitled, api);
        self
    }

    /// Refuse `api`'s requests as made with a token lacking its scope
    /// (added to the APIs already refused).
    pub fn missing_scope(mut self, api: FaultApi) -> Self {
        add(&mut self.missing_scope, api);
        self
    }

    /// Whether the n-th request (from 1) gets an injected 429.
    pub(crate) fn rate_limits(&self, n: u64) -> bool {
        every_nth(self.rate_limit_every, n)
    }

    /// The status the n-th request (from 1) fails with, if any.
    pub(crate) fn server_error(&self, n: u64) -> Option<u16> {
        let burst = self.server_errors?;
        let position = (n - 1) % u64::from(burst.every.max(1));
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

    /// Whether the n-th job (from 1), an InDesign job, partly succeeds.
    pub(crate) fn partial_success(&self, n: u64) -> bool {
        every_nth(self.partial_success_every, n)
    }

    /// Whether the n-th job (from 1) times out.
    pub(crate) fn times_out_job(&self, n: u64) -> bool {
        every_nth(self.timeout_jobs_every, n)
    }

    /// Whether the n-th submission (from 1) that can be refused for
    /// content is.
    pub(crate) fn refuses_content(&self, n: u64) -> bool {
        every_nth(self.content_policy_every, n)
    }
}

/// Adds `api` to a sorted set of APIs.
fn add(apis: &mut Vec<FaultApi>, api: FaultApi) {
    if let Err(at) = apis.binary_search(&api) {
        apis.insert(at, api);
    }
}

/// Whether the n-th event (from 1) falls on a period of `every`.
fn every_nth(every: Option<u32>, n: u64) -> bool {
    every.is_some_and(|every| n.is_multiple_of(u64::from(every)))
}

/// How many times each fault fired, from
/// [`Emulator::faults_served`](crate::Emulator::faults_served): lets a test
/// check that the faults it configured happened, not only that the client
/// coped with whatever came.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FaultsServed {
    /// 429s injected by `rate_limit_every`.
    pub rate_limits: u64,
    /// 429s from the per-minute quota (`rate_limit_per_minute`).
    pub quota_rejections: u64,
    /// 5xx answers injected by `server_errors`.
    pub server_errors: u64,
    /// Answers delayed by `slow`.
    pub slow_answers: u64,
    /// Connections cut by `drop_connection_every`.
    pub dropped_connections: u64,
    /// Error bodies sent as HTML pages (`html_errors`).
    pub html_errors: u64,
    /// `failed` job statuses answered for jobs `fail_jobs_every` picked.
    pub failed_jobs: u64,
    /// 401s for tokens refused because `token_valid_for` cut them short or
    /// [`Emulator::revoke_tokens`](crate::Emulator::revoke_tokens) revoked
    /// them.
    pub expired_tokens: u64,
    /// 451s injected by `content_policy_every`.
    pub content_policy_refusals: u64,
    /// `timeout` job statuses answered for jobs `timeout_jobs_every` picked.
    pub timed_out_jobs: u64,
    /// `cancel_pending` job statuses answered (`cancel_pending`).
    pub cancel_pending_answers: u64,
    /// 403 `user_non_entitled` answers (`not_entitled`).
    pub not_entitled: u64,
    /// 403 `invalid_ims_scope` answers injected by `missing_scope`.
    pub missing_scope: u64,
}

/// A fault that fired, as counted in [`FaultsServed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fired {
    RateLimit,
    Quota,
    ServerError,
    Slow,
    DroppedConnection,
    HtmlError,
    FailedJob,
    ExpiredToken,
    ContentPolicy,
    TimedOutJob,
    CancelPending,
    NotEntitled,
    MissingScope,
}

/// The running counts behind [`FaultsServed`], one per [`Fired`].
#[derive(Default)]
pub(crate) struct FaultCounters([AtomicU64; 13]);

impl FaultCounters {
    pub(crate) fn record(&self, fired: Fired) {
        self.0[fired as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn served(&self) -> FaultsServed {
        let count = |fired: Fired| self.0[fired as usize].load(Ordering::Relaxed);
        FaultsServed {
            rate_limits: count(Fired::RateLimit),
            quota_rejections: count(Fired::Quota),
            server_errors: count(Fired::ServerError),
            slow_answers: count(Fired::Slow),
            dropped_connections: count(Fired::DroppedConnection),
            html_errors: count(Fired::HtmlError),
            failed_jobs: count(Fired::FailedJob),
            expired_tokens: count(Fired::ExpiredToken),
            content_policy_refusals: count(Fired::ContentPolicy),
            timed_out_jobs: count(Fired::TimedOutJob),
            cancel_pending_answers: count(Fired::CancelPending),
            not_entitled: count(Fired::NotEntitled),
            missing_scope: count(Fired::MissingScope),
        }
    }
}

#[cfg(test)]
mod tests;
