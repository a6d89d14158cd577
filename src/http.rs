//! The one place HTTP clients are made, so every client gets the same TLS
//! backend (chosen by the crate's features) and `User-Agent`.

/// A reqwest builder with the SDK's `User-Agent` and TLS backend.
pub(crate) fn client_builder() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder().user_agent(crate::USER_AGENT)
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
