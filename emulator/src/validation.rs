//! Request bodies are checked against the spec, as Firefly checks them, and
//! problems are reported in Adobe's `validation_errors` shape.
//!
//! The spec is the project's `openapi/firefly.yaml` (imported from Adobe's
//! published files), embedded here at compile time. The emulator reads it
//! itself, with no code shared with the SDK, so it can catch the SDK's
//! mistakes instead of repeating them.

use serde_json::{Value, json};

use std::{collections::HashMap, sync::OnceLock};

/// The spec, as YAML text.
const SPEC_YAML: &str = include_str!("../openapi/firefly.yaml");

/// The spec parsed once per process: tests start many emulators.
fn spec() -> Result<&'static Value, String> {
    static SPEC: OnceLock<Result<Value, String>> = OnceLock::new();
    SPEC.get_or_init(|| serde_norway::from_str(SPEC_YAML).map_err(|e| format!("the spec: {e}")))
        .as_ref()
        .map_err(Clone::clone)
}

/// Request schemas the emulator checks bodies against.
const REQUEST_SCHEMAS: &[&str] = &[
    "GenerateImagesRequest",
    "GenerateImagesSyncRequest",
    "GenerateSimilarImagesRequest",
    "GenerateSimilarImagesSyncRequest",
    "ExpandImageRequest",
    "ExpandImageSyncRequest",
    "FillImageRequest",
    "FillImageSyncRequest",
    "GenerateObjectCompositeRequest",
    "GenerateVideoRequest",
];

/// Enums of the `x-model-version` header, by schema name.
const MODEL_ENUMS: &[&str] = &[
    "ImageModelVersion",
    "SimilarImageModelVersion",
    "VideoModelVersion",
];

/// Validators for the request schemas of the vendored spec.
pub(crate) struct SpecValidator {
    bodies: HashMap<&'static str, jsonschema::Validator>,
    model_versions: HashMap<&'static str, Vec<String>>,
}

impl SpecValidator {
    pub(crate) fn new() -> Result<Self, String> {
        let spec = spec()?;
        let mut bodies = HashMap::new();
        for name in REQUEST_SCHEMAS {
            // The components travel with the schema so `$ref`s resolve.
            let schema = json!({
                "allOf": [{"$ref": format!("#/components/schemas/{name}")}],
                "components": spec["components"],
            });
            let validator = jsonschema::draft4::options()
                .build(&schema)
                .map_err(|e| format!("schema {name}: {e}"))?;
            bodies.insert(*name, validator);
        }
        let model_versions = MODEL_ENUMS
            .iter()
            .map(|name| {
                let values = spec["components"]["schemas"][name]["enum"]
                    .as_array()
                    .map(|values| {
                        values
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                (*name, values)
            })
            .collect();
        Ok(Self {
            bodies,
            model_versions,
        })
    }

    /// Problems with `body` as an instance of the named request schema.
    pub(crate) fn body(&self, schema: &str, body: &Value) -> Vec<Value> {
        match self.bodies.get(schema) {
            Some(validator) => problems(validator, body),
            None => vec![
                json!({"loc": ["body"], "msg": format!("no schema {schema}"), "type": "value_error"}),
            ],
        }
    }

    /// A problem if `value` is not one of the named enum's model versions.
    pub(crate) fn model_version(&self, enum_name: &str, value: &str) -> Option<Value> {
        let allowed = self.model_versions.get(enum_name)?;
        (!allowed.iter().any(|v| v == value)).then(|| {
            json!({
                "loc": ["header", "x-model-version"],
                "msg": format!("value is not one of {}", allowed.join(", ")),
                "type": "type_error.enum",
            })
        })
    }
}

/// Schema violations plus the rule the schema cannot say: as many seeds as
/// `numVariations`.
fn problems(validator: &jsonschema::Validator, body: &Value) -> Vec<Value> {
    let mut found: Vec<Value> = validator
        .iter_errors(body)
        .map(|error| {
            let mut loc = vec![json!("body")];
            loc.extend(
                error
                    .instance_path()
                    .as_str()
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse::<u64>().map_or_else(|_| json!(s), |n| json!(n))),
            );
            if let jsonschema::error::ValidationErrorKind::Required { property } = error.kind() {
                loc.push(property.clone());
            }
            json!({"loc": loc, "msg": error.to_string(), "type": format!("value_error.{}", error.kind().keyword())})
        })
        .collect();
    if let (Some(n), Some(seeds)) = (body["numVariations"].as_u64(), body["seeds"].as_array())
        && seeds.len() as u64 != n
    {
        found.push(json!({
            "loc": ["body", "seeds"],
            "msg": "the number of seeds must equal numVariations",
            "type": "value_error",
        }));
    }
    found
}
