use super::{openapi::path_shape, *};

/// A spec in the shapes the real one may take: inline schemas, a
/// `$ref`'d request body and parameter, path-level parameters.
fn little_spec() -> Value {
    let mut spec = json!({
        "paths": {
            "/v3/things": {
                "parameters": [{"$ref": "#/components/parameters/Model"}],
                "post": {
                    "requestBody": {"$ref": "#/components/requestBodies/Things"},
                },
            },
            "/v3/inline": {
                "post": {
                    "parameters": [{
                        "name": "X-Model-Version",
                        "in": "header",
                        "required": true,
                        "schema": {"allOf": [{"$ref": "#/components/schemas/Model"}]},
                    }],
                    "requestBody": {"content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["name"],
                        "additionalProperties": false,
                        "properties": {"name": {"type": "string", "maxLength": 3}},
                    }}}},
                    "responses": {"202": {}, "451": {}, "4XX": {}, "default": {}},
                },
            },
            "/v3/form": {
                "post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {
                    "schema": {"type": "object"},
                }}}},
            },
            "/v3/status/{jobId}": {"get": {}},
        },
        "components": {
            "parameters": {
                "Model": {
                    "name": "x-model-version",
                    "in": "header",
                    "schema": {"$ref": "#/components/schemas/Model"},
                },
            },
            "requestBodies": {
                "Things": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Things",
                }}}},
            },
            "schemas": {
                "Model": {"type": "string", "enum": ["one", "two"]},
                "Kind": {"type": "string", "enum": ["a", "b"]},
                "Inner": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
                "Things": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string", "nullable": true, "minLength": 2},
                        "kind": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Kind"}]},
                        "inner": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Inner"}]},
                        "strict": {"type": "integer"},
                        "either": {"anyOf": [{"type": "integer"}, {"type": "string", "enum": ["many"]}]},
                        "level": {"type": "string", "enum": ["low", "high"], "nullable": true},
                    },
                },
            },
        },
    });
    translate_nullable(&mut spec);
    spec
}

fn fields(problems: &[Value]) -> Vec<String> {
    problems
        .iter()
        .map(|p| {
            p["loc"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().map_or(s.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect()
}

fn model_header(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(MODEL_VERSION, value.parse().unwrap());
    headers
}

#[test]
fn an_operation_missing_from_the_spec_is_an_error_naming_it() {
    let spec = little_spec();
    let error = SpecValidator::from_spec(Api::Firefly, &spec, &[(Verb::Post, "/v3/gone")])
        .err()
        .unwrap();
    assert!(error.contains("POST /v3/gone"), "{error}");
    let error = SpecValidator::from_spec(Api::Firefly, &spec, &[(Verb::Put, "/v3/things")])
        .err()
        .unwrap();
    assert!(error.contains("PUT /v3/things"), "{error}");
}

#[test]
fn an_operation_without_a_json_body_schema_is_an_error() {
    let spec = little_spec();
    for path in ["/v3/form", "/v3/status/{job_id}"] {
        let method = if path == "/v3/form" {
            Verb::Post
        } else {
            Verb::Get
        };
        let error = SpecValidator::from_spec(Api::Firefly, &spec, &[(method, path)])
            .err()
            .unwrap();
        assert!(error.contains("application/json"), "{error}");
    }
}

#[test]
fn nullable_lets_null_through_and_nothing_else() {
    let spec = little_spec();
    let validator =
        SpecValidator::from_spec(Api::Firefly, &spec, &[(Verb::Post, "/v3/things")]).unwrap();
    let check = |body: Value| fields(&validator.body(Verb::Post, "/v3/things", &body));
    let nothing: Vec<String> = Vec::new();
    assert_eq!(
        check(json!({"label": null, "kind": null, "inner": null, "level": null})),
        nothing
    );
    assert_eq!(
        check(json!({"label": "ok", "kind": "a", "inner": {"n": 1}, "level": "low"})),
        nothing
    );
    assert_eq!(check(json!({"label": "x"})), ["body.label"]);
    assert_eq!(check(json!({"label": 5})), ["body.label"]);
    assert_eq!(check(json!({"kind": "c"})), ["body.kind"]);
    assert_eq!(check(json!({"level": "medium"})), ["body.level"]);
    assert_eq!(check(json!({"inner": {}})), ["body.inner.n"]);
    assert_eq!(check(json!({"strict": null})), ["body.strict"]);
}

#[test]
fn any_of_and_additional_properties_mean_what_they_say() {
    let spec = little_spec();
    let validator = SpecValidator::from_spec(
        Api::Firefly,
        &spec,
        &[(Verb::Post, "/v3/things"), (Verb::Post, "/v3/inline")],
    )
    .unwrap();
    let things = |body: Value| fields(&validator.body(Verb::Post, "/v3/things", &body));
    let inline = |body: Value| fields(&validator.body(Verb::Post, "/v3/inline", &body));
    let nothing: Vec<String> = Vec::new();
    assert_eq!(things(json!({"either": 3})), nothing);
    assert_eq!(things(json!({"either": "many"})), nothing);
    assert_eq!(things(json!({"either": "few"})), ["body.either"]);
    // No `additionalProperties: false`: unknown fields pass.
    assert_eq!(things(json!({"somethingNew": [1, 2]})), nothing);
    // `additionalProperties: false`: they do not.
    assert_eq!(inline(json!({"name": "abc"})), nothing);
    assert_eq!(inline(json!({"name": "abc", "extra": 1})), ["body.extra"]);
    assert_eq!(inline(json!({"name": "abcd"})), ["body.name"]);
    assert_eq!(inline(json!({})), ["body.name"]);
}

#[test]
fn the_model_version_header_follows_the_operations_own_parameter() {
    let spec = little_spec();
    let validator = SpecValidator::from_spec(
        Api::Firefly,
        &spec,
        &[(Verb::Post, "/v3/things"), (Verb::Post, "/v3/inline")],
    )
    .unwrap();
    let nothing: Vec<String> = Vec::new();
    // A path-level, optional parameter, through `$ref`s.
    let things =
        |headers: HeaderMap| fields(&validator.headers(Verb::Post, "/v3/things", &headers));
    assert_eq!(things(HeaderMap::new()), nothing);
    assert_eq!(things(model_header("two")), nothing);
    assert_eq!(things(model_header("three")), ["header.x-model-version"]);
    let problem = &validator.headers(Verb::Post, "/v3/things", &model_header("three"))[0];
    assert_eq!(problem["type"], "type_error.enum");
    assert_eq!(problem["msg"], "value is not one of one, two");
    // An operation's own, required parameter, its name in another case.
    let inline =
        |headers: HeaderMap| fields(&validator.headers(Verb::Post, "/v3/inline", &headers));
    assert_eq!(inline(model_header("one")), nothing);
    assert_eq!(inline(HeaderMap::new()), ["header.x-model-version"]);
    assert_eq!(inline(model_header("zero")), ["header.x-model-version"]);
}

#[test]
fn path_parameter_names_do_not_matter() {
    assert_eq!(path_shape("/v3/status/{jobId}"), "/v3/status/{}");
    assert_eq!(path_shape("/v3/status/{job_id}"), "/v3/status/{}");
    assert_eq!(path_shape("/a/{b}/c/{d}"), "/a/{}/c/{}");
}

#[test]
fn the_statuses_an_operation_documents_are_read_from_its_responses() {
    let spec = little_spec();
    let operations = [(Verb::Post, "/v3/inline"), (Verb::Post, "/v3/things")];
    let validator = SpecValidator::from_spec(Api::Firefly, &spec, &operations).unwrap();
    assert!(validator.documents_status(Verb::Post, "/v3/inline", 451));
    assert!(validator.documents_status(Verb::Post, "/v3/inline", 202));
    assert!(!validator.documents_status(Verb::Post, "/v3/inline", 400));
    assert!(!validator.documents_status(Verb::Post, "/v3/things", 451));
    assert!(!validator.documents_status(Verb::Post, "/v3/gone", 451));
}

#[test]
fn firefly_bodies_give_as_many_seeds_as_variations() {
    let spec = little_spec();
    let validator =
        SpecValidator::from_spec(Api::Firefly, &spec, &[(Verb::Post, "/v3/things")]).unwrap();
    let body = json!({"numVariations": 2, "seeds": [1]});
    assert_eq!(
        fields(&validator.body(Verb::Post, "/v3/things", &body)),
        ["body.seeds"]
    );
}
