//! `firefly status` and `firefly cancel`: a job known only by its id.

use std::process::ExitCode;

use serde_json::json;

use super::client;
use crate::{error::CliError, output::Output};

pub async fn status(job_id: &str, out: &Output) -> Result<ExitCode, CliError> {
    let firefly = client()?;
    let status = firefly.job_status(&firefly.job(job_id)).await?;
    let progress = status
        .progress
        .map(|p| format!(" ({p:.0}%)"))
        .unwrap_or_default();
    out.done(
        format!("{}{progress}", crate::output::status_word(&status)),
        serde_json::to_value(&status).unwrap_or_default(),
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn cancel(job_id: &str, out: &Output) -> Result<ExitCode, CliError> {
    let firefly = client()?;
    firefly.cancel_job(&firefly.job(job_id)).await?;
    out.done(
        format!("cancellation of {job_id} requested"),
        json!({"job_id": job_id, "canceled": true}),
    );
    Ok(ExitCode::SUCCESS)
}
