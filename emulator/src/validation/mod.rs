//! Requests checked against their API's own spec, as Adobe checks them,
//! with problems reported in Adobe's `validation_errors` shape.
//!
//! Each API's spec is the workspace's `openapi/<api>/<api>.yaml` (imported
//! from Adobe's published files), embedded here at compile time through the
//! emulator's `openapi/<api>.yaml` symlink. The emulator reads it itself,
//! with no code shared with the SDK, so it can catch the SDK's mistakes
//! instead of repeating them. [`Validators`] holds one [`SpecValidator`]
//! per API, each built from that API's spec alone: a route of one API is
//! never checked against another's schemas.
//!
//! Each operation is checked against its own entry in the spec's `paths`:
//! the schema of `requestBody.content["application/json"]` and the schema of
//! its `x-model-version` header parameter, if it has one. No schema is named
//! here, so a renamed schema or a new operation cannot be checked against
//! the wrong one. An operation the emulator serves without a body schema in
//! the spec stops the emulator from starting.
//!
//! The schemas are OpenAPI 3.0 schemas, checked as JSON Schema draft 4 (the
//! draft OpenAPI 3.0 builds on, with the boolean `exclusiveMinimum`) after
//! one translation: `nullable: true` lets `null` through. `allOf`, `anyOf`,
//! `oneOf` and `additionalProperties` mean what they say; where the spec
//! does not forbid other properties, unknown fields are accepted, as
//! Firefly accepts them.
//!
//! Photoshop's spec needs one more reading. Its alternatives overlap and
//! are told apart by a `discriminator` whose values no mapping gives (a
//! PNG output is valid under all six output schemas, which differ only
//! by the options of their format; an added pixel layer is also a valid
//! move), so a `oneOf` as JSON Schema reads it would refuse every output
//! and every layer edit. Photoshop's `oneOf`s are read as `anyOf`: a value
//! fits at least one alternative. What the overlap hides is checked by
//! `photoshop_rules`: a file's source and an output's destination name
//! exactly one kind of storage.

mod openapi; // reading a spec: operations, parameters, `$ref`s, schemas
mod photoshop_rules; // what Photoshop's schemas cannot say
mod problems; // violations in Adobe's `{loc, msg, type}` shape

use std::{collections::HashMap, sync::OnceLock};

use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::api::{Api, Verb};
use openapi::{
    compile, enumerated, header_parameter, one_of_as_any_of, operation, resolve, translate_nullable,
};
use problems::{firefly_rules, schema_problems};

/// Firefly's spec, as YAML text.
const FIREFLY_YAML: &str = include_str!("../../openapi/firefly.yaml");

/// Photoshop's spec, as YAML text.
const PHOTOSHOP_YAML: &str = include_str!("../../openapi/photoshop.yaml");

/// The Audio/Video API's spec, as YAML text.
const AUDIO_VIDEO_YAML: &str = include_str!("../../openapi/audio-video.yaml");

/// The InDesign API's spec, as YAML text.
const INDESIGN_YAML: &str = include_str!("../../openapi/indesign.yaml");

/// The Substance 3D API's spec, as YAML text.
const SUBSTANCE3D_YAML: &str = include_str!("../../openapi/substance3d.yaml");

/// The header that picks the model, checked against the operation's enum.
const MODEL_VERSION: &str = "x-model-version";

/// `api`'s spec, parsed once per process (tests start many emulators),
/// with `nullable` already translated (and Photoshop's `oneOf`s read as
/// `anyOf`, see the module's documentation).
fn spec(api: Api) -> Result<&'static Value, String> {
    static FIREFLY: OnceLock<Result<Value, String>> = OnceLock::new();
    static PHOTOSHOP: OnceLock<Result<Value, String>> = OnceLock::new();
    static AUDIO_VIDEO: OnceLock<Result<Value, String>> = OnceLock::new();
    static INDESIGN: OnceLock<Result<Value, String>> = OnceLock::new();
    static SUBSTANCE3D: OnceLock<Result<Value, String>> = OnceLock::new();
    let (parsed, yaml) = match api {
        Api::Firefly => (&FIREFLY, FIREFLY_YAML),
        Api::Photoshop => (&PHOTOSHOP, PHOTOSHOP_YAML),
        Api::AudioVideo => (&AUDIO_VIDEO, AUDIO_VIDEO_YAML),
        Api::InDesign => (&INDESIGN, INDESIGN_YAML),
        Api::Substance3d => (&SUBSTANCE3D, SUBSTANCE3D_YAML),
    };
    parsed
        .get_or_init(|| {
            let mut spec: Value =
                serde_norway::from_str(yaml).map_err(|e| format!("the spec: {e}"))?;
            translate_nullable(&mut spec);
            if api == Api::Photoshop {
                one_of_as_any_of(&mut spec);
            }
            Ok(spec)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// One [`SpecValidator`] per API, each from that API's own spec.
pub(crate) struct Validators {
    by_api: HashMap<Api, SpecValidator>,
}

impl Validators {
    /// A validator for each API, checking the operations `operations(api)`
    /// names (method and path, as routed). `Err` names the first operation
    /// its API's spec does not describe well enough to check.
    pub(crate) fn new(
        operations: impl Fn(Api) -> Vec<(Verb, &'static str)>,
    ) -> Result<Self, String> {
        let by_api = Api::ALL
            .into_iter()
            .map(|api| Ok((api, SpecValidator::new(api, &operations(api))?)))
            .collect::<Result<_, String>>()?;
        Ok(Self { by_api })
    }

    /// The validator of `api`'s requests.
    pub(crate) fn of(&self, api: Api) -> &SpecValidator {
        // `new` made one for every API.
        &self.by_api[&api]
    }
}

/// Validators for the operations of one API that the emulator checks, read
/// from that API's spec.
pub(crate) struct SpecValidator {
    api: Api,
    operations: HashMap<(Verb, &'static str), OperationCheck>,
}

/// What one operation's entry in the spec says about its requests, and
/// the statuses it documents answering with.
struct OperationCheck {
    body: jsonschema::Validator,
    model_version: Option<HeaderCheck>,
    statuses: Vec<u16>,
}

/// A header parameter of an operation.
struct HeaderCheck {
    required: bool,
    schema: jsonschema::Validator,
    /// The values its schema enumerates, for the message.
    allowed: Option<Vec<String>>,
}

impl SpecValidator {
    /// Validators for these operations (method and path, as routed) of
    /// `api`, from its embedded spec. `Err` names the first operation the
    /// spec does not describe well enough to check.
    pub(crate) fn new(api: Api, operations: &[(Verb, &'static str)]) -> Result<Self, String> {
        Self::from_spec(api, spec(api)?, operations)
    }

    /// [`SpecValidator::new`] for a spec already parsed and translated.
    fn from_spec(
        api: Api,
        spec: &Value,
        operations: &[(Verb, &'static str)],
    ) -> Result<Self, String> {
        let mut checks = HashMap::new();
        for &(method, path) in operations {
            let name = format!("{} {path}", method.as_str());
            let check = OperationCheck::read(spec, method, path).map_err(|e| {
                format!(
                    "{}, {name} (an operation the emulator serves): {e}",
                    api.spec_path()
                )
            })?;
            checks.insert((method, path), check);
        }
        Ok(Self {
            api,
            operations: checks,
        })
    }

    /// Problems with `body` as the request body of `method path`.
    pub(crate) fn body(&self, method: Verb, path: &str, body: &Value) -> Vec<Value> {
        match self.operations.get(&(method, path)) {
            Some(check) => {
                let mut found = schema_problems(&check.body, body);
                match self.api {
                    Api::Firefly => found.extend(firefly_rules(body)),
                    Api::Photoshop => found.extend(photoshop_rules::check(path, body)),
                    Api::AudioVideo | Api::InDesign | Api::Substance3d => {}
                }
                found
            }
            None => vec![json!({
                "loc": ["body"],
                "msg": format!("no schema for {} {path}", method.as_str()),
                "type": "value_error",
            })],
        }
    }

    /// Whether the spec lists `status` among the answers of `method path`,
    /// so that an injected fault answers only what the operation can.
    pub(crate) fn documents_status(&self, method: Verb, path: &str, status: u16) -> bool {
        self.operations
            .get(&(method, path))
            .is_some_and(|check| check.statuses.contains(&status))
    }

    /// Problems with the headers the spec describes for `method path`:
    /// `x-model-version` missing though required, or not one of the values
    /// its schema allows.
    pub(crate) fn headers(&self, method: Verb, path: &str, headers: &HeaderMap) -> Vec<Value> {
        let Some(check) = self
            .operations
            .get(&(method, path))
            .and_then(|operation| operation.model_version.as_ref())
        else {
            return Vec::new();
        };
        let loc = json!(["header", MODEL_VERSION]);
        let Some(value) = headers.get(MODEL_VERSION) else {
            return if check.required {
                vec![json!({"loc": loc, "msg": "field required", "type": "value_error.missing"})]
            } else {
                Vec::new()
            };
        };
        let value = json!(value.to_str().unwrap_or_default());
        if check.schema.is_valid(&value) {
            return Vec::new();
        }
        let problem = match &check.allowed {
            Some(allowed) => json!({
                "loc": loc,
                "msg": format!("value is not one of {}", allowed.join(", ")),
                "type": "type_error.enum",
            }),
            None => {
                let error = check.schema.iter_errors(&value).next();
                json!({
                    "loc": loc,
                    "msg": error.as_ref().map_or_else(|| "invalid value".to_owned(), ToString::to_string),
                    "type": format!("value_error.{}", error.as_ref().map_or("value", |e| e.kind().keyword())),
                })
            }
        };
        vec![problem]
    }
}

impl OperationCheck {
    /// The checks `paths.<path>.<method>` describes.
    fn read(spec: &Value, method: Verb, path: &str) -> Result<Self, String> {
        let (path_item, operation) = operation(spec, method, path)?;
        let request_body = resolve(spec, &operation["requestBody"])?;
        let schema = &request_body["content"]["application/json"]["schema"];
        if !schema.is_object() {
            return Err(
                "the spec gives no requestBody.content[\"application/json\"].schema".to_owned(),
            );
        }
        let body = compile(spec, schema).map_err(|e| format!("the request body schema: {e}"))?;
        let model_version = match header_parameter(spec, path_item, operation, MODEL_VERSION)? {
            None => None,
            Some(parameter) => {
                let schema = &parameter["schema"];
                if !schema.is_object() {
                    return Err(format!("the {MODEL_VERSION} parameter has no schema"));
                }
                Some(HeaderCheck {
                    required: parameter["required"].as_bool().unwrap_or(false),
                    schema: compile(spec, schema)
                        .map_err(|e| format!("the {MODEL_VERSION} schema: {e}"))?,
                    allowed: enumerated(spec, schema),
                })
            }
        };
        // Keys such as `default` or `4XX` name no one status: skipped.
        let statuses = operation["responses"]
            .as_object()
            .into_iter()
            .flat_map(|responses| responses.keys())
            .filter_map(|status| status.parse().ok())
            .collect();
        Ok(Self {
            body,
            model_version,
            statuses,
        })
    }
}

#[cfg(test)]
mod tests;
