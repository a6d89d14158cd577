//! Settings for an [`ImsTokenManager`]: its builder, which checks every
//! setting before anything is sent.

use std::fmt;

use secrecy::SecretString;

use super::{
    ImsTokenManager, TokenPolicy,
    exchange::{self, Exchange},
};
use crate::config::{self, ConfigError};

/// Settings for an [`ImsTokenManager`]; see [`ImsTokenManager::builder`].
///
/// Nothing is sent until the first token is needed, so building may happen
/// outside a Tokio runtime.
#[derive(Clone)]
pub struct ImsTokenManagerBuilder {
    ims_url: String,
    client_id: String,
    client_secret: SecretString,
    scopes: String,
    policy: TokenPolicy,
}

impl Default for ImsTokenManagerBuilder {
    fn default() -> Self {
        Self {
            ims_url: config::DEFAULT_IMS_URL.to_owned(),
            client_id: String::new(),
            client_secret: SecretString::from(String::new()),
            scopes: config::DEFAULT_SCOPES.to_owned(),
            policy: TokenPolicy::default(),
        }
    }
}

impl fmt::Debug for ImsTokenManagerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImsTokenManagerBuilder")
            .field("ims_url", &self.ims_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("scopes", &self.scopes)
            .field("policy", &self.policy)
            .finish()
    }
}

impl ImsTokenManagerBuilder {
    /// The IMS base URL (default [`DEFAULT_IMS_URL`](crate::config::DEFAULT_IMS_URL)).
    pub fn ims_url(mut self, url: impl Into<String>) -> Self {
        self.ims_url = url.into();
        self
    }

    /// The Client ID of the Developer Console credential.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self
    }

    /// The Client Secret of the Developer Console credential.
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = SecretString::from(client_secret.into());
        self
    }

    /// The scopes to ask for, comma-separated as Adobe documents them
    /// (default [`DEFAULT_SCOPES`](crate::config::DEFAULT_SCOPES)).
    pub fn scopes(mut self, scopes: impl Into<String>) -> Self {
        self.scopes = scopes.into();
        self
    }

    /// When to refresh, how long to wait for IMS, how to back off.
    pub fn policy(mut self, policy: TokenPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The manager, or a [`ConfigError`] naming the unusable setting.
    pub fn build(self) -> Result<ImsTokenManager, ConfigError> {
        use secrecy::ExposeSecret;
        config::check_client_id(&self.client_id)?;
        if self.client_secret.expose_secret().is_empty() {
            return Err(ConfigError::MissingSetting {
                setting: "client secret",
                hint: "the Client Secret of the Developer Console credential",
            });
        }
        let base = config::base_url("IMS URL", &self.ims_url)?;
        let ims_url = config::trimmed(&base);
        let scope = exchange::normalize_scopes(&self.scopes);
        let exchange = Exchange::new(
            &ims_url,
            &self.client_id,
            &self.client_secret,
            scope,
            &self.policy,
        )?;
        Ok(ImsTokenManager::assemble(
            self.policy,
            exchange,
            ims_url,
            self.client_id,
        ))
    }
}
