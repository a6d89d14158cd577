//! The one place HTTP clients are made, so every client gets the same TLS
//! backend (chosen by the crate's features) and `User-Agent`.

use std::time::Duration;

use crate::config::ConfigError;

/// Limit for one API request unless the caller sets another.
pub(crate) const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Limit for connecting to an API unless the caller sets another.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A reqwest builder with the SDK's `User-Agent` and TLS backend.
pub(crate) fn client_builder() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder().user_agent(crate::USER_AGENT)
}

/// The client for an API that gets credentials (Firefly, the Management
/// API): it never follows a redirect, so credentials never reach another
/// host, and it gives up on connecting and on each request after the given
/// limits (or the defaults above).
pub(crate) fn api_client(
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
) -> Result<reqwest::Client, ConfigError> {
    client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
        .timeout(request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT))
        .build()
        .map_err(|e| ConfigError::HttpClient {
            reason: e.to_string(),
        })
}

/// With `rustls-ring` alone, reqwest has rustls without a crypto provider:
/// install ring's as the process default, unless the application already
/// installed one.
#[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
fn install_crypto_provider() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // An error means a provider is installed already, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

#[cfg(not(all(feature = "rustls-ring", not(feature = "rustls"))))]
fn install_crypto_provider() {}
