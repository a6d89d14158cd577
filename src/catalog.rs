//! What Adobe documents about models and sizes, as the SDK checks requests
//! against it: for help texts, pickers and prompts in tools built on the
//! SDK.
//!
//! ```
//! use adobe_firefly::{catalog, types::ImageModelVersion};
//! assert!(catalog::IMAGE_MODELS.contains(&ImageModelVersion::Image4Ultra));
//! assert!(catalog::image_sizes(&ImageModelVersion::Image4Ultra).contains(&(2048, 2048)));
//! ```

use crate::{
    types::{ImageModelVersion, SimilarImageModelVersion},
    validate::sizes,
};

/// The text-to-image models (`x-model-version`) this SDK knows, as Firefly
/// names them; the `*_custom` ones also need a custom model id.
pub const IMAGE_MODELS: &[ImageModelVersion] = &[
    ImageModelVersion::Image3,
    ImageModelVersion::Image3Custom,
    ImageModelVersion::Image4Standard,
    ImageModelVersion::Image4Ultra,
    ImageModelVersion::Image4Custom,
];

/// The model Firefly uses for text to image when none is given.
pub const DEFAULT_IMAGE_MODEL: ImageModelVersion = ImageModelVersion::Image3;

/// The output sizes (width, height) Adobe lists for a text-to-image model.
pub fn image_sizes(model: &ImageModelVersion) -> &'static [(i64, i64)] {
    sizes::for_image_model(model)
}

/// The output sizes Adobe lists for the image edits: expand, fill, object
/// composite, and generate-similar with its default model.
pub fn edit_sizes() -> &'static [(i64, i64)] {
    sizes::for_similar_model(None::<&SimilarImageModelVersion>)
}

/// The video sizes Adobe lists.
pub fn video_sizes() -> &'static [(i64, i64)] {
    sizes::VIDEO
}
