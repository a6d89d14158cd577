//! What the examples share: a client (Adobe's when credentials are in the
//! environment, otherwise a local emulator's), a folder for the files they
//! save, input images drawn in code, and saving a job's outputs.
//!
//! Each example includes this file with `mod common;`. Cargo builds only
//! `examples/*.rs` and `examples/*/main.rs` as examples, so this folder is
//! not an example of its own.

// Each example uses only some of these helpers.
#![allow(dead_code)]

#[cfg(feature = "indesign")]
pub mod indesign;
#[cfg(feature = "photoshop")]
pub mod photoshop;
#[cfg(feature = "substance3d")]
pub mod substance3d;

#[cfg(feature = "audio-video")]
pub mod audio_video;

use std::{
    collections::HashMap,
    io::ErrorKind,
    path::{Path, PathBuf},
    process::ExitCode,
};

use adobe_firefly::{Firefly, FireflyBuilder, config::env, types::JobResult};
use adobe_firefly_emulator::Emulator;
use tempfile::TempDir;
use tokio::io::AsyncWriteExt;

/// What an example's `run` returns: any error, shown by [`finish`].
pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The name the example was started with (`cargo run --example NAME`).
const EXAMPLE: &str = env!("CARGO_CRATE_NAME");

/// A client and the folder where the example saves what it makes.
pub struct Example {
    /// The Firefly client.
    pub firefly: Firefly,
    /// Where outputs are saved: the folder named on the command line, or a
    /// temporary one.
    pub folder: PathBuf,
    /// The local emulator, when no credentials are set; it stops when
    /// dropped, so it lives as long as the client that talks to it.
    _emulator: Option<Emulator>,
    /// The temporary output folder, deleted when dropped.
    _temporary: Option<TempDir>,
}

impl Example {
    /// Starts an example: a client from [`connect`], and the folder given
    /// as the first argument for outputs, or a temporary folder.
    pub async fn start() -> Result<Self> {
        let (firefly, emulator) = connect().await?;
        let (folder, temporary) = match std::env::args_os().nth(1) {
            Some(folder) => {
                let folder = PathBuf::from(folder);
                tokio::fs::create_dir_all(&folder)
                    .await
                    .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
                println!("saving into {}", folder.display());
                (folder, None)
            }
            None => {
                let temporary = TempDir::with_prefix("firefly-example-")?;
                // Photoshop's examples need their feature to build.
                let features = if EXAMPLE.starts_with("photoshop") {
                    "--features photoshop "
                } else if EXAMPLE.starts_with("substance") {
                    "--features substance3d "
                } else if EXAMPLE.starts_with("audio_") || EXAMPLE == "video_reframe" {
                    "--features audio-video "
                } else {
                    ""
                };
                println!(
                    "saving into {} (deleted at the end; to keep the files: \
                     cargo run {features}--example {EXAMPLE} -- FOLDER)",
                    temporary.path().display()
                );
                (temporary.path().to_owned(), Some(temporary))
            }
        };
        Ok(Self {
            firefly,
            folder,
            _emulator: emulator,
            _temporary: temporary,
        })
    }

    /// Writes `bytes` to a new file `NAME.EXT` in the folder (another name
    /// if that one is taken) and returns its path.
    pub async fn write(&self, name: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf> {
        let (path, mut file) = create_new(&self.folder, name, ext).await?;
        file.write_all(bytes).await?;
        file.flush().await?;
        Ok(path)
    }

    /// Downloads every output of a finished job into the folder as
    /// `NAME-1.EXT`, `NAME-2.EXT`..., never replacing a file already there,
    /// and returns the paths written.
    pub async fn save(&self, result: &JobResult, name: &str) -> Result<Vec<PathBuf>> {
        let urls: Vec<Option<&str>> = result.outputs.iter().map(|output| output.url()).collect();
        self.save_urls(&urls, name).await
    }

    /// Downloads each URL into the folder as `NAME-1.EXT`, `NAME-2.EXT`...
    /// (the extension from the URL's path), never replacing a file already
    /// there, and returns the paths written. `None` is an output the
    /// service gave no URL for: reported, not fatal, since the job was
    /// already paid for.
    pub async fn save_urls(&self, urls: &[Option<&str>], name: &str) -> Result<Vec<PathBuf>> {
        let mut saved = Vec::new();
        for (index, url) in urls.iter().enumerate() {
            let Some(url) = url else {
                println!("output {} has no URL; read the job again", index + 1);
                continue;
            };
            let stem = format!("{name}-{}", index + 1);
            let (path, mut file) = create_new(&self.folder, &stem, extension(url)).await?;
            match self.firefly.download_to_writer(url, &mut file).await {
                Ok(bytes) => {
                    println!("saved {} ({bytes} bytes)", path.display());
                    saved.push(path);
                }
                Err(error) => {
                    // Only a file this call created is removed.
                    drop(file);
                    let _ = tokio::fs::remove_file(&path).await;
                    return Err(error.into());
                }
            }
        }
        Ok(saved)
    }
}

/// A client for Adobe's Firefly when `FIREFLY_SERVICES_CLIENT_ID` is set,
/// otherwise for a local emulator started here, returned with it: the
/// emulator stops when dropped, so keep it as long as the client is used.
pub async fn connect() -> Result<(Firefly, Option<Emulator>)> {
    if std::env::var_os(env::CLIENT_ID).is_some() {
        let firefly = Firefly::from_env()?;
        println!("talking to Adobe Firefly at {}", firefly.api_url());
        return Ok((firefly, None));
    }
    // One `pending` answer, then done: the examples finish in a few seconds
    // and still show a job being polled.
    let emulator = Emulator::builder().polls_until_done(1).start().await?;
    println!(
        "{} is not set: using the local Firefly emulator at {}",
        env::CLIENT_ID,
        emulator.url()
    );
    // The emulator announces itself through Adobe's variable names.
    let vars: HashMap<_, _> = emulator.env_vars().into_iter().collect();
    let firefly = FireflyBuilder::from_env_with(|name| vars.get(name).cloned())?.build()?;
    Ok((firefly, Some(emulator)))
}

/// Creates `STEM.EXT` in `folder`, or `STEM-2.EXT`, `STEM-3.EXT`... when
/// that name is taken: files are opened with `create_new`, so an existing
/// file is never truncated, even one created at the same moment.
async fn create_new(folder: &Path, stem: &str, ext: &str) -> Result<(PathBuf, tokio::fs::File)> {
    let mut attempt = 1;
    loop {
        let name = match attempt {
            1 => format!("{stem}.{ext}"),
            n => format!("{stem}-{n}.{ext}"),
        };
        let path = folder.join(name);
        let opened = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await;
        match opened {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == ErrorKind::AlreadyExists && attempt < 1000 => {
                attempt += 1;
            }
            Err(error) => return Err(format!("cannot create {}: {error}", path.display()).into()),
        }
    }
}

/// The file extension of an output URL's path (`png`, `jpg`, `mp4`), or
/// `bin` when it has none: the query of a pre-signed URL is ignored.
fn extension(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let file = path.rsplit('/').next().unwrap_or_default();
    match file.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric()) => ext,
        _ => "bin",
    }
}

/// Ends an example: prints the error, if any, and exits non-zero with it.
pub fn finish(outcome: Result) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A `width` x `height` RGB PNG whose pixel at `(x, y)` is `pixel(x, y)`.
pub fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Result<Vec<u8>> {
    let mut data = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..height {
        for x in 0..width {
            data.extend(pixel(x, y));
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(out)
}

/// A picture to work on: a diagonal gradient, from blue to orange.
pub fn gradient(width: u32, height: u32) -> Result<Vec<u8>> {
    png(width, height, |x, y| {
        let t = (x + y) * 255 / (width + height).max(1);
        let t = t as u8;
        [t, 96, 255 - t]
    })
}

/// A mask: white (the area to work on) inside the rectangle from
/// `(left, top)` to `(right, bottom)`, black elsewhere.
pub fn mask(width: u32, height: u32, [left, top, right, bottom]: [u32; 4]) -> Result<Vec<u8>> {
    png(width, height, |x, y| {
        let inside = (left..right).contains(&x) && (top..bottom).contains(&y);
        if inside { [255; 3] } else { [0; 3] }
    })
}

/// A `side` x `side` square with a disc of `inside` on `outside`: an
/// object to place in a scene, or (white on black) the mask that cuts it out.
pub fn disc(side: u32, inside: [u8; 3], outside: [u8; 3]) -> Result<Vec<u8>> {
    let centre = i64::from(side) / 2;
    let radius = centre * 7 / 8;
    png(side, side, |x, y| {
        let (dx, dy) = (i64::from(x) - centre, i64::from(y) - centre);
        if dx * dx + dy * dy <= radius * radius {
            inside
        } else {
            outside
        }
    })
}

/// The width and height in a PNG file's header.
pub fn png_size(path: &Path) -> Result<(u32, u32)> {
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let reader = png::Decoder::new(file).read_info()?;
    let info = reader.info();
    Ok((info.width, info.height))
}
