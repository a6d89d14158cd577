//! The command line: global options, the subcommands and their arguments
//! (clap definitions only; the values are parsed by `parse` and acted on by
//! `commands`).

use std::path::PathBuf;

use adobe_firefly::{
    RateLimit,
    types::{ContentClass, ImageModelVersion, PublishedStateFilter, Size},
};
use clap::{Args, Parser, Subcommand};

use crate::parse::{self, ImageInput};

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

    /// Milliseconds before the first status poll of a job; later polls back
    /// off from there.
    #[arg(long, global = true, default_value_t = 1000, value_name = "MS")]
    pub poll_ms: u64,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Generate images from a prompt and save them.
    Generate(GenerateArgs),
    /// Generate images for every prompt of a file (.txt: one per line;
    /// .jsonl: one request body per line), resumably.
    Batch(BatchArgs),
    /// Expand an image beyond its borders.
    Expand(ExpandArgs),
    /// Fill the masked area of an image.
    Fill(FillArgs),
    /// Generate variations of an image.
    Similar(SimilarArgs),
    /// Place the object of an image into a generated scene.
    Composite(CompositeArgs),
    /// Upload an image (JPEG, PNG or WEBP) and print its upload id.
    Upload {
        /// The image file.
        path: PathBuf,
    },
    /// Generate a video from a prompt and save it.
    Video(VideoArgs),
    /// Show the status of a job.
    Status {
        /// The job id.
        job_id: String,
    },
    /// Cancel a job.
    Cancel {
        /// The job id.
        job_id: String,
    },
    /// List the organization's custom models.
    Models {
        /// Which models: all, ready, published, unpublished, queued, training,
        /// failed, cancelled.
        #[arg(long, value_parser = parse::published_state)]
        state: Option<PublishedStateFilter>,
    },
    /// Check that the credentials work and show when the token expires.
    Token {
        /// Also print the access token itself.
        #[arg(long)]
        show: bool,
    },
    /// Rotate client secrets (Adobe I/O Management API).
    Secrets {
        #[command(subcommand)]
        action: SecretsAction,
    },
    /// Run the local Firefly emulator and print how to point the SDK at it.
    Emulator {
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Faults to inject, e.g. `rate_limit_every=3,server_errors=503x2/10`
        /// (see FIREFLY_EMULATOR_FAULTS).
        #[arg(long, default_value = "")]
        faults: String,
    },
    /// Show what is left of the fleet's shared minute and day budgets
    /// (needs --redis or FIREFLY_SERVICES_REDIS_URL).
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
    // Room for `firefly mcp` (serving these commands as Model Context
    // Protocol tools): a variant here, a module under `commands/`, and one
    // line in the dispatch in `main.rs`.
}

/// Where a fleet of `firefly` processes (on one machine or many) shares the
/// organization's quota and one access token.
#[derive(Args, Clone, Debug, Default)]
pub struct FleetArgs {
    /// A Redis (or Valkey) server shared by a fleet of processes:
    /// `redis://[:PASSWORD@]HOST[:PORT][/DB]`, or `rediss://` for TLS. They share
    /// one access token and one rate limit (--rate, or Adobe's default of
    /// 4/min and 9000/day).
    #[arg(
        long = "redis",
        env = "FIREFLY_SERVICES_REDIS_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub redis_url: Option<String>,
    /// The prefix of every key the fleet writes in Redis.
    #[arg(
        long,
        env = "FIREFLY_SERVICES_REDIS_PREFIX",
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
    /// Output size, WIDTHxHEIGHT (for example 2048x2048).
    #[arg(long, value_parser = parse::size)]
    pub size: Option<Size>,
    /// Seeds, one per image.
    #[arg(long = "seed")]
    pub seeds: Vec<i64>,
    /// Directory to save the images in.
    #[arg(short = 'o', long = "output", default_value = ".")]
    pub output: PathBuf,
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
    /// Model: image3, image4_standard, image4_ultra, image3_custom, image4_custom.
    #[arg(long, value_parser = parse::model)]
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
    /// Directory for the images, named LINE-PROMPT-N.EXT, and for the
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
    /// Model for every prompt.
    #[arg(long, value_parser = parse::model)]
    pub model: Option<ImageModelVersion>,
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
    /// Video size, WIDTHxHEIGHT (for example 1920x1080).
    #[arg(long, value_parser = parse::size)]
    pub size: Option<Size>,
    /// Directory to save the video in.
    #[arg(short = 'o', long = "output", default_value = ".")]
    pub output: PathBuf,
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
