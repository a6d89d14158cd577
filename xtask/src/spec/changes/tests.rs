use super::*;
use serde_json::json;

/// A document with one operation, `POST /v3/things`, whose request and
/// 200 response are `Thing`, and the given component schemas.
fn doc(schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "paths": {"/v3/things": {"post": {
            "operationId": "makeThing",
            "parameters": [
                {"name": "x-request-id", "in": "header", "required": true,
                 "schema": {"type": "string"}},
            ],
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}}}
        }}},
        "components": {"schemas": schemas}
    })
}

fn thing() -> Value {
    json!({
        "type": "object",
        "description": "A thing.",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "description": "Its name.", "maxLength": 10},
            "size": {"type": "integer", "minimum": 1, "maximum": 4},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3}
        }
    })
}

/// The Markdown report, as lines.
fn lines(old: &Value, new: &Value) -> Vec<String> {
    let text = compare(old, new).unwrap().markdown("old.yaml", "new.yaml");
    text.lines().map(String::from).collect()
}

/// Only the list items of the report.
fn items(old: &Value, new: &Value) -> Vec<String> {
    lines(old, new)
        .into_iter()
        .filter(|l| l.starts_with("- "))
        .collect()
}

/// `thing()` changed by `edit`, compared with `thing()`.
fn thing_items(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut changed = thing();
    edit(&mut changed);
    items(
        &doc(json!({"Thing": thing()})),
        &doc(json!({"Thing": changed})),
    )
}

#[test]
fn identical_documents_have_no_changes() {
    let a = doc(json!({"Thing": thing()}));
    assert_eq!(
        lines(&a, &a),
        [
            "# API changes from `old.yaml` to `new.yaml`",
            "",
            "No changes for users of the API."
        ]
    );
}

#[test]
fn prose_is_ignored() {
    let lines = thing_items(|t| {
        t["description"] = json!("Another text.");
        t["properties"]["name"]["description"] = json!("Changed.");
        t["x-other"] = json!(true);
    });
    assert!(lines.is_empty(), "{lines:?}");
}

#[test]
fn operation_added_and_removed() {
    let a = doc(json!({"Thing": thing()}));
    let mut b = a.clone();
    b["paths"]["/v3/other"] = json!({"get": {"operationId": "getOther", "deprecated": true,
        "responses": {"200": {"description": "ok"}}}});
    b["paths"]["/v3/things"]
        .as_object_mut()
        .unwrap()
        .remove("post");
    b["paths"]["/v3/things"]["put"] = json!({"operationId": "putThing",
        "responses": {"200": {"description": "ok"}}});
    assert_eq!(
        lines(&a, &b),
        [
            "# API changes from `old.yaml` to `new.yaml`",
            "",
            "## Operations added",
            "",
            "- `GET /v3/other` (`getOther`), deprecated",
            "- `PUT /v3/things` (`putThing`)",
            "",
            "## Operations removed",
            "",
            "- `POST /v3/things` (`makeThing`)",
        ]
    );
}

#[test]
fn operation_level_changes() {
    let a = doc(json!({"Thing": thing()}));
    let mut b = a.clone();
    let op = &mut b["paths"]["/v3/things"]["post"];
    op["deprecated"] = json!(true);
    op["parameters"][0]["required"] = json!(false);
    op["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "limit", "in": "query", "schema": {"type": "integer"}}));
    op["requestBody"]["content"]["multipart/form-data"] = json!({"schema": {"type": "object"}});
    op["responses"]["429"] = json!({"description": "slow down"});
    assert_eq!(
        lines(&a, &b)[2..],
        [
            "## Operations changed",
            "",
            "### `POST /v3/things` (`makeThing`), deprecated",
            "",
            "- now deprecated",
            "- parameter added: query `limit` (optional)",
            "- parameter header `x-request-id`: no longer required",
            "- request media type added: `multipart/form-data`",
            "- response added: `429`",
        ]
    );
}

#[test]
fn field_added_and_removed() {
    let lines = thing_items(|t| {
        t["properties"]["colour"] = json!({"type": "string"});
        t["properties"].as_object_mut().unwrap().remove("size");
    });
    assert_eq!(
        lines,
        [
            "- `components.schemas.Thing.colour`: field added (optional)",
            "- `components.schemas.Thing.size`: field removed",
        ]
    );
}

#[test]
fn required_changed() {
    let lines = thing_items(|t| t["required"] = json!(["size"]));
    assert_eq!(
        lines,
        [
            "- `components.schemas.Thing.name`: no longer required",
            "- `components.schemas.Thing.size`: now required",
        ]
    );
}

#[test]
fn enum_value_added_and_removed() {
    let lines = thing_items(|t| t["properties"]["kind"]["enum"] = json!(["c", "a"]));
    assert_eq!(
        lines,
        [
            "- `components.schemas.Thing.kind`: enum value added: `\"c\"`",
            "- `components.schemas.Thing.kind`: enum value removed: `\"b\"`",
        ]
    );
}

#[test]
fn limits_changed() {
    let lines = thing_items(|t| {
        let p = &mut t["properties"];
        p["size"]["maximum"] = json!(8);
        p["size"]["exclusiveMinimum"] = json!(true);
        p["name"].as_object_mut().unwrap().remove("maxLength");
        p["name"]["pattern"] = json!("^[a-z]+$");
        p["tags"]["uniqueItems"] = json!(true);
    });
    assert_eq!(
        lines,
        [
            "- `components.schemas.Thing.name`: maxLength `10` → (none)",
            "- `components.schemas.Thing.name`: pattern (none) → `^[a-z]+$`",
            "- `components.schemas.Thing.size`: exclusiveMinimum `false` → `true`",
            "- `components.schemas.Thing.size`: maximum `4` → `8`",
            "- `components.schemas.Thing.tags`: uniqueItems `false` → `true`",
        ]
    );
}

#[test]
fn type_nullable_and_default_changed() {
    let lines = thing_items(|t| {
        t["properties"]["size"]["type"] = json!("number");
        t["properties"]["tags"]["items"]["nullable"] = json!(true);
        t["properties"]["kind"]["x-adobe-default"] = json!("a");
    });
    assert_eq!(
        lines,
        [
            "- `components.schemas.Thing.kind`: x-adobe-default (none) → `\"a\"`",
            "- `components.schemas.Thing.size`: type `integer` → `number`",
            "- `components.schemas.Thing.tags[]`: nullable `false` → `true`",
        ]
    );
}

#[test]
fn branches_added_and_removed() {
    let schemas = |branches: Value| {
        json!({"Thing": {"oneOf": branches}, "A": {"type": "string"},
               "B": {"type": "object"}, "C": {"type": "integer"}})
    };
    let a = doc(schemas(json!([{"$ref": "#/components/schemas/A"},
                                {"$ref": "#/components/schemas/B"}])));
    let b = doc(schemas(json!([{"$ref": "#/components/schemas/B"},
                                {"$ref": "#/components/schemas/C"}])));
    assert_eq!(
        items(&a, &b),
        [
            "- `components.schemas.Thing`: oneOf branch added: `C`",
            "- `components.schemas.Thing`: oneOf branch removed: `A`",
        ]
    );
}

#[test]
fn schemas_added_removed_and_compared_once() {
    let a = doc(json!({"Thing": thing(), "Old": {"type": "string"}}));
    let mut changed = thing();
    changed["properties"]["size"]["minimum"] = json!(0);
    let b = doc(json!({"Thing": changed, "New": {"type": "string"}}));
    // `Thing` is the request and the response: its change is one line,
    // under components, not one per place that refers to it.
    assert_eq!(
        lines(&a, &b)[2..],
        [
            "## Schemas added",
            "",
            "- `New`",
            "",
            "## Schemas removed",
            "",
            "- `Old`",
            "",
            "## Schemas changed",
            "",
            "### `Thing`",
            "",
            "- `components.schemas.Thing.size`: minimum `1` → `0`",
        ]
    );
}

#[test]
fn different_references_are_compared_in_place() {
    let a = doc(json!({"Thing": thing()}));
    let mut b = a.clone();
    let mut v2 = thing();
    v2["properties"]["tags"]["maxItems"] = json!(5);
    b["components"]["schemas"]["ThingV2"] = v2;
    b["paths"]["/v3/things"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
        json!({"$ref": "#/components/schemas/ThingV2"});
    assert_eq!(
        items(&a, &b),
        [
            "- `POST /v3/things request`: schema `Thing` → `ThingV2`",
            "- `POST /v3/things request .tags`: maxItems `3` → `5`",
            "- `ThingV2`",
        ]
    );
}

#[test]
fn reference_cycles_end() {
    // A list whose nodes refer to themselves, renamed between the versions:
    // compared in place, the pair (Node, Link) is compared once.
    let node = |name: &str, max: u64| {
        json!({"type": "object", "properties": {
            "next": {"$ref": format!("#/components/schemas/{name}")},
            "value": {"type": "integer", "maximum": max}}})
    };
    let a = doc(json!({"Thing": {"$ref": "#/components/schemas/Node"},
                       "Node": node("Node", 1), "Tree": node("Tree", 1)}));
    let b = doc(json!({"Thing": {"$ref": "#/components/schemas/Link"},
                       "Link": node("Link", 2), "Tree": node("Tree", 3)}));
    assert_eq!(
        items(&a, &b),
        [
            "- `Link`",
            "- `Node`",
            "- `components.schemas.Thing`: schema `Node` → `Link`",
            "- `components.schemas.Thing.next`: schema `Node` → `Link`",
            "- `components.schemas.Thing.value`: maximum `1` → `2`",
            // Same name on both sides: compared once, under its own name.
            "- `components.schemas.Tree.value`: maximum `1` → `3`",
        ]
    );
}

#[test]
fn reference_wrappers_compare_their_keywords() {
    // `allOf: [{$ref}]` with a default is the import's way to write a
    // reference with siblings: only the siblings are compared in place.
    let mut a = doc(json!({"Thing": thing(), "Kind": {"type": "string"}}));
    a["components"]["schemas"]["Thing"]["properties"]["kind"] =
        json!({"$ref": "#/components/schemas/Kind"});
    let mut b = a.clone();
    b["components"]["schemas"]["Thing"]["properties"]["kind"] = json!({
        "allOf": [{"$ref": "#/components/schemas/Kind"}], "x-adobe-default": "a"});
    assert_eq!(
        items(&a, &b),
        ["- `components.schemas.Thing.kind`: x-adobe-default (none) → `\"a\"`"]
    );
}

#[test]
fn output_is_deterministic() {
    let a = doc(json!({"Thing": thing(), "Z": {"type": "string"}, "Y": {"type": "string"}}));
    let mut b = doc(json!({"Thing": {"type": "object", "properties": {
        "z": {"type": "string"}, "a": {"type": "string"}, "m": {"type": "string"}}}}));
    b["paths"]["/b"] = json!({"get": {"responses": {}}, "post": {"responses": {}}});
    b["paths"]["/a"] = json!({"delete": {"responses": {}}, "get": {"responses": {}}});
    let first = compare(&a, &b).unwrap().markdown("a", "b");
    for _ in 0..5 {
        assert_eq!(compare(&a, &b).unwrap().markdown("a", "b"), first);
    }
    // Paths sorted, methods in OpenAPI's order; names sorted.
    let lines: Vec<&str> = first.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(
        lines,
        [
            "- `GET /a`",
            "- `DELETE /a`",
            "- `GET /b`",
            "- `POST /b`",
            "- `Y`",
            "- `Z`",
            "- `components.schemas.Thing.a`: field added (optional)",
            "- `components.schemas.Thing.kind`: field removed",
            "- `components.schemas.Thing.m`: field added (optional)",
            "- `components.schemas.Thing.name`: field removed",
            "- `components.schemas.Thing.size`: field removed",
            "- `components.schemas.Thing.tags`: field removed",
            "- `components.schemas.Thing.z`: field added (optional)",
        ]
    );
}

#[test]
fn reads_yaml_and_json_files() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n";
    fs::write(dir.path().join("old.yaml"), yaml).unwrap();
    let json = r#"{"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}, "404": {"description": "no"}}}}}}"#;
    fs::write(dir.path().join("new.json"), json).unwrap();
    let text = report(
        dir.path(),
        &dir.path().join("old.yaml"),
        &dir.path().join("new.json"),
    );
    assert_eq!(
        text.unwrap(),
        "# API changes from `old.yaml` to `new.json`\n\n## Operations changed\n\n### `GET /a`\n\n- response added: `404`\n"
    );
    fs::write(dir.path().join("bad.yaml"), "swagger: '2.0'\n").unwrap();
    let err = report(
        dir.path(),
        &dir.path().join("bad.yaml"),
        &dir.path().join("new.json"),
    );
    assert!(
        err.unwrap_err()
            .ends_with("bad.yaml: not an OpenAPI 3 document")
    );
}

#[test]
fn alternating_references_end() {
    // Each side reaches its cycle through an inline level the other side
    // does not have, so the references never line up.
    let twice = |name: &str| {
        json!({"properties": {"p": {"properties": {"p": {
            "$ref": format!("#/components/schemas/{name}")}}}}})
    };
    let a = doc(json!({"Thing": {"$ref": "#/components/schemas/A"}, "A": twice("A")}));
    let b = doc(json!({
        "Thing": {"properties": {"p": {"$ref": "#/components/schemas/B"}}},
        "B": twice("B"),
    }));
    assert_eq!(
        items(&a, &b),
        [
            "- `B`",
            "- `A`",
            "- `components.schemas.Thing`: schema `A` → inline",
            "- `components.schemas.Thing.p`: schema inline → `B`",
            // (A, inline) is already being compared: the walk stops.
            "- `components.schemas.Thing.p.p`: schema `A` → inline",
        ]
    );
}
