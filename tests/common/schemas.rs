//! Request bodies checked against an API's own OpenAPI schemas made strict:
//! every object refuses the properties its schema does not define, so a
//! request that passes holds nothing Adobe does not define. One rule for
//! every API's spec (JSON Schema 2020-12):
//!
//! - an object schema (one with `properties`, `allOf` or `oneOf`/`anyOf`)
//!   gets `unevaluatedProperties: false`, so the properties its parts
//!   define count as its own;
//! - an `allOf` is one object: its parts (referenced ones read in place)
//!   are merged into it first, and a property two parts both define is both
//!   schemas at once, merged the same way;
//! - a branch of a `oneOf` is a whole shape of its own, closed, unless the
//!   `oneOf` adds to properties its object defines itself: then the branch
//!   stays open and the object is the one closed (a component used as such
//!   a branch is referenced through an open copy of itself, `NAME.part`, so
//!   the same component used on its own stays closed). A body that mixes
//!   two shapes' fields is refused either way;
//! - Adobe's `oneOf`s list look-alike shapes (a JPEG and a PNG output differ
//!   only in values), so more than one branch matches: they are read as
//!   `anyOf`;
//! - OpenAPI 3.0's boolean `exclusiveMinimum` becomes 2020-12's number.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value, json};

/// The suffix of a component's open copy, referenced where it is a part.
const PART: &str = ".part";

/// A typed request from its JSON, which must survive the round trip: a
/// field the chosen type lacks would otherwise vanish unseen.
pub fn request<T: DeserializeOwned + Serialize>(body: Value) -> T {
    let typed: T = serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        body,
        "lost in the round trip"
    );
    typed
}

/// Problems of `body` against the JSON request schema of `method path` in
/// `spec` (an OpenAPI document as JSON), with undefined fields forbidden.
pub fn strict_problems(spec: &Value, method: &str, path: &str, body: &Value) -> Vec<String> {
    let components = &spec["components"]["schemas"];
    let schema =
        &spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{method} {path} takes no JSON body");
    let mut schema = merged_all_of(schema, components);
    strict(&mut schema, false);
    let mut schemas = Map::new();
    for (name, component) in components.as_object().into_iter().flatten() {
        let mut closed = merged_all_of(component, components);
        strict(&mut closed, false);
        let mut open = merged_all_of(component, components);
        strict(&mut open, true);
        schemas.insert(name.clone(), closed);
        schemas.insert(format!("{name}{PART}"), open);
    }
    schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    schema["components"] = json!({ "schemas": schemas });
    let validator = jsonschema::draft202012::options()
        .build(&schema)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    validator
        .iter_errors(body)
        .map(|e| format!("{path} at `{}`: {e}", e.instance_path()))
        .collect()
}

/// `schema` made strict in place; `part` when it is a branch of a whole.
fn strict(schema: &mut Value, part: bool) {
    match schema {
        Value::Object(map) => {
            for (flag, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                if let Some(Value::Bool(exclusive)) = map.remove(flag)
                    && exclusive
                    && let Some(limit) = map.remove(bound)
                {
                    map.insert(flag.into(), limit);
                }
            }
            if let Some(options) = map.remove("oneOf") {
                map.insert("anyOf".into(), options);
            }
            let object = ["properties", "allOf", "anyOf"]
                .iter()
                .any(|key| map.contains_key(*key));
            let adds_to_own = map.contains_key("properties");
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    "properties" => {
                        if let Value::Object(properties) = child {
                            properties.values_mut().for_each(|p| strict(p, false));
                        }
                    }
                    "allOf" | "anyOf" => {
                        if let Value::Array(parts) = child {
                            if adds_to_own {
                                parts.iter_mut().for_each(as_part);
                            } else {
                                parts.iter_mut().for_each(|p| strict(p, false));
                            }
                        }
                    }
                    _ => strict(child, false),
                }
            }
            if object && !part {
                map.insert("unevaluatedProperties".into(), Value::Bool(false));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| strict(i, false)),
        _ => {}
    }
}

/// A branch of a whole: open, and a referenced component read through its
/// open copy.
fn as_part(branch: &mut Value) {
    if let Some(Value::String(target)) = branch.get_mut("$ref") {
        target.push_str(PART);
    }
    strict(branch, true);
}

/// `schema` with each `allOf` merged into the object that lists it.
fn merged_all_of(schema: &Value, components: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Value::Object(
                map.iter()
                    .filter(|(key, _)| key.as_str() != "allOf")
                    .map(|(key, value)| (key.clone(), merged_all_of(value, components)))
                    .collect(),
            );
            for part in map
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                merge(&mut out, &in_place(part, components), components);
            }
            out
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| merged_all_of(item, components))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `schema`, or the component it references, with its `allOf`s merged.
fn in_place(schema: &Value, components: &Value) -> Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(target) => {
            let name = target.trim_start_matches("#/components/schemas/");
            in_place(&components[name], components)
        }
        None => merged_all_of(schema, components),
    }
}

/// `part`'s keywords added to `whole`'s: properties both define are merged
/// (each read in place), requirements add up.
fn merge(whole: &mut Value, part: &Value, components: &Value) {
    let (Value::Object(whole), Value::Object(part)) = (whole, part) else {
        return;
    };
    for (key, value) in part {
        match (key.as_str(), whole.get_mut(key)) {
            ("properties", Some(Value::Object(mine))) => {
                for (name, schema) in value.as_object().into_iter().flatten() {
                    match mine.get_mut(name) {
                        Some(existing) => {
                            let mut both = in_place(existing, components);
                            merge(&mut both, &in_place(schema, components), components);
                            *existing = both;
                        }
                        None => {
                            mine.insert(name.clone(), schema.clone());
                        }
                    }
                }
            }
            ("required", Some(Value::Array(mine))) => {
                for name in value.as_array().into_iter().flatten() {
                    if !mine.contains(name) {
                        mine.push(name.clone());
                    }
                }
            }
            (_, None) => {
                whole.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
}
