//! The arguments of the commands for Adobe's 2026 operations: Image Model
//! 5, upscale, precise and adaptive composite. Their lists of values come
//! from the SDK's catalog.

use adobe_firefly::{
    catalog,
    types::{AspectRatio, CompositeMediaType, PromptReasoner, ResolutionLevel},
};
use clap::Args;

use super::Saving;
use crate::parse::{self, ImageInput};

#[derive(Args)]
pub struct Image5Args {
    /// What to generate, or how to change the --reference image.
    pub prompt: String,
    /// An image to edit as the prompt says: a file, `upload:<id>` or an
    /// https URL. Its shape is kept (--aspect-ratio must be absent or auto).
    #[arg(long, value_parser = parse::image_input)]
    pub reference: Option<ImageInput>,
    /// The image's shape.
    #[arg(long, value_parser = parse::one_of(catalog::IMAGE5_ASPECT_RATIOS))]
    pub aspect_ratio: Option<AspectRatio>,
    /// How many pixels (2.4MP when not given).
    #[arg(long, value_parser = parse::one_of(catalog::IMAGE5_RESOLUTIONS))]
    pub resolution: Option<ResolutionLevel>,
    /// speed (the default) or quality, which also describes the image
    /// (its alt text is printed).
    #[arg(long, value_parser = parse::one_of(catalog::IMAGE5_PROMPT_REASONERS))]
    pub reasoner: Option<PromptReasoner>,
    /// A locale such as en-US, to fit the image to a region.
    #[arg(long)]
    pub locale: Option<String>,
    /// A seed, for a repeatable image.
    #[arg(long)]
    pub seed: Option<i64>,
    #[command(flatten)]
    pub saving: Saving,
}

#[derive(Args)]
pub struct UpscaleArgs {
    /// The image: a file, `upload:<id>` or an https URL.
    #[arg(long, value_parser = parse::image_input)]
    pub image: ImageInput,
    /// How many times wider and taller (2 when not given).
    #[arg(long, value_parser = parse::upscale_factor())]
    pub factor: Option<i64>,
    /// Seeds, one output per seed (1 to 4; one random seed when none is
    /// given).
    #[arg(long = "seed")]
    pub seeds: Vec<i64>,
    #[command(flatten)]
    pub saving: Saving,
}

/// What both composites take.
#[derive(Args)]
pub struct CompositeInputs {
    /// The object to place: a file, `upload:<id>` or an https URL.
    #[arg(long, value_parser = parse::image_input)]
    pub object: ImageInput,
    /// The background image.
    #[arg(long, value_parser = parse::image_input)]
    pub background: ImageInput,
    /// A mask of the background marking where the object goes.
    #[arg(long, value_parser = parse::image_input)]
    pub area: ImageInput,
    /// Images to make, 1 to 3.
    #[arg(short = 'n', long = "variations")]
    pub variations: Option<i64>,
    /// Seeds, one per image.
    #[arg(long = "seed")]
    pub seeds: Vec<i64>,
    /// The output type.
    #[arg(long, value_parser = parse::one_of(catalog::COMPOSITE_MEDIA_TYPES))]
    pub format: Option<CompositeMediaType>,
}

#[derive(Args)]
pub struct PreciseCompositeArgs {
    #[command(flatten)]
    pub inputs: CompositeInputs,
    /// How much of the object's own look is kept, 0 to 1: 0 adapts its light
    /// and colour fully to the scene, 1 keeps it as it is (0.5 when not
    /// given).
    #[arg(long, value_parser = parse::unit_interval)]
    pub blend: Option<f32>,
    #[command(flatten)]
    pub saving: Saving,
}

#[derive(Args)]
pub struct AdaptiveCompositeArgs {
    #[command(flatten)]
    pub inputs: CompositeInputs,
    /// A mask of the object within its image, when it has a background.
    #[arg(long, value_parser = parse::image_input)]
    pub object_mask: Option<ImageInput>,
    /// How much the object's light and colour adapt to the scene, 0 to 1.
    #[arg(long, value_parser = parse::unit_interval)]
    pub harmonization: Option<f32>,
    /// How strong the object's shadow is, 0 to 1.
    #[arg(long, value_parser = parse::unit_interval)]
    pub shadow: Option<f32>,
    /// Keep the background's own detail inside the masked area.
    #[arg(long)]
    pub preserve_background: bool,
    #[command(flatten)]
    pub saving: Saving,
}
