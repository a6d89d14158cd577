//! `spec diff OLD NEW`: what changed between two OpenAPI 3.0 documents for
//! a user of the API, as Markdown.
//!
//! Sections, in this order, each left out when empty: *Operations added*,
//! *Operations removed*, *Operations changed*, *Schemas added*, *Schemas
//! removed*, *Schemas changed*; with no change at all, one line says so.
//! Operations are sorted by path, then method in OpenAPI's order; schemas
//! by name; inside a section, lines follow a fixed walk in which every map
//! (parameters, media types, status codes, properties...) is taken in
//! sorted order. The same inputs give byte-identical output.
//!
//! What counts: operations (by `METHOD path`), their `operationId` and
//! `deprecated`; parameters (by `in` and `name`, path-level ones included)
//! and whether they are required; request and response media types, status
//! codes and response headers; and in every schema: properties added or
//! removed, `required`, `type`, `format`, enum values, limits (`minimum`,
//! `maximum`, `exclusiveMinimum`/`Maximum`, `multipleOf`, `minLength`,
//! `maxLength`, `pattern`, `minItems`, `maxItems`, `uniqueItems`,
//! `min`/`maxProperties`), `nullable`, `readOnly`/`writeOnly`, `default`
//! and `x-adobe-default`, `items`, `additionalProperties` and the branches
//! of `allOf`/`anyOf`/`oneOf`. Prose (`description`, `summary`, `title`,
//! examples) and the other `x-` extensions are ignored; any other keyword
//! is reported when its value differs.
//!
//! The rule for references: schemas are compared in parallel, place by
//! place, from each operation's parameters, request and responses.
//! - Where both sides refer to the *same* component schema (a `$ref`, or
//!   the import's `allOf: [{$ref}]` wrapper), the walk stops there: every
//!   schema present in both documents is compared once, under
//!   `components.schemas.NAME`, so a change in a shared schema is one line,
//!   not one per operation that reaches it. Only keywords beside the
//!   reference (`nullable`, a default...) are compared at that place.
//! - Where the sides refer to *different* schemas (or one side is inline),
//!   the place gets a line (``schema `A` → `B` ``, or `inline` for a
//!   side without a reference) and the two schemas are compared there,
//!   structurally, references followed. A pair of references already being
//!   compared further up the same path is not compared again, so cycles
//!   end.
//!
//! Branches of `allOf`/`anyOf`/`oneOf`: one on each side are compared with
//! each other; otherwise they are matched by the name they refer to, else
//! by their `type` (numbered when repeated), and the rest are added or
//! removed.
//!
//! Locations read `POST /v3/images/upscale request .seeds[]` (a request
//! body; the media type follows `request` when the body has several),
//! `... response 200 .outputs[]`, `... query limit`, `... header x-name`, or
//! `components.schemas.Size.width`; `[]` is an array's items, `{}` an
//! object's `additionalProperties`, `.oneOf(Name)` a branch.

mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde_json::Value;

use super::walk::METHODS;
use schema::Walk;

/// Reads both files and describes what changed from `old` to `new`.
pub fn report(root: &Path, old: &Path, new: &Path) -> Result<String, String> {
    let label = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let changes = compare(&load(old)?, &load(new)?)?;
    Ok(changes.markdown(&label(old), &label(new)))
}

/// Reads an OpenAPI 3 document, JSON or YAML.
fn load(path: &Path) -> Result<Value, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Value = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?
    } else {
        let yaml: serde_norway::Value = serde_norway::from_str(&text)
            .map_err(|e| format!("{}: not YAML: {e}", path.display()))?;
        // Through serde_norway's own Value, so `200:` keys become strings.
        serde_json::to_value(yaml).map_err(|e| format!("{}: {e}", path.display()))?
    };
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.") => Ok(doc),
        _ => Err(format!("{}: not an OpenAPI 3 document", path.display())),
    }
}

/// What changed, section by section.
#[derive(Debug, Default)]
pub struct Changes {
    /// `METHOD path` (and operation id) of each new operation.
    pub operations_added: Vec<String>,
    /// `METHOD path` (and operation id) of each operation gone.
    pub operations_removed: Vec<String>,
    /// Per operation in both: its heading and its changes.
    pub operations_changed: Vec<(String, Vec<String>)>,
    /// Names of the new component schemas.
    pub schemas_added: Vec<String>,
    /// Names of the component schemas gone.
    pub schemas_removed: Vec<String>,
    /// Per component schema in both: its name and its changes.
    pub schemas_changed: Vec<(String, Vec<String>)>,
}

/// Compares two parsed documents.
pub fn compare(old: &Value, new: &Value) -> Result<Changes, String> {
    let mut out = Changes::default();
    let (ops_old, ops_new) = (operations(old), operations(new));
    for (key, op) in &ops_new {
        if !ops_old.contains_key(key) {
            out.operations_added
                .push(format!("- {}", title(key, op.op)));
        }
    }
    for (key, op) in &ops_old {
        match ops_new.get(key) {
            None => out
                .operations_removed
                .push(format!("- {}", title(key, op.op))),
            Some(new_op) => {
                let lines = operation(old, new, key, op, new_op)?;
                if !lines.is_empty() {
                    out.operations_changed.push((title(key, new_op.op), lines));
                }
            }
        }
    }
    let schemas = |doc: &Value| -> BTreeMap<String, Value> {
        let map = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        let entries = map.into_iter().flatten();
        entries.map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    let (sa, sb) = (schemas(old), schemas(new));
    out.schemas_added = sb
        .keys()
        .filter(|k| !sa.contains_key(*k))
        .map(|k| format!("- `{k}`"))
        .collect();
    out.schemas_removed = sa
        .keys()
        .filter(|k| !sb.contains_key(*k))
        .map(|k| format!("- `{k}`"))
        .collect();
    for (name, a) in &sa {
        if let Some(b) = sb.get(name) {
            let mut walk = Walk::new(old, new, &format!("components.schemas.{name}"), false);
            walk.compare("", a, b)?;
            if !walk.lines.is_empty() {
                out.schemas_changed.push((format!("`{name}`"), walk.lines));
            }
        }
    }
    Ok(out)
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.operations_added.is_empty()
            && self.operations_removed.is_empty()
            && self.operations_changed.is_empty()
            && self.schemas_added.is_empty()
            && self.schemas_removed.is_empty()
            && self.schemas_changed.is_empty()
    }

    /// The report, as Markdown, from document `old` to document `new`.
    pub fn markdown(&self, old: &str, new: &str) -> String {
        let mut text = format!("# API changes from `{old}` to `{new}`\n");
        if self.is_empty() {
            text.push_str("\nNo changes for users of the API.\n");
            return text;
        }
        list(&mut text, "Operations added", &self.operations_added);
        list(&mut text, "Operations removed", &self.operations_removed);
        groups(&mut text, "Operations changed", &self.operations_changed);
        list(&mut text, "Schemas added", &self.schemas_added);
        list(&mut text, "Schemas removed", &self.schemas_removed);
        groups(&mut text, "Schemas changed", &self.schemas_changed);
        text
    }
}

fn list(text: &mut String, heading: &str, lines: &[String]) {
    if !lines.is_empty() {
        text.push_str(&format!("\n## {heading}\n\n{}\n", lines.join("\n")));
    }
}

fn groups(text: &mut String, heading: &str, groups: &[(String, Vec<String>)]) {
    if !groups.is_empty() {
        text.push_str(&format!("\n## {heading}\n"));
        for (title, lines) in groups {
            text.push_str(&format!("\n### {title}\n\n{}\n", lines.join("\n")));
        }
    }
}

/// An operation and the parameters of its path item.
struct Op<'a> {
    op: &'a Value,
    path_params: Option<&'a Value>,
}

/// (path, index of the method in [`METHODS`]).
type OpKey = (String, usize);

fn operations(doc: &Value) -> BTreeMap<OpKey, Op<'_>> {
    let mut out = BTreeMap::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for (i, method) in METHODS.iter().enumerate() {
            if let Some(op) = item.get(*method) {
                let path_params = item.get("parameters");
                out.insert((path.clone(), i), Op { op, path_params });
            }
        }
    }
    out
}

fn place((path, method): &OpKey) -> String {
    format!("{} {path}", METHODS[*method].to_uppercase())
}

fn title(key: &OpKey, op: &Value) -> String {
    let mut text = format!("`{}`", place(key));
    if let Some(id) = op.get("operationId").and_then(Value::as_str) {
        text.push_str(&format!(" (`{id}`)"));
    }
    if flag(op, "deprecated") {
        text.push_str(", deprecated");
    }
    text
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The changes of an operation in both documents: its own, then its
/// parameters, request body and responses.
fn operation(old: &Value, new: &Value, key: &OpKey, a: &Op, b: &Op) -> Result<Vec<String>, String> {
    let at = place(key);
    let mut lines = Vec::new();
    let (ia, ib) = (a.op.get("operationId"), b.op.get("operationId"));
    if ia != ib {
        lines.push(format!(
            "- operationId {} → {}",
            show_name(ia),
            show_name(ib)
        ));
    }
    became(&mut lines, "- ", a.op, b.op, "deprecated");
    operation_parameters(old, new, &at, a, b, &mut lines)?;
    match (
        part(old, a.op, "requestBody")?,
        part(new, b.op, "requestBody")?,
    ) {
        (None, Some(r)) => lines.push(format!("- request body added ({})", required(r))),
        (Some(_), None) => lines.push("- request body removed".into()),
        (Some(x), Some(y)) => {
            became(&mut lines, "- request body: ", x, y, "required");
            content(
                old,
                new,
                &format!("{at} request"),
                "request",
                x,
                y,
                &mut lines,
            )?;
        }
        (None, None) => {}
    }
    responses(old, new, &at, a.op, b.op, &mut lines)?;
    Ok(lines)
}

/// `now KEY` / `no longer KEY` when the boolean `key` changed.
fn became(lines: &mut Vec<String>, prefix: &str, a: &Value, b: &Value, key: &str) {
    match (flag(a, key), flag(b, key)) {
        (false, true) => lines.push(format!("{prefix}now {key}")),
        (true, false) => lines.push(format!("{prefix}no longer {key}")),
        _ => {}
    }
}

fn required(value: &Value) -> &'static str {
    if flag(value, "required") {
        "required"
    } else {
        "optional"
    }
}

/// Compares the `schema` of a parameter, header or media type.
fn schema_of(
    old: &Value,
    new: &Value,
    root: &str,
    a: &Value,
    b: &Value,
    lines: &mut Vec<String>,
) -> Result<(), String> {
    let mut walk = Walk::new(old, new, root, true);
    let schema = |v: &Value| v.get("schema").cloned().unwrap_or(Value::Null);
    walk.compare("", &schema(a), &schema(b))?;
    lines.extend(walk.lines);
    Ok(())
}

fn operation_parameters(
    old: &Value,
    new: &Value,
    at: &str,
    a: &Op,
    b: &Op,
    lines: &mut Vec<String>,
) -> Result<(), String> {
    let (pa, pb) = (parameters(old, a)?, parameters(new, b)?);
    for ((place, name), p) in pb.iter().filter(|(k, _)| !pa.contains_key(*k)) {
        lines.push(format!(
            "- parameter added: {place} `{name}` ({})",
            required(p)
        ));
    }
    for (place, name) in pa.keys().filter(|k| !pb.contains_key(*k)) {
        lines.push(format!("- parameter removed: {place} `{name}`"));
    }
    for ((place, name), p) in &pa {
        if let Some(q) = pb.get(&(place.clone(), name.clone())) {
            let prefix = format!("- parameter {place} `{name}`: ");
            became(lines, &prefix, p, q, "required");
            became(lines, &prefix, p, q, "deprecated");
            schema_of(old, new, &format!("{at} {place} {name}"), p, q, lines)?;
        }
    }
    Ok(())
}

fn responses(
    old: &Value,
    new: &Value,
    at: &str,
    a: &Value,
    b: &Value,
    lines: &mut Vec<String>,
) -> Result<(), String> {
    let (ra, rb) = (named(a.get("responses")), named(b.get("responses")));
    added_and_removed(&ra, &rb, lines, |code, how| {
        format!("- response {how}: `{code}`")
    });
    for (code, x) in &ra {
        let Some(y) = rb.get(code) else {
            continue;
        };
        let (x, y) = (resolve(old, x)?, resolve(new, y)?);
        let what = format!("response `{code}`");
        let (ha, hb) = (named(x.get("headers")), named(y.get("headers")));
        added_and_removed(&ha, &hb, lines, |h, how| {
            format!("- {what} header {how}: `{h}`")
        });
        for (h, p) in &ha {
            if let Some(q) = hb.get(h) {
                let (p, q) = (resolve(old, p)?, resolve(new, q)?);
                schema_of(
                    old,
                    new,
                    &format!("{at} response {code} header {h}"),
                    p,
                    q,
                    lines,
                )?;
            }
        }
        content(
            old,
            new,
            &format!("{at} response {code}"),
            &what,
            x,
            y,
            lines,
        )?;
    }
    Ok(())
}

/// An operation's parameters by (`in`, `name`), path-level ones included
/// (the operation's own win).
fn parameters<'a>(
    doc: &'a Value,
    op: &Op<'a>,
) -> Result<BTreeMap<(String, String), &'a Value>, String> {
    let mut out = BTreeMap::new();
    let lists = [op.path_params, op.op.get("parameters")];
    for p in lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let p = resolve(doc, p)?;
        let field = |k: &str| {
            p.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        out.insert((field("in"), field("name")), p);
    }
    Ok(out)
}

/// `op[key]`, references followed.
fn part<'a>(doc: &'a Value, op: &'a Value, key: &str) -> Result<Option<&'a Value>, String> {
    op.get(key).map(|v| resolve(doc, v)).transpose()
}

/// One line per key only `b` has (`added`), then per key only `a` has
/// (`removed`), each in sorted order.
fn added_and_removed(
    a: &BTreeMap<String, &Value>,
    b: &BTreeMap<String, &Value>,
    lines: &mut Vec<String>,
    line: impl Fn(&str, &str) -> String,
) {
    for key in b.keys().filter(|k| !a.contains_key(*k)) {
        lines.push(line(key, "added"));
    }
    for key in a.keys().filter(|k| !b.contains_key(*k)) {
        lines.push(line(key, "removed"));
    }
}

fn named(map: Option<&Value>) -> BTreeMap<String, &Value> {
    let entries = map.and_then(Value::as_object).into_iter().flatten();
    entries.map(|(k, v)| (k.clone(), v)).collect()
}

/// Media types of a request body or a response, and their schemas. The
/// media type is part of the location when there are several.
fn content(
    old: &Value,
    new: &Value,
    at: &str,
    what: &str,
    a: &Value,
    b: &Value,
    lines: &mut Vec<String>,
) -> Result<(), String> {
    let (ma, mb) = (named(a.get("content")), named(b.get("content")));
    added_and_removed(&ma, &mb, lines, |m, how| {
        format!("- {what} media type {how}: `{m}`")
    });
    let several = ma.keys().chain(mb.keys()).collect::<BTreeSet<_>>().len() > 1;
    for (m, x) in &ma {
        if let Some(y) = mb.get(m) {
            let root = if several {
                format!("{at} {m}")
            } else {
                at.to_string()
            };
            schema_of(old, new, &root, x, y, lines)?;
        }
    }
    Ok(())
}

/// Follows local `$ref`s (`#/...`) from `value` to what they point at.
fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> Result<&'a Value, String> {
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Ok(value);
        };
        let pointer = reference
            .strip_prefix('#')
            .ok_or_else(|| format!("`{reference}` is not a local reference"))?;
        value = doc
            .pointer(pointer)
            .ok_or_else(|| format!("`{reference}` does not resolve"))?;
    }
    Err("references go round in a loop".into())
}

/// A value for a line: JSON in backticks, `(none)` when absent.
fn show(value: Option<&Value>) -> String {
    match value {
        None => "(none)".into(),
        Some(v) => format!("`{v}`"),
    }
}

/// A name for a line (a type, a format, a pattern): the string itself in
/// backticks, else as [`show`].
fn show_name(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => format!("`{s}`"),
        other => show(other),
    }
}

#[cfg(test)]
mod tests;
