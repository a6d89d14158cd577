//! Schema names: one schema per (file, name), collisions renamed by one rule,
//! then the published names from the overlay.
//!
//! 1. Identity. Two files' schemas with the same name are the same schema
//!    when their *deep* forms are equal: prose removed and every `$ref`
//!    replaced by what it points at, so a `Placement` that references a
//!    different `Inset` is a different `Placement`.
//! 2. Collisions. A name with several distinct variants is a collision.
//!    The rule: **every variant is renamed to the name followed by the tag
//!    of the first file, in the overlay's source order, that defines it**
//!    (`Size` → `SizeAsync`, `SizeSync`). Each collision must be listed
//!    under `x-import.collisions` with exactly those names: a new one fails
//!    the import, and so does a listed one that no longer happens.
//! 3. Published names. `x-import.names` renames imported names (after
//!    step 2) to the names the SDK exposes. Several imported names may
//!    share a published name only if their schemas are identical once
//!    references are renamed: that is how identical schemas with different
//!    Adobe names (`PublicBinaryInput`, `PublicBinaryInputV3`) become one.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::config::ImportConfig;
use super::diff;
use super::load::Source;
use super::walk;

/// The outcome of naming.
#[derive(Debug)]
pub struct Naming {
    /// Per source (same index as the sources): Adobe's name → published name.
    pub per_file: Vec<BTreeMap<String, String>>,
    /// Published name → schema, references renamed.
    pub schemas: BTreeMap<String, Value>,
    /// What was renamed and merged, for the report.
    pub notes: Vec<String>,
}

impl Naming {
    /// Renames every schema reference in `value`, which comes from source
    /// `file`.
    pub fn rename_refs(&self, file: usize, value: &mut Value) -> Result<(), String> {
        rename_refs(value, &self.per_file[file])
    }
}

struct Variant {
    deep: Value,
    files: Vec<usize>,
}

fn schemas_of(source: &Source) -> Map<String, Value> {
    source
        .doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Names every schema of `sources` (given in precedence order).
pub fn assign(sources: &[Source], config: &ImportConfig) -> Result<Naming, String> {
    let all: Vec<Map<String, Value>> = sources.iter().map(schemas_of).collect();
    let mut variants: BTreeMap<String, Vec<Variant>> = BTreeMap::new();
    for (i, schemas) in all.iter().enumerate() {
        for (name, schema) in schemas {
            let deep = deep_form(schemas, schema, &mut vec![name.clone()])
                .map_err(|e| format!("{}: schema {name}: {e}", sources[i].file))?;
            let list = variants.entry(name.clone()).or_default();
            match list.iter_mut().find(|v| v.deep == deep) {
                Some(v) => v.files.push(i),
                None => list.push(Variant {
                    deep,
                    files: vec![i],
                }),
            }
        }
    }

    let mut notes = Vec::new();
    let mut imported: Vec<BTreeMap<String, String>> = vec![BTreeMap::new(); sources.len()];
    let mut found_collisions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, list) in &variants {
        for variant in list {
            let new_name = if list.len() == 1 {
                name.clone()
            } else {
                let tag = config.tag(&sources[variant.files[0]].file).unwrap_or("");
                let renamed = format!("{name}{tag}");
                if variants.contains_key(&renamed) {
                    return Err(format!(
                        "collision rule: `{renamed}` (for a variant of `{name}`) is already a schema name"
                    ));
                }
                let files: Vec<&str> = variant
                    .files
                    .iter()
                    .map(|&f| sources[f].file.as_str())
                    .collect();
                notes.push(format!(
                    "collision `{name}`: renamed `{renamed}` in {files:?}"
                ));
                found_collisions
                    .entry(name.clone())
                    .or_default()
                    .push(renamed.clone());
                renamed
            };
            for &f in &variant.files {
                imported[f].insert(name.clone(), new_name.clone());
            }
        }
    }
    check_collisions(&found_collisions, &config.collisions)?;

    let known: std::collections::BTreeSet<&String> =
        imported.iter().flat_map(|m| m.values()).collect();
    let stale: Vec<&String> = config.names.keys().filter(|k| !known.contains(k)).collect();
    if !stale.is_empty() {
        return Err(format!(
            "x-import.names renames schemas that do not exist: {stale:?}"
        ));
    }
    let per_file: Vec<BTreeMap<String, String>> = imported
        .iter()
        .map(|m| {
            m.iter()
                .map(|(adobe, imp)| (adobe.clone(), config.names.get(imp).unwrap_or(imp).clone()))
                .collect()
        })
        .collect();
    for (from, to) in &config.names {
        notes.push(format!("rename `{from}` → `{to}`"));
    }

    let mut schemas: BTreeMap<String, Value> = BTreeMap::new();
    let mut origin: BTreeMap<String, String> = BTreeMap::new();
    let mut merged: std::collections::BTreeSet<(String, String)> = Default::default();
    for (i, source_schemas) in all.iter().enumerate() {
        for (name, schema) in source_schemas {
            let mut schema = schema.clone();
            rename_refs(&mut schema, &per_file[i])
                .map_err(|e| format!("{}: schema {name}: {e}", sources[i].file))?;
            let published = per_file[i][name].clone();
            let here = format!("`{}` of {}", imported[i][name], sources[i].file);
            match schemas.get(&published) {
                None => {
                    schemas.insert(published.clone(), schema);
                    merged.insert((imported[i][name].clone(), published.clone()));
                    origin.insert(published, here);
                }
                Some(existing) if *existing == schema => {
                    if merged.insert((imported[i][name].clone(), published.clone())) {
                        notes.push(format!(
                            "identical: {here} published as `{published}` with {}",
                            origin[&published]
                        ));
                    }
                }
                Some(existing) => {
                    return Err(format!(
                        "{here} and {} are both published as `{published}` but differ: {}",
                        origin[&published],
                        diff::differences(existing, &schema, 3).join("; ")
                    ));
                }
            }
        }
    }
    Ok(Naming {
        per_file,
        schemas,
        notes,
    })
}

fn check_collisions(
    found: &BTreeMap<String, Vec<String>>,
    recorded: &BTreeMap<String, Vec<String>>,
) -> Result<(), String> {
    let mut problems = Vec::new();
    for (name, variants) in found {
        let mut variants = variants.clone();
        variants.sort();
        match recorded.get(name) {
            None => problems.push(format!(
                "new collision: `{name}` has {} different schemas ({variants:?}); \
                 add `{name}: {variants:?}` to x-import.collisions after checking them",
                variants.len()
            )),
            Some(listed) => {
                let mut listed = listed.clone();
                listed.sort();
                if listed != variants {
                    problems.push(format!(
                        "collision `{name}` now gives {variants:?}, x-import.collisions lists {listed:?}"
                    ));
                }
            }
        }
    }
    for name in recorded.keys().filter(|n| !found.contains_key(*n)) {
        problems.push(format!(
            "x-import.collisions lists `{name}`, which no longer collides"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// `value` with every schema reference replaced by its target, recursively.
/// A reference back into the chain being expanded becomes `{$recursive}`.
fn deep_form(
    schemas: &Map<String, Value>,
    value: &Value,
    stack: &mut Vec<String>,
) -> Result<Value, String> {
    Ok(match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let name = walk::schema_ref_name(reference)
                    .ok_or_else(|| format!("unsupported reference {reference}"))?;
                let target = if stack.iter().any(|s| s == name) {
                    serde_json::json!({ "$recursive": name })
                } else {
                    let schema = schemas
                        .get(name)
                        .ok_or_else(|| format!("dangling reference {reference}"))?;
                    stack.push(name.to_string());
                    let deep = deep_form(schemas, schema, stack)?;
                    stack.pop();
                    deep
                };
                let mut out = map.clone();
                out.remove("$ref");
                if out.is_empty() {
                    return Ok(target);
                }
                let mut out = deep_form(schemas, &Value::Object(out), stack)?;
                out["$target"] = target;
                return Ok(out);
            }
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(k.clone(), deep_form(schemas, v, stack)?);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| deep_form(schemas, v, stack))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// Renames every `#/components/schemas/…` reference in `value` through
/// `names`, the targets of a discriminator's mapping included; any other or
/// unknown reference is an error.
pub fn rename_refs(value: &mut Value, names: &BTreeMap<String, String>) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                rename_ref(reference, names)?;
            }
            // A discriminator names its schemas by reference too.
            if let Some(Value::Object(mapping)) = map
                .get_mut("discriminator")
                .and_then(|d| d.get_mut("mapping"))
            {
                for target in mapping.values_mut() {
                    let Value::String(reference) = target else {
                        return Err("a discriminator mapping must map to references".into());
                    };
                    rename_ref(reference, names)?;
                }
            }
            map.iter_mut()
                .filter(|(k, _)| k.as_str() != "discriminator")
                .try_for_each(|(_, v)| rename_refs(v, names))
        }
        Value::Array(items) => items.iter_mut().try_for_each(|v| rename_refs(v, names)),
        _ => Ok(()),
    }
}

/// Renames one `#/components/schemas/…` reference through `names`.
fn rename_ref(reference: &mut String, names: &BTreeMap<String, String>) -> Result<(), String> {
    let name = walk::schema_ref_name(reference)
        .ok_or_else(|| format!("unsupported reference {reference}"))?;
    let new = names
        .get(name)
        .ok_or_else(|| format!("dangling reference {reference}"))?;
    *reference = format!("#/components/schemas/{new}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn source(file: &str, schemas: Value) -> Source {
        Source {
            file: file.into(),
            sha256: String::new(),
            doc: json!({"components": {"schemas": schemas}}),
        }
    }

    fn config(collisions: Value, names: Value) -> ImportConfig {
        serde_json::from_value(json!({
            "sources": [{"file": "a.json", "tag": "A"}, {"file": "b.json", "tag": "B"}],
            "collisions": collisions,
            "names": names,
        }))
        .unwrap()
    }

    fn two_sizes() -> Vec<Source> {
        let r = json!({"$ref": "#/components/schemas/Size"});
        vec![
            source(
                "a.json",
                json!({"Size": {"maximum": 1}, "Req": {"properties": {"s": r}}}),
            ),
            source(
                "b.json",
                json!({"Size": {"maximum": 2}, "Req": {"properties": {"s": r}}}),
            ),
        ]
    }

    #[test]
    fn deep_identity_makes_referrers_of_different_schemas_collide() {
        let naming = assign(
            &two_sizes(),
            &config(
                json!({"Size": ["SizeA", "SizeB"], "Req": ["ReqA", "ReqB"]}),
                json!({}),
            ),
        )
        .unwrap();
        assert_eq!(naming.per_file[0]["Size"], "SizeA");
        assert_eq!(naming.per_file[1]["Req"], "ReqB");
        assert_eq!(
            naming.schemas["ReqB"],
            json!({"properties": {"s": {"$ref": "#/components/schemas/SizeB"}}})
        );
    }

    #[test]
    fn an_unrecorded_or_stale_collision_fails() {
        let err = assign(
            &two_sizes(),
            &config(json!({"Size": ["SizeA", "SizeB"]}), json!({})),
        )
        .unwrap_err();
        assert!(err.contains("new collision: `Req`"), "{err}");
        let sources = vec![source("a.json", json!({"Size": {}}))];
        let err = assign(
            &sources,
            &config(json!({"Size": ["SizeA", "SizeB"]}), json!({})),
        )
        .unwrap_err();
        assert!(err.contains("no longer collides"), "{err}");
    }

    #[test]
    fn published_names_merge_only_identical_schemas() {
        let sources = vec![source(
            "a.json",
            json!({"In": {"type": "object"}, "InV3": {"type": "object"}, "Other": {"type": "string"}}),
        )];
        let naming = assign(
            &sources,
            &config(json!({}), json!({"In": "Input", "InV3": "Input"})),
        )
        .unwrap();
        assert_eq!(
            naming.schemas.keys().collect::<Vec<_>>(),
            ["Input", "Other"]
        );

        let err = assign(
            &sources,
            &config(json!({}), json!({"In": "X", "Other": "X"})),
        )
        .unwrap_err();
        assert!(err.contains("differ"), "{err}");
        let err = assign(&sources, &config(json!({}), json!({"Gone": "X"}))).unwrap_err();
        assert!(err.contains("Gone"), "{err}");
    }

    #[test]
    fn a_discriminators_mapping_is_renamed_with_the_schemas() {
        let names = BTreeMap::from([
            ("A".to_string(), "Renamed".to_string()),
            ("B".to_string(), "B".to_string()),
        ]);
        let mut schema = json!({
            "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
            "discriminator": {"propertyName": "k", "mapping": {
                "a": "#/components/schemas/A", "b": "#/components/schemas/B"
            }}
        });
        rename_refs(&mut schema, &names).unwrap();
        assert_eq!(
            schema["discriminator"]["mapping"],
            json!({"a": "#/components/schemas/Renamed", "b": "#/components/schemas/B"})
        );
        assert_eq!(schema["oneOf"][0]["$ref"], "#/components/schemas/Renamed");

        let mut dangling = json!({"discriminator": {"mapping": {"c": "#/components/schemas/C"}}});
        let err = rename_refs(&mut dangling, &names).unwrap_err();
        assert!(err.contains("dangling") && err.contains("/C"), "{err}");
    }
}
