//! Merging the operations of all files into one `paths` object.
//!
//! Copies of an operation (same method, same path once path-parameter names
//! are ignored) are merged once:
//! - Path parameters named differently by the copies take **the name most
//!   copies use** (ties: the earlier source), e.g. `{jobId}` over
//!   `{job_urn_or_id}`.
//! - Copies identical apart from prose (which is already gone) are merged;
//!   the report names the files.
//! - Copies that differ are merged by the union rule ([`super::union`]):
//!   the merged operation accepts what any copy accepts. Each such
//!   operation must be listed in `x-import.disagreements` with a reason, and
//!   with the operation id to publish when the copies' ids differ; so must
//!   every schema the rule makes out of several named ones
//!   ([`super::schema_union`]). An unlisted disagreement, or a listed one
//!   that no longer happens, fails the import.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::config::ImportConfig;
use super::diff;
use super::load::Source;
use super::names::Naming;
use super::schema_union::SchemaUnion;
use super::union::Union;
use super::walk;

/// The merged paths, the schemas the union rule made, and what was merged
/// how.
pub struct Merged {
    pub paths: Map<String, Value>,
    /// Merged schemas by published name; some replace imported ones.
    pub schemas: BTreeMap<String, Value>,
    pub notes: Vec<String>,
}

struct Copy {
    file: usize,
    path: String,
    op: Value,
}

/// `/v3/status/{jobId}` → `/v3/status/{}`.
fn template(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

fn path_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Merges the operations of `sources` (in precedence order); `schemas` are
/// the imported schemas the copies refer to.
pub fn merge(
    sources: &[Source],
    naming: &Naming,
    schemas: &BTreeMap<String, Value>,
    config: &ImportConfig,
) -> Result<Merged, String> {
    let mut groups: BTreeMap<(String, String), Vec<Copy>> = BTreeMap::new();
    for (file, source) in sources.iter().enumerate() {
        let paths = source.doc.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for (key, op) in item.as_object().into_iter().flatten() {
                if !walk::METHODS.contains(&key.as_str()) {
                    return Err(format!(
                        "{}: paths.{path}.{key}: only operations are supported on a path",
                        source.file
                    ));
                }
                let mut op = op.clone();
                naming
                    .rename_refs(file, &mut op)
                    .map_err(|e| format!("{}: {key} {path}: {e}", source.file))?;
                let group = (template(path), key.clone());
                groups.entry(group).or_default().push(Copy {
                    file,
                    path: path.clone(),
                    op,
                });
            }
        }
    }

    let mut merged = Merged {
        paths: Map::new(),
        schemas: BTreeMap::new(),
        notes: Vec::new(),
    };
    let mut schema_union = SchemaUnion::new(schemas, config)?;
    let mut used = vec![false; config.disagreements.len()];
    for ((_, method), mut copies) in groups {
        let preferred: Vec<&str> = config
            .disagreements
            .iter()
            .filter_map(|d| d.operation_id.as_deref())
            .collect();
        let path = unify_path_names(&mut copies, sources, &method, &preferred, &mut merged.notes);
        let key = format!("{method} {path}");
        let files = |list: &[usize]| -> Vec<&str> {
            list.iter().map(|&f| sources[f].file.as_str()).collect()
        };
        let mut distinct = distinct(&copies);
        let op = if distinct.len() == 1 {
            if copies.len() > 1 {
                let all: Vec<usize> = copies.iter().map(|c| c.file).collect();
                merged.notes.push(format!(
                    "`{key}`: {} copies identical apart from prose, merged once: {:?}",
                    copies.len(),
                    files(&all)
                ));
            }
            distinct.remove(0).0
        } else {
            let Some(i) = config
                .disagreements
                .iter()
                .position(|d| d.operation.as_deref() == Some(key.as_str()))
            else {
                return Err(format!(
                    "`{key}`: the copies in {:?} and {:?} differ; list the operation under \
                     x-import.disagreements with a reason once the union of the copies is right. \
                     Differences: {}",
                    files(&distinct[0].1),
                    files(&distinct[1].1),
                    diff::differences(&distinct[0].0, &distinct[1].0, 6).join("; ")
                ));
            };
            used[i] = true;
            let entry = &config.disagreements[i];
            choose_operation_id(&mut distinct, entry.operation_id.as_deref(), &key)?;
            let groups: Vec<String> = distinct
                .iter()
                .map(|(_, fs)| format!("{:?}", files(fs)))
                .collect();
            merged.notes.push(format!(
                "`{key}`: copies differ ({}); union rule: {}",
                groups.join(" vs "),
                entry.reason
            ));
            let mut union = Union::new(&mut schema_union, &key, &mut merged.notes);
            let mut iter = distinct.into_iter();
            let (mut op, _) = iter.next().expect("at least two copies");
            for (other, fs) in iter {
                union.operation(&mut op, &other, &format!("{:?}", files(&fs)))?;
            }
            union.finish(&mut op)?;
            op
        };
        let item = merged
            .paths
            .entry(path)
            .or_insert_with(|| Value::Object(Map::new()));
        item[method.as_str()] = op;
    }
    let stale: Vec<&str> = config
        .disagreements
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .filter_map(|(d, _)| d.operation.as_deref())
        .collect();
    if !stale.is_empty() {
        return Err(format!(
            "x-import.disagreements lists operations whose copies no longer differ: {stale:?}"
        ));
    }
    merged.schemas = schema_union.finish(&mut merged.notes)?;
    Ok(merged)
}

/// Renames path parameters so every copy uses the names most copies use.
/// Ties go to the copy whose operation id a disagreement publishes (one
/// file may spell one operation several ways: InDesign's three status
/// paths), then to the earlier source.
fn unify_path_names(
    copies: &mut [Copy],
    sources: &[Source],
    method: &str,
    preferred_ids: &[&str],
    notes: &mut Vec<String>,
) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for copy in copies.iter() {
        match counts.iter_mut().find(|(p, _)| *p == copy.path) {
            Some((_, n)) => *n += 1,
            None => counts.push((copy.path.clone(), 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let tied: Vec<&String> = counts
        .iter()
        .filter(|(_, n)| *n == best)
        .map(|(p, _)| p)
        .collect();
    let published = tied.iter().find(|path| {
        copies.iter().any(|c| {
            c.path == ***path
                && c.op["operationId"]
                    .as_str()
                    .is_some_and(|id| preferred_ids.contains(&id))
        })
    });
    let winner = published
        .or(tied.first())
        .map(|p| (*p).clone())
        .expect("a group has copies");
    for copy in copies.iter_mut().filter(|c| c.path != winner) {
        let renames: Vec<(String, String)> = path_params(&copy.path)
            .into_iter()
            .zip(path_params(&winner))
            .map(|(old, new)| (old.to_string(), new.to_string()))
            .collect();
        for param in copy.op["parameters"].as_array_mut().into_iter().flatten() {
            if param["in"] != "path" {
                continue;
            }
            if let Some((_, new)) = renames
                .iter()
                .find(|(old, _)| param["name"] == old.as_str())
            {
                param["name"] = json!(new);
            }
        }
        notes.push(format!(
            "`{method} {}` in {} renamed `{method} {winner}`: the path parameter name used by {} of {} copies",
            copy.path,
            sources[copy.file].file,
            best,
            copies_len(&counts)
        ));
        copy.path = winner.clone();
    }
    winner
}

fn copies_len(counts: &[(String, usize)]) -> usize {
    counts.iter().map(|(_, n)| n).sum()
}

/// The distinct operations among `copies`, each with the files holding it.
fn distinct(copies: &[Copy]) -> Vec<(Value, Vec<usize>)> {
    let mut out: Vec<(Value, Vec<usize>)> = Vec::new();
    for copy in copies {
        match out.iter_mut().find(|(op, _)| *op == copy.op) {
            Some((_, files)) => files.push(copy.file),
            None => out.push((copy.op.clone(), vec![copy.file])),
        }
    }
    out
}

fn choose_operation_id(
    distinct: &mut [(Value, Vec<usize>)],
    chosen: Option<&str>,
    key: &str,
) -> Result<(), String> {
    let mut ids: Vec<&str> = distinct
        .iter()
        .filter_map(|(op, _)| op["operationId"].as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() <= 1 && chosen.is_none() {
        return Ok(());
    }
    let Some(chosen) = chosen.filter(|c| ids.contains(c)) else {
        return Err(format!(
            "`{key}`: the copies' operation ids are {ids:?}; x-import.disagreements must name \
             one of them as `operationId` (and only when they differ)"
        ));
    };
    let chosen = json!(chosen);
    for (op, _) in distinct.iter_mut() {
        op["operationId"] = chosen.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests;
