//! Every example Adobe ships in `firefly-api.json`, decoded into the SDK's
//! types.
//!
//! Adobe's examples are the nearest thing its files carry to real traffic:
//! bodies as Adobe shows them sent, answers as Adobe shows them coming back.
//! A type that cannot read them would fail on the wire too. Each example
//! 1. must conform to our spec's schema for the same place: the spec the SDK
//!    was generated from (`adobe_firefly::SPEC_JSON`), with JSON Schema
//!    draft 4 as the emulator and the conformance test use it; and
//! 2. must decode with serde into the SDK's public type for that schema
//!    without losing a field on the way back out (serde ignores unknown
//!    fields, so a field the type lacks would otherwise go unseen).
//!
//! Adobe's schema names become ours through the importer's own naming
//! (`names::assign`: the overlay's collisions, then its `names`), so every
//! rename the overlay makes is followed without being repeated here.
//!
//! Where examples are looked for; one anywhere else fails the test, so a new
//! kind of example gets a decision instead of being skipped:
//! - a request body's or response's media type, `example` or OpenAPI 3.1
//!   `examples: {name: {value}}`: the schema is the media type's `$ref`;
//! - a parameter's, or its schema's: our spec's schema of that parameter;
//! - a component schema's own `example` / `examples: [..]`: that schema;
//! - a subschema's (a property's): our spec's schema at the same place.
//!   A component's property examples, gathered into one object, are also
//!   decoded as the component when they hold all its required properties.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

mod decoders;

use decoders::{DECODERS, Decoder};

use super::walk::{self, Kind};
use super::{load, names, prepare};

/// Adobe's file whose examples are decoded: the authority, imported whole.
const AUTHORITY: &str = "firefly-api.json";

/// Fewer decoded examples than this fails the test, so it cannot pass by
/// finding none. It is the count (media-type, parameter and schema
/// examples) in the file our spec was imported from; lower it only when
/// Adobe removes examples.
const MIN_EXAMPLES: usize = 85;

/// Examples in which Adobe contradicts its own schema, by location, each
/// with the reason. Each must still fail: once Adobe fixes one, the test
/// fails until it is removed from here. None so far.
const EXCEPTIONS: &[(&str, &str)] = &[];

/// One of Adobe's examples.
struct Example {
    /// Where it is in Adobe's file, keys joined by dots.
    at: String,
    value: Value,
    of: Of,
    /// Our component and property, for a property's example.
    property: Option<(String, String)>,
}

/// The schema an example illustrates, in our spec.
#[derive(Clone)]
enum Of {
    /// One of our component schemas, by name: checked, then decoded.
    Component(String),
    /// Any other schema of ours (a property's, a parameter's): checked.
    Schema { label: String, schema: Value },
}

/// The keys down to every `example` and `examples` of `node` (of `kind`),
/// with the value found there. Data (enums, defaults, extensions) is not
/// searched, and a property called `example` is not an example.
fn find(node: &Value, kind: Kind, keys: &mut Vec<String>, found: &mut Vec<(Vec<String>, Value)>) {
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                keys.push(key.clone());
                if kind == Kind::Node && (key == "example" || key == "examples") {
                    found.push((keys.clone(), child.clone()));
                } else {
                    let child_kind = walk::member_kind(kind, key, child);
                    if child_kind != Kind::Data {
                        find(child, child_kind, keys, found);
                    }
                }
                keys.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                keys.push(i.to_string());
                find(item, kind, keys, found);
                keys.pop();
            }
        }
        _ => {}
    }
}

/// The JSON pointer of `keys`.
fn pointer(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Our spec, and what Adobe's schema names are called in it.
struct Ours {
    spec: Value,
    names: BTreeMap<String, String>,
}

impl Ours {
    /// Our name of Adobe's schema `adobe`.
    fn name(&self, adobe: &str) -> Result<String, String> {
        let ours = (self.names.get(adobe)).ok_or(format!(
            "Adobe's schema `{adobe}` has no name in our import"
        ))?;
        match self.spec["components"]["schemas"].get(ours) {
            Some(_) => Ok(ours.clone()),
            None => Err(format!("our spec has no `{ours}` (Adobe's `{adobe}`)")),
        }
    }

    /// The examples found at `keys` in Adobe's `doc`, each with the schema
    /// of ours it illustrates; an error for a place this test does not know.
    fn classify(
        &self,
        doc: &Value,
        keys: &[String],
        found: &Value,
    ) -> Result<Vec<Example>, String> {
        let (keyword, parent) = keys.split_last().expect("found under a key");
        let at = keys.join(".");
        // A media type's and a parameter's `examples` name Example Objects;
        // a schema's (3.1) is a list of values.
        let named = || -> Result<Vec<(String, Value)>, String> {
            if keyword == "example" {
                return Ok(vec![(at.clone(), found.clone())]);
            }
            let map = found.as_object().ok_or(format!("{at}: not a map"))?;
            let value = |(name, example): (&String, &Value)| match example.get("value") {
                Some(value) => Ok((format!("{at}.{name}"), value.clone())),
                None => Err(format!("{at}.{name}: no inline `value`")),
            };
            map.iter().map(value).collect()
        };
        let listed = || match (keyword.as_str(), found) {
            ("examples", Value::Array(items)) => (items.iter().enumerate())
                .map(|(i, v)| (format!("{at}.{i}"), v.clone()))
                .collect(),
            _ => vec![(at.clone(), found.clone())],
        };
        let parts: Vec<&str> = parent.iter().map(String::as_str).collect();
        let mut property = None;
        let (values, of) = match parts.as_slice() {
            ["paths", _, _, "requestBody", "content", _]
            | ["paths", _, _, "responses", _, "content", _] => {
                let schema = doc.pointer(&format!("{}/schema", pointer(parent)));
                let name = (schema.and_then(walk::bare_ref))
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .ok_or(format!("{at}: the media type's schema is not a named one"))?;
                (named()?, Of::Component(self.name(name)?))
            }
            ["paths", path, method, "parameters", _]
            | ["paths", path, method, "parameters", _, "schema"] => {
                let theirs = &doc.pointer(&pointer(&parent[..5])).unwrap_or(&Value::Null);
                let (name, place) = (&theirs["name"], &theirs["in"]);
                let parameters = self.spec["paths"][path][method]["parameters"].as_array();
                let schema = (parameters.into_iter().flatten())
                    .find(|p| p["name"] == *name && p["in"] == *place)
                    .map(|p| p["schema"].clone())
                    .ok_or(format!("{at}: our {method} {path} has no parameter {name}"))?;
                let label = format!("parameter {}", name.as_str().unwrap_or_default());
                let values = if parts.len() == 5 { named()? } else { listed() };
                (values, Of::Schema { label, schema })
            }
            ["components", "schemas", name] => (listed(), Of::Component(self.name(name)?)),
            ["components", "schemas", name, inner @ ..] => {
                let ours = self.name(name)?;
                // Our spec keeps Adobe's structure inside a component (a
                // property's schema may be a `$ref` where Adobe's is inline).
                let schema = (self.spec["components"]["schemas"][&ours])
                    .pointer(&pointer(&parent[3..]))
                    .ok_or(format!("{at}: our `{ours}` has nothing there"))?;
                if let ["properties", field] = inner {
                    property = Some((ours.clone(), (*field).to_owned()));
                }
                let label = format!("{ours}.{}", inner.join("."));
                let schema = schema.clone();
                (listed(), Of::Schema { label, schema })
            }
            _ => return Err(format!("{at}: an example where this test does not look")),
        };
        let example = |(at, value)| Example {
            at,
            value,
            of: of.clone(),
            property: property.clone(),
        };
        Ok(values.into_iter().map(example).collect())
    }

    /// Fails with what is wrong with `value` as an instance of our
    /// `schema`, whose references resolve in our spec.
    fn conforms(&self, schema: &Value, value: &Value) -> Result<(), String> {
        let root = json!({"allOf": [schema], "components": self.spec["components"]});
        let validator = (jsonschema::draft4::options().build(&root))
            .map_err(|e| format!("our schema does not compile: {e}"))?;
        let problems: Vec<String> = (validator.iter_errors(value))
            .map(|e| format!("at `{}`: {e}", e.instance_path()))
            .collect();
        match problems.is_empty() {
            true => Ok(()),
            false => Err(format!("our spec refuses it: {}", problems.join("; "))),
        }
    }

    /// Checks `value` against our schema `name`, then decodes it with the
    /// schema's decoder; `Ok(true)` when that is an SDK type.
    fn decode(&self, name: &str, value: &Value) -> Result<bool, String> {
        let schema = json!({"$ref": format!("#/components/schemas/{name}")});
        self.conforms(&schema, value)?;
        let decoder = DECODERS.iter().find(|(n, _)| *n == name).ok_or(format!(
            "no decoder for our schema `{name}`: add it to DECODERS in {}",
            file!()
        ))?;
        match decoder.1 {
            Decoder::Sdk(decode) => (decode(value.clone()).map(|()| true))
                .map_err(|e| format!("does not decode as `{name}`: {e}")),
            Decoder::SpecOnly => Ok(false),
        }
    }

    /// Checks one example; `Ok(true)` when it decoded into an SDK type.
    fn check(&self, example: &Example) -> Result<bool, String> {
        match &example.of {
            Of::Component(name) => self.decode(name, &example.value),
            Of::Schema { schema, .. } => self.conforms(schema, &example.value).map(|()| false),
        }
    }
}

/// What a run over Adobe's examples found.
#[derive(Default)]
struct Outcome {
    /// Examples that passed, and how many of them decoded into SDK types.
    checked: usize,
    into_types: usize,
    by_schema: BTreeMap<String, usize>,
    /// Components whose property examples decoded as a whole.
    wholes: Vec<String>,
    failures: Vec<String>,
}

/// Checks every example of Adobe's `doc`.
fn examine(doc: &Value, ours: &Ours) -> Outcome {
    let mut outcome = Outcome::default();
    let mut found = Vec::new();
    find(doc, Kind::Node, &mut Vec::new(), &mut found);
    let mut examples = Vec::new();
    for (keys, value) in &found {
        match ours.classify(doc, keys, value) {
            Ok(more) => examples.extend(more),
            Err(e) => outcome.failures.push(e),
        }
    }
    for example in &examples {
        let exception = EXCEPTIONS.iter().find(|(at, _)| *at == example.at);
        match (ours.check(example), exception) {
            (Ok(sdk), None) => {
                outcome.checked += 1;
                outcome.into_types += usize::from(sdk);
                let label = match &example.of {
                    Of::Component(name) => name.clone(),
                    Of::Schema { label, .. } => label.clone(),
                };
                *outcome.by_schema.entry(label).or_default() += 1;
            }
            (Err(e), None) => outcome.failures.push(format!("{}: {e}", example.at)),
            (Err(_), Some(_)) => {}
            (Ok(_), Some((at, _))) => {
                (outcome.failures).push(format!("{at} decodes now: remove it from EXCEPTIONS"))
            }
        }
    }
    for (at, _) in EXCEPTIONS {
        if !examples.iter().any(|e| e.at == *at) {
            (outcome.failures).push(format!("EXCEPTIONS lists {at}, not an example of Adobe's"));
        }
    }

    // A component's property examples together (the first of each
    // property), decoded as the component when they make a whole one.
    let mut gathered: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    for example in &examples {
        if let Some((component, field)) = &example.property {
            let object = gathered.entry(component).or_default();
            object.entry(field).or_insert_with(|| example.value.clone());
        }
    }
    for (name, object) in gathered {
        let required = ours.spec["components"]["schemas"][name]["required"].as_array();
        let mut required = required.into_iter().flatten().filter_map(Value::as_str);
        if !required.all(|field| object.contains_key(field)) {
            continue;
        }
        match ours.decode(name, &Value::Object(object)) {
            Ok(_) => outcome.wholes.push(name.to_owned()),
            Err(e) => (outcome.failures).push(format!("{name}'s property examples: {e}")),
        }
    }
    outcome
}

/// Adobe's `firefly-api.json` and our spec with the import's names, or
/// `None` (said) where Adobe's files are absent: they live outside the
/// repository, and CI checks them out beside it.
fn setup() -> Option<(Value, Ours)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = std::env::var_os("FIREFLY_ADOBE_SPECS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/reference/specs/firefly"));
    if !dir.is_dir() {
        let dir = dir.display();
        eprintln!("skipped: no Adobe files at {dir} (set FIREFLY_ADOBE_SPECS)");
        return None;
    }
    let overlay = load::overlay(root, super::Api::FIREFLY).unwrap();
    // Examples of operations the import leaves out would not be ours.
    assert!(
        overlay.config.operations(AUTHORITY).is_none(),
        "the overlay now takes only some operations of {AUTHORITY}: skip the others' examples"
    );
    let sources = load::sources(&dir).unwrap();
    let doc = (sources.iter().find(|s| s.file == AUTHORITY))
        .unwrap_or_else(|| panic!("no {AUTHORITY} in {}", dir.display()))
        .doc
        .clone();
    // The names the import gives, from the same steps it takes.
    let (sources, _) = prepare(sources, &overlay.config).unwrap();
    let naming = names::assign(&sources, &overlay.config).unwrap();
    let index = sources.iter().position(|s| s.file == AUTHORITY).unwrap();
    // Draft 4 has no `nullable`; the emulator translates it. Our spec has
    // none, and this says so should that change.
    assert!(
        !adobe_firefly::SPEC_JSON.contains("\"nullable\""),
        "our spec uses `nullable`: translate it as emulator/src/validation.rs does"
    );
    let ours = Ours {
        spec: serde_json::from_str(adobe_firefly::SPEC_JSON).unwrap(),
        names: naming.per_file[index].clone(),
    };
    Some((doc, ours))
}

#[test]
fn every_example_adobe_ships_decodes_into_the_sdk_types() {
    let Some((doc, ours)) = setup() else { return };
    let outcome = examine(&doc, &ours);
    let Outcome {
        checked,
        into_types,
        wholes,
        ..
    } = &outcome;
    println!(
        "{checked} of Adobe's examples in {AUTHORITY} pass ({into_types} decoded into SDK \
         types, the others checked against our spec only); property examples decoded as a \
         whole: {wholes:?}; by schema:"
    );
    for (schema, count) in &outcome.by_schema {
        println!("  {schema}: {count}");
    }
    let failures = &outcome.failures;
    assert!(
        failures.is_empty(),
        "{} of Adobe's examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        *checked >= MIN_EXAMPLES,
        "only {checked} examples passed, fewer than {MIN_EXAMPLES}: did the walk miss some?"
    );
}

/// The failures the test exists for, on edited copies of Adobe's file.
#[test]
fn an_unreadable_example_or_one_without_a_decoder_fails() {
    let Some((mut doc, ours)) = setup() else {
        return;
    };
    let request = "/paths/~1v4~1images~1generate-async/post/requestBody/content/application~1json";
    let value = |name: &str| format!("{request}/examples/{name}/value");
    // A field the SDK type lacks: our spec lets it through, serde drops it.
    doc.pointer_mut(&value("fullPayload")).unwrap()["colour"] = json!("red");
    // A value of the wrong type.
    doc.pointer_mut(&value("textToImageGeneration")).unwrap()["numVariations"] = json!("one");
    // An example of a schema (our `ReferenceImage`) with no decoder.
    doc["components"]["schemas"]["ReferenceBlobV3"]["example"] =
        json!({"source": {"url": "https://example.com/a.jpg"}});
    let failures = examine(&doc, &ours).failures.join("\n");
    for expected in [
        "fullPayload: does not decode as `Image5Request`: decoded, but lost `/colour`",
        "textToImageGeneration: our spec refuses it: at `/numVariations`",
        "ReferenceBlobV3.example: no decoder for our schema `ReferenceImage`",
    ] {
        assert!(
            failures.contains(expected),
            "{expected}\nnot in:\n{failures}"
        );
    }
}
