//! What the CLI tests share: running the `firefly` binary against an
//! emulator, and reading what it printed and saved.
#![allow(dead_code)]

use std::{
    path::Path,
    process::{Command, Output},
};

use adobe_firefly_emulator::Emulator;
use serde_json::Value;

/// A fresh, empty directory for one test, under an unpredictable name,
/// removed with everything in it when dropped.
pub struct Scratch(tempfile::TempDir);

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.path().as_os_str()
    }
}

/// A fresh, empty directory for one test (see [`Scratch`]).
pub fn scratch(name: &str) -> Scratch {
    Scratch(
        tempfile::Builder::new()
            .prefix(&format!("firefly-cli-{name}-"))
            .tempdir()
            .unwrap(),
    )
}

/// `firefly` with the emulator's variables and fast polling.
pub fn firefly(emulator: &Emulator) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_firefly"));
    for (name, _) in std::env::vars() {
        if name.starts_with("FIREFLY_") {
            command.env_remove(name);
        }
    }
    // Small images keep the tests fast; Adobe's size lists would refuse them.
    command
        .envs(emulator.env_vars())
        .env("FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES", "1")
        .env("FIREFLY_POLL_MS", "20");
    command
}

/// Runs a command without blocking the runtime the emulator serves on.
pub async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

/// The visible files of a folder (the batch journal is a dotfile).
pub fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// The saved images of a folder (a batch folder also holds `index.html`).
pub fn images(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|name| [".png", ".jpg", ".webp"].iter().any(|x| name.ends_with(x)))
        .collect()
}

/// The image generations (`POST /v3/images/generate-async`) the emulator
/// received: what a run paid for.
pub fn submissions(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v3/images/generate-async")
        .count()
}
