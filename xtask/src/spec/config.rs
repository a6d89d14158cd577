//! The importer's own settings, kept in the overlay under `x-import`.
//!
//! Everything the importer decides by a rule is recorded here, so a change in
//! Adobe's files that needs a new decision fails the import instead of being
//! merged quietly:
//! - `sources`: every Adobe file, in precedence order, with the tag that
//!   suffixes its schema names when they collide;
//! - `collisions`: every schema name that means different things in
//!   different files, with the names the collision rule gives its variants;
//! - `names`: the published name of imported schemas (the SDK's type names);
//! - `disagreements`: every operation whose copies differ, with the reason
//!   the union rule is right for it (and the operation id, when they differ),
//!   and every schema the union rule makes out of several named ones, with
//!   its published name;
//! - `openEnums`: the string enums the SDK decodes as open enums;
//! - `extract`: inline schemas that get a component name;
//! - `unreached`: schemas no operation refers to, left out of the output.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// The `x-import` section of the overlay.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    pub sources: Vec<SourceEntry>,
    #[serde(default)]
    pub collisions: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    #[serde(default)]
    pub disagreements: Vec<Disagreement>,
    #[serde(default, rename = "openEnums")]
    pub open_enums: Vec<String>,
    #[serde(default)]
    pub extract: Vec<Extract>,
    /// Component schemas (published names) no operation reaches, left out
    /// of the output.
    #[serde(default)]
    pub unreached: Vec<String>,
}

/// One of Adobe's files.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    pub file: String,
    /// Suffix for this file's schema names that collide with another file's.
    pub tag: String,
    /// When given, only these operations (`method path`) are taken from the
    /// file, with the schemas they reach; the rest of the file is ignored.
    #[serde(default)]
    pub operations: Option<Vec<String>>,
    /// Adobe's own Overlay 1.0 for this file (what Adobe changes before
    /// publishing it), in the same folder; applied to the file before
    /// anything else.
    #[serde(default)]
    pub overlay: Option<String>,
    /// The path of the file's server URL (`/v1` of
    /// `https://audio-video-api.adobe.io/v1`), moved in front of every path
    /// of the file so that files describing one host agree on paths. Every
    /// server the file lists must have this path.
    #[serde(default, rename = "basePath")]
    pub base_path: Option<String>,
}

/// A decision of the union rule: either an operation whose copies disagree
/// (`operation`), or a schema the rule makes by merging several named ones
/// (`schema` and `of`). Each has a one-line `reason`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Disagreement {
    /// `method path`, e.g. `get /v3/status/{jobId}`.
    #[serde(default)]
    pub operation: Option<String>,
    /// Which of the copies' operation ids to publish, when they differ.
    #[serde(default)]
    pub operation_id: Option<String>,
    /// The published name of a merged schema; when it is one of `of`, the
    /// merged schema replaces that one.
    #[serde(default)]
    pub schema: Option<String>,
    /// The named schemas merged into `schema` (in any order).
    #[serde(default)]
    pub of: Vec<String>,
    /// Why the merged result is right, in one line.
    pub reason: String,
}

impl Disagreement {
    fn check(&self) -> Result<(), String> {
        let what = self
            .operation
            .as_deref()
            .or(self.schema.as_deref())
            .unwrap_or("?");
        let problem = match (&self.operation, &self.schema) {
            (Some(_), Some(_)) | (None, None) => {
                Some("needs exactly one of `operation` and `schema`")
            }
            (Some(_), None) if !self.of.is_empty() => Some("`of` goes with `schema`"),
            (None, Some(_)) if self.operation_id.is_some() => {
                Some("`operationId` goes with `operation`")
            }
            (None, Some(_)) if self.of.is_empty() => Some("`schema` needs `of`"),
            _ if self.reason.trim().is_empty() || self.reason.trim().contains('\n') => {
                Some("the reason must be one line")
            }
            _ => None,
        };
        match problem {
            Some(problem) => Err(format!("x-import.disagreements `{what}`: {problem}")),
            None => Ok(()),
        }
    }
}

/// An inline schema to move into `components.schemas` under `name`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extract {
    /// An RFC 9535 JSONPath selecting one schema, or several places that
    /// hold the same schema (all become references to `name`).
    pub target: String,
    pub name: String,
}

impl ImportConfig {
    /// Reads the `x-import` section of an overlay document.
    pub fn from_overlay(overlay: &Value) -> Result<Self, String> {
        let section = overlay
            .get("x-import")
            .ok_or("the overlay has no `x-import` section")?;
        let config: Self = serde_json::from_value(section.clone())
            .map_err(|e| format!("overlay `x-import`: {e}"))?;
        config
            .disagreements
            .iter()
            .try_for_each(Disagreement::check)?;
        Ok(config)
    }

    /// The operations taken from `file`, when the overlay limits them.
    pub fn operations(&self, file: &str) -> Option<&[String]> {
        self.sources
            .iter()
            .find(|s| s.file == file)
            .and_then(|s| s.operations.as_deref())
    }

    /// The source whose Adobe overlay is `file`, if any.
    pub fn overlay_of(&self, file: &str) -> Option<&SourceEntry> {
        self.sources
            .iter()
            .find(|s| s.overlay.as_deref() == Some(file))
    }

    /// The source entry of `file`, if it is a listed source.
    pub fn source(&self, file: &str) -> Option<&SourceEntry> {
        self.sources.iter().find(|s| s.file == file)
    }

    /// The tag of `file`, if it is a listed source.
    pub fn tag(&self, file: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|s| s.file == file)
            .map(|s| s.tag.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_section_and_rejects_unknown_keys() {
        let overlay = json!({"x-import": {
            "sources": [{"file": "a.json", "tag": "A"}],
            "disagreements": [{"operation": "get /x", "operationId": "x", "reason": "r"}]
        }});
        let config = ImportConfig::from_overlay(&overlay).unwrap();
        assert_eq!(config.tag("a.json"), Some("A"));
        assert_eq!(config.disagreements[0].operation_id.as_deref(), Some("x"));

        let bad = json!({"x-import": {"sources": [], "renames": {}}});
        assert!(
            ImportConfig::from_overlay(&bad)
                .unwrap_err()
                .contains("renames")
        );
    }

    #[test]
    fn a_disagreement_is_an_operation_or_a_schema_merge() {
        let with = |entry: Value| json!({"x-import": {"sources": [], "disagreements": [entry]}});
        let config = ImportConfig::from_overlay(&with(
            json!({"schema": "AB", "of": ["A", "B"], "reason": "r"}),
        ))
        .unwrap();
        assert_eq!(config.disagreements[0].of, ["A", "B"]);
        for (entry, expected) in [
            (json!({"reason": "r"}), "exactly one"),
            (
                json!({"operation": "get /a", "schema": "A", "reason": "r"}),
                "exactly one",
            ),
            (json!({"schema": "A", "reason": "r"}), "needs `of`"),
            (
                json!({"operation": "get /a", "of": ["A"], "reason": "r"}),
                "`of` goes",
            ),
            (
                json!({"schema": "A", "of": ["A"], "operationId": "x", "reason": "r"}),
                "operationId",
            ),
            (
                json!({"operation": "get /a", "reason": "two\nlines"}),
                "one line",
            ),
        ] {
            let err = ImportConfig::from_overlay(&with(entry)).unwrap_err();
            assert!(err.contains(expected), "{err}");
        }
    }
}
