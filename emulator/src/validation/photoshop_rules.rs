//! What Photoshop's schemas cannot say, from the prose of its spec: a file
//! comes from one kind of storage and an output goes to one (the schemas'
//! alternatives overlap, see the module above), `execute-actions` runs
//! actions or a script, and auto-crop's options depend on its mode.

use serde_json::{Value, json};

/// The fields that name where an input file is; a `source` gives one.
const SOURCE_KINDS: &[&str] = &[
    "url",
    "creativeCloudPath",
    "creativeCloudFileId",
    "lightroomPath",
    "content",
];

/// The fields that name where an output goes; a `destination` gives one.
const DESTINATION_KINDS: &[&str] = &["url", "creativeCloudPath", "embedded", "validityPeriod"];

/// Auto-crop takes at most this many aspect ratios (and zooms).
const MAX_CROPS: usize = 20;

/// The problems of `body` as the request of `POST path` that no schema of
/// Photoshop's spec states, in Adobe's `{loc, msg, type}` shape.
pub(super) fn check(path: &str, body: &Value) -> Vec<Value> {
    let mut found = Vec::new();
    one_kind_each(body, &mut vec!["body".to_owned()], &mut found);
    match path {
        "/v2/execute-actions" => actions_or_script(body, &mut found),
        "/v1/auto-crop" => auto_crop(body, &mut found),
        _ => {}
    }
    found
}

fn problem(loc: &[&str], msg: impl Into<String>) -> Value {
    json!({"loc": loc, "msg": msg.into(), "type": "value_error"})
}

/// Every `source` names one kind of storage, and so does every
/// `destination`, wherever they are in the body.
fn one_kind_each(value: &Value, at: &mut Vec<String>, found: &mut Vec<Value>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                at.push(key.clone());
                let kinds = match key.as_str() {
                    "source" => Some(SOURCE_KINDS),
                    "destination" => Some(DESTINATION_KINDS),
                    _ => None,
                };
                if let (Some(kinds), Some(given)) = (kinds, inner.as_object()) {
                    let named: Vec<&str> = kinds
                        .iter()
                        .copied()
                        .filter(|kind| given.contains_key(*kind))
                        .collect();
                    if named.len() > 1 {
                        found.push(json!({
                            "loc": at,
                            "msg": format!("give one of {}, not {}", kinds.join(", "), named.join(" and ")),
                            "type": "value_error",
                        }));
                    }
                }
                one_kind_each(inner, at, found);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                at.push(index.to_string());
                one_kind_each(item, at, found);
                at.pop();
            }
        }
        _ => {}
    }
}

/// `execute-actions` plays actions or runs a UXP script: one of them.
fn actions_or_script(body: &Value, found: &mut Vec<Value>) {
    let options = &body["options"];
    let actions = options["actions"].as_array().is_some_and(|a| !a.is_empty());
    if !actions && options.get("uxp").is_none() {
        found.push(problem(
            &["body", "options"],
            "give at least one action in actions, or a uxp script",
        ));
    }
}

/// Auto-crop's options, as its spec describes them for each mode.
fn auto_crop(body: &Value, found: &mut Vec<Value>) {
    let mode = body["mode"].as_str().unwrap_or_default();
    let crops = matches!(mode, "smartCrop" | "subjectCrop");
    let focus = body["focus"].as_array().is_some_and(|f| !f.is_empty());
    if matches!(mode, "subjectCrop" | "objectDetection") && !focus {
        found.push(problem(
            &["body", "focus"],
            format!("{mode} needs at least one label in focus"),
        ));
    }
    let ratios = &body["aspectRatio"];
    let ratio_list = ratios.as_array().filter(|list| !list.is_empty());
    let ratio_given = ratios.is_string() || ratio_list.is_some();
    if ratio_given && !crops {
        found.push(problem(
            &["body", "aspectRatio"],
            format!("aspectRatio is only for smartCrop and subjectCrop, not {mode}"),
        ));
    }
    if ratio_list.is_some_and(|list| list.len() > MAX_CROPS) {
        found.push(problem(
            &["body", "aspectRatio"],
            format!("at most {MAX_CROPS} aspect ratios"),
        ));
    }
    let zoom = &body["zoom"];
    if zoom.is_null() {
        return;
    }
    if !ratio_given {
        found.push(problem(
            &["body", "zoom"],
            "zoom is only given with aspectRatio",
        ));
    }
    let zooms: Vec<&Value> = match zoom.as_array() {
        Some(list) => list.iter().collect(),
        None => vec![zoom],
    };
    if zooms
        .iter()
        .any(|z| !z.as_f64().is_some_and(|z| z > 0.0 && z <= 1.0))
    {
        found.push(problem(
            &["body", "zoom"],
            "each zoom is above 0 and at most 1",
        ));
    }
    if let Some(ratios) = ratio_list {
        let same_length = zoom.as_array().is_some_and(|z| z.len() == ratios.len());
        if !same_length {
            found.push(problem(
                &["body", "zoom"],
                format!(
                    "with a list of {} aspect ratios, zoom is absent or a list of as many",
                    ratios.len()
                ),
            ));
        }
    } else if zoom.as_array().is_some_and(|z| z.len() > MAX_CROPS) {
        found.push(problem(
            &["body", "zoom"],
            format!("at most {MAX_CROPS} zooms"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(found: &[Value]) -> Vec<String> {
        found
            .iter()
            .map(|p| {
                p["loc"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .collect()
    }

    #[test]
    fn a_source_or_destination_names_one_kind_of_storage() {
        let body = json!({
            "image": {"source": {"url": "https://a", "creativeCloudPath": "b"}},
            "outputs": [
                {"destination": {"url": "https://c"}},
                {"destination": {"url": "https://c", "validityPeriod": 60}},
            ],
        });
        let found = check("/v2/edit", &body);
        assert_eq!(
            fields(&found),
            ["body.image.source", "body.outputs.1.destination"]
        );
    }

    #[test]
    fn execute_actions_needs_actions_or_a_script() {
        let refused = check("/v2/execute-actions", &json!({"options": {"actions": []}}));
        assert_eq!(fields(&refused), ["body.options"]);
        let script = json!({"options": {"uxp": {"source": {"content": "x"}}}});
        assert!(check("/v2/execute-actions", &script).is_empty());
    }

    #[test]
    fn auto_crop_options_follow_the_mode() {
        let ok = json!({"mode": "smartCrop", "aspectRatio": ["1:1", "4:3"], "zoom": [1, 0.5]});
        assert!(check("/v1/auto-crop", &ok).is_empty());
        let focusless = json!({"mode": "subjectCrop"});
        assert_eq!(fields(&check("/v1/auto-crop", &focusless)), ["body.focus"]);
        let detection = json!({"mode": "objectDetection", "focus": ["cup"], "aspectRatio": "1:1"});
        assert_eq!(
            fields(&check("/v1/auto-crop", &detection)),
            ["body.aspectRatio"]
        );
        let zooms = json!({"mode": "smartCrop", "aspectRatio": ["1:1", "4:3"], "zoom": 0.5});
        assert_eq!(fields(&check("/v1/auto-crop", &zooms)), ["body.zoom"]);
        let zero = json!({"mode": "smartCrop", "aspectRatio": "1:1", "zoom": 0});
        assert_eq!(fields(&check("/v1/auto-crop", &zero)), ["body.zoom"]);
    }
}
