//! `cargo xtask package-check`: the crates as a registry user gets them.
//!
//! 1. packages every publishable workspace crate (`cargo package --no-verify`;
//!    `publish = false` crates are skipped) and unpacks each `.crate` in a
//!    directory of the system's temporary directory;
//! 2. checks what the `.crate` files hold (see [`contents`]): licenses, READMEs
//!    whose links work off the repository, files that are symlinks in the
//!    repository shipped as real files, every test, example and benchmark file;
//! 3. checks that the SDK's normal dependency tree has no server or CLI crate,
//!    and that the SDK compiles alone, with and without its default features
//!    and with its `redis` feature;
//! 4. builds every unpacked crate with its tests, examples and benchmarks
//!    (`cargo check --all-targets`), its sibling crates patched in from their
//!    own unpacked `.crate` files, since they are not on crates.io yet.
//!
//! Every cargo command shares the workspace's target directory, so registry
//! dependencies are compiled once for the workspace and the packaged crates.
//! The first failing step stops the run, and the error names it.

mod contents;
mod workspace;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use workspace::{Crate, Workspace};

/// The SDK: the crate whose dependency tree must stay small.
const SDK: &str = "adobe-firefly";
/// Crates that must never be normal (non-dev) dependencies of the SDK.
const NOT_IN_SDK_TREE: &[&str] = &["axum", "clap", "adobe-firefly-emulator"];

pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let ws = step("read the workspace metadata", || Workspace::read(root))?;
    let names: Vec<&str> = ws.crates.iter().map(|c| c.name.as_str()).collect();
    println!("   publishable crates: {}", names.join(", "));

    step("package the publishable crates", || {
        let mut args = vec!["package", "--no-verify", "--allow-dirty"];
        for name in &names {
            args.extend(["-p", name]);
        }
        ws.cargo(&ws.root, &args)
    })?;
    let unpacked = step("unpack the .crate files", || unpack(&ws))?;
    step("check what the .crate files hold", || {
        for note in contents::check(&ws, &unpacked)? {
            println!("   {note}");
        }
        Ok(())
    })?;

    step(
        &format!(
            "{SDK}'s normal dependencies have none of {}",
            NOT_IN_SDK_TREE.join(", ")
        ),
        || {
            sdk_tree_is_lean(&ws, &[])?;
            sdk_tree_is_lean(&ws, &["--all-features"])
        },
    )?;
    step(
        &format!("`cargo check -p {SDK}` (default features)"),
        || ws.cargo(&ws.root, &["check", "-p", SDK]),
    )?;
    step(
        &format!("`cargo check -p {SDK} --no-default-features`"),
        || ws.cargo(&ws.root, &["check", "-p", SDK, "--no-default-features"]),
    )?;
    step(
        &format!("`cargo check -p {SDK} --features redis` (the fleet)"),
        || ws.cargo(&ws.root, &["check", "-p", SDK, "--features", "redis"]),
    )?;

    for (krate, dir) in &unpacked {
        let title = format!(
            "build {} from its .crate (`cargo check --all-targets`)",
            krate.file_stem()
        );
        step(&title, || {
            let mut args = vec!["check".to_string(), "--all-targets".to_string()];
            for dep in ws.siblings_of(krate) {
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
            ws.cargo(dir, &args)
        })?;
    }
    // Only a successful run cleans up: after a failure the unpacked crates are
    // there to look at.
    let _ = std::fs::remove_dir_all(ws.unpack_dir());
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
        Err(message) => Err(format!(
            "package-check failed at step \"{name}\":\n{message}"
        )),
    }
}

/// Unpacks every `.crate` into [`Workspace::unpack_dir`], with fresh modification times
/// (cargo stores a fixed old one, which would make cargo take stale build
/// outputs for up to date).
fn unpack(ws: &Workspace) -> Result<Vec<(&Crate, PathBuf)>, String> {
    let out = ws.unpack_dir();
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

fn sdk_tree_is_lean(ws: &Workspace, extra: &[&str]) -> Result<(), String> {
    let mut args = vec![
        "tree", "-p", SDK, "-e", "normal", "--prefix", "none", "--format", "{p}",
    ];
    args.extend(extra);
    let tree = ws.cargo_output(&ws.root, &args)?;
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
            "`cargo {}` lists {}, which the SDK must not depend on",
            args.join(" "),
            found.join(", ")
        ))
    }
}

/// `value` as a TOML basic string.
fn toml_string(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}
