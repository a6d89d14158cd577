//! The output sizes Adobe documents for each model. Adobe lists them in its
//! guides rather than in a schema, so they are kept here; a size Adobe adds
//! before this list is updated can still be sent with
//! [`FireflyBuilder::allow_unlisted_sizes`](crate::FireflyBuilder::allow_unlisted_sizes).

use crate::{
    ValidationError,
    types::{ImageModelVersion, SimilarImageModelVersion},
};

/// `image3` (and `image3_custom`): Adobe's size guide for Firefly Image 3.
pub(crate) const IMAGE3: &[(i64, i64)] = &[
    (2048, 2048),
    (1024, 1024),
    (2304, 1792),
    (1792, 2304),
    (2688, 1536),
    (2688, 1512),
    (1344, 768),
    (1344, 756),
    (1152, 896),
    (896, 1152),
];

/// `image4_standard`, `image4_ultra`, `image4_custom`.
pub(crate) const IMAGE4: &[(i64, i64)] = &[
    (2048, 2048),
    (2304, 1792),
    (1792, 2304),
    (2688, 1536),
    (1440, 2560),
];

/// The synchronous calls, generate-similar, fill and object composite.
pub(crate) const CLASSIC: &[(i64, i64)] = &[
    (2048, 2048),
    (1024, 1024),
    (2304, 1792),
    (1792, 2304),
    (2688, 1536),
    (1344, 768),
    (1152, 896),
    (896, 1152),
];

/// `video1_standard`, from Adobe's usage notes.
pub(crate) const VIDEO: &[(i64, i64)] = &[
    (1920, 1080),
    (1280, 720),
    (960, 540),
    (1080, 1920),
    (720, 1280),
    (540, 960),
    (1080, 1080),
    (720, 720),
    (540, 540),
];

/// The sizes a text-to-image model supports.
pub(crate) fn for_image_model(model: &ImageModelVersion) -> &'static [(i64, i64)] {
    match model {
        ImageModelVersion::Image3 | ImageModelVersion::Image3Custom => IMAGE3,
        ImageModelVersion::Image4Standard
        | ImageModelVersion::Image4Ultra
        | ImageModelVersion::Image4Custom => IMAGE4,
    }
}

/// The sizes a generate-similar model supports.
pub(crate) fn for_similar_model(model: Option<&SimilarImageModelVersion>) -> &'static [(i64, i64)] {
    match model {
        None | Some(SimilarImageModelVersion::Image3) => CLASSIC,
        Some(_) => IMAGE4,
    }
}

/// Whether sizes outside Adobe's lists are refused before sending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum SizePolicy {
    /// Only the sizes Adobe lists for the model (the default).
    #[default]
    Listed,
    /// Any size within the schema's limits.
    Any,
}

impl SizePolicy {
    /// Checks a requested size against a model's list.
    pub(crate) fn check(
        self,
        size: Option<(i64, i64)>,
        listed: &[(i64, i64)],
    ) -> Result<(), ValidationError> {
        let Some((width, height)) = size else {
            return Ok(());
        };
        if self == Self::Any || listed.contains(&(width, height)) {
            return Ok(());
        }
        let supported: Vec<String> = listed.iter().map(|(w, h)| format!("{w}x{h}")).collect();
        Err(ValidationError::new(
            "size",
            format!(
                "{width}x{height} is not a size Adobe lists for this model (supported: {}); to \
                 send it anyway, set FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES=1 or use \
                 FireflyBuilder::allow_unlisted_sizes(true)",
                supported.join(", ")
            ),
        ))
    }
}
