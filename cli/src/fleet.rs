//! Joining a fleet: processes that share the organization's quota, each
//! API's budget and one token through Redis (the `redis` feature); what
//! the run's client (`context`), `firefly token` and `firefly quota` use.

use adobe_firefly::{FireflyBuilder, RateLimit, auth::TokenPolicy};

use crate::error::CliError;

/// Adobe's default daily quota per organization.
const ADOBE_DAILY_QUOTA: u32 = 9000;

/// `builder` in the fleet on the Redis server at `url`
/// (`FireflyBuilder::fleet`: the token and every API's budget shared),
/// Firefly's budget being `rate` (Adobe's default of 4 a minute if `None`),
/// counting submissions only, with Adobe's daily quota unless `rate` has
/// one.
#[cfg(feature = "redis")]
pub fn join(
    builder: FireflyBuilder,
    url: &str,
    prefix: &str,
    rate: Option<RateLimit>,
) -> Result<FireflyBuilder, CliError> {
    let fleet = fleet(url, prefix)?;
    Ok(builder
        .token_policy(token_policy()?)
        .rate_limit(budget(rate))
        .fleet(&fleet))
}

/// How a process of a fleet keeps its token, besides sharing it through
/// Redis: the load deadline, and the disk cache if one is set.
#[cfg(feature = "redis")]
fn token_policy() -> Result<TokenPolicy, CliError> {
    let mut policy = TokenPolicy::default();
    if let Some(deadline) = token_deadline()? {
        policy = policy.load_deadline(deadline);
    }
    if let Some(dir) = std::env::var_os(adobe_firefly::config::env::TOKEN_CACHE_DIR) {
        policy = policy.disk_cache(dir);
    }
    Ok(policy)
}

/// The token policy of a process in the fleet at `url`: the token shared
/// through Redis, for a token manager made by hand (`firefly token`).
#[cfg(feature = "redis")]
pub fn fleet_token_policy(url: &str, prefix: &str) -> Result<TokenPolicy, CliError> {
    Ok(token_policy()?.redis(&fleet(url, prefix)?))
}

/// Without the `redis` feature there is no fleet to join.
#[cfg(not(feature = "redis"))]
pub fn fleet_token_policy(_url: &str, _prefix: &str) -> Result<TokenPolicy, CliError> {
    Err(no_redis())
}

/// `FIREFLY_TOKEN_DEADLINE_MS`: how long one token load may take, which is
/// also the lease of the fleet's token lock (the SDK's 30 s if unset).
#[cfg(feature = "redis")]
fn token_deadline() -> Result<Option<std::time::Duration>, CliError> {
    let Ok(value) = std::env::var(TOKEN_DEADLINE_VAR) else {
        return Ok(None);
    };
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|ms| *ms > 0)
        .map(|ms| Some(std::time::Duration::from_millis(ms)))
        .ok_or_else(|| {
            CliError::Usage(format!(
                "{TOKEN_DEADLINE_VAR} is `{value}`, not a positive number of milliseconds"
            ))
        })
}

/// The variable [`token_deadline`] reads.
#[cfg(feature = "redis")]
const TOKEN_DEADLINE_VAR: &str = crate::help::TOKEN_DEADLINE_MS;

/// Without the `redis` feature there is no fleet to join.
#[cfg(not(feature = "redis"))]
pub fn join(
    _builder: FireflyBuilder,
    _url: &str,
    _prefix: &str,
    _rate: Option<RateLimit>,
) -> Result<FireflyBuilder, CliError> {
    Err(no_redis())
}

/// `rate` or Adobe's per-minute quota, submissions only, with a daily
/// budget.
pub fn budget(rate: Option<RateLimit>) -> RateLimit {
    let rate = rate.unwrap_or_else(|| RateLimit::per_minute(4).submissions_only());
    if rate.per_day.is_some() {
        rate
    } else {
        rate.per_day(ADOBE_DAILY_QUOTA)
    }
}

/// The fleet at `url`; `FIREFLY_SERVICES_REDIS_CA_FILE` names the CA
/// certificates (PEM) to trust for `rediss://` instead of the platform's.
#[cfg(feature = "redis")]
pub fn fleet(url: &str, prefix: &str) -> Result<adobe_firefly::fleet::Fleet, CliError> {
    let mut builder = adobe_firefly::fleet::Fleet::builder(url).key_prefix(prefix);
    if let Some(path) = std::env::var_os(REDIS_CA_FILE_VAR) {
        let pem = std::fs::read(&path).map_err(|error| {
            CliError::Fleet(format!(
                "{REDIS_CA_FILE_VAR} is {}, which cannot be read: {error}",
                std::path::Path::new(&path).display()
            ))
        })?;
        builder = builder.tls_ca_certificates(pem);
    }
    builder
        .build()
        .map_err(|error| CliError::Fleet(error.to_string()))
}

/// The variable [`fleet`] reads.
#[cfg(feature = "redis")]
const REDIS_CA_FILE_VAR: &str = crate::help::REDIS_CA_FILE;

#[cfg(not(feature = "redis"))]
pub fn no_redis() -> CliError {
    CliError::Fleet(
        "this firefly was built without Redis support; reinstall it with \
         `cargo install adobe-firefly-cli --features redis`"
            .into(),
    )
}
