//! Spaces: upload areas that expire, holding the files jobs read
//! (`POST /v1/spaces`). progenitor cannot send `multipart/form-data`, so
//! this request is built here (reqwest's multipart form) and sent through
//! the same transport (credentials, budget, 401 replay) as the generated
//! ones. Files are read whole before anything is sent, each bounded, and
//! only regular files: a directory, FIFO, socket or device is refused
//! unread, with nothing sent.

use std::{
    fs::File,
    io::{self, Read},
    path::{Path, PathBuf},
    time::SystemTime,
};

use bytes::Bytes;
use reqwest::header::ACCEPT;

use super::{Substance3d, types};
use crate::{Error, ValidationError, decode::decode};

const OPERATION: &str = "createSpace";

/// The largest file this SDK puts in a space: 512 MiB. Adobe publishes no
/// limit (it answers 413 past its own); this one keeps a wrong path
/// (a disk image, `/dev/zero`) from being read into memory.
pub const MAX_SPACE_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// A space: an upload area that expires, holding files jobs read by its
/// id. Use [`Space::source`] as one of a request's `sources`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Space {
    /// The space's id.
    pub id: String,
    /// When the space expires, as the service wrote it (RFC 3339).
    pub expiry: String,
    /// The space's URL.
    pub url: String,
    /// The files it holds.
    pub files: Vec<types::SpaceFile>,
}

impl Space {
    /// When the space expires, if the service wrote a UTC time this SDK
    /// reads (`2026-12-05T19:00:00Z`).
    pub fn expires_at(&self) -> Option<SystemTime> {
        humantime::parse_rfc3339_weak(self.expiry.trim()).ok()
    }

    /// Whether the space has expired at `now` (unknown expiry: not
    /// expired, the service decides).
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        self.expires_at().is_some_and(|at| at <= now)
    }

    /// The space as a job's input, mounted at the root of its file tree.
    pub fn source(&self) -> types::MountedSource {
        types::MountedSource {
            space: Some(types::SpaceSource {
                id: self.id.clone(),
            }),
            ..Default::default()
        }
    }

    /// The space as a job's input, mounted at `mount_point`.
    pub fn source_at(&self, mount_point: impl Into<String>) -> types::MountedSource {
        types::MountedSource {
            mount_point: Some(mount_point.into()),
            ..self.source()
        }
    }
}

impl From<types::Space> for Space {
    fn from(space: types::Space) -> Self {
        Self {
            id: space.id,
            expiry: space.expiry,
            url: space.url,
            files: space.files.unwrap_or_default(),
        }
    }
}

impl Substance3d {
    /// Uploads files into a new space, each under its file name. Every file
    /// is read (regular files only, at most [`MAX_SPACE_FILE_BYTES`]) before
    /// anything is sent; a path naming a directory, FIFO, socket or device
    /// is [`Error::Io`] naming it, unread.
    pub async fn create_space<P: AsRef<Path>>(
        &self,
        paths: impl IntoIterator<Item = P>,
    ) -> Result<Space, Error> {
        let paths: Vec<PathBuf> = paths.into_iter().map(|p| p.as_ref().to_owned()).collect();
        let files = tokio::task::spawn_blocking(move || {
            paths
                .iter()
                .map(|path| {
                    let name = path
                        .file_name()
                        .and_then(|name| name.to_str())
                        .ok_or_else(|| {
                            Error::from(ValidationError::new(
                                "filename",
                                format!("{} has no file name in UTF-8", path.display()),
                            ))
                        })?
                        .to_owned();
                    Ok((name, Bytes::from(read_file(path)?)))
                })
                .collect::<Result<Vec<_>, Error>>()
        })
        .await
        .map_err(|e| Error::read_failed(None, io::Error::other(e)))??;
        self.create_space_from(files).await
    }

    /// Uploads files held in memory into a new space, each under the name
    /// given (a relative path in the space: no `..`, no leading `/`).
    pub async fn create_space_from(
        &self,
        files: impl IntoIterator<Item = (String, Bytes)>,
    ) -> Result<Space, Error> {
        let files: Vec<(String, Bytes)> = files.into_iter().collect();
        if files.is_empty() {
            return Err(ValidationError::new("filename", "no file to upload").into());
        }
        for (name, bytes) in &files {
            check_name(name)?;
            if bytes.len() as u64 > MAX_SPACE_FILE_BYTES {
                return Err(ValidationError::new("filename", too_large(name)).into());
            }
        }
        let mut form = reqwest::multipart::Form::new();
        for (name, bytes) in files {
            let part = reqwest::multipart::Part::stream_with_length(
                reqwest::Body::from(bytes.clone()),
                bytes.len() as u64,
            )
            .file_name(name.clone())
            .mime_str("application/octet-stream")
            .map_err(|e| crate::decode::transport_error("Substance 3D", OPERATION, e, true))?;
            form = form.part(name, part);
        }
        let url = format!("{}/v1/spaces", self.raw.baseurl);
        let request = self
            .http
            .post(url)
            .header(ACCEPT, "application/json")
            .multipart(form)
            .build()
            .map_err(|e| crate::decode::transport_error("Substance 3D", OPERATION, e, true))?;
        let result = self.transport.execute(&self.http, request, OPERATION).await;
        let space: types::Space = decode(self.transport.api(), OPERATION, result, true).await?;
        if space.id.trim().is_empty() {
            return Err(Error::Decode {
                operation: OPERATION,
                status: Some(201),
                detail: "the space was made but the answer has no `id`".into(),
                request_id: None,
            });
        }
        Ok(space.into())
    }
}

/// A name in a space: a relative path that stays inside it.
fn check_name(name: &str) -> Result<(), Error> {
    let bad = name.trim().is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.chars().any(char::is_control)
        || name
            .split('/')
            .any(|segment| segment == ".." || segment.is_empty());
    if bad {
        return Err(ValidationError::new(
            "filename",
            "must be a relative path in the space (no `..`, no empty segments, no leading `/`)",
        )
        .into());
    }
    Ok(())
}

fn too_large(name: &str) -> String {
    format!("{name} is larger than {MAX_SPACE_FILE_BYTES} bytes, the most this SDK uploads")
}

/// The file at `path`, read as the module says; blocking.
fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    let not_a_file = |what: &str| {
        Error::read_failed(
            Some(path),
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("it is {what}, not a regular file"),
            ),
        )
    };
    // Checked before opening too: opening a FIFO blocks without O_NONBLOCK,
    // and a directory cannot be opened for reading everywhere.
    let before = std::fs::metadata(path).map_err(|e| Error::read_failed(Some(path), e))?;
    if !before.is_file() {
        return Err(not_a_file(describe(&before)));
    }
    let file = open(path).map_err(|e| Error::read_failed(Some(path), e))?;
    let metadata = file
        .metadata()
        .map_err(|e| Error::read_failed(Some(path), e))?;
    if !metadata.is_file() {
        // Swapped between the two looks.
        return Err(not_a_file(describe(&metadata)));
    }
    if metadata.len() > MAX_SPACE_FILE_BYTES {
        return Err(
            ValidationError::new("filename", too_large(&path.display().to_string())).into(),
        );
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(MAX_SPACE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::read_failed(Some(path), e))?;
    if bytes.len() as u64 != metadata.len() {
        return Err(Error::read_failed(
            Some(path),
            io::Error::new(
                io::ErrorKind::InvalidData,
                "its size changed while it was read, or the system makes it up as it is read",
            ),
        ));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: a FIFO swapped in after the first look cannot hang the
    // open waiting for a writer.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<File> {
    File::open(path)
}

fn describe(metadata: &std::fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    "something other than a file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_space_are_refused() {
        for name in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../b",
            "a//b",
            "a\\b",
            "a\nb",
        ] {
            assert!(check_name(name).is_err(), "{name:?}");
        }
        for name in ["chair.glb", "textures/wood.png"] {
            assert!(check_name(name).is_ok(), "{name:?}");
        }
    }

    #[test]
    fn an_expiry_is_read_when_it_is_utc() {
        let space = Space {
            id: "s".into(),
            expiry: "2026-12-05T19:00:00Z".into(),
            url: String::new(),
            files: Vec::new(),
        };
        let at = space.expires_at().unwrap();
        assert!(space.is_expired_at(at));
        assert!(!space.is_expired_at(at - std::time::Duration::from_secs(1)));
    }
}
