//! A server URL's path, moved into the paths.
//!
//! Two of Adobe's files may describe one host differently: the Audio/Video
//! file serves `/voices` from `https://audio-video-api.adobe.io/v1`, the
//! translate / lip-sync file serves `/v1/dub` from
//! `https://audio-video-api.adobe.io`. Merging needs one spelling of each
//! path, so a file listed with `basePath` has that path put in front of each
//! of its paths (`/v1` + `/voices`), after checking that every server the
//! file lists (top-level, path and operation servers) ends in it. A file
//! listed without `basePath` must have servers without a path, so a path
//! Adobe adds to a server URL fails the import instead of being lost with
//! Adobe's `servers` (ours replace them).

use serde_json::{Map, Value};

use super::walk;

/// Prefixes every path of `doc` (Adobe's `file`) with `base`; returns the
/// note for the report.
pub fn move_into_paths(doc: &mut Value, base: &str, file: &str) -> Result<String, String> {
    let base = base.trim_end_matches('/');
    if !base.starts_with('/') || base.len() < 2 {
        return Err(format!(
            "x-import.sources `{file}`: basePath `{base}` must start with `/` and name a path"
        ));
    }
    let paths = server_paths(doc);
    if paths.is_empty() {
        return Err(format!(
            "{file}: basePath `{base}` given but the file lists no server"
        ));
    }
    if let Some((url, path)) = paths.iter().find(|(_, path)| path != base) {
        return Err(format!(
            "{file}: server {url} has the path `{path}`, not the basePath `{base}`"
        ));
    }
    let Some(Value::Object(old)) = doc.get_mut("paths").map(Value::take) else {
        return Err(format!("{file}: no paths"));
    };
    let count = old.len();
    let prefixed: Map<String, Value> = old
        .into_iter()
        .map(|(path, item)| (format!("{base}{path}"), item))
        .collect();
    doc["paths"] = Value::Object(prefixed);
    Ok(format!(
        "{file}: the servers' path `{base}` put in front of its {count} path(s)"
    ))
}

/// Fails when a server of `doc` (Adobe's `file`) has a path.
pub fn check_none(doc: &Value, file: &str) -> Result<(), String> {
    match server_paths(doc)
        .into_iter()
        .find(|(_, path)| !path.is_empty())
    {
        Some((url, path)) => Err(format!(
            "{file}: server {url} has the path `{path}`; list the file with `basePath: {path}` \
             under x-import.sources so its paths keep it"
        )),
        None => Ok(()),
    }
}

/// Every server URL of `doc` with its path (without a trailing `/`).
fn server_paths(doc: &Value) -> Vec<(String, String)> {
    let mut lists = vec![&doc["servers"]];
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, i)| i)
    {
        lists.push(&item["servers"]);
        for method in walk::METHODS {
            lists.push(&item[*method]["servers"]);
        }
    }
    lists
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|server| server["url"].as_str())
        .map(|url| {
            let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
            let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
            (url.to_string(), path.trim_end_matches('/').to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_servers_path_goes_in_front_of_every_path() {
        let mut doc = json!({
            "servers": [{"url": "https://h.example/v1"}, {"url": "https://stage.example/v1/"}],
            "paths": {"/voices": {"get": {}}, "/status/{jobId}": {"get": {}}}
        });
        let note = move_into_paths(&mut doc, "/v1", "a.json").unwrap();
        assert!(note.contains("2 path(s)"), "{note}");
        assert_eq!(
            doc["paths"],
            json!({"/v1/voices": {"get": {}}, "/v1/status/{jobId}": {"get": {}}})
        );
    }

    #[test]
    fn a_server_with_another_path_or_an_unlisted_path_fails() {
        let doc = json!({
            "servers": [{"url": "https://h.example/v1"}],
            "paths": {"/a": {"get": {"servers": [{"url": "https://h.example/v2"}]}}}
        });
        let err = move_into_paths(&mut doc.clone(), "/v1", "a.json").unwrap_err();
        assert!(err.contains("/v2") && err.contains("a.json"), "{err}");
        let err = check_none(&doc, "a.json").unwrap_err();
        assert!(err.contains("basePath: /v1"), "{err}");
        check_none(
            &json!({"servers": [{"url": "https://h.example"}], "paths": {}}),
            "b.json",
        )
        .unwrap();
        let err = move_into_paths(&mut json!({"paths": {}}), "/v1", "c.json").unwrap_err();
        assert!(err.contains("no server"), "{err}");
    }
}
