//! References to component responses, parameters, headers and request
//! bodies, replaced by what they point at.
//!
//! InDesign's file lists its error responses once under
//! `components.responses` and refers to them from every operation. Our
//! overlay gives each response of each operation its own words, and an
//! Overlay `update` on a `$ref` object would only add siblings the
//! reference ignores; the schema walks, the merge and the lint see schemas
//! where they are used. So each such reference is replaced by a copy of its
//! target (schemas inside it keep their references to component schemas),
//! and the components themselves go. Only component *schemas* stay shared:
//! they are the named types.

use serde_json::Value;

/// Component kinds whose references are inlined.
const INLINED: &[&str] = &["responses", "parameters", "headers", "requestBodies"];

/// Replaces every reference to a component response, parameter, header or
/// request body of `doc` by its target, then removes those components.
pub fn inline_components(doc: &mut Value, file: &str) -> Result<(), String> {
    let whole = doc.clone();
    if let Some(paths) = doc.get_mut("paths") {
        resolve(paths, &whole, &mut Vec::new()).map_err(|e| format!("{file}: {e}"))?;
    }
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        for kind in INLINED {
            components.remove(*kind);
        }
    }
    Ok(())
}

fn inlined_target(reference: &str) -> Option<&str> {
    let rest = reference.strip_prefix("#/components/")?;
    let (kind, _) = rest.split_once('/')?;
    INLINED.contains(&kind).then_some(reference)
}

fn resolve(value: &mut Value, whole: &Value, chain: &mut Vec<String>) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(inlined_target)
                .map(str::to_string)
            {
                if map.len() != 1 {
                    return Err(format!("a reference to {reference} has siblings"));
                }
                if chain.contains(&reference) {
                    return Err(format!("{reference} refers to itself"));
                }
                let target = whole
                    .pointer(&reference[1..])
                    .ok_or_else(|| format!("dangling reference {reference}"))?;
                *value = target.clone();
                chain.push(reference);
                let result = resolve(value, whole, chain);
                chain.pop();
                return result;
            }
            map.values_mut()
                .try_for_each(|child| resolve(child, whole, chain))
        }
        Value::Array(items) => items
            .iter_mut()
            .try_for_each(|item| resolve(item, whole, chain)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn component_responses_and_parameters_are_copied_where_used() {
        let schema_ref = json!({"$ref": "#/components/schemas/Error"});
        let mut doc = json!({
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/components/parameters/Page"}],
                "responses": {
                    "400": {"$ref": "#/components/responses/Bad"},
                    "500": {"$ref": "#/components/responses/Bad"}
                }
            }}},
            "components": {
                "schemas": {"Error": {"type": "object"}},
                "parameters": {"Page": {"name": "page", "in": "query"}},
                "responses": {"Bad": {"content": {"application/json": {"schema": schema_ref}},
                                      "headers": {"h": {"$ref": "#/components/headers/H"}}}},
                "headers": {"H": {"schema": {"type": "string"}}}
            }
        });
        inline_components(&mut doc, "f.json").unwrap();
        let bad = json!({"content": {"application/json": {"schema": schema_ref}},
                         "headers": {"h": {"schema": {"type": "string"}}}});
        assert_eq!(
            doc,
            json!({
                "paths": {"/a": {"get": {
                    "parameters": [{"name": "page", "in": "query"}],
                    "responses": {"400": bad, "500": bad}
                }}},
                "components": {"schemas": {"Error": {"type": "object"}}}
            })
        );
    }

    #[test]
    fn dangling_and_self_references_fail() {
        let mut doc = json!({"paths": {"/a": {"get": {"responses": {
            "400": {"$ref": "#/components/responses/Gone"}}}}}});
        let err = inline_components(&mut doc, "f.json").unwrap_err();
        assert!(err.contains("f.json") && err.contains("Gone"), "{err}");
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"400": {"$ref": "#/components/responses/L"}}}}},
            "components": {"responses": {"L": {"$ref": "#/components/responses/L"}}}
        });
        let err = inline_components(&mut doc, "f.json").unwrap_err();
        assert!(err.contains("itself"), "{err}");
    }
}
