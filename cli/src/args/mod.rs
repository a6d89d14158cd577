//! The command line: global options, the commands (noun, then verb) and
//! their arguments (clap definitions only; the values are parsed by `parse`
//! and acted on by `commands`). Old spellings are rewritten before clap
//! sees them (`deprecated`).

mod audio_video;
pub mod deprecated;
mod image;
mod image5_and_composites;
mod indesign;
mod photoshop;
mod substance3d;

pub use audio_video::{
    AudioCommand, DubArgs, MediaInput, MediaOutput, ReframeArgs, SpeechArgs, TranscribeArgs,
};
pub use image::{
    BatchArgs, CompositeArgs, ExpandArgs, FillArgs, GenerateArgs, ImageCommand, SimilarArgs,
};
pub use image5_and_composites::{
    AdaptiveCompositeArgs, Image5Args, PreciseCompositeArgs, UpscaleArgs,
};
pub use indesign::{InDesignCommand, ScriptCommand};
pub use photoshop::{
    ActionsArgs, ArtboardArgs, AutoCropArgs, EditArgs, ManifestArgs, PhotoshopCommand,
    PhotoshopCompositeArgs, PhotoshopOutput,
};
pub use substance3d::{SubstanceCommand, SubstanceInputs};

use std::{ffi::OsString, path::PathBuf, time::Duration};

use adobe_firefly::{
    RateLimit, WaitOptions,
    types::{PublishedStateFilter, Size},
};
use clap::{Args, Parser, Subcommand};

use crate::{help, parse};

/// Adobe Firefly Services from the command line: Firefly images and
/// videos, and Photoshop.
///
/// Credentials come from FIREFLY_SERVICES_CLIENT_ID and
/// FIREFLY_SERVICES_CLIENT_SECRET (or FIREFLY_SERVICES_ACCESS_TOKEN);
/// FIREFLY_SERVICES_API_URL and FIREFLY_SERVICES_IMS_URL point elsewhere,
/// for example at `firefly emulator`.
#[derive(Parser)]
#[command(name = "firefly", version)]
pub struct Cli {
    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(flatten)]
    pub fleet: FleetArgs,

    #[command(flatten)]
    pub spend: SpendArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// What a run may spend, for every command that pays.
#[derive(Args, Clone, Debug, Default)]
pub struct SpendArgs {
    /// The most this run may spend, in Adobe's billing operations (1 per
    /// image, 0.4 to 2 per second of video, 1 per Photoshop job), from the
    /// SDK's estimate of each request; a request over what is left is
    /// refused before anything is sent (exit 2).
    #[arg(
        long,
        global = true,
        env = help::MAX_OPERATIONS,
        value_name = "N",
        value_parser = parse::operations,
        allow_negative_numbers = true
    )]
    pub max_operations: Option<f64>,
    /// Print the exact request the command would send (method, URL, headers
    /// without credentials, body) and its estimate, and send nothing: no
    /// token is asked for either. Exit 0.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Append one JSON line per paid submission to FILE (time, API, what
    /// ran, job id, estimate, a hash of the request), written before
    /// waiting, and one with its outcome when known. Never a link, FIFO or
    /// device; never read.
    #[arg(long, global = true, env = help::AUDIT_LOG, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
    /// Also write each request's prompt into the audit log.
    #[arg(long, global = true, requires = "audit_log")]
    pub audit_prompts: bool,
}

/// The commands: a noun, then (for most) a verb.
#[derive(Subcommand)]
pub enum Command {
    /// Firefly images: generate, edit, upscale, composite, upload.
    #[command(subcommand)]
    Image(ImageCommand),
    /// Firefly videos.
    #[command(subcommand)]
    Video(VideoCommand),
    /// A Firefly job known by its id: its status, or cancelling it.
    #[command(subcommand)]
    Job(JobCommand),
    /// Photoshop API v2: edits, actions, composites, artboards, manifests
    /// and auto-crop, on files in cloud storage.
    #[command(subcommand)]
    Photoshop(PhotoshopCommand),
    /// Substance 3D: render, compose, assemble, convert and describe 3D
    /// scenes, from local files (uploaded into a space), URLs or spaces.
    #[command(subcommand)]
    Substance(SubstanceCommand),
    /// The Audio/Video API: voices, speech, transcripts and dubs, on media
    /// at URLs (`firefly video reframe` reframes videos).
    #[command(subcommand)]
    Audio(AudioCommand),
    /// The InDesign API: data merge, renditions, document information,
    /// PDF conversion and custom scripts, on files in cloud storage.
    #[command(subcommand)]
    Indesign(InDesignCommand),
    /// The organization's custom Firefly models.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Check that the credentials work and show when the token expires.
    #[command(after_help = help::api())]
    Token {
        /// Also print the access token itself.
        #[arg(long)]
        show: bool,
    },
    /// Find out why credentials do not work: checks the configuration, the
    /// clock, IMS and the token's scopes, each API with a request that
    /// spends nothing, and the fleet's Redis; prints a fix for each failure.
    /// Exit 0 only when every check passes. Never prints a secret or token.
    #[command(after_help = help::api())]
    Doctor,
    /// Show what is left of the fleet's shared minute and day budgets
    /// (needs --redis or FIREFLY_SERVICES_REDIS_URL).
    #[command(after_help = help::quota())]
    Quota {
        /// The fleet's budget, like `4/min` (Adobe's default quota).
        #[arg(long, value_parser = parse::rate, default_value = "4/min")]
        rate: RateLimit,
        /// The fleet's daily budget (Adobe's default: 9000).
        #[arg(long, default_value_t = 9000)]
        per_day: u32,
    },
    /// Rotate client secrets (Adobe I/O Management API).
    #[command(after_help = help::secrets())]
    Secrets {
        #[command(subcommand)]
        action: SecretsAction,
    },
    /// Serve Firefly and Photoshop as Model Context Protocol tools on
    /// stdin/stdout, for AI assistants and agents (Claude Desktop, Cursor,
    /// VS Code, ...).
    #[command(after_help = help::mcp())]
    Mcp(McpArgs),
    /// Run the local emulator of Adobe's APIs and print how to point the
    /// SDK at it.
    #[command(after_help = help::none())]
    Emulator {
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Faults to inject, e.g. `rate_limit_every=3,server_errors=503x2/10`
        /// (see FIREFLY_EMULATOR_FAULTS).
        #[arg(long, default_value = "")]
        faults: String,
    },
    /// Print a completion script for a shell (see the README for where to
    /// put it).
    #[command(after_help = help::none())]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one per command into a folder.
    #[command(after_help = help::none())]
    Man {
        /// Write `firefly.1`, `firefly-image-generate.1`, ... into this
        /// folder instead of printing `firefly.1`.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// The verbs of `firefly video`.
#[derive(Subcommand)]
pub enum VideoCommand {
    /// Generate a video from a prompt and save it.
    #[command(after_help = help::video())]
    Generate(VideoArgs),
    /// Reframe a video (at a URL) to other aspect ratios with the
    /// Audio/Video API, following its subject, and save each.
    #[command(after_help = help::audio_video())]
    Reframe(ReframeArgs),
}

/// The verbs of `firefly job`.
#[derive(Subcommand)]
pub enum JobCommand {
    /// Show the status of a Firefly job.
    #[command(after_help = help::api())]
    Status {
        /// The job id.
        #[arg(value_parser = parse::job_id)]
        job_id: String,
    },
    /// Cancel a Firefly job.
    #[command(after_help = help::api())]
    Cancel {
        /// The job id.
        #[arg(value_parser = parse::job_id)]
        job_id: String,
    },
}

/// The verbs of `firefly model`.
#[derive(Subcommand)]
pub enum ModelCommand {
    /// List the organization's custom models.
    #[command(after_help = help::api())]
    List {
        /// Which models: all, ready, published, unpublished, queued, training,
        /// failed, cancelled.
        #[arg(long, value_parser = parse::published_state)]
        state: Option<PublishedStateFilter>,
    },
}

/// `firefly mcp`: where results go and how jobs are waited for.
#[derive(Args)]
pub struct McpArgs {
    /// Directory to save generated images and videos in (created when
    /// needed; existing files are never replaced).
    #[arg(long, default_value = "firefly-output", value_name = "DIR")]
    pub output_dir: PathBuf,
    /// Serve only the tools that spend nothing and change nothing (job
    /// statuses, the custom model list): an assistant can look, not pay.
    #[arg(long)]
    pub read_only: bool,
    /// Ask the user (MCP elicitation) before every paid call, with its
    /// estimate; a client that cannot ask gets a tool error, never a
    /// silent spend.
    #[arg(long)]
    pub confirm: bool,
    #[command(flatten)]
    pub polling: Polling,
}

impl Command {
    /// How the command waits for its jobs (the defaults for commands that
    /// start none).
    pub fn wait_options(&self) -> WaitOptions {
        let polling = match self {
            Self::Image(command) => command.polling(),
            Self::Video(VideoCommand::Generate(args)) => Some(&args.polling),
            Self::Photoshop(command) => command.polling(),
            Self::Substance(command) => command.polling(),
            Self::Audio(command) => command.polling(),
            Self::Video(VideoCommand::Reframe(args)) => Some(&args.output.polling),
            Self::Indesign(command) => command.polling(),
            Self::Mcp(args) => Some(&args.polling),
            _ => None,
        };
        let poll_ms = polling.map_or(DEFAULT_POLL_MS, |p| p.poll_ms);
        WaitOptions::default().first_poll(Duration::from_millis(poll_ms))
    }

    /// The request budget of this process's Firefly calls, where the
    /// command has one (`firefly image batch --rate`).
    pub fn rate(&self) -> Option<RateLimit> {
        match self {
            Self::Image(ImageCommand::Batch(args)) => args.rate.clone(),
            _ => None,
        }
    }
}

/// Whether `--json` was asked for, read from the raw arguments, for a
/// command line clap could not parse.
pub fn json_requested(args: impl IntoIterator<Item = OsString>) -> bool {
    args.into_iter()
        .skip(1)
        .take_while(|arg| arg != "--")
        .any(|arg| arg == "--json")
}

const DEFAULT_POLL_MS: u64 = 1000;

/// How a command that starts jobs waits for them.
#[derive(Args, Clone)]
pub struct Polling {
    /// Milliseconds before the first status poll of a job; later polls back
    /// off from there.
    #[arg(long, env = "FIREFLY_POLL_MS", default_value_t = DEFAULT_POLL_MS, value_name = "MS")]
    pub poll_ms: u64,
}

/// Where a fleet of `firefly` processes (on one machine or many) shares the
/// organization's quota and one access token.
#[derive(Args, Clone, Debug, Default)]
pub struct FleetArgs {
    /// A Redis (or Valkey) server shared by a fleet of processes:
    /// `redis://[:PASSWORD@]HOST[:PORT][/DB]`, or `rediss://` for TLS. They share
    /// one access token and each API's request budget: Firefly's is the
    /// command's --rate where it has one, otherwise Adobe's default of 4/min
    /// and 9000/day; Photoshop's is Adobe's 300/min and 300 status reads per
    /// 3 s; Audio/Video's is Adobe's per operation (voices 50/min, speech
    /// 10/min, reframe 2/min); InDesign and Substance 3D publish none.
    #[arg(
        long = "redis",
        global = true,
        env = help::REDIS_URL,
        hide_env_values = true,
        value_name = "URL"
    )]
    pub redis_url: Option<String>,
    /// The prefix of every key the fleet writes in Redis.
    #[arg(
        long,
        global = true,
        env = help::REDIS_PREFIX,
        default_value = "firefly",
        value_name = "PREFIX"
    )]
    pub redis_prefix: String,
}

/// What every image-producing command shares: how many, how big, which
/// seeds, and where to save them.
#[derive(Args, Clone)]
pub struct ImageOptions {
    /// Images to generate, 1 to 4.
    #[arg(short = 'n', long = "variations")]
    pub variations: Option<i64>,
    /// Output size, WIDTHxHEIGHT (the sizes Adobe lists are below).
    #[arg(long, value_parser = parse::size)]
    pub size: Option<Size>,
    /// Seeds, one per image.
    #[arg(long = "seed")]
    pub seeds: Vec<i64>,
    #[command(flatten)]
    pub saving: Saving,
}

/// Where an image command saves what it made, and how it waits for it.
#[derive(Args, Clone)]
pub struct Saving {
    /// Directory to save the images in.
    #[arg(short = 'o', long = "output", default_value = ".")]
    pub output: PathBuf,
    /// Replace a file that has the name an output would get (by default a
    /// new name is chosen and nothing is replaced).
    #[arg(long)]
    pub force: bool,
    /// Print the images in the terminal (kitty, iTerm2 or sixel graphics
    /// where the terminal has them, colored half-blocks otherwise); only
    /// when stdout is a terminal.
    #[arg(long)]
    pub show: bool,
    #[command(flatten)]
    pub polling: Polling,
}

#[derive(Args)]
pub struct VideoArgs {
    /// What to generate.
    pub prompt: String,
    /// Video size, WIDTHxHEIGHT (the sizes Adobe lists are below).
    #[arg(long, value_parser = parse::size)]
    pub size: Option<Size>,
    /// Directory to save the video in.
    #[arg(short = 'o', long = "output", default_value = ".")]
    pub output: PathBuf,
    /// Replace a file that has the name the video would get (by default a
    /// new name is chosen and nothing is replaced).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub polling: Polling,
}

#[derive(Subcommand)]
pub enum SecretsAction {
    /// List the credential's secrets (ids, never values).
    List(SecretTarget),
    /// Generate a new secret and print it once.
    Create(SecretTarget),
    /// Delete a secret.
    Delete {
        #[command(flatten)]
        target: SecretTarget,
        /// The secret's uuid.
        uuid: String,
    },
}

#[derive(Args)]
pub struct SecretTarget {
    /// Organization id (from the credential's Developer Console URL).
    #[arg(long)]
    pub org: String,
    /// Credential id (from the credential's Developer Console URL).
    #[arg(long)]
    pub credential: String,
}
