//! Tests of the union rule for schemas on small made-up schemas.

use super::*;

fn r(name: &str) -> Value {
    reference(name)
}

fn schemas(list: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(list).unwrap()
}

fn config(disagreements: Value, open_enums: Value) -> ImportConfig {
    serde_json::from_value(json!({
        "sources": [],
        "disagreements": disagreements,
        "openEnums": open_enums,
    }))
    .unwrap()
}

fn object(required: Value, properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties})
}

#[test]
fn objects_merge_into_one_that_accepts_what_either_accepts() {
    let all = schemas(json!({
        "Task": object(json!(["jobId", "status"]), json!({
            "jobId": {"type": "string"},
            "status": {"type": "string", "enum": ["pending", "done"]},
            "progress": {"type": "number"},
            "outputs": {"type": "array", "minItems": 1, "items": {"type": "integer"}}
        })),
        "Video": object(json!(["jobId"]), json!({
            "jobId": {},
            "status": {"type": "string", "enum": ["done", "failed"]},
            "progress": {"type": "integer", "nullable": true},
            "outputs": {"type": "array", "items": {"type": "integer"}},
            "statusUrl": {}
        })),
    }));
    let config = config(
        json!([{"schema": "Task", "of": ["Video", "Task"], "reason": "r"}]),
        json!([]),
    );
    let mut union = SchemaUnion::new(&all, &config).unwrap();
    let mut notes = Vec::new();
    let result = union
        .union(&[r("Task"), r("Video")], "here", &mut notes)
        .unwrap();
    assert_eq!(result, r("Task"));
    let published = union.finish(&mut notes).unwrap();
    assert_eq!(
        published["Task"],
        object(
            json!(["jobId"]),
            json!({
                "jobId": {"type": "string"},
                "status": {"type": "string", "enum": ["pending", "done", "failed"]},
                "progress": {"type": "number", "nullable": true},
                "outputs": {"type": "array", "items": {"type": "integer"}},
                "statusUrl": {}
            })
        )
    );
    let notes = notes.join("\n");
    assert!(notes.contains("declares nothing"), "{notes}");
    assert!(notes.contains("replaces `Task` everywhere"), "{notes}");
}

#[test]
fn any_of_branches_are_alternatives_and_strings_absorb_enums() {
    let all = schemas(json!({
        "Code": {"type": "string", "enum": ["a", "b"]},
        "State": {"type": "string", "enum": ["x"]},
        "A": object(json!([]), json!({"code": {"anyOf": [{"type": "string"}, r("Code")]}})),
    }));
    let config = config(json!([]), json!(["State"]));
    let mut union = SchemaUnion::new(&all, &config).unwrap();
    let mut notes = Vec::new();
    let any_of = json!({"anyOf": [{"type": "string"}, r("Code")]});
    assert_eq!(
        union.union(&[any_of], "code", &mut notes).unwrap(),
        json!({"type": "string"})
    );
    // An open enum accepts any string itself.
    assert_eq!(
        union
            .union(
                &[r("State"), json!({"type": "string"}), json!({})],
                "state",
                &mut notes
            )
            .unwrap(),
        r("State")
    );
    // Two inline enums: the union of the values, inline.
    assert_eq!(
        union
            .union(
                &[
                    json!({"type": "string", "enum": ["a"]}),
                    json!({"type": "string", "enum": ["b"], "nullable": true})
                ],
                "e",
                &mut notes
            )
            .unwrap(),
        json!({"type": "string", "enum": ["a", "b"], "nullable": true})
    );
}

#[test]
fn limits_become_the_loosest_and_an_equal_merge_is_the_alternative() {
    let all = schemas(json!({
        "Small": object(json!(["w"]), json!({"w": {"type": "integer", "minimum": 1, "maximum": 10}})),
        "Big": object(json!(["w"]), json!({"w": {"type": "integer", "minimum": 1, "maximum": 20}})),
        "Strict": object(json!(["w"]), json!({"w": {"type": "integer", "minimum": 0,
                                                     "exclusiveMinimum": true, "maximum": 5}})),
    }));
    let config = config(json!([]), json!([]));
    let mut union = SchemaUnion::new(&all, &config).unwrap();
    let mut notes = Vec::new();
    assert_eq!(
        union
            .union(&[r("Small"), r("Big")], "size", &mut notes)
            .unwrap(),
        r("Big")
    );
    let merged = union
        .union(
            &[
                json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true}),
                json!({"type": "integer", "minimum": 0, "maxLength": 3}),
            ],
            "n",
            &mut notes,
        )
        .unwrap();
    assert_eq!(merged, json!({"type": "integer", "minimum": 0}));
    assert!(
        union
            .union(&[r("Strict"), r("Small")], "x", &mut notes)
            .unwrap_err()
            .contains("add `- {schema: NAME, of: [\"Strict\", \"Small\"]")
    );
    union.finish(&mut notes).unwrap();
}

#[test]
fn different_kinds_stay_an_any_of_of_named_schemas() {
    let all = schemas(json!({
        "Obj": object(json!([]), json!({"p": {"type": "string"}})),
        "Text": {"type": "string"},
    }));
    let config = config(json!([]), json!([]));
    let mut union = SchemaUnion::new(&all, &config).unwrap();
    let mut notes = Vec::new();
    assert_eq!(
        union
            .union(&[r("Obj"), r("Text")], "x", &mut notes)
            .unwrap(),
        json!({"anyOf": [r("Obj"), r("Text")]})
    );
    let err = union
        .union(&[r("Obj"), json!({"type": "string"})], "y", &mut notes)
        .unwrap_err();
    assert!(err.contains("not a named schema"), "{err}");
}

#[test]
fn a_merge_needs_its_entry_and_an_entry_its_merge() {
    let all = schemas(json!({
        "A": object(json!(["p"]), json!({"p": {"type": "string"}})),
        "B": object(json!([]), json!({"q": {"type": "string"}})),
    }));
    let entry = json!([{"schema": "AorB", "of": ["A", "B"], "reason": "r"}]);
    let config_with = config(entry, json!([]));
    let mut union = SchemaUnion::new(&all, &config_with).unwrap();
    let mut notes = Vec::new();
    assert_eq!(
        union.union(&[r("A"), r("B")], "x", &mut notes).unwrap(),
        r("AorB")
    );
    // The same merge elsewhere is the same schema.
    assert_eq!(
        union.union(&[r("B"), r("A")], "y", &mut notes).unwrap(),
        r("AorB")
    );
    let published = union.finish(&mut notes).unwrap();
    assert_eq!(
        published["AorB"],
        json!({"type": "object", "properties": {"p": {"type": "string"}, "q": {"type": "string"}}})
    );

    // Listed but not happening.
    let union = SchemaUnion::new(&all, &config_with).unwrap();
    let err = union.finish(&mut notes).unwrap_err();
    assert!(
        err.contains("no longer happen") && err.contains("AorB"),
        "{err}"
    );

    // An open enum must be a string enum.
    let err = SchemaUnion::new(&all, &config(json!([]), json!(["A"])))
        .err()
        .unwrap();
    assert!(err.contains("openEnums"), "{err}");
}
