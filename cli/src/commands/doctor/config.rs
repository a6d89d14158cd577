//! The configuration checks: which variables are set (named, never shown),
//! whether the settings pass the SDK's rules, and the TLS backend; and the
//! client the later checks use.

use std::{sync::Arc, time::Duration};

use adobe_firefly::{
    ConfigError, Error, Firefly, FireflyBuilder, RetryPolicy,
    auth::{ImsTokenManager, TokenPolicy},
    config::{self, env},
};

use super::Check;
use crate::help;

/// Every variable the SDK and the CLI read for credentials, endpoints and
/// the fleet, in the order the table lists them.
const VARIABLES: &[&str] = &[
    env::CLIENT_ID,
    env::CLIENT_SECRET,
    env::ACCESS_TOKEN,
    env::SCOPES,
    env::IMS_URL,
    env::API_URL,
    env::PHOTOSHOP_URL,
    env::MANAGEMENT_URL,
    env::TOKEN_CACHE_DIR,
    env::ALLOW_UNLISTED_SIZES,
    help::REDIS_URL,
    help::REDIS_PREFIX,
    help::REDIS_CA_FILE,
];

/// How many characters of the client id are shown: enough to tell two
/// credentials apart, too few to use.
const CLIENT_ID_SHOWN: usize = 4;

/// A variable's value, an empty one counting as unset (as the SDK reads it).
pub fn lookup(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The variables check and the TLS backend check.
pub fn checks() -> Vec<Check> {
    let set: Vec<String> = VARIABLES
        .iter()
        .filter(|name| lookup(name).is_some())
        .map(|name| match lookup(name) {
            Some(id) if *name == env::CLIENT_ID => format!("{name} ({})", partly(&id)),
            _ => (*name).to_owned(),
        })
        .collect();
    let variables = if set.is_empty() {
        Check::fail(
            "variables",
            "none of the SDK's variables is set",
            format!(
                "set {} and {} from the credential in the Adobe Developer Console",
                env::CLIENT_ID,
                env::CLIENT_SECRET
            ),
        )
    } else {
        Check::pass("variables", format!("set: {}", set.join(", ")))
    };
    vec![variables, Check::pass("TLS backend", tls_backend())]
}

/// The first characters of a client id, the rest elided.
fn partly(id: &str) -> String {
    let shown: String = id.chars().take(CLIENT_ID_SHOWN).collect();
    if id.chars().count() > 2 * CLIENT_ID_SHOWN {
        format!("{shown}…")
    } else {
        "set".into()
    }
}

/// The SDK does not report its TLS backend at run time; this CLI depends
/// on the SDK's default features, which choose rustls with aws-lc-rs.
fn tls_backend() -> &'static str {
    "rustls with aws-lc-rs (the SDK's default features, which this firefly is built with; the \
     SDK does not report its backend at run time)"
}

/// The Firefly API's base URL, as the client uses it.
pub fn api_url() -> String {
    lookup(env::API_URL).unwrap_or_else(|| config::DEFAULT_API_URL.into())
}

/// The client the later checks send through, and the token manager it
/// asks (none with a ready access token).
pub struct Client {
    pub firefly: Firefly,
    pub manager: Option<ImsTokenManager>,
}

/// The client, built from the environment by the SDK's rules, with no
/// retries: a 429 or an unreachable host is a verdict, not something to
/// wait out. The doctor's requests spend nothing, so it joins no fleet
/// budget.
pub fn client() -> Result<Client, Error> {
    let builder = FireflyBuilder::from_env()?.retry_policy(RetryPolicy::none());
    let (Some(id), Some(secret)) = (lookup(env::CLIENT_ID), lookup(env::CLIENT_SECRET)) else {
        return Ok(Client {
            firefly: builder.build()?,
            manager: None,
        });
    };
    // One attempt, soon given up: IMS that cannot be reached is reported,
    // not retried for half a minute.
    let policy = TokenPolicy::default()
        .attempts(1)
        .load_deadline(Duration::from_secs(20));
    let manager = crate::commands::token::ims_manager(id, secret, policy, lookup)?;
    let firefly = builder.token_source(Arc::new(manager.clone())).build()?;
    Ok(Client {
        firefly,
        manager: Some(manager),
    })
}

/// The settings check of a client that could not be built: the SDK's
/// error and what to change.
pub fn settings_failed(error: &Error) -> Check {
    let fix = match error {
        Error::Config(ConfigError::MissingVariable { name, hint, .. }) => {
            format!("set {name}: {hint}")
        }
        Error::Config(ConfigError::InsecureUrl { setting, .. }) => format!(
            "give {setting} an https:// URL (plain http only for 127.0.0.1, ::1 or localhost)"
        ),
        Error::Config(ConfigError::InvalidUrl { setting, .. }) => format!(
            "give {setting} a base URL with a host and no query, such as {}",
            config::DEFAULT_API_URL
        ),
        Error::Config(ConfigError::InvalidSetting { setting, .. }) => {
            format!("correct the {setting}, as the message says")
        }
        _ => "correct the setting the message names".into(),
    };
    Check::fail("settings", error.to_string(), fix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_id_is_shown_by_its_first_characters_only() {
        assert_eq!(partly("0123456789abcdef"), "0123…");
        // A value too short to hide anything is not shown at all.
        assert_eq!(partly("01234567"), "set");
    }
}
