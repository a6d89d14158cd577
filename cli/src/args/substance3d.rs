//! `firefly substance ...`: the Substance 3D API's commands and their
//! arguments. Inputs are local files (uploaded into a new space, which
//! expires), https URLs the service downloads, or `space:ID` for a space
//! already made.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::Polling;
use crate::help;

/// The verbs of `firefly substance`.
#[derive(Subcommand)]
pub enum SubstanceCommand {
    /// Render one model, framed automatically, to a PNG.
    #[command(after_help = help::api())]
    Render(SubstanceRenderArgs),
    /// Composite a model into a background Firefly generates from a prompt.
    #[command(after_help = help::api())]
    Compose(SubstanceComposeArgs),
    /// Assemble a scene from a base file and write it in a 3D format.
    #[command(after_help = help::api())]
    Assemble(SubstanceAssembleArgs),
    /// Convert a 3D file to another format.
    #[command(after_help = help::api())]
    Convert(SubstanceConvertArgs),
    /// Describe a scene: statistics, cameras, materials and node tree.
    #[command(after_help = help::api())]
    Describe(SubstanceDescribeArgs),
}

impl SubstanceCommand {
    /// How the command waits for its job.
    pub fn polling(&self) -> Option<&Polling> {
        Some(match self {
            Self::Render(args) => &args.common.polling,
            Self::Compose(args) => &args.common.polling,
            Self::Assemble(args) => &args.common.polling,
            Self::Convert(args) => &args.common.polling,
            Self::Describe(args) => &args.common.polling,
        })
    }
}

/// What every Substance 3D command takes.
#[derive(Args)]
pub struct SubstanceInputs {
    /// A file the job reads: a local file (uploaded into a new space, which
    /// expires), an https URL, or `space:ID`; repeat for more (at most 16
    /// URLs and spaces, local files all in one space).
    #[arg(long = "input", required = true, value_name = "FILE|URL|space:ID")]
    pub inputs: Vec<String>,
    /// Directory to download the outputs into (an existing file is never
    /// replaced).
    #[arg(short = 'o', long = "output", default_value = ".")]
    pub output: PathBuf,
    #[command(flatten)]
    pub polling: Polling,
}

/// The formats Substance 3D writes scenes in.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SceneFormat {
    Glb,
    Gltf,
    Fbx,
    Usdz,
    Usda,
    Usdc,
    Obj,
}

impl SceneFormat {
    /// Adobe's name.
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Glb => "glb",
            Self::Gltf => "gltf",
            Self::Fbx => "fbx",
            Self::Usdz => "usdz",
            Self::Usda => "usda",
            Self::Usdc => "usdc",
            Self::Obj => "obj",
        }
    }

    /// The media type its files are saved by (for their extension).
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Glb => "model/gltf-binary",
            Self::Gltf => "model/gltf+json",
            Self::Fbx => "application/vnd.autodesk.fbx",
            Self::Usdz => "model/vnd.usdz+zip",
            Self::Usda => "model/vnd.usda",
            Self::Usdc => "model/vnd.usd",
            Self::Obj => "model/obj",
        }
    }
}

#[derive(Args)]
pub struct SubstanceRenderArgs {
    #[command(flatten)]
    pub common: SubstanceInputs,
    /// The model to render, by its name in the inputs (default: the first
    /// input's file name).
    #[arg(long)]
    pub model: Option<String>,
    /// The image's width in pixels (16 to 3840).
    #[arg(long, default_value_t = 1920)]
    pub width: i64,
    /// The image's height in pixels (16 to 2304).
    #[arg(long, default_value_t = 1080)]
    pub height: i64,
}

#[derive(Args)]
pub struct SubstanceComposeArgs {
    #[command(flatten)]
    pub common: SubstanceInputs,
    /// The background to generate.
    #[arg(long)]
    pub prompt: String,
    /// The node of the scene to composite (the hero asset).
    #[arg(long)]
    pub hero: String,
    /// The scene file, by its name in the inputs (default: the first
    /// input's file name).
    #[arg(long)]
    pub scene: Option<String>,
    /// How many images to make (1 to 4); each is billed.
    #[arg(short = 'n', long, default_value_t = 1)]
    pub variations: i64,
    /// The images' width in pixels (at most 2688).
    #[arg(long)]
    pub width: Option<i64>,
    /// The images' height in pixels (at most 2688).
    #[arg(long)]
    pub height: Option<i64>,
}

#[derive(Args)]
pub struct SubstanceAssembleArgs {
    #[command(flatten)]
    pub common: SubstanceInputs,
    /// The base scene, by its name in the inputs (default: the first
    /// input's file name).
    #[arg(long)]
    pub base: Option<String>,
    /// The format to write.
    #[arg(long, value_enum, default_value = "glb")]
    pub format: SceneFormat,
    /// The written file's name, without extension.
    #[arg(long, default_value = "scene")]
    pub name: String,
}

#[derive(Args)]
pub struct SubstanceConvertArgs {
    #[command(flatten)]
    pub common: SubstanceInputs,
    /// The format to convert to.
    #[arg(long, value_enum)]
    pub format: SceneFormat,
    /// The file to convert, by its name in the inputs (default: the
    /// service's choice).
    #[arg(long)]
    pub entry: Option<String>,
}

#[derive(Args)]
pub struct SubstanceDescribeArgs {
    #[command(flatten)]
    pub common: SubstanceInputs,
    /// The scene file, by its name in the inputs (default: the service's
    /// choice).
    #[arg(long)]
    pub scene: Option<String>,
}
