//! What the unpacked `.crate` files must hold.
//!
//! - `LICENSE-MIT` and `LICENSE-APACHE`, the same as the repository root's;
//! - the README, whose links are absolute (or `#anchors`): crates.io and
//!   docs.rs (where the SDK's README is the crate's front page) cannot follow
//!   a link relative to the repository;
//! - no symlinks: a file that is a symlink in the repository (the emulator's
//!   copy of the spec, the per-crate licenses) ships as a regular file with
//!   the target's content;
//! - every file of the crate's `tests/`, `examples/` and `benches/`
//!   directories (snapshots and test helpers included), so they run from the
//!   `.crate`.

use std::fs;
use std::path::{Path, PathBuf};

use super::workspace::{Crate, Workspace};

const LICENSES: &[&str] = &["LICENSE-MIT", "LICENSE-APACHE"];
/// Directories whose every file must ship.
const SHIPPED_DIRS: &[&str] = &["tests", "examples", "benches"];
/// Files in those directories that are work in progress (see .gitignore).
const UNSHIPPED_SUFFIXES: &[&str] = &[".snap.new", ".pending-snap"];

/// Checks every unpacked crate; returns notes worth printing, or every problem found.
pub fn check(ws: &Workspace, unpacked: &[(&Crate, PathBuf)]) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    for (krate, dir) in unpacked {
        let stem = krate.file_stem();
        let mut problem = |message: String| problems.push(format!("{stem}.crate: {message}"));

        for license in LICENSES {
            match (fs::read(dir.join(license)), fs::read(ws.root.join(license))) {
                (Ok(shipped), Ok(original)) if shipped == original => {}
                (Ok(_), Ok(_)) => problem(format!("{license} differs from the repository's")),
                (Err(_), _) => problem(format!("{license} is missing")),
                (_, Err(e)) => problem(format!("cannot read the repository's {license}: {e}")),
            }
        }

        if let Some(readme) = &krate.readme {
            let shipped = shipped_readme(readme);
            match fs::read_to_string(dir.join(&shipped)) {
                Ok(text) => {
                    for link in relative_links(&text) {
                        problem(format!(
                            "{} links to `{link}`, which does not resolve on crates.io or \
                             docs.rs: use an absolute https:// link",
                            shipped.display()
                        ));
                    }
                }
                Err(e) => problem(format!("cannot read {}: {e}", shipped.display())),
            }
        }

        for relative in files(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))? {
            let packaged = dir.join(&relative);
            let source = krate.dir.join(&relative);
            let packaged_is_link = fs::symlink_metadata(&packaged)
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(false);
            if packaged_is_link {
                problem(format!("{} is a symlink", relative.display()));
                continue;
            }
            let source_is_link = fs::symlink_metadata(&source)
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(false);
            if source_is_link {
                if fs::read(&packaged).ok() == fs::read(&source).ok() {
                    notes.push(format!(
                        "{stem}: {} (a symlink in the repository) ships as a regular file \
                         with its target's content",
                        relative.display()
                    ));
                } else {
                    problem(format!(
                        "{} differs from the file its repository symlink points to",
                        relative.display()
                    ));
                }
            }
        }

        for sub in SHIPPED_DIRS {
            let source_dir = krate.dir.join(sub);
            if !source_dir.is_dir() {
                continue;
            }
            let sources = files(&source_dir)
                .map_err(|e| format!("cannot list {}: {e}", source_dir.display()))?;
            for relative in sources {
                let name = relative.to_string_lossy();
                if UNSHIPPED_SUFFIXES.iter().any(|s| name.ends_with(s)) {
                    continue;
                }
                let relative = Path::new(sub).join(&relative);
                if !dir.join(&relative).is_file() {
                    problem(format!(
                        "{} is missing (add it to `include` in Cargo.toml)",
                        relative.display()
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(notes)
    } else {
        Err(problems.join("\n"))
    }
}

/// Where cargo puts the README in the `.crate`: at the same place, or at the
/// top when the manifest points outside the crate's directory.
fn shipped_readme(readme: &str) -> PathBuf {
    let path = Path::new(readme);
    if path.starts_with("..") || path.is_absolute() {
        path.file_name().map(PathBuf::from).unwrap_or_default()
    } else {
        path.to_path_buf()
    }
}

/// Every file below `dir` (symlinks included, not followed), relative to it, sorted.
fn files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        for entry in fs::read_dir(dir.join(&relative))? {
            let entry = entry?;
            let path = relative.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The link targets in Markdown text that are neither absolute URLs nor
/// `#anchors`; fenced code blocks and code spans are skipped.
fn relative_links(markdown: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        // Outside code spans: the even pieces between backticks.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        // Inline links and images: `](target "title")`.
        let mut rest = prose.as_str();
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let end = after.find(')').unwrap_or(after.len());
            if let Some(target) = after[..end].split_whitespace().next() {
                targets.push(target.trim_matches(['<', '>']).to_owned());
            }
            rest = &after[end..];
        }
        // Reference definitions: `[label]: target`.
        let prose = prose.trim_start();
        if prose.starts_with('[')
            && let Some(colon) = prose.find("]:")
            && let Some(target) = prose[colon + 2..].split_whitespace().next()
        {
            targets.push(target.trim_matches(['<', '>']).to_owned());
        }
        // HTML: `href="target"`, `src="target"`.
        for attribute in ["href=\"", "src=\""] {
            let mut rest = prose;
            while let Some(start) = rest.find(attribute) {
                let after = &rest[start + attribute.len()..];
                let end = after.find('"').unwrap_or(after.len());
                targets.push(after[..end].to_owned());
                rest = &after[end..];
            }
        }
    }
    targets.retain(|target| {
        !(target.starts_with("https://")
            || target.starts_with("http://")
            || target.starts_with("mailto:")
            || target.starts_with('#'))
    });
    targets
}

#[cfg(test)]
mod tests {
    use super::relative_links;

    #[test]
    fn finds_relative_links_outside_code() {
        let text = "\
See [docs](docs/cli.md), [site](https://example.com) and [here](#top).
![logo](img/logo.png \"Logo\") `[not](a-link.md)`
[ref]: ARCHITECTURE.md
<a href=\"LICENSE-MIT\">MIT</a>
```
[code](in-a-fence.md)
```
";
        assert_eq!(
            relative_links(text),
            [
                "docs/cli.md",
                "img/logo.png",
                "ARCHITECTURE.md",
                "LICENSE-MIT"
            ]
        );
    }
}
