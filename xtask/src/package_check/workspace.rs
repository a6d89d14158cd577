//! The workspace as `cargo metadata` describes it, and cargo commands run in it.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::SDK;

/// A publishable workspace crate.
pub struct Crate {
    pub name: String,
    pub version: String,
    /// The directory holding its Cargo.toml.
    pub dir: PathBuf,
    /// The `readme` field, relative to `dir`.
    pub readme: Option<String>,
    /// The workspace crates it depends on by path (any kind of dependency).
    pub path_deps: Vec<String>,
}

impl Crate {
    pub fn file_stem(&self) -> String {
        format!("{}-{}", self.name, self.version)
    }
}

/// What `cargo metadata` says about the workspace.
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    /// Publishable crates, in the order cargo lists them.
    pub crates: Vec<Crate>,
}

impl Workspace {
    /// Reads the workspace's root, target directory and publishable crates.
    pub fn read(root: &Path) -> Result<Workspace, String> {
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

    /// A cargo command run in `dir` with the workspace's target directory.
    fn cargo_command(&self, dir: &Path, args: &[&str]) -> Command {
        let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(program);
        command
            .args(args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &self.target_dir);
        command
    }

    /// Runs cargo in `dir`; an error says which command failed.
    pub fn cargo(&self, dir: &Path, args: &[&str]) -> Result<(), String> {
        let status = self
            .cargo_command(dir, args)
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

    /// Runs cargo in `dir` and returns what it printed on stdout.
    pub fn cargo_output(&self, dir: &Path, args: &[&str]) -> Result<String, String> {
        let output = self
            .cargo_command(dir, args)
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

    /// Where the `.crate` files are unpacked: outside the workspace (cargo would
    /// take a crate unpacked under its root for an undeclared member, and
    /// `workspace.exclude` cannot help while the root package is a member), at a
    /// path fixed for a given target directory so that build outputs are
    /// replaced rather than piled up from one run to the next.
    pub fn unpack_dir(&self) -> PathBuf {
        let mut hasher = DefaultHasher::new();
        self.target_dir.hash(&mut hasher);
        std::env::temp_dir().join(format!(
            "adobe-firefly-package-check-{:016x}",
            hasher.finish()
        ))
    }

    /// The workspace crates `krate` needs, directly or through each other.
    pub fn siblings_of(&self, krate: &Crate) -> Vec<String> {
        let mut needed: Vec<String> = Vec::new();
        let mut queue: Vec<&str> = krate.path_deps.iter().map(String::as_str).collect();
        while let Some(name) = queue.pop() {
            if name == krate.name || needed.iter().any(|n| n == name) {
                continue;
            }
            needed.push(name.to_owned());
            if let Some(dep) = self.crates.iter().find(|c| c.name == name) {
                queue.extend(dep.path_deps.iter().map(String::as_str));
            }
        }
        needed.sort();
        needed
    }
}
