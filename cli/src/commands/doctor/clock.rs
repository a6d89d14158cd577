//! The clock check: this machine's clock against the API's `Date` header.
//!
//! The SDK's public API gives no response headers, so this is the one
//! request the CLI sends itself (through reqwest, which the SDK already
//! uses, so no new TLS stack): a GET of the status of a job that does not
//! exist, with no credentials. It spends nothing and carries no secret;
//! whatever the gateway answers (401, 404) has a `Date`.

use std::time::{Duration, SystemTime};

use super::Check;

/// Past this, tokens' lifetimes and pre-signed URLs' expiry go wrong.
const MAX_SKEW: Duration = Duration::from_secs(5 * 60);

/// How long the clock request may take.
const TIMEOUT: Duration = Duration::from_secs(10);

const NAME: &str = "clock";

/// Compares the clock with the `Date` of the API at `api_url`.
pub async fn check(api_url: &str) -> Check {
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .build()
    {
        Ok(client) => client,
        Err(error) => return Check::skipped(NAME, format!("no HTTP client: {error}")),
    };
    let url = format!(
        "{}/v3/status/firefly-doctor-clock",
        api_url.trim_end_matches('/')
    );
    let before = SystemTime::now();
    let answer = client.get(&url).send().await;
    let after = SystemTime::now();
    let response = match answer {
        Ok(response) => response,
        Err(error) => {
            return Check::fail(
                NAME,
                format!("{api_url} cannot be reached to read its clock ({error})"),
                "check FIREFLY_SERVICES_API_URL and that this machine reaches the host (proxy, \
                 firewall, DNS)",
            );
        }
    };
    let date = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| httpdate::parse_http_date(value).ok());
    let Some(date) = date else {
        return Check::warn(
            NAME,
            format!("{api_url} sent no usable Date header"),
            "nothing to do unless requests fail with expired tokens or URLs; then check the \
             clock against a time server",
        );
    };
    // The server's second was read somewhere between the two readings.
    let elapsed = after.duration_since(before).unwrap_or_default();
    let local = before + elapsed / 2;
    let skew = skew(local, date);
    if skew.abs() > MAX_SKEW.as_secs_f64() {
        let way = if skew > 0.0 { "behind" } else { "ahead of" };
        Check::warn(
            NAME,
            format!(
                "this machine's clock is {} {way} the server's",
                crate::output::duration(Duration::from_secs_f64(skew.abs()))
            ),
            "set the clock right (for example `timedatectl set-ntp true`): tokens and \
             pre-signed URLs expire by the server's clock",
        )
    } else {
        Check::pass(
            NAME,
            format!("{:.0} s from the server's (under 5 minutes)", skew.abs()),
        )
    }
}

/// Seconds the server's clock is ahead of this machine's (negative when
/// behind), the server's one-second resolution allowed for.
fn skew(local: SystemTime, server: SystemTime) -> f64 {
    match server.duration_since(local) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_is_signed() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(skew(now, now + Duration::from_secs(3600)), 3600.0);
        assert_eq!(skew(now, now - Duration::from_secs(90)), -90.0);
    }
}
