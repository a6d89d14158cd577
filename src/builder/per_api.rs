//! The settings that differ per API: each API's request budget, its IMS
//! scopes when they differ from the rest, and the fleet that shares the
//! token and every budget. Also where the builder turns them into what each
//! API's transport gets.

use std::{collections::BTreeMap, sync::Arc};

use super::{FireflyBuilder, Tokens};
use crate::{
    Api,
    auth::{ImsTokenManager, StaticToken, TokenSource},
    config::{self, ConfigError},
    limiter::RateLimit,
};

impl FireflyBuilder {
    /// `api`'s base URL (default [`Api::default_url`]); for
    /// [`Api::Firefly`] the same as [`api_url`](Self::api_url). Plain http
    /// is accepted only for loopback hosts. Credentials go to this origin
    /// alone for `api`'s requests. A path is kept: requests go below it.
    ///
    /// ```
    /// use adobe_firefly::{Api, Firefly};
    ///
    /// let builder = Firefly::builder().base_url(Api::InDesign, "https://indesign.adobe.io");
    /// # let _ = builder;
    /// ```
    pub fn base_url(mut self, api: Api, url: impl Into<String>) -> Self {
        match api {
            Api::Firefly => self.api_url(url),
            other => {
                self.api_urls.insert(other, url.into());
                self
            }
        }
    }

    /// The base URL and transport of an API other than Firefly: its own
    /// origin, its own budget, the token source of its scopes.
    #[cfg(any(
        feature = "photoshop",
        feature = "audio-video",
        feature = "indesign",
        feature = "substance3d"
    ))]
    pub(super) fn api_transport(
        &self,
        api: Api,
        tokens: &TokenSources,
        client_id: &str,
    ) -> Result<(url::Url, crate::transport::Transport), ConfigError> {
        let setting = match api {
            Api::Firefly => "Firefly API URL",
            Api::Photoshop => "Photoshop API URL",
            Api::AudioVideo => "Audio/Video API URL",
            Api::InDesign => "InDesign API URL",
            Api::Substance3d => "Substance 3D API URL",
        };
        let url = config::base_url(
            setting,
            self.api_urls
                .get(&api)
                .map_or(api.default_url(), String::as_str),
        )?;
        let transport = crate::transport::Transport::new(
            tokens.for_api(api),
            client_id,
            &url,
            self.retry_policy.clone(),
            api,
            self.budget(api),
        )?
        .dry_run(self.dry_run);
        Ok((url, transport))
    }

    /// Firefly's request budget: one limit, such as
    /// `RateLimit::per_minute(4)`, Adobe's default quota. Off by default.
    /// The same as `.rate_limits(Api::Firefly, [limit])`.
    pub fn rate_limit(self, limit: RateLimit) -> Self {
        self.rate_limits(Api::Firefly, [limit])
    }

    /// `api`'s request budget: every limit must let a request go (for
    /// example one on submissions and one on status reads). Replaces what
    /// was set for `api` before; an empty list removes its budget. Off by
    /// default for every API.
    ///
    /// ```
    /// use std::time::Duration;
    /// use adobe_firefly::{Api, Firefly, RateLimit};
    ///
    /// let builder = Firefly::builder().rate_limits(
    ///     Api::Photoshop,
    ///     [
    ///         RateLimit::per_minute(100).submissions_only(),
    ///         RateLimit::new(50, Duration::from_secs(3)).polls_only(),
    ///     ],
    /// );
    /// # let _ = builder;
    /// ```
    pub fn rate_limits(mut self, api: Api, limits: impl IntoIterator<Item = RateLimit>) -> Self {
        let limits: Vec<RateLimit> = limits.into_iter().collect();
        if limits.is_empty() {
            self.budgets.remove(&api);
        } else {
            self.budgets.insert(api, limits);
        }
        self
    }

    /// Every API's budget set to the limits Adobe publishes
    /// ([`Api::adobe_rate_limits`]): Firefly 4 submissions a minute and
    /// 9,000 a day; Photoshop 300 submissions a minute and 300 status
    /// reads every 3 seconds.
    pub fn adobe_rate_limits(mut self) -> Self {
        for api in Api::ALL {
            self.budgets.insert(api, api.adobe_rate_limits());
        }
        self
    }

    /// IMS scopes for one API, when it needs other scopes than
    /// [`scopes`](Self::scopes) gives the rest. APIs with the same scopes
    /// share one token; each other set of scopes gets its own token
    /// manager. Needs a client secret: a fixed token, or your own source,
    /// carries the scopes it was issued with, so [`build`](Self::build)
    /// refuses the combination.
    ///
    /// By default one token serves every API, as Adobe's guides use one
    /// scope list for all of Firefly Services.
    pub fn api_scopes(mut self, api: Api, scopes: impl Into<String>) -> Self {
        self.api_scopes.insert(api, scopes.into());
        self
    }

    /// Shares the token and every API's budget with the other processes of
    /// a fleet, through its Redis server: the token as
    /// [`TokenPolicy::redis`](crate::auth::TokenPolicy::redis) does, each
    /// budget as [`RateLimit::redis`] does. Budgets set before or after
    /// this call are shared alike; one already given its own fleet keeps
    /// it. Budgets themselves are still chosen with
    /// [`rate_limits`](Self::rate_limits) or
    /// [`adobe_rate_limits`](Self::adobe_rate_limits).
    ///
    /// ```no_run
    /// use adobe_firefly::{Firefly, fleet::Fleet};
    ///
    /// let fleet = Fleet::builder("redis://127.0.0.1:6379").build()?;
    /// let firefly = Firefly::builder()
    ///     .client_id("my-client-id")
    ///     .client_secret("my-client-secret")
    ///     .adobe_rate_limits()
    ///     .fleet(&fleet)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "redis")]
    pub fn fleet(mut self, fleet: &crate::fleet::Fleet) -> Self {
        self.fleet = Some(fleet.clone());
        self
    }

    /// `api`'s budget as its transport gets it: shared through the fleet
    /// when there is one.
    pub(super) fn budget(&self, api: Api) -> Vec<RateLimit> {
        let limits = self.budgets.get(&api).cloned().unwrap_or_default();
        #[cfg(feature = "redis")]
        if let Some(fleet) = &self.fleet {
            return limits
                .into_iter()
                .map(|limit| match limit.fleet {
                    Some(_) => limit,
                    None => limit.redis(fleet),
                })
                .collect();
        }
        limits
    }

    /// The token sources: one per set of scopes, each API pointed at its
    /// own. Consumes the credentials.
    pub(super) fn token_sources(&mut self, client_id: &str) -> Result<TokenSources, ConfigError> {
        let default_scopes = self
            .scopes
            .clone()
            .unwrap_or_else(|| config::DEFAULT_SCOPES.to_owned());
        #[allow(unused_mut)]
        let mut policy = self.token_policy.clone();
        #[cfg(feature = "redis")]
        if let (Some(fleet), None) = (&self.fleet, &policy.redis) {
            policy = policy.redis(fleet);
        }
        let ims_url = self
            .ims_url
            .clone()
            .unwrap_or_else(|| config::DEFAULT_IMS_URL.to_owned());
        let ims = |secret: &secrecy::SecretString, scopes: &str| {
            ImsTokenManager::builder()
                .ims_url(ims_url.as_str())
                .client_id(client_id)
                .client_secret(secrecy::ExposeSecret::expose_secret(secret))
                .scopes(scopes)
                .policy(policy.clone())
                .build()
                .map(|manager| Arc::new(manager) as Arc<dyn TokenSource>)
        };
        let default: Arc<dyn TokenSource> = match std::mem::take(&mut self.tokens) {
            Tokens::Unset => {
                return Err(ConfigError::MissingSetting {
                    setting: "credentials",
                    hint: "call .client_secret(..), .access_token(..) or .token_source(..)",
                });
            }
            Tokens::ClientSecret(secret) => {
                let default = ims(&secret, &default_scopes)?;
                let mut by_scopes = BTreeMap::from([(default_scopes.clone(), default.clone())]);
                let mut per_api = BTreeMap::new();
                for (api, scopes) in &self.api_scopes {
                    let source = match by_scopes.get(scopes) {
                        Some(source) => Arc::clone(source),
                        None => ims(&secret, scopes)?,
                    };
                    by_scopes.insert(scopes.clone(), source.clone());
                    per_api.insert(*api, source);
                }
                return Ok(TokenSources { default, per_api });
            }
            Tokens::AccessToken(token) => Arc::new(StaticToken::new(
                secrecy::ExposeSecret::expose_secret(&token),
            )),
            Tokens::Source(source) => source,
        };
        if let Some(api) = self.api_scopes.keys().next() {
            return Err(ConfigError::InvalidSetting {
                setting: "API scopes",
                reason: format!(
                    "scopes for {api} need a client secret: a fixed access token or your \
                     own token source carries the scopes it was issued with"
                ),
            });
        }
        Ok(TokenSources {
            default,
            per_api: BTreeMap::new(),
        })
    }
}

/// Where each API's transport gets its tokens.
pub(super) struct TokenSources {
    default: Arc<dyn TokenSource>,
    per_api: BTreeMap<Api, Arc<dyn TokenSource>>,
}

impl TokenSources {
    /// The source for `api`: its own scopes' manager, or the shared one.
    pub(super) fn for_api(&self, api: Api) -> Arc<dyn TokenSource> {
        self.per_api
            .get(&api)
            .cloned()
            .unwrap_or_else(|| self.default.clone())
    }
}
