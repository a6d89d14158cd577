//! The command line: global options, the subcommands and their arguments
//! (clap definitions only; the values are parsed by `parse` and acted on by
//! `commands`).

mod image5_and_composites;

pub use image5_and_composites::{
    AdaptiveCompositeArgs, Image5Args, PreciseCompositeArgs, UpscaleArgs,
};

use std::{ffi::OsString, path::PathBuf, time::Duration};

use adobe_firefly::{
    RateLimit, WaitOptions,
    types::{ContentClass, ImageModelVersion, PublishedStateFilter, Size},
};
use clap::{Args, Parser, Subcommand};

use crate::{
    help,
    parse::{self, ImageInput},
};

/// Generate images with Adobe Firefly from the command line.
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

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Generate images from a prompt and save them.
    #[command(after_help = help::text_to_image())]
    Generate(GenerateArgs),
    /// Generate images for every prompt of a file (.txt: one per line;
    /// .jsonl: one request body per line), resumably.
    #[command(after_help = help::text_to_image())]
    Batch(BatchArgs),
    /// Rebuild the contact sheet (index.html) of a batch's output folder
    /// from its journal and files.
    #[command(after_help = help::none())]
    Gallery {
        /// The batch's output folder.
        dir: PathBuf,
    },
    /// Expand an image beyond its borders.
    #[command(after_help = help::edits())]
    Expand(ExpandArgs),
    /// Fill the masked area of an image.
    #[command(after_help = help::edits())]
    Fill(FillArgs),
    /// Generate variations of an image.
    #[command(after_help = help::edits())]
    Similar(SimilarArgs),
    /// Place the object of an image into a generated scene.
    #[command(after_help = help::edits())]
    Composite(CompositeArgs),
    /// Generate an image with Image Model 5, or edit one (--reference).
    #[command(after_help = help::image5())]
    Image5(Image5Args),
    /// Make an image 2, 3, 4 or 6 times wider and taller.
    #[command(after_help = help::upscale())]
    Upscale(UpscaleArgs),
    /// Place an object into an area of a background image, choosing how
    /// much of its own look it keeps (--blend).
    #[command(after_help = help::composites())]
    PreciseComposite(PreciseCompositeArgs),
    /// Place an object into an area of a background image, adapting its
    /// light, colour and shadow to the scene.
    #[command(after_help = help::composites())]
    AdaptiveComposite(AdaptiveCompositeArgs),
    /// Upload an image (JPEG, PNG, WebP, JPEG XL or TIFF) and print its upload id.
    #[command(after_help = help::api())]
    Upload {
        /// The image file.
        path: PathBuf,
    },
    /// Generate a video from a prompt and save it.
    #[command(after_help = help::video())]
    Video(VideoArgs),
    /// Show the status of a job.
    #[command(after_help = help::api())]
    Status {
        /// The job id.
        #[arg(value_parser = parse::job_id)]
        job_id: String,
    },
    /// Cancel a job.
    #[command(after_help = help::api())]
    Cancel {
        /// The job id.
        #[arg(value_parser = parse::job_id)]
        job_id: String,
    },
    /// List the organization's custom models.
    #[command(after_help = help::api())]
    Models {
        /// Which models: all, ready, published, unpublished, queued, training,
        /// failed, cancelled.
        #[arg(long, value_parser = parse::published_state)]
        state: Option<PublishedStateFilter>,
    },
    /// Check that the credentials work and show when the token expires.
    #[command(after_help = help::api())]
    Token {
        /// Also print the access token itself.
        #[arg(long)]
        show: bool,
    },
    /// Rotate client secrets (Adobe I/O Management API).
    #[command(after_help = help::secrets())]
    Secrets {
        #[command(subcommand)]
        action: SecretsAction,
    },
    /// Run the local Firefly emulator and print how to point the SDK at it.
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
        /// Write `firefly.1`, `firefly-generate.1`, ... into this folder
        /// instead of printing `firefly.1`.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Show what is left of the fleet's shared minute and day budgets
    /// (needs --redis or FIREFLY_SERVICES_REDIS_URL).
    #[command(after_help = help::quota())]
    Quota {
        #[command(flatten)]
        fleet: FleetArgs,
        /// The fleet's budget, like `4/min` (Adobe's default quota).
        #[arg(long, value_parser = parse::rate, default_value = "4/min")]
        rate: RateLimit,
        /// The fleet's daily budget (Adobe's default: 9000).
        #[arg(long, default_value_t = 9000)]
        per_day: u32,
    },
    /// Serve Firefly as Model Context Protocol tools on stdin/stdout, for AI
    /// assistants and agents (Claude Desktop, Cursor, VS Code, ...).
    #[command(after_help = help::mcp())]
    Mcp(McpArgs),
}

/// `firefly mcp`: where results go and how jobs are waited for.
#[derive(Args)]
pub struct McpArgs {
    /// Directory to save generated images and videos in (created when
    /// needed; existing files are never replaced).
    #[arg(long, default_value = "firefly-output", value_name = "DIR")]
    pub output_dir: PathBuf,
    #[command(flatten)]
    pub polling: Polling,
    #[command(flatten)]
    pub fleet: FleetArgs,
}

impl Command {
    /// How the command waits for its jobs (the defaults for commands that
    /// start none).
    pub fn wait_options(&self) -> WaitOptions {
        let polling = match self {
            Self::Generate(args) => Some(&args.image.saving.polling),
            Self::Batch(args) => Some(&args.polling),
            Self::Expand(args) => Some(&args.image_options.saving.polling),
            Self::Fill(args) => Some(&args.image_options.saving.polling),
            Self::Similar(args) => Some(&args.image_options.saving.polling),
            Self::Composite(args) => Some(&args.image_options.saving.polling),
            Self::Image5(args) => Some(&args.saving.polling),
            Self::Upscale(args) => Some(&args.saving.polling),
            Self::PreciseComposite(args) => Some(&args.saving.polling),
            Self::AdaptiveComposite(args) => Some(&args.saving.polling),
            Self::Video(args) => Some(&args.polling),
            Self::Mcp(args) => Some(&args.polling),
            _ => None,
        };
        let poll_ms = polling.map_or(DEFAULT_POLL_MS, |p| p.poll_ms);
        WaitOptions::default().first_poll(Duration::from_millis(poll_ms))
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
    /// one access token and one rate limit (the command's --rate where it
    /// has one, otherwise Adobe's default of 4/min and 9000/day).
    #[arg(
        long = "redis",
        env = help::REDIS_URL,
        hide_env_values = true,
        value_name = "URL"
    )]
    pub redis_url: Option<String>,
    /// The prefix of every key the fleet writes in Redis.
    #[arg(
        long,
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
pub struct GenerateArgs {
    /// What to generate.
    pub prompt: String,
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub image: ImageOptions,
    /// photo or art.
    #[arg(long, value_parser = parse::content_class)]
    pub content_class: Option<ContentClass>,
    /// Model (the list below gives each one's sizes).
    #[arg(long, value_parser = parse::model())]
    pub model: Option<ImageModelVersion>,
    /// Custom model id, with a *_custom model.
    #[arg(long)]
    pub custom_model_id: Option<String>,
    /// Style presets, such as `painting`.
    #[arg(long = "style-preset")]
    pub style_presets: Vec<String>,
    /// What to avoid.
    #[arg(long)]
    pub negative_prompt: Option<String>,
}

#[derive(Args)]
pub struct BatchArgs {
    /// Prompts: a .txt file (one prompt per line; blank lines and lines
    /// starting with # are skipped) or a .jsonl file (one request body per
    /// line, such as {"prompt": "...", "numVariations": 2}).
    pub file: PathBuf,
    /// Directory for the images, named LINE-PROMPT-seed-SEED.EXT, and for the
    /// journal (.firefly-journal.jsonl) that lets a rerun skip what was
    /// saved and adopt jobs still in flight instead of paying twice.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Jobs in flight at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Limit on job submissions, like `4/min` (Adobe's default quota) or
    /// `10/s`. Status polls are not counted.
    #[arg(long, value_parser = parse::rate)]
    pub rate: Option<RateLimit>,
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// Images per prompt, unless a .jsonl line says otherwise.
    #[arg(short = 'n', long = "variations")]
    pub variations: Option<i64>,
    /// Output size, WIDTHxHEIGHT, unless a .jsonl line says otherwise.
    #[arg(long, value_parser = parse::size)]
    pub size: Option<Size>,
    /// Model for every prompt (the list below gives each one's sizes).
    #[arg(long, value_parser = parse::model())]
    pub model: Option<ImageModelVersion>,
    #[command(flatten)]
    pub polling: Polling,
}

#[derive(Args)]
pub struct ExpandArgs {
    /// The image: a file, `upload:<id>` or an https URL.
    #[arg(long, value_parser = parse::image_input)]
    pub image: ImageInput,
    /// What to put in the new area.
    #[arg(long)]
    pub prompt: Option<String>,
    #[command(flatten)]
    pub image_options: ImageOptions,
}

#[derive(Args)]
pub struct FillArgs {
    /// The image: a file, `upload:<id>` or an https URL.
    #[arg(long, value_parser = parse::image_input)]
    pub image: ImageInput,
    /// The mask (white is filled): a file, `upload:<id>` or an https URL.
    #[arg(long, value_parser = parse::image_input)]
    pub mask: ImageInput,
    /// What to fill with.
    #[arg(long)]
    pub prompt: Option<String>,
    #[command(flatten)]
    pub image_options: ImageOptions,
}

#[derive(Args)]
pub struct SimilarArgs {
    /// The image: a file, `upload:<id>` or an https URL.
    #[arg(long, value_parser = parse::image_input)]
    pub image: ImageInput,
    #[command(flatten)]
    pub image_options: ImageOptions,
}

#[derive(Args)]
pub struct CompositeArgs {
    /// The object's image: a file, `upload:<id>` or an https URL.
    #[arg(long, value_parser = parse::image_input)]
    pub image: ImageInput,
    /// The scene to generate around it.
    #[arg(long)]
    pub prompt: String,
    #[command(flatten)]
    pub image_options: ImageOptions,
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
