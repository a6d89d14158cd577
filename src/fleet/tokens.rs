//! The shared token: one key holding the access token and its lifetime,
//! one lock key with a lease for the process fetching a new one.
//!
//! The stored value is `{"access_token", "lifetime_ms"}`, written with a
//! Redis expiry at the token's own expiry, so a reader learns the token's
//! age from Redis (`PTTL`), not from any process's clock. The client secret
//! is never written, and the key names are hashes: neither the client id
//! nor anything secret appears in them.

use std::time::Duration;

use redis::{AsyncCommands, Script};
use serde::{Deserialize, Serialize};

use super::Fleet;

/// Reads the value and its remaining time together.
const READ_SCRIPT: &str = r"
local value = redis.call('GET', KEYS[1])
if not value then return {} end
return {value, redis.call('PTTL', KEYS[1])}
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

/// The token key and lock key of one (IMS URL, client id, scopes).
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

    /// The stored token, `None` when there is none or it is unreadable.
    pub(crate) async fn read(&self) -> Result<Option<SharedToken>, String> {
        let key = self.key.clone();
        let found: Vec<redis::Value> = self
            .fleet
            .run(|mut connection| async move {
                Script::new(READ_SCRIPT)
                    .key(key)
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        let [value, ttl] = found.as_slice() else {
            return Ok(None);
        };
        let (Ok(text), Ok(ttl)) = (
            redis::from_redis_value_ref::<String>(value),
            redis::from_redis_value_ref::<i64>(ttl),
        ) else {
            return Ok(None);
        };
        let Ok(stored) = serde_json::from_str::<StoredToken>(&text) else {
            return Ok(None);
        };
        // A key without an expiry (-1) was not written by the SDK.
        let Ok(left) = u64::try_from(ttl) else {
            return Ok(None);
        };
        Ok(Some(SharedToken {
            access_token: stored.access_token,
            lifetime: Duration::from_millis(stored.lifetime_ms),
            age: Duration::from_millis(stored.lifetime_ms.saturating_sub(left)),
        }))
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
