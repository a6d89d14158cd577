//! Access tokens for Firefly: where they come from and how they fail.
//!
//! Every Firefly request carries `Authorization: Bearer <token>` and
//! `x-api-key: <client id>`. Tokens come from a [`TokenSource`]:
//!
//! - [`ImsTokenManager`]: the default. Exchanges a client id and secret at
//!   Adobe IMS (OAuth client-credentials grant), caches the token, refreshes
//!   it in the background before it expires and shares one IMS request among
//!   all concurrent callers.
//! - [`StaticToken`]: a token obtained elsewhere (for example
//!   `FIREFLY_SERVICES_ACCESS_TOKEN`). Never refreshed.
//! - Your own type implementing [`TokenSource`].

mod builder;
mod cache;
mod disk_cache;
mod error;
mod exchange;
mod ims;
mod policy;
mod store;
pub(crate) mod token_rule;

pub use builder::ImsTokenManagerBuilder;
pub use error::AuthError;
pub use ims::{ImsTokenManager, TokenStats};
pub use policy::TokenPolicy;

use std::{fmt, sync::Arc};

/// The future a [`TokenSource`] returns (re-exported from `futures`).
pub use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

/// An access token. Its value never appears in `Debug` output.
///
/// Cloning is cheap (the value is shared, not copied).
#[derive(Clone)]
pub struct AccessToken(Arc<SecretString>);

impl AccessToken {
    /// Wraps a token value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Arc::new(SecretString::from(value.into())))
    }

    /// The token value, for building an `Authorization` header.
    ///
    /// Handle with care: never log it or put it in a URL.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether both hold the same token value.
    pub fn same_as(&self, other: &AccessToken) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.expose_secret() == other.expose_secret()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

/// Supplies access tokens to the Firefly client.
///
/// Implementations must be cheap to call when they hold a valid token: the
/// client calls [`TokenSource::token`] before every request.
///
/// ```
/// use adobe_firefly::auth::{AccessToken, AuthError, BoxFuture, TokenSource};
///
/// #[derive(Debug)]
/// struct FromVault;
///
/// impl TokenSource for FromVault {
///     fn token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
///         Box::pin(async { Ok(AccessToken::new("token-from-my-vault")) })
///     }
/// }
/// ```
pub trait TokenSource: Send + Sync + fmt::Debug {
    /// A token that is valid now.
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>>;

    /// Reports that Firefly rejected `token` (HTTP 401).
    ///
    /// A caching source should forget that token, and only that token: if it
    /// has already replaced it, the replacement must stay. The default does
    /// nothing, which suits sources that cannot mint new tokens.
    fn invalidate(&self, token: &AccessToken) {
        let _ = token;
    }
}

/// A fixed access token, such as the one in `FIREFLY_SERVICES_ACCESS_TOKEN`.
///
/// It never contacts IMS and never refreshes: when the token expires, Firefly
/// answers 401 and the call fails with [`AuthError::AuthRejected`].
#[derive(Clone)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Wraps a token obtained elsewhere.
    pub fn new(token: impl Into<String>) -> Self {
        Self(AccessToken::new(token))
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StaticToken").field(&self.0).finish()
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, AuthError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}
