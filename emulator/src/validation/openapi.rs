//! Reading an OpenAPI 3.0 spec: an operation's entry in `paths`, its
//! header parameters, local `$ref`s, and its schemas compiled for
//! checking. Nothing here knows which API the spec describes.

use serde_json::{Value, json};

use crate::api::Verb;

/// How many `$ref`s in a row [`resolve`] follows before giving up: a
/// spec whose references loop must fail, not hang the emulator.
const MAX_REF_HOPS: usize = 32;

/// The path item and operation object of `method path` in the spec's
/// `paths`; path parameter names need not match (`{jobId}`, `{job_id}`).
pub(super) fn operation<'a>(
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
pub(super) fn path_shape(template: &str) -> String {
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
pub(super) fn header_parameter<'a>(
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
pub(super) fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> Result<&'a Value, String> {
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
pub(super) fn enumerated(spec: &Value, schema: &Value) -> Option<Vec<String>> {
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
pub(super) fn compile(spec: &Value, schema: &Value) -> Result<jsonschema::Validator, String> {
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
pub(super) fn translate_nullable(value: &mut Value) {
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

/// Every `oneOf` of the spec read as an `anyOf`: a value must fit at least
/// one alternative, not exactly one. For specs whose alternatives overlap
/// and are told apart by a `discriminator` without a mapping (Photoshop's).
pub(super) fn one_of_as_any_of(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(one_of_as_any_of),
        Value::Object(object) => {
            object.values_mut().for_each(one_of_as_any_of);
            // Only where `oneOf` is a keyword (its value a list of
            // schemas), not a property that happens to be named so.
            if object.get("oneOf").is_some_and(Value::is_array)
                && !object.contains_key("anyOf")
                && let Some(alternatives) = object.remove("oneOf")
            {
                object.insert("anyOf".into(), alternatives);
            }
        }
        _ => {}
    }
}
