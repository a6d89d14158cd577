//! What the tool prints and saves: text or one JSON document (results and
//! errors), progress only on a terminal, tables, and job outputs under
//! predictable names.

use std::{
    collections::BTreeMap,
    io::IsTerminal,
    path::{Path, PathBuf},
    time::Duration,
};

use adobe_firefly::{Error, Firefly, ImageFormat, types::JobResult, types::JobStatusResponse};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};

use crate::error::CliError;

/// Where results go: text for people, or one JSON document for programs.
pub struct Output {
    pub json: bool,
    show_progress: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self {
            json,
            show_progress: !json && std::io::stdout().is_terminal(),
        }
    }

    /// The final result of a command.
    pub fn done(&self, text: impl AsRef<str>, document: Value) {
        if self.json {
            println!("{document}");
        } else if !text.as_ref().is_empty() {
            println!("{}", text.as_ref());
        }
    }

    /// A failed command: the error on stderr, and as JSON on stdout with
    /// `--json` so scripts can read it.
    pub fn error(&self, error: &CliError) {
        eprintln!("error: {error}");
        if self.json {
            println!("{}", error.json());
        }
    }

    /// A progress bar target: drawn on a terminal, hidden otherwise.
    pub fn draw_target(&self) -> ProgressDrawTarget {
        if self.show_progress {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        }
    }

    /// A spinner for one job.
    pub fn spinner(&self, job_id: &str) -> ProgressBar {
        let spinner = ProgressBar::with_draw_target(None, self.draw_target());
        spinner.set_style(
            ProgressStyle::with_template("{spinner} {prefix} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.set_prefix(job_id.to_owned());
        spinner.set_message("submitted");
        spinner.enable_steady_tick(Duration::from_millis(120));
        spinner
    }
}

/// An SDK error as JSON, with what Adobe said about it.
pub fn error_json(error: &Error) -> Value {
    json!({"error": {
        "message": error.to_string(),
        "status": error.status(),
        "error_code": error.error_code(),
        "request_id": error.request_id(),
        "job_id": error.job_id(),
    }})
}

/// A job's state as Firefly named it, or `unknown` when the answer had none.
pub fn status_word(status: &JobStatusResponse) -> &str {
    status.status.as_ref().map_or("unknown", |s| s.as_str())
}

/// A job's state for a progress line: `running 40%`.
pub fn describe(status: &JobStatusResponse) -> String {
    match status.progress {
        Some(progress) => format!("{} {progress:.0}%", status_word(status)),
        None => status_word(status).to_owned(),
    }
}

/// A file-name-safe, short form of a prompt.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 48 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "output".into()
    } else {
        slug
    }
}

/// One saved output.
#[derive(Debug)]
pub struct Saved {
    pub path: PathBuf,
    pub seed: Option<i64>,
    pub bytes: u64,
}

impl Saved {
    pub fn line(&self) -> String {
        match self.seed {
            Some(seed) => format!("{} (seed {seed})", self.path.display()),
            None => self.path.display().to_string(),
        }
    }

    pub fn json(&self) -> Value {
        json!({"path": self.path, "seed": self.seed, "bytes": self.bytes})
    }
}

/// An output that was paid for but is not on disk: where it can still be
/// fetched, and why saving failed.
#[derive(Debug)]
pub struct Unsaved {
    pub seed: i64,
    pub url: Option<String>,
    pub reason: String,
}

impl Unsaved {
    pub fn json(&self) -> Value {
        json!({"seed": self.seed, "url": self.url, "reason": self.reason})
    }
}

/// What became of a job's outputs.
#[derive(Debug, Default)]
pub struct SaveReport {
    pub saved: Vec<Saved>,
    pub unsaved: Vec<Unsaved>,
}

/// Saves every output of a job as `<dir>/<stem>-<n>.<ext>` (n from 1), the
/// extension from the file's own signature. Never replaces a file: a taken
/// name gets a suffix. Outputs in `kept` (saved by an earlier run, by
/// index) are kept as they are; `on_saved` hears of each new file's name
/// just before the file appears. Every
/// output it cannot save is reported with its URL, so paid work is never
/// lost silently.
pub async fn save_outputs(
    firefly: &Firefly,
    result: &JobResult,
    dir: &Path,
    stem: &str,
    kept: &BTreeMap<usize, PathBuf>,
    mut on_saved: impl FnMut(usize, &Path),
) -> SaveReport {
    let mut report = SaveReport::default();
    let created = tokio::fs::create_dir_all(dir).await;
    for (i, output) in result.outputs.iter().enumerate() {
        let url = output
            .image
            .as_ref()
            .and_then(|file| file.url.as_deref())
            .or(output.video.as_ref().map(|file| file.url.as_str()));
        let unsaved = |reason: String| Unsaved {
            seed: output.seed,
            url: url.map(str::to_owned),
            reason,
        };
        if let Err(error) = &created {
            report
                .unsaved
                .push(unsaved(format!("cannot create {}: {error}", dir.display())));
            continue;
        }
        let Some(url) = url else {
            report
                .unsaved
                .push(unsaved("Firefly gave no URL for it".into()));
            continue;
        };
        if let Some(path) = kept.get(&i).filter(|path| path.exists()) {
            report.saved.push(Saved {
                path: path.clone(),
                seed: Some(output.seed),
                bytes: 0,
            });
            continue;
        }
        let prefix = format!("{stem}-{}", i + 1);
        let download = dir.join(format!("{prefix}.download"));
        match save_one(firefly, url, &download, dir, &prefix, |path| {
            on_saved(i, path)
        })
        .await
        {
            Ok((path, bytes)) => {
                report.saved.push(Saved {
                    path,
                    seed: Some(output.seed),
                    bytes,
                });
            }
            Err(reason) => {
                let _ = tokio::fs::remove_file(&download).await;
                report.unsaved.push(unsaved(reason));
            }
        }
    }
    report
}

/// Downloads one output and moves it to a free name; the reason on failure.
async fn save_one(
    firefly: &Firefly,
    url: &str,
    download: &Path,
    dir: &Path,
    prefix: &str,
    before_rename: impl FnOnce(&Path),
) -> Result<(PathBuf, u64), String> {
    let bytes = firefly
        .download_to_file(url, download)
        .await
        .map_err(|e| e.to_string())?;
    let extension = extension_of(download).await;
    let mut path = dir.join(format!("{prefix}.{extension}"));
    let mut n = 2;
    // Never replace a file: take the next free name instead.
    while tokio::fs::try_exists(&path).await.unwrap_or(true) {
        path = dir.join(format!("{prefix}-{n}.{extension}"));
        n += 1;
    }
    // Recorded before the file appears: a run killed in between finds the
    // name recorded but no file, and fetches it again under that name,
    // instead of finding a file it does not know and saving a second copy.
    before_rename(&path);
    tokio::fs::rename(download, &path)
        .await
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok((path, bytes))
}

async fn extension_of(path: &Path) -> &'static str {
    let mut head = [0u8; 16];
    let read = match tokio::fs::File::open(path).await {
        Ok(mut file) => tokio::io::AsyncReadExt::read(&mut file, &mut head)
            .await
            .unwrap_or(0),
        Err(_) => 0,
    };
    let head = &head[..read];
    match ImageFormat::detect(head) {
        Some(ImageFormat::Png) => "png",
        Some(ImageFormat::Jpeg) => "jpg",
        Some(ImageFormat::Webp) => "webp",
        _ if head.get(4..8) == Some(b"ftyp") => "mp4",
        _ => "bin",
    }
}

/// A plain text table with a header row.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(
        rows.iter()
            .map(|row| line(row.iter().map(String::as_str).collect())),
    );
    out.join("\n")
}

/// `23h 59m`, `5m 3s`, `42s`.
pub fn duration(span: Duration) -> String {
    let secs = span.as_secs();
    match (secs / 3600, (secs % 3600) / 60, secs % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, m, _) => format!("{h}h {m}m"),
    }
}
