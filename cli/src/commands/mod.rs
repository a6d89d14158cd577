//! One module per subcommand, each with a `run` (or one function per
//! subcommand it covers) taking its parsed arguments and the [`Output`];
//! plus what several commands share: the client from the environment, and
//! waiting for a job and saving what it made.

pub mod batch;
pub mod emulator;
pub mod generate;
pub mod image_ops;
pub mod jobs;
pub mod models;
pub mod quota;
pub mod secrets;
pub mod token;
pub mod upload;
pub mod video;

use std::{path::Path, process::ExitCode};

use adobe_firefly::{Error, Firefly, FireflyBuilder, RateLimit, WaitOptions, types::JobAccepted};
use serde_json::json;

use crate::{
    args::FleetArgs,
    error::CliError,
    output::{self, Output, Saved},
};

/// The client, from the environment; a missing variable is named.
pub fn client() -> Result<Firefly, Error> {
    Firefly::from_env()
}

/// The client, from the environment, in a fleet when `fleet` names a Redis
/// server: then it shares its token and its rate limit (`rate`, or
/// Adobe's default quota) with every process using that server and key
/// prefix. `rate` alone limits this process only.
pub fn client_with(fleet: &FleetArgs, rate: Option<RateLimit>) -> Result<Firefly, CliError> {
    let mut builder = FireflyBuilder::from_env()?;
    let rate = match fleet.redis_url.as_deref() {
        Some(url) => {
            let (policy, shared) = quota::join(url, &fleet.redis_prefix, rate)?;
            builder = builder.token_policy(policy);
            Some(shared)
        }
        None => rate,
    };
    if let Some(rate) = rate {
        builder = builder.rate_limit(rate);
    }
    Ok(builder.build()?)
}

/// Waits for a job with a progress spinner, saves its outputs as
/// `<stem>-<n>.<ext>` in `dir` and reports them.
pub async fn finish(
    firefly: &Firefly,
    job: JobAccepted,
    dir: &Path,
    stem: &str,
    out: &Output,
    wait: &WaitOptions,
) -> Result<ExitCode, CliError> {
    let spinner = out.spinner(&job.job_id);
    let result = firefly
        .wait_for_job_with(&job, wait, |status| {
            spinner.set_message(output::describe(status))
        })
        .await;
    spinner.finish_and_clear();
    let result = result?;
    let report =
        output::save_outputs(firefly, &result, dir, stem, &Default::default(), |_, _| {}).await;
    if !report.unsaved.is_empty() {
        return Err(CliError::Unsaved {
            job_id: job.job_id,
            saved: report.saved,
            unsaved: report.unsaved,
        });
    }
    let saved = report.saved;
    let lines: Vec<String> = saved.iter().map(Saved::line).collect();
    out.done(
        lines.join("\n"),
        json!({"job_id": job.job_id, "outputs": saved.iter().map(Saved::json).collect::<Vec<_>>()}),
    );
    Ok(ExitCode::SUCCESS)
}
