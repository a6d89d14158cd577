//! Tool input schemas, derived through `schemars` from the SDK's request
//! types, simplified where agents struggle; and the arguments an agent
//! sends turned back into those types.
//!
//! The simplification: Firefly wants an image as
//! `{"source": {"uploadId": ".."}}` or `{"source": {"url": ".."}}`, after
//! a separate upload. Here every image source is one string (a local file,
//! `upload:<id>` or a URL), and a top-level `image` or `mask` may be that
//! string alone. Files are uploaded when the tool is called.

use std::{collections::BTreeMap, sync::Arc};

use adobe_firefly::Firefly;
use rmcp::model::JsonObject;
use schemars::{JsonSchema, generate::SchemaSettings};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::{
    commands::upload,
    error::CliError,
    parse::{self, ImageInput},
};

/// What an image string may be, as the tools' schemas say it.
pub const IMAGE_STRING: &str = "An image: the absolute path of a local JPEG, PNG, WebP, JPEG XL \
or TIFF file (uploaded first, at most 15 MiB), `upload:<id>` for an image uploaded with \
upload_image, or an https URL Firefly can fetch (such as a pre-signed URL).";

/// The SDK's definitions of an image source (`{uploadId}` or `{url}`),
/// each replaced by the image string.
const SOURCE_DEFINITIONS: &[&str] = &[
    "InputSource",
    "ReferenceImageSource",
    "CompositeImageSource",
];

/// Top-level properties that may also be given as an image string alone.
const SHORTHAND_PROPERTIES: &[&str] = &["image", "mask"];

/// The input schema of `T` (an SDK request type, or a tool's arguments
/// flattening one), with image sources simplified.
pub fn input_schema<T: JsonSchema>() -> Arc<JsonObject> {
    let mut value = Value::Object(raw_input_schema::<T>().as_ref().clone());
    simplify(&mut value);
    match value {
        Value::Object(object) => Arc::new(object),
        _ => Arc::new(JsonObject::new()),
    }
}

/// The input schema of `T` as schemars derives it, without Firefly's image
/// strings (Photoshop's tools take its file references as they are).
pub fn raw_input_schema<T: JsonSchema>() -> Arc<JsonObject> {
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    match serde_json::to_value(schema).unwrap_or_else(|_| json!({})) {
        Value::Object(object) => Arc::new(object),
        // A root schema is always an object; `true` would mean "anything".
        _ => Arc::new(JsonObject::new()),
    }
}

fn image_string() -> Value {
    json!({"type": "string", "minLength": 1, "description": IMAGE_STRING})
}

fn simplify(schema: &mut Value) {
    let definitions = schema.get("$defs").cloned().unwrap_or(Value::Null);
    if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) {
        for name in SOURCE_DEFINITIONS {
            if let Some(def) = defs.get_mut(*name) {
                *def = image_string();
            }
        }
    }
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for name in SHORTHAND_PROPERTIES {
        let Some(property) = properties.get_mut(*name) else {
            continue;
        };
        let has_source = first_ref(property)
            .and_then(|target| target.strip_prefix("#/$defs/"))
            .and_then(|def| definitions.get(def))
            .and_then(|def| def.pointer("/properties/source"))
            .is_some();
        if has_source {
            let description = property.get("description").cloned();
            let mut shorthand = json!({"anyOf": [image_string(), property.take()]});
            if let Some(description) = description {
                shorthand["description"] = description;
            }
            *property = shorthand;
        }
    }
}

/// The first `$ref` in a property's schema, directly or under
/// `allOf`/`anyOf`/`oneOf` (how schemars writes an optional or described
/// reference).
fn first_ref(schema: &Value) -> Option<&str> {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        return Some(target);
    }
    ["allOf", "anyOf", "oneOf"]
        .iter()
        .filter_map(|key| schema.get(*key).and_then(Value::as_array))
        .flatten()
        .find_map(first_ref)
}

/// Turns the image strings of a call's arguments back into the request's
/// shape: a top-level `image` or `mask` string becomes `{"source": ..}`,
/// and every `source` string an upload id or a URL, local files uploaded
/// first (each once). A missing or unreadable file fails, naming it.
pub async fn resolve_images(firefly: &Firefly, arguments: &mut Value) -> Result<(), CliError> {
    if let Some(object) = arguments.as_object_mut() {
        for name in SHORTHAND_PROPERTIES {
            if let Some(value) = object.get_mut(*name).filter(|value| value.is_string()) {
                *value = json!({"source": value.take()});
            }
        }
    }
    let mut sources = Vec::new();
    collect_sources(arguments, &mut sources);
    let mut resolved = BTreeMap::new();
    for given in sources {
        if resolved.contains_key(&given) {
            continue;
        }
        let source = match parse::image_input(&given).map_err(CliError::Usage)? {
            ImageInput::Upload(id) => json!({"uploadId": id}),
            ImageInput::Url(url) => json!({"url": url}),
            ImageInput::File(path) => {
                json!({"uploadId": upload::upload_file(firefly, &path).await?.id})
            }
        };
        resolved.insert(given, source);
    }
    replace_sources(arguments, &resolved);
    Ok(())
}

fn collect_sources(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                match (key.as_str(), value) {
                    ("source", Value::String(given)) => found.push(given.clone()),
                    _ => collect_sources(value, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_sources(item, found)),
        _ => {}
    }
}

fn replace_sources(value: &mut Value, resolved: &BTreeMap<String, Value>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                match (key.as_str(), &*value) {
                    ("source", Value::String(given)) => {
                        if let Some(source) = resolved.get(given) {
                            *value = source.clone();
                        }
                    }
                    _ => replace_sources(value, resolved),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| replace_sources(item, resolved)),
        _ => {}
    }
}

/// The arguments as `T`; a message naming what is wrong otherwise. A
/// name the schema does not have is refused rather than ignored: a
/// misspelt `numVariation` would otherwise be a paid job without it.
pub fn parse_arguments<T: DeserializeOwned + JsonSchema>(arguments: Value) -> Result<T, String> {
    let schema = input_schema::<T>();
    if let (Some(properties), Some(given)) = (
        schema.get("properties").and_then(Value::as_object),
        arguments.as_object(),
    ) {
        let unknown: Vec<&str> = given
            .keys()
            .filter(|name| !properties.contains_key(name.as_str()))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            let known: Vec<&str> = properties.keys().map(String::as_str).collect();
            return Err(format!(
                "the arguments do not match the tool's input schema: unknown argument {}; \
                 the arguments are {}",
                quoted(&unknown),
                quoted(&known)
            ));
        }
    }
    serde_json::from_value(arguments)
        .map_err(|error| format!("the arguments do not match the tool's input schema: {error}"))
}

/// `a`, `b`, `c`.
fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use adobe_firefly::types::{ExpandImageRequest, GenerateVideoRequest};

    use super::*;

    #[test]
    fn image_sources_are_strings_and_a_top_level_image_may_be_one() {
        let schema = Value::Object((*input_schema::<ExpandImageRequest>()).clone());
        assert_eq!(schema["$defs"]["InputSource"]["type"], "string");
        let image = &schema["properties"]["image"];
        assert_eq!(image["anyOf"][0]["type"], "string", "{image}");
        assert!(
            image["anyOf"][0]["description"]
                .as_str()
                .unwrap()
                .contains("upload:<id>")
        );
        assert!(
            first_ref(&image["anyOf"][1]).is_some(),
            "the full form stays: {image}"
        );
        assert_eq!(schema["required"], json!(["image"]));
    }

    #[test]
    fn a_video_source_is_a_string_too() {
        let schema = Value::Object((*input_schema::<GenerateVideoRequest>()).clone());
        assert_eq!(schema["$defs"]["InputSource"]["type"], "string");
    }

    #[test]
    fn image_strings_become_sources_without_uploading_ids_or_urls() {
        let mut arguments = json!({
            "image": "upload:abc",
            "mask": {"source": "https://example.com/mask.png", "invert": true},
            "style": {"imageReference": {"source": "upload:abc"}},
        });
        let resolved = BTreeMap::from([
            ("upload:abc".to_owned(), json!({"uploadId": "abc"})),
            (
                "https://example.com/mask.png".to_owned(),
                json!({"url": "https://example.com/mask.png"}),
            ),
        ]);
        if let Some(image) = arguments.get_mut("image") {
            *image = json!({"source": image.take()});
        }
        let mut found = Vec::new();
        collect_sources(&arguments, &mut found);
        found.sort();
        assert_eq!(
            found,
            ["https://example.com/mask.png", "upload:abc", "upload:abc"]
        );
        replace_sources(&mut arguments, &resolved);
        assert_eq!(
            arguments["style"]["imageReference"]["source"]["uploadId"],
            "abc"
        );
        // `style` showed that nested sources are found; expand has none.
        arguments.as_object_mut().unwrap().remove("style");
        let request: ExpandImageRequest = parse_arguments(arguments).unwrap();
        assert_eq!(request.image.source.upload_id.as_deref(), Some("abc"));
        let mask = request.mask.unwrap();
        assert_eq!(
            mask.source.url.as_deref(),
            Some("https://example.com/mask.png")
        );
    }

    #[test]
    fn an_argument_the_schema_does_not_have_is_named_with_the_ones_it_has() {
        let error =
            parse_arguments::<ExpandImageRequest>(json!({"image": "upload:a", "numVariation": 2}))
                .unwrap_err();
        assert!(error.contains("unknown argument `numVariation`"), "{error}");
        assert!(error.contains("`numVariations`"), "{error}");
    }

    #[test]
    fn arguments_of_the_wrong_shape_are_named() {
        let error = parse_arguments::<ExpandImageRequest>(json!({"image": 3})).unwrap_err();
        assert!(error.contains("input schema"), "{error}");
    }
}
