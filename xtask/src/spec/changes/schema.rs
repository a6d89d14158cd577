//! Two schemas at one place, walked in parallel (see [`super`] for the
//! rules on references and on what counts as a change).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::{resolve, show, show_name};
use crate::spec::diff::segment;

/// Keywords compared by value, in the order their lines come out.
/// `nullable`, `deprecated`, `readOnly`, `writeOnly`, `uniqueItems` and the
/// 3.0 boolean `exclusiveMinimum`/`exclusiveMaximum` are false when absent.
const SCALARS: &[&str] = &[
    "type",
    "format",
    "nullable",
    "deprecated",
    "readOnly",
    "writeOnly",
    "default",
    "x-adobe-default",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];
/// Keywords whose string value is shown as it is, not as JSON.
const NAMES: &[&str] = &["type", "format", "pattern"];
const FALSE_WHEN_ABSENT: &[&str] = &[
    "nullable",
    "deprecated",
    "readOnly",
    "writeOnly",
    "uniqueItems",
    "exclusiveMinimum",
    "exclusiveMaximum",
];
/// Keywords walked structurally.
const STRUCTURE: &[&str] = &[
    "$ref",
    "enum",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
];
/// Prose, which does not change what the API accepts or answers.
const PROSE: &[&str] = &[
    "description",
    "title",
    "summary",
    "example",
    "examples",
    "externalDocs",
    "xml",
];

/// Where the lines of one walk go, and how to print a location.
pub struct Walk<'a> {
    old: &'a Value,
    new: &'a Value,
    /// The location the walk started at, e.g. `POST /a request` or
    /// `components.schemas.Size`.
    root: String,
    /// Whether a space separates `root` from the path inside the schema.
    spaced: bool,
    /// Pairs of references being compared further up the current path.
    open: Vec<(Option<String>, Option<String>)>,
    /// The changes found, as Markdown list items.
    pub lines: Vec<String>,
}

impl<'a> Walk<'a> {
    /// A walk of schemas of `old` and `new` from `root` (`spaced` for an
    /// operation's location, which ends with a word).
    pub fn new(old: &'a Value, new: &'a Value, root: &str, spaced: bool) -> Self {
        Walk {
            old,
            new,
            root: root.to_string(),
            spaced,
            open: Vec::new(),
            lines: Vec::new(),
        }
    }

    fn push(&mut self, at: &str, what: String) {
        let place = match (at.is_empty(), self.spaced) {
            (true, _) => self.root.clone(),
            (false, true) => format!("{} {at}", self.root),
            (false, false) => format!("{}{at}", self.root),
        };
        self.lines.push(format!("- `{place}`: {what}"));
    }

    /// Compares schema `a` (of the old document) with `b` (of the new) at
    /// `at`, a path below the walk's root (empty for the root itself).
    pub fn compare(&mut self, at: &str, a: &Value, b: &Value) -> Result<(), String> {
        let (ta, tb) = (target(a), target(b));
        if ta.is_none() && tb.is_none() {
            return self.inline(at, &as_map(a), &as_map(b));
        }
        if ta == tb {
            // The same schema on both sides: compared once, under
            // `components`. Only the keywords beside the reference count here.
            return self.inline(at, &beside_ref(a), &beside_ref(b));
        }
        self.push(at, format!("schema {} → {}", ref_label(ta), ref_label(tb)));
        let key = (ta.map(String::from), tb.map(String::from));
        if self.open.contains(&key) {
            return Ok(());
        }
        self.open.push(key);
        let ea = self.effective(a, ta, true)?;
        let eb = self.effective(b, tb, false)?;
        let result = self.inline(at, &ea, &eb);
        self.open.pop();
        result
    }

    /// The schema a reference stands for, with the keywords beside it.
    fn effective(
        &self,
        schema: &Value,
        target: Option<&str>,
        old: bool,
    ) -> Result<Map<String, Value>, String> {
        let Some(reference) = target else {
            return Ok(as_map(schema));
        };
        let doc = if old { self.old } else { self.new };
        let side = if old { "old" } else { "new" };
        let reference = serde_json::json!({ "$ref": reference });
        let body = resolve(doc, &reference).map_err(|e| format!("{side} document: {e}"))?;
        let mut out = as_map(body);
        out.extend(beside_ref(schema));
        Ok(out)
    }

    fn inline(
        &mut self,
        at: &str,
        a: &Map<String, Value>,
        b: &Map<String, Value>,
    ) -> Result<(), String> {
        for &key in SCALARS {
            let (x, y) = (scalar(a, key), scalar(b, key));
            if x != y {
                let show = if NAMES.contains(&key) {
                    show_name
                } else {
                    show
                };
                self.push(at, format!("{key} {} → {}", show(x), show(y)));
            }
        }
        self.enums(at, a.get("enum"), b.get("enum"));
        self.properties(at, a, b)?;
        self.one("items", &format!("{at}[]"), at, a, b)?;
        self.one("additionalProperties", &format!("{at}{{}}"), at, a, b)?;
        for key in ["allOf", "anyOf", "oneOf"] {
            self.branches(key, at, a.get(key), b.get(key))?;
        }
        let others: BTreeSet<&String> = a
            .keys()
            .chain(b.keys())
            .filter(|k| !is_handled(k))
            .collect();
        for key in others {
            if a.get(key) != b.get(key) {
                self.push(
                    at,
                    format!("{key} {} → {}", show(a.get(key)), show(b.get(key))),
                );
            }
        }
        Ok(())
    }

    fn enums(&mut self, at: &str, a: Option<&Value>, b: Option<&Value>) {
        let values = |v: Option<&Value>| -> BTreeMap<String, Value> {
            let list = v.and_then(Value::as_array).into_iter().flatten();
            list.map(|x| (x.to_string(), x.clone())).collect()
        };
        let (x, y) = (values(a), values(b));
        let list = |m: &BTreeMap<String, Value>| {
            m.values()
                .map(|v| show(Some(v)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (a.is_some(), b.is_some()) {
            (false, false) => {}
            (false, true) => self.push(at, format!("now an enum: {}", list(&y))),
            (true, false) => self.push(at, format!("no longer an enum (was {})", list(&x))),
            (true, true) => {
                for (k, v) in &y {
                    if !x.contains_key(k) {
                        self.push(at, format!("enum value added: {}", show(Some(v))));
                    }
                }
                for (k, v) in &x {
                    if !y.contains_key(k) {
                        self.push(at, format!("enum value removed: {}", show(Some(v))));
                    }
                }
            }
        }
    }

    fn properties(
        &mut self,
        at: &str,
        a: &Map<String, Value>,
        b: &Map<String, Value>,
    ) -> Result<(), String> {
        let required = |m: &Map<String, Value>| -> BTreeSet<String> {
            let list = m.get("required").and_then(Value::as_array);
            let names = list.into_iter().flatten().filter_map(Value::as_str);
            names.map(String::from).collect()
        };
        let (pa, pb) = (props_of(a), props_of(b));
        let (ra, rb) = (required(a), required(b));
        let names: BTreeSet<&String> = pa
            .into_iter()
            .chain(pb)
            .flat_map(Map::keys)
            .chain(ra.iter())
            .chain(rb.iter())
            .collect();
        for name in names {
            let child = format!("{at}{}", segment(name));
            let (x, y) = (pa.and_then(|p| p.get(name)), pb.and_then(|p| p.get(name)));
            let (rx, ry) = (ra.contains(name), rb.contains(name));
            let optional = |r: bool| if r { "required" } else { "optional" };
            match (x, y) {
                (None, Some(_)) => self.push(&child, format!("field added ({})", optional(ry))),
                (Some(_), None) => self.push(&child, "field removed".into()),
                _ => {
                    if rx != ry {
                        let what = if ry {
                            "now required"
                        } else {
                            "no longer required"
                        };
                        self.push(&child, what.into());
                    }
                    if let (Some(x), Some(y)) = (x, y) {
                        self.compare(&child, x, y)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// `items` or `additionalProperties`: a schema (or a boolean).
    fn one(
        &mut self,
        key: &str,
        child: &str,
        at: &str,
        a: &Map<String, Value>,
        b: &Map<String, Value>,
    ) -> Result<(), String> {
        match (a.get(key), b.get(key)) {
            (Some(x), Some(y)) if x.is_object() && y.is_object() => self.compare(child, x, y),
            (x, y) if x != y => {
                let brief = |v: Option<&Value>| match v {
                    Some(Value::Object(_)) => "a schema".to_string(),
                    other => show(other),
                };
                self.push(at, format!("{key} {} → {}", brief(x), brief(y)));
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The branches of `allOf`, `anyOf` or `oneOf`. One branch on each side:
    /// those are compared. Otherwise branches are matched by their key (the
    /// referenced name, else the `type`, numbered when repeated).
    fn branches(
        &mut self,
        key: &str,
        at: &str,
        a: Option<&Value>,
        b: Option<&Value>,
    ) -> Result<(), String> {
        let list = |v: Option<&Value>| v.and_then(Value::as_array).cloned().unwrap_or_default();
        let (x, y) = (list(a), list(b));
        if x.len() == 1 && y.len() == 1 {
            return self.compare(at, &x[0], &y[0]);
        }
        let (kx, ky) = (keyed(&x), keyed(&y));
        for name in ky.keys().filter(|k| !kx.contains_key(*k)) {
            self.push(at, format!("{key} branch added: `{name}`"));
        }
        for name in kx.keys().filter(|k| !ky.contains_key(*k)) {
            self.push(at, format!("{key} branch removed: `{name}`"));
        }
        for (name, p) in &kx {
            if let Some(q) = ky.get(name) {
                self.compare(&format!("{at}.{key}({name})"), p, q)?;
            }
        }
        Ok(())
    }
}

fn props_of(m: &Map<String, Value>) -> Option<&Map<String, Value>> {
    m.get("properties").and_then(Value::as_object)
}

/// Branches by key: the referenced schema's name, else the `type` (or
/// `inline`), with `#2`, `#3`... for repeats.
fn keyed(branches: &[Value]) -> BTreeMap<String, &Value> {
    let mut out = BTreeMap::new();
    for branch in branches {
        let base = match target(branch) {
            Some(r) => short_ref(r).to_string(),
            None => match branch.get("type") {
                Some(Value::String(t)) => t.clone(),
                _ => "inline".to_string(),
            },
        };
        let mut name = base.clone();
        let mut n = 1;
        while out.contains_key(&name) {
            n += 1;
            name = format!("{base}#{n}");
        }
        out.insert(name, branch);
    }
    out
}

/// What a schema refers to: its `$ref`, or that of its only `allOf` branch
/// (how the import writes a reference with a description or a default).
pub fn target(schema: &Value) -> Option<&str> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return Some(r);
    }
    match schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([only]) => only.get("$ref").and_then(Value::as_str),
        _ => None,
    }
}

/// The name of a component schema reference, else the reference itself.
pub fn short_ref(reference: &str) -> &str {
    crate::spec::walk::schema_ref_name(reference).unwrap_or(reference)
}

fn ref_label(target: Option<&str>) -> String {
    match target {
        Some(r) => format!("`{}`", short_ref(r)),
        None => "inline".into(),
    }
}

/// The keywords of a schema other than its reference.
fn beside_ref(schema: &Value) -> Map<String, Value> {
    let mut map = as_map(schema);
    map.remove("$ref");
    if target(schema).is_some() {
        map.remove("allOf");
    }
    map
}

fn as_map(schema: &Value) -> Map<String, Value> {
    schema.as_object().cloned().unwrap_or_default()
}

fn scalar<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    const FALSE: Value = Value::Bool(false);
    match map.get(key) {
        None if FALSE_WHEN_ABSENT.contains(&key) => Some(&FALSE),
        other => other,
    }
}

fn is_handled(key: &str) -> bool {
    SCALARS.contains(&key)
        || STRUCTURE.contains(&key)
        || PROSE.contains(&key)
        || key.starts_with("x-")
}
