//! The fleet's Redis check (`--redis`): the server answers, the budget
//! script runs, the key prefix, and whether the connection is TLS. A run
//! without a fleet passes: there is nothing to check.

use super::Check;
use crate::args::FleetArgs;

const NAME: &str = "fleet Redis";

/// Checks the fleet's Redis, when one is configured.
pub async fn check(fleet: &FleetArgs) -> Check {
    match fleet.redis_url.as_deref() {
        None => Check::pass(
            NAME,
            format!("not configured (no --redis or {})", crate::help::REDIS_URL),
        ),
        Some(url) => probe(url, &fleet.redis_prefix).await,
    }
}

#[cfg(feature = "redis")]
async fn probe(url: &str, prefix: &str) -> Check {
    use adobe_firefly::config::env;
    let tls = if url.starts_with("rediss://") {
        "yes"
    } else {
        "no"
    };
    let fleet = match crate::fleet::fleet(url, prefix) {
        Ok(fleet) => fleet,
        Err(error) => {
            return Check::fail(
                NAME,
                error.to_string(),
                format!(
                    "give --redis (or {}) as redis://HOST[:PORT][/DB] or rediss:// for TLS",
                    crate::help::REDIS_URL
                ),
            );
        }
    };
    let location = fleet.location().to_owned();
    let client_id = super::config::lookup(env::CLIENT_ID).unwrap_or_default();
    // The budget's script, read-only for a budget: it reaches Redis (the
    // ping), loads the script and reads the keys under the prefix.
    match fleet
        .quota_left(&client_id, &crate::fleet::budget(None))
        .await
    {
        Ok(left) => Check::pass(
            NAME,
            format!(
                "{location} answers and runs the budget script; key prefix `{prefix}`; TLS {tls}; \
                 {} of {} requests left this window",
                left.window_left, left.window_limit
            ),
        ),
        Err(_) => Check::fail(
            NAME,
            format!("{location} does not answer (key prefix `{prefix}`; TLS {tls})"),
            format!(
                "check that the server runs and the URL, its password and, for rediss://, the CA \
                 ({}) are right",
                crate::help::REDIS_CA_FILE
            ),
        ),
    }
}

#[cfg(not(feature = "redis"))]
async fn probe(_url: &str, _prefix: &str) -> Check {
    Check::fail(
        NAME,
        "a Redis URL is set, but this firefly was built without Redis support",
        crate::fleet::no_redis().to_string(),
    )
}
