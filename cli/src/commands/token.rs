//! `firefly token`: checks that IMS and Firefly accept the credentials and
//! shows when the token expires (and, if asked, the token itself).

use std::{process::ExitCode, sync::Arc};

use adobe_firefly::{
    ConfigError, FireflyBuilder,
    auth::{ImsTokenManager, TokenPolicy},
    config::{self, env},
};
use serde_json::json;

use crate::{context::Context, error::CliError, fleet, output};

pub async fn run(show: bool, ctx: &Context) -> Result<ExitCode, CliError> {
    let out = &ctx.out;
    let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let builder = FireflyBuilder::from_env()?;
    // With a client secret, one token manager serves both the check and the
    // display: one IMS request, and the token shown is the one Firefly
    // accepted (a second manager would fetch, and show, another). In a
    // fleet, that manager keeps the fleet's token, as every command's does.
    let (firefly, manager) = match (lookup(env::CLIENT_ID), lookup(env::CLIENT_SECRET)) {
        (Some(id), Some(secret)) => {
            let policy = match ctx.fleet.redis_url.as_deref() {
                Some(url) => fleet::fleet_token_policy(url, &ctx.fleet.redis_prefix)?,
                None => TokenPolicy::default(),
            };
            let manager = ims_manager(id, secret, policy, lookup)?;
            let firefly = builder.token_source(Arc::new(manager.clone())).build()?;
            (firefly, Some(manager))
        }
        _ => (builder.build()?, None),
    };
    // The token from IMS is not enough: Firefly must accept it with the key.
    firefly.check_credentials().await?;
    // The token the check ended with (cached; after a 401 replay, the
    // replacement Firefly accepted).
    let token = match &manager {
        Some(manager) => Some(manager.token().await?),
        None => None,
    };
    let expiry = manager.as_ref().and_then(ImsTokenManager::expires_in);
    let expires = expiry
        .map(|left| format!("the token expires in {}", output::duration(left)))
        .unwrap_or_else(|| "using FIREFLY_SERVICES_ACCESS_TOKEN; its expiry is unknown".into());
    let mut text = format!("credentials work: IMS and Firefly accepted them; {expires}");
    let mut document = json!({"ok": true, "expires_in_secs": expiry.map(|d| d.as_secs())});
    if show {
        let value = token
            .as_ref()
            .map(|t| t.expose_secret().to_owned())
            .or_else(|| lookup(env::ACCESS_TOKEN))
            .unwrap_or_default();
        text.push_str(&format!("\n{value}"));
        document["access_token"] = json!(value);
    }
    out.done(text, document);
    Ok(ExitCode::SUCCESS)
}

/// The token manager of a command that shows or reads the token itself
/// (`token`, `doctor`): the environment's IMS URL, scopes and disk cache
/// (read through `lookup`) on `policy`, for the client id and secret.
pub(crate) fn ims_manager(
    id: String,
    secret: String,
    mut policy: TokenPolicy,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<ImsTokenManager, ConfigError> {
    if let Some(dir) = lookup(env::TOKEN_CACHE_DIR) {
        policy = policy.disk_cache(dir);
    }
    ImsTokenManager::builder()
        .ims_url(lookup(env::IMS_URL).unwrap_or_else(|| config::DEFAULT_IMS_URL.into()))
        .client_id(id)
        .client_secret(secret)
        .scopes(lookup(env::SCOPES).unwrap_or_else(|| config::DEFAULT_SCOPES.into()))
        .policy(policy)
        .build()
}
