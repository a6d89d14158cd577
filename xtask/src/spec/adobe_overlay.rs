//! Adobe's own overlay on one of its files: what Adobe changes before
//! publishing (Substance 3D's `adobe-overlay.yaml` removes internal paths,
//! operation tags and a legacy key header, and adds Adobe's words).
//!
//! It is applied to the file first, as Adobe applies it, before anything of
//! ours; its prose is then dropped with the file's own. Two differences from
//! applying our overlay, because the file is Adobe's and written for Adobe's
//! tooling:
//! - an action whose target selects nothing is not an error (Adobe's
//!   overlay is written for Adobe's internal file, which has more in it);
//!   each action's count of selected nodes is reported instead;
//! - `remove` may select any node, strings in a list included (Adobe
//!   removes tag names with `$.paths..tags.*`), which `roas-overlay`
//!   refuses; removals are done here, updates through `roas-overlay`.

use roas_overlay::apply::Apply;
use roas_overlay::v1_0;
use roas_overlay::validation::Validate;
use serde_json::{Value, json};
use serde_json_path::JsonPath;

/// Applies `overlay` (Adobe's, named `name`) to `doc`; returns what each
/// action did, for the report.
pub fn apply(doc: &mut Value, overlay: &Value, name: &str) -> Result<Vec<String>, String> {
    let parsed: v1_0::Overlay = serde_json::from_value(overlay.clone())
        .map_err(|e| format!("{name}: not an Overlay 1.0 document: {e}"))?;
    parsed
        .validate(Default::default())
        .map_err(|e| format!("{name}: invalid overlay: {e}"))?;
    let actions = overlay["actions"].as_array().cloned().unwrap_or_default();
    let mut notes = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        let target = action["target"].as_str().unwrap_or_default();
        let fail = |why: String| format!("{name}: action #{} ({target}): {why}", i + 1);
        let path = JsonPath::parse(target).map_err(|e| fail(e.to_string()))?;
        let pointers: Vec<String> = path
            .query_located(doc)
            .into_iter()
            .map(|n| n.location().to_json_pointer())
            .collect();
        let what = if action["remove"] == true {
            remove(doc, &pointers);
            "removed"
        } else {
            let single = json!({
                "overlay": overlay["overlay"],
                "info": overlay["info"],
                "actions": [action],
            });
            let single: v1_0::Overlay =
                serde_json::from_value(single).map_err(|e| fail(e.to_string()))?;
            single
                .apply(doc, Default::default())
                .map_err(|e| fail(e.to_string()))?;
            "updated"
        };
        notes.push(format!(
            "{name} action #{} {what} {} node(s) at {target}",
            i + 1,
            pointers.len()
        ));
    }
    Ok(notes)
}

/// Removes the nodes at `pointers`: list members from the last index down,
/// so earlier removals do not shift later ones; a node already removed with
/// its parent is skipped.
fn remove(doc: &mut Value, pointers: &[String]) {
    let mut split: Vec<(String, String)> = pointers
        .iter()
        .filter_map(|p| {
            let (parent, last) = p.rsplit_once('/')?;
            Some((
                parent.to_string(),
                last.replace("~1", "/").replace("~0", "~"),
            ))
        })
        .collect();
    // Deepest parents first, then higher indices before lower ones.
    split.sort_by(|(pa, ka), (pb, kb)| {
        pb.len().cmp(&pa.len()).then(pa.cmp(pb)).then_with(|| {
            match (ka.parse::<usize>(), kb.parse::<usize>()) {
                (Ok(a), Ok(b)) => b.cmp(&a),
                _ => kb.cmp(ka),
            }
        })
    });
    for (parent, key) in split {
        match doc.pointer_mut(&parent) {
            Some(Value::Object(map)) => {
                map.remove(&key);
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = key.parse::<usize>()
                    && i < items.len()
                {
                    items.remove(i);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlay(actions: Value) -> Value {
        json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions})
    }

    #[test]
    fn removals_of_strings_and_filtered_operations_and_updates_apply_in_order() {
        let mut doc = json!({
            "paths": {
                "/a": {"post": {"x-public": true, "tags": ["A", "B"], "operationId": "a"}},
                "/b": {"get": {"tags": ["B"], "operationId": "b"}}
            },
            "info": {"title": "x", "contact": {"name": "n"}}
        });
        let notes = apply(
            &mut doc,
            &overlay(json!([
                {"target": "$.paths.*[?(@['x-public']!=true)]", "remove": true},
                {"target": "$.paths..tags.*", "remove": true},
                {"target": "$.info.contact", "remove": true},
                {"target": "$.security[?(@.apiKey)]", "remove": true},
                {"target": "$", "update": {"info": {"version": "2"}}}
            ])),
            "adobe.yaml",
        )
        .unwrap();
        assert_eq!(
            doc,
            json!({
                "paths": {"/a": {"post": {"x-public": true, "tags": [], "operationId": "a"}},
                          "/b": {}},
                "info": {"title": "x", "version": "2"}
            })
        );
        // Every action is reported with what it selected; selecting nothing
        // is no error in Adobe's overlay.
        assert_eq!(notes.len(), 5);
        assert!(notes[1].contains("removed 2 node(s)"), "{notes:?}");
        assert!(notes[3].contains("removed 0 node(s)"), "{notes:?}");
    }

    #[test]
    fn list_members_go_from_the_last_index_down() {
        let mut doc = json!({"l": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]});
        apply(
            &mut doc,
            &overlay(json!([{"target": "$.l[1,2,10]", "remove": true}])),
            "adobe.yaml",
        )
        .unwrap();
        assert_eq!(
            doc,
            json!({"l": ["a", "d", "e", "f", "g", "h", "i", "j", "l"]})
        );
    }

    #[test]
    fn a_malformed_overlay_or_target_fails_naming_the_file() {
        let err = apply(&mut json!({}), &json!({"actions": []}), "adobe.yaml").unwrap_err();
        assert!(err.contains("adobe.yaml"), "{err}");
        let err = apply(
            &mut json!({}),
            &overlay(json!([{"target": "$[", "remove": true}])),
            "adobe.yaml",
        )
        .unwrap_err();
        assert!(
            err.contains("adobe.yaml") && err.contains("actions[0]"),
            "{err}"
        );
    }
}
