//! Reading the inputs: Adobe's JSON files and our overlay, each with the
//! SHA-256 the generated file's header names.

use std::fs;
use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Api, config::ImportConfig};

/// One of Adobe's files.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file name, without its directory.
    pub file: String,
    pub sha256: String,
    pub doc: Value,
}

/// The overlay: Overlay 1.0.0 actions plus the importer's `x-import` section.
#[derive(Debug)]
pub struct Overlay {
    pub sha256: String,
    pub doc: Value,
    pub config: ImportConfig,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every `*.json`, `*.yaml` and `*.yml` file of `dir`, by file name: Adobe's
/// OpenAPI documents and Adobe's own overlays on them (a document with a
/// top-level `overlay`, see [`Source::is_overlay`]).
pub fn sources(dir: &Path) -> Result<Vec<Source>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut sources = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let extension = path.extension().and_then(|e| e.to_str());
        if !matches!(extension, Some("json" | "yaml" | "yml")) {
            continue;
        }
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("{}: not a UTF-8 file name", path.display()))?
            .to_string();
        let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let doc = parse(&file, &bytes)?;
        sources.push(Source {
            file,
            sha256: sha256_hex(&bytes),
            doc,
        });
    }
    if sources.is_empty() {
        return Err(format!("{}: no *.json or *.yaml files", dir.display()));
    }
    sources.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(sources)
}

/// One of Adobe's files: JSON or YAML by its extension, and either an
/// OpenAPI 3.0 or 3.1 document or an Overlay 1.x document.
fn parse(file: &str, bytes: &[u8]) -> Result<Value, String> {
    let doc: Value = if file.ends_with(".json") {
        serde_json::from_slice(bytes).map_err(|e| format!("{file}: not JSON: {e}"))?
    } else {
        serde_norway::from_slice(bytes).map_err(|e| format!("{file}: not YAML: {e}"))?
    };
    if let Some(version) = doc.get("overlay") {
        return match version.as_str() {
            Some(v) if v.starts_with("1.") => Ok(doc),
            _ => Err(format!(
                "{file}: not an Overlay 1.x document (overlay: {version})"
            )),
        };
    }
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.1.") && !version.starts_with("3.0.") {
        return Err(format!(
            "{file}: not OpenAPI 3.0 or 3.1 (openapi: {version:?})"
        ));
    }
    Ok(doc)
}

impl Source {
    /// Whether this is one of Adobe's overlays rather than an OpenAPI
    /// document.
    pub fn is_overlay(&self) -> bool {
        self.doc.get("overlay").is_some()
    }
}

/// Reads and parses `api`'s overlay under `root`.
pub fn overlay(root: &Path, api: Api) -> Result<Overlay, String> {
    let name = api.overlay_path();
    let path = root.join(&name);
    let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Value =
        serde_norway::from_slice(&bytes).map_err(|e| format!("{name}: not YAML: {e}"))?;
    let config = ImportConfig::from_overlay(&doc).map_err(|e| format!("{name}: {e}"))?;
    Ok(Overlay {
        sha256: sha256_hex(&bytes),
        doc,
        config,
    })
}

/// Puts `sources` in the overlay's precedence order, failing when a file is
/// not listed there or a listed file is missing.
pub fn in_precedence_order(
    sources: Vec<Source>,
    config: &ImportConfig,
) -> Result<Vec<Source>, String> {
    let unlisted: Vec<&str> = sources
        .iter()
        .filter(|s| config.tag(&s.file).is_none() && config.overlay_of(&s.file).is_none())
        .map(|s| s.file.as_str())
        .collect();
    if !unlisted.is_empty() {
        return Err(format!(
            "new Adobe file(s) {unlisted:?}: list them under `x-import.sources` in the overlay"
        ));
    }
    let mut ordered = Vec::new();
    let mut rest: Vec<Source> = sources.into_iter().filter(|s| !s.is_overlay()).collect();
    for entry in &config.sources {
        let i = rest
            .iter()
            .position(|s| s.file == entry.file)
            .ok_or_else(|| format!("{}: listed in the overlay but missing", entry.file))?;
        ordered.push(rest.remove(i));
    }
    Ok(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_nothing() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn sources_follow_the_listed_order_and_must_all_be_listed() {
        let source = |file: &str| Source {
            file: file.into(),
            sha256: String::new(),
            doc: Value::Null,
        };
        let config: ImportConfig = serde_json::from_value(serde_json::json!({
            "sources": [{"file": "b.json", "tag": "B"}, {"file": "a.json", "tag": "A"}]
        }))
        .unwrap();
        let ordered = in_precedence_order(vec![source("a.json"), source("b.json")], &config);
        let files: Vec<String> = ordered.unwrap().into_iter().map(|s| s.file).collect();
        assert_eq!(files, ["b.json", "a.json"]);

        let err = in_precedence_order(vec![source("c.json")], &config).unwrap_err();
        assert!(err.contains("c.json"), "{err}");
        let err = in_precedence_order(vec![source("a.json")], &config).unwrap_err();
        assert!(err.contains("b.json") && err.contains("missing"), "{err}");
    }
}
