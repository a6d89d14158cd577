//! Which API request is admitted: the injected request faults, then the
//! checks Adobe's gateway makes (the bearer token, the API key, the
//! token's scope, the per-minute quota). The store decides; the routes
//! write the refusal in their API's shape.

use std::time::Duration;

use tokio::time::Instant;

use super::{Store, credentials::TokenCheck, next};
use crate::faults::{FaultApi, Fired, RetryAfter};

/// What a request presents to be let in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Credentials<'a> {
    /// The bearer token, if the request has one.
    pub(crate) token: Option<&'a str>,
    /// The `x-api-key`, if the request has a readable one.
    pub(crate) api_key: Option<&'a str>,
}

/// A request counted by [`Store::arrive`], waiting for [`Store::admit`].
#[derive(Debug)]
#[must_use = "a counted request is admitted or refused"]
pub(crate) struct Arrival {
    /// Its number among the API requests, from 1: the request faults fall
    /// on numbers.
    number: u64,
    /// How long to wait before answering it (the `slow` fault).
    pub(crate) delay: Option<Duration>,
}

/// Why a request is not admitted, in the order the checks are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The connection is cut in the middle of the answer (`drop_every`).
    ConnectionCut,
    /// No token, or one unknown, expired or revoked.
    InvalidToken,
    /// No `x-api-key`.
    MissingApiKey,
    /// An `x-api-key` other than the client id.
    WrongApiKey,
    /// The organization is not entitled to the API (`not_entitled`).
    NotEntitled,
    /// A valid token without the scope the request needs (or, under
    /// `missing_scope`, any token).
    MissingScope,
    /// Over the per-minute quota; a slot frees up in this many seconds.
    OverQuota { retry_after_secs: u64 },
    /// An injected 429 (`rate_limit_every`).
    RateLimited(RetryAfter),
    /// An injected server error with this status (`server_errors`).
    ServerError(u16),
}

impl Store {
    /// Counts an API request; its answer waits [`Arrival::delay`] (counted
    /// as a slow answer), then [`Store::admit`] decides.
    pub(crate) fn arrive(&self) -> Arrival {
        let number = next(&self.api_requests);
        let delay = self.settings.faults.slow;
        if delay.is_some() {
            self.record(Fired::Slow);
        }
        Arrival { number, delay }
    }

    /// Admits the request or says why not, counting the fault that fired.
    /// `api` is the API asked (the entitlement and scope faults name it);
    /// `submission` says whether it submits work (a POST): with
    /// `quota_submissions_only`, only submissions count against the quota.
    pub(crate) fn admit(
        &self,
        arrival: Arrival,
        api: FaultApi,
        credentials: Credentials<'_>,
        scope: &str,
        submission: bool,
    ) -> Result<(), Refusal> {
        let faults = &self.settings.faults;
        let n = arrival.number;
        if faults.drops(n) {
            self.record(Fired::DroppedConnection);
            return Err(Refusal::ConnectionCut);
        }
        let scoped = match self.check_token(credentials.token, scope) {
            TokenCheck::Invalid => return Err(Refusal::InvalidToken),
            TokenCheck::Valid { scoped } => scoped,
        };
        match credentials.api_key {
            None => return Err(Refusal::MissingApiKey),
            Some(key) if key != self.settings.client_id => return Err(Refusal::WrongApiKey),
            Some(_) => {}
        }
        // Adobe's gateway checks the entitlement and the scope once the
        // token and the key are known good.
        if faults.not_entitled.contains(&api) {
            self.record(Fired::NotEntitled);
            return Err(Refusal::NotEntitled);
        }
        if faults.missing_scope.contains(&api) {
            self.record(Fired::MissingScope);
            return Err(Refusal::MissingScope);
        }
        if !scoped {
            return Err(Refusal::MissingScope);
        }
        let counted = !faults.quota_submissions_only || submission;
        if let Some(limit) = faults.rate_limit_per_minute.filter(|_| counted) {
            self.quota(limit, faults.quota_window)?;
        }
        if faults.rate_limits(n) {
            self.record(Fired::RateLimit);
            return Err(Refusal::RateLimited(faults.retry_after));
        }
        if let Some(status) = faults.server_error(n) {
            self.record(Fired::ServerError);
            return Err(Refusal::ServerError(status));
        }
        Ok(())
    }

    /// Adobe's per-minute quota for the (single) client id, over `window`.
    fn quota(&self, limit: u32, window: Duration) -> Result<(), Refusal> {
        let now = Instant::now();
        let wait = {
            let mut data = self.lock();
            let recent = data
                .recent_requests
                .entry(self.settings.client_id.clone())
                .or_default();
            while recent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= window)
            {
                recent.pop_front();
            }
            if recent.len() < limit as usize {
                recent.push_back(now);
                return Ok(());
            }
            recent
                .front()
                .map_or(window, |oldest| window - now.duration_since(*oldest))
        };
        self.record(Fired::Quota);
        // Whole seconds, rounded up, so a client waiting that long finds
        // the slot free; at least 1, as `Retry-After: 0` invites a storm.
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Err(Refusal::OverQuota {
            retry_after_secs: seconds.max(1),
        })
    }

    /// Whether error bodies go out as HTML pages (`html_errors`); asked
    /// once per error answered, as each such page counts as a fault.
    pub(crate) fn errors_as_html(&self) -> bool {
        let html = self.settings.faults.html_errors;
        if html {
            self.record(Fired::HtmlError);
        }
        html
    }
}
