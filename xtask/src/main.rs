//! Repository tasks, run as `cargo xtask <task>` (or
//! `cargo run --manifest-path xtask/Cargo.toml -- <task>`).
//!
//! Tasks:
//! - `spec import API DIR`: reads Adobe's OpenAPI files for API (`firefly`,
//!   `photoshop`, ...) in DIR and writes `openapi/API/API.yaml` (see
//!   [`spec`]).
//! - `spec check API DIR`: fails when `openapi/API/API.yaml` is not what
//!   `spec import API DIR` would write.
//! - `spec diff OLD NEW`: prints, as Markdown, what changed for a user of
//!   the API between two OpenAPI 3.0 documents (YAML or JSON), e.g. the
//!   committed `openapi/firefly/firefly.yaml` and a fresh import.
//! - `package-check`: packages every publishable crate and builds the SDK's
//!   tests, examples and benchmarks from its `.crate`, as a registry user gets
//!   them (see [`package_check`]).
//!
//! Relative paths are taken from the repository root, whatever the current
//! directory.

mod package_check;
mod spec;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask spec import API DIR  write openapi/API/API.yaml from Adobe's files in DIR
       cargo xtask spec check API DIR   fail if openapi/API/API.yaml differs from a fresh import
       cargo xtask spec diff OLD NEW print (Markdown) what changed for API users from OLD to NEW
       cargo xtask package-check     package the publishable crates and build them from their .crate files

API is firefly, photoshop, audio-video, indesign or substance3d (each has openapi/API/overlay.yaml).
DIR, OLD and NEW are relative to the repository root, e.g. ../shared/reference/specs/firefly";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = repo_root();
    let result = match args.as_slice() {
        ["spec", "import", api, dir] => {
            spec::Api::named(api).and_then(|api| spec::run_import(&root, api, &root.join(dir)))
        }
        ["spec", "check", api, dir] => {
            spec::Api::named(api).and_then(|api| spec::run_check(&root, api, &root.join(dir)))
        }
        ["spec", "diff", old, new] => spec::run_diff(&root, &root.join(old), &root.join(new)),
        ["package-check"] => package_check::run(&root),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: the parent of this package's directory.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a subdirectory of the repository")
        .to_path_buf()
}
