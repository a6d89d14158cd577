//! Saving a job's outputs: downloaded beside their final place, then put
//! under a name of their own (see `naming`), so nothing the user has is
//! replaced unless `--force` asked for it, and every output that cannot be
//! saved is reported with its URL.

use std::{
    collections::BTreeMap,
    io,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

use adobe_firefly::{Firefly, ImageFormat, types::JobResult};
use serde_json::{Value, json};

use crate::naming;

/// Numbers this process's temporary files, so that calls running at once
/// (`firefly mcp`) never share one.
static TEMPORARY_FILES: AtomicU64 = AtomicU64::new(0);

/// One saved output.
#[derive(Debug, Clone)]
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
    /// The output's seed; upscaled images have none.
    pub seed: Option<i64>,
    /// The output's place in the job's result, from 1.
    pub number: usize,
    pub url: Option<String>,
    pub reason: String,
}

impl Unsaved {
    /// `seed 7`, or `output 2` for an output without a seed.
    pub fn which(&self) -> String {
        which_output(self.seed, self.number, ' ')
    }

    pub fn json(&self) -> Value {
        json!({"seed": self.seed, "url": self.url, "reason": self.reason})
    }
}

/// Which output of a job this is, in the words of messages (`seed 7`) and
/// of file names (`seed-7`): its seed, or for an output without one (an
/// upscaled image) its place in the result, from 1 (`output 2`).
fn which_output(seed: Option<i64>, number: usize, separator: char) -> String {
    match seed {
        Some(seed) => format!("seed{separator}{seed}"),
        None => format!("output{separator}{number}"),
    }
}

/// What became of a job's outputs.
#[derive(Debug, Default)]
pub struct SaveReport {
    pub saved: Vec<Saved>,
    pub unsaved: Vec<Unsaved>,
}

/// How the outputs of one request are named.
pub struct Naming<'a> {
    /// The readable start of every name (the prompt's slug, say).
    pub stem: &'a str,
    /// A hash of the whole request, added when the plain name is taken.
    pub request_hash: &'a str,
    /// `--force`: replace a file that has the plain name.
    pub replace: bool,
}

/// One output to download: where it is, and what names and types it.
pub struct Fetch {
    /// Its seed, when it has one (Firefly's images).
    pub seed: Option<i64>,
    /// Its URL; `None` when the service gave none.
    pub url: Option<String>,
    /// Its media type as the service said, for an extension its bytes do
    /// not show (a PSD, a manifest).
    pub media_type: Option<String>,
}

/// Saves every output of a Firefly job in `dir` (see [`save_fetched`]).
pub async fn save_outputs(
    firefly: &Firefly,
    result: &JobResult,
    dir: &Path,
    naming: &Naming<'_>,
    kept: &BTreeMap<usize, PathBuf>,
    on_saved: impl FnMut(usize, &Path, Option<i64>),
) -> SaveReport {
    let fetches: Vec<Fetch> = result
        .outputs
        .iter()
        .map(|output| Fetch {
            seed: output.seed,
            url: output.url().map(str::to_owned),
            media_type: None,
        })
        .collect();
    save_fetched(firefly, &fetches, dir, naming, kept, on_saved).await
}

/// Saves every output in `dir` (see `naming::candidates`), the extension
/// from its media type when given, else from the file's own signature. Outputs in `kept`
/// (saved by an earlier run, by index) are kept as they are; `on_saved`
/// hears of each new file's name (index, path, seed) just before the file
/// appears.
pub async fn save_fetched(
    firefly: &Firefly,
    fetches: &[Fetch],
    dir: &Path,
    naming: &Naming<'_>,
    kept: &BTreeMap<usize, PathBuf>,
    mut on_saved: impl FnMut(usize, &Path, Option<i64>),
) -> SaveReport {
    let mut report = SaveReport::default();
    let created = tokio::fs::create_dir_all(dir).await;
    for (i, output) in fetches.iter().enumerate() {
        let url = output.url.as_deref();
        let unsaved = |reason: String| Unsaved {
            seed: output.seed,
            number: i + 1,
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
                .push(unsaved("the service gave no URL for it".into()));
            continue;
        };
        if let Some(path) = kept.get(&i).filter(|path| path.exists()) {
            report.saved.push(Saved {
                path: path.clone(),
                seed: output.seed,
                bytes: 0,
            });
            continue;
        }
        // A dotfile: never mistaken for a result. Made new under an
        // unpredictable name (see `files`), so no link planted in the folder
        // is written through, and unique even when calls with the same
        // request run at once in one process (`firefly mcp`). The SDK
        // downloads beside it and renames onto it; removed when dropped.
        let reserved = crate::files::temporary_beside(
            &dir.join(format!("{}-{}", naming.request_hash, i + 1)),
            ".download",
        );
        let download = match reserved {
            Ok(file) => file.into_temp_path(),
            Err(error) => {
                report.unsaved.push(unsaved(format!(
                    "cannot write in {}: {error}",
                    dir.display()
                )));
                continue;
            }
        };
        let seed = output.seed;
        let label = which_output(seed, i + 1, '-');
        let target = Target {
            download: &download,
            dir,
            media_type: output.media_type.as_deref(),
        };
        match save_one(firefly, url, &target, naming, &label, |path| {
            on_saved(i, path, seed)
        })
        .await
        {
            Ok((path, bytes)) => report.saved.push(Saved { path, seed, bytes }),
            Err(reason) => {
                let _ = tokio::fs::remove_file(&download).await;
                report.unsaved.push(unsaved(reason));
            }
        }
    }
    report
}

/// Where one download goes: its temporary file, its folder, and the media
/// type the service gave it.
struct Target<'a> {
    download: &'a Path,
    dir: &'a Path,
    media_type: Option<&'a str>,
}

/// Downloads one output and puts it under a free name (or, with `replace`,
/// the plain name); the reason on failure.
async fn save_one(
    firefly: &Firefly,
    url: &str,
    target: &Target<'_>,
    naming: &Naming<'_>,
    label: &str,
    mut before_placing: impl FnMut(&Path),
) -> Result<(PathBuf, u64), String> {
    let (download, dir) = (target.download, target.dir);
    let bytes = firefly
        .download_to_file(url, download)
        .await
        .map_err(|e| e.to_string())?;
    // The type the service named wins (a DNG's bytes read as a TIFF's);
    // otherwise the file's own signature.
    let extension = match target.media_type.map(extension_of_media_type) {
        Some(named) if named != "bin" => named,
        _ => extension_of(download).await,
    };
    for name in naming::candidates(naming.stem, label, naming.request_hash) {
        let path = dir.join(format!("{name}.{extension}"));
        // A name that is taken is never recorded: a rerun would take the
        // file there for this output's.
        if !naming.replace && tokio::fs::symlink_metadata(&path).await.is_ok() {
            continue;
        }
        // Recorded before the file appears: a run killed in between finds the
        // name recorded but no file, and fetches it again under that name,
        // instead of finding a file it does not know and saving a second copy.
        before_placing(&path);
        let placed = if naming.replace {
            tokio::fs::rename(download, &path).await
        } else {
            let (from, to) = (download.to_owned(), path.clone());
            tokio::task::spawn_blocking(move || naming::place_new(&from, &to))
                .await
                .unwrap_or_else(|e| Err(io::Error::other(e)))
        };
        match placed {
            Ok(()) => return Ok((path, bytes)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(format!("cannot write {}: {error}", path.display())),
        }
    }
    Err("no free file name".into())
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
        Some(ImageFormat::Jxl) => "jxl",
        Some(ImageFormat::Tiff) => "tif",
        _ if head.get(4..8) == Some(b"ftyp") => "mp4",
        _ => "bin",
    }
}

/// The extension of a file of `media_type` whose bytes did not show it.
fn extension_of_media_type(media_type: &str) -> &'static str {
    match media_type {
        "image/vnd.adobe.photoshop" => "psd",
        "application/json" => "json",
        "application/rdf+xml" => "xmp",
        "image/x-adobe-dng" => "dng",
        "image/tiff" => "tif",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        // Substance 3D's scenes.
        "model/gltf-binary" => "glb",
        "model/gltf+json" => "gltf",
        "model/vnd.usdz+zip" => "usdz",
        "model/vnd.usda" => "usda",
        "model/vnd.usd" => "usdc",
        "model/obj" => "obj",
        "application/vnd.autodesk.fbx" => "fbx",
        "audio/wav" => "wav",
        "video/mp4" => "mp4",
        "application/x-subrip" => "srt",
        _ => "bin",
    }
}

/// Makes the output folder if needed and checks that a file can be made in
/// it (not a file itself, not read-only), by making and removing one.
pub fn check_folder(dir: &Path) -> io::Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            "it is a file, not a folder",
        ));
    }
    std::fs::create_dir_all(dir)?;
    let probe = dir.join(format!(
        ".firefly-write-check-{}-{}",
        std::process::id(),
        TEMPORARY_FILES.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_is_named_by_its_seed_or_else_its_place() {
        assert_eq!(which_output(Some(7), 1, '-'), "seed-7");
        assert_eq!(which_output(None, 2, '-'), "output-2");
        let unsaved = Unsaved {
            seed: None,
            number: 3,
            url: None,
            reason: String::new(),
        };
        assert_eq!(unsaved.which(), "output 3");
    }

    #[test]
    fn folder_checks_at_once_in_one_process_do_not_trip_over_each_other() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("out");
        std::thread::scope(|scope| {
            let checks: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| (0..200).try_for_each(|_| check_folder(&dir))))
                .collect();
            for check in checks {
                check.join().unwrap().unwrap();
            }
        });
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "no probe is left"
        );
        let file = dir.join("a-file");
        std::fs::write(&file, b"mine").unwrap();
        let refused = check_folder(&file).unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::NotADirectory);
        assert_eq!(std::fs::read(&file).unwrap(), b"mine");
    }
}
