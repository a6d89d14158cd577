//! What happens to every request to an API on its way out and back:
//! credentials are attached (only for the API's own host), the API's budget
//! is spent, a refused token is replaced and the request replayed once,
//! failures are retried where that is safe, and what cannot be answered is
//! a typed [`Failure`].
//!
//! The generated clients call [`Transport::admit`] from progenitor's `pre`
//! hook and [`Transport::send_admitted`] from its `exec` hook; the SDK's own
//! requests (uploads) call [`Transport::execute`]. Turning answers into
//! results is `crate::decode`'s job.
//!
//! This module owns the trust rule and the request's span; `send.rs` owns
//! the retry loop and the 401 replay; `failure.rs` the typed failures and
//! each call's record of them.

mod failure;
mod send;

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use reqwest::{
    Request, Response,
    header::{HeaderName, HeaderValue},
};
use tracing::Instrument;
use url::Url;

pub(crate) use failure::{CallRecord, Failure, recorded};

use crate::{
    Api, PreparedRequest,
    answers::{REQUEST_ID, header},
    auth::{AccessToken, TokenSource},
    config::{self, ConfigError},
    limiter::{Limiter, RateLimit},
    retry::RetryPolicy,
};

const API_KEY: HeaderName = HeaderName::from_static("x-api-key");

/// What a client's transport has done so far; see
/// [`Firefly::stats`](crate::Firefly::stats).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientStats {
    /// HTTP requests sent to Firefly, retries and replays included.
    pub requests_sent: u64,
    /// Requests sent again after a retryable failure.
    pub retries: u64,
    /// Requests replayed with a fresh token after Firefly refused the token
    /// (a 401, or a 431 or 400 the token header caused).
    pub replays_after_401: u64,
}

/// The generated client's inner value: credentials and policy for requests.
#[derive(Clone)]
pub struct Transport {
    shared: Arc<Shared>,
    /// Prepare requests, never send them
    /// ([`FireflyBuilder::dry_run`](crate::FireflyBuilder::dry_run)).
    dry_run: bool,
}

struct Shared {
    api: Api,
    tokens: Arc<dyn TokenSource>,
    api_key: HeaderValue,
    api_origin: url::Origin,
    trust_adobe_io: bool,
    retry: RetryPolicy,
    /// The API's budget: every limit must let a request go.
    limiters: Vec<Limiter>,
    requests_sent: AtomicU64,
    retries: AtomicU64,
    replays_after_401: AtomicU64,
}

impl Transport {
    pub(crate) fn new(
        tokens: Arc<dyn TokenSource>,
        client_id: &str,
        api_url: &Url,
        retry: RetryPolicy,
        api: Api,
        budget: Vec<RateLimit>,
    ) -> Result<Self, ConfigError> {
        config::check_client_id(client_id)?;
        let mut api_key =
            HeaderValue::from_str(client_id).map_err(|_| ConfigError::InvalidSetting {
                setting: "client id",
                reason: "it is not a valid header value".into(),
            })?;
        api_key.set_sensitive(true);
        let trust_adobe_io = api_url.scheme() == "https"
            && api_url
                .host_str()
                .is_some_and(|host| host.ends_with(".adobe.io"));
        Ok(Self {
            shared: Arc::new(Shared {
                api,
                tokens,
                api_key,
                api_origin: api_url.origin(),
                trust_adobe_io,
                retry,
                limiters: budget
                    .into_iter()
                    .enumerate()
                    .map(|(index, limit)| Limiter::new(limit, client_id, api.slug(), index))
                    .collect(),
                requests_sent: AtomicU64::new(0),
                retries: AtomicU64::new(0),
                replays_after_401: AtomicU64::new(0),
            }),
            dry_run: false,
        })
    }

    /// This transport, preparing requests instead of sending them when
    /// `dry_run` is set.
    pub(crate) fn dry_run(self, dry_run: bool) -> Self {
        Self { dry_run, ..self }
    }

    /// Whether credentials may be sent to `url`: the configured API origin,
    /// or, when that is an Adobe host, another https `*.adobe.io` host
    /// (Firefly hands out status URLs on per-cluster hosts).
    pub(crate) fn trusts(&self, url: &Url) -> bool {
        url.origin() == self.shared.api_origin
            || (self.shared.trust_adobe_io
                && url.scheme() == "https"
                && url
                    .host_str()
                    .is_some_and(|host| host.ends_with(".adobe.io")))
    }

    /// The counters so far.
    pub(crate) fn stats(&self) -> ClientStats {
        let shared = &self.shared;
        ClientStats {
            requests_sent: shared.requests_sent.load(Ordering::Relaxed),
            retries: shared.retries.load(Ordering::Relaxed),
            replays_after_401: shared.replays_after_401.load(Ordering::Relaxed),
        }
    }

    /// The API this transport sends to.
    pub(crate) fn api(&self) -> Api {
        self.shared.api
    }

    /// Checks that a request may go, and gives it credentials: a trusted
    /// host, room in the budget (`operation`'s: a limit may count one
    /// operation only), a token. Nothing is sent.
    pub(crate) async fn admit(
        &self,
        request: &mut Request,
        operation: &str,
    ) -> Result<AccessToken, Failure> {
        // progenitor adds the spec's info.version as `api-version`; no
        // Adobe API defines that header.
        request.headers_mut().remove("api-version");
        if !self.trusts(request.url()) {
            let host = request.url().host_str().unwrap_or_default().to_owned();
            return Err(Failure::UntrustedHost(host));
        }
        if self.dry_run {
            // Before the budget and the token: a dry run spends neither.
            let prepared = PreparedRequest::of(self.shared.api, request);
            return Err(Failure::DryRun(Box::new(prepared)));
        }
        self.spend_budget(request.method(), operation).await?;
        let token = self.shared.tokens.token().await.map_err(Failure::Auth)?;
        self.authorize(request, &token);
        Ok(token)
    }

    /// Sends an admitted request (`token` is the one [`admit`](Self::admit)
    /// attached), retrying what the [`RetryPolicy`] allows, in a tracing
    /// span for the operation. Returns the last answer (or transport
    /// error), and the failure that overrides it when the SDK gave up.
    pub(crate) async fn send_admitted(
        &self,
        http: &reqwest::Client,
        request: Request,
        token: AccessToken,
        operation: &str,
    ) -> (reqwest::Result<Response>, Option<Failure>) {
        let span = tracing::info_span!(
            "firefly",
            api = self.shared.api.name(),
            operation,
            method = %request.method(),
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let (result, failure, attempts) = self
            .with_retries(http, request, token, operation)
            .instrument(span.clone())
            .await;
        span.record("attempts", attempts);
        span.record("duration_ms", started.elapsed().as_secs_f64() * 1e3);
        if let (Ok(response), None) = (&result, &failure) {
            span.record("status", response.status().as_u16());
            if let Some(id) = header(response.headers(), REQUEST_ID) {
                span.record("request_id", id);
            }
        }
        (result, failure)
    }

    /// [`admit`](Self::admit), then [`send_admitted`](Self::send_admitted):
    /// for the SDK's own requests, which do not go through the generated
    /// client.
    pub(crate) async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        operation: &str,
    ) -> Result<Response, Unanswered> {
        let token = self
            .admit(&mut request, operation)
            .await
            .map_err(Unanswered::Refused)?;
        match self.send_admitted(http, request, token, operation).await {
            (_, Some(failure)) => Err(Unanswered::Refused(failure)),
            (Err(error), None) => Err(Unanswered::Failed(error)),
            (Ok(response), None) => Ok(response),
        }
    }

    /// Waits for room in every limit of the API's budget, taking one.
    async fn spend_budget(&self, method: &reqwest::Method, operation: &str) -> Result<(), Failure> {
        for limiter in &self.shared.limiters {
            limiter
                .acquire(method, operation)
                .await
                .map_err(Failure::RateLimit)?;
        }
        Ok(())
    }
}

/// Why [`Transport::execute`] has no answer.
#[derive(Debug)]
pub(crate) enum Unanswered {
    /// The SDK refused to send it, or gave up on it.
    Refused(Failure),
    /// It did not complete on the wire.
    Failed(reqwest::Error),
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("tokens", &self.shared.tokens)
            .field("api_origin", &self.shared.api_origin.ascii_serialization())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{AccessToken, StaticToken};
    use reqwest::header::AUTHORIZATION;

    #[test]
    fn credentials_headers_are_marked_sensitive() {
        let url = Url::parse("https://firefly-api.adobe.io").unwrap();
        let transport = Transport::new(
            Arc::new(StaticToken::new("t")),
            "client",
            &url,
            RetryPolicy::default(),
            Api::Firefly,
            Vec::new(),
        )
        .unwrap();
        let mut request = Request::new(reqwest::Method::GET, url);
        transport.authorize(&mut request, &AccessToken::new("t"));
        let authorization = &request.headers()[AUTHORIZATION];
        assert_eq!(authorization.to_str().unwrap(), "Bearer t");
        assert!(authorization.is_sensitive());
        assert!(request.headers()[API_KEY].is_sensitive());
        assert!(!format!("{:?}", request.headers()).contains("Bearer t"));
    }

    #[test]
    fn credentials_go_only_to_trusted_hosts() {
        let adobe = Url::parse("https://firefly-api.adobe.io").unwrap();
        let transport = Transport::new(
            Arc::new(StaticToken::new("t")),
            "client",
            &adobe,
            RetryPolicy::default(),
            Api::Firefly,
            Vec::new(),
        )
        .unwrap();
        let trusted = |url: &str| transport.trusts(&Url::parse(url).unwrap());
        assert!(trusted("https://firefly-api.adobe.io/v3/status/x"));
        assert!(trusted("https://firefly-epo855230.adobe.io/v3/status/x"));
        assert!(!trusted("http://firefly-epo855230.adobe.io/v3/status/x"));
        assert!(!trusted(
            "https://pre-signed-firefly-prod.s3-accelerate.amazonaws.com/x"
        ));
        assert!(!trusted("https://evil.adobe.io.example.com/x"));

        let local = Url::parse("http://127.0.0.1:8080").unwrap();
        let transport = Transport::new(
            Arc::new(StaticToken::new("t")),
            "client",
            &local,
            RetryPolicy::default(),
            Api::Firefly,
            Vec::new(),
        )
        .unwrap();
        assert!(transport.trusts(&Url::parse("http://127.0.0.1:8080/v3/x").unwrap()));
        assert!(!transport.trusts(&Url::parse("http://127.0.0.1:9090/v3/x").unwrap()));
        assert!(!transport.trusts(&Url::parse("https://firefly-api.adobe.io/v3/x").unwrap()));
    }
}
