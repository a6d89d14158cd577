//! Tests of the operation merge and the union rule on small made-up files.

use super::*;
use crate::spec::config::ImportConfig;
use serde_json::json;

fn source(file: &str, paths: Value, schemas: Value) -> Source {
    Source {
        file: file.into(),
        sha256: String::new(),
        doc: json!({"paths": paths, "components": {"schemas": schemas}}),
    }
}

fn config(disagreements: Value) -> ImportConfig {
    serde_json::from_value(json!({
        "sources": [{"file": "a.json", "tag": "A"}, {"file": "b.json", "tag": "B"},
                    {"file": "c.json", "tag": "C"}],
        "disagreements": disagreements,
    }))
    .unwrap()
}

fn run(sources: &[Source], config: &ImportConfig) -> Result<Merged, String> {
    let naming = crate::spec::names::assign(sources, config)?;
    merge(sources, &naming, &naming.schemas, config)
}

fn status(param: &str) -> Value {
    json!({"get": {"operationId": "status",
        "parameters": [{"in": "path", "name": param, "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}})
}

#[test]
fn identical_copies_merge_once_under_the_majority_parameter_name() {
    let sources = [
        source("a.json", json!({"/s/{id}": status("id")}), json!({})),
        source("b.json", json!({"/s/{job}": status("job")}), json!({})),
        source("c.json", json!({"/s/{job}": status("job")}), json!({})),
    ];
    let merged = run(&sources, &config(json!([]))).unwrap();
    assert_eq!(merged.paths.keys().collect::<Vec<_>>(), ["/s/{job}"]);
    assert_eq!(merged.paths["/s/{job}"], status("job"));
    let notes = merged.notes.join("\n");
    assert!(
        notes.contains("`get /s/{id}` in a.json renamed `get /s/{job}`"),
        "{notes}"
    );
    assert!(notes.contains("3 copies identical"), "{notes}");
}

#[test]
fn one_file_spelling_one_operation_several_ways_keeps_the_published_ids_path() {
    // Three status paths in one file: a tie, won by the copy whose
    // operation id the disagreement publishes, not by the first path.
    let by_id = |param: &str, id: &str| {
        let mut op = status(param);
        op["get"]["operationId"] = json!(id);
        op["get"]["tags"] = json!([id, "jobs"]);
        op
    };
    let sources = [source(
        "a.json",
        json!({"/s/{doc_job}": by_id("doc_job", "docStatus"),
               "/s/{id}": by_id("id", "jobStatus"),
               "/s/{pdf_job}": by_id("pdf_job", "pdfStatus")}),
        json!({}),
    )];
    let entry = json!([{"operation": "get /s/{id}", "operationId": "jobStatus",
                        "reason": "one status, three spellings"}]);
    let merged = run(&sources, &config(entry)).unwrap();
    assert_eq!(merged.paths.keys().collect::<Vec<_>>(), ["/s/{id}"]);
    let op = &merged.paths["/s/{id}"]["get"];
    assert_eq!(op["operationId"], "jobStatus");
    assert_eq!(op["parameters"][0]["name"], "id");
    // The merged operation is in every group a copy is in.
    assert_eq!(
        op["tags"],
        json!(["docStatus", "jobs", "jobStatus", "pdfStatus"])
    );
}

#[test]
fn differing_copies_need_a_recorded_decision() {
    let mut other = status("id");
    other["get"]["responses"]["404"] = json!({});
    let sources = [
        source("a.json", json!({"/s/{id}": status("id")}), json!({})),
        source("b.json", json!({"/s/{id}": other}), json!({})),
    ];
    let err = run(&sources, &config(json!([]))).err().unwrap();
    assert!(
        err.contains("get /s/{id}") && err.contains("['404']"),
        "{err}"
    );

    let entry = json!([{"operation": "get /s/{id}", "reason": "b lists one more error"}]);
    let merged = run(&sources, &config(entry)).unwrap();
    assert!(
        merged.paths["/s/{id}"]["get"]["responses"]
            .get("404")
            .is_some()
    );

    let stale = json!([{"operation": "get /gone", "reason": "r"}]);
    let sources = [source(
        "a.json",
        json!({"/s/{id}": status("id")}),
        json!({}),
    )];
    assert!(
        run(&sources, &config(stale))
            .err()
            .unwrap()
            .contains("/gone")
    );
}

fn body(schema: &str) -> Value {
    json!({"post": {"operationId": schema,
        "requestBody": {"required": true, "content": {"application/json": {
            "schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
        "responses": {"200": {"content": {"application/json": {
            "schema": {"$ref": format!("#/components/schemas/{schema}")}}}}}}})
}

#[test]
fn the_union_accepts_what_any_copy_accepts() {
    let small =
        json!({"type": "object", "required": ["p"], "properties": {"p": {"type": "string"}}});
    let big =
        json!({"type": "object", "properties": {"p": {"type": "string"}, "q": {"type": "string"}}});
    let other = json!({"type": "object", "properties": {"r": {"type": "string"}}});
    let sources = [
        source(
            "a.json",
            json!({"/v": body("Small")}),
            json!({"Small": small, "Other": other}),
        ),
        source("b.json", json!({"/v": body("Big")}), json!({"Big": big})),
    ];
    let err = run(
        &sources,
        &config(json!([{"operation": "post /v", "reason": "r"}])),
    )
    .err()
    .unwrap();
    assert!(err.contains("operation ids"), "{err}");

    // Big has every property of Small and requires less: the union is Big.
    let entry = json!([{"operation": "post /v", "operationId": "Big", "reason": "r"}]);
    let merged = run(&sources, &config(entry)).unwrap();
    let op = &merged.paths["/v"]["post"];
    assert_eq!(op["operationId"], "Big");
    let body_schema = &op["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(body_schema, &json!({"$ref": "#/components/schemas/Big"}));
    assert!(merged.schemas.is_empty());

    // Small and Other: one new object, named by its entry.
    let mut with_other = body("Small");
    with_other["post"]["responses"]["200"]["content"]["application/json"]["schema"] =
        json!({"$ref": "#/components/schemas/Other"});
    let small =
        json!({"type": "object", "required": ["p"], "properties": {"p": {"type": "string"}}});
    let other = json!({"type": "object", "properties": {"r": {"type": "string"}}});
    let sources = [
        source(
            "a.json",
            json!({"/v": body("Small")}),
            json!({"Small": small.clone(), "Other": other.clone()}),
        ),
        source(
            "b.json",
            json!({"/v": with_other}),
            json!({"Small": small, "Other": other}),
        ),
    ];
    let operation = json!({"operation": "post /v", "reason": "r"});
    let err = run(&sources, &config(json!([operation]))).err().unwrap();
    assert!(err.contains("of: [\"Small\", \"Other\"]"), "{err}");
    let schema = json!({"schema": "SmallOrOther", "of": ["Other", "Small"], "reason": "r"});
    let merged = run(&sources, &config(json!([operation, schema]))).unwrap();
    assert_eq!(
        merged.paths["/v"]["post"]["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/SmallOrOther"})
    );
    assert_eq!(
        merged.schemas["SmallOrOther"],
        json!({"type": "object", "properties": {"p": {"type": "string"}, "r": {"type": "string"}}})
    );
}

#[test]
fn templates_ignore_parameter_names() {
    assert_eq!(template("/v3/status/{jobId}"), "/v3/status/{}");
    assert_eq!(path_params("/a/{x}/b/{y}"), ["x", "y"]);
}
