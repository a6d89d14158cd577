//! `firefly indesign ...`: the InDesign API commands and their arguments.
//! InDesign reads its inputs from cloud storage and writes its outputs
//! there: every input is a pre-signed https URL, every output file goes to
//! a pre-signed PUT URL (`--to`); what a job reports (document information)
//! is saved into the output folder.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::Polling;
use crate::parse;

/// The verbs of `firefly indesign`.
#[derive(Subcommand)]
pub enum InDesignCommand {
    /// Merge the records of a CSV file into a template.
    Merge(MergeArgs),
    /// Render a document as a PDF file or as JPEG or PNG images.
    Rendition(RenditionArgs),
    /// Describe a document (pages, fonts, links, stories), saved as JSON.
    Info(InfoArgs),
    /// Convert a PDF file to an InDesign document or IDML package (a ZIP
    /// file).
    #[command(name = "convert-pdf")]
    ConvertPdf(ConvertPdfArgs),
    /// Custom scripts: upload, list, run, show, delete.
    #[command(subcommand)]
    Script(ScriptCommand),
}

impl InDesignCommand {
    /// How the command waits for its job, if it starts one.
    pub fn polling(&self) -> Option<&Polling> {
        Some(match self {
            Self::Merge(args) => &args.output.polling,
            Self::Rendition(args) => &args.output.polling,
            Self::Info(args) => &args.output.polling,
            Self::ConvertPdf(args) => &args.output.polling,
            Self::Script(ScriptCommand::Run(args)) => &args.output.polling,
            Self::Script(_) => return None,
        })
    }
}

/// The verbs of `firefly indesign script`.
#[derive(Subcommand)]
pub enum ScriptCommand {
    /// Upload a script: a ZIP file holding the script and its manifest.
    Submit {
        /// The ZIP file.
        file: PathBuf,
    },
    /// List the uploaded scripts, a page at a time.
    List {
        /// Which page (from 0).
        #[arg(long)]
        page: Option<i64>,
    },
    /// Run an uploaded script on a document.
    Run(ScriptRunArgs),
    /// Show an uploaded script's details.
    Show {
        /// The script's name.
        name: String,
    },
    /// Delete an uploaded script.
    Delete {
        /// The script's name.
        name: String,
    },
}

/// Where a command's output goes and how it waits for its job.
#[derive(Args)]
pub struct InDesignOutput {
    /// Directory to save what the job reports into (an existing file is
    /// never replaced).
    #[arg(short = 'o', long = "output", default_value = ".")]
    pub output: PathBuf,
    #[command(flatten)]
    pub polling: Polling,
}

/// The pre-signed PUT URL a job writes its file to.
#[derive(Args)]
pub struct Destination {
    /// A pre-signed PUT URL (S3, Azure, Dropbox) for the output file.
    #[arg(long, value_name = "URL", value_parser = parse::put_url)]
    pub to: String,
}

/// The formats a rendition can be.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RenditionFormat {
    Pdf,
    Jpeg,
    Png,
}

impl RenditionFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }
}

/// The formats a merge can write.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MergeFormat {
    Indd,
    Pdf,
    Jpeg,
    Png,
}

impl MergeFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Indd => "application/x-indesign",
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }
}

#[derive(Args)]
pub struct RenditionArgs {
    /// The document (INDD): a pre-signed https URL.
    #[arg(long, value_parser = parse::put_url)]
    pub document: String,
    /// The rendition's type.
    #[arg(long, value_enum, default_value = "pdf")]
    pub format: RenditionFormat,
    /// Which pages, such as `1-3,5` (all by default).
    #[arg(long)]
    pub pages: Option<String>,
    /// Pixels per inch of JPEG and PNG pages (1 to 2400).
    #[arg(long)]
    pub resolution: Option<i64>,
    #[command(flatten)]
    pub to: Destination,
    #[command(flatten)]
    pub output: InDesignOutput,
}

#[derive(Args)]
pub struct MergeArgs {
    /// The template document (INDD): a pre-signed https URL.
    #[arg(long, value_parser = parse::put_url)]
    pub template: String,
    /// The records, a CSV file: a pre-signed https URL.
    #[arg(long, value_parser = parse::put_url)]
    pub data: String,
    /// The merged output's type.
    #[arg(long, value_enum, default_value = "indd")]
    pub format: MergeFormat,
    #[command(flatten)]
    pub to: Destination,
    #[command(flatten)]
    pub output: InDesignOutput,
}

#[derive(Args)]
pub struct InfoArgs {
    /// The document (INDD or IDML): a pre-signed https URL.
    #[arg(long, value_parser = parse::put_url)]
    pub document: String,
    /// Also report the fonts it uses.
    #[arg(long)]
    pub fonts: bool,
    /// Also report the files it links to.
    #[arg(long)]
    pub links: bool,
    #[command(flatten)]
    pub output: InDesignOutput,
}

#[derive(Args)]
pub struct ConvertPdfArgs {
    /// The PDF file: a pre-signed https URL.
    #[arg(long, value_parser = parse::put_url)]
    pub pdf: String,
    /// Write an IDML package instead of an InDesign document.
    #[arg(long)]
    pub idml: bool,
    #[command(flatten)]
    pub to: Destination,
    #[command(flatten)]
    pub output: InDesignOutput,
}

#[derive(Args)]
pub struct ScriptRunArgs {
    /// The script's id (from `script submit`).
    #[arg(long)]
    pub id: String,
    /// The script's name.
    #[arg(long)]
    pub name: String,
    /// The document to run it on: a pre-signed https URL.
    #[arg(long, value_parser = parse::put_url)]
    pub document: String,
    #[command(flatten)]
    pub to: Destination,
    #[command(flatten)]
    pub output: InDesignOutput,
}
