//! Files the emulator keeps: the sizes of uploaded images, and outputs in
//! its own storage under signed names that expire: Firefly's, rendered on
//! their first download, and files already made (Photoshop's outputs
//! hosted for a while).

use std::{
    collections::{HashMap, VecDeque},
    sync::Arc,
    time::{Duration, SystemTime},
};

use tokio::time::Instant;

use super::{Store, new_uuid};
use crate::image;

/// How many uploads the emulator remembers the size of; the oldest are
/// forgotten first. Adobe keeps uploads for 7 days; a test server needs
/// far fewer, and this bounds its memory.
const REMEMBERED_UPLOADS: usize = 10_000;

/// Uploads and stored outputs.
#[derive(Default)]
pub(super) struct Files {
    uploads: Uploads,
    outputs: HashMap<String, StoredOutput>,
}

/// The sizes of the images uploaded so far, by upload id; `None` for an
/// upload whose header gives no size the emulator can read (the upload
/// endpoint checks only the first bytes, so such uploads exist).
#[derive(Default)]
struct Uploads {
    sizes: HashMap<String, Option<(u32, u32)>>,
    /// The ids from oldest to newest, to forget the oldest first.
    order: VecDeque<String>,
}

impl Uploads {
    /// Remembers an upload, forgetting the oldest beyond the bound.
    fn remember(&mut self, id: String, size: Option<(u32, u32)>) {
        while self.order.len() >= REMEMBERED_UPLOADS {
            if let Some(oldest) = self.order.pop_front() {
                self.sizes.remove(&oldest);
            }
        }
        self.order.push_back(id.clone());
        self.sizes.insert(id, size);
    }

    /// `None` for an id never uploaded (or forgotten); `Some(None)` for an
    /// upload of unknown size.
    fn get(&self, id: &str) -> Option<Option<(u32, u32)>> {
        self.sizes.get(id).copied()
    }
}

/// What the store knows of an upload's size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UploadSize {
    /// Its header gives this width and height.
    Known(u32, u32),
    /// Its header gives no size the emulator can read.
    Unreadable,
    /// No upload has this id (or it was forgotten).
    Unknown,
}

/// What an output is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum OutputKind {
    Image,
    Video,
}

impl OutputKind {
    /// The extension of its file name.
    fn extension(self) -> &'static str {
        match self {
            OutputKind::Image => "png",
            OutputKind::Video => "mp4",
        }
    }
}

/// The size of a result's outputs, and the longest side their PNGs are
/// rendered at (larger sizes are scaled down, keeping the aspect ratio).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OutputSize {
    pub(crate) size: (u32, u32),
    pub(crate) render_side: u32,
}

/// An output in the emulator's storage.
struct StoredOutput {
    made: Made,
    expires_at: Instant,
    /// Its bytes, once made.
    content: Option<Arc<[u8]>>,
}

/// How a stored output came to be.
enum Made {
    /// A stand-in rendered on its first download (Firefly's outputs).
    Rendered {
        kind: OutputKind,
        /// What it depends on: the prompt, else the input image.
        key: String,
        seed: i64,
        size: OutputSize,
    },
    /// A file made whole before it was stored, of this media type and,
    /// for an image whose header says so, this size.
    Given {
        media_type: &'static str,
        size: Option<(u32, u32)>,
    },
}

/// An output just stored: its file name, the signature its URL carries,
/// and when that URL expires (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SignedFile {
    pub(crate) name: String,
    pub(crate) signature: String,
    pub(crate) expires_unix: u64,
}

/// Why a stored output is not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileRefusal {
    /// The signature is missing or is not the file's.
    Unsigned,
    /// No file has that name.
    Missing,
    /// Its URL has expired.
    Expired,
}

/// What a stored output is, for a job that takes it as its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutputInfo {
    /// An image of this size (the size its result says it has).
    Image((u32, u32)),
    Video,
    /// Another file, or an image whose size its header does not give.
    Other,
}

/// A stored output's content.
#[derive(Clone, Debug)]
pub(crate) struct Download {
    /// Its media type, such as `image/png`.
    pub(crate) media_type: &'static str,
    pub(crate) content: Arc<[u8]>,
}

impl Files {
    /// The output `name`, if `signature` is the one its URL was signed
    /// with and the URL has not expired.
    fn signed(
        &mut self,
        name: &str,
        signature: Option<&str>,
    ) -> Result<&mut StoredOutput, FileRefusal> {
        // Names are `<id>-<signature>.<extension>`.
        let signed = signature.is_some_and(|signature| {
            name.rsplit_once('.')
                .is_some_and(|(stem, _)| stem.ends_with(&format!("-{signature}")))
        });
        if !signed {
            return Err(FileRefusal::Unsigned);
        }
        let output = self.outputs.get_mut(name).ok_or(FileRefusal::Missing)?;
        if Instant::now() >= output.expires_at {
            return Err(FileRefusal::Expired);
        }
        Ok(output)
    }
}

impl Store {
    /// Remembers an upload of this size (from its header); its id.
    pub(crate) fn remember_upload(&self, size: Option<(u32, u32)>) -> String {
        let id = new_uuid();
        self.lock().files.uploads.remember(id.clone(), size);
        id
    }

    /// The size of the upload `id`.
    pub(crate) fn upload_size(&self, id: &str) -> UploadSize {
        match self.lock().files.uploads.get(id) {
            Some(Some((width, height))) => UploadSize::Known(width, height),
            Some(None) => UploadSize::Unreadable,
            None => UploadSize::Unknown,
        }
    }

    /// Stores one output of this kind and size per seed, depending on
    /// `key` (the same key, seed and size always name the same content),
    /// each under a name of its own signed with a random signature; their
    /// URLs expire after the configured `url_lifetime`.
    pub(crate) fn store_outputs(
        &self,
        kind: OutputKind,
        key: &str,
        seeds: &[i64],
        size: OutputSize,
    ) -> Vec<SignedFile> {
        let lifetime = self.settings.url_lifetime;
        let (expires_at, expires_unix) = expiry(lifetime);
        let (width, height) = size.size;
        let mut data = self.lock();
        seeds
            .iter()
            .map(|&seed| {
                let id = image::fnv1a(&[
                    key.as_bytes(),
                    &seed.to_le_bytes(),
                    &width.to_le_bytes(),
                    &height.to_le_bytes(),
                ]);
                let signature = format!("{:016x}", fastrand::u64(..));
                let name = format!("{id:016x}-{signature}.{}", kind.extension());
                data.files.outputs.insert(
                    name.clone(),
                    StoredOutput {
                        made: Made::Rendered {
                            kind,
                            key: key.to_owned(),
                            seed,
                            size,
                        },
                        expires_at,
                        content: None,
                    },
                );
                SignedFile {
                    name,
                    signature,
                    expires_unix,
                }
            })
            .collect()
    }

    /// Stores a file already made, of this media type, whose name ends
    /// with `extension`, for `lifetime` (a Photoshop output hosted for its
    /// `validityPeriod`); the size is an image's, from its header.
    pub(crate) fn store_file(
        &self,
        content: Vec<u8>,
        media_type: &'static str,
        extension: &str,
        size: Option<(u32, u32)>,
        lifetime: Duration,
    ) -> SignedFile {
        let (expires_at, expires_unix) = expiry(lifetime);
        let id = image::fnv1a(&[&content]);
        let signature = format!("{:016x}", fastrand::u64(..));
        let name = format!("{id:016x}-{signature}.{extension}");
        self.lock().files.outputs.insert(
            name.clone(),
            StoredOutput {
                made: Made::Given { media_type, size },
                expires_at,
                content: Some(content.into()),
            },
        );
        SignedFile {
            name,
            signature,
            expires_unix,
        }
    }

    /// What the output `name` is, if its URL is signed with `signature`
    /// and has not expired.
    pub(crate) fn output_info(
        &self,
        name: &str,
        signature: Option<&str>,
    ) -> Result<OutputInfo, FileRefusal> {
        let mut data = self.lock();
        let output = data.files.signed(name, signature)?;
        Ok(match &output.made {
            Made::Rendered {
                kind: OutputKind::Image,
                size,
                ..
            } => OutputInfo::Image(size.size),
            Made::Rendered {
                kind: OutputKind::Video,
                ..
            } => OutputInfo::Video,
            Made::Given {
                media_type,
                size: Some(size),
            } if media_type.starts_with("image/") => OutputInfo::Image(*size),
            Made::Given { .. } => OutputInfo::Other,
        })
    }

    /// The content of the output `name`, if its URL is signed with
    /// `signature` and has not expired; rendered on the first download,
    /// so outputs nobody downloads cost nothing.
    pub(crate) fn download(
        &self,
        name: &str,
        signature: Option<&str>,
    ) -> Result<Download, FileRefusal> {
        let mut data = self.lock();
        let StoredOutput { made, content, .. } = data.files.signed(name, signature)?;
        let content = content
            .get_or_insert_with(|| match made {
                Made::Rendered {
                    kind: OutputKind::Image,
                    key,
                    seed,
                    size,
                } => {
                    let (width, height) =
                        image::rendered_size(size.size.0, size.size.1, size.render_side);
                    image::render_png(key, *seed, width, height).into()
                }
                Made::Rendered {
                    kind: OutputKind::Video,
                    key,
                    seed,
                    ..
                } => image::stand_in_mp4(key, *seed).into(),
                // Stored with its content, which is never taken out.
                Made::Given { .. } => Arc::from(Vec::new()),
            })
            .clone();
        let media_type = match made {
            Made::Rendered {
                kind: OutputKind::Image,
                ..
            } => "image/png",
            Made::Rendered {
                kind: OutputKind::Video,
                ..
            } => "video/mp4",
            Made::Given { media_type, .. } => media_type,
        };
        Ok(Download {
            media_type,
            content,
        })
    }
}

/// When a URL valid for `lifetime` from now expires: as an instant, and
/// in Unix seconds (as its query says).
fn expiry(lifetime: Duration) -> (Instant, u64) {
    let expires_unix = (SystemTime::now() + lifetime)
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    (Instant::now() + lifetime, expires_unix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_uploads_are_forgotten_first() {
        let mut uploads = Uploads::default();
        for n in 0..REMEMBERED_UPLOADS + 2 {
            uploads.remember(format!("upload-{n}"), Some((1, 1)));
        }
        assert_eq!(uploads.get("upload-0"), None);
        assert_eq!(uploads.get("upload-1"), None);
        assert_eq!(uploads.get("upload-2"), Some(Some((1, 1))));
        assert_eq!(uploads.sizes.len(), REMEMBERED_UPLOADS);
        uploads.remember("unreadable".into(), None);
        assert_eq!(uploads.get("unreadable"), Some(None));
    }
}
