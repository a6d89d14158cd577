//! `firefly`: Adobe Firefly from the command line, built on the
//! `adobe-firefly` library's public API.
//!
//! Credentials come from the same environment variables as the library
//! (`FIREFLY_SERVICES_CLIENT_ID`, `FIREFLY_SERVICES_CLIENT_SECRET`, ...).
//!
//! Where things are:
//! - `args`: the command line (global options, subcommands, arguments);
//! - `parse`: argument values (sizes, image inputs, rates, model names);
//! - `commands`: one module per subcommand, plus waiting and saving;
//! - `output`: text or JSON, progress, tables, saved files;
//! - `error`: what a command fails with, and its exit code.

mod args;
mod commands;
mod error;
mod journal;
mod output;
mod parse;

use std::{process::ExitCode, time::Duration};

use adobe_firefly::WaitOptions;
use clap::Parser;

use crate::{
    args::{Cli, Command},
    commands::{
        batch, emulator, generate, image_ops, jobs, models, quota, secrets, token, upload, video,
    },
    error::CliError,
    output::Output,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Output::new(cli.json);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let wait = WaitOptions::default().first_poll(Duration::from_millis(cli.poll_ms));
    match runtime.block_on(run(cli.command, &out, &wait)) {
        Ok(code) => code,
        Err(error) => {
            out.error(&error);
            error.exit_code()
        }
    }
}

/// Runs one subcommand; each builds its own client from the environment.
async fn run(command: Command, out: &Output, wait: &WaitOptions) -> Result<ExitCode, CliError> {
    match command {
        Command::Generate(args) => generate::run(args, out, wait).await,
        Command::Batch(args) => batch::run(args, out, wait).await,
        Command::Expand(args) => image_ops::expand(args, out, wait).await,
        Command::Fill(args) => image_ops::fill(args, out, wait).await,
        Command::Similar(args) => image_ops::similar(args, out, wait).await,
        Command::Composite(args) => image_ops::composite(args, out, wait).await,
        Command::Upload { path } => upload::run(&path, out).await,
        Command::Video(args) => video::run(args, out, wait).await,
        Command::Status { job_id } => jobs::status(&job_id, out).await,
        Command::Cancel { job_id } => jobs::cancel(&job_id, out).await,
        Command::Models { state } => models::run(state, out).await,
        Command::Token { show } => token::run(show, out).await,
        Command::Secrets { action } => secrets::run(action, out).await,
        Command::Emulator { port, faults } => emulator::run(port, &faults, out).await,
        Command::Quota {
            fleet,
            rate,
            per_day,
        } => quota::run(&fleet, rate, per_day, out).await,
    }
}
