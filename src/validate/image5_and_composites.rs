//! Checks of the 2026 operations: Image Model 5, upscale and the two
//! composites. The spec's limits come first (`limits::check`); then the
//! rules Adobe states in prose.

use super::{Checked, limits, not_blank, seeds, source, upload_or_url};
use crate::{
    ValidationError,
    types::{
        AdaptiveCompositeRequest, AspectRatio, CompositeImage, Image5Request,
        PreciseCompositeRequest, UpscaleRequest,
    },
};

/// Image Model 5: a prompt that says something; an edit (a reference
/// image) keeps the reference's shape, so `aspectRatio` is absent or `auto`.
pub(crate) fn image5(request: &Image5Request) -> Checked {
    limits::check("firefly_image_v5_generate_async_v4", request)?;
    not_blank("prompt", &request.prompt)?;
    if request.num_variations.is_some_and(|n| n < 1) {
        return Err(ValidationError::new("numVariations", "must be 1"));
    }
    seeds(request.num_variations, &request.seeds)?;
    for (i, reference) in request.reference_blobs.iter().enumerate() {
        let source = &reference.source;
        upload_or_url(
            &format!("referenceBlobs.{i}.source"),
            source.upload_id.as_deref(),
            source.url.as_deref(),
        )?;
    }
    let editing = !request.reference_blobs.is_empty();
    match &request.aspect_ratio {
        Some(ratio) if editing && *ratio != AspectRatio::Auto => Err(ValidationError::new(
            "aspectRatio",
            format!(
                "must be absent or `auto` when editing a reference image (the edit keeps its \
                 shape), not `{ratio}`"
            ),
        )),
        _ => Ok(()),
    }
}

/// Upscale: 1 to 4 distinct seeds (the spec's limits), one source.
pub(crate) fn upscale(request: &UpscaleRequest) -> Checked {
    limits::check("preciseUpsamplerV3Async", request)?;
    source("image.source", &request.image.source)?;
    seeds(None, &request.seeds)
}

/// Precise composite: every image has one source; one seed per variation.
pub(crate) fn precise_composite(request: &PreciseCompositeRequest) -> Checked {
    limits::check("preciseComposite", request)?;
    composite_image("object.image", &request.object.image)?;
    composite_image("background.image", &request.background.image)?;
    composite_image(
        "background.fillAreaMask",
        &request.background.fill_area_mask,
    )?;
    seeds(request.num_variations, &request.seeds)
}

/// Adaptive composite: as the precise one, plus the object's optional mask.
pub(crate) fn adaptive_composite(request: &AdaptiveCompositeRequest) -> Checked {
    limits::check("adaptiveComposite", request)?;
    composite_image("object.image", &request.object.image)?;
    if let Some(mask) = &request.object.mask {
        composite_image("object.mask", mask)?;
    }
    composite_image("background.image", &request.background.image)?;
    composite_image(
        "background.fillAreaMask",
        &request.background.fill_area_mask,
    )?;
    seeds(request.num_variations, &request.seeds)
}

fn composite_image(field: &str, image: &CompositeImage) -> Checked {
    let source = &image.source;
    upload_or_url(
        &format!("{field}.source"),
        source.upload_id.as_deref(),
        source.url.as_deref(),
    )
}
