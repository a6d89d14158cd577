//! The union rule: merging copies of one operation that disagree.
//!
//! The merged operation has every parameter, media type, response code and
//! header of every copy. Where copies give different schemas at one place,
//! the schemas are merged by the union rule for schemas
//! ([`super::schema_union`]): the result accepts what any copy accepts. A
//! boolean `required` (of a parameter or body) is true only if every copy
//! says so; `tags` are the union of the copies' tags. Anything else that
//! differs cannot be merged by this rule and fails the import.
//!
//! Copies are merged pairwise, so the schemas found at one place are first
//! collected (under a private marker key) and merged once every copy is in.

use serde_json::{Value, json};

use super::diff;
use super::schema_union::SchemaUnion;

/// Where the schemas of the copies wait until every copy is in.
const PENDING: &str = "x-import-pending-union";

/// The union rule, applied to one operation.
pub struct Union<'a, 's> {
    schemas: &'a mut SchemaUnion<'s>,
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

impl<'a, 's> Union<'a, 's> {
    pub fn new(schemas: &'a mut SchemaUnion<'s>, key: &str, notes: &'a mut Vec<String>) -> Self {
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

    /// Once every copy is merged in: the schemas collected at each place
    /// become their union.
    pub fn finish(&mut self, op: &mut Value) -> Result<(), String> {
        self.resolve_pending(op, "")
    }

    fn resolve_pending(&mut self, value: &mut Value, at: &str) -> Result<(), String> {
        match value {
            Value::Object(map) => {
                if let Some(Value::Array(alternatives)) = map.get(PENDING) {
                    let at = format!("`{}` {}", self.key, at.trim_start_matches('.'));
                    *value = self.schemas.union(alternatives, &at, self.notes)?;
                    return Ok(());
                }
                for (k, v) in map.iter_mut() {
                    self.resolve_pending(v, &format!("{at}{}", diff::segment(k)))?;
                }
                Ok(())
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    self.resolve_pending(v, &format!("{at}[{i}]"))?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
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
                // Tags only group operations: the merged one is in every
                // group a copy is in.
                (Level::Operation, "tags") => union_of_lists(va, vb),
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
                    *va = collect(va, vb);
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
}

/// The members of list `a`, then those of `b` not in `a`.
fn union_of_lists(a: &mut Value, b: &Value) -> Result<(), String> {
    let (Some(a), Some(b)) = (a.as_array_mut(), b.as_array()) else {
        return Err("expected lists".into());
    };
    for item in b {
        if !a.contains(item) {
            a.push(item.clone());
        }
    }
    Ok(())
}

/// The schemas collected at one place: those of `a` (already collected or
/// not) and `b`.
fn collect(a: &Value, b: &Value) -> Value {
    let mut all = match a.get(PENDING).and_then(Value::as_array) {
        Some(pending) => pending.clone(),
        None => vec![a.clone()],
    };
    if !all.contains(b) {
        all.push(b.clone());
    }
    json!({ PENDING: all })
}
