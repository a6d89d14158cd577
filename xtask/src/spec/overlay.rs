//! Applying our overlay (`openapi/<api>/overlay.yaml`) to the merged document.
//!
//! First the `x-import.extract` entries give names to inline schemas (so the
//! SDK can name, document or replace them: `JobStatus`, `ImageModelVersion`);
//! an inline schema identical to an existing named one becomes a reference
//! to it, and so does every place a target selects: one target may name a
//! schema repeated inline in several places (Photoshop's layer enums), as
//! long as every copy is the same.
//! Then the Overlay 1.0.0 actions run in order through the `roas-overlay`
//! crate (RFC 9535 JSONPath by `serde_json_path`); an action whose target
//! selects nothing fails the import. Last, a `$ref` that an action gave
//! siblings (a description, `nullable`) is wrapped in `allOf`, the form
//! progenitor reads.

use roas_overlay::apply::{Apply, ApplyOptions};
use roas_overlay::v1_0;
use roas_overlay::validation::Validate;
use serde_json::{Value, json};
use serde_json_path::JsonPath;

use super::config::Extract;
use super::convert;

/// Moves each extracted inline schema to `components.schemas`.
pub fn extract(
    doc: &mut Value,
    entries: &[Extract],
    notes: &mut Vec<String>,
) -> Result<(), String> {
    for entry in entries {
        let fail = |why: String| {
            format!(
                "x-import.extract `{}` ({}): {why}",
                entry.name, entry.target
            )
        };
        let path = JsonPath::parse(&entry.target).map_err(|e| fail(e.to_string()))?;
        let pointers: Vec<String> = path
            .query_located(doc)
            .into_iter()
            .map(|n| n.location().to_json_pointer())
            .collect();
        let Some(first) = pointers.first() else {
            return Err(fail("selects nothing".into()));
        };
        // Several places may share the name only when they hold one schema.
        let schema = doc.pointer(first).expect("located just now").clone();
        if schema.get("$ref").is_some() {
            return Err(fail("already a reference".into()));
        }
        if let Some(other) = pointers
            .iter()
            .find(|p| doc.pointer(p).is_some_and(|node| *node != schema))
        {
            return Err(fail(format!(
                "selects {} nodes that differ: {first} and {other}",
                pointers.len()
            )));
        }
        let reference = json!({ "$ref": format!("#/components/schemas/{}", entry.name) });
        match doc.pointer(&format!("/components/schemas/{}", entry.name)) {
            // An identical named schema exists: reference it.
            Some(existing) if *existing == schema => notes.push(format!(
                "extract {}: same as `{}`",
                entry.target, entry.name
            )),
            Some(_) => return Err(fail("a different schema of that name exists".into())),
            None => {
                doc["components"]["schemas"][&entry.name] = schema;
                let places = match pointers.len() {
                    1 => String::new(),
                    n => format!(" ({n} places)"),
                };
                notes.push(format!(
                    "extract {}{places} → `{}`",
                    entry.target, entry.name
                ));
            }
        }
        for pointer in &pointers {
            *doc.pointer_mut(pointer).expect("located just now") = reference.clone();
        }
    }
    Ok(())
}

/// Applies the overlay's actions to `doc`, in order.
pub fn apply(doc: &mut Value, overlay: &Value) -> Result<usize, String> {
    let parsed: v1_0::Overlay = serde_json::from_value(overlay.clone())
        .map_err(|e| format!("not an Overlay 1.0.0 document: {e}"))?;
    parsed
        .validate(Default::default())
        .map_err(|e| format!("invalid overlay: {e}"))?;
    parsed
        .apply(doc, ApplyOptions::ErrorOnZeroMatch.into())
        .map_err(|e| {
            let action = &parsed.actions[e.action_index];
            let why = action.description.as_deref().unwrap_or("no description");
            format!("overlay action #{} ({why}): {e}", e.action_index + 1)
        })?;
    convert::normalize_refs(doc)?;
    Ok(parsed.actions.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlay(actions: Value) -> Value {
        json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions})
    }

    #[test]
    fn actions_apply_in_order_and_refs_with_siblings_are_wrapped() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "string", "enum": ["x"]}
        }}});
        let actions = json!([
            {"target": "$.components.schemas.A.properties.b", "update": {"description": "The b."}},
            {"target": "$.components.schemas.B.enum", "update": "y"},
            {"target": "$.components.schemas.A", "update": {"description": "An A."}}
        ]);
        assert_eq!(apply(&mut doc, &overlay(actions)).unwrap(), 3);
        assert_eq!(
            doc["components"]["schemas"]["A"],
            json!({"type": "object", "description": "An A.", "properties": {"b": {
                "allOf": [{"$ref": "#/components/schemas/B"}], "description": "The b."
            }}})
        );
        assert_eq!(doc["components"]["schemas"]["B"]["enum"], json!(["x", "y"]));
    }

    #[test]
    fn a_target_selecting_nothing_fails() {
        let mut doc = json!({"components": {"schemas": {}}});
        let actions = json!([{"target": "$.components.schemas.Gone", "update": {"description": "d"},
                              "description": "document Gone"}]);
        let err = apply(&mut doc, &overlay(actions)).unwrap_err();
        assert!(err.contains("#1") && err.contains("document Gone"), "{err}");
    }

    #[test]
    fn extraction_names_one_inline_schema() {
        let mut doc = json!({"components": {"schemas": {
            "R": {"properties": {"status": {"type": "string", "enum": ["a"]}}}
        }}});
        let entry = Extract {
            target: "$.components.schemas.R.properties.status".into(),
            name: "Status".into(),
        };
        extract(&mut doc, std::slice::from_ref(&entry), &mut Vec::new()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["R"]["properties"]["status"],
            json!({"$ref": "#/components/schemas/Status"})
        );
        assert_eq!(doc["components"]["schemas"]["Status"]["enum"], json!(["a"]));
        // Now a reference: extracting it again is an error.
        assert!(extract(&mut doc, std::slice::from_ref(&entry), &mut Vec::new()).is_err());

        // An inline copy of a named schema becomes a reference to it.
        doc["components"]["schemas"]["R"]["properties"]["other"] =
            json!({"type": "string", "enum": ["a"]});
        let same = Extract {
            target: "$.components.schemas.R.properties.other".into(),
            name: "Status".into(),
        };
        extract(&mut doc, std::slice::from_ref(&same), &mut Vec::new()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["R"]["properties"]["other"],
            json!({"$ref": "#/components/schemas/Status"})
        );
        doc["components"]["schemas"]["R"]["properties"]["other"] = json!({"type": "integer"});
        assert!(extract(&mut doc, &[same], &mut Vec::new()).is_err());
    }

    #[test]
    fn one_target_names_a_schema_repeated_in_several_places() {
        let mode = json!({"type": "string", "enum": ["fit", "fill"]});
        let mut doc = json!({"components": {"schemas": {
            "A": {"allOf": [{}, {"properties": {"mode": mode.clone()}}]},
            "B": {"allOf": [{}, {"properties": {"mode": mode.clone()}}]}
        }}});
        let entry = Extract {
            target: "$.components.schemas.*.allOf[1].properties.mode".into(),
            name: "Mode".into(),
        };
        let mut notes = Vec::new();
        extract(&mut doc, std::slice::from_ref(&entry), &mut notes).unwrap();
        let reference = json!({"$ref": "#/components/schemas/Mode"});
        for name in ["A", "B"] {
            assert_eq!(
                doc["components"]["schemas"][name]["allOf"][1]["properties"]["mode"],
                reference
            );
        }
        assert_eq!(doc["components"]["schemas"]["Mode"], mode);
        assert!(notes[0].contains("(2 places)"), "{notes:?}");

        // Copies that differ cannot share a name; a target selecting
        // nothing fails too.
        let mut doc = json!({"components": {"schemas": {
            "A": {"allOf": [{}, {"properties": {"mode": mode}}]},
            "B": {"allOf": [{}, {"properties": {"mode": {"type": "string"}}}]}
        }}});
        let err = extract(&mut doc, std::slice::from_ref(&entry), &mut Vec::new()).unwrap_err();
        assert!(err.contains("2 nodes that differ"), "{err}");
        let none = Extract {
            target: "$.components.schemas.C".into(),
            name: "C".into(),
        };
        let err = extract(&mut doc, &[none], &mut Vec::new()).unwrap_err();
        assert!(err.contains("selects nothing"), "{err}");
    }
}
