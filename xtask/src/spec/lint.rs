//! Checks on the finished document, before it is written.
//!
//! - It is OpenAPI 3.0.3 with the fields 3.0.3 requires (`info.title`,
//!   `info.version`, a `description` on every response).
//! - Everything users read has our documentation: every operation has a
//!   `summary` and a `description`, every component schema a `description`,
//!   every property of every schema a `description` (progenitor turns the
//!   description on the property itself into the field's doc comment; the
//!   SDK tests that every public field has one), and every enum one.
//! - No field without documentation comes out of an `anyOf` or `oneOf`
//!   (a `oneOf` of named schemas is an enum of them, and fine):
//!   progenitor turns one with object branches into a struct of
//!   `subtype_N` fields, so every branch that is not a plain value (a
//!   string, a number...) must be a named, described schema.
//! - Every `$ref` resolves, operation ids are unique, and no two schema
//!   names would become the same Rust type name.

use std::collections::BTreeMap;

use serde_json::Value;

use super::walk;

/// Every problem found, or nothing.
pub fn lint(doc: &mut Value) -> Result<(), String> {
    let mut problems = Vec::new();
    if doc["openapi"] != "3.0.3" {
        problems.push("`openapi` must be 3.0.3".to_string());
    }
    for key in ["title", "version"] {
        if !doc["info"][key].is_string() {
            problems.push(format!("info.{key} is missing"));
        }
    }
    operations(doc, &mut problems);
    schemas(doc, &mut problems);
    references(doc, doc, &mut problems);
    type_names(doc, &mut problems);
    if problems.is_empty() {
        return Ok(());
    }
    let count = problems.len();
    problems.truncate(60);
    Err(format!(
        "{count} problem(s) in the imported document (fix them in the overlay):\n  {}",
        problems.join("\n  ")
    ))
}

fn has_text(value: &Value, key: &str) -> bool {
    value
        .get(key)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

fn operations(doc: &Value, problems: &mut Vec<String>) {
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    let paths = doc["paths"].as_object().into_iter().flatten();
    for (path, item) in paths {
        for method in walk::METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let at = format!("{method} {path}");
            for key in ["summary", "description"] {
                if !has_text(op, key) {
                    problems.push(format!("{at}: no {key}"));
                }
            }
            match op["operationId"].as_str() {
                None => problems.push(format!("{at}: no operationId")),
                Some(id) => {
                    if let Some(other) = ids.insert(id, at.clone()) {
                        problems.push(format!("{at}: operationId `{id}` also used by {other}"));
                    }
                }
            }
            for (code, response) in op["responses"].as_object().into_iter().flatten() {
                if !has_text(response, "description") {
                    problems.push(format!("{at}: response {code} has no description"));
                }
            }
        }
    }
}

fn schemas(doc: &mut Value, problems: &mut Vec<String>) {
    for (name, schema) in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        if !has_text(schema, "description") {
            problems.push(format!("components.schemas.{name}: no description"));
        }
    }
    let components = doc["components"]["schemas"].clone();
    let is_object = |schema: &Value| {
        let schema = walk::bare_ref(schema)
            .and_then(walk::schema_ref_name)
            .and_then(|name| components.get(name))
            .unwrap_or(schema);
        schema["type"] == "object" || schema.get("properties").is_some()
    };
    let result = walk::for_each_schema(doc, &mut |schema, at| {
        let schema = &Value::Object(schema.clone());
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !has_text(property, "description") {
                problems.push(format!("{at}.properties.{name}: no description"));
            }
        }
        if schema.get("enum").is_some() && !has_text(schema, "description") {
            problems.push(format!("{at}: an enum without a description"));
        }
        for key in ["anyOf", "oneOf"] {
            let branches = schema.get(key).and_then(Value::as_array);
            let objects = branches
                .into_iter()
                .flatten()
                .filter(|b| is_object(b))
                .count();
            // A `oneOf` of named schemas becomes an enum with one variant
            // per schema, each documented by its schema's description.
            let all_named = branches
                .into_iter()
                .flatten()
                .all(|b| walk::bare_ref(b).is_some());
            if objects > 1 && !(key == "oneOf" && all_named) {
                problems.push(format!(
                    "{at}.{key}: {objects} object branches; progenitor makes a struct of \
                     undocumented `subtype_N` fields of them (merge them by the union rule)"
                ));
            }
            for (i, branch) in branches.into_iter().flatten().enumerate() {
                if walk::bare_ref(branch).is_none() && !is_plain_value(branch) {
                    problems.push(format!(
                        "{at}.{key}[{i}]: an inline branch; name it (progenitor would make an \
                         undocumented `subtype_{i}` field of it)"
                    ));
                }
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        problems.push(e);
    }
}

/// A schema that decodes as a plain value (a string, number or boolean
/// without an enum): progenitor makes an enum variant of it, not a field.
fn is_plain_value(schema: &Value) -> bool {
    matches!(
        schema.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number" | "boolean")
    ) && schema.get("enum").is_none()
}

fn references(doc: &Value, value: &Value, problems: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let found = walk::schema_ref_name(reference)
                    .is_some_and(|name| doc["components"]["schemas"].get(name).is_some());
                if !found {
                    problems.push(format!("dangling reference {reference}"));
                }
            }
            map.values().for_each(|v| references(doc, v, problems));
        }
        Value::Array(items) => items.iter().for_each(|v| references(doc, v, problems)),
        _ => {}
    }
}

/// The Rust type name progenitor derives from a schema name, folded so that
/// names differing only in case or punctuation compare equal.
fn folded(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn type_names(doc: &Value, problems: &mut Vec<String>) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for name in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        if let Some(other) = seen.insert(folded(name), name) {
            problems.push(format!(
                "schemas `{other}` and `{name}` would get one Rust type name"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_documented_document_passes() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"operationId": "a", "summary": "s", "description": "d",
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {"A": {"description": "An A.", "properties": {
                "p": {"type": "string", "description": "The p."}}}}}
        });
        lint(&mut doc).unwrap();
    }

    #[test]
    fn plain_branches_need_no_name() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"A": {"description": "An A.", "properties": {
                "loc": {"description": "d", "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}}}}}
        });
        lint(&mut doc).unwrap();
        doc["components"]["schemas"]["A"]["properties"]["loc"]["items"]["anyOf"][0]["enum"] =
            json!(["x"]);
        assert!(
            lint(&mut doc)
                .unwrap_err()
                .contains("anyOf[0]: an inline branch")
        );
    }

    #[test]
    fn every_gap_is_reported() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t"},
            "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {}}}},
                      "/b": {"get": {"operationId": "a", "summary": "s", "description": "d",
                                     "responses": {}}}},
            "components": {"schemas": {
                "A": {"properties": {"p": {"$ref": "#/components/schemas/Gone"}}},
                "a_": {"description": "d"},
                "E": {"description": "d", "properties": {"e": {"description": "d", "items": {
                    "type": "string", "enum": ["x"]}}}},
                "U": {"description": "d", "anyOf": [
                    {"type": "string"}, {"$ref": "#/components/schemas/E"},
                    {"type": "object", "properties": {}}]},
                "V": {"description": "d", "anyOf": [
                    {"$ref": "#/components/schemas/E"}, {"$ref": "#/components/schemas/A"}]}
            }}
        });
        let err = lint(&mut doc).unwrap_err();
        for expected in [
            "info.version is missing",
            "get /a: no summary",
            "get /a: response 200 has no description",
            "operationId `a` also used",
            "components.schemas.A: no description",
            "components.schemas.A.properties.p: no description",
            "dangling reference #/components/schemas/Gone",
            "one Rust type name",
            "components.schemas.E.properties.e.items: an enum without a description",
            "components.schemas.U.anyOf[2]: an inline branch",
            "components.schemas.U.anyOf: 2 object branches",
            "components.schemas.V.anyOf: 2 object branches",
        ] {
            assert!(err.contains(expected), "missing {expected:?} in {err}");
        }
    }
}
