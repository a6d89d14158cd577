//! The front door: [`Firefly`] and its builder.

use std::{fmt, sync::Arc, time::Duration};

use secrecy::SecretString;
use url::Url;

use crate::{
    Error,
    auth::{ImsTokenManager, StaticToken, TokenPolicy, TokenSource},
    config::{self, ConfigError, env},
    generated,
    retry::{RateLimit, RetryPolicy},
    transport::{self, Transport},
    types::{JobAccepted, JobResult, JobStatus, JobStatusResponse},
};

/// A Firefly client.
///
/// Cheap to clone: clones share the HTTP connection pool and the token cache,
/// so create one and clone it into tasks.
///
/// ```no_run
/// # async fn demo() -> Result<(), adobe_firefly::Error> {
/// use adobe_firefly::{Firefly, WaitOptions, types::GenerateImagesRequest};
///
/// let firefly = Firefly::from_env()?;
/// let job = firefly
///     .generate_images(GenerateImagesRequest::builder().prompt("a cat coding"))
///     .await?;
/// let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
/// for output in &result.outputs {
///     println!("{:?}", output.image.as_ref().map(|image| &image.url));
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Firefly {
    pub(crate) raw: generated::Client,
    pub(crate) http: reqwest::Client,
    /// For pre-signed storage URLs: no credentials, ever.
    pub(crate) storage_http: reqwest::Client,
    pub(crate) transport: Transport,
    api_url: Url,
}

/// How [`Firefly::wait_for_job`] polls.
///
/// The first poll comes after `first_poll`; each later pause is `backoff`
/// times longer, up to `max_interval`. A `Retry-After` from Firefly wins. The
/// wait fails with [`Error::WaitTimeout`] (carrying the job id, so the wait
/// can be resumed) once `deadline` would pass.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitOptions {
    /// Pause before the first status request. Default 1 s.
    pub first_poll: Duration,
    /// Longest pause between status requests. Default 10 s.
    pub max_interval: Duration,
    /// Growth of the pause after each poll (at least 1). Default 1.5.
    pub backoff: f64,
    /// Longest total wait. Default 15 min.
    pub deadline: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            first_poll: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
            backoff: 1.5,
            deadline: Duration::from_secs(15 * 60),
        }
    }
}

impl Firefly {
    /// A client configured from the environment; see [`config::env`] for
    /// the variables. A missing variable is an error that names it.
    pub fn from_env() -> Result<Self, Error> {
        FireflyBuilder::from_env()?.build()
    }

    /// A builder for a client configured in code.
    pub fn builder() -> FireflyBuilder {
        FireflyBuilder::default()
    }

    /// The current state of a job, read from the `statusUrl` Firefly gave.
    pub async fn job_status(&self, job: &JobAccepted) -> Result<JobStatusResponse, Error> {
        let client = self.client_for(&job.status_url, "/v3/status/");
        let call = client.job_result_v3().job_id(job.job_id.as_str());
        transport::outcome("jobResultV3", call.send().await).await
    }

    /// Asks Firefly to cancel a job, at the `cancelUrl` Firefly gave.
    pub async fn cancel_job(&self, job: &JobAccepted) -> Result<(), Error> {
        let client = self.client_for(&job.cancel_url, "/v3/cancel/");
        let call = client.cancel_job_v3().job_id(job.job_id.as_str());
        transport::outcome("cancelJobV3", call.send().await)
            .await
            .map(drop)
    }

    /// Polls a job until it finishes and returns its result.
    ///
    /// A job that ends `failed`, `canceled` or `timeout` is an
    /// [`Error::JobFailed`]; running out of time is an [`Error::WaitTimeout`]
    /// that names the job, so the wait can be resumed.
    pub async fn wait_for_job(
        &self,
        job: &JobAccepted,
        options: &WaitOptions,
    ) -> Result<JobResult, Error> {
        self.wait_for_job_with(job, options, |_| {}).await
    }

    /// [`Firefly::wait_for_job`], calling `on_status` with every status read
    /// (for progress display).
    pub async fn wait_for_job_with(
        &self,
        job: &JobAccepted,
        options: &WaitOptions,
        mut on_status: impl FnMut(&JobStatusResponse),
    ) -> Result<JobResult, Error> {
        let started = tokio::time::Instant::now();
        let mut pause = options.first_poll;
        let mut last_status = JobStatus::Pending;
        loop {
            if started.elapsed() + pause > options.deadline {
                return Err(Error::WaitTimeout {
                    job_id: job.job_id.clone(),
                    last_status,
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(pause).await;
            let next = pause
                .mul_f64(options.backoff.max(1.0))
                .min(options.max_interval);
            match self.job_status(job).await {
                Ok(status) => {
                    on_status(&status);
                    last_status = status.status.clone();
                    if let Some(done) = finished(status) {
                        return done;
                    }
                    pause = next;
                }
                Err(error) if error.is_retryable() => {
                    tracing::debug!(job_id = %job.job_id, error = %error, "status poll failed; retrying");
                    pause = error.retry_after().unwrap_or(next);
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// The base URL requests go to.
    pub fn api_url(&self) -> &str {
        self.api_url.as_str()
    }

    /// How many requests were replayed with a fresh token after Firefly
    /// answered 401.
    pub fn replays_after_401(&self) -> u64 {
        self.transport.replays_after_401()
    }

    /// A generated client for the origin of a URL Firefly returned, when
    /// credentials may go there; otherwise the configured one.
    fn client_for(&self, returned_url: &str, path_prefix: &str) -> generated::Client {
        let origin = returned_url
            .find(path_prefix)
            .map(|at| &returned_url[..at])
            .and_then(|base| Url::parse(base).ok().map(|url| (base, url)));
        match origin {
            Some((base, url)) if self.transport.trusts(&url) && base != self.raw.baseurl => {
                generated::Client::new_with_client(base, self.http.clone(), self.transport.clone())
            }
            Some(_) => self.raw.clone(),
            None => {
                tracing::warn!(
                    url_prefix = path_prefix,
                    "Firefly returned a job URL of an unknown shape; using the configured API URL"
                );
                self.raw.clone()
            }
        }
    }
}

/// What a terminal status means for the waiter; `None` while still running.
fn finished(status: JobStatusResponse) -> Option<Result<JobResult, Error>> {
    match status.status {
        JobStatus::Succeeded => Some(status.result.ok_or_else(|| Error::Decode {
            operation: "jobResultV3",
            status: Some(200),
            detail: "the job succeeded but the status has no result".into(),
            request_id: None,
        })),
        terminal if terminal.is_terminal() => Some(Err(Error::JobFailed {
            job_id: status.job_id,
            status: terminal,
            error_code: status.error_code,
            message: status.message,
        })),
        _ => None,
    }
}

impl fmt::Debug for Firefly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Firefly")
            .field("api_url", &self.api_url.as_str())
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`Firefly`] client.
///
/// A client id is always needed (Firefly wants it as `x-api-key`), plus one
/// way to get tokens: a client secret (the SDK fetches and renews tokens), a
/// fixed access token, or your own [`TokenSource`].
#[derive(Clone, Default)]
pub struct FireflyBuilder {
    client_id: Option<String>,
    tokens: Tokens,
    api_url: Option<String>,
    ims_url: Option<String>,
    scopes: Option<String>,
    token_policy: TokenPolicy,
    retry_policy: RetryPolicy,
    rate_limit: Option<RateLimit>,
    request_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
}

#[derive(Clone, Default)]
enum Tokens {
    #[default]
    Unset,
    ClientSecret(SecretString),
    AccessToken(SecretString),
    Source(Arc<dyn TokenSource>),
}

impl FireflyBuilder {
    /// Settings from the process environment ([`config::env`]).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// Settings from any variable lookup (a config file, a test map).
    ///
    /// `FIREFLY_SERVICES_CLIENT_ID` is required, and so is either
    /// `FIREFLY_SERVICES_CLIENT_SECRET` or `FIREFLY_SERVICES_ACCESS_TOKEN`
    /// (the secret wins when both are set, since it allows renewal).
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name| config::non_empty(&lookup, name);
        let client_id = var(env::CLIENT_ID).ok_or(ConfigError::MissingVariable {
            name: env::CLIENT_ID,
            hint: "the Client ID of your Developer Console OAuth server-to-server credential",
        })?;
        let tokens = match (var(env::CLIENT_SECRET), var(env::ACCESS_TOKEN)) {
            (Some(secret), _) => Tokens::ClientSecret(secret.into()),
            (None, Some(token)) => Tokens::AccessToken(token.into()),
            (None, None) => {
                return Err(ConfigError::MissingVariable {
                    name: env::CLIENT_SECRET,
                    hint: "the Client Secret of the credential (or set \
                           FIREFLY_SERVICES_ACCESS_TOKEN to a token from IMS)",
                });
            }
        };
        let mut token_policy = TokenPolicy::default();
        if let Some(dir) = var(env::TOKEN_CACHE_DIR) {
            token_policy = token_policy.with_disk_cache(dir);
        }
        Ok(Self {
            client_id: Some(client_id),
            tokens,
            api_url: var(env::API_URL),
            ims_url: var(env::IMS_URL),
            scopes: var(env::SCOPES),
            token_policy,
            ..Self::default()
        })
    }

    /// The Client ID of the Developer Console credential.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The Client Secret: the SDK fetches and renews tokens from IMS.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.tokens = Tokens::ClientSecret(SecretString::from(secret.into()));
        self
    }

    /// A fixed access token obtained elsewhere; never renewed.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.tokens = Tokens::AccessToken(SecretString::from(token.into()));
        self
    }

    /// Your own source of tokens.
    pub fn token_source(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.tokens = Tokens::Source(source);
        self
    }

    /// The Firefly base URL (default [`config::DEFAULT_API_URL`]). Plain
    /// http is accepted only for loopback hosts.
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = Some(url.into());
        self
    }

    /// The IMS base URL (default [`config::DEFAULT_IMS_URL`]).
    pub fn ims_url(mut self, url: impl Into<String>) -> Self {
        self.ims_url = Some(url.into());
        self
    }

    /// Comma-separated IMS scopes (default [`config::DEFAULT_SCOPES`]).
    pub fn scopes(mut self, scopes: impl Into<String>) -> Self {
        self.scopes = Some(scopes.into());
        self
    }

    /// Token refresh and IMS retry rules.
    pub fn token_policy(mut self, policy: TokenPolicy) -> Self {
        self.token_policy = policy;
        self
    }

    /// When failed requests are retried (see [`RetryPolicy`] for the defaults).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// A client-side request budget (off by default), such as
    /// `RateLimit::per_minute(4)`, Adobe's default quota.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Limit for one Firefly request (default 60 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Limit for connecting to Firefly (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Checks the settings and creates the client. Sends nothing.
    pub fn build(self) -> Result<Firefly, Error> {
        let client_id = self.client_id.ok_or(ConfigError::MissingSetting {
            setting: "client id",
            hint: "call .client_id(..) with the Client ID of the Developer Console credential",
        })?;
        let api_url = config::base_url(
            "Firefly API URL",
            self.api_url.as_deref().unwrap_or(config::DEFAULT_API_URL),
        )?;
        let tokens: Arc<dyn TokenSource> = match self.tokens {
            Tokens::Unset => {
                return Err(ConfigError::MissingSetting {
                    setting: "credentials",
                    hint: "call .client_secret(..), .access_token(..) or .token_source(..)",
                }
                .into());
            }
            Tokens::ClientSecret(secret) => Arc::new(ImsTokenManager::new(
                self.ims_url.as_deref().unwrap_or(config::DEFAULT_IMS_URL),
                client_id.clone(),
                secrecy::ExposeSecret::expose_secret(&secret),
                self.scopes.as_deref().unwrap_or(config::DEFAULT_SCOPES),
                self.token_policy,
            )?),
            Tokens::AccessToken(token) => Arc::new(StaticToken::new(
                secrecy::ExposeSecret::expose_secret(&token),
            )),
            Tokens::Source(source) => source,
        };
        let http = reqwest::Client::builder()
            // Credentials must not follow a redirect to another host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
            .timeout(self.request_timeout.unwrap_or(Duration::from_secs(60)))
            .user_agent(crate::USER_AGENT)
            .build()
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
        let storage_http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
            .user_agent(crate::USER_AGENT)
            .build()
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
        let transport = Transport::new(
            tokens,
            &client_id,
            &api_url,
            self.retry_policy,
            self.rate_limit,
        )?;
        let raw = generated::Client::new_with_client(
            &config::trimmed(&api_url),
            http.clone(),
            transport.clone(),
        );
        Ok(Firefly {
            raw,
            http,
            storage_http,
            transport,
            api_url,
        })
    }
}

impl fmt::Debug for FireflyBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tokens = match &self.tokens {
            Tokens::Unset => "unset",
            Tokens::ClientSecret(_) => "client secret [redacted]",
            Tokens::AccessToken(_) => "access token [redacted]",
            Tokens::Source(_) => "custom token source",
        };
        f.debug_struct("FireflyBuilder")
            .field("client_id", &self.client_id)
            .field("tokens", &tokens)
            .field("api_url", &self.api_url)
            .field("ims_url", &self.ims_url)
            .field("scopes", &self.scopes)
            .field("token_policy", &self.token_policy)
            .field("retry_policy", &self.retry_policy)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}
