//! `firefly`: Adobe Firefly from the command line, built on the
//! `adobe-firefly` library's public API.
//!
//! Credentials come from the same environment variables as the library
//! (`FIREFLY_SERVICES_CLIENT_ID`, `FIREFLY_SERVICES_CLIENT_SECRET`, ...).
//!
//! Where things are:
//! - `args`: the command line (global options, commands as noun then verb,
//!   arguments; the old spellings, rewritten before parsing);
//! - `context`: what every command is given: the output, the waiting, and
//!   the one client (in the fleet with `--redis`);
//! - `help`: the environment variables, models and sizes each command's
//!   help lists;
//! - `parse`: argument values (sizes, image inputs, rates, model names);
//! - `stage`: `--stage`, the Photoshop commands' local input files uploaded
//!   to the user's storage (feature `storage`) before the job is submitted;
//! - `commands`: one module per subcommand, plus waiting and saving;
//! - `journal`: what a batch submitted and saved, by request, for reruns;
//! - `naming`, `save`: file names (readable, never taken twice) and saving
//!   a job's outputs under them;
//! - `contact_sheet`: the contact sheet (`index.html`) of a batch's folder;
//! - `output`: text or JSON, progress, tables; `terminal`: server text made
//!   inert;
//! - `fleet`: joining a fleet of processes through Redis (`--redis`);
//! - `spend`: what a run may spend (`--max-operations`) and `--dry-run`;
//!   `audit`: the audit log of what was paid for (`--audit-log`);
//! - `logging`: the library's warnings on stderr;
//! - `commands::doctor`: `firefly doctor`, why credentials do not work
//!   (configuration, clock, IMS, each API, the fleet's Redis);
//! - `mcp`: `firefly mcp`, the same work as Model Context Protocol tools;
//! - `show`: `--show`, images printed in the terminal;
//! - `error`: what a command fails with, and its exit code.

mod args;
mod audit;
mod commands;
mod contact_sheet;
mod context;
mod error;
mod files;
mod fleet;
mod help;
mod journal;
mod logging;
mod mcp;
mod naming;
mod output;
mod parse;
mod save;
mod show;
mod spend;
mod stage;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

use crate::{
    args::{Cli, Command, ImageCommand, JobCommand, ModelCommand, VideoCommand, deprecated},
    audit::Audit,
    commands::audio_video,
    commands::{
        batch, doctor, emulator, gallery, generate, image_ops, image5_and_composites, jobs, models,
        photoshop, quota, secrets, shell, substance3d, token, upload, video,
    },
    context::Context,
    error::CliError,
    output::Output,
    spend::Spend,
};

fn main() -> ExitCode {
    let rewritten = deprecated::rewrite(std::env::args_os().collect());
    if let Some(note) = &rewritten.note {
        eprintln!("{note}");
    }
    let cli = match Cli::try_parse_from(&rewritten.args) {
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
    let rate = cli.command.rate();
    let audit = match Audit::open(cli.spend.audit_log.as_deref(), cli.spend.audit_prompts) {
        Ok(audit) => audit,
        Err(error) => {
            out.error(&error);
            return error.exit_code();
        }
    };
    let spend = Spend::new(cli.spend.dry_run, cli.spend.max_operations, audit);
    let ctx = Context::new(out, wait, cli.fleet, spend, rate);
    match runtime.block_on(run(cli.command, &ctx)) {
        Ok(code) => code,
        Err(error) => match error.sdk() {
            // A dry run ends at the first request the command would send.
            Some(adobe_firefly::Error::DryRun(prepared)) => {
                ctx.spend.show_dry_run(prepared, &ctx.out)
            }
            _ => {
                ctx.out.error(&error);
                error.exit_code()
            }
        },
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

/// Runs one command with the run's one context.
async fn run(command: Command, ctx: &Context) -> Result<ExitCode, CliError> {
    match command {
        Command::Image(command) => image(command, ctx).await,
        Command::Video(VideoCommand::Generate(args)) => video::run(args, ctx).await,
        Command::Job(JobCommand::Status { job_id }) => jobs::status(&job_id, ctx).await,
        Command::Job(JobCommand::Cancel { job_id }) => jobs::cancel(&job_id, ctx).await,
        Command::Photoshop(command) => photoshop::run(command, ctx).await,
        Command::Substance(command) => substance3d::run(command, ctx).await,
        Command::Audio(command) => audio_video::run(command, ctx).await,
        Command::Video(VideoCommand::Reframe(args)) => audio_video::reframe(args, ctx).await,
        Command::Indesign(command) => commands::indesign::run(command, ctx).await,
        Command::Model(ModelCommand::List { state }) => models::run(state, ctx).await,
        Command::Token { show } => token::run(show, ctx).await,
        Command::Doctor => doctor::run(ctx).await,
        Command::Secrets { action } => secrets::run(action, &ctx.out).await,
        Command::Emulator { port, faults } => emulator::run(port, &faults, &ctx.out).await,
        Command::Completions { shell } => shell::completions(shell, &ctx.out),
        Command::Man { dir } => shell::man(dir.as_deref(), &ctx.out),
        Command::Mcp(args) => {
            shell::not_json("mcp", "the Model Context Protocol", &ctx.out)?;
            Ok(mcp::run(args, ctx).await)
        }
        Command::Quota { rate, per_day } => quota::run(rate, per_day, ctx).await,
    }
}

/// Runs one `firefly image` command.
async fn image(command: ImageCommand, ctx: &Context) -> Result<ExitCode, CliError> {
    match command {
        ImageCommand::Generate(args) => generate::run(args, ctx).await,
        ImageCommand::Batch(args) => batch::run(args, ctx).await,
        ImageCommand::Gallery { dir } => gallery::run(&dir, &ctx.out),
        ImageCommand::Similar(args) => image_ops::similar(args, ctx).await,
        ImageCommand::Expand(args) => image_ops::expand(args, ctx).await,
        ImageCommand::Fill(args) => image_ops::fill(args, ctx).await,
        ImageCommand::Composite(args) => image_ops::composite(args, ctx).await,
        ImageCommand::Model5(args) => image5_and_composites::image5(args, ctx).await,
        ImageCommand::Upscale(args) => image5_and_composites::upscale(args, ctx).await,
        ImageCommand::PreciseComposite(args) => {
            image5_and_composites::precise_composite(args, ctx).await
        }
        ImageCommand::AdaptiveComposite(args) => {
            image5_and_composites::adaptive_composite(args, ctx).await
        }
        ImageCommand::Upload { path } => upload::run(&path, ctx).await,
    }
}
