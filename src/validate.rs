//! Firefly's documented limits, checked before a request is sent so bad input
//! fails fast with the field named, instead of costing a request and a 422.
//!
//! The same limits are written in `openapi/firefly.yaml`; a test compares
//! them so the two cannot drift apart.

use std::collections::HashSet;

use crate::{
    ValidationError,
    types::{
        GenerateImagesRequest, GenerateImagesSyncRequest, ImageModelVersion, ImageReference, Size,
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
    let Some(reference) = reference else {
        return Ok(());
    };
    let source = &reference.source;
    match (source.upload_id.as_deref(), source.url.as_deref()) {
        (None, None) => Err(ValidationError::new(
            format!("{field}.source"),
            "needs an uploadId or a url",
        )),
        (Some(_), Some(_)) => Err(ValidationError::new(
            format!("{field}.source"),
            "takes an uploadId or a url, not both",
        )),
        (_, Some(url)) if url.is_empty() || url.chars().count() > URL_MAX_CHARS => {
            Err(ValidationError::new(
                format!("{field}.source.url"),
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
