//! The token shared by a fleet through Redis (feature `redis`): how a load
//! reads it, who asks IMS when it is missing, and how a rejected token is
//! removed for everyone.
//!
//! A load reads the stored token; when there is none fresh enough, it takes
//! the lock (`SET NX PX`, with the load deadline as its lease) and asks IMS,
//! or, when another process holds the lock, polls for that process's token
//! with a doubling pause. The wait ends shortly before the load deadline,
//! leaving time for one IMS attempt of its own, and a lock whose holder died
//! frees itself when its lease runs out. Any Redis failure turns the load
//! into a plain IMS request: Redis being down never costs a token. A value
//! in the token key that is not a token (see `fleet::tokens`) is dropped and
//! replaced like a missing one; a token from IMS that does not look like one
//! is used but not shared.

use std::time::Duration;

use tokio::time::Instant;

use super::{AccessToken, AuthError, TokenPolicy, cache::Cached, token_rule::looks_like_token};
use crate::fleet::{SharedToken, SharedTokens, Stored};

/// The first pause between reads while another process fetches the token.
const POLL_FIRST: Duration = Duration::from_millis(10);
/// The longest pause between those reads.
const POLL_MAX: Duration = Duration::from_millis(250);

/// A token for the cache: the fleet's, or one this process fetched (and
/// stored for the others) with `from_ims`.
pub(super) async fn load<F, Fut>(
    tokens: &SharedTokens,
    policy: &TokenPolicy,
    deadline: Instant,
    rejected: Option<&AccessToken>,
    from_ims: F,
) -> Result<Cached, AuthError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Cached, AuthError>>,
{
    let fleet = tokens.fleet();
    let reserve = policy.attempt_timeout.min(policy.load_deadline / 2);
    let wait_until = deadline.checked_sub(reserve).unwrap_or_else(Instant::now);
    let mut pause = POLL_FIRST;
    loop {
        match fresh(tokens, policy, rejected).await {
            Ok(Some(cached)) => return Ok(cached),
            Ok(None) => {}
            Err(reason) => {
                fleet.warn_degraded(&reason);
                return from_ims().await;
            }
        }
        match tokens.try_lock(policy.load_deadline).await {
            Ok(Some(lock)) => {
                // Another process may have stored its token between the
                // read and the lock.
                let outcome = match fresh(tokens, policy, rejected).await {
                    Ok(Some(cached)) => Ok(cached),
                    _ => fetch_and_store(tokens, from_ims).await,
                };
                if let Err(reason) = tokens.unlock(lock).await {
                    // The lease frees it anyway.
                    tracing::debug!(reason, "cannot release the shared token lock");
                }
                return outcome;
            }
            Ok(None) => {}
            Err(reason) => {
                fleet.warn_degraded(&reason);
                return from_ims().await;
            }
        }
        let now = Instant::now();
        if now >= wait_until {
            tracing::warn!(
                "another process has held the shared token lock for the whole wait; \
                 asking IMS directly"
            );
            return from_ims().await;
        }
        tokio::time::sleep(pause.min(wait_until - now)).await;
        pause = pause.saturating_mul(2).min(POLL_MAX);
    }
}

/// Asks IMS and stores the token for the fleet, expiring with the token.
async fn fetch_and_store<F, Fut>(tokens: &SharedTokens, from_ims: F) -> Result<Cached, AuthError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Cached, AuthError>>,
{
    let cached = from_ims().await?;
    if !looks_like_token(cached.token.expose_secret()) {
        // Every other process would drop it on sight and ask IMS in turn.
        tracing::warn!("IMS issued a token that is not shaped like one; not sharing it");
        return Ok(cached);
    }
    let left = cached.expires_at.saturating_duration_since(Instant::now());
    if let Err(reason) = tokens
        .write(cached.token.expose_secret(), cached.lifetime, left)
        .await
    {
        tracing::warn!(reason, "cannot store the token for the fleet");
    }
    Ok(cached)
}

/// The stored token as a cache entry, if there is one before its refresh
/// window and it is not the one Firefly rejected (which is removed instead).
/// A value that is not a token is removed too, unless another process
/// replaced it meanwhile.
async fn fresh(
    tokens: &SharedTokens,
    policy: &TokenPolicy,
    rejected: Option<&AccessToken>,
) -> Result<Option<Cached>, String> {
    let stored = match tokens.read().await? {
        Stored::Token(stored) => stored,
        Stored::Missing => return Ok(None),
        Stored::Unusable(unusable) => {
            tracing::warn!(
                why = unusable.why,
                "the fleet's token key holds something that is not a token; \
                 dropping it and asking IMS"
            );
            tokens.drop_unusable(unusable).await?;
            return Ok(None);
        }
    };
    if rejected.is_some_and(|r| r.expose_secret() == stored.access_token) {
        tokens.remove_if(&stored.access_token).await?;
        return Ok(None);
    }
    Ok(adopt(&stored, policy))
}

/// A cache entry for a token another process stored, if it is still before
/// its refresh window; its lifetime is capped at what IMS could have issued.
fn adopt(stored: &SharedToken, policy: &TokenPolicy) -> Option<Cached> {
    let lifetime = stored.lifetime.min(policy.max_lifetime);
    let (_, latest) = policy.refresh_window_fractions();
    if stored.access_token.is_empty()
        || lifetime.is_zero()
        || stored.age >= lifetime.mul_f64(latest)
    {
        return None;
    }
    let issued = Instant::now().checked_sub(stored.age)?;
    tracing::debug!("access token read from the fleet's Redis");
    Some(Cached::new(
        AccessToken::new(stored.access_token.clone()),
        issued,
        lifetime,
        policy,
    ))
}

/// Removes `token` from Redis if it is still the one stored, in the
/// background (invalidation cannot wait); this process's next load removes
/// it too if this has not run by then.
pub(super) fn forget(tokens: SharedTokens, token: &AccessToken) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let token = token.clone();
    runtime.spawn(async move {
        match tokens.remove_if(token.expose_secret()).await {
            Ok(true) => tracing::debug!("rejected token removed from the fleet's Redis"),
            Ok(false) => {}
            Err(reason) => tracing::debug!(reason, "cannot remove a rejected token from Redis"),
        }
    });
}
