//! What the tests share: the spec as the emulator embeds it, a client
//! that talks raw HTTP to a started emulator (`client`), real images to
//! upload (`images`) and inputs the emulator knows (`inputs`), and request
//! bodies written from the schemas, independently of the emulator's code;
//! for Photoshop, a storage server (`storage`), layered PSD documents and
//! readers of the files jobs write (`files`), and the spec's schemas
//! (`photoshop`).

// Each test file is its own crate and uses a part of this module.
#![allow(dead_code)]

pub mod client;
pub mod files;
pub mod images;
pub mod inputs;
pub mod photoshop;
pub mod storage;

use std::collections::BTreeSet;

use serde_json::{Value, json};

/// The spec the emulator embeds.
pub const SPEC_YAML: &str = include_str!("../../openapi/firefly.yaml");

/// Photoshop's spec, which the emulator embeds for its Photoshop routes.
pub const PHOTOSHOP_SPEC_YAML: &str = include_str!("../../openapi/photoshop.yaml");

/// An upload id as `POST /v2/storage/image` answers (a version-4 UUID).
pub const UPLOAD_ID: &str = "6c8c4b4e-8a39-4c36-9a33-5d8f0e2b1a77";
pub const MASK_UPLOAD_ID: &str = "0f6d2a31-2b7c-4e59-8c1d-93a4b5c6d7e8";
pub const IMAGE_URL: &str = "https://images.example.com/input/dog.jpg";
pub const MASK_URL: &str = "https://images.example.com/input/dog-mask.png";

/// The routes the emulator serves that are not Firefly, IMS or Management
/// API operations: the pre-signed download URLs of the outputs.
pub const NOT_IN_THE_SPEC: &[(&str, &str)] = &[("GET", "/storage/{}")];

pub fn spec() -> Value {
    serde_norway::from_str(SPEC_YAML).expect("the spec parses")
}

pub fn photoshop_spec() -> Value {
    serde_norway::from_str(PHOTOSHOP_SPEC_YAML).expect("Photoshop's spec parses")
}

/// A path template with its parameter names dropped: `/v3/status/{}`.
pub fn shape(template: &str) -> String {
    let mut shape = String::new();
    let mut in_parameter = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_parameter = true;
                shape.push('{');
            }
            '}' => {
                in_parameter = false;
                shape.push('}');
            }
            _ if !in_parameter => shape.push(c),
            _ => {}
        }
    }
    shape
}

/// Every (METHOD, path shape) of the spec's `paths`.
pub fn spec_operations(spec: &Value) -> BTreeSet<(String, String)> {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut operations = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(*method).is_some() {
                operations.insert((method.to_ascii_uppercase(), shape(path)));
            }
        }
    }
    operations
}

/// The paths of the spec's operations that take a JSON body: the
/// generation operations.
pub fn spec_generation_paths(spec: &Value) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for operation in item.as_object().expect("path item").values() {
            if operation["requestBody"]["content"]
                .get("application/json")
                .is_some()
            {
                paths.insert(path.clone());
            }
        }
    }
    paths
}

/// Whether an operation answers with a job rather than the result.
pub fn answers_with_a_job(path: &str) -> bool {
    path.ends_with("-async")
        || [
            "/v3/videos/generate",
            "/v3/images/upscale",
            "/v3/images/precise-composite",
            "/v3/images/adaptive-composite",
        ]
        .contains(&path)
}

/// Whether an operation's accepted job is answered with links (Image Model 5
/// and upscale) rather than a job id and URLs.
pub fn answers_with_links(path: &str) -> bool {
    path == "/v4/images/generate-async" || path == "/v3/images/upscale"
}

/// The `x-model-version` an operation requires, sent unless a case names
/// another.
pub fn required_model(path: &str) -> Option<&'static str> {
    match path {
        "/v3/videos/generate" => Some("video1_standard"),
        "/v4/images/generate-async" => Some("image5"),
        _ => None,
    }
}

/// A request: where, with which `x-model-version`, which body.
pub struct Case {
    pub path: &'static str,
    pub model: Option<&'static str>,
    pub body: Value,
}

pub fn case(path: &'static str, body: Value) -> Case {
    Case {
        path,
        model: required_model(path),
        body,
    }
}

pub fn case_with_model(path: &'static str, model: &'static str, body: Value) -> Case {
    Case {
        path,
        model: Some(model),
        body,
    }
}

/// For every generation operation, bodies its schema documents as valid:
/// the least it takes, and most of what it can take.
pub fn documented_bodies() -> Vec<Case> {
    let url = json!({"url": IMAGE_URL});
    let upload = json!({"uploadId": UPLOAD_ID});
    let mask_url = json!({"url": MASK_URL});
    let mask_upload = json!({"uploadId": MASK_UPLOAD_ID});
    let placement = json!({
        "alignment": {"horizontal": "left", "vertical": "bottom"},
        "inset": {"left": 10, "top": 20, "right": 30, "bottom": 40},
    });
    let style = json!({
        "presets": ["golden_hour", "photo"],
        "strength": 60,
        "imageReference": {"source": {"url": "https://images.example.com/style.jpg"}},
    });
    let structure = json!({
        "strength": 0,
        "imageReference": {"source": {"uploadId": UPLOAD_ID}},
    });
    vec![
        // GenerateImagesSyncRequest.
        case(
            "/v3/images/generate",
            json!({"prompt": "a lighthouse at dusk"}),
        ),
        case(
            "/v3/images/generate",
            json!({
                "prompt": "a lighthouse at dusk",
                "negativePrompt": "fog",
                "contentClass": "photo",
                "numVariations": 2,
                "seeds": [11, 12],
                "size": {"width": 2688, "height": 1536},
                "promptBiasingLocaleCode": "en-US",
                "tileable": false,
                "visualIntensity": 6,
                "structure": structure,
                "style": style,
            }),
        ),
        // GenerateImagesRequest, with the model versions of its parameter.
        case(
            "/v3/images/generate-async",
            json!({"prompt": "a lighthouse at dusk"}),
        ),
        case_with_model(
            "/v3/images/generate-async",
            "image4_ultra",
            json!({
                "prompt": "a lighthouse at dusk",
                "negativePrompt": "fog",
                "contentClass": "art",
                "customModelId": "urn:aaid:sc:US:emulator-model-0001",
                "numVariations": 3,
                "seeds": [1, 2, 3],
                "size": {"width": 4096, "height": 2304},
                "promptBiasingLocaleCode": "fr-FR",
                "upsamplerType": "low_creativity",
                "visualIntensity": 10,
                "structure": structure,
                "style": style,
            }),
        ),
        // GenerateSimilarImagesSyncRequest.
        case(
            "/v3/images/generate-similar",
            json!({"image": {"source": url}}),
        ),
        case(
            "/v3/images/generate-similar",
            json!({
                "image": {"source": upload},
                "numVariations": 2,
                "seeds": [7, 8],
                "size": {"width": 2048, "height": 2048},
                "tileable": true,
            }),
        ),
        // GenerateSimilarImagesRequest.
        case(
            "/v3/images/generate-similar-async",
            json!({"image": {"source": url}}),
        ),
        case_with_model(
            "/v3/images/generate-similar-async",
            "image4_standard",
            json!({
                "image": {"source": upload},
                "numVariations": 4,
                "seeds": [1, 2, 3, 4],
                "size": {"width": 4096, "height": 4096},
            }),
        ),
        // ExpandImageSyncRequest: the mask, optional, rides in `image`.
        case("/v3/images/expand", json!({"image": {"source": url}})),
        case(
            "/v3/images/expand",
            json!({
                "image": {"source": url, "mask": mask_url},
                "prompt": "more beach",
                "numVariations": 1,
                "seeds": [5],
                "size": {"width": 2688, "height": 2688},
                "placement": placement,
            }),
        ),
        case(
            "/v3/images/expand",
            json!({"image": {"source": upload, "mask": mask_upload}}),
        ),
        // ExpandImageRequest: the mask is at the top level.
        case("/v3/images/expand-async", json!({"image": {"source": url}})),
        case(
            "/v3/images/expand-async",
            json!({
                "image": {"source": upload},
                "mask": {"source": mask_url, "invert": true},
                "prompt": "more beach",
                "numVariations": 2,
                "seeds": [5, 6],
                "size": {"width": 3999, "height": 2000},
            }),
        ),
        case(
            "/v3/images/expand-async",
            json!({"image": {"source": url}, "placement": placement}),
        ),
        // FillImageSyncRequest: `image.mask` is required, a plain source.
        case(
            "/v3/images/fill",
            json!({"image": {"source": url, "mask": mask_url}}),
        ),
        case(
            "/v3/images/fill",
            json!({"image": {"source": upload, "mask": mask_upload}}),
        ),
        case(
            "/v3/images/fill",
            json!({
                "image": {"source": url, "mask": mask_upload},
                "prompt": "a red balloon",
                "negativePrompt": "people",
                "numVariations": 2,
                "seeds": [3, 4],
                "promptBiasingLocaleCode": "de-DE",
            }),
        ),
        // FillImageRequest: `mask` is required, at the top level.
        case(
            "/v3/images/fill-async",
            json!({"image": {"source": url}, "mask": {"source": mask_url}}),
        ),
        case(
            "/v3/images/fill-async",
            json!({
                "image": {"source": upload},
                "mask": {"source": mask_upload, "invert": false},
                "prompt": "a red balloon",
                "negativePrompt": "people",
                "numVariations": 1,
                "seeds": [3],
                "promptBiasingLocaleCode": "de-DE",
                "size": {"width": 4096, "height": 1024},
            }),
        ),
        // GenerateObjectCompositeSyncRequest: the mask, optional, in `image`.
        case(
            "/v3/images/generate-object-composite",
            json!({"prompt": "on a marble table", "image": {"source": url}}),
        ),
        case(
            "/v3/images/generate-object-composite",
            json!({
                "prompt": "on a marble table",
                "image": {"source": upload, "mask": mask_url},
                "contentClass": "photo",
                "numVariations": 2,
                "seeds": [9, 10],
                "size": {"width": 2688, "height": 1792},
                "placement": placement,
                "style": style,
            }),
        ),
        case(
            "/v3/images/generate-object-composite",
            json!({"prompt": "on a marble table", "image": {"source": url, "mask": mask_upload}}),
        ),
        // GenerateObjectCompositeRequest: the mask is at the top level.
        case(
            "/v3/images/generate-object-composite-async",
            json!({"prompt": "on a marble table", "image": {"source": url}}),
        ),
        case(
            "/v3/images/generate-object-composite-async",
            json!({
                "prompt": "on a marble table",
                "image": {"source": upload},
                "mask": {"source": mask_url},
                "contentClass": "art",
                "numVariations": 1,
                "seeds": [9],
                "size": {"width": 4096, "height": 4096},
                "placement": placement,
                "style": style,
            }),
        ),
        // Image5Request: the prompt is required; a reference image makes
        // it an edit.
        case("/v4/images/generate-async", json!({"prompt": "a cat"})),
        case(
            "/v4/images/generate-async",
            json!({
                "prompt": "a cat in a spacesuit",
                "aspectRatio": "16:9",
                "resolutionLevel": "4MP",
                "modelId": "firefly_image",
                "modelSpecificPayload": {"localeCode": "en-US", "prompt_reasoner": "quality"},
                "numVariations": 1,
                "seeds": [7],
            }),
        ),
        case(
            "/v4/images/generate-async",
            json!({
                "prompt": "make it night",
                "aspectRatio": "auto",
                "referenceBlobs": [{"source": {"uploadId": UPLOAD_ID}, "usage": "general"}],
            }),
        ),
        // UpscaleRequest: the image and the seeds are required.
        case(
            "/v3/images/upscale",
            json!({"image": {"source": upload}, "seeds": [1]}),
        ),
        case(
            "/v3/images/upscale",
            json!({"image": {"source": url}, "seeds": [1, 2, 3, 4], "upscaleFactor": 6}),
        ),
        // The composites: the background (with its mask) and the object.
        case(
            "/v3/images/precise-composite",
            json!({
                "background": {"image": {"source": url}, "fillAreaMask": {"source": mask_url}},
                "object": {"image": {"source": upload}},
            }),
        ),
        case(
            "/v3/images/precise-composite",
            json!({
                "background": {"image": {"source": upload}, "fillAreaMask": {"source": mask_upload}},
                "object": {"image": {"source": url}},
                "numVariations": 3,
                "seeds": [1, 2, 3],
                "blend": 0.25,
                "output": {"mediaType": "image/jxl"},
            }),
        ),
        case(
            "/v3/images/adaptive-composite",
            json!({
                "background": {"image": {"source": url}, "fillAreaMask": {"source": mask_url}},
                "object": {"image": {"source": upload}},
            }),
        ),
        case(
            "/v3/images/adaptive-composite",
            json!({
                "background": {"image": {"source": url}, "fillAreaMask": {"source": mask_url}},
                "object": {"image": {"source": upload}, "mask": {"source": mask_upload}},
                "numVariations": 2,
                "seeds": [4, 5],
                "harmonization": 0.6,
                "shadowIntensity": 1,
                "preserveBackground": true,
                "output": {"mediaType": "image/webp"},
            }),
        ),
        // GenerateVideoRequest: nothing is required.
        case("/v3/videos/generate", json!({})),
        case_with_model(
            "/v3/videos/generate",
            "video1_standard",
            json!({
                "prompt": "a drone shot over a coastline",
                "bitRateFactor": 18,
                "seeds": [42],
                "sizes": [{"width": 1920, "height": 1080}],
                "image": {"conditions": [
                    {"source": {"url": IMAGE_URL}, "placement": {"position": 0}},
                    {"source": {"uploadId": UPLOAD_ID}, "placement": {"position": 1}},
                ]},
                "videoSettings": {
                    "cameraMotion": "camera pan left",
                    "promptStyle": "cinematic",
                    "shotAngle": "aerial shot",
                    "shotSize": "long shot",
                },
            }),
        ),
    ]
}

/// The fields a 422 names, as dotted paths (`body.size.width`).
pub fn invalid_fields(body: &Value) -> Vec<String> {
    body["validation_errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| {
                    error["loc"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts a 422 in Adobe's shape naming `field`.
pub fn assert_refused(case: &Case, (status, body): &(u16, Value), field: &str) {
    let what = format!("{} {}: {}", case.path, case.model.unwrap_or("-"), case.body);
    assert_eq!(*status, 422, "{what}: {body}");
    assert_eq!(body["error_code"], "validation_error", "{what}: {body}");
    for error in body["validation_errors"]
        .as_array()
        .expect("validation_errors")
    {
        assert!(
            error["loc"].is_array() && error["msg"].is_string() && error["type"].is_string(),
            "{what}: {error}"
        );
    }
    assert!(
        invalid_fields(body).iter().any(|f| f == field),
        "{what}: expected {field} among {body}"
    );
}
