//! Where things are in an OpenAPI document.
//!
//! An object in an OpenAPI document is one of three kinds: a *node* whose
//! keys are keywords (`type`, `description`, `operationId`...), a *map of
//! names* whose keys are chosen by the author (property names, paths, status
//! codes, media types), or *data* (enum values, defaults, extensions). Prose
//! stripping, key ordering and every other walk need to know which is which:
//! a property called `description` is not a description.
//!
//! This module also finds every schema in a document: the roots (component
//! schemas, parameter, header and media-type schemas) and, inside a schema,
//! its subschemas.

use serde_json::{Map, Value};

/// What the keys of an object mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Keys are OpenAPI / JSON Schema keywords.
    Node,
    /// Keys are names chosen by the document's author.
    Names,
    /// A value carried verbatim (enum values, defaults, examples, extensions).
    Data,
}

/// Keywords whose object value is a map of names.
const NAME_MAPS: &[&str] = &[
    "paths",
    "properties",
    "patternProperties",
    "schemas",
    "responses",
    "parameters",
    "headers",
    "content",
    "securitySchemes",
    "requestBodies",
    "links",
    "callbacks",
    "encoding",
    "variables",
    "mapping",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Keywords whose value is data, never walked as document structure.
const DATA: &[&str] = &[
    "enum", "default", "const", "example", "examples", "security",
];

/// The kind of `value`, found under `key` in an object of kind `parent`.
/// Array elements have the kind of the array.
pub fn member_kind(parent: Kind, key: &str, value: &Value) -> Kind {
    match parent {
        Kind::Data => Kind::Data,
        Kind::Names => Kind::Node,
        Kind::Node if key.starts_with("x-") || DATA.contains(&key) => Kind::Data,
        Kind::Node if value.is_object() && NAME_MAPS.contains(&key) => Kind::Names,
        Kind::Node => Kind::Node,
    }
}

/// A callback on a schema (or other value) and its location.
pub type Visit<'a> = dyn FnMut(&mut Value, &str) -> Result<(), String> + 'a;
/// A callback on a schema object and its location.
pub type VisitSchema<'a> = dyn FnMut(&mut Map<String, Value>, &str) -> Result<(), String> + 'a;

/// HTTP methods, in the order OpenAPI lists them.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Calls `f` on every schema root of `doc` with a readable location:
/// component schemas and the schemas of parameters, headers, request bodies
/// and responses, in paths and in components.
pub fn for_each_schema_root(doc: &mut Value, f: &mut Visit) -> Result<(), String> {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (key, op) in item.iter_mut() {
                let at = format!("paths.{path}.{key}");
                if key == "parameters" {
                    parameters(op, &at, f)?;
                } else if METHODS.contains(&key.as_str()) {
                    operation(op, &at, f)?;
                }
            }
        }
    }
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (kind, entries) in components.iter_mut() {
        let Some(entries) = entries.as_object_mut() else {
            continue;
        };
        for (name, entry) in entries.iter_mut() {
            let at = format!("components.{kind}.{name}");
            match kind.as_str() {
                "schemas" => f(entry, &at)?,
                "parameters" | "headers" => schema_of(entry, &at, f)?,
                "responses" => response(entry, &at, f)?,
                "requestBodies" => content(entry, &at, f)?,
                _ => {}
            }
        }
    }
    Ok(())
}

fn operation(op: &mut Value, at: &str, f: &mut Visit) -> Result<(), String> {
    if let Some(params) = op.get_mut("parameters") {
        parameters(params, &format!("{at}.parameters"), f)?;
    }
    if let Some(body) = op.get_mut("requestBody") {
        content(body, &format!("{at}.requestBody"), f)?;
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for (code, r) in responses.iter_mut() {
            response(r, &format!("{at}.responses.{code}"), f)?;
        }
    }
    Ok(())
}

fn parameters(params: &mut Value, at: &str, f: &mut Visit) -> Result<(), String> {
    for (i, p) in params.as_array_mut().into_iter().flatten().enumerate() {
        schema_of(p, &format!("{at}[{i}]"), f)?;
    }
    Ok(())
}

fn response(r: &mut Value, at: &str, f: &mut Visit) -> Result<(), String> {
    if let Some(headers) = r.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, h) in headers.iter_mut() {
            schema_of(h, &format!("{at}.headers.{name}"), f)?;
        }
    }
    content(r, at, f)
}

fn content(holder: &mut Value, at: &str, f: &mut Visit) -> Result<(), String> {
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for (media, m) in content.iter_mut() {
            schema_of(m, &format!("{at}.content.{media}"), f)?;
        }
    }
    Ok(())
}

fn schema_of(holder: &mut Value, at: &str, f: &mut Visit) -> Result<(), String> {
    match holder.get_mut("schema") {
        Some(schema) => f(schema, &format!("{at}.schema")),
        None => Ok(()),
    }
}

/// Keywords holding one subschema.
const ONE_SUBSCHEMA: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contentSchema",
];
/// Keywords holding a list of subschemas.
const SUBSCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords holding a map of named subschemas.
const SUBSCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Calls `f` on each direct subschema of `schema`, with its location.
pub fn for_each_subschema(
    schema: &mut Map<String, Value>,
    at: &str,
    f: &mut Visit,
) -> Result<(), String> {
    for (key, value) in schema.iter_mut() {
        let key = key.as_str();
        if ONE_SUBSCHEMA.contains(&key) && value.is_object() {
            f(value, &format!("{at}.{key}"))?;
        } else if SUBSCHEMA_LISTS.contains(&key) {
            for (i, s) in value.as_array_mut().into_iter().flatten().enumerate() {
                f(s, &format!("{at}.{key}[{i}]"))?;
            }
        } else if SUBSCHEMA_MAPS.contains(&key) {
            for (name, s) in value.as_object_mut().into_iter().flatten() {
                f(s, &format!("{at}.{key}.{name}"))?;
            }
        }
    }
    Ok(())
}

/// Calls `f` on every schema of `doc`, parents before children.
pub fn for_each_schema(doc: &mut Value, f: &mut VisitSchema) -> Result<(), String> {
    fn visit(schema: &mut Value, at: &str, f: &mut VisitSchema) -> Result<(), String> {
        let Some(map) = schema.as_object_mut() else {
            return Ok(());
        };
        f(map, at)?;
        for_each_subschema(map, at, &mut |s, at| visit(s, at, f))
    }
    for_each_schema_root(doc, &mut |s, at| visit(s, at, f))
}

/// The schema name a local `$ref` points at, if it is one.
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// The `$ref` of an object that is nothing but a reference.
pub fn bare_ref(value: &Value) -> Option<&str> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    map.get("$ref")?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_property_named_like_a_keyword_is_a_name() {
        let props = json!({"description": {"type": "string"}});
        assert_eq!(member_kind(Kind::Node, "properties", &props), Kind::Names);
        assert_eq!(
            member_kind(Kind::Names, "description", &props["description"]),
            Kind::Node
        );
        assert_eq!(member_kind(Kind::Node, "enum", &json!(["a"])), Kind::Data);
        assert_eq!(member_kind(Kind::Node, "x-any", &json!({})), Kind::Data);
        // `parameters` of an operation is a list of nodes, not a map of names.
        assert_eq!(
            member_kind(Kind::Node, "parameters", &json!([])),
            Kind::Node
        );
    }

    #[test]
    fn every_schema_is_visited_with_its_location() {
        let mut doc = json!({
            "paths": {"/a": {"post": {
                "parameters": [{"name": "h", "in": "header", "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"p": {"anyOf": [{"type": "string"}]}}
                }}}},
                "responses": {"200": {"headers": {"Link": {"schema": {"type": "string"}}}}}
            }}},
            "components": {"schemas": {"S": {"items": {"type": "integer"}}}}
        });
        let mut seen = Vec::new();
        for_each_schema(&mut doc, &mut |_, at| {
            seen.push(at.to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                "paths./a.post.parameters[0].schema",
                "paths./a.post.requestBody.content.application/json.schema",
                "paths./a.post.requestBody.content.application/json.schema.properties.p",
                "paths./a.post.requestBody.content.application/json.schema.properties.p.anyOf[0]",
                "paths./a.post.responses.200.headers.Link.schema",
                "components.schemas.S",
                "components.schemas.S.items",
            ]
        );
    }

    #[test]
    fn bare_refs_are_recognised() {
        let r = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(bare_ref(&r).and_then(schema_ref_name), Some("A"));
        assert_eq!(bare_ref(&json!({"$ref": "#/x", "nullable": true})), None);
    }
}
