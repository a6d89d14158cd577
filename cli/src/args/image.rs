//! `firefly image ...`: the Firefly image commands and their arguments.

use std::path::PathBuf;

use adobe_firefly::{
    RateLimit,
    types::{ContentClass, ImageModelVersion, Size},
};
use clap::{Args, Subcommand};

use super::{
    AdaptiveCompositeArgs, Image5Args, ImageOptions, Polling, PreciseCompositeArgs, UpscaleArgs,
};
use crate::{
    help,
    parse::{self, ImageInput},
};

/// The verbs of `firefly image`.
#[derive(Subcommand)]
pub enum ImageCommand {
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
    /// Generate variations of an image.
    #[command(after_help = help::edits())]
    Similar(SimilarArgs),
    /// Expand an image beyond its borders.
    #[command(after_help = help::edits())]
    Expand(ExpandArgs),
    /// Fill the masked area of an image.
    #[command(after_help = help::edits())]
    Fill(FillArgs),
    /// Place the object of an image into a generated scene.
    #[command(after_help = help::edits())]
    Composite(CompositeArgs),
    /// Generate an image with Image Model 5, or edit one (--reference).
    #[command(after_help = help::image5())]
    Model5(Image5Args),
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
}

#[derive(Args)]
pub struct GenerateArgs {
    /// What to generate.
    pub prompt: String,
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

impl ImageCommand {
    /// How the command waits for its jobs, if it starts any.
    pub fn polling(&self) -> Option<&Polling> {
        Some(match self {
            Self::Generate(args) => &args.image.saving.polling,
            Self::Batch(args) => &args.polling,
            Self::Similar(args) => &args.image_options.saving.polling,
            Self::Expand(args) => &args.image_options.saving.polling,
            Self::Fill(args) => &args.image_options.saving.polling,
            Self::Composite(args) => &args.image_options.saving.polling,
            Self::Model5(args) => &args.saving.polling,
            Self::Upscale(args) => &args.saving.polling,
            Self::PreciseComposite(args) => &args.saving.polling,
            Self::AdaptiveComposite(args) => &args.saving.polling,
            Self::Gallery { .. } | Self::Upload { .. } => return None,
        })
    }
}
