//! Configuring a [`Firefly`] client: in code or from the environment.
//! The settings that differ per API (budgets, scopes, the fleet) are in
//! `per_api.rs`.

mod per_api;

use std::{fmt, sync::Arc, time::Duration};

use secrecy::SecretString;

use crate::{
    DownloadTimeouts, Error, Firefly,
    auth::{TokenPolicy, TokenSource},
    config::{self, ConfigError, env},
    generated::firefly as generated,
    limiter::RateLimit,
    retry::RetryPolicy,
    transport::Transport,
};

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
    /// The base URL of each API other than Firefly, where it is not the default.
    api_urls: std::collections::BTreeMap<crate::Api, String>,
    ims_url: Option<String>,
    scopes: Option<String>,
    token_policy: TokenPolicy,
    retry_policy: RetryPolicy,
    /// Each API's budget; an API without an entry has none.
    budgets: std::collections::BTreeMap<crate::Api, Vec<RateLimit>>,
    /// Scopes for an API that needs other scopes than the rest.
    api_scopes: std::collections::BTreeMap<crate::Api, String>,
    #[cfg(feature = "redis")]
    fleet: Option<crate::fleet::Fleet>,
    request_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http_client: Option<reqwest::Client>,
    download_timeouts: DownloadTimeouts,
    allow_unlisted_sizes: bool,
    /// Prepare and check every request, send none.
    dry_run: bool,
    #[cfg(feature = "photoshop")]
    allow_any_storage_host: bool,
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
    /// Settings from the process environment ([`config::env`](crate::config::env)).
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
            token_policy = token_policy.disk_cache(dir);
        }
        let api_urls = [
            (crate::Api::Photoshop, env::PHOTOSHOP_URL),
            (crate::Api::AudioVideo, env::AUDIO_VIDEO_URL),
            (crate::Api::InDesign, env::INDESIGN_URL),
            (crate::Api::Substance3d, env::SUBSTANCE3D_URL),
        ]
        .into_iter()
        .filter_map(|(api, name)| Some((api, var(name)?)))
        .collect();
        Ok(Self {
            client_id: Some(client_id),
            tokens,
            api_url: var(env::API_URL),
            api_urls,
            ims_url: var(env::IMS_URL),
            scopes: var(env::SCOPES),
            token_policy,
            allow_unlisted_sizes: var(env::ALLOW_UNLISTED_SIZES)
                .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true")),
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

    /// The Firefly base URL (default [`config::DEFAULT_API_URL`](crate::config::DEFAULT_API_URL)). Plain
    /// http is accepted only for loopback hosts.
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = Some(url.into());
        self
    }

    /// The Photoshop API base URL (default
    /// [`config::DEFAULT_PHOTOSHOP_URL`](crate::config::DEFAULT_PHOTOSHOP_URL)),
    /// used with the `photoshop` feature. Plain http is accepted only for
    /// loopback hosts. The same as `.base_url(Api::Photoshop, url)`.
    pub fn photoshop_url(self, url: impl Into<String>) -> Self {
        self.base_url(crate::Api::Photoshop, url)
    }

    /// The IMS base URL (default [`config::DEFAULT_IMS_URL`](crate::config::DEFAULT_IMS_URL)).
    pub fn ims_url(mut self, url: impl Into<String>) -> Self {
        self.ims_url = Some(url.into());
        self
    }

    /// Comma-separated IMS scopes (default [`config::DEFAULT_SCOPES`](crate::config::DEFAULT_SCOPES)).
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

    /// Limit for one Firefly request (default 60 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Limit for connecting to Firefly (default 10 s). Downloads have their
    /// own, in [`FireflyBuilder::download_timeouts`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Limits for downloads from storage URLs: connecting, waiting for the
    /// next bytes, the whole download (default 10 s, 30 s, 10 min; see
    /// [`DownloadTimeouts`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// use adobe_firefly::{DownloadTimeouts, Firefly};
    ///
    /// let builder = Firefly::builder().download_timeouts(
    ///     DownloadTimeouts::default()
    ///         .idle(Duration::from_secs(10))
    ///         .total(Duration::from_secs(5 * 60)),
    /// );
    /// # let _ = builder;
    /// ```
    pub fn download_timeouts(mut self, timeouts: DownloadTimeouts) -> Self {
        self.download_timeouts = timeouts;
        self
    }

    /// Your own HTTP client, for proxies, private certificate authorities or
    /// shared connection pools. It is used for Firefly and for downloads;
    /// IMS keeps the SDK's own client, which never follows redirects.
    ///
    /// Credentials still go only where the SDK decides: the configured API
    /// host (or Adobe's per-cluster hosts when that is Adobe's). Build the
    /// client with `redirect(reqwest::redirect::Policy::none())`: the SDK
    /// cannot change a finished client's redirect policy, so an answer that
    /// arrives through a redirect is refused with an error; a download that
    /// ends up on a host the SDK would not have redirected to is refused
    /// too (see [`Firefly::download_to_writer`]). `request_timeout`,
    /// `connect_timeout` and the download connect limit do not apply; set
    /// them on your client (the download idle and total limits still apply).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Send output sizes that Adobe's guides do not list for the model
    /// (default: refused before sending, with the supported sizes named).
    /// For sizes Adobe adds before this SDK's list is updated; the schema's
    /// limits (such as 2688 pixels per side for synchronous calls) still apply.
    pub fn allow_unlisted_sizes(mut self, allow: bool) -> Self {
        self.allow_unlisted_sizes = allow;
        self
    }

    /// Prepare and check every request but send none (default: off): each
    /// call answers [`Error::DryRun`](crate::Error::DryRun) with the
    /// [`PreparedRequest`](crate::PreparedRequest) it would have sent
    /// (method, URL, headers with the credentials as placeholders, body),
    /// after the same checks as a real call. No token is asked of IMS and no
    /// budget is spent. For tools that show what a command would send and
    /// cost before anyone pays for it.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Send Photoshop requests whose storage URLs are on hosts outside
    /// [`photoshop::STORAGE_HOSTS`](crate::photoshop::STORAGE_HOSTS)
    /// (default: refused before sending, with
    /// [`Error::StorageHost`](crate::Error::StorageHost) naming the host).
    /// For storage Adobe accepts for your organization beyond its published
    /// list. URLs must still be https (plain http only on loopback).
    #[cfg(feature = "photoshop")]
    pub fn allow_any_storage_host(mut self, allow: bool) -> Self {
        self.allow_any_storage_host = allow;
        self
    }

    /// Checks the settings and creates the client. Sends nothing.
    pub fn build(mut self) -> Result<Firefly, Error> {
        let client_id = self.client_id.clone().ok_or(ConfigError::MissingSetting {
            setting: "client id",
            hint: "call .client_id(..) with the Client ID of the Developer Console credential",
        })?;
        config::check_client_id(&client_id)?;
        let api_url = config::base_url(
            "Firefly API URL",
            self.api_url.as_deref().unwrap_or(config::DEFAULT_API_URL),
        )?;
        // One credential for every API: by default one token source serves
        // them all, so one token does.
        let tokens = self.token_sources(&client_id)?;
        let (http, storage_http) = match self.http_client.take() {
            // The caller's client (proxies, private CAs) for both: it cannot
            // be told not to follow redirects, so the transport refuses any
            // answer that came from a redirect (see `Transport::execute`).
            Some(client) => (client.clone(), client),
            None => {
                // Credentials must not follow a redirect to another host.
                let http = crate::http::api_client(self.connect_timeout, self.request_timeout)?;
                let storage_http = crate::http::client_builder()
                    // Only where a pre-signed URL may go: see
                    // `download::redirect_policy`.
                    .redirect(crate::download::redirect_policy())
                    // A Referer would hand the previous pre-signed URL, its
                    // signature included, to the redirect's target.
                    .referer(false)
                    .connect_timeout(self.download_timeouts.connect)
                    .build()
                    .map_err(|e| ConfigError::HttpClient {
                        reason: e.to_string(),
                    })?;
                (http, storage_http)
            }
        };
        #[cfg(feature = "photoshop")]
        let photoshop = {
            let (url, transport) =
                self.api_transport(crate::Api::Photoshop, &tokens, &client_id)?;
            let any_host = self.allow_any_storage_host;
            crate::photoshop::Photoshop::new(&url, http.clone(), transport, any_host)
        };
        #[cfg(feature = "audio-video")]
        let audio_video = {
            let (url, transport) =
                self.api_transport(crate::Api::AudioVideo, &tokens, &client_id)?;
            crate::audio_video::AudioVideo::new(&url, http.clone(), transport)
        };
        #[cfg(feature = "indesign")]
        let indesign = {
            let (url, transport) = self.api_transport(crate::Api::InDesign, &tokens, &client_id)?;
            crate::indesign::InDesign::new(&url, http.clone(), transport)
        };
        #[cfg(feature = "substance3d")]
        let substance3d = {
            let (url, transport) =
                self.api_transport(crate::Api::Substance3d, &tokens, &client_id)?;
            crate::substance3d::Substance3d::new(&url, http.clone(), transport)
        };
        let transport = Transport::new(
            tokens.for_api(crate::Api::Firefly),
            &client_id,
            &api_url,
            self.retry_policy.clone(),
            crate::Api::Firefly,
            self.budget(crate::Api::Firefly),
        )?
        .dry_run(self.dry_run);
        let raw = generated::Client::new_with_client(
            &config::trimmed(&api_url),
            http.clone(),
            transport.clone(),
        );
        Ok(Firefly {
            raw,
            http,
            storage_http,
            download_timeouts: self.download_timeouts,
            transport,
            api_url,
            #[cfg(feature = "photoshop")]
            photoshop,
            #[cfg(feature = "audio-video")]
            audio_video,
            #[cfg(feature = "indesign")]
            indesign,
            #[cfg(feature = "substance3d")]
            substance3d,
            sizes: if self.allow_unlisted_sizes {
                crate::validate::SizePolicy::Any
            } else {
                crate::validate::SizePolicy::Listed
            },
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
            .field("api_urls", &self.api_urls)
            .field("ims_url", &self.ims_url)
            .field("scopes", &self.scopes)
            .field("token_policy", &self.token_policy)
            .field("retry_policy", &self.retry_policy)
            .field("budgets", &self.budgets)
            .field("api_scopes", &self.api_scopes)
            .field("http_client", &self.http_client.is_some())
            .field("download_timeouts", &self.download_timeouts)
            .finish_non_exhaustive()
    }
}

/// The two ways to a client, beside `Firefly::builder().build()`.
impl Firefly {
    /// A client configured from the environment; see [`config::env`](crate::config::env) for
    /// the variables. A missing variable is an error that names it.
    pub fn from_env() -> Result<Self, Error> {
        FireflyBuilder::from_env()?.build()
    }

    /// A builder for a client configured in code.
    pub fn builder() -> FireflyBuilder {
        FireflyBuilder::default()
    }
}
