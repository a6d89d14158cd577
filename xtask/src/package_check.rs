//! `cargo xtask package-check`: the crates as a registry user gets them.
//!
//! 1. packages every publishable workspace crate (`cargo package --no-verify`;
//!    `publish = false` crates are skipped) and unpacks each `.crate` in a
//!    directory of the system's temporary directory;
//! 2. checks what the `.crate` files hold (see [`contents`]): licenses, READMEs
//!    whose links work off the repository, files that are symlinks in the
//!    repository shipped as real files, every test, example and benchmark file;
//! 3. checks that the SDK's normal dependency tree has no server or CLI crate,
//!    and that the SDK compiles alone, with and without its default features;
//! 4. builds every unpacked crate with its tests, examples and benchmarks
//!    (`cargo check --all-targets`), its sibling crates patched in from their
//!    own unpacked `.crate` files, since they are not on crates.io yet.
//!
//! Every cargo command shares the workspace's target directory, so registry
//! dependencies are compiled once for the workspace and the packaged crates.
//! The first failing step stops the run, and the error names it.

mod contents;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

/// The SDK: the crate whose dependency tree must stay small.
const SDK: &str = "adobe-firefly";
/// Crates that must never be normal (non-dev) dependencies of the SDK.
const NOT_IN_SDK_TREE: &[&str] = &["axum", "clap", "adobe-firefly-emulator"];

/// A publishable workspace crate.
pub struct Crate {
    name: String,
    version: String,
    /// The directory holding its Cargo.toml.
    dir: PathBuf,
    /// The `readme` field, relative to `dir`.
    readme: Option<String>,
    /// The workspace crates it depends on by path (any kind of dependency).
    path_deps: Vec<String>,
}

impl Crate {
    fn file_stem(&self) -> String {
        format!("{}-{}", self.name, self.version)
    }
}

/// What `cargo metadata` says about the workspace.
pub struct Workspace {
    root: PathBuf,
    target_dir: PathBuf,
    /// Publishable crates, in the order cargo lists them.
    crates: Vec<Crate>,
}

pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let ws = step("read the workspace metadata", || metadata(root))?;
    let names: Vec<&str> = ws.crates.iter().map(|c| c.name.as_str()).collect();
    println!("   publishable crates: {}", names.join(", "));

    step("package the publishable crates", || {
        let mut args = vec!["package", "--no-verify", "--allow-dirty"];
        for name in &names {
            args.extend(["-p", name]);
        }
        cargo(&ws, &ws.root, &args)
    })?;
    let unpacked = step("unpack the .crate files", || unpack(&ws))?;
    step("check what the .crate files hold", || {
        for note in contents::check(&ws, &unpacked)? {
            println!("   {note}");
        }
        Ok(())
    })?;

    step(
        &format!("`cargo tree -p {SDK} -e normal` has no server or CLI crate"),
        || {
            sdk_tree_is_lean(&ws, &[])?;
            sdk_tree_is_lean(&ws, &["--all-features"])
        },
    )?;
    step(
        &format!("`cargo check -p {SDK}` (default features)"),
        || cargo(&ws, &ws.root, &["check", "-p", SDK]),
    )?;
    step(
        &format!("`cargo check -p {SDK} --no-default-features`"),
        || {
            cargo(
                &ws,
                &ws.root,
                &["check", "-p", SDK, "--no-default-features"],
            )
        },
    )?;

    for (krate, dir) in &unpacked {
        let title = format!(
            "build {} from its .crate (`cargo check --all-targets`)",
            krate.file_stem()
        );
        step(&title, || {
            let mut args = vec!["check".to_string(), "--all-targets".to_string()];
            for dep in sibling_closure(&ws, krate) {
                let (_, dep_dir) = unpacked
                    .iter()
                    .find(|(c, _)| c.name == dep)
                    .ok_or_else(|| format!("{dep} was not packaged"))?;
                args.push("--config".into());
                args.push(format!(
                    "patch.crates-io.{dep}.path={}",
                    toml_string(&dep_dir.to_string_lossy())
                ));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cargo(&ws, dir, &args)
        })?;
    }
    // Only a successful run cleans up: after a failure the unpacked crates are
    // there to look at.
    let _ = std::fs::remove_dir_all(unpack_dir(&ws));
    println!(
        "package-check: all steps passed in {:.0?}",
        started.elapsed()
    );
    Ok(())
}

/// Runs one named step, printing its name and duration; an error names the step.
fn step<T>(name: &str, body: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    println!("== package-check: {name}");
    let started = Instant::now();
    match body() {
        Ok(value) => {
            println!("   ok ({:.1?})", started.elapsed());
            Ok(value)
        }
        Err(message) => Err(format!("package-check failed at step `{name}`:\n{message}")),
    }
}

/// A cargo command run in `dir` with the workspace's target directory.
fn cargo_command(ws: &Workspace, dir: &Path, args: &[&str]) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &ws.target_dir);
    command
}

fn cargo(ws: &Workspace, dir: &Path, args: &[&str]) -> Result<(), String> {
    let status = cargo_command(ws, dir, args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo {}` in {} exited with {status}",
            args.join(" "),
            dir.display()
        ))
    }
}

fn cargo_output(ws: &Workspace, dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = cargo_command(ws, dir, args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo {}` exited with {}",
            args.join(" "),
            output.status
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("`cargo {}`: {e}", args.join(" ")))
}

fn metadata(root: &Path) -> Result<Workspace, String> {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(program)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("`cargo metadata` exited with {}", output.status));
    }
    let meta: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cannot read cargo metadata's output: {e}"))?;
    let text = |value: &Value, key: &str| -> Result<String, String> {
        value[key]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("cargo metadata has no `{key}`"))
    };
    let packages = meta["packages"]
        .as_array()
        .ok_or("cargo metadata has no `packages`")?;
    let mut crates = Vec::new();
    for package in packages {
        // `publish = false` is an empty list of registries.
        if package["publish"].as_array().is_some_and(Vec::is_empty) {
            continue;
        }
        let manifest = PathBuf::from(text(package, "manifest_path")?);
        let path_deps = package["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|dep| dep["path"].is_string())
            .filter_map(|dep| dep["name"].as_str().map(str::to_owned))
            .collect();
        crates.push(Crate {
            name: text(package, "name")?,
            version: text(package, "version")?,
            dir: manifest
                .parent()
                .ok_or("a manifest path without a parent")?
                .into(),
            readme: package["readme"].as_str().map(str::to_owned),
            path_deps,
        });
    }
    if !crates.iter().any(|c| c.name == SDK) {
        return Err(format!("the workspace has no publishable `{SDK}` crate"));
    }
    Ok(Workspace {
        root: text(&meta, "workspace_root")?.into(),
        target_dir: text(&meta, "target_directory")?.into(),
        crates,
    })
}

/// Unpacks every `.crate` into [`unpack_dir`], with fresh modification times
/// (cargo stores a fixed old one, which would make cargo take stale build
/// outputs for up to date).
fn unpack(ws: &Workspace) -> Result<Vec<(&Crate, PathBuf)>, String> {
    let out = unpack_dir(ws);
    if out.exists() {
        std::fs::remove_dir_all(&out)
            .map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut unpacked = Vec::new();
    for krate in &ws.crates {
        let file = ws
            .target_dir
            .join("package")
            .join(format!("{}.crate", krate.file_stem()));
        if !file.is_file() {
            return Err(format!("cargo package did not write {}", file.display()));
        }
        let status = Command::new("tar")
            .arg("-xzmf")
            .arg(&file)
            .arg("-C")
            .arg(&out)
            .status()
            .map_err(|e| format!("cannot run tar: {e}"))?;
        if !status.success() {
            return Err(format!(
                "`tar -xzmf {}` exited with {status}",
                file.display()
            ));
        }
        let dir = out.join(krate.file_stem());
        if !dir.join("Cargo.toml").is_file() {
            return Err(format!("{} has no Cargo.toml", file.display()));
        }
        unpacked.push((krate, dir));
    }
    Ok(unpacked)
}

/// Where the `.crate` files are unpacked: outside the workspace (cargo would
/// take a crate unpacked under its root for an undeclared member, and
/// `workspace.exclude` cannot help while the root package is a member), at a
/// path fixed for a given target directory so that build outputs are
/// replaced rather than piled up from one run to the next.
fn unpack_dir(ws: &Workspace) -> PathBuf {
    let mut hasher = DefaultHasher::new();
    ws.target_dir.hash(&mut hasher);
    std::env::temp_dir().join(format!(
        "adobe-firefly-package-check-{:016x}",
        hasher.finish()
    ))
}

/// The workspace crates `krate` needs, directly or through each other.
fn sibling_closure(ws: &Workspace, krate: &Crate) -> Vec<String> {
    let mut needed: Vec<String> = Vec::new();
    let mut queue: Vec<&str> = krate.path_deps.iter().map(String::as_str).collect();
    while let Some(name) = queue.pop() {
        if name == krate.name || needed.iter().any(|n| n == name) {
            continue;
        }
        needed.push(name.to_owned());
        if let Some(dep) = ws.crates.iter().find(|c| c.name == name) {
            queue.extend(dep.path_deps.iter().map(String::as_str));
        }
    }
    needed.sort();
    needed
}

fn sdk_tree_is_lean(ws: &Workspace, extra: &[&str]) -> Result<(), String> {
    let mut args = vec![
        "tree", "-p", SDK, "-e", "normal", "--prefix", "none", "--format", "{p}",
    ];
    args.extend(extra);
    let tree = cargo_output(ws, &ws.root, &args)?;
    let mut found: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| NOT_IN_SDK_TREE.contains(name))
        .collect();
    found.sort_unstable();
    found.dedup();
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "`cargo {}` lists {}: the SDK must not depend on them",
            args.join(" "),
            found.join(", ")
        ))
    }
}

/// `value` as a TOML basic string.
fn toml_string(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}
