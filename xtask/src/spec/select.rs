//! Taking only some operations of a file.
//!
//! Adobe's merged Firefly file (`firefly-api.json`) is the authority, but it
//! no longer describes the synchronous operations; those come from an older
//! file (`FFApiOpenApi3.json`) that also carries stale copies of operations
//! the authority describes. The overlay names the operations wanted from
//! such a file (`x-import.sources[].operations`): every other path is
//! dropped, and so is every component nothing kept refers to, so a stale
//! schema cannot collide with the authority's or leak into the output.

use std::collections::{BTreeSet, VecDeque};

use serde_json::Value;

use super::walk;

/// Keeps only `operations` (`method path`) of `doc` and the components they
/// reach. Every listed operation must exist.
pub fn only_operations(doc: &mut Value, operations: &[String], file: &str) -> Result<(), String> {
    let wanted: BTreeSet<(String, String)> = operations
        .iter()
        .map(|op| {
            let (method, path) = op
                .split_once(' ')
                .ok_or_else(|| format!("x-import.sources `{file}`: `{op}` is not `method path`"))?;
            Ok((method.to_ascii_lowercase(), path.to_string()))
        })
        .collect::<Result<_, String>>()?;
    let mut found = BTreeSet::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            item.retain(|key, _| {
                if !walk::METHODS.contains(&key.as_str()) {
                    return true;
                }
                let keep = wanted.contains(&(key.clone(), path.clone()));
                if keep {
                    found.insert((key.clone(), path.clone()));
                }
                keep
            });
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|i| i.keys().any(|k| walk::METHODS.contains(&k.as_str())))
        });
    }
    let missing: Vec<String> = wanted
        .difference(&found)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{file}: operations listed in x-import.sources are not in the file: {missing:?}"
        ));
    }
    prune_unreached(doc);
    Ok(())
}

/// Leaves out the component schemas no operation reaches, which must be
/// exactly those the overlay lists under `x-import.unreached`.
pub fn drop_unreached(doc: &mut Value, listed: &[String]) -> Result<Vec<String>, String> {
    let dropped = prune_unreached(doc);
    let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let found: BTreeSet<&str> = dropped.iter().map(String::as_str).collect();
    let unlisted: Vec<&&str> = found.difference(&listed).collect();
    let reached: Vec<&&str> = listed.difference(&found).collect();
    if !unlisted.is_empty() || !reached.is_empty() {
        return Err(format!(
            "x-import.unreached must list exactly the schemas no operation refers to; \
             unreached but not listed: {unlisted:?}; listed but reached or gone: {reached:?}"
        ));
    }
    Ok(dropped)
}

/// Removes every component (other than security schemes) that no path
/// reaches through `$ref`s, directly or through other components; returns
/// the names of the schemas removed.
fn prune_unreached(doc: &mut Value) -> Vec<String> {
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    refs_in(&doc["paths"], &mut queue);
    while let Some(reference) = queue.pop_front() {
        if !reached.insert(reference.clone()) {
            continue;
        }
        if let Some(target) = reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            refs_in(target, &mut queue);
        }
    }
    let mut dropped = Vec::new();
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else {
        return dropped;
    };
    for (kind, entries) in components.iter_mut() {
        if kind == "securitySchemes" {
            continue;
        }
        if let Some(entries) = entries.as_object_mut() {
            entries.retain(|name, _| {
                let keep = reached.contains(&format!("#/components/{kind}/{name}"));
                if !keep && kind == "schemas" {
                    dropped.push(name.clone());
                }
                keep
            });
        }
    }
    components.retain(|_, entries| entries.as_object().is_none_or(|e| !e.is_empty()));
    dropped
}

/// Every `$ref` in `value`, and every schema named by a discriminator's
/// mapping.
fn refs_in(value: &Value, out: &mut VecDeque<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(r)) => out.push_back(r.clone()),
                    ("discriminator", Value::Object(d)) => {
                        for target in d
                            .get("mapping")
                            .and_then(Value::as_object)
                            .into_iter()
                            .flatten()
                        {
                            if let Value::String(r) = target.1 {
                                out.push_back(r.clone());
                            }
                        }
                    }
                    _ => refs_in(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_listed_operations_and_what_they_reach_stay() {
        let mut doc = json!({
            "paths": {
                "/a": {"post": {"requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/A"}}}}},
                       "get": {"responses": {"200": {"$ref": "#/components/responses/R"}}}},
                "/b": {"post": {"responses": {"200": {"description": "x"}}}}
            },
            "components": {
                "schemas": {
                    "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
                    "B": {"type": "string"},
                    "C": {"type": "string"},
                    "U": {"oneOf": [{"$ref": "#/components/schemas/B"}]}
                },
                "responses": {"R": {"description": "r"}},
                "securitySchemes": {"K": {"type": "apiKey"}}
            }
        });
        only_operations(&mut doc, &["POST /a".into()], "f.json").unwrap();
        assert_eq!(
            doc,
            json!({
                "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/A"}}}}}}},
                "components": {
                    "schemas": {
                        "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
                        "B": {"type": "string"}
                    },
                    "securitySchemes": {"K": {"type": "apiKey"}}
                }
            })
        );
    }

    #[test]
    fn discriminator_targets_are_reached() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/U"}}}}}}}},
            "components": {"schemas": {
                "U": {"discriminator": {"propertyName": "k",
                      "mapping": {"x": "#/components/schemas/X"}}},
                "X": {"type": "object"}
            }}
        });
        only_operations(&mut doc, &["get /a".into()], "f.json").unwrap();
        assert!(doc.pointer("/components/schemas/X").is_some());
    }

    #[test]
    fn unreached_schemas_must_be_listed_exactly() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {"A": {"type": "object"}, "Old": {"type": "object"}}}
        });
        let mut copy = doc.clone();
        assert_eq!(drop_unreached(&mut copy, &["Old".into()]).unwrap(), ["Old"]);
        assert!(copy.pointer("/components/schemas/Old").is_none());
        let err = drop_unreached(&mut doc.clone(), &[]).unwrap_err();
        assert!(err.contains("not listed: [\"Old\"]"), "{err}");
        let err = drop_unreached(&mut doc.clone(), &["Old".into(), "A".into()]).unwrap_err();
        assert!(err.contains("reached or gone: [\"A\"]"), "{err}");
    }

    #[test]
    fn a_listed_operation_missing_from_the_file_fails() {
        let mut doc = json!({"paths": {"/a": {"get": {}}}});
        let err = only_operations(&mut doc, &["post /a".into()], "f.json").unwrap_err();
        assert!(err.contains("f.json") && err.contains("post /a"), "{err}");
        let err = only_operations(&mut doc, &["nonsense".into()], "f.json").unwrap_err();
        assert!(err.contains("method path"), "{err}");
    }
}
