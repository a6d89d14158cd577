//! The union rule for schemas: where copies of an operation give different
//! schemas at one place, **the merged schema accepts what any copy accepts**.
//!
//! The alternatives are the copies' schemas, each `anyOf` among them (Adobe's
//! own "either this or that") taken apart into its branches. Then:
//! - Schemas of one kind merge into one schema of that kind:
//!   - objects: properties are the union, a property present in several
//!     alternatives merged by this same rule; `required` is the
//!     intersection, so a property any alternative leaves optional is
//!     optional;
//!   - arrays: the items merged by this rule;
//!   - enums: the union of the values; an enum and a plain string: the plain
//!     string, unless the enum is one the SDK decodes as an open enum
//!     (`x-import.openEnums`), which accepts any string itself;
//!   - `integer` and `number`: `number`;
//!   - limits (`minimum`, `maxLength`, `minItems`...): the loosest, none when
//!     an alternative has none; `format`, `pattern` and `x-adobe-default`
//!     only when every alternative has the same one;
//!   - `nullable` when any alternative is nullable.
//! - An empty schema `{}` (an Adobe field whose type was left out) declares
//!   nothing: it is dropped when another alternative declares something.
//! - Only alternatives of different kinds (an object and a string, an array
//!   and an object) stay an `anyOf`, one branch per kind, and each branch
//!   must then be a named schema (its description documents the variant).
//! - A merged schema equal to one of the alternatives is that alternative.
//!   A merged object or enum made of named schemas needs a name: the
//!   `x-import.disagreements` entry `{schema: NAME, of: [the named schemas]}`
//!   gives it. When NAME is one of them, the merged schema replaces that
//!   schema everywhere. An unlisted merge, or a listed one that no longer
//!   happens, fails the import.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::config::{Disagreement, ImportConfig};
use super::walk;

/// The union rule for schemas, with the merged schemas it publishes.
pub struct SchemaUnion<'a> {
    /// The imported schemas, before any merge.
    schemas: &'a BTreeMap<String, Value>,
    /// The `schema` entries of `x-import.disagreements`.
    entries: Vec<&'a Disagreement>,
    used: Vec<bool>,
    open_enums: &'a [String],
    /// Merged schemas by published name, with the names they merge.
    merged: BTreeMap<String, (Vec<String>, Value)>,
    /// Names the rule referenced because a merge equalled them.
    kept: Vec<(String, String)>,
}

/// What a schema is, for the rule: alternatives of one kind merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    /// No `type` and nothing that implies one.
    Untyped,
    /// A named schema that is itself an `anyOf`/`oneOf`/`allOf`.
    Composite,
}

/// Keywords kept only when every alternative has the same value.
const SAME_OR_DROPPED: &[&str] = &[
    "format",
    "pattern",
    "readOnly",
    "writeOnly",
    "deprecated",
    "multipleOf",
    super::convert::DEFAULT_EXTENSION,
];

/// Lower bounds (the loosest is the smallest) and upper bounds (the largest).
const LOWER: &[&str] = &["minLength", "minItems", "minProperties"];
const UPPER: &[&str] = &["maxLength", "maxItems", "maxProperties"];

const DEPTH_LIMIT: usize = 32;

impl<'a> SchemaUnion<'a> {
    pub fn new(
        schemas: &'a BTreeMap<String, Value>,
        config: &'a ImportConfig,
    ) -> Result<Self, String> {
        for name in &config.open_enums {
            let is_enum = schemas
                .get(name)
                .is_some_and(|s| s.get("enum").is_some() && s["type"] == "string");
            if !is_enum {
                return Err(format!(
                    "x-import.openEnums: `{name}` is not a string enum schema"
                ));
            }
        }
        let entries: Vec<&Disagreement> = config
            .disagreements
            .iter()
            .filter(|d| d.schema.is_some())
            .collect();
        Ok(SchemaUnion {
            schemas,
            used: vec![false; entries.len()],
            entries,
            open_enums: &config.open_enums,
            merged: BTreeMap::new(),
            kept: Vec::new(),
        })
    }

    /// The schemas the rule publishes (some replace imported ones), after
    /// checking every `schema` entry was used and nothing kept by reference
    /// was replaced.
    pub fn finish(self, notes: &mut Vec<String>) -> Result<BTreeMap<String, Value>, String> {
        let stale: Vec<&str> = self
            .entries
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .filter_map(|(d, _)| d.schema.as_deref())
            .collect();
        if !stale.is_empty() {
            return Err(format!(
                "x-import.disagreements lists schema merges that no longer happen: {stale:?}"
            ));
        }
        for (name, at) in &self.kept {
            if self.merged.contains_key(name) {
                return Err(format!(
                    "{at}: the union rule kept `{name}`, which another merge replaces; \
                     publish that merge under another name"
                ));
            }
        }
        for (name, (of, _)) in &self.merged {
            let how = if of.contains(name) {
                format!("replaces `{name}` everywhere")
            } else {
                "is a new schema".to_string()
            };
            notes.push(format!("union rule: `{name}`, merging {of:?}, {how}"));
        }
        Ok(self
            .merged
            .into_iter()
            .map(|(name, (_, schema))| (name, schema))
            .collect())
    }

    /// The union of `alternatives` at `at` (a readable location).
    pub fn union(
        &mut self,
        alternatives: &[Value],
        at: &str,
        notes: &mut Vec<String>,
    ) -> Result<Value, String> {
        self.union_at(alternatives, at, notes, 0)
    }

    fn union_at(
        &mut self,
        alternatives: &[Value],
        at: &str,
        notes: &mut Vec<String>,
        depth: usize,
    ) -> Result<Value, String> {
        if depth > DEPTH_LIMIT {
            return Err(format!("{at}: schemas nest too deeply to merge"));
        }
        let mut flat = Vec::new();
        let mut nullable = false;
        for alternative in alternatives {
            flatten(alternative, &mut flat, &mut nullable);
        }
        if flat.len() > 1 && flat.iter().any(is_empty) {
            flat.retain(|s| !is_empty(s));
            notes.push(format!(
                "  {at}: an alternative without a type (`{{}}`) declares nothing; dropped"
            ));
        }
        let mut kinds: Vec<Kind> = Vec::new();
        for schema in &flat {
            let kind = self.kind(schema);
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        let result = match kinds.as_slice() {
            [] => json!({}),
            [_] if flat.len() == 1 => flat[0].clone(),
            [kind] => self.same_kind(&flat, *kind, at, notes, depth)?,
            _ => {
                let mut branches = Vec::new();
                for kind in &kinds {
                    let group: Vec<Value> = flat
                        .iter()
                        .filter(|s| self.kind(s) == *kind)
                        .cloned()
                        .collect();
                    let branch = if group.len() == 1 {
                        group[0].clone()
                    } else {
                        self.same_kind(&group, *kind, at, notes, depth)?
                    };
                    if walk::bare_ref(&branch).is_none() {
                        return Err(format!(
                            "{at}: the alternatives are of different kinds ({kinds:?}), so the \
                             union rule keeps an anyOf, but its {kind:?} branch is not a named \
                             schema; every branch must be one"
                        ));
                    }
                    branches.push(branch);
                }
                notes.push(format!(
                    "  {at}: kinds differ ({kinds:?}), anyOf [{}]",
                    branches.iter().map(label).collect::<Vec<_>>().join(", ")
                ));
                json!({ "anyOf": branches })
            }
        };
        Ok(with_nullable(result, nullable))
    }

    /// The kind of a schema, references followed.
    fn kind(&self, schema: &Value) -> Kind {
        let schema = self.resolve(schema);
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => return Kind::Object,
            Some("array") => return Kind::Array,
            Some("string") => return Kind::String,
            Some("integer" | "number") => return Kind::Number,
            Some("boolean") => return Kind::Boolean,
            _ => {}
        }
        let has = |k: &str| schema.get(k).is_some();
        if has("properties") || has("additionalProperties") {
            Kind::Object
        } else if has("items") {
            Kind::Array
        } else if has("anyOf") || has("oneOf") || has("allOf") {
            Kind::Composite
        } else if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if values.iter().all(Value::is_string) {
                Kind::String
            } else {
                Kind::Untyped
            }
        } else {
            Kind::Untyped
        }
    }

    /// A bare reference's target (once), else the schema itself.
    fn resolve<'v>(&'v self, schema: &'v Value) -> &'v Value {
        walk::bare_ref(schema)
            .and_then(walk::schema_ref_name)
            .and_then(|name| self.schemas.get(name))
            .unwrap_or(schema)
    }

    /// Merges alternatives of one kind (at least two, all different).
    fn same_kind(
        &mut self,
        alternatives: &[Value],
        kind: Kind,
        at: &str,
        notes: &mut Vec<String>,
        depth: usize,
    ) -> Result<Value, String> {
        let names: Vec<String> = alternatives
            .iter()
            .filter_map(|s| walk::bare_ref(s).and_then(walk::schema_ref_name))
            .map(str::to_string)
            .collect();
        if kind == Kind::String {
            let open: Vec<&String> = names
                .iter()
                .filter(|n| self.open_enums.contains(n))
                .collect();
            if let [name] = open.as_slice() {
                notes.push(format!(
                    "  {at}: `{name}`, an open enum, accepts the other strings ({})",
                    alternatives
                        .iter()
                        .map(label)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                let name = name.to_string();
                self.kept.push((name.clone(), at.to_string()));
                return Ok(reference(&name));
            }
        }
        if matches!(kind, Kind::Composite | Kind::Untyped) {
            return Err(format!(
                "{at}: the union rule cannot merge these {kind:?} schemas: {}",
                alternatives
                    .iter()
                    .map(label)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let maps: Vec<Map<String, Value>> = alternatives
            .iter()
            .map(|s| self.resolve(s).as_object().cloned().unwrap_or_default())
            .collect();
        let merged = Value::Object(self.merge_maps(&maps, at, notes, depth)?);
        let all: Vec<String> = alternatives.iter().map(label).collect();

        // Equal to an alternative: that alternative.
        if let Some(i) = maps.iter().position(|m| Value::Object(m.clone()) == merged) {
            let same = &alternatives[i];
            if !names.is_empty() {
                notes.push(format!(
                    "  {at}: {}, which accepts all of {}",
                    label(same),
                    all.join(", ")
                ));
            }
            if let Some(name) = walk::bare_ref(same).and_then(walk::schema_ref_name) {
                self.kept.push((name.to_string(), at.to_string()));
            }
            return Ok(same.clone());
        }
        let typed = kind == Kind::Object || merged.get("enum").is_some();
        if names.is_empty() || !typed {
            if !names.is_empty() {
                notes.push(format!(
                    "  {at}: one inline schema merging {}",
                    all.join(", ")
                ));
            }
            return Ok(merged);
        }
        let members = sorted(&names);
        let found = self.entries.iter().position(|d| sorted(&d.of) == members);
        let Some(i) = found else {
            return Err(format!(
                "{at}: the union rule merges {names:?} into one schema that is none of them; \
                 name it: add `- {{schema: NAME, of: {names:?}, reason: ...}}` to \
                 x-import.disagreements"
            ));
        };
        self.used[i] = true;
        let name = self.entries[i].schema.clone().expect("a schema entry");
        match self.merged.get(&name) {
            Some((of, existing)) if *of != members || *existing != merged => {
                return Err(format!(
                    "{at}: `{name}` is published for two different merges ({of:?} and {names:?})"
                ));
            }
            Some(_) => {}
            None => {
                if !names.contains(&name) && self.schemas.contains_key(&name) {
                    return Err(format!(
                        "{at}: the merge of {names:?} is published as `{name}`, the name of \
                         another schema"
                    ));
                }
                self.merged.insert(name.clone(), (members, merged));
            }
        }
        notes.push(format!("  {at}: `{name}`, merging {}", all.join(", ")));
        Ok(reference(&name))
    }

    /// One schema object from several of one kind, keyword by keyword.
    fn merge_maps(
        &mut self,
        maps: &[Map<String, Value>],
        at: &str,
        notes: &mut Vec<String>,
        depth: usize,
    ) -> Result<Map<String, Value>, String> {
        let mut keys: Vec<&String> = maps.iter().flat_map(|m| m.keys()).collect();
        keys.sort();
        keys.dedup();
        let all = |key: &str| -> Option<Vec<&Value>> { maps.iter().map(|m| m.get(key)).collect() };
        let mut out = Map::new();
        for key in keys {
            let key = key.as_str();
            let present: Vec<&Value> = maps.iter().filter_map(|m| m.get(key)).collect();
            let value = match key {
                "type" => {
                    let mut types: Vec<&str> = present.iter().filter_map(|v| v.as_str()).collect();
                    types.sort_unstable();
                    types.dedup();
                    match types.as_slice() {
                        [one] => Some(json!(one)),
                        ["integer", "number"] => Some(json!("number")),
                        _ => return Err(format!("{at}: cannot merge types {types:?}")),
                    }
                }
                "nullable" => present
                    .iter()
                    .any(|v| **v == json!(true))
                    .then_some(Value::Bool(true)),
                "enum" => all(key).map(|lists| {
                    let mut values: Vec<Value> = Vec::new();
                    for v in lists.into_iter().filter_map(Value::as_array).flatten() {
                        if !values.contains(v) {
                            values.push(v.clone());
                        }
                    }
                    Value::Array(values)
                }),
                "required" => {
                    let lists: Vec<Vec<Value>> = maps
                        .iter()
                        .map(|m| {
                            m.get(key)
                                .and_then(Value::as_array)
                                .cloned()
                                .unwrap_or_default()
                        })
                        .collect();
                    let common: Vec<Value> = lists[0]
                        .iter()
                        .filter(|r| lists.iter().all(|l| l.contains(r)))
                        .cloned()
                        .collect();
                    (!common.is_empty()).then_some(Value::Array(common))
                }
                "properties" => {
                    let mut names: Vec<&String> = present
                        .iter()
                        .filter_map(|p| p.as_object())
                        .flat_map(|p| p.keys())
                        .collect();
                    names.sort();
                    names.dedup();
                    let mut properties = Map::new();
                    for name in names {
                        let alternatives: Vec<Value> = present
                            .iter()
                            .filter_map(|p| p.get(name.as_str()))
                            .cloned()
                            .collect();
                        let here = format!("{at}.properties.{name}");
                        let merged = self.union_at(&alternatives, &here, notes, depth + 1)?;
                        properties.insert(name.clone(), merged);
                    }
                    Some(Value::Object(properties))
                }
                "items" => match all(key) {
                    Some(items) => {
                        let items: Vec<Value> = items.into_iter().cloned().collect();
                        let here = format!("{at}.items");
                        Some(self.union_at(&items, &here, notes, depth + 1)?)
                    }
                    None => None,
                },
                "additionalProperties" => match all(key) {
                    Some(values) if values.iter().all(|v| *v == values[0]) => {
                        Some(values[0].clone())
                    }
                    Some(values) if values.iter().all(|v| v.is_object() || **v == json!(false)) => {
                        let schemas: Vec<Value> = values
                            .into_iter()
                            .filter(|v| v.is_object())
                            .cloned()
                            .collect();
                        let here = format!("{at}.additionalProperties");
                        Some(self.union_at(&schemas, &here, notes, depth + 1)?)
                    }
                    _ => None,
                },
                "minimum" | "exclusiveMinimum" => {
                    bound(maps, "minimum", "exclusiveMinimum", |a, b| a < b, &mut out);
                    continue;
                }
                "maximum" | "exclusiveMaximum" => {
                    bound(maps, "maximum", "exclusiveMaximum", |a, b| a > b, &mut out);
                    continue;
                }
                k if LOWER.contains(&k) => all(key).and_then(|v| extreme(&v, |a, b| a < b)),
                k if UPPER.contains(&k) => all(key).and_then(|v| extreme(&v, |a, b| a > b)),
                "uniqueItems" => all(key)
                    .filter(|v| v.iter().all(|x| **x == json!(true)))
                    .map(|_| json!(true)),
                k if SAME_OR_DROPPED.contains(&k) => all(key)
                    .filter(|v| v.iter().all(|x| *x == v[0]))
                    .map(|v| v[0].clone()),
                _ => match all(key) {
                    Some(v) if v.iter().all(|x| *x == v[0]) => Some(v[0].clone()),
                    _ => {
                        return Err(format!(
                            "{at}: the union rule cannot merge differing `{key}`"
                        ));
                    }
                },
            };
            if let Some(value) = value {
                out.insert(key.to_string(), value);
            }
        }
        Ok(out)
    }
}

/// The loosest of a bound and its exclusive flag (3.0 booleans): none when
/// an alternative has no bound; exclusive only if every alternative with the
/// loosest value is.
fn bound(
    maps: &[Map<String, Value>],
    key: &str,
    exclusive: &str,
    looser: fn(f64, f64) -> bool,
    out: &mut Map<String, Value>,
) {
    if out.contains_key(key) {
        return;
    }
    let Some(values) = maps
        .iter()
        .map(|m| m.get(key).filter(|v| v.is_number()))
        .collect::<Option<Vec<&Value>>>()
    else {
        return;
    };
    let Some(loosest) = extreme(&values, looser) else {
        return;
    };
    let strict = maps
        .iter()
        .filter(|m| m.get(key) == Some(&loosest))
        .all(|m| m.get(exclusive) == Some(&json!(true)));
    out.insert(key.to_string(), loosest);
    if strict {
        out.insert(exclusive.to_string(), json!(true));
    }
}

/// The value `better` prefers among numbers.
fn extreme(values: &[&Value], better: fn(f64, f64) -> bool) -> Option<Value> {
    let mut best: Option<&Value> = None;
    for v in values {
        let x = v.as_f64()?;
        if best.is_none_or(|b| better(x, b.as_f64().unwrap_or(f64::NAN))) {
            best = Some(v);
        }
    }
    best.cloned()
}

/// Takes `anyOf` apart and `nullable` wrappers off; duplicates go.
fn flatten(schema: &Value, out: &mut Vec<Value>, nullable: &mut bool) {
    let Some(map) = schema.as_object() else {
        push_unique(out, schema.clone());
        return;
    };
    let mut rest = map.clone();
    let is_nullable = rest.remove("nullable") == Some(json!(true));
    if let Some(Value::Array(branches)) = rest.get("anyOf")
        && rest.len() == 1
    {
        *nullable |= is_nullable;
        for branch in branches {
            flatten(branch, out, nullable);
        }
        return;
    }
    if let Some(Value::Array(all)) = rest.get("allOf")
        && rest.len() == 1
        && all.len() == 1
        && walk::bare_ref(&all[0]).is_some()
    {
        *nullable |= is_nullable;
        push_unique(out, all[0].clone());
        return;
    }
    push_unique(out, schema.clone());
}

fn sorted(names: &[String]) -> Vec<String> {
    let mut names = names.to_vec();
    names.sort();
    names.dedup();
    names
}

fn push_unique(out: &mut Vec<Value>, schema: Value) {
    if !out.contains(&schema) {
        out.push(schema);
    }
}

fn is_empty(schema: &Value) -> bool {
    schema.as_object().is_some_and(Map::is_empty)
}

fn with_nullable(schema: Value, nullable: bool) -> Value {
    if !nullable {
        return schema;
    }
    let mut map = match schema {
        reference if walk::bare_ref(&reference).is_some() => {
            let mut wrapper = Map::new();
            wrapper.insert("allOf".into(), json!([reference]));
            wrapper
        }
        Value::Object(map) => map,
        other => return other,
    };
    map.insert("nullable".into(), json!(true));
    Value::Object(map)
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// How a schema reads in notes and messages.
pub fn label(schema: &Value) -> String {
    if let Some(name) = walk::bare_ref(schema).and_then(walk::schema_ref_name) {
        return format!("`{name}`");
    }
    if let Some(all) = schema.get("anyOf").and_then(Value::as_array) {
        let names: Vec<String> = all.iter().map(label).collect();
        return format!("anyOf [{}]", names.join(", "));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some(t) if schema.get("enum").is_some() => format!("an inline {t} enum"),
        Some(t) => format!("an inline {t}"),
        None if is_empty(schema) => "`{}`".into(),
        None => "an inline schema".into(),
    }
}

#[cfg(test)]
mod tests;
