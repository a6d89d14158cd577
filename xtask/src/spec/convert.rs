//! From one of Adobe's OpenAPI 3.1 files to OpenAPI 3.0.3 without Adobe's
//! prose.
//!
//! - Prose is removed: every `description`, `summary`, `title`, `example` and
//!   `examples` (our own text comes from the overlay).
//! - 3.1 schema constructs become their 3.0.3 form: `type` arrays and
//!   `anyOf`/`oneOf` with a `{type: null}` member become `nullable`; `const`
//!   becomes a one-value `enum`; numeric `exclusiveMinimum`/`exclusiveMaximum`
//!   become `minimum`/`maximum` plus the boolean; `propertyNames` naming an
//!   enum (inline or by reference) becomes one optional property per value,
//!   each with the `additionalProperties` schema, the names kept in
//!   `x-property-names`; `discriminator` is 3.0.3 already and stays;
//!   `contentEncoding: base64` becomes `format: byte` and
//!   `contentMediaType` the extension `x-content-media-type`.
//! - References: a `$ref` with sibling keywords becomes `allOf: [{$ref}]`
//!   plus the siblings (progenitor ignores siblings of `$ref`); an `allOf`
//!   holding a single `$ref` and nothing else becomes the bare `$ref`.
//! - `default` is kept as `x-adobe-default`: progenitor would otherwise send
//!   the default in every request (Adobe's `seeds: [0]` would fix every seed).
//! - Any other keyword 3.0.3 does not know fails the import, so a new 3.1
//!   construct is noticed instead of passed through.

use serde_json::{Map, Value, json};

use super::walk::{self, Kind};

const PROSE: &[&str] = &["description", "summary", "title", "example", "examples"];

/// Schema keywords OpenAPI 3.0.3 knows (besides `x-` extensions).
const SCHEMA_KEYWORDS_3_0: &[&str] = &[
    "$ref",
    "title",
    "description",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// Where Adobe's `default` values are kept.
pub const DEFAULT_EXTENSION: &str = "x-adobe-default";

/// Removes every prose keyword from the document's nodes (never a property
/// or other name that happens to be spelled like one).
pub fn strip_prose(value: &mut Value) {
    strip(value, Kind::Node);
}

fn strip(value: &mut Value, kind: Kind) {
    match value {
        Value::Object(map) => {
            if kind == Kind::Node {
                map.retain(|key, _| !PROSE.contains(&key.as_str()));
            }
            for (key, child) in map.iter_mut() {
                let child_kind = walk::member_kind(kind, key, child);
                strip(child, child_kind);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| strip(item, kind)),
        _ => {}
    }
}

/// Converts every schema of `doc` to its OpenAPI 3.0.3 form.
pub fn convert_schemas(doc: &mut Value) -> Result<(), String> {
    inline_property_names(doc)?;
    walk::for_each_schema_root(doc, &mut convert_schema)
}

/// Replaces a `propertyNames` that is a reference by the schema it points
/// at, so [`convert_schema`], which sees one schema at a time, can read its
/// enum.
fn inline_property_names(doc: &mut Value) -> Result<(), String> {
    let whole = doc.clone();
    walk::for_each_schema(doc, &mut |map, at| {
        let Some(reference) = map.get("propertyNames").and_then(walk::bare_ref) else {
            return Ok(());
        };
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| whole.pointer(pointer))
            .ok_or_else(|| format!("{at}.propertyNames: dangling reference {reference}"))?;
        map.insert("propertyNames".into(), target.clone());
        Ok(())
    })
}

/// Converts one schema and its subschemas (children first).
pub fn convert_schema(schema: &mut Value, at: &str) -> Result<(), String> {
    let Some(map) = schema.as_object_mut() else {
        return match schema {
            Value::Bool(true) => {
                *schema = json!({});
                Ok(())
            }
            _ => Err(format!("{at}: a schema must be an object")),
        };
    };
    walk::for_each_subschema(map, at, &mut convert_schema)?;
    map.remove("examples");
    map.remove("$schema");
    map.remove("$comment");
    if let Some(value) = map.remove("default") {
        map.insert(DEFAULT_EXTENSION.into(), value);
    }
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), json!([value]));
    }
    type_array(map, at)?;
    content_keywords(map, at)?;
    property_names(map, at)?;
    null_alternatives(map, "anyOf", at)?;
    null_alternatives(map, "oneOf", at)?;
    numeric_exclusive(map, "exclusiveMinimum", "minimum", |new, old| new >= old)?;
    numeric_exclusive(map, "exclusiveMaximum", "maximum", |new, old| new <= old)?;
    if map
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        map.remove("required");
    }
    normalize_ref(map);
    if let Some(unknown) = map
        .keys()
        .find(|k| !k.starts_with("x-") && !SCHEMA_KEYWORDS_3_0.contains(&k.as_str()))
    {
        return Err(format!(
            "{at}: keyword `{unknown}` has no OpenAPI 3.0.3 form; teach xtask/src/spec/convert.rs"
        ));
    }
    Ok(())
}

/// `type: [T, "null"]` → `type: T, nullable: true`; several non-null types
/// become an `anyOf` of one type each.
fn type_array(map: &mut Map<String, Value>, at: &str) -> Result<(), String> {
    let Some(Value::Array(types)) = map.get("type") else {
        return Ok(());
    };
    let nullable = types.iter().any(|t| t == "null");
    let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    match rest.as_slice() {
        [] => {
            return Err(format!(
                "{at}: `type: null` alone has no OpenAPI 3.0.3 form"
            ));
        }
        [only] => {
            map.insert("type".into(), only.clone());
        }
        several => {
            if map.contains_key("anyOf") {
                return Err(format!(
                    "{at}: a type array next to `anyOf` is not supported"
                ));
            }
            map.remove("type");
            let alternatives = several.iter().map(|t| json!({ "type": t })).collect();
            map.insert("anyOf".into(), Value::Array(alternatives));
        }
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
    Ok(())
}

/// `contentEncoding: base64` → `format: byte` (3.0.3's base64 string);
/// `contentMediaType: M` → `x-content-media-type: M` (3.0.3 says a part's
/// media type only in a multipart `encoding`, where the default for a
/// binary part is `application/octet-stream`; the extension keeps Adobe's
/// word for whoever sends the part).
fn content_keywords(map: &mut Map<String, Value>, at: &str) -> Result<(), String> {
    if let Some(encoding) = map.remove("contentEncoding") {
        if encoding != "base64" {
            return Err(format!(
                "{at}: `contentEncoding: {encoding}` has no OpenAPI 3.0.3 form"
            ));
        }
        match map.get("format") {
            None => {
                map.insert("format".into(), json!("byte"));
            }
            Some(format) if format == "byte" => {}
            Some(format) => {
                return Err(format!(
                    "{at}: `contentEncoding: base64` beside `format: {format}`"
                ));
            }
        }
    }
    if let Some(media_type) = map.remove("contentMediaType") {
        map.insert("x-content-media-type".into(), media_type);
    }
    Ok(())
}

/// `propertyNames: {enum: [a, b]}` beside `additionalProperties: S` →
/// optional properties `a` and `b` of schema `S`, and
/// `x-property-names: [a, b]`. 3.0.3 cannot limit the names of a map; the
/// properties give each allowed key a typed field, the extension keeps
/// Adobe's list. `additionalProperties` goes: no other name is allowed, so
/// it would only describe keys that cannot exist.
fn property_names(map: &mut Map<String, Value>, at: &str) -> Result<(), String> {
    let Some(names) = map.remove("propertyNames") else {
        return Ok(());
    };
    let Some(values) = names
        .get("enum")
        .and_then(Value::as_array)
        .filter(|_| names.get("type").is_none_or(|t| t == "string"))
    else {
        return Err(format!(
            "{at}: `propertyNames` without a string enum has no OpenAPI 3.0.3 form"
        ));
    };
    let value_schema = match map.remove("additionalProperties") {
        Some(Value::Object(schema)) => Value::Object(schema),
        _ => json!({}),
    };
    let properties = map
        .entry("properties")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| format!("{at}: `properties` must be an object"))?;
    for value in values {
        let name = value
            .as_str()
            .ok_or_else(|| format!("{at}.propertyNames: a name must be a string"))?;
        properties
            .entry(name)
            .or_insert_with(|| value_schema.clone());
    }
    map.insert("x-property-names".into(), Value::Array(values.clone()));
    Ok(())
}

fn is_null_schema(value: &Value) -> bool {
    value == &json!({"type": "null"})
}

/// `anyOf: [X, {type: null}]` → `X` with `nullable: true` (through `allOf`
/// when `X` is a reference).
fn null_alternatives(map: &mut Map<String, Value>, key: &str, at: &str) -> Result<(), String> {
    let Some(Value::Array(alternatives)) = map.get(key) else {
        return Ok(());
    };
    if !alternatives.iter().any(is_null_schema) {
        return Ok(());
    }
    let mut rest: Vec<Value> = alternatives
        .iter()
        .filter(|a| !is_null_schema(a))
        .cloned()
        .collect();
    map.insert("nullable".into(), Value::Bool(true));
    if rest.len() != 1 {
        map.insert(key.into(), Value::Array(rest));
        return Ok(());
    }
    map.remove(key);
    let only = rest.remove(0);
    if walk::bare_ref(&only).is_some() {
        if map.contains_key("allOf") {
            return Err(format!(
                "{at}: nullable reference next to `allOf` is not supported"
            ));
        }
        map.insert("allOf".into(), json!([only]));
        return Ok(());
    }
    let Value::Object(inner) = only else {
        return Err(format!("{at}.{key}: an alternative must be an object"));
    };
    for (k, v) in inner {
        if map.get(&k).is_some_and(|existing| existing != &v) {
            return Err(format!("{at}: `{k}` is set both beside and inside `{key}`"));
        }
        map.insert(k, v);
    }
    Ok(())
}

/// A numeric `exclusiveMinimum: n` (3.1) → `minimum: n, exclusiveMinimum:
/// true` (3.0), unless an existing `minimum` is already stricter.
fn numeric_exclusive(
    map: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    stricter: fn(f64, f64) -> bool,
) -> Result<(), String> {
    let Some(Value::Number(bound)) = map.get(exclusive).cloned() else {
        return Ok(());
    };
    map.remove(exclusive);
    let replaces = match map.get(inclusive).and_then(Value::as_f64) {
        Some(old) => stricter(bound.as_f64().unwrap_or(f64::NAN), old),
        None => true,
    };
    if replaces {
        map.insert(inclusive.into(), Value::Number(bound));
        map.insert(exclusive.into(), Value::Bool(true));
    }
    Ok(())
}

/// `{$ref, siblings...}` → `{allOf: [{$ref}], siblings...}`, and
/// `{allOf: [{$ref}]}` alone → `{$ref}`.
pub fn normalize_ref(map: &mut Map<String, Value>) {
    if map.contains_key("$ref") && map.len() > 1 && !map.contains_key("allOf") {
        let reference = map.remove("$ref").expect("checked above");
        map.insert("allOf".into(), json!([{ "$ref": reference }]));
    }
    if map.len() == 1
        && let Some(Value::Array(all)) = map.get("allOf")
        && all.len() == 1
        && walk::bare_ref(&all[0]).is_some()
    {
        let only = all[0].clone();
        map.clear();
        map.insert("$ref".into(), only["$ref"].clone());
    }
}

/// Applies [`normalize_ref`] to every schema of `doc`.
pub fn normalize_refs(doc: &mut Value) -> Result<(), String> {
    walk::for_each_schema(doc, &mut |map, _| {
        normalize_ref(map);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(mut schema: Value) -> Value {
        convert_schema(&mut schema, "test").unwrap();
        schema
    }

    #[test]
    fn prose_goes_but_names_stay() {
        let mut doc = json!({
            "summary": "s", "description": "d",
            "properties": {"title": {"type": "string", "title": "t", "examples": ["x"]}},
            "enum": [{"description": "data"}]
        });
        strip_prose(&mut doc);
        assert_eq!(
            doc,
            json!({"properties": {"title": {"type": "string"}}, "enum": [{"description": "data"}]})
        );
    }

    #[test]
    fn nullable_forms() {
        assert_eq!(
            convert(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            convert(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})),
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
        assert_eq!(
            convert(json!({"anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}]})),
            json!({"type": "string", "minLength": 1, "nullable": true})
        );
        assert_eq!(
            convert(json!({"type": ["string", "integer"]})),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn const_exclusive_and_default() {
        assert_eq!(convert(json!({"const": "a"})), json!({"enum": ["a"]}));
        assert_eq!(
            convert(json!({"type": "integer", "exclusiveMinimum": 0, "maximum": 100})),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 100})
        );
        assert_eq!(
            convert(json!({"type": "integer", "exclusiveMinimum": 0, "minimum": 5})),
            json!({"type": "integer", "minimum": 5})
        );
        assert_eq!(
            convert(json!({"type": "integer", "default": 18})),
            json!({"type": "integer", "x-adobe-default": 18})
        );
    }

    #[test]
    fn references_with_and_without_siblings() {
        let r = "#/components/schemas/A";
        assert_eq!(convert(json!({"allOf": [{"$ref": r}]})), json!({"$ref": r}));
        assert_eq!(
            convert(json!({"$ref": r, "deprecated": true})),
            json!({"allOf": [{"$ref": r}], "deprecated": true})
        );
        assert_eq!(
            convert(json!({"properties": {"p": {"allOf": [{"$ref": r}]}}})),
            json!({"properties": {"p": {"$ref": r}}})
        );
    }

    #[test]
    fn property_names_become_properties() {
        let link = json!({"type": "object", "properties": {"href": {"type": "string"}}});
        assert_eq!(
            convert(json!({
                "type": "object",
                "additionalProperties": link,
                "propertyNames": {"type": "string", "enum": ["cancel", "result"]}
            })),
            json!({
                "type": "object",
                "properties": {"cancel": link, "result": link},
                "x-property-names": ["cancel", "result"]
            })
        );
        let err =
            convert_schema(&mut json!({"propertyNames": {"pattern": "^a"}}), "here").unwrap_err();
        assert!(
            err.contains("here") && err.contains("propertyNames"),
            "{err}"
        );
    }

    #[test]
    fn a_referenced_property_names_enum_is_read_through_the_reference() {
        let mut doc = json!({"components": {"schemas": {
            "Keys": {"type": "string", "enum": ["a"]},
            "M": {"type": "object", "additionalProperties": {"type": "integer"},
                  "propertyNames": {"$ref": "#/components/schemas/Keys"}}
        }}});
        convert_schemas(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["M"],
            json!({"type": "object",
                   "properties": {"a": {"type": "integer"}}, "x-property-names": ["a"]})
        );
    }

    #[test]
    fn a_discriminated_one_of_is_kept() {
        let schema = json!({
            "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
            "discriminator": {"propertyName": "status",
                              "mapping": {"a": "#/components/schemas/A"}}
        });
        assert_eq!(convert(schema.clone()), schema);
    }

    #[test]
    fn type_arrays_and_const_in_one_schema() {
        assert_eq!(
            convert(json!({"type": ["string", "null"], "const": "x"})),
            json!({"type": "string", "nullable": true, "enum": ["x"]})
        );
    }

    #[test]
    fn content_encoding_and_media_type() {
        assert_eq!(
            convert(json!({"type": "string", "contentEncoding": "base64"})),
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            convert(json!({"type": "string", "format": "binary",
                           "contentMediaType": "application/octet-stream"})),
            json!({"type": "string", "format": "binary",
                   "x-content-media-type": "application/octet-stream"})
        );
        for bad in [
            json!({"type": "string", "contentEncoding": "base32"}),
            json!({"type": "string", "format": "uri", "contentEncoding": "base64"}),
        ] {
            let err = convert_schema(&mut bad.clone(), "here").unwrap_err();
            assert!(
                err.contains("here") && err.contains("contentEncoding"),
                "{err}"
            );
        }
    }

    #[test]
    fn unknown_keywords_fail() {
        let err = convert_schema(&mut json!({"prefixItems": []}), "here").unwrap_err();
        assert!(err.contains("here") && err.contains("prefixItems"), "{err}");
    }
}
