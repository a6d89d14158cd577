//! `spec import` and `spec check`: Adobe's published OpenAPI 3.1 files plus
//! our overlay become `openapi/<api>/<api>.yaml` (`openapi/firefly/firefly.yaml`,
//! ...), the OpenAPI 3.0.3 document `build.rs` compiles with progenitor.
//!
//! The pipeline, one module per step:
//! 1. [`load`]: read Adobe's files (JSON or YAML) and the overlay (with
//!    their SHA-256); order the files as the overlay's `x-import.sources`
//!    lists them. [`adobe_overlay`]: apply Adobe's own overlay to a file
//!    that has one; [`base_path`]: move a server URL's path into the paths.
//! 2. [`inline`]: references to component responses, parameters, headers
//!    and request bodies replaced by their targets. [`select`]: from a file listed with `operations`, only those
//!    operations and what they reach. [`convert`]: per file, drop Adobe's
//!    prose and convert 3.1 to 3.0.3.
//! 3. [`names`]: one schema per (file, name), collisions renamed by one
//!    rule, then the published names from `x-import.names`.
//! 4. [`overlay`]: name the inline schemas inside component schemas
//!    (`x-import.extract`), so merged schemas can refer to them.
//! 5. [`merge`]: one operation per method and path; differing copies merged
//!    by the union rule ([`union`], [`schema_union`]): the merged operation
//!    accepts what any copy accepts. Each decision is recorded in
//!    `x-import.disagreements`.
//! 6. [`overlay`]: name the inline schemas of operations, then apply the
//!    Overlay 1.0.0 actions: our descriptions, the endpoints Adobe's files
//!    lack, and our relaxations.
//! 7. [`lint`]: everything documented, every reference resolves.
//! 8. [`emit`]: deterministic YAML under a header naming the inputs.
//!
//! [`check`] re-runs all of it in memory and compares. The tests of
//! `adobe_examples` decode every example in Adobe's file into the SDK's
//! types, with the names this import gives.

#[cfg(test)]
mod adobe_examples;
mod adobe_overlay;
mod api;
mod base_path;
mod changes;
mod check;
mod config;
mod convert;
mod diff;
mod emit;
mod inline;
mod lint;
mod load;
mod merge;
mod names;
mod overlay;
mod schema_union;
mod select;
mod union;
mod walk;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::{Map, Value, json};

use load::Source;
use names::Naming;

pub use api::Api;

/// The generated document and what the import decided on the way.
pub struct Imported {
    pub yaml: String,
    pub notes: Vec<String>,
}

/// Imports Adobe's files for `api` in `dir` with its overlay under `root`,
/// in memory.
pub fn import(root: &Path, api: Api, dir: &Path) -> Result<Imported, String> {
    let overlay = load::overlay(root, api)?;
    let sources = load::sources(dir)?;
    let mut inputs: Vec<(String, String)> = sources
        .iter()
        .map(|s| (s.file.clone(), s.sha256.clone()))
        .collect();
    inputs.push((api.overlay_path(), overlay.sha256.clone()));

    let (sources, mut notes) = prepare(sources, &overlay.config)?;
    let naming = names::assign(&sources, &overlay.config)?;
    notes.extend(naming.notes.iter().cloned());

    // Inline schemas inside component schemas get their names first.
    let (inner, outer): (Vec<_>, Vec<_>) = overlay
        .config
        .extract
        .iter()
        .cloned()
        .partition(|e| e.target.starts_with("$.components."));
    let mut schemas = json!({"components": {"schemas": naming.schemas.clone()}});
    overlay::extract(&mut schemas, &inner, &mut notes)?;
    let schemas: BTreeMap<String, Value> =
        serde_json::from_value(schemas["components"]["schemas"].take())
            .map_err(|e| e.to_string())?;

    let merged = merge::merge(&sources, &naming, &schemas, &overlay.config)?;
    notes.extend(merged.notes);
    let mut schemas = schemas;
    schemas.extend(merged.schemas);

    let mut components = other_components(&sources, &naming)?;
    components.insert(
        "schemas".into(),
        Value::Object(schemas.into_iter().collect()),
    );
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {},
        "paths": merged.paths,
        "components": components,
    });
    overlay::extract(&mut doc, &outer, &mut notes)?;
    let actions = overlay::apply(&mut doc, &overlay.doc)?;
    notes.push(format!("applied {actions} overlay actions"));
    let dropped = select::drop_unreached(&mut doc, &overlay.config.unreached)?;
    notes.push(format!(
        "left out {} unreached schemas: {dropped:?}",
        dropped.len()
    ));
    lint::lint(&mut doc)?;

    let yaml = format!("{}\n{}", emit::header(api, &inputs), emit::to_yaml(&doc));
    // The emitter is ours: prove the text reads back as the document.
    let back: Value = serde_norway::from_str(&yaml).map_err(|e| format!("emitted YAML: {e}"))?;
    if back != doc {
        return Err(format!(
            "emitted YAML reads back differently: {}",
            diff::differences(&doc, &back, 5).join("; ")
        ));
    }
    Ok(Imported { yaml, notes })
}

/// Steps 1 and 2: `sources` in the overlay's precedence order, each with
/// Adobe's own overlay applied and its server's path moved into its paths,
/// reduced to the operations taken from it, without prose and in OpenAPI
/// 3.0.3.
fn prepare(
    sources: Vec<Source>,
    config: &config::ImportConfig,
) -> Result<(Vec<Source>, Vec<String>), String> {
    let overlays: Vec<Source> = sources.iter().filter(|s| s.is_overlay()).cloned().collect();
    let mut sources = load::in_precedence_order(sources, config)?;
    let mut notes = Vec::new();
    for source in &mut sources {
        let entry = config
            .source(&source.file)
            .expect("ordered by the listed sources");
        if let Some(name) = &entry.overlay {
            let adobe = overlays.iter().find(|o| &o.file == name).ok_or_else(|| {
                format!(
                    "{}: its overlay {name} (x-import.sources) is missing or not an Overlay document",
                    source.file
                )
            })?;
            notes.extend(adobe_overlay::apply(&mut source.doc, &adobe.doc, name)?);
        }
        if let Some(base) = &entry.base_path {
            notes.push(base_path::move_into_paths(
                &mut source.doc,
                base,
                &source.file,
            )?);
        } else {
            base_path::check_none(&source.doc, &source.file)?;
        }
        check_top_level(source)?;
        inline::inline_components(&mut source.doc, &source.file)?;
        if let Some(operations) = config.operations(&source.file) {
            select::only_operations(&mut source.doc, operations, &source.file)?;
        }
        convert::strip_prose(&mut source.doc);
        convert::convert_schemas(&mut source.doc).map_err(|e| format!("{}: {e}", source.file))?;
    }
    Ok((sources, notes))
}

/// Top-level members the import understands. `info`, `servers`, `security`,
/// `tags` and security schemes are replaced by ours from the overlay.
fn check_top_level(source: &Source) -> Result<(), String> {
    const KNOWN: &[&str] = &[
        "openapi",
        "info",
        "servers",
        "security",
        "tags",
        "externalDocs",
        "paths",
        "components",
    ];
    for key in source.doc.as_object().into_iter().flatten().map(|(k, _)| k) {
        if !KNOWN.contains(&key.as_str()) && !key.starts_with("x-") {
            return Err(format!(
                "{}: top-level `{key}` is not supported",
                source.file
            ));
        }
    }
    Ok(())
}

/// Component parameters, headers, responses and request bodies of all
/// files, by name; one name must mean one thing.
fn other_components(sources: &[Source], naming: &Naming) -> Result<Map<String, Value>, String> {
    let mut out: Map<String, Value> = Map::new();
    for (i, source) in sources.iter().enumerate() {
        let components = source.doc.get("components").and_then(Value::as_object);
        for (kind, entries) in components.into_iter().flatten() {
            match kind.as_str() {
                "schemas" | "securitySchemes" => continue,
                "parameters" | "headers" | "responses" | "requestBodies" => {}
                other => {
                    return Err(format!(
                        "{}: components.{other} is not supported",
                        source.file
                    ));
                }
            }
            let target = out
                .entry(kind.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            for (name, entry) in entries.as_object().into_iter().flatten() {
                let mut entry = entry.clone();
                naming.rename_refs(i, &mut entry)?;
                match target.get(name) {
                    Some(existing) if *existing != entry => {
                        return Err(format!(
                            "components.{kind}.{name} differs between files: {}",
                            diff::differences(existing, &entry, 3).join("; ")
                        ));
                    }
                    _ => target[name.as_str()] = entry,
                }
            }
        }
    }
    Ok(out)
}

/// `spec import API DIR`: writes the API's document and reports the
/// decisions.
pub fn run_import(root: &Path, api: Api, dir: &Path) -> Result<(), String> {
    let imported = import(root, api, dir)?;
    for note in &imported.notes {
        eprintln!("{note}");
    }
    let path = root.join(api.spec_path());
    fs::write(&path, &imported.yaml)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("wrote {}", api.spec_path());
    Ok(())
}

/// `spec check API DIR`: fails when the API's committed document is not
/// current.
pub fn run_check(root: &Path, api: Api, dir: &Path) -> Result<(), String> {
    check::check(root, api, dir)?;
    eprintln!("{} is up to date", api.spec_path());
    Ok(())
}

/// `spec diff OLD NEW`: prints, as Markdown, what changed for a user of
/// the API between two imported documents (see [`changes`]).
pub fn run_diff(root: &Path, old: &Path, new: &Path) -> Result<(), String> {
    print!("{}", changes::report(root, old, new)?);
    Ok(())
}
