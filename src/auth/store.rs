//! Where a token is kept besides the manager's memory: nowhere else
//! (`Memory`), a private directory (`Disk`, hardened in `disk_cache.rs`) or
//! the fleet's Redis (`Redis`, feature `redis`, scripts in `fleet::tokens`).
//!
//! One load protocol for the shared stores: read the stored token and adopt
//! it if fresh (a rejected one is compare-and-deleted); else take the lock,
//! polling while another process holds it until shortly before the load
//! deadline (one IMS attempt is left: a holder taking longer is stuck), read
//! again under it, ask IMS, store, release. Any store failure becomes a
//! plain IMS request with a warning. The disk is read only under its lock (a
//! file's compare-and-delete is a read then an unlink, and the holder may be
//! replacing the file); Redis's scripts are atomic, so it is read before the
//! lock too, and while another process fetches.

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::{
    AccessToken, AuthError, TokenPolicy,
    cache::Cached,
    disk_cache::{CacheLock, DiskCache, StoredToken},
};
#[cfg(feature = "redis")]
use crate::fleet::{SharedTokens, Stored, TokenLock};

/// The pause between attempts at a busy lock: the first, doubled up to the last.
const POLL_FIRST: Duration = Duration::from_millis(10);
const POLL_MAX: Duration = Duration::from_millis(250);

/// Where one manager's token is shared, if anywhere.
pub(super) enum TokenStore {
    /// Not shared: the manager's own memory is the only cache.
    Memory,
    /// A file in a private directory.
    Disk(DiskCache),
    /// The fleet's Redis, with the lease its lock is taken for.
    #[cfg(feature = "redis")]
    Redis(SharedTokens, Duration),
}

/// A store's lock, held while this process asks IMS.
enum Lock {
    Disk(CacheLock),
    #[cfg(feature = "redis")]
    Redis(TokenLock),
}

/// A stored token, and its (lifetime, age) if they make sense.
struct Found {
    access_token: String,
    dates: Option<(Duration, Duration)>,
}

impl TokenStore {
    /// The store the policy names: Redis takes precedence over the disk.
    pub(super) fn new(policy: &TokenPolicy, ims_url: &str, client_id: &str, scope: &str) -> Self {
        #[cfg(feature = "redis")]
        if let Some(fleet) = &policy.redis {
            let tokens = SharedTokens::new(fleet, ims_url, client_id, scope);
            return Self::Redis(tokens, policy.load_deadline);
        }
        match &policy.disk_cache {
            Some(dir) => Self::Disk(DiskCache::new(dir, ims_url, client_id, scope)),
            None => Self::Memory,
        }
    }

    /// A token for the cache: the store's, if fresh, or `from_ims`'s
    /// (stored for the other processes), by `deadline`. `rejected` tells
    /// the token Firefly last refused, asked at each read.
    pub(super) async fn load(
        &self,
        policy: &TokenPolicy,
        deadline: Instant,
        rejected: &(dyn Fn() -> Option<AccessToken> + Sync),
        from_ims: impl Future<Output = Result<Cached, AuthError>>,
    ) -> Result<Cached, AuthError> {
        let lock = match self.lock(policy, deadline, rejected).await {
            Ok(Some(lock)) => lock,
            Ok(None) => return from_ims.await,
            Err(cached) => return Ok(cached),
        };
        let outcome = match self.fresh(Some(&lock), policy, rejected).await {
            Ok(Some(cached)) => Ok(cached),
            Ok(None) => {
                let issued = SystemTime::now();
                let outcome = from_ims.await;
                if let Ok(cached) = &outcome {
                    self.write(&lock, cached, issued).await;
                }
                outcome
            }
            Err(reason) => {
                self.warn_unusable(&reason);
                from_ims.await
            }
        };
        // A file lock is released when its file is closed, with `lock`.
        #[cfg(feature = "redis")]
        if let (Self::Redis(tokens, _), Lock::Redis(lock)) = (self, lock)
            && let Err(reason) = tokens.unlock(lock).await
        {
            // The lease frees it anyway.
            tracing::debug!(reason, "cannot release the shared token lock");
        }
        outcome
    }

    /// The store's lock; `Ok(None)` (after a warning) when the store cannot
    /// be used or another process held the lock for the whole wait, and
    /// `Err` with the token when Redis holds a fresh one meanwhile.
    #[cfg_attr(not(feature = "redis"), allow(unused_variables))]
    async fn lock(
        &self,
        policy: &TokenPolicy,
        deadline: Instant,
        rejected: &(dyn Fn() -> Option<AccessToken> + Sync),
    ) -> Result<Option<Lock>, Cached> {
        let reserve = policy.attempt_timeout.min(policy.load_deadline / 2);
        let started = Instant::now();
        let wait_until = deadline.checked_sub(reserve).unwrap_or(started);
        let mut pause = POLL_FIRST;
        loop {
            let attempt = match self {
                Self::Memory => return Ok(None),
                Self::Disk(disk) => disk
                    .try_lock()
                    .map(|l| l.map(Lock::Disk))
                    .map_err(|e| e.to_string()),
                #[cfg(feature = "redis")]
                Self::Redis(tokens, lease) => match self.fresh(None, policy, rejected).await {
                    Ok(Some(cached)) => return Err(cached),
                    Ok(None) => tokens.try_lock(*lease).await.map(|l| l.map(Lock::Redis)),
                    Err(reason) => Err(reason),
                },
            };
            match attempt {
                Ok(Some(lock)) => return Ok(Some(lock)),
                Ok(None) => {}
                Err(reason) => {
                    self.warn_unusable(&reason);
                    return Ok(None);
                }
            }
            let now = Instant::now();
            if now >= wait_until {
                match self {
                    Self::Disk(disk) => self.warn_unusable(&disk.busy(now - started).to_string()),
                    _ => tracing::warn!(
                        "another process has held the shared token lock for the whole wait; \
                         asking IMS directly"
                    ),
                }
                return Ok(None);
            }
            tokio::time::sleep(pause.min(wait_until - now)).await;
            pause = pause.saturating_mul(2).min(POLL_MAX);
        }
    }

    /// The stored token as a cache entry, if there is one before its
    /// refresh window; a rejected one is removed instead.
    async fn fresh(
        &self,
        lock: Option<&Lock>,
        policy: &TokenPolicy,
        rejected: &(dyn Fn() -> Option<AccessToken> + Sync),
    ) -> Result<Option<Cached>, String> {
        let Some(found) = self.read(lock).await? else {
            return Ok(None);
        };
        if rejected().is_some_and(|r| r.expose_secret() == found.access_token) {
            // Firefly refused this token: drop it for every process.
            let removed = match (self, lock) {
                (Self::Disk(disk), Some(Lock::Disk(lock))) => disk
                    .remove_if(lock, &found.access_token)
                    .map_err(|e| e.to_string()),
                #[cfg(feature = "redis")]
                (Self::Redis(tokens, _), _) => tokens.remove_if(&found.access_token).await,
                _ => Ok(false),
            };
            match removed {
                Ok(_) => {}
                // Under the lock, the token fetched next replaces it.
                Err(error) if lock.is_some() => {
                    tracing::warn!(%error, "cannot remove a rejected token from the shared store");
                }
                Err(reason) => return Err(reason),
            }
            return Ok(None);
        }
        let cached = adopt(&found, policy);
        if cached.is_some() {
            tracing::debug!("access token read from the shared store");
        }
        Ok(cached)
    }

    /// What the store holds. A Redis value that is not a token is dropped
    /// (unless another process replaced it meanwhile) and reads as nothing,
    /// as does a torn file.
    async fn read(&self, lock: Option<&Lock>) -> Result<Option<Found>, String> {
        match (self, lock) {
            (Self::Disk(disk), Some(Lock::Disk(lock))) => {
                let stored = disk.read(lock).map_err(|e| e.to_string())?;
                Ok(stored.map(|stored| Found {
                    dates: stored.lifetime_and_age(),
                    access_token: stored.access_token,
                }))
            }
            #[cfg(feature = "redis")]
            (Self::Redis(tokens, _), _) => match tokens.read().await? {
                Stored::Token(stored) => Ok(Some(Found {
                    access_token: stored.access_token,
                    dates: Some((stored.lifetime, stored.age)),
                })),
                Stored::Missing => Ok(None),
                Stored::Unusable(unusable) => {
                    tracing::warn!(
                        why = unusable.why,
                        "the fleet's token key holds something that is not a token; \
                         dropping it and asking IMS"
                    );
                    tokens.drop_unusable(unusable).await?;
                    Ok(None)
                }
            },
            _ => Ok(None),
        }
    }

    /// Stores a token from IMS, requested at `issued`, for the others.
    async fn write(&self, lock: &Lock, cached: &Cached, issued: SystemTime) {
        let token = cached.token.expose_secret();
        match (self, lock) {
            (Self::Disk(disk), Lock::Disk(lock)) => {
                let stored = StoredToken::new(token, issued, cached.lifetime);
                if let Err(error) = disk.write(lock, &stored) {
                    tracing::warn!(%error, "cannot write the token cache");
                }
            }
            #[cfg(feature = "redis")]
            (Self::Redis(..), _) if !super::token_rule::looks_like_token(token) => {
                // Every other process would drop it on sight and ask IMS.
                tracing::warn!("IMS issued a token that is not shaped like one; not sharing it");
            }
            #[cfg(feature = "redis")]
            (Self::Redis(tokens, _), _) => {
                let left = cached.expires_at.saturating_duration_since(Instant::now());
                if let Err(reason) = tokens.write(token, cached.lifetime, left).await {
                    tracing::warn!(reason, "cannot store the token for the fleet");
                }
            }
            _ => {}
        }
    }

    /// Warns that the store cannot be used for this load.
    fn warn_unusable(&self, reason: &str) {
        match self {
            #[cfg(feature = "redis")]
            Self::Redis(tokens, _) => tokens.fleet().warn_degraded(reason),
            _ => tracing::warn!(error = %reason, "token cache unusable; asking IMS without it"),
        }
    }

    /// Removes `token` from the store if it is the one stored there, so
    /// that no process takes back a token Firefly rejected. Never waits:
    /// Redis is asked in the background, and a disk lock another process
    /// holds is left alone (that process is about to replace the file).
    /// Either way this process's next load removes the token if it is still
    /// there (see `State::rejected`).
    pub(super) fn forget(&self, token: &AccessToken) {
        let report = |removed: Result<bool, String>| match removed {
            Ok(true) => tracing::debug!("rejected token removed from the shared store"),
            Ok(false) => {}
            // The next load reports an unusable store; a burst of 401s
            // should not repeat that once per request.
            Err(error) => tracing::debug!(%error, "cannot remove a rejected token from the store"),
        };
        match self {
            Self::Memory => {}
            Self::Disk(disk) => report(
                match disk.try_lock() {
                    Ok(Some(lock)) => disk.remove_if(&lock, token.expose_secret()),
                    Ok(None) => Ok(false),
                    Err(error) => Err(error),
                }
                .map_err(|e| e.to_string()),
            ),
            #[cfg(feature = "redis")]
            Self::Redis(tokens, _) => {
                let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                    return;
                };
                let (tokens, token) = (tokens.clone(), token.clone());
                runtime.spawn(async move { report(tokens.remove_if(token.expose_secret()).await) });
            }
        }
    }
}

/// A cache entry for a token another process stored, if it is still before
/// its refresh window (an older one is replaced, not shared). The store's
/// claims are bounded by what IMS could have issued: a lifetime over the
/// policy's `max_lifetime` counts as `max_lifetime`, and dates that make no
/// sense (issued in the future) are refused.
fn adopt(found: &Found, policy: &TokenPolicy) -> Option<Cached> {
    let Some((lifetime, age)) = found.dates else {
        tracing::warn!("the cached token's dates make no sense; ignoring it");
        return None;
    };
    let lifetime = lifetime.min(policy.max_lifetime);
    let (_, latest) = policy.refresh_window_fractions();
    if found.access_token.is_empty() || lifetime.is_zero() || age >= lifetime.mul_f64(latest) {
        return None;
    }
    let issued = Instant::now().checked_sub(age)?;
    Some(Cached::new(
        AccessToken::new(found.access_token.clone()),
        issued,
        lifetime,
        policy,
    ))
}
