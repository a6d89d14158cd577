//! The IMS checks: a token is issued (or a ready one is set), and the
//! scopes it carries when it says (a JWT's `scope` claim). The token is
//! never printed: only the names of its scopes, read from its payload
//! (never its signature).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use adobe_firefly::{
    auth::AuthError,
    config::{self, env},
};
use base64::Engine;
use serde_json::Value;

use super::{Check, config::Client, config::lookup};

const NAME: &str = "IMS";
const SCOPES: &str = "token scopes";

/// The scopes Firefly needs in every token.
const FIREFLY_SCOPES: [&str; 2] = ["firefly_api", "ff_apis"];

/// The IMS check and the scopes check; `true` when there is a token for
/// the API checks to ask with.
pub async fn checks(client: &Client) -> (Vec<Check>, bool) {
    let (issued, token) = match &client.manager {
        Some(manager) => match manager.token().await {
            Ok(token) => {
                let expiry = manager
                    .expires_in()
                    .map(|left| format!("; it expires in {}", crate::output::duration(left)))
                    .unwrap_or_default();
                (
                    Check::pass(NAME, format!("a token was issued{expiry}")),
                    Some(token.expose_secret().to_owned()),
                )
            }
            Err(error) => return (vec![refused(&error)], false),
        },
        None => match lookup(env::ACCESS_TOKEN) {
            Some(token) => (
                Check::pass(
                    NAME,
                    format!("not asked: {} is set (never renewed)", env::ACCESS_TOKEN),
                ),
                Some(token),
            ),
            None => return (vec![Check::skipped(NAME, "no credentials")], false),
        },
    };
    let claims = token.as_deref().and_then(payload);
    let mut checks = vec![issued];
    if client.manager.is_none()
        && let Some(left) = claims.as_ref().and_then(lifetime_left)
        && left.is_none()
    {
        checks.push(Check::fail(
            "token expiry",
            format!("the token in {} has expired", env::ACCESS_TOKEN),
            format!(
                "set {} so tokens are issued and renewed, or put a new token in {}",
                env::CLIENT_SECRET,
                env::ACCESS_TOKEN
            ),
        ));
    }
    checks.push(scopes_check(claims.as_ref()));
    (checks, true)
}

/// What IMS's refusal means, and what to change.
fn refused(error: &AuthError) -> Check {
    match error {
        AuthError::Permanent {
            status, ims_error, ..
        } if ims_error == "invalid_client" => Check::fail(
            NAME,
            format!("IMS refused the client id or secret (HTTP {status} `invalid_client`)"),
            format!(
                "{} or {} is wrong: copy both again from the credential in the Adobe Developer \
                 Console (a deleted or rotated secret stops working)",
                env::CLIENT_ID,
                env::CLIENT_SECRET
            ),
        ),
        AuthError::Permanent {
            status, ims_error, ..
        } if ims_error == "invalid_scope" => Check::fail(
            NAME,
            format!("IMS refused the scopes asked for (HTTP {status} `invalid_scope`)"),
            format!(
                "{} asks for a scope the credential does not have: set it to the scopes the \
                 Developer Console lists for the credential (the SDK's default is {})",
                env::SCOPES,
                config::DEFAULT_SCOPES
            ),
        ),
        AuthError::Permanent {
            status, ims_error, ..
        } => Check::fail(
            NAME,
            format!("IMS refused the credentials (HTTP {status} `{ims_error}`)"),
            format!(
                "check {}, {} and {} against the Developer Console project",
                env::CLIENT_ID,
                env::CLIENT_SECRET,
                env::SCOPES
            ),
        ),
        AuthError::Transient { status: None, .. } | AuthError::Timeout { .. } => Check::fail(
            NAME,
            format!("IMS cannot be reached: {error}"),
            unreachable_fix(),
        ),
        AuthError::Endpoint { status, .. } => Check::fail(
            NAME,
            format!("the IMS URL answered HTTP {status} where the token endpoint should be"),
            unreachable_fix(),
        ),
        _ => Check::fail(
            NAME,
            error.to_string(),
            "try again later; if it persists, check the IMS URL and the credentials",
        ),
    }
}

fn unreachable_fix() -> String {
    format!(
        "check {} (unset, it is {}) and that this machine reaches it (proxy, firewall, DNS)",
        env::IMS_URL,
        config::DEFAULT_IMS_URL
    )
}

/// The scopes check: the names the token lists, and the Firefly scopes it
/// lacks.
fn scopes_check(claims: Option<&Value>) -> Check {
    let Some(scopes) = claims.and_then(scopes) else {
        return Check::pass(
            SCOPES,
            "the token does not say (it is not a JWT with a scope claim)",
        );
    };
    let missing: Vec<&str> = FIREFLY_SCOPES
        .into_iter()
        .filter(|needed| !scopes.iter().any(|s| s == needed))
        .collect();
    if missing.is_empty() {
        Check::pass(SCOPES, scopes.join(","))
    } else {
        Check::fail(
            SCOPES,
            format!("{} (no {})", scopes.join(","), missing.join(",")),
            format!(
                "add {} to {} (as the Developer Console lists them for the credential)",
                missing.join(","),
                env::SCOPES
            ),
        )
    }
}

/// A JWT's payload (its second part, base64url), when the token is one.
fn payload(token: &str) -> Option<Value> {
    let mut parts = token.split('.');
    let (_, body, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
}

/// The names in the `scope` claim (comma- or space-separated); only
/// plain scope names are kept, so nothing else in the token is echoed.
fn scopes(claims: &Value) -> Option<Vec<String>> {
    let scope = claims.get("scope")?.as_str()?;
    let names: Vec<String> = scope
        .split([',', ' '])
        .filter(|name| {
            !name.is_empty()
                && name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c))
        })
        .map(str::to_owned)
        .collect();
    (!names.is_empty()).then_some(names)
}

/// How long an Adobe token has left, from its `created_at` and
/// `expires_in` claims (milliseconds, as numbers or strings): `Some(None)`
/// when it has expired, `None` when the token does not say.
fn lifetime_left(claims: &Value) -> Option<Option<Duration>> {
    let millis = |name: &str| -> Option<u64> {
        match claims.get(name)? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    };
    let ends = UNIX_EPOCH
        + Duration::from_millis(millis("created_at")?.checked_add(millis("expires_in")?)?);
    Some(ends.duration_since(SystemTime::now()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt(claims: &Value) -> String {
        let encode = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        format!(
            "{}.{}.c2lnbmF0dXJl",
            encode(br#"{"alg":"RS256"}"#),
            encode(claims.to_string().as_bytes())
        )
    }

    #[test]
    fn scopes_are_read_from_a_jwt_payload() {
        let token = jwt(&json!({"scope": "openid,AdobeID,firefly_api,ff_apis", "sub": "x"}));
        let check = scopes_check(payload(&token).as_ref());
        assert_eq!(check.result, "openid,AdobeID,firefly_api,ff_apis");
        assert!(check.fix.is_none());
    }

    #[test]
    fn a_token_without_firefly_scopes_names_the_missing_ones() {
        let token = jwt(&json!({"scope": "openid,AdobeID,read_organizations"}));
        let check = scopes_check(payload(&token).as_ref());
        assert_eq!(check.verdict, super::super::Verdict::Fail);
        assert!(check.fix.unwrap().starts_with("add firefly_api,ff_apis to"));
    }

    #[test]
    fn opaque_tokens_do_not_say() {
        for token in ["emulator-token-1", "a.b", "a.!!!.c", "a.b.c.d"] {
            assert!(payload(token).is_none(), "{token}");
        }
        let check = scopes_check(None);
        assert!(check.result.starts_with("the token does not say"));
    }

    #[test]
    fn expired_tokens_are_told_from_their_claims() {
        let long_ago = json!({"created_at": "1000", "expires_in": "86400000"});
        assert_eq!(lifetime_left(&long_ago), Some(None));
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let fresh = json!({"created_at": now.as_millis() as u64, "expires_in": 3_600_000});
        assert!(lifetime_left(&fresh).unwrap().is_some());
        assert_eq!(lifetime_left(&json!({})), None);
    }
}
