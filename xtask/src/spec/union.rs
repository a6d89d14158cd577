//! The union rule: merging copies of one operation that disagree.
//!
//! The merged operation has every parameter, media type, response code and
//! header of every copy. Where copies give different schemas at one place,
//! the result is the schema that documents all the others, else an `anyOf`
//! of the different ones. A schema *documents* another when it is the same
//! schema, or an object schema with all of the other's properties (the same
//! schemas, and maybe more properties) and no more required ones: whatever
//! the other describes, it describes too. A boolean `required` (of a
//! parameter or body) is true only if every copy says so. Anything else that
//! differs cannot be merged by this rule and fails the import.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{diff, walk};

/// The union rule, applied to one operation.
pub struct Union<'a> {
    schemas: &'a BTreeMap<String, Value>,
    key: String,
    notes: &'a mut Vec<String>,
}

/// Where in an operation the union rule is merging.
#[derive(Clone, Copy)]
enum Level {
    Operation,
    Responses,
    /// A request body, a response or a parameter.
    Holder,
    /// `content` or `headers`: media types or header names.
    Named,
    /// A media type or a header.
    Media,
}

impl<'a> Union<'a> {
    pub fn new(
        schemas: &'a BTreeMap<String, Value>,
        key: &str,
        notes: &'a mut Vec<String>,
    ) -> Self {
        Union {
            schemas,
            key: key.to_string(),
            notes,
        }
    }

    /// Merges copy `b` (from the files named by `from`) into `a`.
    pub fn operation(&mut self, a: &mut Value, b: &Value, from: &str) -> Result<(), String> {
        self.members(a, b, "", from, Level::Operation)
    }

    /// Members of `b` missing from `a` are added; members present in both
    /// and different are merged according to where they are.
    fn members(
        &mut self,
        a: &mut Value,
        b: &Value,
        at: &str,
        from: &str,
        level: Level,
    ) -> Result<(), String> {
        let (Some(a), Some(b)) = (a.as_object_mut(), b.as_object()) else {
            return Err(format!("`{}` {at}: expected objects", self.key));
        };
        for (k, vb) in b {
            let here = format!("{at}{}", diff::segment(k))
                .trim_start_matches('.')
                .to_string();
            let Some(va) = a.get_mut(k) else {
                a.insert(k.clone(), vb.clone());
                self.notes
                    .push(format!("  `{}` {here}: only in {from}, added", self.key));
                continue;
            };
            if va == vb {
                continue;
            }
            let merged = match (level, k.as_str()) {
                (Level::Operation, "parameters") => self.parameters(va, vb, &here, from),
                (Level::Operation, "requestBody") => {
                    self.members(va, vb, &here, from, Level::Holder)
                }
                (Level::Operation, "responses") => {
                    self.members(va, vb, &here, from, Level::Responses)
                }
                (Level::Responses, _) => self.members(va, vb, &here, from, Level::Holder),
                (Level::Holder, "required") if va.is_boolean() => {
                    // The more permissive reading: required only if all say so.
                    *va = json!(va == &json!(true) && vb == &json!(true));
                    Ok(())
                }
                (Level::Holder, "content" | "headers") => {
                    self.members(va, vb, &here, from, Level::Named)
                }
                (Level::Named, _) => self.members(va, vb, &here, from, Level::Media),
                (Level::Holder | Level::Media, "schema") => {
                    *va = self.schema(va, vb, &here);
                    Ok(())
                }
                _ => Err(format!("`{k}` differs")),
            };
            merged.map_err(|e| {
                format!(
                    "`{}` {here}: the union rule cannot merge the copies: {e}",
                    self.key
                )
            })?;
        }
        Ok(())
    }

    fn parameters(&mut self, a: &mut Value, b: &Value, at: &str, from: &str) -> Result<(), String> {
        let (Some(a), Some(b)) = (a.as_array_mut(), b.as_array()) else {
            return Err("parameters must be lists".into());
        };
        for pb in b {
            let same = |p: &&mut Value| p["in"] == pb["in"] && p["name"] == pb["name"];
            match a.iter_mut().find(same) {
                None => {
                    a.push(pb.clone());
                    self.notes.push(format!(
                        "  `{}` {at}: parameter {} only in {from}, added",
                        self.key, pb["name"]
                    ));
                }
                Some(pa) => {
                    let here = format!("{at}[{}]", pb["name"]);
                    self.members(pa, pb, &here, from, Level::Holder)?;
                }
            }
        }
        Ok(())
    }

    /// The union of two different schemas at one place.
    fn schema(&mut self, a: &Value, b: &Value, at: &str) -> Value {
        let mut all = alternatives(a);
        for alt in alternatives(b) {
            if !all.contains(&alt) {
                all.push(alt);
            }
        }
        // An alternative goes when another documents it; of two that
        // document each other (the same structure), the first stays.
        let kept: Vec<Value> = all
            .iter()
            .enumerate()
            .filter(|&(i, x)| {
                !all.iter().enumerate().any(|(j, y)| {
                    j != i && self.documents(y, x) && (j < i || !self.documents(x, y))
                })
            })
            .map(|(_, x)| x.clone())
            .collect();
        let dropped: Vec<String> = all
            .iter()
            .filter(|x| !kept.contains(x))
            .map(label)
            .collect();
        let result = match kept.as_slice() {
            [one] => one.clone(),
            _ => json!({ "anyOf": kept }),
        };
        let mut note = format!("  `{}` {at}: {}", self.key, label(&result));
        if !dropped.is_empty() {
            note.push_str(&format!(", which documents {}", dropped.join(", ")));
        }
        self.notes.push(note);
        result
    }

    fn resolve<'v>(&'v self, mut value: &'v Value) -> &'v Value {
        for _ in 0..16 {
            match walk::bare_ref(value).and_then(walk::schema_ref_name) {
                Some(name) => match self.schemas.get(name) {
                    Some(target) => value = target,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    /// Whether `a` documents `b`: the same schema, or an object schema with
    /// all of `b`'s properties (and maybe more), requiring no more than `b`.
    fn documents(&self, a: &Value, b: &Value) -> bool {
        let (a, b) = (self.resolve(a), self.resolve(b));
        if a == b {
            return true;
        }
        let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
            return false;
        };
        let props =
            |m: &Map<String, Value>| m.get("properties").and_then(Value::as_object).cloned();
        let (Some(pa), Some(pb)) = (props(a), props(b)) else {
            return false;
        };
        let others_equal = a
            .keys()
            .chain(b.keys())
            .filter(|k| *k != "properties" && *k != "required")
            .all(|k| a.get(k) == b.get(k));
        let required = |m: &Map<String, Value>| m.get("required").cloned().unwrap_or(json!([]));
        let (ra, rb) = (required(a), required(b));
        let required_subset = ra
            .as_array()
            .into_iter()
            .flatten()
            .all(|r| rb.as_array().is_some_and(|rb| rb.contains(r)));
        others_equal && required_subset && pb.iter().all(|(k, v)| pa.get(k) == Some(v))
    }
}

fn alternatives(schema: &Value) -> Vec<Value> {
    match schema.as_object() {
        Some(map) if map.len() == 1 && map.contains_key("anyOf") => {
            map["anyOf"].as_array().cloned().unwrap_or_default()
        }
        _ => vec![schema.clone()],
    }
}

fn label(schema: &Value) -> String {
    if let Some(name) = walk::bare_ref(schema).and_then(walk::schema_ref_name) {
        return format!("`{name}`");
    }
    if let Some(all) = schema.get("anyOf").and_then(Value::as_array) {
        let names: Vec<String> = all.iter().map(label).collect();
        return format!("anyOf [{}]", names.join(", "));
    }
    "an inline schema".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_means_same_properties_or_more_and_no_more_required() {
        let schemas: BTreeMap<String, Value> = [
            (
                "Small",
                json!({"type": "object", "properties": {"p": {"type": "string"}}}),
            ),
            (
                "Big",
                json!({"type": "object", "required": [],
                           "properties": {"p": {"type": "string"}, "q": {"type": "string"}}}),
            ),
            (
                "Strict",
                json!({"type": "object", "required": ["p"],
                              "properties": {"p": {"type": "string"}, "q": {"type": "string"}}}),
            ),
            (
                "Twin",
                json!({"type": "object", "properties": {"p": {"type": "string"}}}),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let r = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
        let mut notes = Vec::new();
        let mut union = Union::new(&schemas, "op", &mut notes);
        assert!(union.documents(&r("Big"), &r("Small")));
        assert!(!union.documents(&r("Small"), &r("Big")));
        assert!(!union.documents(&r("Strict"), &r("Small")));
        assert_eq!(union.schema(&r("Small"), &r("Big"), "here"), r("Big"));
        // Two that document each other: the first stays.
        assert_eq!(union.schema(&r("Twin"), &r("Small"), "here"), r("Twin"));
        assert_eq!(
            union.schema(
                &r("Strict"),
                &json!({"anyOf": [r("Small"), r("Big")]}),
                "here"
            ),
            r("Big"),
            "Big requires less than Strict, so it documents it too"
        );
        assert!(
            notes.iter().any(|n| n.contains("which documents `Small`")),
            "{notes:?}"
        );
    }
}
