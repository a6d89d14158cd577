//! `firefly`: Adobe Firefly from the command line, built on the
//! `adobe-firefly` library's public API.
//!
//! Credentials come from the same environment variables as the library
//! (`FIREFLY_SERVICES_CLIENT_ID`, `FIREFLY_SERVICES_CLIENT_SECRET`, ...).
//!
//! Where things are:
//! - `args`: the command line (global options, subcommands, arguments);
//! - `help`: the environment variables, models and sizes each command's
//!   help lists;
//! - `parse`: argument values (sizes, image inputs, rates, model names);
//! - `commands`: one module per subcommand, plus waiting and saving;
//! - `journal`: what a batch submitted and saved, by request, for reruns;
//! - `naming`, `save`: file names (readable, never taken twice) and saving
//!   a job's outputs under them;
//! - `contact_sheet`: the contact sheet (`index.html`) of a batch's folder;
//! - `output`: text or JSON, progress, tables; `terminal`: server text made
//!   inert;
//! - `logging`: the library's warnings on stderr;
//! - `mcp`: `firefly mcp`, the same work as Model Context Protocol tools;
//! - `show`: `--show`, images printed in the terminal;
//! - `error`: what a command fails with, and its exit code.

mod args;
mod commands;
mod contact_sheet;
mod error;
mod help;
mod journal;
mod logging;
mod mcp;
mod naming;
mod output;
mod parse;
mod save;
mod show;
mod terminal;

use std::process::ExitCode;

use adobe_firefly::WaitOptions;
use clap::Parser;

use crate::{
    args::{Cli, Command},
    commands::{
        batch, emulator, gallery, generate, image_ops, image5_and_composites, jobs, models, quota,
        secrets, shell, token, upload, video,
    },
    error::CliError,
    output::Output,
};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    logging::init();
    let out = Output::new(cli.json);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            out.error(&CliError::Runtime(error));
            return ExitCode::FAILURE;
        }
    };
    let wait = cli.command.wait_options();
    match runtime.block_on(run(cli.command, &out, &wait)) {
        Ok(code) => code,
        Err(error) => {
            out.error(&error);
            error.exit_code()
        }
    }
}

/// A command line clap cannot use: its message as usual on stderr and, with
/// `--json`, as an error document on stdout; exit status 2. Help and the
/// version are not errors.
fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let _ = error.print();
    if args::json_requested(std::env::args_os()) {
        let rendered = error.render().to_string();
        // The message is what clap says before its usage line and tips.
        let message = if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            "a command is needed; `firefly --help` lists them".to_owned()
        } else {
            rendered
                .lines()
                .map(str::trim)
                .take_while(|line| !line.is_empty() && !line.starts_with("Usage:"))
                .collect::<Vec<_>>()
                .join(" ")
                .trim_start_matches("error: ")
                .to_owned()
        };
        println!(
            "{}",
            serde_json::json!({ "error": error::error_fields("usage", &message) })
        );
    }
    ExitCode::from(error::USAGE)
}

/// Runs one subcommand; each builds its own client from the environment.
async fn run(command: Command, out: &Output, wait: &WaitOptions) -> Result<ExitCode, CliError> {
    match command {
        Command::Generate(args) => generate::run(args, out, wait).await,
        Command::Batch(args) => batch::run(args, out, wait).await,
        Command::Gallery { dir } => gallery::run(&dir, out),
        Command::Expand(args) => image_ops::expand(args, out, wait).await,
        Command::Fill(args) => image_ops::fill(args, out, wait).await,
        Command::Similar(args) => image_ops::similar(args, out, wait).await,
        Command::Composite(args) => image_ops::composite(args, out, wait).await,
        Command::Image5(args) => image5_and_composites::image5(args, out, wait).await,
        Command::Upscale(args) => image5_and_composites::upscale(args, out, wait).await,
        Command::PreciseComposite(args) => {
            image5_and_composites::precise_composite(args, out, wait).await
        }
        Command::AdaptiveComposite(args) => {
            image5_and_composites::adaptive_composite(args, out, wait).await
        }
        Command::Upload { path } => upload::run(&path, out).await,
        Command::Video(args) => video::run(args, out, wait).await,
        Command::Status { job_id } => jobs::status(&job_id, out).await,
        Command::Cancel { job_id } => jobs::cancel(&job_id, out).await,
        Command::Models { state } => models::run(state, out).await,
        Command::Token { show } => token::run(show, out).await,
        Command::Secrets { action } => secrets::run(action, out).await,
        Command::Emulator { port, faults } => emulator::run(port, &faults, out).await,
        Command::Completions { shell } => shell::completions(shell, out),
        Command::Man { dir } => shell::man(dir.as_deref(), out),
        Command::Mcp(args) => {
            shell::not_json("mcp", "the Model Context Protocol", out)?;
            Ok(mcp::run(args, wait).await)
        }
        Command::Quota {
            fleet,
            rate,
            per_day,
        } => quota::run(&fleet, rate, per_day, out).await,
    }
}
