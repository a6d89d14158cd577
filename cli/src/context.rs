//! What every command works with, built once in `main`: the output (text
//! or JSON), how jobs are waited for, and the one client, in the fleet when
//! `--redis` names one. Commands never build a client of their own, so
//! none can skip the fleet and spend its quota uncounted.

use std::sync::{Arc, OnceLock};

use adobe_firefly::{Api, Firefly, FireflyBuilder, RateLimit, WaitOptions};

use crate::{args::FleetArgs, error::CliError, fleet, output::Output, spend::Spend};

/// The context of one run of `firefly`.
pub struct Context {
    pub out: Output,
    pub wait: WaitOptions,
    pub fleet: FleetArgs,
    /// What the run may spend (`--max-operations`, `--dry-run`); shared
    /// with `firefly mcp`'s calls for the server's lifetime.
    pub spend: Arc<Spend>,
    /// Firefly's budget for this process (or the fleet's, with `--redis`),
    /// when the command sets one.
    rate: Option<RateLimit>,
    /// Built on first use: commands that call no API (`gallery`,
    /// `completions`, ...) work without credentials.
    firefly: OnceLock<Firefly>,
}

impl Context {
    pub fn new(
        out: Output,
        wait: WaitOptions,
        fleet: FleetArgs,
        spend: Spend,
        rate: Option<RateLimit>,
    ) -> Self {
        Self {
            out,
            wait,
            fleet,
            spend: Arc::new(spend),
            rate,
            firefly: OnceLock::new(),
        }
    }

    /// The client, from the environment, built the first time it is asked
    /// for; a missing variable is named.
    pub fn firefly(&self) -> Result<&Firefly, CliError> {
        if let Some(firefly) = self.firefly.get() {
            return Ok(firefly);
        }
        let built = client(&self.fleet, self.rate.clone(), self.spend.dry_run)?;
        Ok(self.firefly.get_or_init(|| built))
    }
}

/// The client, from the environment. Photoshop's budget is Adobe's (300
/// submissions a minute, 300 status reads every 3 s); Firefly's is `rate`
/// if given. With `--redis`, the client joins the fleet
/// (`FireflyBuilder::fleet`): it shares the token and every API's budget
/// with every process using that server and key prefix, Firefly's being
/// `rate` or Adobe's default quota.
/// In a dry run (`dry_run`), the client prepares requests and sends none.
fn client(
    fleet_args: &FleetArgs,
    rate: Option<RateLimit>,
    dry_run: bool,
) -> Result<Firefly, CliError> {
    let mut builder = FireflyBuilder::from_env()?
        .rate_limits(Api::Photoshop, Api::Photoshop.adobe_rate_limits())
        .dry_run(dry_run);
    builder = match fleet_args.redis_url.as_deref() {
        Some(url) => fleet::join(builder, url, &fleet_args.redis_prefix, rate)?,
        None => match rate {
            Some(rate) => builder.rate_limit(rate),
            None => builder,
        },
    };
    Ok(builder.build()?)
}
