//! Checks before sending, so bad input fails fast with the field named
//! instead of costing a request and a 422.
//!
//! Two kinds of rules: every limit written in the spec for the operation's own
//! request schema (`limits.rs`, read from the spec, never copied into code),
//! and the rules Adobe documents in prose that no schema can say (which
//! fields go with which model, one seed per image, an upload id or a URL but
//! not both, the output sizes each model supports: `sizes.rs`).

mod image5_and_composites;
mod limits;
pub(crate) mod sizes;

use std::collections::HashSet;

pub(crate) use image5_and_composites::{adaptive_composite, image5, precise_composite, upscale};
pub(crate) use limits::component_enum as spec_enum;
// Every API but Firefly checks its requests against its own embedded spec.
#[cfg(any(
    feature = "photoshop",
    feature = "audio-video",
    feature = "indesign",
    feature = "substance3d"
))]
pub(crate) use limits::{check_in as check_limits_in, parsed as parsed_spec};
pub(crate) use sizes::SizePolicy;

/// Builds a request from its type or its builder; a builder's complaint (a
/// missing or malformed field) becomes a [`ValidationError`] naming it.
pub(crate) fn built<T, R>(request: R) -> Result<T, crate::Error>
where
    R: TryInto<T>,
    R::Error: std::fmt::Display,
{
    request
        .try_into()
        .map_err(|e| ValidationError::from_builder(&e.to_string()).into())
}

use crate::{
    ValidationError,
    types::{
        ExpandImageRequest, ExpandImageSyncRequest, FillImageRequest, FillImageSyncRequest,
        GenerateImagesRequest, GenerateImagesSyncRequest, GenerateObjectCompositeRequest,
        GenerateObjectCompositeSyncRequest, GenerateSimilarImagesRequest,
        GenerateSimilarImagesSyncRequest, GenerateVideoRequest, ImageModelVersion, ImageReference,
        InputSource, Placement, SimilarImageModelVersion, StructureOptions, StyleOptions,
    },
};

type Checked = Result<(), ValidationError>;

/// The operations whose requests are checked here, by `operationId`.
#[cfg(test)]
pub(crate) const VALIDATED_OPERATIONS: &[&str] = &[
    "generateImagesV3Async",
    "generateImages",
    "generateSimilarImagesV3Async",
    "generateSimilarImages",
    "expandImagesV3Async",
    "expandImage",
    "fillImagesV3Async",
    "fillImage",
    "generateObjectCompositeV3Async",
    "generateObjectComposite",
    "generateVideoV3",
    "firefly_image_v5_generate_async_v4",
    "preciseUpsamplerV3Async",
    "preciseComposite",
    "adaptiveComposite",
];

/// Checks an asynchronous generation request for the given model.
pub(crate) fn generate_images(
    request: &GenerateImagesRequest,
    model: Option<&ImageModelVersion>,
    sizes: SizePolicy,
) -> Checked {
    limits::check("generateImagesV3Async", request)?;
    not_blank("prompt", &request.prompt)?;
    seeds(request.num_variations, &request.seeds)?;
    style(request.style.as_ref())?;
    structure(request.structure.as_ref())?;
    let model = model.unwrap_or(&ImageModelVersion::Image3);
    let custom = matches!(
        model,
        ImageModelVersion::Image3Custom | ImageModelVersion::Image4Custom
    );
    if custom && request.custom_model_id.as_deref().is_none_or(str::is_empty) {
        return Err(ValidationError::new(
            "customModelId",
            "is required with a custom model version (image3_custom, image4_custom)",
        ));
    }
    if !custom && request.custom_model_id.is_some() {
        return Err(ValidationError::new(
            "customModelId",
            "is only used with x-model-version image3_custom or image4_custom",
        ));
    }
    let image4_custom = *model == ImageModelVersion::Image4Custom;
    if image4_custom && request.visual_intensity.is_some() {
        return Err(ValidationError::new(
            "visualIntensity",
            "is not supported with image4_custom",
        ));
    }
    if !image4_custom && request.upsampler_type.is_some() {
        return Err(ValidationError::new(
            "upsamplerType",
            "is only used with x-model-version image4_custom",
        ));
    }
    let size = request.size.as_ref().map(|s| (s.width, s.height));
    sizes.check(size, sizes::for_image_model(model))
}

/// Checks a synchronous generation request.
pub(crate) fn generate_images_sync(
    request: &GenerateImagesSyncRequest,
    sizes: SizePolicy,
) -> Checked {
    limits::check("generateImages", request)?;
    not_blank("prompt", &request.prompt)?;
    seeds(request.num_variations, &request.seeds)?;
    style(request.style.as_ref())?;
    structure(request.structure.as_ref())?;
    let size = request.size.as_ref().map(|s| (s.width, s.height));
    sizes.check(size, sizes::CLASSIC)
}

/// Checks an asynchronous generate-similar request.
pub(crate) fn generate_similar(
    request: &GenerateSimilarImagesRequest,
    model: Option<&SimilarImageModelVersion>,
    sizes: SizePolicy,
) -> Checked {
    limits::check("generateSimilarImagesV3Async", request)?;
    source("image.source", &request.image.source)?;
    seeds(request.num_variations, &request.seeds)?;
    let size = request.size.as_ref().map(|s| (s.width, s.height));
    sizes.check(size, sizes::for_similar_model(model))
}

/// Checks a synchronous generate-similar request.
pub(crate) fn generate_similar_sync(
    request: &GenerateSimilarImagesSyncRequest,
    sizes: SizePolicy,
) -> Checked {
    limits::check("generateSimilarImages", request)?;
    source("image.source", &request.image.source)?;
    seeds(request.num_variations, &request.seeds)?;
    let size = request.size.as_ref().map(|s| (s.width, s.height));
    sizes.check(size, sizes::CLASSIC)
}

/// Checks an asynchronous expand request.
pub(crate) fn expand(request: &ExpandImageRequest) -> Checked {
    limits::check("expandImagesV3Async", request)?;
    source("image.source", &request.image.source)?;
    optional_source("image.mask", request.image.mask.as_ref())?;
    optional_not_blank("prompt", request.prompt.as_deref())?;
    seeds(request.num_variations, &request.seeds)?;
    if let Some(mask) = &request.mask {
        source("mask.source", &mask.source)?;
    }
    placement_or_mask(
        request.placement.as_ref(),
        request.mask.is_some() || request.image.mask.is_some(),
    )
}

/// Checks a synchronous expand request.
pub(crate) fn expand_sync(request: &ExpandImageSyncRequest) -> Checked {
    limits::check("expandImage", request)?;
    source("image.source", &request.image.source)?;
    optional_source("image.mask", request.image.mask.as_ref())?;
    optional_not_blank("prompt", request.prompt.as_deref())?;
    seeds(request.num_variations, &request.seeds)?;
    placement_or_mask(request.placement.as_ref(), request.image.mask.is_some())
}

/// Checks an asynchronous fill request.
pub(crate) fn fill(request: &FillImageRequest, sizes: SizePolicy) -> Checked {
    limits::check("fillImagesV3Async", request)?;
    source("image.source", &request.image.source)?;
    optional_source("image.mask", request.image.mask.as_ref())?;
    source("mask.source", &request.mask.source)?;
    optional_not_blank("prompt", request.prompt.as_deref())?;
    seeds(request.num_variations, &request.seeds)?;
    let size = request.size.as_ref().map(|s| (s.width, s.height));
    sizes.check(size, sizes::CLASSIC)
}

/// Checks a synchronous fill request: the mask is `image.mask`, a plain
/// `{url}` or `{uploadId}`, and the call takes no size.
pub(crate) fn fill_sync(request: &FillImageSyncRequest) -> Checked {
    limits::check("fillImage", request)?;
    source("image.source", &request.image.source)?;
    source("image.mask", &request.image.mask)?;
    optional_not_blank("prompt", request.prompt.as_deref())?;
    seeds(request.num_variations, &request.seeds)
}

/// Checks an asynchronous object composite request.
pub(crate) fn object_composite(
    request: &GenerateObjectCompositeRequest,
    sizes: SizePolicy,
) -> Checked {
    limits::check("generateObjectCompositeV3Async", request)?;
    source("image.source", &request.image.source)?;
    optional_source("image.mask", request.image.mask.as_ref())?;
    not_blank("prompt", &request.prompt)?;
    seeds(request.num_variations, &request.seeds)?;
    if let Some(mask) = &request.mask {
        // The schema leaves the mask's source optional; a mask without one
        // masks nothing, so it is refused here rather than by Firefly.
        match &mask.source {
            Some(mask_source) => source("mask.source", mask_source)?,
            None => {
                return Err(ValidationError::new(
                    "mask.source",
                    "is required with a mask",
                ));
            }
        }
    }
    style(request.style.as_ref())?;
    placement_or_mask(
        request.placement.as_ref(),
        request.mask.is_some() || request.image.mask.is_some(),
    )?;
    let size = request.size.as_ref().map(|s| (s.width, s.height));
    sizes.check(size, sizes::CLASSIC)
}

/// Checks a synchronous object composite request.
pub(crate) fn object_composite_sync(
    request: &GenerateObjectCompositeSyncRequest,
    sizes: SizePolicy,
) -> Checked {
    limits::check("generateObjectComposite", request)?;
    source("image.source", &request.image.source)?;
    optional_source("image.mask", request.image.mask.as_ref())?;
    not_blank("prompt", &request.prompt)?;
    seeds(request.num_variations, &request.seeds)?;
    style(request.style.as_ref())?;
    placement_or_mask(request.placement.as_ref(), request.image.mask.is_some())?;
    let size = request.size.as_ref().map(|s| (s.width, s.height));
    sizes.check(size, sizes::CLASSIC)
}

/// Checks a video request.
pub(crate) fn generate_video(request: &GenerateVideoRequest, sizes: SizePolicy) -> Checked {
    limits::check("generateVideoV3", request)?;
    let conditions = request
        .image
        .as_ref()
        .map_or(&[][..], |image| &image.conditions[..]);
    let has_prompt = request
        .prompt
        .as_deref()
        .is_some_and(|p| !p.trim().is_empty());
    if !has_prompt && conditions.is_empty() {
        return Err(ValidationError::new(
            "prompt",
            "or a keyframe image (image.conditions) is required",
        ));
    }
    for (i, video_size) in request.sizes.iter().enumerate() {
        let field = format!("sizes.{i}");
        sizes
            .check(Some((video_size.width, video_size.height)), sizes::VIDEO)
            .map_err(|e| ValidationError::new(field, e.problem()))?;
    }
    for (i, condition) in conditions.iter().enumerate() {
        let source = &condition.source;
        let given = [source.upload_id.is_some(), source.url.is_some()];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(ValidationError::new(
                format!("image.conditions.{i}.source"),
                "takes exactly one of uploadId or url",
            ));
        }
    }
    Ok(())
}

fn not_blank(field: &str, text: &str) -> Checked {
    if text.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    Ok(())
}

fn optional_not_blank(field: &str, text: Option<&str>) -> Checked {
    text.map_or(Ok(()), |text| not_blank(field, text))
}

/// One seed per image, none repeated.
fn seeds(num_variations: Option<i64>, seeds: &[i64]) -> Checked {
    let unique: HashSet<_> = seeds.iter().collect();
    if unique.len() != seeds.len() {
        return Err(ValidationError::new("seeds", "must not repeat a seed"));
    }
    match num_variations {
        Some(n) if !seeds.is_empty() && seeds.len() as i64 != n => Err(ValidationError::new(
            "seeds",
            format!(
                "has {} seeds but numVariations is {n}; give one seed per image",
                seeds.len()
            ),
        )),
        _ => Ok(()),
    }
}

fn style(style: Option<&StyleOptions>) -> Checked {
    let Some(style) = style else { return Ok(()) };
    let unique: HashSet<_> = style.presets.iter().collect();
    if unique.len() != style.presets.len() {
        return Err(ValidationError::new(
            "style.presets",
            "must not repeat a preset",
        ));
    }
    reference("style.imageReference", style.image_reference.as_ref())
}

fn structure(structure: Option<&StructureOptions>) -> Checked {
    let Some(structure) = structure else {
        return Ok(());
    };
    reference(
        "structure.imageReference",
        structure.image_reference.as_ref(),
    )
}

fn reference(field: &str, reference: Option<&ImageReference>) -> Checked {
    match reference {
        Some(reference) => match &reference.source {
            Some(source_) => source(&format!("{field}.source"), source_),
            None => Err(ValidationError::new(
                format!("{field}.source"),
                "is required in an image reference",
            )),
        },
        None => Ok(()),
    }
}

fn optional_source(field: &str, given: Option<&InputSource>) -> Checked {
    given.map_or(Ok(()), |given| source(field, given))
}

/// An upload id or a URL, not both and not neither.
fn source(field: &str, source: &InputSource) -> Checked {
    upload_or_url(field, source.upload_id.as_deref(), source.url.as_deref())
}

/// An upload id or a URL, not both and not neither, whatever the source
/// type (each operation has its own).
fn upload_or_url(field: &str, upload_id: Option<&str>, url: Option<&str>) -> Checked {
    match (upload_id, url) {
        (None, None) => Err(ValidationError::new(field, "needs an uploadId or a url")),
        (Some(_), Some(_)) => Err(ValidationError::new(
            field,
            "takes an uploadId or a url, not both",
        )),
        _ => Ok(()),
    }
}

fn placement_or_mask(placement: Option<&Placement>, has_mask: bool) -> Checked {
    if placement.is_some() && has_mask {
        return Err(ValidationError::new(
            "placement",
            "cannot be combined with a mask",
        ));
    }
    Ok(())
}
