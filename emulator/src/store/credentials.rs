//! The emulated credential: the tokens IMS issued (with their scopes and
//! expiry), the client-credentials grant, and the client secrets the I/O
//! Management API lists, creates and deletes.

use tokio::time::Instant;

use super::{Store, new_uuid, next};
use crate::faults::Fired;

/// A token IMS issued.
pub(super) struct IssuedToken {
    expires_at: Instant,
    scopes: Vec<String>,
    /// Whether a fault (or a revocation) made it expire before its
    /// announced lifetime: only those refusals count as a fault served.
    cut_short: bool,
}

/// A client secret of the emulated credential.
pub(super) struct Secret {
    uuid: String,
    value: String,
    created: String,
}

impl Secret {
    /// The secret the emulator was configured with.
    pub(super) fn first(value: String) -> Self {
        Self {
            uuid: new_uuid(),
            value,
            created: "2025-01-01T00:00:00.000Z".into(),
        }
    }
}

/// Why IMS refuses a client-credentials grant.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum GrantRefusal {
    /// Not the emulated client id.
    UnknownClient,
    /// Not one of the credential's secrets.
    WrongSecret,
    /// No scope asked for.
    NoScope,
    /// A scope the credential does not have.
    ScopeNotAllowed(String),
}

/// What a token is worth for a request needing a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TokenCheck {
    /// Absent, unknown, expired or revoked.
    Invalid,
    /// Valid; whether it carries the scope.
    Valid { scoped: bool },
}

/// A secret as the Management API lists it: never its value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SecretInfo {
    pub(crate) uuid: String,
    pub(crate) created: String,
}

/// A secret just created: the only time its value is told.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NewSecret {
    pub(crate) uuid: String,
    pub(crate) value: String,
}

/// The organization or credential is not the emulated one (or, for a
/// deletion, the secret does not exist).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UnknownCredential;

impl Store {
    /// Whether IMS grants a token for these scopes to this client id and
    /// secret (any secret not deleted), checked in IMS's order.
    pub(crate) fn grant(
        &self,
        client_id: Option<&str>,
        secret: &str,
        scopes: &[String],
    ) -> Result<(), GrantRefusal> {
        if client_id != Some(self.settings.client_id.as_str()) {
            return Err(GrantRefusal::UnknownClient);
        }
        if !self.lock().secrets.iter().any(|s| s.value == secret) {
            return Err(GrantRefusal::WrongSecret);
        }
        if scopes.is_empty() {
            return Err(GrantRefusal::NoScope);
        }
        match scopes
            .iter()
            .find(|scope| !self.settings.allowed_scopes.contains(scope))
        {
            Some(extra) => Err(GrantRefusal::ScopeNotAllowed(extra.clone())),
            None => Ok(()),
        }
    }

    /// Issues a token with these scopes, valid for the configured lifetime
    /// (or less, when a fault says tokens expire early).
    pub(crate) fn issue_token(&self, scopes: Vec<String>) -> String {
        let n = next(&self.tokens_issued);
        let token = format!("emulator-token-{n}-{:016x}", fastrand::u64(..));
        let lifetime = self.settings.token_lifetime;
        let valid_for = self
            .settings
            .faults
            .token_valid_for
            .unwrap_or(lifetime)
            .min(lifetime);
        self.lock().tokens.insert(
            token.clone(),
            IssuedToken {
                expires_at: Instant::now() + valid_for,
                scopes,
                cut_short: valid_for < lifetime,
            },
        );
        token
    }

    /// How many tokens have been issued.
    pub(crate) fn tokens_issued(&self) -> u64 {
        self.tokens_issued
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Revokes every token issued so far: they are refused from now on
    /// (counted as `expired_tokens`).
    pub(crate) fn revoke_tokens(&self) {
        let now = Instant::now();
        for token in self.lock().tokens.values_mut() {
            token.expires_at = token.expires_at.min(now);
            token.cut_short = true;
        }
    }

    /// What `token` is worth for a request needing `scope`; a token refused
    /// because a fault or a revocation cut it short counts as a fault.
    pub(super) fn check_token(&self, token: Option<&str>, scope: &str) -> TokenCheck {
        let Some(token) = token else {
            return TokenCheck::Invalid;
        };
        let data = self.lock();
        let Some(issued) = data.tokens.get(token) else {
            return TokenCheck::Invalid;
        };
        if Instant::now() >= issued.expires_at {
            if issued.cut_short {
                self.record(Fired::ExpiredToken);
            }
            return TokenCheck::Invalid;
        }
        TokenCheck::Valid {
            scoped: issued.scopes.iter().any(|s| s == scope),
        }
    }

    /// Whether `org` and `credential` name the emulated credential.
    fn is_emulated(&self, org: &str, credential: &str) -> bool {
        org == self.settings.organization_id && credential == self.settings.credential_id
    }

    /// The secrets of the credential, oldest first.
    pub(crate) fn secrets(
        &self,
        org: &str,
        credential: &str,
    ) -> Result<Vec<SecretInfo>, UnknownCredential> {
        if !self.is_emulated(org, credential) {
            return Err(UnknownCredential);
        }
        let secrets = self.lock().secrets.iter().map(SecretInfo::of).collect();
        Ok(secrets)
    }

    /// A new secret of the credential, created at `created` (as the API
    /// writes its dates); IMS accepts it at once.
    pub(crate) fn create_secret(
        &self,
        org: &str,
        credential: &str,
        created: String,
    ) -> Result<NewSecret, UnknownCredential> {
        if !self.is_emulated(org, credential) {
            return Err(UnknownCredential);
        }
        let secret = Secret {
            uuid: new_uuid(),
            value: format!("p8e-{:032x}", fastrand::u128(..)),
            created,
        };
        let created = NewSecret {
            uuid: secret.uuid.clone(),
            value: secret.value.clone(),
        };
        self.lock().secrets.push(secret);
        Ok(created)
    }

    /// Deletes the secret `uuid`: IMS refuses it from now on. `Err` when
    /// there was no such secret or `org` and `credential` are not the
    /// emulated ones; the secret is looked up by its uuid alone, so it is
    /// deleted in that second case too.
    pub(crate) fn delete_secret(
        &self,
        org: &str,
        credential: &str,
        uuid: &str,
    ) -> Result<(), UnknownCredential> {
        let deleted = {
            let mut data = self.lock();
            let before = data.secrets.len();
            data.secrets.retain(|s| s.uuid != uuid);
            data.secrets.len() < before
        };
        if deleted && self.is_emulated(org, credential) {
            Ok(())
        } else {
            Err(UnknownCredential)
        }
    }
}

impl SecretInfo {
    fn of(secret: &Secret) -> Self {
        Self {
            uuid: secret.uuid.clone(),
            created: secret.created.clone(),
        }
    }
}
