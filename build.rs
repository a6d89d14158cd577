//! Compiles each enabled API's spec (`openapi/<api>/<api>.yaml`) into its
//! client with progenitor: Firefly always, the other Firefly Services APIs
//! when their feature is on.
//!
//! The specs are ours and stay faithful to Adobe's documentation; a few
//! mechanical rewrites happen here, in memory, before generation (see
//! `normalize_for_codegen`). Every failure is reported as a build error that
//! names the spec, never as a bare panic from deep inside progenitor.

#[path = "build/operations.rs"]
mod operations;

use std::{env, fs, path::Path};

use sha2::{Digest, Sha256};

/// One API compiled here: its folder under `openapi/`, the Cargo feature
/// that turns it on (`None`: always), and its type replacements.
struct ApiBuild {
    name: &'static str,
    feature: Option<&'static str>,
    replacements: fn(&mut progenitor::GenerationSettings),
}

/// Every API this crate can compile, by folder and feature.
const APIS: &[ApiBuild] = &[
    ApiBuild {
        name: "firefly",
        feature: None,
        replacements: firefly_replacements,
    },
    ApiBuild {
        name: "photoshop",
        feature: Some("photoshop"),
        replacements: no_replacements,
    },
    ApiBuild {
        name: "audio-video",
        feature: Some("audio-video"),
        replacements: audio_video_replacements,
    },
    ApiBuild {
        name: "indesign",
        feature: Some("indesign"),
        replacements: no_replacements,
    },
    ApiBuild {
        name: "substance3d",
        feature: Some("substance3d"),
        replacements: no_replacements,
    },
];

/// Operations with this tag are served by another host (Adobe IMS) and are
/// called through the oauth2 crate, so no client code is generated for them.
const TAG_NOT_GENERATED: &str = "ims";

/// Operations carrying this extension are sent by hand-written SDK code
/// (its value says why); no client code is generated for them.
const HANDWRITTEN: &str = "x-adobe-firefly-handwritten";

/// Schema keywords the SDK's validator enforces with typed errors naming the
/// field. Left in, progenitor would turn them into newtypes (`NonZeroU32`,
/// length-checked strings) that only fail at `send()` with a string error.
const VALIDATION_KEYWORDS: &[&str] = &[
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "pattern",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/operations.rs");
    for api in APIS {
        let spec_path = format!("openapi/{0}/{0}.yaml", api.name);
        println!("cargo:rerun-if-changed={spec_path}");
        let enabled = api.feature.is_none_or(|feature| {
            env::var_os(format!(
                "CARGO_FEATURE_{}",
                feature.to_uppercase().replace('-', "_")
            ))
            .is_some()
        });
        if !enabled {
            continue;
        }
        if let Err(message) = generate(api, &spec_path) {
            // A build script reports errors by exiting non-zero; the message
            // is what a developer editing the spec needs to read.
            eprintln!(
                "error: cannot generate the {} client from {spec_path}: {message}",
                api.name
            );
            std::process::exit(1);
        }
    }
}

/// Writes `<api>_codegen.rs` (the client), `<api>_operations.rs` (its
/// operation table) and `<api>_spec.json` (the spec the SDK's checks read)
/// into `OUT_DIR`.
fn generate(api: &ApiBuild, spec_path: &str) -> Result<(), String> {
    let out_dir = env::var("OUT_DIR").map_err(|e| format!("OUT_DIR is not set: {e}"))?;
    let text = fs::read_to_string(spec_path).map_err(|e| format!("cannot read it: {e}"))?;
    let spec: serde_json::Value =
        serde_norway::from_str(&text).map_err(|e| format!("not valid YAML: {e}"))?;
    if spec.get("openapi").and_then(|v| v.as_str()) != Some("3.0.3") {
        return Err("the spec must declare `openapi: 3.0.3` (progenitor reads 3.0 only)".into());
    }

    let mut codegen_spec = spec.clone();
    normalize_for_codegen(&mut codegen_spec)?;
    let openapi: openapiv3::OpenAPI = serde_json::from_value(codegen_spec)
        .map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;

    let mut settings = settings();
    (api.replacements)(&mut settings);
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&openapi)
        .map_err(|e| format!("progenitor failed: {e}"))?;
    let mut ast: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    document_builder_setters(&mut ast)?;
    let mut code = prettyplease::unparse(&ast);

    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    code.push_str(&format!(
        "\n/// SHA-256 of the `{spec_path}` this client was generated from.\n\
         pub const SPEC_SHA256: &str = \"{hex}\";\n"
    ));

    let spec_json = serde_json::to_string(&spec).map_err(|e| e.to_string())?;
    let table = operations::table(&spec)?;
    write(&out_dir, &format!("{}_operations.rs", api.name), &table)?;
    write(&out_dir, &format!("{}_codegen.rs", api.name), &code)?;
    write(&out_dir, &format!("{}_spec.json", api.name), &spec_json)
}

fn write(out_dir: &str, name: &str, contents: &str) -> Result<(), String> {
    let path = Path::new(out_dir).join(name);
    fs::write(&path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The progenitor settings of the crate, in one place.
fn settings() -> progenitor::GenerationSettings {
    use progenitor::{GenerationSettings, HooksMode, InterfaceStyle, TagStyle};

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The transport attaches credentials, replays after a 401 and keeps
        // error responses intact; forgetting to implement it must not compile.
        .with_inner_type(quote_path("crate::transport::Transport"))
        .with_hooks(HooksMode::Expected)
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        .with_map_type("std::collections::BTreeMap");
    settings
}

/// For an API whose generated types are all used as they are.
fn no_replacements(_: &mut progenitor::GenerationSettings) {}

/// Firefly's hand-written types in place of generated ones.
fn firefly_replacements(settings: &mut progenitor::GenerationSettings) {
    use progenitor::TypeImpl;

    settings
        // Enums that appear in responses are open: a value Adobe adds later
        // decodes as `Unknown(..)` instead of failing the whole response.
        .with_replacement(
            "JobStatus",
            "crate::wire::JobStatus",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        )
        // Adobe's status body is a `oneOf` keyed on `status` whose result
        // shapes overlap; the SDK reads it into one lenient type instead of
        // decoding by trial (src/job_status.rs says why).
        .with_replacement(
            "JobResponse",
            "crate::job_status::JobStatusResponse",
            std::iter::empty(),
        )
        // Holds a client secret: the hand-written type never shows it.
        .with_replacement(
            "NewClientSecret",
            "crate::wire::NewClientSecret",
            std::iter::empty(),
        )
        .with_replacement(
            "ContentClass",
            "crate::wire::ContentClass",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        )
        // Read by the errors too, which must not depend on generated code.
        .with_replacement(
            "ValidationErrorDetail",
            "crate::wire::ValidationErrorDetail",
            std::iter::empty(),
        )
        // Read from 451 bodies: a code Adobe adds later must still explain
        // the refusal rather than fail to decode.
        .with_replacement(
            "ContentPolicyErrorCode",
            "crate::wire::ContentPolicyErrorCode",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
}

/// The Audio/Video API's hand-written types in place of generated ones.
fn audio_video_replacements(settings: &mut progenitor::GenerationSettings) {
    settings
        // A `oneOf` of three shapes with only optional fields: decoding by
        // trial takes every status for the first one, so the SDK reads it
        // into one lenient type (src/audio_video/status.rs says why).
        .with_replacement(
            "JobStatus",
            "crate::audio_video::AudioVideoStatus",
            std::iter::empty(),
        );
}

fn quote_path(path: &str) -> proc_macro2::TokenStream {
    path.parse().expect("a constant Rust path parses")
}

/// Rewrites the spec, in memory, into the subset progenitor turns into a
/// usable client. The vendored file itself is never changed. Every rewrite
/// is checked: anything it cannot account for is an error, not a silent skip.
fn normalize_for_codegen(spec: &mut serde_json::Value) -> Result<(), String> {
    let paths = spec
        .get_mut("paths")
        .and_then(|p| p.as_object_mut())
        .ok_or("the spec has no `paths`")?;
    for (path, item) in paths.iter_mut() {
        let item = item
            .as_object_mut()
            .ok_or_else(|| format!("path {path} is not an object"))?;
        // Path-level servers (the IMS host) mean nothing to progenitor.
        item.remove("servers");
        // Only the marked operations go; their neighbours on the path stay.
        item.retain(|method, operation| {
            !(HTTP_METHODS.contains(&method.as_str())
                && (has_tag(operation, TAG_NOT_GENERATED) || operation.get(HANDWRITTEN).is_some()))
        });
        for (method, operation) in item.iter_mut() {
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            // Error statuses are decoded by the SDK's error layer from the
            // raw response, so status, headers and non-JSON bodies (HTML
            // 413 pages, empty 429s) are never lost.
            let responses = operation
                .get_mut("responses")
                .and_then(|r| r.as_object_mut())
                .ok_or_else(|| format!("{method} {path} has no responses"))?;
            responses.retain(|code, _| code.starts_with('2'));
            if responses.is_empty() {
                return Err(format!("{method} {path} has no success response"));
            }
        }
    }
    // A path whose every operation was dropped is dropped with them.
    paths.retain(|_, item| {
        item.as_object()
            .is_some_and(|ops| ops.keys().any(|k| HTTP_METHODS.contains(&k.as_str())))
    });
    strip_validation_keywords(spec, false);
    match leftover_validation_keyword(spec, false, "#") {
        Some(at) => Err(format!("a validation keyword survived at {at}")),
        None => Ok(()),
    }
}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn has_tag(operation: &serde_json::Value, tag: &str) -> bool {
    operation
        .get("tags")
        .and_then(|t| t.as_array())
        .is_some_and(|tags| tags.iter().any(|t| t == tag))
}

/// Removes the validation keywords from every schema. `in_properties` says
/// the map's keys are property names (a property may be called `minimum`),
/// not keywords.
fn strip_validation_keywords(value: &mut serde_json::Value, in_properties: bool) {
    match value {
        serde_json::Value::Object(map) => {
            if !in_properties {
                for keyword in VALIDATION_KEYWORDS {
                    if map.get(*keyword).is_some_and(|v| !v.is_object()) {
                        map.remove(*keyword);
                    }
                }
                // A number enum becomes a newtype whose schemars impl is
                // written for schemars 0.8; the validator checks it instead.
                if map
                    .get("type")
                    .is_some_and(|t| t == "integer" || t == "number")
                {
                    map.remove("enum");
                }
                // Upload ids stay the strings the upload call returns, not
                // `uuid::Uuid`s a caller would have to parse; times stay the
                // strings Adobe sends (no date-time crate in the public API,
                // and a time in an unexpected form must not fail a status).
                if map
                    .get("format")
                    .is_some_and(|f| f == "uuid" || f == "date-time")
                {
                    map.remove("format");
                }
            }
            for (key, child) in map.iter_mut() {
                let children_are_properties = !in_properties && key == "properties";
                strip_validation_keywords(child, children_are_properties);
            }
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .for_each(|item| strip_validation_keywords(item, false)),
        _ => {}
    }
}

/// Where a validation keyword is left, if anywhere.
fn leftover_validation_keyword(
    value: &serde_json::Value,
    in_properties: bool,
    at: &str,
) -> Option<String> {
    match value {
        serde_json::Value::Object(map) => {
            if !in_properties
                && let Some(keyword) = VALIDATION_KEYWORDS
                    .iter()
                    .find(|k| map.get(**k).is_some_and(|v| !v.is_object()))
            {
                return Some(format!("{at}/{keyword}"));
            }
            map.iter().find_map(|(key, child)| {
                leftover_validation_keyword(
                    child,
                    !in_properties && key == "properties",
                    &format!("{at}/{key}"),
                )
            })
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| leftover_validation_keyword(item, false, &format!("{at}/{i}"))),
        _ => None,
    }
}

/// Gives every setter of the generated type builders the doc comment of the
/// field it sets, so docs.rs documents `GenerateImagesRequest::builder().prompt(..)`
/// as well as `GenerateImagesRequest::prompt`.
fn document_builder_setters(file: &mut syn::File) -> Result<(), String> {
    use std::collections::HashMap;

    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
            _ => None,
        })
        .ok_or("the generated code has no `types` module")?;
    let mut field_docs: HashMap<String, HashMap<String, Vec<syn::Attribute>>> = HashMap::new();
    for item in types.1.iter() {
        if let syn::Item::Struct(structure) = item {
            let fields = structure
                .fields
                .iter()
                .filter_map(|field| {
                    let docs: Vec<_> = field
                        .attrs
                        .iter()
                        .filter(|a| a.path().is_ident("doc"))
                        .cloned()
                        .collect();
                    Some((field.ident.as_ref()?.to_string(), docs))
                })
                .collect();
            field_docs.insert(structure.ident.to_string(), fields);
        }
    }
    for item in types.1.iter_mut() {
        match item {
            // A newtype's one field: the value it wraps.
            syn::Item::Struct(structure) => {
                if let syn::Fields::Unnamed(fields) = &mut structure.fields {
                    for field in fields.unnamed.iter_mut() {
                        if !field.attrs.iter().any(|a| a.path().is_ident("doc")) {
                            field
                                .attrs
                                .insert(0, syn::parse_quote!(#[doc = " The value."]));
                        }
                    }
                }
            }
            // `X::builder()`, the way in for the optional fields.
            syn::Item::Impl(block) if block.trait_.is_none() => {
                for member in block.items.iter_mut() {
                    if let syn::ImplItem::Fn(function) = member
                        && function.sig.ident == "builder"
                        && !function.attrs.iter().any(|a| a.path().is_ident("doc"))
                    {
                        function.attrs.insert(
                            0,
                            syn::parse_quote!(#[doc = " A builder: set the required fields and any optional ones, then `try_into()` (or pass it to the `Firefly` call directly)."]),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    let builder = types
        .1
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "builder" => module.content.as_mut(),
            _ => None,
        })
        .ok_or("the generated types have no `builder` module")?;
    for item in builder.1.iter_mut() {
        if let syn::Item::Struct(structure) = item
            && !structure.attrs.iter().any(|a| a.path().is_ident("doc"))
        {
            let text = format!(
                " Builds a [`{0}`](super::{0}) field by field; start with `{0}::builder()`.",
                structure.ident
            );
            structure.attrs.insert(0, syn::parse_quote!(#[doc = #text]));
        }
    }
    for item in builder.1.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(self_type) = block.self_ty.as_ref() else {
            continue;
        };
        let Some(type_name) = self_type.path.get_ident().map(ToString::to_string) else {
            continue;
        };
        let fields = field_docs.get(&type_name);
        for member in block.items.iter_mut() {
            let syn::ImplItem::Fn(setter) = member else {
                continue;
            };
            if setter.attrs.iter().any(|a| a.path().is_ident("doc")) {
                continue;
            }
            let name = setter.sig.ident.to_string();
            let text = format!(" Sets `{name}`.");
            let mut docs: Vec<syn::Attribute> = vec![syn::parse_quote!(#[doc = #text])];
            if let Some(field) = fields.and_then(|f| f.get(&name)).filter(|d| !d.is_empty()) {
                docs.push(syn::parse_quote!(#[doc = ""]));
                docs.extend(field.iter().cloned());
            }
            docs.append(&mut setter.attrs);
            setter.attrs = docs;
        }
    }
    Ok(())
}
