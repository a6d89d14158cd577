//! Firefly's documented limits, checked before a request is sent so bad input
//! fails fast with the field named, instead of costing a request and a 422.
//!
//! The same limits are written in `openapi/firefly.yaml`; a test compares
//! them so the two cannot drift apart.

use std::collections::HashSet;

use crate::{
    ValidationError,
    types::{
        ExpandImageRequest, ExpandImageSyncRequest, FillImageRequest, FillImageSyncRequest,
        GenerateImagesRequest, GenerateImagesSyncRequest, GenerateObjectCompositeRequest,
        GenerateSimilarImagesRequest, GenerateSimilarImagesSyncRequest, GenerateVideoRequest,
        ImageModelVersion, ImageReference, InputImage, InputSource, Mask, Placement, Size,
        StructureOptions, StyleOptions,
    },
};

pub(crate) const PROMPT_MAX_CHARS: usize = 1024;
pub(crate) const MAX_VARIATIONS: i32 = 4;
pub(crate) const MAX_SIDE_ASYNC: i32 = 4096;
pub(crate) const MAX_SIDE_SYNC: i32 = 2688;
pub(crate) const VISUAL_INTENSITY: (i32, i32) = (2, 10);
pub(crate) const STYLE_STRENGTH: (i32, i32) = (1, 100);
pub(crate) const STRUCTURE_STRENGTH: (i32, i32) = (0, 100);
pub(crate) const URL_MAX_CHARS: usize = 2083;
pub(crate) const MAX_SIDE_EXPAND: i32 = 3999;
pub(crate) const VIDEO_URL_MAX_CHARS: usize = 4096;
pub(crate) const MAX_SIDE_VIDEO: i32 = 8192;
pub(crate) const BIT_RATE_FACTOR: (i32, i32) = (0, 63);

type Checked = Result<(), ValidationError>;

/// Checks an asynchronous generation request for the given model.
pub(crate) fn generate_images(
    request: &GenerateImagesRequest,
    model: Option<&ImageModelVersion>,
) -> Checked {
    prompt("prompt", &request.prompt)?;
    optional_text("negativePrompt", request.negative_prompt.as_deref())?;
    variations(request.num_variations, &request.seeds)?;
    size(request.size.as_ref(), MAX_SIDE_ASYNC)?;
    in_range(
        "visualIntensity",
        request.visual_intensity,
        VISUAL_INTENSITY,
    )?;
    style(request.style.as_ref())?;
    structure(request.structure.as_ref())?;
    let custom = matches!(
        model,
        Some(ImageModelVersion::Image3Custom | ImageModelVersion::Image4Custom)
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
    Ok(())
}

/// Checks a synchronous generation request.
pub(crate) fn generate_images_sync(request: &GenerateImagesSyncRequest) -> Checked {
    prompt("prompt", &request.prompt)?;
    optional_text("negativePrompt", request.negative_prompt.as_deref())?;
    variations(request.num_variations, &request.seeds)?;
    size(request.size.as_ref(), MAX_SIDE_SYNC)?;
    in_range(
        "visualIntensity",
        request.visual_intensity,
        VISUAL_INTENSITY,
    )?;
    style(request.style.as_ref())?;
    structure(request.structure.as_ref())
}

/// Checks an asynchronous generate-similar request.
pub(crate) fn generate_similar(request: &GenerateSimilarImagesRequest) -> Checked {
    input_image("image", &request.image)?;
    variations(request.num_variations, &request.seeds)?;
    size(request.size.as_ref(), MAX_SIDE_ASYNC)
}

/// Checks a synchronous generate-similar request.
pub(crate) fn generate_similar_sync(request: &GenerateSimilarImagesSyncRequest) -> Checked {
    input_image("image", &request.image)?;
    variations(request.num_variations, &request.seeds)?;
    size(request.size.as_ref(), MAX_SIDE_SYNC)
}

/// Checks an asynchronous expand request.
pub(crate) fn expand(request: &ExpandImageRequest) -> Checked {
    input_image("image", &request.image)?;
    optional_prompt(request.prompt.as_deref())?;
    variations(request.num_variations, &request.seeds)?;
    size(request.size.as_ref(), MAX_SIDE_EXPAND)?;
    mask("mask", request.mask.as_ref())?;
    placement_or_mask(
        request.placement.as_ref(),
        request.mask.is_some() || request.image.mask.is_some(),
    )
}

/// Checks a synchronous expand request.
pub(crate) fn expand_sync(request: &ExpandImageSyncRequest) -> Checked {
    input_image("image", &request.image)?;
    optional_prompt(request.prompt.as_deref())?;
    variations(request.num_variations, &request.seeds)?;
    size(request.size.as_ref(), MAX_SIDE_EXPAND)?;
    placement_or_mask(request.placement.as_ref(), request.image.mask.is_some())
}

/// Checks an asynchronous fill request.
pub(crate) fn fill(request: &FillImageRequest) -> Checked {
    input_image("image", &request.image)?;
    mask("mask", Some(&request.mask))?;
    optional_prompt(request.prompt.as_deref())?;
    optional_text("negativePrompt", request.negative_prompt.as_deref())?;
    variations(request.num_variations, &request.seeds)?;
    size(request.size.as_ref(), MAX_SIDE_ASYNC)
}

/// Checks a synchronous fill request: the mask goes in `image.mask`.
pub(crate) fn fill_sync(request: &FillImageSyncRequest) -> Checked {
    input_image("image", &request.image)?;
    if request.image.mask.is_none() {
        return Err(ValidationError::new(
            "image.mask",
            "is required by the synchronous fill call",
        ));
    }
    optional_prompt(request.prompt.as_deref())?;
    optional_text("negativePrompt", request.negative_prompt.as_deref())?;
    variations(request.num_variations, &request.seeds)?;
    size(request.size.as_ref(), MAX_SIDE_SYNC)
}

/// Checks an object composite request.
pub(crate) fn object_composite(request: &GenerateObjectCompositeRequest) -> Checked {
    input_image("image", &request.image)?;
    prompt("prompt", &request.prompt)?;
    variations(request.num_variations, &request.seeds)?;
    size(request.size.as_ref(), MAX_SIDE_ASYNC)?;
    mask("mask", request.mask.as_ref())?;
    style(request.style.as_ref())?;
    placement_or_mask(
        request.placement.as_ref(),
        request.mask.is_some() || request.image.mask.is_some(),
    )
}

/// Checks a video request.
pub(crate) fn generate_video(request: &GenerateVideoRequest) -> Checked {
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
    in_range("bitRateFactor", request.bit_rate_factor, BIT_RATE_FACTOR)?;
    if request.seeds.len() > 1 {
        return Err(ValidationError::new("seeds", "takes exactly one seed"));
    }
    if request.sizes.len() > 1 {
        return Err(ValidationError::new("sizes", "takes exactly one size"));
    }
    for video_size in &request.sizes {
        in_range("sizes.width", Some(video_size.width), (1, MAX_SIDE_VIDEO))?;
        in_range("sizes.height", Some(video_size.height), (1, MAX_SIDE_VIDEO))?;
    }
    for (i, condition) in conditions.iter().enumerate() {
        let position = condition.placement.position;
        if !(0.0..=1.0).contains(&position) {
            return Err(ValidationError::new(
                format!("image.conditions.{i}.placement.position"),
                format!("is {position}; it must be between 0 and 1"),
            ));
        }
        let source = &condition.source;
        let given = [
            source.upload_id.is_some(),
            source.url.is_some(),
            source.creative_cloud_file_id.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(ValidationError::new(
                format!("image.conditions.{i}.source"),
                "takes exactly one of uploadId, url or creativeCloudFileId",
            ));
        }
        if source
            .url
            .as_deref()
            .is_some_and(|url| url.is_empty() || url.chars().count() > VIDEO_URL_MAX_CHARS)
        {
            return Err(ValidationError::new(
                format!("image.conditions.{i}.source.url"),
                format!("must have 1 to {VIDEO_URL_MAX_CHARS} characters"),
            ));
        }
    }
    Ok(())
}

fn input_image(field: &str, image: &InputImage) -> Checked {
    source(&format!("{field}.source"), &image.source)?;
    mask(&format!("{field}.mask"), image.mask.as_ref())
}

fn mask(field: &str, mask: Option<&Mask>) -> Checked {
    mask.map_or(Ok(()), |mask| {
        source(&format!("{field}.source"), &mask.source)
    })
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

fn optional_prompt(text: Option<&str>) -> Checked {
    text.map_or(Ok(()), |text| prompt("prompt", text))
}

fn prompt(field: &str, text: &str) -> Checked {
    if text.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    optional_text(field, Some(text))
}

fn optional_text(field: &str, text: Option<&str>) -> Checked {
    match text.map(|t| t.chars().count()) {
        Some(n) if n > PROMPT_MAX_CHARS => Err(ValidationError::new(
            field,
            format!("has {n} characters; at most {PROMPT_MAX_CHARS} are allowed"),
        )),
        _ => Ok(()),
    }
}

fn variations(num_variations: Option<i32>, seeds: &[i64]) -> Checked {
    in_range("numVariations", num_variations, (1, MAX_VARIATIONS))?;
    if seeds.len() > MAX_VARIATIONS as usize {
        return Err(ValidationError::new(
            "seeds",
            format!(
                "has {} seeds; at most {MAX_VARIATIONS} are allowed",
                seeds.len()
            ),
        ));
    }
    let unique: HashSet<_> = seeds.iter().collect();
    if unique.len() != seeds.len() {
        return Err(ValidationError::new("seeds", "must not repeat a seed"));
    }
    match num_variations {
        Some(n) if !seeds.is_empty() && seeds.len() != n as usize => Err(ValidationError::new(
            "seeds",
            format!(
                "has {} seeds but numVariations is {n}; give one seed per image",
                seeds.len()
            ),
        )),
        _ => Ok(()),
    }
}

fn size(size: Option<&Size>, max_side: i32) -> Checked {
    let Some(size) = size else { return Ok(()) };
    in_range("size.width", Some(size.width), (1, max_side))?;
    in_range("size.height", Some(size.height), (1, max_side))
}

fn style(style: Option<&StyleOptions>) -> Checked {
    let Some(style) = style else { return Ok(()) };
    in_range("style.strength", style.strength, STYLE_STRENGTH)?;
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
    in_range("structure.strength", structure.strength, STRUCTURE_STRENGTH)?;
    reference(
        "structure.imageReference",
        structure.image_reference.as_ref(),
    )
}

fn reference(field: &str, reference: Option<&ImageReference>) -> Checked {
    reference.map_or(Ok(()), |reference| {
        source(&format!("{field}.source"), &reference.source)
    })
}

fn source(field: &str, source: &InputSource) -> Checked {
    match (source.upload_id.as_deref(), source.url.as_deref()) {
        (None, None) => Err(ValidationError::new(field, "needs an uploadId or a url")),
        (Some(_), Some(_)) => Err(ValidationError::new(
            field,
            "takes an uploadId or a url, not both",
        )),
        (_, Some(url)) if url.is_empty() || url.chars().count() > URL_MAX_CHARS => {
            Err(ValidationError::new(
                format!("{field}.url"),
                format!("must have 1 to {URL_MAX_CHARS} characters"),
            ))
        }
        _ => Ok(()),
    }
}

fn in_range(field: &str, value: Option<i32>, (min, max): (i32, i32)) -> Checked {
    match value {
        Some(v) if v < min || v > max => Err(ValidationError::new(
            field,
            format!("is {v}; it must be between {min} and {max}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn schema(name: &str) -> Value {
        let spec: Value = serde_json::from_str(crate::SPEC_JSON).unwrap();
        spec["components"]["schemas"][name].clone()
    }

    use proptest::prelude::*;

    fn any_request() -> impl Strategy<Value = GenerateImagesRequest> {
        (
            ".{0,1100}",
            proptest::option::of(any::<i32>()),
            proptest::collection::vec(any::<i64>(), 0..6),
            proptest::option::of((any::<i32>(), any::<i32>())),
            proptest::option::of(any::<i32>()),
            proptest::option::of(".{0,1100}"),
        )
            .prop_map(
                |(prompt, num_variations, seeds, size, visual_intensity, negative_prompt)| {
                    GenerateImagesRequest::builder()
                        .prompt(prompt)
                        .num_variations(num_variations)
                        .seeds(seeds)
                        .size(size.map(|(width, height)| Size { width, height }))
                        .visual_intensity(visual_intensity)
                        .negative_prompt(negative_prompt)
                        .try_into()
                        .unwrap()
                },
            )
    }

    proptest! {
        /// Whatever the input, the check answers; what it lets through is
        /// within every documented limit.
        #[test]
        fn accepted_requests_are_within_the_limits(request in any_request()) {
            if generate_images(&request, None).is_ok() {
                let chars = request.prompt.chars().count();
                prop_assert!((1..=PROMPT_MAX_CHARS).contains(&chars) && !request.prompt.trim().is_empty());
                prop_assert!(request.num_variations.is_none_or(|n| (1..=MAX_VARIATIONS).contains(&n)));
                prop_assert!(request.seeds.len() <= MAX_VARIATIONS as usize);
                if let Some(n) = request.num_variations {
                    prop_assert!(request.seeds.is_empty() || request.seeds.len() == n as usize);
                }
                if let Some(size) = &request.size {
                    prop_assert!((1..=MAX_SIDE_ASYNC).contains(&size.width) && (1..=MAX_SIDE_ASYNC).contains(&size.height));
                }
                prop_assert!(request.visual_intensity.is_none_or(|v| (VISUAL_INTENSITY.0..=VISUAL_INTENSITY.1).contains(&v)));
                prop_assert!(request.negative_prompt.as_ref().is_none_or(|p| p.chars().count() <= PROMPT_MAX_CHARS));
            }
        }
    }

    /// The limits enforced here are the ones written in the spec.
    #[test]
    fn limits_match_the_spec() {
        let request = schema("GenerateImagesRequest");
        let props = &request["properties"];
        assert_eq!(props["prompt"]["maxLength"], PROMPT_MAX_CHARS);
        assert_eq!(props["prompt"]["minLength"], 1);
        assert_eq!(props["negativePrompt"]["maxLength"], PROMPT_MAX_CHARS);
        assert_eq!(props["numVariations"]["maximum"], MAX_VARIATIONS);
        assert_eq!(props["seeds"]["maxItems"], MAX_VARIATIONS);
        assert_eq!(props["visualIntensity"]["minimum"], VISUAL_INTENSITY.0);
        assert_eq!(props["visualIntensity"]["maximum"], VISUAL_INTENSITY.1);
        assert_eq!(
            schema("Size")["properties"]["width"]["maximum"],
            MAX_SIDE_ASYNC
        );
        assert_eq!(
            schema("StyleOptions")["properties"]["strength"]["minimum"],
            STYLE_STRENGTH.0
        );
        assert_eq!(
            schema("StyleOptions")["properties"]["strength"]["maximum"],
            STYLE_STRENGTH.1
        );
        let structure = &schema("StructureOptions")["properties"]["strength"];
        assert_eq!(structure["minimum"], STRUCTURE_STRENGTH.0);
        assert_eq!(structure["maximum"], STRUCTURE_STRENGTH.1);
        assert_eq!(
            schema("InputSource")["properties"]["url"]["maxLength"],
            URL_MAX_CHARS
        );
    }
}
