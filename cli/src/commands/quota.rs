//! `firefly quota`: what is left of the fleet's shared Firefly budget.

use std::process::ExitCode;

use adobe_firefly::RateLimit;

#[cfg(feature = "redis")]
use crate::fleet::fleet;
#[cfg(not(feature = "redis"))]
use crate::fleet::no_redis;
use crate::{context::Context, error::CliError, fleet::budget, output::Output};

/// `firefly quota`: what is left of the fleet's window and day budgets.
pub async fn run(rate: RateLimit, per_day: u32, ctx: &Context) -> Result<ExitCode, CliError> {
    let (fleet, out) = (&ctx.fleet, &ctx.out);
    let Some(url) = fleet.redis_url.as_deref() else {
        return Err(CliError::Fleet(
            "firefly quota reads the fleet's budget from Redis: pass --redis URL or set \
             FIREFLY_SERVICES_REDIS_URL"
                .into(),
        ));
    };
    // The budget is kept per credential, named by its client id.
    let client_id = std::env::var(adobe_firefly::config::env::CLIENT_ID)
        .ok()
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| {
            CliError::Fleet(
                "set FIREFLY_SERVICES_CLIENT_ID: the fleet's budget is kept per credential".into(),
            )
        })?;
    show(
        url,
        &fleet.redis_prefix,
        &client_id,
        budget(Some(rate.per_day(per_day))),
        out,
    )
    .await
}

#[cfg(feature = "redis")]
async fn show(
    url: &str,
    prefix: &str,
    client_id: &str,
    rate: RateLimit,
    out: &Output,
) -> Result<ExitCode, CliError> {
    use serde_json::json;
    let left = fleet(url, prefix)?
        .quota_left(client_id, &rate)
        .await
        .map_err(adobe_firefly::Error::from)?;
    let window = humanize(left.window);
    let day_left = left.day_left.unwrap_or_default();
    let day_limit = left.day_limit.unwrap_or_default();
    let mut text = format!(
        "{} of {} requests left this {window}\n{day_left} of {day_limit} requests left today",
        left.window_left, left.window_limit
    );
    if !left.next_in.is_zero() {
        text.push_str(&format!(
            "\nnext request allowed in {:.1} s",
            left.next_in.as_secs_f64()
        ));
    }
    out.done(
        text,
        json!({
            "window_seconds": left.window.as_secs_f64(),
            "window_left": left.window_left,
            "window_limit": left.window_limit,
            "day_left": left.day_left,
            "day_limit": left.day_limit,
            "next_in_seconds": left.next_in.as_secs_f64(),
        }),
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "redis"))]
async fn show(
    _url: &str,
    _prefix: &str,
    _client_id: &str,
    _rate: RateLimit,
    _out: &Output,
) -> Result<ExitCode, CliError> {
    Err(no_redis())
}

/// "minute" for a minute, "10 s window" otherwise.
#[cfg(feature = "redis")]
fn humanize(window: std::time::Duration) -> String {
    match window.as_secs() {
        60 if window.subsec_nanos() == 0 => "minute".into(),
        3600 if window.subsec_nanos() == 0 => "hour".into(),
        _ => format!("{:.3} s window", window.as_secs_f64()),
    }
}
