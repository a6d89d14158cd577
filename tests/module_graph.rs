//! No module imports from a module that imports it back: the crates'
//! module graphs (from `use crate::..`, `crate::..` paths and `super::..`
//! in code, not in comments) have no cycles. The generated client counts as
//! the `generated` module, with the hand-written types it uses.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

/// Module name (`transport::send`) -> its code, comment lines dropped.
fn modules(root: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            let code = fs::read_to_string(&path).unwrap();
            found.insert(parts.join("::"), without_comments(&code));
        }
    }
    found
}

fn without_comments(code: &str) -> String {
    code.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The identifiers after `prefix` in `code`, each as a `::` path.
fn paths_after<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = String> + 'a {
    code.match_indices(prefix).map(move |(at, _)| {
        code[at + prefix.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect::<String>()
    })
}

/// The module of `path` (`a::b::Item` -> `a::b` if that module exists); a
/// name the crate root re-exports (`crate::Error`) is its module's.
fn module_of(path: &str, known: &BTreeMap<String, String>) -> Option<String> {
    let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let found = (1..=segments.len())
        .rev()
        .map(|n| segments[..n].join("::"))
        .find(|candidate| !candidate.is_empty() && known.contains_key(candidate));
    found.or_else(|| root_reexports(known).get(*segments.first()?).cloned())
}

/// What the crate root re-exports (`pub use error::{ApiError, Error};`):
/// each name, and the module it comes from.
fn root_reexports(known: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let root = known.get("").map(String::as_str).unwrap_or_default();
    let mut names = BTreeMap::new();
    for statement in root.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        // `pub use a::b::{X, Y}` or `pub use a::b::X`: the module is the
        // longest prefix of the path that is one.
        let Some((path, items)) = rest.rsplit_once("::{").or_else(|| rest.rsplit_once("::")) else {
            continue;
        };
        let segments: Vec<&str> = path.split("::").collect();
        let Some(module) = (1..=segments.len())
            .rev()
            .map(|n| segments[..n].join("::"))
            .find(|candidate| known.contains_key(candidate))
        else {
            continue;
        };
        for item in items.split([',', '{', '}', ' ', '\n']) {
            let item = item.trim();
            if !item.is_empty() && item.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                names.insert(item.to_owned(), module.clone());
            }
        }
    }
    names
}

/// Each module's dependencies on other modules of the crate.
fn edges(known: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for (name, code) in known {
        let mut deps = BTreeSet::new();
        for path in paths_after(code, "crate::") {
            deps.extend(module_of(&path, known));
        }
        // `use crate::{a, b::c}`: each name inside the braces.
        for (at, _) in code.match_indices("use crate::{") {
            let inside = &code[at + "use crate::{".len()..];
            let inside = &inside[..inside.find("};").unwrap_or(inside.len())];
            for item in inside.split([',', '{', '}', ' ', '\n']) {
                deps.extend(module_of(item.trim(), known));
            }
        }
        let parent = name.rsplit_once("::").map_or("", |(parent, _)| parent);
        for path in paths_after(code, "super::") {
            let full = if parent.is_empty() {
                path
            } else {
                format!("{parent}::{path}")
            };
            deps.extend(module_of(&full, known));
        }
        // `use super::{a, b::C}`: each name inside the braces, from the parent.
        for (at, _) in code.match_indices("super::{") {
            let inside = &code[at + "super::{".len()..];
            let inside = &inside[..inside.find("};").unwrap_or(inside.len())];
            for item in inside.split([',', '{', '}', ' ', '\n']) {
                let item = item.trim();
                if item.is_empty() || item == "self" {
                    continue;
                }
                let full = if parent.is_empty() {
                    item.to_owned()
                } else {
                    format!("{parent}::{item}")
                };
                deps.extend(module_of(&full, known));
            }
        }
        // A module's children and ancestors are its own parts, not peers.
        deps.retain(|dep| {
            !dep.is_empty()
                && dep != name
                && !dep.starts_with(&format!("{name}::"))
                && !name.starts_with(&format!("{dep}::"))
        });
        graph.insert(name.clone(), deps);
    }
    graph
}

/// The cycles of the graph: every strongly connected set of two or more.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reaches = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut pending = vec![from.to_owned()];
        while let Some(next) = pending.pop() {
            for dep in graph.get(&next).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    pending.push(dep.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|name| (name, reaches(name))).collect();
    let mut found: Vec<Vec<String>> = Vec::new();
    for name in graph.keys() {
        let mut cycle: Vec<String> = graph
            .keys()
            .filter(|other| reach[name].contains(*other) && reach[other].contains(name))
            .cloned()
            .collect();
        cycle.sort();
        if cycle.len() > 1 && !found.contains(&cycle) {
            found.push(cycle);
        }
    }
    found
}

fn assert_acyclic(root: &Path, generated: Option<&str>) {
    let mut known = modules(root);
    if let Some(code) = generated {
        // Where `include!` puts it; its `super::` paths are its own modules.
        known.insert("generated::firefly".into(), without_comments(code));
    }
    let found = cycles(&edges(&known));
    assert!(
        found.is_empty(),
        "{}: modules import each other: {found:?}",
        root.display()
    );
}

#[test]
fn the_sdks_modules_import_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = include_str!(concat!(env!("OUT_DIR"), "/firefly_codegen.rs"));
    assert_acyclic(&root.join("src"), Some(generated));
}

#[test]
fn the_clis_modules_import_one_way() {
    assert_acyclic(&Path::new(env!("CARGO_MANIFEST_DIR")).join("cli/src"), None);
}

#[test]
fn the_emulators_modules_import_one_way() {
    assert_acyclic(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("emulator/src"),
        None,
    );
}

#[test]
fn a_cycle_is_found() {
    let known: BTreeMap<String, String> = [
        ("a".to_owned(), "use crate::b::Thing;".to_owned()),
        ("b".to_owned(), "fn f() { crate::c::g() }".to_owned()),
        ("c".to_owned(), "use crate::{a, d};".to_owned()),
        ("d".to_owned(), "// use crate::a;".to_owned()),
    ]
    .into();
    let known: BTreeMap<String, String> = known
        .into_iter()
        .map(|(k, v)| (k, without_comments(&v)))
        .collect();
    assert_eq!(cycles(&edges(&known)), [["a", "b", "c"]]);
}

#[test]
fn a_cycle_through_a_super_list_is_found() {
    let known: BTreeMap<String, String> = [
        ("p".to_owned(), "mod x; mod y;".to_owned()),
        (
            "p::x".to_owned(),
            "use super::{y::Thing, Other};".to_owned(),
        ),
        ("p::y".to_owned(), "use super::x::f;".to_owned()),
    ]
    .into();
    assert_eq!(cycles(&edges(&known)), [["p::x", "p::y"]]);
}
