//! The one place HTTP clients are made, so every client gets the same TLS
//! backend (chosen by the crate's features) and `User-Agent`, and the one
//! place the TLS crypto provider is chosen, for HTTP and Redis alike.

use std::time::Duration;

use crate::config::ConfigError;

/// Limit for one API request unless the caller sets another.
pub(crate) const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Limit for connecting to an API unless the caller sets another.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A reqwest builder with the SDK's `User-Agent` and TLS backend.
pub(crate) fn client_builder() -> reqwest::ClientBuilder {
    crypto_provider_ready();
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

/// Makes sure rustls has a process-wide crypto provider, and says whether it
/// has one.
///
/// rustls picks a provider by itself only when exactly one of its providers
/// is compiled in. With both of the SDK's rustls features (`--all-features`,
/// or `rustls-ring` added without turning off the default features), both
/// aws-lc-rs and ring are, and the Redis client's TLS setup, which asks
/// rustls for the process default, would panic. So the SDK installs one
/// before any TLS client is made: ring when `rustls-ring` is enabled (it was
/// asked for by name), aws-lc-rs otherwise. A provider the application
/// installed first is kept.
#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
pub(crate) fn crypto_provider_ready() -> bool {
    use rustls::crypto::CryptoProvider;
    if CryptoProvider::get_default().is_none() {
        // An error means another thread installed one in between, which
        // serves as well.
        let _ = preferred_provider().install_default();
    }
    CryptoProvider::get_default().is_some()
}

/// Without rustls there is no provider to choose (native TLS, or no TLS).
#[cfg(not(any(feature = "rustls", feature = "rustls-ring")))]
pub(crate) fn crypto_provider_ready() -> bool {
    true
}

#[cfg(feature = "rustls-ring")]
fn preferred_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

#[cfg(all(feature = "rustls", not(feature = "rustls-ring")))]
fn preferred_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

#[cfg(test)]
mod tests {
    /// With any rustls feature, making a client leaves a process default
    /// behind, so the Redis client's `ClientConfig::builder()` finds one
    /// (with both rustls features, rustls would not pick one by itself).
    #[cfg(any(feature = "rustls", feature = "rustls-ring"))]
    #[test]
    fn making_a_client_installs_a_tls_crypto_provider() {
        drop(super::client_builder());
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
        assert!(super::crypto_provider_ready());
    }
}
