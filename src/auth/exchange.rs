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

/// The largest IMS response read. A token response is a few KiB; a longer
/// body is not one, and reading it whole would let a hostile or broken
/// endpoint exhaust memory.
pub(crate) const MAX_IMS_BODY: usize = 64 * 1024;

/// What the manager needs to ask IMS for a token.
pub(super) struct Exchange {
    oauth: OAuthClient,
    http: reqwest::Client,
    scope: String,
    attempt_timeout: Duration,
    /// Kept to scrub it from whatever IMS says back.
    client_secret: SecretString,
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
            client_secret: client_secret.clone(),
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
        result.map_err(|error| {
            classify(
                error,
                seen,
                self.attempt_timeout,
                &[self.client_secret.expose_secret()],
            )
        })
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
                crate::redact::server_text(other.as_ref(), &[])
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
/// is retried and a 400 is not. It also reads at most [`MAX_IMS_BODY`] bytes.
struct StatusKeepingClient<'a> {
    client: &'a reqwest::Client,
    seen: Mutex<Option<(u16, Option<Duration>)>>,
}

/// Why the adapter produced no HTTP response for oauth2.
#[derive(Debug, thiserror::Error)]
pub(super) enum ImsHttpError {
    /// The request or the response failed on the wire.
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    /// The body went past [`MAX_IMS_BODY`]; reading stopped there.
    #[error("the response body is larger than {MAX_IMS_BODY} bytes")]
    TooLarge,
}

impl<'c> oauth2::AsyncHttpClient<'c> for StatusKeepingClient<'_> {
    type Error = ImsHttpError;
    type Future = BoxFuture<'c, Result<oauth2::HttpResponse, ImsHttpError>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)?;
            let response = self.client.execute(request).await?;
            let status = response.status();
            let retry_after = crate::retry::retry_after(response.headers());
            *self.seen.lock().unwrap_or_else(PoisonError::into_inner) =
                Some((status.as_u16(), retry_after));
            let headers = response.headers().clone();
            // A declared length over the cap needs no reading at all.
            if response
                .content_length()
                .is_some_and(|length| length > MAX_IMS_BODY as u64)
            {
                return Err(ImsHttpError::TooLarge);
            }
            // A longer body is dropped unfinished, and with it the
            // connection, so the rest is never read.
            let capped = crate::answers::read_capped(response, MAX_IMS_BODY).await?;
            if capped.cut {
                return Err(ImsHttpError::TooLarge);
            }
            let mut out = oauth2::http::Response::new(capped.body);
            *out.status_mut() = status;
            *out.headers_mut() = headers;
            Ok(out)
        })
    }
}

/// Sorts out what a failed IMS exchange means, never quoting the body (a
/// malformed body could hold anything, including a token). What IMS wrote in
/// its OAuth error is kept, cleaned by [`crate::redact::server_text`] of
/// `secrets` and anything that looks like a credential or a terminal escape.
pub(super) fn classify(
    error: RequestTokenError<ImsHttpError, BasicErrorResponse>,
    seen: Option<(u16, Option<Duration>)>,
    attempt_timeout: Duration,
    secrets: &[&str],
) -> AuthError {
    let clean = |text: &str| crate::redact::server_text(text, secrets);
    match (error, seen) {
        (RequestTokenError::Request(ImsHttpError::TooLarge), _) => AuthError::InvalidResponse {
            reason: format!("the response is larger than {} KiB", MAX_IMS_BODY / 1024),
            retry_after: None,
        },
        (RequestTokenError::Request(ImsHttpError::Http(e)), _) if e.is_timeout() => {
            AuthError::Timeout {
                after: attempt_timeout,
                retry_after: None,
            }
        }
        (RequestTokenError::Request(ImsHttpError::Http(e)), seen) => {
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
        // A redirect or a missing endpoint says nothing about the
        // credentials: the URL is wrong (or IMS moved), whatever the body
        // claims.
        (_, Some((status, _))) if (300..400).contains(&status) || status == 404 => {
            AuthError::Endpoint {
                status,
                retry_after: None,
            }
        }
        (RequestTokenError::ServerResponse(response), Some((status, _))) => AuthError::Permanent {
            status,
            ims_error: clean(response.error().as_ref()),
            description: response
                .error_description()
                .map(|text| clean(text))
                .unwrap_or_default(),
            retry_after: None,
        },
        (RequestTokenError::Parse(e, _body), Some((200, _))) => AuthError::InvalidResponse {
            // The path names fields of the server's JSON, so it is server
            // text too.
            reason: format!(
                "the body is not a token response (at `{}`)",
                clean(&e.path().to_string())
            ),
            retry_after: None,
        },
        (RequestTokenError::Other(_), Some((200, _))) => AuthError::InvalidResponse {
            reason: "the response is not JSON".into(),
            retry_after: None,
        },
        (_, Some((status, _))) => AuthError::Permanent {
            status,
            ims_error: "unknown".into(),
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
