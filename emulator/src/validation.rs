//! Request bodies and the `x-model-version` header are checked against the
//! spec, as Firefly checks them, and problems are reported in Adobe's
//! `validation_errors` shape.
//!
//! The spec is the project's `openapi/firefly/firefly.yaml` (imported from Adobe's
//! published files), embedded here at compile time. The emulator reads it
//! itself, with no code shared with the SDK, so it can catch the SDK's
//! mistakes instead of repeating them.
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

use std::{collections::HashMap, sync::OnceLock};

use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::routes::Verb;

/// The spec, as YAML text.
const SPEC_YAML: &str = include_str!("../openapi/firefly.yaml");

/// The header that picks the model, checked against the operation's enum.
const MODEL_VERSION: &str = "x-model-version";

/// How many `$ref`s in a row [`resolve`] follows before giving up.
const MAX_REF_HOPS: usize = 32;

/// The spec parsed once per process (tests start many emulators), with
/// `nullable` already translated.
fn spec() -> Result<&'static Value, String> {
    static SPEC: OnceLock<Result<Value, String>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let mut spec: Value =
            serde_norway::from_str(SPEC_YAML).map_err(|e| format!("the spec: {e}"))?;
        translate_nullable(&mut spec);
        Ok(spec)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Validators for the operations the emulator checks, read from the spec.
pub(crate) struct SpecValidator {
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
    /// Validators for these operations (method and path, as routed), from
    /// the embedded spec. `Err` names the first operation the spec does not
    /// describe well enough to check.
    pub(crate) fn new(operations: &[(Verb, &'static str)]) -> Result<Self, String> {
        Self::from_spec(spec()?, operations)
    }

    /// [`SpecValidator::new`] for a spec already parsed and translated.
    fn from_spec(spec: &Value, operations: &[(Verb, &'static str)]) -> Result<Self, String> {
        let mut checks = HashMap::new();
        for &(method, path) in operations {
            let name = format!("{} {path}", method.as_str());
            let check = OperationCheck::read(spec, method, path).map_err(|e| {
                format!(
                    "openapi/firefly/firefly.yaml, {name} (an operation the emulator serves): {e}"
                )
            })?;
            checks.insert((method, path), check);
        }
        Ok(Self { operations: checks })
    }

    /// Problems with `body` as the request body of `method path`.
    pub(crate) fn body(&self, method: Verb, path: &str, body: &Value) -> Vec<Value> {
        match self.operations.get(&(method, path)) {
            Some(check) => problems(&check.body, body),
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

/// The path item and operation object of `method path` in the spec's
/// `paths`; path parameter names need not match (`{jobId}`, `{job_id}`).
fn operation<'a>(
    spec: &'a Value,
    method: Verb,
    path: &str,
) -> Result<(&'a Value, &'a Value), String> {
    let missing = || "the spec has no such operation".to_owned();
    let paths = spec["paths"].as_object().ok_or_else(missing)?;
    let wanted = path_shape(path);
    let (_, path_item) = paths
        .iter()
        .find(|(template, _)| path_shape(template) == wanted)
        .ok_or_else(missing)?;
    let path_item = resolve(spec, path_item)?;
    let operation = resolve(spec, &path_item[method.as_str().to_ascii_lowercase()])?;
    if operation.is_object() {
        Ok((path_item, operation))
    } else {
        Err(missing())
    }
}

/// A path template with its parameter names dropped: `/v3/status/{}`.
fn path_shape(template: &str) -> String {
    let mut shape = String::with_capacity(template.len());
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
            _ if in_parameter => {}
            _ => shape.push(c),
        }
    }
    shape
}

/// The header parameter `name` of an operation: its own parameters first,
/// then its path item's, as OpenAPI says.
fn header_parameter<'a>(
    spec: &'a Value,
    path_item: &'a Value,
    operation: &'a Value,
    name: &str,
) -> Result<Option<&'a Value>, String> {
    for parameters in [&operation["parameters"], &path_item["parameters"]] {
        for parameter in parameters.as_array().into_iter().flatten() {
            let parameter = resolve(spec, parameter)?;
            if parameter["in"] == "header"
                && parameter["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            {
                return Ok(Some(parameter));
            }
        }
    }
    Ok(None)
}

/// `value`, or what its local `$ref` (`#/...`) points to, followed as far as
/// it goes.
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> Result<&'a Value, String> {
    for _ in 0..MAX_REF_HOPS {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Ok(value);
        };
        let pointer = reference
            .strip_prefix('#')
            .ok_or_else(|| format!("{reference}: only references within the spec are read"))?;
        value = spec
            .pointer(pointer)
            .ok_or_else(|| format!("{reference}: not in the spec"))?;
    }
    Err(format!("more than {MAX_REF_HOPS} references in a row"))
}

/// The string values a schema enumerates, through `$ref`s and `allOf`s.
fn enumerated(spec: &Value, schema: &Value) -> Option<Vec<String>> {
    let schema = resolve(spec, schema).ok()?;
    if let Some(values) = schema["enum"].as_array() {
        return Some(
            values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        );
    }
    schema["allOf"]
        .as_array()?
        .iter()
        .find_map(|part| enumerated(spec, part))
}

/// A validator for one schema of the spec; the components travel with it
/// so its `$ref`s resolve.
fn compile(spec: &Value, schema: &Value) -> Result<jsonschema::Validator, String> {
    let root = json!({
        "allOf": [schema],
        "components": spec["components"],
    });
    jsonschema::draft4::options()
        .build(&root)
        .map_err(|e| e.to_string())
}

/// OpenAPI 3.0's `nullable: true` in JSON Schema terms: `null` joins the
/// schema's `type` (and its `enum`, if any), or, in a schema with no `type`
/// (`nullable` beside an `allOf`), `null` is accepted besides the schema.
fn translate_nullable(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(translate_nullable),
        Value::Object(object) => {
            object.values_mut().for_each(translate_nullable);
            let nullable = match object.get("nullable") {
                Some(Value::Bool(nullable)) => *nullable,
                _ => return,
            };
            object.remove("nullable");
            if !nullable {
                return;
            }
            let null = json!("null");
            match object.get_mut("type") {
                Some(Value::String(kind)) => {
                    let kind = std::mem::take(kind);
                    object.insert("type".into(), json!([kind, "null"]));
                }
                Some(Value::Array(kinds)) if !kinds.contains(&null) => kinds.push(null),
                Some(_) => {}
                None => {
                    let schema = std::mem::take(object);
                    *value = json!({"anyOf": [{"type": "null"}, schema]});
                    return;
                }
            }
            if let Some(Value::Array(values)) = object.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
        }
        _ => {}
    }
}

/// Schema violations plus the rule the schema cannot say: as many seeds as
/// `numVariations`.
fn problems(validator: &jsonschema::Validator, body: &Value) -> Vec<Value> {
    let mut found = Vec::new();
    for error in validator.iter_errors(body) {
        describe(&error, &mut found);
    }
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

/// One violation as Adobe's `{loc, msg, type}`, the field path in `loc`.
///
/// An `anyOf` or `oneOf` none of whose alternatives fit is narrowed when
/// the value has the type of one alternative only (as with `nullable`
/// beside an `allOf`): that alternative's own problems are the ones
/// reported, so they name the field that is wrong inside the value.
fn describe(error: &jsonschema::ValidationError<'_>, found: &mut Vec<Value>) {
    use jsonschema::error::ValidationErrorKind as Kind;
    if let Kind::AnyOf { context } | Kind::OneOfNotValid { context } = error.kind() {
        let at = error.instance_path().as_str();
        let mut plausible = context.iter().filter(|branch| {
            !branch
                .iter()
                .all(|e| matches!(e.kind(), Kind::Type { .. }) && e.instance_path().as_str() == at)
        });
        if let (Some(branch), None) = (plausible.next(), plausible.next())
            && !branch.is_empty()
        {
            for error in branch {
                describe(error, found);
            }
            return;
        }
    }
    let mut loc = vec![json!("body")];
    loc.extend(
        error
            .instance_path()
            .as_str()
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<u64>().map_or_else(
                    |_| json!(s.replace("~1", "/").replace("~0", "~")),
                    |n| json!(n),
                )
            }),
    );
    let kind = format!("value_error.{}", error.kind().keyword());
    match error.kind() {
        Kind::Required { property } => loc.push(property.clone()),
        Kind::AdditionalProperties { unexpected } => {
            for name in unexpected {
                let mut loc = loc.clone();
                loc.push(json!(name));
                found.push(json!({"loc": loc, "msg": "extra fields not permitted", "type": kind}));
            }
            return;
        }
        _ => {}
    }
    found.push(json!({"loc": loc, "msg": error.to_string(), "type": kind}));
}

#[cfg(test)]
#[path = "validation_tests.rs"]
mod tests;
