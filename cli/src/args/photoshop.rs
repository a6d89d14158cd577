//! `firefly photoshop ...`: the Photoshop API v2 commands and their
//! arguments. Photoshop reads its inputs from cloud storage, so an input is
//! a URL or a Creative Cloud path (`cc:PATH`), or a local file uploaded to
//! the user's storage with `--stage` (feature `storage`).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::Polling;
use crate::{
    help,
    parse::{self, StoredFile},
};

/// The verbs of `firefly photoshop`.
#[derive(Subcommand)]
pub enum PhotoshopCommand {
    /// Edit a photo with Lightroom's adjustments (exposure, contrast,
    /// white balance, ...).
    #[command(after_help = help::photoshop())]
    Edit(EditArgs),
    /// Play Photoshop actions (.atn files) on a document.
    #[command(after_help = help::photoshop())]
    Actions(ActionsArgs),
    /// Compose a document: apply edits to it and its layers, and export it.
    #[command(after_help = help::photoshop())]
    Composite(PhotoshopCompositeArgs),
    /// Make one document with an artboard per input image.
    #[command(after_help = help::photoshop())]
    Artboard(ArtboardArgs),
    /// Describe a document: its size and layer tree, as JSON.
    #[command(after_help = help::photoshop())]
    Manifest(ManifestArgs),
    /// Crop an image to its subject, or find what is in it.
    #[command(name = "auto-crop", after_help = help::photoshop())]
    AutoCrop(AutoCropArgs),
    /// Show the status of a Photoshop job (Photoshop jobs cannot be
    /// cancelled).
    #[command(after_help = help::photoshop())]
    Status {
        /// The job id.
        #[arg(value_parser = parse::job_id)]
        job_id: String,
    },
}

impl PhotoshopCommand {
    /// The command's inputs, for staging the local ones, and `--stage`.
    pub fn inputs_mut(&mut self) -> (Vec<&mut StoredFile>, Option<String>) {
        match self {
            Self::Edit(args) => (vec![&mut args.input], args.staging.stage.clone()),
            Self::Actions(args) => {
                let mut files = vec![&mut args.input];
                files.extend(args.actions.iter_mut());
                (files, args.staging.stage.clone())
            }
            Self::Composite(args) => (vec![&mut args.input], args.staging.stage.clone()),
            Self::Artboard(args) => (args.inputs.iter_mut().collect(), args.staging.stage.clone()),
            Self::Manifest(args) => (vec![&mut args.input], args.staging.stage.clone()),
            Self::AutoCrop(args) => (vec![&mut args.input], args.staging.stage.clone()),
            Self::Status { .. } => (Vec::new(), None),
        }
    }

    /// How the command waits for its job, if it starts one.
    pub fn polling(&self) -> Option<&Polling> {
        Some(match self {
            Self::Edit(args) => &args.output.polling,
            Self::Actions(args) => &args.output.polling,
            Self::Composite(args) => &args.output.polling,
            Self::Artboard(args) => &args.output.polling,
            Self::Manifest(args) => &args.output.polling,
            Self::AutoCrop(args) => &args.polling,
            Self::Status { .. } => return None,
        })
    }
}

/// Where a Photoshop command's output goes, and how it waits for it.
#[derive(Args)]
pub struct PhotoshopOutput {
    /// Directory to download the output into (by default the output is
    /// kept by Adobe for an hour and downloaded from there; an existing file
    /// is never replaced).
    #[arg(short = 'o', long = "output", default_value = ".")]
    pub output: PathBuf,
    /// Write the output to this pre-signed PUT URL instead (S3, Azure or
    /// Dropbox); nothing is downloaded.
    #[arg(long, value_name = "URL", value_parser = parse::put_url)]
    pub to: Option<String>,
    /// The storage behind --to when it is not Amazon S3 (or another
    /// storage taking a plain PUT): azure or dropbox.
    #[arg(long, value_enum, requires = "to")]
    pub storage: Option<Storage>,
    #[command(flatten)]
    pub polling: Polling,
}

/// Where local input files go, so that Photoshop can read them.
#[derive(Args)]
pub struct Staging {
    /// Upload local input files to this storage, `s3://BUCKET/PREFIX`
    /// (also az://CONTAINER/PREFIX, gs://BUCKET/PREFIX), and give Photoshop
    /// a pre-signed URL of each: named by its content's SHA-256, readable
    /// for an hour. Credentials, region and endpoint come from the
    /// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
    /// AWS_ENDPOINT_URL, ...). Needs the CLI built with feature `storage`.
    #[arg(long, env = help::STAGE, value_name = "URL", value_parser = parse::stage_url)]
    pub stage: Option<String>,
}

/// A storage whose pre-signed URLs Photoshop writes to in its own way.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Storage {
    /// Azure Blob Storage (a PUT with its blob type).
    Azure,
    /// Dropbox (an upload by POST).
    Dropbox,
}

impl Storage {
    /// Adobe's name, the output's `storageType`.
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Azure => "azure",
            Self::Dropbox => "dropbox",
        }
    }
}

/// The file types a Photoshop document can be written as.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DocumentFormat {
    Png,
    Jpeg,
    Tiff,
    Psd,
}

impl DocumentFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Tiff => "image/tiff",
            Self::Psd => "image/vnd.adobe.photoshop",
        }
    }
}

/// The file types a Lightroom edit can be written as.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EditFormat {
    Jpeg,
    Png,
    Dng,
    Xmp,
}

impl EditFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Dng => "image/x-adobe-dng",
            Self::Xmp => "application/rdf+xml",
        }
    }
}

#[derive(Args)]
pub struct EditArgs {
    /// The photo: an https URL (pre-signed), `cc:PATH` in Creative Cloud,
    /// or a local file with --stage.
    #[arg(long, value_parser = parse::stored_file)]
    pub input: StoredFile,
    /// The adjustments, as Adobe's `edits` JSON object (inline, or `@FILE`),
    /// such as `{"light": {"exposure": 0.5}, "autoTone": true}`.
    #[arg(long, value_parser = parse::json_object)]
    pub edits: Option<serde_json::Value>,
    /// The output's type.
    #[arg(long, value_enum, default_value = "jpeg")]
    pub format: EditFormat,
    #[command(flatten)]
    pub staging: Staging,
    #[command(flatten)]
    pub output: PhotoshopOutput,
}

#[derive(Args)]
pub struct ActionsArgs {
    /// The document: an https URL (pre-signed), `cc:PATH`, or a local file
    /// with --stage.
    #[arg(long, value_parser = parse::stored_file)]
    pub input: StoredFile,
    /// An action set (.atn): an https URL, `cc:PATH` or a local file with
    /// --stage; repeat for more, at
    /// most 10, played in order.
    #[arg(long = "action", required = true, value_parser = parse::stored_file)]
    pub actions: Vec<StoredFile>,
    /// Play only this action of each set (all of them by default).
    #[arg(long)]
    pub action_name: Option<String>,
    /// The output's type.
    #[arg(long, value_enum, default_value = "png")]
    pub format: DocumentFormat,
    #[command(flatten)]
    pub staging: Staging,
    #[command(flatten)]
    pub output: PhotoshopOutput,
}

#[derive(Args)]
pub struct PhotoshopCompositeArgs {
    /// The document: an https URL (pre-signed), `cc:PATH`, or a local file
    /// with --stage.
    #[arg(long, value_parser = parse::stored_file)]
    pub input: StoredFile,
    /// The edits, as Adobe's `edits` JSON object (inline, or `@FILE`), such
    /// as `{"document": {"crop": {"bounds": {...}}}}`.
    #[arg(long, value_parser = parse::json_object)]
    pub edits: Option<serde_json::Value>,
    /// The output's type.
    #[arg(long, value_enum, default_value = "png")]
    pub format: DocumentFormat,
    #[command(flatten)]
    pub staging: Staging,
    #[command(flatten)]
    pub output: PhotoshopOutput,
}

#[derive(Args)]
pub struct ArtboardArgs {
    /// An image for one artboard: an https URL, `cc:PATH` or a local file
    /// with --stage; repeat for
    /// more (1 to 25), placed left to right.
    #[arg(long = "input", required = true, value_parser = parse::stored_file)]
    pub inputs: Vec<StoredFile>,
    /// The gap between artboards, in pixels (Adobe's default: 50).
    #[arg(long)]
    pub spacing: Option<i32>,
    /// The output's type.
    #[arg(long, value_enum, default_value = "psd")]
    pub format: DocumentFormat,
    #[command(flatten)]
    pub staging: Staging,
    #[command(flatten)]
    pub output: PhotoshopOutput,
}

#[derive(Args)]
pub struct ManifestArgs {
    /// The document: an https URL (pre-signed), `cc:PATH`, or a local file
    /// with --stage.
    #[arg(long, value_parser = parse::stored_file)]
    pub input: StoredFile,
    /// Include the document's XMP metadata.
    #[arg(long)]
    pub xmp: bool,
    #[command(flatten)]
    pub staging: Staging,
    #[command(flatten)]
    pub output: PhotoshopOutput,
}

/// What auto-crop computes.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AutoCropMode {
    /// Crops around the most salient content.
    SmartCrop,
    /// Crops around the --focus subjects.
    SubjectCrop,
    /// The subjects in the scene, with their boxes.
    FullSceneDetection,
    /// The --focus objects, with their boxes.
    ObjectDetection,
}

impl AutoCropMode {
    /// Adobe's name.
    pub fn api_name(self) -> &'static str {
        match self {
            Self::SmartCrop => "smartCrop",
            Self::SubjectCrop => "subjectCrop",
            Self::FullSceneDetection => "fullSceneDetection",
            Self::ObjectDetection => "objectDetection",
        }
    }
}

#[derive(Args)]
pub struct AutoCropArgs {
    /// The image: an https URL (pre-signed), or a local file with --stage.
    /// Auto-crop reads URLs only.
    #[arg(long, value_parser = parse::stored_file)]
    pub input: StoredFile,
    /// What to compute.
    #[arg(long, value_enum, default_value = "smart-crop")]
    pub mode: AutoCropMode,
    /// A crop's aspect ratio, such as `16:9`; repeat for more (one crop
    /// each, at most 20; 1:1 when none).
    #[arg(long = "aspect-ratio")]
    pub aspect_ratios: Vec<String>,
    /// What to look for, such as `person`; repeat for more (needed by
    /// subject-crop and object-detection).
    #[arg(long = "focus")]
    pub focus: Vec<String>,
    /// Only the boxes' coordinates, no cropped images.
    #[arg(long)]
    pub boxes_only: bool,
    /// Directory to download the cropped images into (an existing file is
    /// never replaced).
    #[arg(short = 'o', long = "output", default_value = ".")]
    pub output: PathBuf,
    #[command(flatten)]
    pub staging: Staging,
    #[command(flatten)]
    pub polling: Polling,
}
