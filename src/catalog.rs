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
    types::{
        AspectRatio, CompositeMediaType, ImageModelVersion, PromptReasoner, ResolutionLevel,
        SimilarImageModelVersion,
    },
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

/// The shapes Image Model 5 takes (`aspectRatio`); `auto` keeps a reference
/// image's shape and is the only one allowed with a reference image.
pub const IMAGE5_ASPECT_RATIOS: &[AspectRatio] = &[
    AspectRatio::X11,
    AspectRatio::X43,
    AspectRatio::X34,
    AspectRatio::X169,
    AspectRatio::X916,
    AspectRatio::Auto,
];

/// Image Model 5's pixel counts (`resolutionLevel`); `2.4MP` when absent.
pub const IMAGE5_RESOLUTIONS: &[ResolutionLevel] = &[
    ResolutionLevel::X1mp,
    ResolutionLevel::X24mp,
    ResolutionLevel::X4mp,
];

/// How Image Model 5 reasons about the prompt
/// (`modelSpecificPayload.prompt_reasoner`); `speed` when absent, and
/// `quality` also writes the result's `altText`.
pub const IMAGE5_PROMPT_REASONERS: &[PromptReasoner] =
    &[PromptReasoner::Speed, PromptReasoner::Quality];

/// The output types of the precise and adaptive composites
/// (`output.mediaType`).
pub const COMPOSITE_MEDIA_TYPES: &[CompositeMediaType] = &[
    CompositeMediaType::ImagePng,
    CompositeMediaType::ImageJpeg,
    CompositeMediaType::ImageWebp,
    CompositeMediaType::ImageJxl,
];

/// The factors upscale takes (`upscaleFactor`), read from the embedded
/// spec, so an import that changes them changes this list.
///
/// ```
/// assert_eq!(adobe_firefly::catalog::upscale_factors(), [2, 3, 4, 6]);
/// ```
pub fn upscale_factors() -> Vec<i64> {
    crate::validate::spec_enum("UpscaleFactor")
        .iter()
        .filter_map(serde_json::Value::as_i64)
        .collect()
}

/// The lists above are typed copies of the spec's enums; these tests fail
/// when an import changes one, so the copy is updated with it.
#[cfg(test)]
mod tests {
    use super::*;

    fn as_strings<T: serde::Serialize>(values: &[T]) -> Vec<serde_json::Value> {
        values
            .iter()
            .map(|v| serde_json::to_value(v).unwrap())
            .collect()
    }

    #[test]
    fn the_typed_lists_are_the_specs_enums() {
        let cases = [
            ("AspectRatio", as_strings(IMAGE5_ASPECT_RATIOS)),
            ("ResolutionLevel", as_strings(IMAGE5_RESOLUTIONS)),
            ("PromptReasoner", as_strings(IMAGE5_PROMPT_REASONERS)),
            ("CompositeMediaType", as_strings(COMPOSITE_MEDIA_TYPES)),
        ];
        for (schema, listed) in cases {
            let mut listed = listed;
            let mut in_spec = crate::validate::spec_enum(schema);
            listed.sort_by_key(|v| v.to_string());
            in_spec.sort_by_key(|v| v.to_string());
            assert_eq!(listed, in_spec, "{schema}");
        }
    }
}
