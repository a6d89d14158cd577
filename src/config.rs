//! Settings shared by the client and the token manager: environment
//! variables, endpoints and the rules they must follow.

use std::net::IpAddr;

use url::Url;

// Settings are echoed in errors, and an error ends up on a terminal: a
// value with escape sequences in it (a pasted URL, an environment variable
// someone else set) is shown inert, as server text is.
use crate::error::printable::Printable;

/// The Firefly API, production.
pub const DEFAULT_API_URL: &str = "https://firefly-api.adobe.io";
/// Photoshop API v2, production.
pub const DEFAULT_PHOTOSHOP_URL: &str = "https://photoshop-api.adobe.io";
/// The Audio/Video API, production.
pub const DEFAULT_AUDIO_VIDEO_URL: &str = "https://audio-video-api.adobe.io";
/// The InDesign API, production.
pub const DEFAULT_INDESIGN_URL: &str = "https://indesign.adobe.io";
/// The Substance 3D API, production.
pub const DEFAULT_SUBSTANCE3D_URL: &str = "https://s3d.adobe.io";
/// Adobe IMS, production.
pub const DEFAULT_IMS_URL: &str = "https://ims-na1.adobelogin.com";
/// Scopes requested from IMS unless configured otherwise.
pub const DEFAULT_SCOPES: &str = "openid,AdobeID,read_organizations,firefly_api,ff_apis";

/// The environment variables [`Firefly::from_env`](crate::Firefly::from_env) reads.
pub mod env {
    /// Client id of the Developer Console credential; also sent as `x-api-key`. Required.
    pub const CLIENT_ID: &str = "FIREFLY_SERVICES_CLIENT_ID";
    /// Client secret; lets the SDK fetch and renew tokens itself.
    pub const CLIENT_SECRET: &str = "FIREFLY_SERVICES_CLIENT_SECRET";
    /// A ready access token, used when no client secret is set. Never renewed.
    pub const ACCESS_TOKEN: &str = "FIREFLY_SERVICES_ACCESS_TOKEN";
    /// Firefly base URL; defaults to [`DEFAULT_API_URL`](super::DEFAULT_API_URL).
    pub const API_URL: &str = "FIREFLY_SERVICES_API_URL";
    /// Photoshop API base URL (feature `photoshop`); defaults to
    /// [`DEFAULT_PHOTOSHOP_URL`](super::DEFAULT_PHOTOSHOP_URL).
    pub const PHOTOSHOP_URL: &str = "FIREFLY_SERVICES_PHOTOSHOP_URL";
    /// Audio/Video API base URL (feature `audio-video`); defaults to
    /// [`DEFAULT_AUDIO_VIDEO_URL`](super::DEFAULT_AUDIO_VIDEO_URL).
    pub const AUDIO_VIDEO_URL: &str = "FIREFLY_SERVICES_AUDIO_VIDEO_URL";
    /// InDesign API base URL (feature `indesign`); defaults to
    /// [`DEFAULT_INDESIGN_URL`](super::DEFAULT_INDESIGN_URL).
    pub const INDESIGN_URL: &str = "FIREFLY_SERVICES_INDESIGN_URL";
    /// Substance 3D API base URL (feature `substance3d`); defaults to
    /// [`DEFAULT_SUBSTANCE3D_URL`](super::DEFAULT_SUBSTANCE3D_URL).
    pub const SUBSTANCE3D_URL: &str = "FIREFLY_SERVICES_SUBSTANCE3D_URL";
    /// IMS base URL; defaults to [`DEFAULT_IMS_URL`](super::DEFAULT_IMS_URL).
    pub const IMS_URL: &str = "FIREFLY_SERVICES_IMS_URL";
    /// Comma-separated scopes; defaults to [`DEFAULT_SCOPES`](super::DEFAULT_SCOPES).
    pub const SCOPES: &str = "FIREFLY_SERVICES_SCOPES";
    /// Adobe I/O Management API base URL, for secret rotation; defaults to
    /// [`DEFAULT_MANAGEMENT_URL`](crate::secrets::DEFAULT_MANAGEMENT_URL).
    pub const MANAGEMENT_URL: &str = "FIREFLY_SERVICES_MANAGEMENT_URL";
    /// A directory where processes share one IMS token (off when unset);
    /// see [`TokenPolicy::disk_cache`](crate::auth::TokenPolicy::disk_cache).
    pub const TOKEN_CACHE_DIR: &str = "FIREFLY_SERVICES_TOKEN_CACHE_DIR";
    /// `1` or `true` sends output sizes Adobe's guides do not list for the
    /// model; see [`FireflyBuilder::allow_unlisted_sizes`](crate::FireflyBuilder::allow_unlisted_sizes).
    pub const ALLOW_UNLISTED_SIZES: &str = "FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES";
}

/// A setting is missing or unusable. Raised before any request is sent.
///
/// Its message shows the values it quotes with their control characters
/// escaped (`\u{1b}`), so no escape sequence reaches a terminal.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required environment variable is unset or empty.
    #[error("environment variable {name} is not set (or empty): {hint}")]
    #[non_exhaustive]
    MissingVariable {
        /// The variable.
        name: &'static str,
        /// What to put in it.
        hint: &'static str,
    },

    /// A required builder setting was not given.
    #[error("{setting} is required: {hint}")]
    #[non_exhaustive]
    MissingSetting {
        /// The setting.
        setting: &'static str,
        /// What to give.
        hint: &'static str,
    },

    /// A setting was given but cannot be used as it is.
    #[error("{setting} is not usable: {}", Printable(reason))]
    #[non_exhaustive]
    InvalidSetting {
        /// The setting.
        setting: &'static str,
        /// What is wrong with it, and what to give instead.
        reason: String,
    },

    /// A URL setting does not parse or has no host.
    #[error(
        "{setting} is not a usable base URL ({}): {}",
        Printable(value),
        Printable(reason)
    )]
    #[non_exhaustive]
    InvalidUrl {
        /// The setting.
        setting: &'static str,
        /// The value given, without any password.
        value: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A URL uses `http://` for a host that is not loopback.
    #[error(
        "{setting} is {}: plain http is allowed only for loopback hosts (127.0.0.1, ::1, \
         localhost), because credentials travel with every request; use https://",
        Printable(value)
    )]
    #[non_exhaustive]
    InsecureUrl {
        /// The setting.
        setting: &'static str,
        /// The value given.
        value: String,
    },

    /// A URL Firefly returned points at a host credentials must not go to.
    #[error(
        "refusing to send credentials to {}: it is neither the configured API host nor an \
         Adobe host",
        Printable(host)
    )]
    #[non_exhaustive]
    UntrustedHost {
        /// The host.
        host: String,
    },

    /// The HTTP client could not be created (for example, no TLS roots).
    #[error("cannot create the HTTP client: {}", Printable(reason))]
    #[non_exhaustive]
    HttpClient {
        /// Why.
        reason: String,
    },
}

/// Checks a client id: required, and sent as the `x-api-key` header, so it
/// must be visible ASCII.
pub(crate) fn check_client_id(client_id: &str) -> Result<(), ConfigError> {
    if client_id.trim().is_empty() {
        return Err(ConfigError::MissingSetting {
            setting: "client id",
            hint: "the Client ID of the Developer Console credential",
        });
    }
    if let Some(bad) = client_id.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(ConfigError::InvalidSetting {
            setting: "client id",
            reason: format!(
                "it contains {bad:?}, but a client id is sent as the x-api-key header and may \
                 hold only visible ASCII characters; copy the Client ID from the Developer Console"
            ),
        });
    }
    Ok(())
}

/// Reads one variable, treating an empty value as missing.
pub(crate) fn non_empty(lookup: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Parses a base URL, requiring https unless the host is loopback. The result
/// has no trailing slash, so paths can be appended.
pub(crate) fn base_url(setting: &'static str, value: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidUrl {
        setting,
        value: without_password(value),
        reason: reason.to_owned(),
    };
    let url = Url::parse(value.trim()).map_err(|e| invalid(&e.to_string()))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL takes no query or fragment"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(ConfigError::InsecureUrl {
                setting,
                value: without_password(value),
            });
        }
        other => return Err(invalid(&format!("scheme `{other}` is not http(s)"))),
    }
    Ok(url)
}

/// `url` as a string without a trailing slash.
pub(crate) fn trimmed(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

/// Whether the URL's host is a loopback address or `localhost`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => {
            domain.eq_ignore_ascii_case("localhost") || domain.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn without_password(value: &str) -> String {
    match Url::parse(value) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("redacted"));
            url.to_string()
        }
        _ => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_required_except_for_loopback() {
        assert!(base_url("API", "https://firefly-api.adobe.io").is_ok());
        assert!(base_url("API", "http://127.0.0.1:8080").is_ok());
        assert!(base_url("API", "http://[::1]:8080").is_ok());
        assert!(base_url("API", "http://localhost:1").is_ok());
        assert!(matches!(
            base_url("API", "http://firefly-api.adobe.io"),
            Err(ConfigError::InsecureUrl { .. })
        ));
        assert!(matches!(
            base_url("API", "http://127.0.0.1.example.com"),
            Err(ConfigError::InsecureUrl { .. })
        ));
        assert!(matches!(
            base_url("API", "ftp://x"),
            Err(ConfigError::InvalidUrl { .. })
        ));
        assert!(matches!(
            base_url("API", "not a url"),
            Err(ConfigError::InvalidUrl { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_a_url_or_a_typed_error(value in ".{0,80}") {
            if let Ok(url) = base_url("API", &value) {
                proptest::prop_assert!(url.scheme() == "https" || is_loopback(&url));
            }
        }
    }

    #[test]
    fn a_client_id_is_required_and_must_be_a_header_value() {
        assert!(check_client_id("abc123-DEF").is_ok());
        assert!(matches!(
            check_client_id("  "),
            Err(ConfigError::MissingSetting { .. })
        ));
        let invalid = check_client_id("abc\ndef").unwrap_err();
        assert!(
            matches!(
                invalid,
                ConfigError::InvalidSetting {
                    setting: "client id",
                    ..
                }
            ),
            "{invalid:?}"
        );
        assert!(invalid.to_string().contains("visible ASCII"), "{invalid}");
        assert!(matches!(
            check_client_id("café"),
            Err(ConfigError::InvalidSetting { .. })
        ));
    }

    #[test]
    fn a_url_setting_is_echoed_inert() {
        for value in [
            "https://ims\u{1b}]0;pwned\u{7}.example",
            "http://example.com/\u{1b}[2J",
            "\u{1b}[31mnot a url",
        ] {
            let shown = base_url("IMS URL", value).unwrap_err().to_string();
            assert!(
                !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
                "{shown:?}"
            );
            assert!(shown.contains("IMS URL"), "{shown}");
        }
    }

    #[test]
    fn passwords_in_urls_are_not_echoed() {
        let err = base_url("API", "http://user:hunter2@example.com").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
