//! A fleet of processes sharing one organization's quota and one access
//! token through Redis (or Valkey), behind the `redis` feature.
//!
//! Adobe's quota is per organization, not per process: replicas of a web
//! service, or workers on several machines, each with its own
//! [`RateLimit`](crate::RateLimit) and its own token cache, exceed it
//! together. A [`Fleet`] is one connection to a Redis server that they all
//! use:
//!
//! - [`RateLimit::redis`](crate::RateLimit::redis): the per-window and
//!   per-day budgets are counted in Redis, atomically, by one Lua script
//!   reading Redis's own clock (`TIME`), never the callers' clocks;
//! - [`TokenPolicy::redis`](crate::auth::TokenPolicy::redis): one process
//!   fetches the token under a lock with a lease (`SET NX PX`), the others
//!   wait for it or read it; a token Firefly rejects is removed for everyone.
//!
//! [`FireflyBuilder::fleet`](crate::FireflyBuilder::fleet) attaches both at
//! once: the shared token, and every API's budget (Firefly's, Photoshop's,
//! ...) counted in Redis under its own keys.
//!
//! When Redis cannot be reached, [`WhenRedisDown`] decides: fall back to
//! this process's own limiter and token (the default, with a warning), or
//! fail with [`RateLimitError::RedisUnavailable`](crate::RateLimitError).
//!
//! ```no_run
//! use adobe_firefly::{Firefly, fleet::Fleet};
//!
//! let fleet = Fleet::builder("redis://127.0.0.1:6379").key_prefix("firefly").build()?;
//! let firefly = Firefly::builder()
//!     .client_id("my-client-id")
//!     .client_secret("my-client-secret")
//!     // Adobe's published limits for every API, each shared by the fleet.
//!     .adobe_rate_limits()
//!     .fleet(&fleet)
//!     .build()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! One budget can also be shared on its own, with
//! [`RateLimit::redis`](crate::RateLimit::redis), and the token with
//! [`TokenPolicy::redis`](crate::auth::TokenPolicy::redis).

mod budget;
mod tokens;

pub use budget::QuotaLeft;
pub(crate) use budget::{Admission, BudgetShape, SharedBudget};
pub(crate) use tokens::{SharedTokens, Stored, TokenLock};

use std::{
    fmt,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::{sync::OnceCell, time::Instant};

/// The key prefix used unless [`FleetBuilder::key_prefix`] sets another.
pub const DEFAULT_KEY_PREFIX: &str = "firefly";

/// How long Redis is left alone after a failure before it is tried again,
/// so that an outage costs one timeout, not one per request.
const RETRY_REDIS_AFTER: Duration = Duration::from_secs(1);

/// What a process does when Redis cannot be reached.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum WhenRedisDown {
    /// Use this process's own limiter and token, and log a warning (the
    /// default). The fleet may then exceed the quota together until Redis
    /// is back; no request fails because of Redis.
    #[default]
    FallBackToLocal,
    /// Fail requests with
    /// [`RateLimitError::RedisUnavailable`](crate::RateLimitError) before
    /// sending them. Tokens still come from IMS directly: a token request
    /// does not count against the Firefly quota.
    Fail,
}

/// A Redis URL that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// The URL is not a Redis URL, or names a scheme this build cannot use
    /// (`rediss://` needs one of the TLS features).
    #[error("the Redis URL {location} is unusable: {reason}")]
    #[non_exhaustive]
    InvalidUrl {
        /// The URL without its password.
        location: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A `rediss://` URL, but no TLS crypto provider could be set up for
    /// it (see the crate's TLS features).
    #[error("the Redis URL {location} needs TLS, which is unavailable: {reason}")]
    #[non_exhaustive]
    TlsUnavailable {
        /// The URL without its password.
        location: String,
        /// What is missing.
        reason: String,
    },
    /// The key prefix is empty or holds characters unsafe in a key.
    #[error("the Redis key prefix {prefix:?} is unusable: use letters, digits and -_.:")]
    #[non_exhaustive]
    InvalidPrefix {
        /// The prefix refused.
        prefix: String,
    },
}

/// Settings for a [`Fleet`]; see [`Fleet::builder`].
#[derive(Clone)]
pub struct FleetBuilder {
    url: secrecy::SecretString,
    key_prefix: String,
    when_down: WhenRedisDown,
    timeout: Duration,
    tls_ca_certificates: Option<Vec<u8>>,
}

impl fmt::Debug for FleetBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FleetBuilder")
            .field(
                "url",
                &redacted(secrecy::ExposeSecret::expose_secret(&self.url)),
            )
            .field("key_prefix", &self.key_prefix)
            .field("when_down", &self.when_down)
            .field("timeout", &self.timeout)
            .field("tls_ca_certificates", &self.tls_ca_certificates.is_some())
            .finish()
    }
}

impl FleetBuilder {
    /// The prefix of every key the fleet writes (default
    /// [`DEFAULT_KEY_PREFIX`]). Fleets with different prefixes share
    /// nothing.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// What to do when Redis cannot be reached (default
    /// [`WhenRedisDown::FallBackToLocal`]).
    pub fn when_down(mut self, when_down: WhenRedisDown) -> Self {
        self.when_down = when_down;
        self
    }

    /// Limit for connecting to Redis and for each command (default 2 s).
    /// Past it, Redis counts as down for this request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Trusts the CA certificates in `pem` (one or more, PEM-encoded), and
    /// only them, for a `rediss://` server: for a Redis server whose
    /// certificate comes from a private CA. Without it the platform's trust
    /// store is used. Needs one of the TLS features; `build` refuses it
    /// otherwise.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use adobe_firefly::fleet::Fleet;
    ///
    /// let fleet = Fleet::builder("rediss://redis.internal:6380")
    ///     .tls_ca_certificates(std::fs::read("/etc/redis/ca.pem")?)
    ///     .build()?;
    /// # let _ = fleet; Ok(()) }
    /// ```
    pub fn tls_ca_certificates(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls_ca_certificates = Some(pem.into());
        self
    }

    /// Checks the URL and the prefix. Connects nothing: the connection is
    /// made on first use, so building may happen outside a Tokio runtime.
    pub fn build(self) -> Result<Fleet, FleetError> {
        let url = secrecy::ExposeSecret::expose_secret(&self.url);
        let location = redacted(url);
        let valid_prefix = !self.key_prefix.is_empty()
            && self.key_prefix.len() <= 128
            && self
                .key_prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
        if !valid_prefix {
            return Err(FleetError::InvalidPrefix {
                prefix: self.key_prefix,
            });
        }
        // The Redis client builds its rustls configuration from the
        // process's default crypto provider, and panics when there is none
        // to pick: make sure there is one first.
        if uses_tls(url) && !crate::http::crypto_provider_ready() {
            return Err(FleetError::TlsUnavailable {
                location,
                reason: "no rustls crypto provider is installed".to_owned(),
            });
        }
        let client = match &self.tls_ca_certificates {
            None => redis::Client::open(url),
            Some(pem) => client_trusting(url, pem),
        };
        let client = client.map_err(|error| FleetError::InvalidUrl {
            location: location.clone(),
            // The error may quote the URL, password included: keep only
            // its kind.
            reason: format!("{:?}", error.kind()),
        })?;
        Ok(Fleet {
            inner: Arc::new(Inner {
                client,
                connection: OnceCell::new(),
                location,
                key_prefix: self.key_prefix,
                when_down: self.when_down,
                timeout: self.timeout,
                degraded: AtomicBool::new(false),
                skip_until: Mutex::new(None),
            }),
        })
    }
}

/// Whether `url` names a TLS connection (`rediss://`, `valkeys://`).
fn uses_tls(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|parsed| matches!(parsed.scheme(), "rediss" | "valkeys"))
}

/// A client for `url` that trusts only the CA certificates in `pem`.
#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
fn client_trusting(url: &str, pem: &[u8]) -> redis::RedisResult<redis::Client> {
    let certificates = redis::TlsCertificates {
        client_tls: None,
        root_cert: Some(pem.to_vec()),
    };
    redis::Client::build_with_tls(url, certificates)
}

#[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
fn client_trusting(_url: &str, _pem: &[u8]) -> redis::RedisResult<redis::Client> {
    Err(redis::RedisError::from((
        redis::ErrorKind::InvalidClientConfig,
        "a CA certificate needs one of the TLS features",
    )))
}

/// One Redis server shared by a fleet of processes: cheap to clone, clones
/// share one connection. See the [module docs](self).
#[derive(Clone)]
pub struct Fleet {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    location: String,
    key_prefix: String,
    when_down: WhenRedisDown,
    timeout: Duration,
    /// Whether the last use failed: a warning is logged when Redis goes
    /// away and a note when it is back, not one per request.
    degraded: AtomicBool,
    /// Redis failed recently: do not try it again before this instant.
    skip_until: Mutex<Option<Instant>>,
}

impl Fleet {
    /// Settings for a fleet on the Redis server at `url`:
    /// `redis://[:PASSWORD@]HOST[:PORT][/DB]`, `rediss://` for TLS, or
    /// `redis://USER:PASSWORD@HOST` for an ACL user.
    pub fn builder(url: impl Into<String>) -> FleetBuilder {
        FleetBuilder {
            url: secrecy::SecretString::from(url.into()),
            key_prefix: DEFAULT_KEY_PREFIX.to_owned(),
            when_down: WhenRedisDown::default(),
            timeout: Duration::from_secs(2),
            tls_ca_certificates: None,
        }
    }

    /// The Redis server, without its password, as shown in logs and errors.
    pub fn location(&self) -> &str {
        &self.inner.location
    }

    /// The prefix of every key this fleet writes.
    pub fn key_prefix(&self) -> &str {
        &self.inner.key_prefix
    }

    /// What happens when Redis cannot be reached.
    pub fn when_down(&self) -> WhenRedisDown {
        self.inner.when_down
    }

    /// `PREFIX:part`.
    pub(crate) fn key(&self, part: &str) -> String {
        format!("{}:{part}", self.inner.key_prefix)
    }

    /// Runs `command` on the shared connection, within the timeout. Errors
    /// come back as text without the URL; a failure marks Redis down for a
    /// moment (see [`RETRY_REDIS_AFTER`]) so later calls fail at once.
    pub(crate) async fn run<T, F, Fut>(&self, command: F) -> Result<T, String>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let inner = &self.inner;
        let skip = *inner
            .skip_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if skip.is_some_and(|until| Instant::now() < until) {
            return Err("Redis failed moments ago".to_owned());
        }
        let outcome = tokio::time::timeout(inner.timeout, async {
            let connection = inner
                .connection
                .get_or_try_init(|| {
                    let config = ConnectionManagerConfig::new()
                        .set_connection_timeout(Some(inner.timeout))
                        .set_response_timeout(Some(inner.timeout))
                        .set_number_of_retries(1)
                        .set_max_delay(inner.timeout);
                    ConnectionManager::new_with_config(inner.client.clone(), config)
                })
                .await?
                .clone();
            command(connection).await
        })
        .await
        .unwrap_or_else(|_| {
            Err(redis::RedisError::from((
                redis::ErrorKind::Io,
                "no answer within the timeout",
            )))
        });
        match outcome {
            Ok(value) => {
                if inner.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!(redis = %inner.location, "Redis is reachable again; the fleet shares its quota and token again");
                }
                Ok(value)
            }
            Err(error) => {
                *inner
                    .skip_until
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) =
                    Some(Instant::now() + RETRY_REDIS_AFTER);
                Err(describe(&error))
            }
        }
    }

    /// Logs, once per outage, that this process works without the fleet.
    pub(crate) fn warn_degraded(&self, reason: &str) {
        if !self.inner.degraded.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                redis = %self.inner.location,
                reason,
                "Redis is unreachable; this process counts its own rate limit and \
                 asks IMS for its own token until Redis is back"
            );
        }
    }
}

impl PartialEq for Fleet {
    /// The same fleet: clones of one [`Fleet`].
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for Fleet {}

impl fmt::Debug for Fleet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fleet")
            .field("redis", &self.inner.location)
            .field("key_prefix", &self.inner.key_prefix)
            .field("when_down", &self.inner.when_down)
            .finish()
    }
}

/// A Redis error as text safe to log: its kind and detail, never the URL
/// (which may hold a password).
fn describe(error: &redis::RedisError) -> String {
    match error.detail() {
        Some(detail) => format!("{:?}: {detail}", error.kind()),
        None => format!("{:?}", error.kind()),
    }
}

/// `url` with any user name and password replaced, for logs and errors.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if !parsed.username().is_empty() || parsed.password().is_some() {
                let _ = parsed.set_username("");
                let _ = parsed.set_password(Some("[redacted]"));
            }
            parsed.to_string()
        }
        Err(_) => "[an unparsable URL]".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_debug_or_errors() {
        let builder = Fleet::builder("redis://user:hunter2-SENTINEL@127.0.0.1:6379/2");
        assert!(!format!("{builder:?}").contains("SENTINEL"));
        let fleet = builder.build().unwrap();
        assert!(!format!("{fleet:?}").contains("SENTINEL"));
        assert!(
            fleet.location().starts_with("redis://"),
            "{}",
            fleet.location()
        );
        let error = Fleet::builder("mysql://root:SENTINEL@db")
            .build()
            .unwrap_err();
        assert!(!error.to_string().contains("SENTINEL"), "{error}");
    }

    /// With every TLS feature at once (`--all-features`: both rustls
    /// providers compiled in), a `rediss://` fleet whose server is gone is an
    /// outage like any other, not a panic while setting up TLS.
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    #[tokio::test]
    async fn a_tls_url_never_panics() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let fleet = Fleet::builder(format!("rediss://127.0.0.1:{closed}"))
            .timeout(Duration::from_millis(500))
            .build()
            .unwrap();
        let answer = fleet
            .run(|mut connection| async move {
                redis::cmd("PING")
                    .query_async::<String>(&mut connection)
                    .await
            })
            .await;
        assert!(answer.is_err(), "{answer:?}");
    }

    #[test]
    fn prefixes_must_be_plain() {
        for prefix in ["", "a b", "x\ny", "{tag}"] {
            let error = Fleet::builder("redis://127.0.0.1")
                .key_prefix(prefix)
                .build()
                .unwrap_err();
            assert!(
                matches!(error, FleetError::InvalidPrefix { .. }),
                "{prefix:?}"
            );
        }
        Fleet::builder("redis://127.0.0.1")
            .key_prefix("team-a:firefly")
            .build()
            .unwrap();
    }
}
