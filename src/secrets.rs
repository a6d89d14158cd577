//! Rotating a credential's client secret through the Adobe I/O Management
//! API (list, create, delete), as Adobe's Developer Console guide describes.
//!
//! The Management API lives on its own host and needs its own token scopes,
//! so [`SecretsManager`] has its own token manager and transport; credentials
//! go only to the management host.

use std::{fmt, sync::Arc, time::Duration};

use secrecy::{ExposeSecret, SecretString};

use crate::{
    ConfigError, Error, ValidationError,
    auth::{ImsTokenManager, TokenPolicy},
    config::{self, env},
    decode::outcome,
    generated::firefly as generated,
    retry::RetryPolicy,
    transport::Transport,
};

/// The Adobe I/O Management API, production.
pub const DEFAULT_MANAGEMENT_URL: &str = "https://api.adobe.io";

/// Scopes the Management API needs to list, create and delete secrets.
pub const MANAGEMENT_SCOPES: &str = "AdobeID,openid,read_organizations,\
additional_info.projectedProductContext,additional_info.roles,adobeio_api,\
read_client_secret,manage_client_secrets";

pub use crate::wire::NewClientSecret;

/// One existing secret of a credential: its id and whatever metadata Adobe
/// sends (never its value).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ClientSecretInfo {
    /// The id to delete it by.
    pub uuid: String,
    /// When it was created, as Adobe sent it.
    pub created: Option<serde_json::Value>,
    /// When it was last used, as Adobe sent it.
    pub last_used: Option<serde_json::Value>,
}

/// Lists, creates and deletes the client secrets of a credential.
#[derive(Clone)]
pub struct SecretsManager {
    raw: generated::Client,
}

/// Settings for a [`SecretsManager`]; see [`SecretsManager::builder`].
#[derive(Clone)]
pub struct SecretsManagerBuilder {
    client_id: String,
    client_secret: SecretString,
    ims_url: String,
    management_url: String,
    token_policy: TokenPolicy,
    retry_policy: RetryPolicy,
    request_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http_client: Option<reqwest::Client>,
}

impl Default for SecretsManagerBuilder {
    fn default() -> Self {
        Self {
            client_id: String::new(),
            client_secret: SecretString::from(String::new()),
            ims_url: config::DEFAULT_IMS_URL.to_owned(),
            management_url: DEFAULT_MANAGEMENT_URL.to_owned(),
            token_policy: TokenPolicy::default(),
            retry_policy: RetryPolicy::default(),
            request_timeout: None,
            connect_timeout: None,
            http_client: None,
        }
    }
}

impl fmt::Debug for SecretsManagerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretsManagerBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("ims_url", &self.ims_url)
            .field("management_url", &self.management_url)
            .field("token_policy", &self.token_policy)
            .field("retry_policy", &self.retry_policy)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("http_client", &self.http_client.is_some())
            .finish_non_exhaustive()
    }
}

impl SecretsManagerBuilder {
    /// The Client ID of the credential whose secrets are managed.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self
    }

    /// One of the credential's current Client Secrets.
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = SecretString::from(client_secret.into());
        self
    }

    /// The IMS base URL (default [`DEFAULT_IMS_URL`](crate::config::DEFAULT_IMS_URL)).
    pub fn ims_url(mut self, url: impl Into<String>) -> Self {
        self.ims_url = url.into();
        self
    }

    /// The I/O Management API base URL (default [`DEFAULT_MANAGEMENT_URL`]).
    pub fn management_url(mut self, url: impl Into<String>) -> Self {
        self.management_url = url.into();
        self
    }

    /// Token refresh and IMS retry rules for the manager's own tokens.
    pub fn token_policy(mut self, policy: TokenPolicy) -> Self {
        self.token_policy = policy;
        self
    }

    /// When failed Management API requests are retried (see
    /// [`RetryPolicy`] for the defaults), as
    /// [`FireflyBuilder::retry_policy`](crate::FireflyBuilder::retry_policy).
    /// Creating a secret is retried only when the answer shows none was
    /// created.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Limit for one Management API request (default 60 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Limit for connecting to the Management API (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Your own HTTP client for the Management API (proxies, private
    /// certificate authorities), with the same rules as
    /// [`FireflyBuilder::http_client`](crate::FireflyBuilder::http_client):
    /// IMS keeps the SDK's own client, credentials go only to the
    /// management host, an answer that came through a redirect is refused
    /// (build it with `redirect(reqwest::redirect::Policy::none())`), and
    /// `request_timeout` and `connect_timeout` do not apply: set them on
    /// your client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The manager; it asks IMS for a token with [`MANAGEMENT_SCOPES`].
    pub fn build(self) -> Result<SecretsManager, Error> {
        let base = config::base_url("Management API URL", &self.management_url)?;
        let tokens = ImsTokenManager::builder()
            .ims_url(self.ims_url)
            .client_id(self.client_id.clone())
            .client_secret(self.client_secret.expose_secret())
            .scopes(MANAGEMENT_SCOPES)
            .policy(self.token_policy)
            .build()?;
        let http = match self.http_client {
            Some(client) => client,
            None => crate::http::api_client(self.connect_timeout, self.request_timeout)?,
        };
        let transport = Transport::new(
            Arc::new(tokens),
            &self.client_id,
            &base,
            self.retry_policy,
            crate::Api::Firefly,
            Vec::new(),
        )?;
        let raw = generated::Client::new_with_client(&config::trimmed(&base), http, transport);
        Ok(SecretsManager { raw })
    }
}

impl SecretsManager {
    /// A builder: client id and secret are required, the hosts default to
    /// Adobe's.
    pub fn builder() -> SecretsManagerBuilder {
        SecretsManagerBuilder::default()
    }

    /// A manager from `FIREFLY_SERVICES_CLIENT_ID`, `FIREFLY_SERVICES_CLIENT_SECRET`
    /// and, if set, `FIREFLY_SERVICES_IMS_URL` and `FIREFLY_SERVICES_MANAGEMENT_URL`.
    pub fn from_env() -> Result<Self, Error> {
        let lookup = |name: &str| std::env::var(name).ok();
        let var = |name| config::non_empty(&lookup, name);
        let missing = |name, hint| ConfigError::MissingVariable { name, hint };
        let client_id =
            var(env::CLIENT_ID).ok_or(missing(env::CLIENT_ID, "the credential's Client ID"))?;
        let secret = var(env::CLIENT_SECRET).ok_or(missing(
            env::CLIENT_SECRET,
            "the credential's current Client Secret (a static token cannot rotate secrets)",
        ))?;
        let mut builder = Self::builder().client_id(client_id).client_secret(secret);
        if let Some(url) = var(env::IMS_URL) {
            builder = builder.ims_url(url);
        }
        if let Some(url) = var(env::MANAGEMENT_URL) {
            builder = builder.management_url(url);
        }
        builder.build()
    }

    /// The secrets of a credential (ids and metadata, never values).
    pub async fn list(
        &self,
        org_id: &str,
        credential_id: &str,
    ) -> Result<Vec<ClientSecretInfo>, Error> {
        let call = self
            .raw
            .list_client_secrets()
            .org_id(path_id("orgId", org_id)?)
            .credential_id(path_id("credentialId", credential_id)?);
        let body: serde_json::Value = outcome("listClientSecrets", call.send()).await?.into();
        parse_secret_list(body)
    }

    /// Generates a new secret. Deploy it everywhere before deleting the old.
    pub async fn create(
        &self,
        org_id: &str,
        credential_id: &str,
    ) -> Result<NewClientSecret, Error> {
        let call = self
            .raw
            .create_client_secret()
            .org_id(path_id("orgId", org_id)?)
            .credential_id(path_id("credentialId", credential_id)?);
        outcome("createClientSecret", call.send()).await
    }

    /// Deletes a secret for good.
    pub async fn delete(
        &self,
        org_id: &str,
        credential_id: &str,
        secret_uuid: &str,
    ) -> Result<(), Error> {
        let call = self
            .raw
            .delete_client_secret()
            .org_id(path_id("orgId", org_id)?)
            .credential_id(path_id("credentialId", credential_id)?)
            .secret_id(path_id("secretId", secret_uuid)?);
        outcome("deleteClientSecret", call.send()).await
    }
}

impl fmt::Debug for SecretsManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretsManager")
            .field("management_url", &self.raw.baseurl)
            .finish_non_exhaustive()
    }
}

/// An id that goes into a URL path: not empty, no separators.
fn path_id<'a>(field: &str, id: &'a str) -> Result<&'a str, Error> {
    let id = id.trim();
    if id.is_empty() || id.contains(['/', '?', '#', '%']) || id == "." || id == ".." {
        return Err(
            ValidationError::new(field, "must be a non-empty id without /, ?, # or %").into(),
        );
    }
    Ok(id)
}

/// Adobe does not document the list body: accept an array of secrets or an
/// object holding one under `client_secrets` (or `secrets`).
fn parse_secret_list(body: serde_json::Value) -> Result<Vec<ClientSecretInfo>, Error> {
    let items = match &body {
        serde_json::Value::Array(items) => Some(items),
        serde_json::Value::Object(map) => map
            .get("client_secrets")
            .or_else(|| map.get("secrets"))
            .and_then(|v| v.as_array()),
        _ => None,
    };
    let Some(items) = items else {
        return Err(Error::Decode {
            operation: "listClientSecrets",
            status: Some(200),
            detail: "expected an array of secrets".into(),
            request_id: None,
        });
    };
    Ok(items
        .iter()
        .filter_map(|item| {
            Some(ClientSecretInfo {
                uuid: item.get("uuid")?.as_str()?.to_owned(),
                created: item.get("created").cloned(),
                last_used: item
                    .get("last_used")
                    .or_else(|| item.get("lastUsed"))
                    .cloned(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_list_shapes_are_read() {
        let array = json!([{"uuid": "a", "created": "2025-01-01"}]);
        let object =
            json!({"client_id": "x", "client_secrets": [{"uuid": "a", "created": "2025-01-01"}]});
        assert_eq!(
            parse_secret_list(array).unwrap(),
            parse_secret_list(object).unwrap()
        );
        assert!(parse_secret_list(json!("nope")).is_err());
    }

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert!(path_id("orgId", "12345@AdobeOrg").is_ok());
        for bad in ["", " ", "a/b", "..", "a?b", "a%2Fb"] {
            assert!(path_id("orgId", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_new_secret_is_redacted() {
        let secret: NewClientSecret =
            serde_json::from_value(json!({"client_secret": "p8e-SENTINEL", "uuid": "u"})).unwrap();
        assert!(!format!("{secret:?}").contains("SENTINEL"));
        assert_eq!(secret.expose_secret(), "p8e-SENTINEL");
    }
}
