//! Every limit the spec writes for an operation's request body, enforced
//! before sending: lengths, ranges, item counts and unique items, read from
//! the embedded spec ([`SPEC_JSON`](crate::SPEC_JSON)) for the operation's
//! own schema, so a limit Adobe changes is enforced after the next import
//! with no code to update. A broken limit is a [`ValidationError`] naming the
//! field as it is on the wire (`size.width`, `style.imageReference.source.url`).

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use crate::{
    ValidationError,
    generated::{Operation, firefly},
};

type Checked = Result<(), ValidationError>;

/// The embedded spec, parsed once.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    parsed(&SPEC, crate::SPEC_JSON)
}

/// An embedded spec, parsed once into `cell`. build.rs writes each spec's
/// JSON from a document it has just parsed, so it parses.
pub(crate) fn parsed(cell: &'static OnceLock<Value>, json: &str) -> &'static Value {
    cell.get_or_init(|| serde_json::from_str(json).unwrap_or(Value::Null))
}

/// The JSON request-body schema of a Firefly operation, by its
/// `operationId`.
#[cfg(test)]
pub(crate) fn request_schema(operation_id: &str) -> Option<&'static Value> {
    request_schema_in(spec(), firefly::OPERATIONS, operation_id)
}

/// The JSON request-body schema of an operation of `spec`, found through
/// the API's operation table.
fn request_schema_in(
    spec: &'static Value,
    operations: &'static [Operation],
    operation_id: &str,
) -> Option<&'static Value> {
    let pointer = Operation::by_id(operations, operation_id)?.request_schema?;
    spec.pointer(pointer).filter(|schema| !schema.is_null())
}

/// The `enum` of a component schema of the embedded spec (empty when it
/// has none).
pub(crate) fn component_enum(name: &str) -> Vec<Value> {
    spec()["components"]["schemas"][name]["enum"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Checks `request` against every limit of `operation_id`'s request schema.
pub(crate) fn check<T: Serialize>(operation_id: &str, request: &T) -> Checked {
    check_in(spec(), firefly::OPERATIONS, operation_id, request)
}

/// [`check`] against another API's embedded spec and operation table.
pub(crate) fn check_in<T: Serialize>(
    spec: &'static Value,
    operations: &'static [Operation],
    operation_id: &str,
    request: &T,
) -> Checked {
    let schema = request_schema_in(spec, operations, operation_id).ok_or_else(|| {
        ValidationError::new(
            "request",
            format!("the spec has no request schema for {operation_id}"),
        )
    })?;
    let value = serde_json::to_value(request)
        .map_err(|e| ValidationError::new("request", format!("cannot be written as JSON: {e}")))?;
    walk(spec, schema, &value, "")
}

/// Follows `$ref`s to the schema they name.
fn resolve(spec: &'static Value, mut schema: &'static Value) -> &'static Value {
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let name = reference.trim_start_matches("#/components/schemas/");
        schema = &spec["components"]["schemas"][name];
    }
    schema
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

fn walk(spec: &'static Value, schema: &'static Value, value: &Value, path: &str) -> Checked {
    let schema = resolve(spec, schema);
    if value.is_null() {
        return Ok(());
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        walk(spec, part, value, path)?;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema[key].as_array() {
            // Only the branches the value can be are judged: a branch whose
            // required fields the value lacks would pass vacuously (its
            // limits name fields the value does not have) and hide the
            // limits of the branch the value is.
            let mut candidates: Vec<&'static Value> = options
                .iter()
                .filter(|option| has_required(spec, option, value))
                .collect();
            if candidates.is_empty() {
                candidates = options.iter().collect();
            }
            let results: Vec<Checked> = candidates
                .iter()
                .map(|o| walk(spec, o, value, path))
                .collect();
            if !results.iter().any(Result::is_ok) {
                return results.into_iter().find(Result::is_err).unwrap_or(Ok(()));
            }
        }
    }
    match value {
        Value::String(text) => string(schema, text, path),
        Value::Number(number) => number.as_f64().map_or(Ok(()), |n| range(schema, n, path)),
        Value::Array(items) => {
            array(schema, items, path)?;
            for (i, item) in items.iter().enumerate() {
                if !schema["items"].is_null() {
                    walk(spec, &schema["items"], item, &join(path, &i.to_string()))?;
                }
            }
            Ok(())
        }
        Value::Object(fields) => {
            for (name, field) in fields {
                let property = &schema["properties"][name];
                if !property.is_null() {
                    walk(spec, property, field, &join(path, name))?;
                }
            }
            Ok(())
        }
        Value::Bool(_) | Value::Null => Ok(()),
    }
}

/// Whether `value` has every field `schema` requires, its `allOf` parts
/// included; anything that is not an object has them all.
fn has_required(spec: &'static Value, schema: &'static Value, value: &Value) -> bool {
    let Value::Object(fields) = value else {
        return true;
    };
    let schema = resolve(spec, schema);
    let own = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .all(|name| fields.contains_key(name));
    own && schema["allOf"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|part| has_required(spec, part, value))
}

fn limit(schema: &Value, key: &str) -> Option<f64> {
    schema[key].as_f64()
}

fn string(schema: &Value, text: &str, path: &str) -> Checked {
    let chars = text.chars().count() as f64;
    if let Some(min) = limit(schema, "minLength").filter(|min| chars < *min) {
        return Err(ValidationError::new(
            path,
            format!("must have at least {min} character{}", plural(min)),
        ));
    }
    if let Some(max) = limit(schema, "maxLength").filter(|max| chars > *max) {
        return Err(ValidationError::new(
            path,
            format!("has {chars} characters; at most {max} are allowed"),
        ));
    }
    // OpenAPI patterns are ECMAScript regular expressions, which `regress`
    // implements; one that does not compile is the spec's fault, not the
    // caller's, so it checks nothing.
    if let Some(pattern) = schema["pattern"].as_str()
        && let Ok(regex) = regress::Regex::new(pattern)
        && regex.find(text).is_none()
    {
        return Err(ValidationError::new(
            path,
            format!("does not have the form the API requires (pattern `{pattern}`)"),
        ));
    }
    Ok(())
}

fn range(schema: &Value, n: f64, path: &str) -> Checked {
    // A number enum (`upscaleFactor`: 2, 3, 4, 6) is checked here: build.rs
    // leaves it out of the generated type, as it does the other limits.
    if let Some(values) = schema["enum"].as_array()
        && !values.iter().any(|v| v.as_f64() == Some(n))
    {
        let allowed: Vec<String> = values.iter().map(Value::to_string).collect();
        return Err(ValidationError::new(
            path,
            format!("is {n}; it must be one of {}", allowed.join(", ")),
        ));
    }
    let min = limit(schema, "minimum");
    let max = limit(schema, "maximum");
    let exclusive = |key: &str| schema[key].as_bool().unwrap_or(false);
    let below = min.is_some_and(|min| n < min || (exclusive("exclusiveMinimum") && n == min));
    let above = max.is_some_and(|max| n > max || (exclusive("exclusiveMaximum") && n == max));
    if !below && !above {
        return Ok(());
    }
    let wanted = match (min, max) {
        (Some(min), Some(max)) => format!("it must be between {min} and {max}"),
        (Some(min), None) if exclusive("exclusiveMinimum") => format!("it must be above {min}"),
        (Some(min), None) => format!("it must be at least {min}"),
        (None, Some(max)) if exclusive("exclusiveMaximum") => format!("it must be below {max}"),
        (None, Some(max)) => format!("it must be at most {max}"),
        (None, None) => unreachable!("out of range needs a limit"),
    };
    Err(ValidationError::new(path, format!("is {n}; {wanted}")))
}

fn array(schema: &Value, items: &[Value], path: &str) -> Checked {
    let count = items.len() as f64;
    if let Some(min) = limit(schema, "minItems").filter(|min| count < *min) {
        return Err(ValidationError::new(
            path,
            format!("must have at least {min} item{}", plural(min)),
        ));
    }
    if let Some(max) = limit(schema, "maxItems").filter(|max| count > *max) {
        return Err(ValidationError::new(
            path,
            format!("has {count} items; at most {max} are allowed"),
        ));
    }
    if schema["uniqueItems"].as_bool() == Some(true) {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                return Err(ValidationError::new(path, "must not repeat an item"));
            }
        }
    }
    Ok(())
}

fn plural(n: f64) -> &'static str {
    if n == 1.0 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_operation_the_sdk_validates_has_a_request_schema() {
        for operation in super::super::VALIDATED_OPERATIONS {
            assert!(
                request_schema(operation).is_some(),
                "{operation} has no request schema in the spec"
            );
        }
    }

    #[test]
    fn limits_come_from_each_operations_own_schema() {
        let size = |side: u32| json!({"prompt": "a cat", "size": {"width": side, "height": 100}});
        // Adobe limits sync sizes to 2688 and async sizes to 4096.
        assert!(check("generateImages", &size(2688)).is_ok());
        let sync = check("generateImages", &size(2689)).unwrap_err();
        assert_eq!(sync.field(), "size.width");
        assert!(sync.problem().contains("2688"), "{sync}");
        assert!(check("generateImagesV3Async", &size(2689)).is_ok());
        assert!(check("generateImagesV3Async", &size(4097)).is_err());
    }

    #[test]
    fn a_number_enum_is_checked_from_the_spec() {
        let upscale = |factor: u32| json!({"image": {"source": {"uploadId": "u"}}, "seeds": [1], "upscaleFactor": factor});
        for factor in [2, 3, 4, 6] {
            assert!(
                check("preciseUpsamplerV3Async", &upscale(factor)).is_ok(),
                "{factor}"
            );
        }
        let error = check("preciseUpsamplerV3Async", &upscale(5)).unwrap_err();
        assert_eq!(error.field(), "upscaleFactor");
        assert!(error.problem().contains("2, 3, 4, 6"), "{error}");
    }

    #[test]
    fn a_pattern_is_checked_as_an_ecmascript_regular_expression() {
        let schema: &'static Value = Box::leak(Box::new(json!({
            "type": "object",
            "properties": {"id": {"type": "string", "pattern": "^urn:aaid:.*"}}
        })));
        assert!(walk(spec(), schema, &json!({"id": "urn:aaid:sc:1"}), "").is_ok());
        let error = walk(spec(), schema, &json!({"id": "file.psd"}), "").unwrap_err();
        assert_eq!(error.field(), "id");
        assert!(error.problem().contains("^urn:aaid:.*"), "{error}");
    }

    #[test]
    fn lengths_counts_ranges_and_unique_items_are_checked() {
        let long = "x".repeat(1025);
        let error = check("generateImagesV3Async", &json!({"prompt": long})).unwrap_err();
        assert_eq!(error.field(), "prompt");
        let error = check("generateImagesV3Async", &json!({"prompt": ""})).unwrap_err();
        assert_eq!(error.field(), "prompt");
        let error = check(
            "generateImagesV3Async",
            &json!({"prompt": "a", "numVariations": 5}),
        )
        .unwrap_err();
        assert_eq!(error.field(), "numVariations");
        let error = check(
            "generateImagesV3Async",
            &json!({"prompt": "a", "seeds": [1, 2, 3, 4, 5]}),
        )
        .unwrap_err();
        assert_eq!(error.field(), "seeds");
        let url = format!("https://example.com/{}", "x".repeat(2100));
        let error = check(
            "generateImagesV3Async",
            &json!({"prompt": "a", "style": {"imageReference": {"source": {"url": url}}}}),
        )
        .unwrap_err();
        assert_eq!(error.field(), "style.imageReference.source.url");
    }

    #[test]
    fn an_unknown_operation_is_an_error_not_a_panic() {
        let error = check("noSuchOperation", &json!({})).unwrap_err();
        assert_eq!(error.field(), "request");
    }
}
