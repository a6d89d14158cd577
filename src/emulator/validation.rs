//! Request bodies are checked against the vendored spec, as Firefly checks
//! them, and problems are reported in Adobe's `validation_errors` shape.

use serde_json::{Value, json};

/// Validators for the request schemas of the vendored spec.
pub(crate) struct SpecValidator {
    generate_async: jsonschema::Validator,
    generate_sync: jsonschema::Validator,
    model_versions: Vec<String>,
}

impl SpecValidator {
    pub(crate) fn new() -> Result<Self, String> {
        let spec: Value = serde_json::from_str(crate::SPEC_JSON).map_err(|e| e.to_string())?;
        let build = |name: &str| {
            // The components travel with the schema so `$ref`s resolve.
            let schema = json!({
                "allOf": [{"$ref": format!("#/components/schemas/{name}")}],
                "components": spec["components"],
            });
            jsonschema::draft4::options()
                .build(&schema)
                .map_err(|e| format!("schema {name}: {e}"))
        };
        let model_versions = spec["components"]["schemas"]["ImageModelVersion"]["enum"]
            .as_array()
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            generate_async: build("GenerateImagesRequest")?,
            generate_sync: build("GenerateImagesSyncRequest")?,
            model_versions,
        })
    }

    pub(crate) fn generate_async(&self, body: &Value) -> Vec<Value> {
        problems(&self.generate_async, body)
    }

    pub(crate) fn generate_sync(&self, body: &Value) -> Vec<Value> {
        problems(&self.generate_sync, body)
    }

    pub(crate) fn model_version(&self, value: &str) -> Option<Value> {
        (!self.model_versions.iter().any(|v| v == value)).then(|| {
            json!({
                "loc": ["header", "x-model-version"],
                "msg": format!("value is not one of {}", self.model_versions.join(", ")),
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
