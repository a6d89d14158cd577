//! The exchange with Adobe IMS: the client-credentials grant through the
//! oauth2 crate, what a failed exchange means ([`classify`]), and whether a
//! token response is usable ([`accept`]). No caching here.

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use futures::future::BoxFuture;
use oauth2::{
    AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet, RequestTokenError, Scope,
    TokenResponse, TokenUrl,
    basic::{BasicClient, BasicErrorResponse, BasicTokenResponse, BasicTokenType},
};
use secrecy::{ExposeSecret, SecretString};

use super::{AccessToken, AuthError, TokenPolicy};
use crate::config::ConfigError;

type OAuthClient =
    BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// The path of IMS's token endpoint.
pub(super) const TOKEN_PATH: &str = "/ims/token/v3";

/// What the manager needs to ask IMS for a token.
pub(super) struct Exchange {
    oauth: OAuthClient,
    http: reqwest::Client,
    scope: String,
    attempt_timeout: Duration,
}

impl Exchange {
    /// An exchange against `{ims_url}/ims/token/v3`.
    pub(super) fn new(
        ims_url: &str,
        client_id: &str,
        client_secret: &SecretString,
        scope: String,
        policy: &TokenPolicy,
    ) -> Result<Self, ConfigError> {
        let token_url = TokenUrl::new(format!("{ims_url}{TOKEN_PATH}")).map_err(|e| {
            ConfigError::InvalidUrl {
                setting: "IMS URL",
                value: ims_url.to_owned(),
                reason: e.to_string(),
            }
        })?;
        let oauth = BasicClient::new(ClientId::new(client_id.to_owned()))
            .set_client_secret(ClientSecret::new(client_secret.expose_secret().to_owned()))
            // Adobe documents the credentials in the form body; the crate's
            // default would send them as HTTP Basic.
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(token_url);
        let http = crate::http::client_builder()
            // A token endpoint that redirects is misconfigured or hostile:
            // following it would hand the secret to another host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(policy.effective_connect_timeout())
            .timeout(policy.attempt_timeout)
            .build()
            .map_err(|e| ConfigError::HttpClient {
                reason: e.to_string(),
            })?;
        Ok(Self {
            oauth,
            http,
            scope,
            attempt_timeout: policy.attempt_timeout,
        })
    }

    /// The comma-separated scopes this exchange asks for.
    pub(super) fn scope(&self) -> &str {
        &self.scope
    }

    /// One IMS request through the oauth2 crate, classified.
    pub(super) async fn request_once(&self) -> Result<BasicTokenResponse, AuthError> {
        let http = StatusKeepingClient {
            client: &self.http,
            seen: Mutex::new(None),
        };
        let result = self
            .oauth
            .exchange_client_credentials()
            // One scope holding Adobe's comma-separated list: oauth2 would
            // join several scopes with spaces.
            .add_scope(Scope::new(self.scope.clone()))
            .request_async(&http)
            .await;
        let seen = http
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        result.map_err(|error| classify(error, seen, self.attempt_timeout))
    }
}

/// Checks a token response and returns the token with its lifetime, or says
/// why it is unusable.
pub(super) fn accept(
    response: &BasicTokenResponse,
    policy: &TokenPolicy,
) -> Result<(AccessToken, Duration), AuthError> {
    let invalid = |reason: String| AuthError::InvalidResponse {
        reason,
        retry_after: None,
    };
    match response.token_type() {
        BasicTokenType::Bearer => {}
        other => {
            return Err(invalid(format!(
                "token_type is `{}`, not `bearer`",
                other.as_ref()
            )));
        }
    }
    let secret = response.access_token().secret();
    if secret.is_empty() {
        return Err(invalid("access_token is empty".into()));
    }
    let lifetime = match response.expires_in() {
        None => {
            tracing::warn!(
                assumed_secs = policy.assumed_lifetime.as_secs(),
                "IMS sent no expires_in; assuming a short lifetime"
            );
            policy.assumed_lifetime
        }
        Some(lifetime) if lifetime.is_zero() => {
            return Err(invalid("expires_in is 0".into()));
        }
        Some(lifetime) if lifetime > policy.max_lifetime => {
            tracing::warn!(
                expires_in_secs = lifetime.as_secs(),
                "IMS sent an implausibly long expires_in; clamping it"
            );
            policy.max_lifetime
        }
        Some(lifetime) => lifetime,
    };
    tracing::debug!(
        lifetime_secs = lifetime.as_secs(),
        "access token fetched from IMS"
    );
    Ok((AccessToken::new(secret.clone()), lifetime))
}

/// The oauth2 crate's HTTP client, over the SDK's reqwest. oauth2 hides the
/// HTTP status of failures; this adapter keeps it (and `Retry-After`) so a 503
/// is retried and a 400 is not.
struct StatusKeepingClient<'a> {
    client: &'a reqwest::Client,
    seen: Mutex<Option<(u16, Option<Duration>)>>,
}

impl<'c> oauth2::AsyncHttpClient<'c> for StatusKeepingClient<'_> {
    type Error = reqwest::Error;
    type Future = BoxFuture<'c, Result<oauth2::HttpResponse, reqwest::Error>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)?;
            let response = self.client.execute(request).await?;
            let status = response.status();
            let retry_after = crate::retry::retry_after(response.headers());
            *self.seen.lock().unwrap_or_else(PoisonError::into_inner) =
                Some((status.as_u16(), retry_after));
            let headers = response.headers().clone();
            let body = response.bytes().await?;
            let mut out = oauth2::http::Response::new(body.to_vec());
            *out.status_mut() = status;
            *out.headers_mut() = headers;
            Ok(out)
        })
    }
}

/// Sorts out what a failed IMS exchange means, never quoting the body (a
/// malformed body could hold anything, including a token).
pub(super) fn classify(
    error: RequestTokenError<reqwest::Error, BasicErrorResponse>,
    seen: Option<(u16, Option<Duration>)>,
    attempt_timeout: Duration,
) -> AuthError {
    match (error, seen) {
        (RequestTokenError::Request(e), seen) if e.is_timeout() => {
            let _ = seen;
            AuthError::Timeout {
                after: attempt_timeout,
                retry_after: None,
            }
        }
        (RequestTokenError::Request(e), seen) => {
            let detail = if e.is_connect() {
                "cannot connect"
            } else if seen.is_some() {
                "the response was cut off"
            } else {
                "the request failed"
            };
            AuthError::Transient {
                status: seen.map(|(status, _)| status),
                detail: detail.to_owned(),
                retry_after: None,
                source: Some(Arc::new(e.without_url())),
            }
        }
        (_, Some((status, retry_after))) if status == 408 || status == 429 || status >= 500 => {
            AuthError::transient(
                Some(status),
                format!("IMS answered HTTP {status}"),
                retry_after,
            )
        }
        (RequestTokenError::ServerResponse(response), Some((status, _))) => AuthError::Permanent {
            status,
            ims_error: response.error().as_ref().to_owned(),
            description: response.error_description().cloned().unwrap_or_default(),
            retry_after: None,
        },
        (RequestTokenError::Parse(e, _body), Some((200, _))) => AuthError::InvalidResponse {
            reason: format!("the body is not a token response (at `{}`)", e.path()),
            retry_after: None,
        },
        (RequestTokenError::Other(_), Some((200, _))) => AuthError::InvalidResponse {
            reason: "the response is not JSON".into(),
            retry_after: None,
        },
        (_, Some((status, _))) => AuthError::Permanent {
            status,
            ims_error: if (300..400).contains(&status) {
                "redirect".into()
            } else {
                "unknown".into()
            },
            description: format!("IMS answered HTTP {status} without an OAuth error body"),
            retry_after: None,
        },
        (_, None) => AuthError::transient(None, "no response from IMS", None),
    }
}

/// Trims each scope and joins them with commas, as IMS expects.
pub(super) fn normalize_scopes(scopes: &str) -> String {
    scopes
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}
