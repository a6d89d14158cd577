//! The shared token: one key holding the access token and its lifetime,
//! one lock key with a lease for the process fetching a new one.
//!
//! The stored value is `{"access_token", "lifetime_ms"}`, written with a
//! Redis expiry at the token's own expiry, so a reader learns the token's
//! age from Redis (`PTTL`), not from any process's clock. The client secret
//! is never written, and the key names are hashes: neither the client id
//! nor anything secret appears in them.
//!
//! Nothing read back is trusted: anyone who can write to Redis can write to
//! the key. A value longer than [`MAX_STORED_VALUE`] is never transferred
//! (its length is read first, in the same script), and a value that is not
//! a string, not that JSON, has no expiry or holds something that does not
//! look like a token ([`looks_like_token`]) is [`Stored::Unusable`]: the
//! caller drops it with [`SharedTokens::drop_unusable`] and asks IMS.

use std::time::Duration;

use redis::{AsyncCommands, Script};
use serde::{Deserialize, Serialize};

use super::Fleet;
use crate::auth::token_rule::looks_like_token;

/// The longest value read from the token key. A stored token is about
/// 1 to 2 KiB; a longer value was not written by the SDK, and one of
/// hundreds of megabytes must not be transferred to learn that.
pub(crate) const MAX_STORED_VALUE: usize = 64 * 1024;

/// Reads the value and its remaining time together: `{}` when there is no
/// key, `{ttl}` alone when the value is not a string or is longer than
/// `ARGV[1]` bytes (it stays in Redis), `{ttl, value}` otherwise.
const READ_SCRIPT: &str = r"
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'none' then return {} end
local ttl = redis.call('PTTL', KEYS[1])
if kind ~= 'string' or redis.call('STRLEN', KEYS[1]) > tonumber(ARGV[1]) then
  return {ttl}
end
return {ttl, redis.call('GET', KEYS[1])}
";

/// Deletes the value if it holds the token `ARGV[1]`: a replacement another
/// process already stored stays.
const REMOVE_IF_SCRIPT: &str = r"
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local ok, stored = pcall(cjson.decode, value)
if ok and type(stored) == 'table' and stored.access_token == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Deletes an unusable value: one that is not a string or is longer than
/// `ARGV[1]` bytes (never a value the SDK writes), or that is exactly
/// `ARGV[2]`, the value read. A token another process stored since the read
/// is none of these, and stays.
const DROP_UNUSABLE_SCRIPT: &str = r"
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'none' then return 0 end
if kind ~= 'string' or redis.call('STRLEN', KEYS[1]) > tonumber(ARGV[1])
  or redis.call('GET', KEYS[1]) == ARGV[2] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Releases the lock if this process still holds it (its lease may have
/// run out and another process taken it).
const UNLOCK_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// What is stored: the token and its lifetime, nothing else.
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredToken {
    pub(crate) access_token: String,
    pub(crate) lifetime_ms: u64,
}

/// A stored token with its age, as Redis's clock tells it.
pub(crate) struct SharedToken {
    pub(crate) access_token: String,
    pub(crate) lifetime: Duration,
    pub(crate) age: Duration,
}

/// What the token key holds.
pub(crate) enum Stored {
    /// Nothing.
    Missing,
    /// A token that looks like one.
    Token(SharedToken),
    /// Something else, to be dropped.
    Unusable(Unusable),
}

/// A value in the token key that cannot be used, and what was read of it
/// (nothing when it was too long or not a string).
pub(crate) struct Unusable {
    seen: Vec<u8>,
    /// Why it cannot be used, for the log.
    pub(crate) why: &'static str,
}

/// The token key and lock key of one (IMS URL, client id, scopes).
#[derive(Clone)]
pub(crate) struct SharedTokens {
    fleet: Fleet,
    key: String,
    lock_key: String,
}

/// A lock this process holds, identified by its random owner tag.
pub(crate) struct TokenLock {
    owner: String,
}

impl SharedTokens {
    pub(crate) fn new(fleet: &Fleet, ims_url: &str, client_id: &str, scope: &str) -> Self {
        let name = crate::fingerprint::fnv1a(&[
            ims_url.as_bytes(),
            client_id.as_bytes(),
            scope.as_bytes(),
        ]);
        Self {
            fleet: fleet.clone(),
            key: fleet.key(&format!("token:{name:016x}")),
            lock_key: fleet.key(&format!("token:{name:016x}:lock")),
        }
    }

    pub(crate) fn fleet(&self) -> &Fleet {
        &self.fleet
    }

    /// What the token key holds, read under [`MAX_STORED_VALUE`].
    pub(crate) async fn read(&self) -> Result<Stored, String> {
        let key = self.key.clone();
        let found: Vec<redis::Value> = self
            .fleet
            .run(|mut connection| async move {
                Script::new(READ_SCRIPT)
                    .key(key)
                    .arg(MAX_STORED_VALUE)
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        let unusable = |seen: Vec<u8>, why| Ok(Stored::Unusable(Unusable { seen, why }));
        let (ttl, value) = match found.as_slice() {
            [] => return Ok(Stored::Missing),
            [ttl] => (ttl, None),
            [ttl, value, ..] => (ttl, Some(value)),
        };
        let Some(value) = value else {
            return unusable(Vec::new(), "not a string, or longer than 64 KiB");
        };
        let Ok(bytes) = redis::from_redis_value_ref::<Vec<u8>>(value) else {
            return unusable(Vec::new(), "not a string");
        };
        let Ok(stored) = serde_json::from_slice::<StoredToken>(&bytes) else {
            return unusable(bytes, "not the JSON the SDK writes");
        };
        if !looks_like_token(&stored.access_token) {
            return unusable(bytes, "not shaped like an access token");
        }
        // The SDK always sets an expiry; -1 (none) or anything odd means
        // another writer.
        let Some(left) = redis::from_redis_value_ref::<i64>(ttl)
            .ok()
            .and_then(|ttl| u64::try_from(ttl).ok())
        else {
            return unusable(bytes, "stored without an expiry");
        };
        Ok(Stored::Token(SharedToken {
            access_token: stored.access_token,
            lifetime: Duration::from_millis(stored.lifetime_ms),
            age: Duration::from_millis(stored.lifetime_ms.saturating_sub(left)),
        }))
    }

    /// Deletes the unusable value read, unless another process has stored
    /// a token since; whether it was deleted.
    pub(crate) async fn drop_unusable(&self, unusable: Unusable) -> Result<bool, String> {
        let key = self.key.clone();
        let removed: i64 = self
            .fleet
            .run(|mut connection| async move {
                Script::new(DROP_UNUSABLE_SCRIPT)
                    .key(key)
                    .arg(MAX_STORED_VALUE)
                    .arg(unusable.seen)
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        Ok(removed > 0)
    }

    /// Stores `token`, expiring in `left`.
    pub(crate) async fn write(
        &self,
        token: &str,
        lifetime: Duration,
        left: Duration,
    ) -> Result<(), String> {
        let value = serde_json::to_string(&StoredToken {
            access_token: token.to_owned(),
            lifetime_ms: millis(lifetime),
        })
        .map_err(|e| e.to_string())?;
        let key = self.key.clone();
        let left_ms = millis(left).max(1);
        self.fleet
            .run(|mut connection| async move {
                connection.pset_ex::<_, _, ()>(key, value, left_ms).await
            })
            .await
    }

    /// Deletes the stored token if it is `token`; whether it was.
    pub(crate) async fn remove_if(&self, token: &str) -> Result<bool, String> {
        let key = self.key.clone();
        let token = token.to_owned();
        let removed: i64 = self
            .fleet
            .run(|mut connection| async move {
                Script::new(REMOVE_IF_SCRIPT)
                    .key(key)
                    .arg(token)
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        Ok(removed > 0)
    }

    /// Takes the lock for `lease` if no process holds it (`SET NX PX`).
    pub(crate) async fn try_lock(&self, lease: Duration) -> Result<Option<TokenLock>, String> {
        let owner = format!("{:016x}{:08x}", fastrand::u64(..), std::process::id());
        let key = self.lock_key.clone();
        let tag = owner.clone();
        let set: Option<String> = self
            .fleet
            .run(|mut connection| async move {
                redis::cmd("SET")
                    .arg(key)
                    .arg(tag)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(lease).max(1))
                    .query_async(&mut connection)
                    .await
            })
            .await?;
        Ok(set.map(|_| TokenLock { owner }))
    }

    /// Releases `lock` if it is still this process's.
    pub(crate) async fn unlock(&self, lock: TokenLock) -> Result<(), String> {
        let key = self.lock_key.clone();
        self.fleet
            .run(|mut connection| async move {
                Script::new(UNLOCK_SCRIPT)
                    .key(key)
                    .arg(lock.owner)
                    .invoke_async::<i64>(&mut connection)
                    .await
            })
            .await
            .map(drop)
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Against the Redis server at `REDIS_URL` (default
/// `redis://127.0.0.1:6379`), like the fleet's integration tests.
#[cfg(test)]
mod tests {
    use super::*;

    fn redis_url() -> String {
        std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
    }

    /// A store under a prefix of its own, and a plain connection to
    /// plant values with.
    fn store() -> (SharedTokens, redis::Connection) {
        let url = redis_url();
        let prefix = format!(
            "firefly-test:unit:{}:{:08x}",
            std::process::id(),
            fastrand::u32(..)
        );
        let fleet = Fleet::builder(&url).key_prefix(prefix).build().unwrap();
        let connection = redis::Client::open(url.as_str())
            .and_then(|client| client.get_connection_with_timeout(Duration::from_secs(2)))
            .unwrap_or_else(|error| {
                panic!("these tests need a Redis server at {url} ({error}); see tests/fleet")
            });
        let tokens = SharedTokens::new(&fleet, "http://ims", "client", "scope");
        (tokens, connection)
    }

    fn plant(connection: &mut redis::Connection, key: &str, value: &str) {
        redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("PX")
            .arg(60_000)
            .query::<()>(connection)
            .unwrap();
    }

    async fn unusable(tokens: &SharedTokens) -> Unusable {
        match tokens.read().await.unwrap() {
            Stored::Unusable(unusable) => unusable,
            Stored::Missing => panic!("read nothing"),
            Stored::Token(token) => panic!("read a token of {} bytes", token.access_token.len()),
        }
    }

    /// Compare-and-delete: a good token another process stored between the
    /// read and the drop stays; the unusable value itself goes.
    #[tokio::test]
    async fn an_unusable_value_is_dropped_only_while_it_is_still_there() {
        let (tokens, mut connection) = store();
        let hour = Duration::from_secs(3600);
        let planted = [
            "A".repeat(MAX_STORED_VALUE + 1),
            r#"{"access_token":"a b","lifetime_ms":60000}"#.to_owned(),
            "not json".to_owned(),
        ];
        for value in planted {
            plant(&mut connection, &tokens.key, &value);
            let seen = unusable(&tokens).await;
            tokens.write("good-token", hour, hour).await.unwrap();
            assert!(!tokens.drop_unusable(seen).await.unwrap());
            assert!(matches!(
                tokens.read().await.unwrap(),
                Stored::Token(token) if token.access_token == "good-token"
            ));

            plant(&mut connection, &tokens.key, &value);
            let seen = unusable(&tokens).await;
            assert!(tokens.drop_unusable(seen).await.unwrap());
            assert!(matches!(tokens.read().await.unwrap(), Stored::Missing));
        }

        redis::cmd("HSET")
            .arg(&tokens.key)
            .arg("access_token")
            .arg("x")
            .query::<()>(&mut connection)
            .unwrap();
        let seen = unusable(&tokens).await;
        assert!(seen.seen.is_empty(), "nothing of a hash is read");
        assert!(tokens.drop_unusable(seen).await.unwrap());
        assert!(matches!(tokens.read().await.unwrap(), Stored::Missing));
    }

    /// The value over the cap is never read: `Unusable` holds nothing of it.
    #[tokio::test]
    async fn a_value_over_the_cap_is_not_read() {
        let (tokens, mut connection) = store();
        let huge = format!(
            r#"{{"access_token":"{}","lifetime_ms":60000}}"#,
            "A".repeat(MAX_STORED_VALUE)
        );
        plant(&mut connection, &tokens.key, &huge);
        let seen = unusable(&tokens).await;
        assert!(seen.seen.is_empty());
        assert!(tokens.drop_unusable(seen).await.unwrap());
    }
}
