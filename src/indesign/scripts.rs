//! Uploading a custom script (`POST /v3/scripts`): a ZIP file sent as
//! multipart/form-data, which progenitor cannot send, so the request is
//! built here (reqwest's `multipart`) and sent through the InDesign
//! transport like the generated ones (credentials, budget, dry run).

use std::{
    fs::File,
    io::{self, Read},
    path::Path,
};

use reqwest::header::ACCEPT;

use super::{InDesign, types};
use crate::{Error, ValidationError, decode::decode};

const OPERATION: &str = "submitCustomScript";

/// The largest script ZIP file the SDK uploads: 32 MiB. Adobe publishes no
/// limit; a script with its manifest is a few kilobytes, so anything near
/// this is a mistake worth refusing before it is read whole.
pub const MAX_SCRIPT_BYTES: u64 = 32 * 1024 * 1024;

/// Where an uploaded script was registered, with the id and name
/// [`InDesign::run_script`] needs read from its URL.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ScriptUpload {
    /// Adobe's answer, as sent.
    pub submitted: types::ScriptSubmitted,
}

impl ScriptUpload {
    /// The script's id: the second-to-last segment of its URL
    /// (`.../v3/{script_id}/{script_name}`).
    pub fn script_id(&self) -> Option<&str> {
        self.segments().map(|(id, _)| id)
    }

    /// The script's name: the last segment of its URL, else `capability`.
    pub fn script_name(&self) -> Option<&str> {
        self.segments()
            .map(|(_, name)| name)
            .or(self.submitted.capability.as_deref())
    }

    fn segments(&self) -> Option<(&str, &str)> {
        let url = self.submitted.url.as_deref()?;
        let path = url.split(['?', '#']).next()?.trim_end_matches('/');
        let (rest, name) = path.rsplit_once('/')?;
        let (_, id) = rest.rsplit_once('/')?;
        (!id.is_empty() && !name.is_empty()).then_some((id, name))
    }
}

impl InDesign {
    /// Uploads a custom script held in memory: a ZIP file with the script
    /// and its manifest (`POST /v3/scripts`), as `file_name`.
    ///
    /// A body that is empty, over [`MAX_SCRIPT_BYTES`] or not a ZIP file is
    /// [`Error::Validation`]; nothing is sent. A multipart body is a stream,
    /// so the upload is neither retried nor replayed after a 401.
    pub async fn submit_script(
        &self,
        file_name: &str,
        zip: Vec<u8>,
    ) -> Result<ScriptUpload, Error> {
        check_zip(&zip)?;
        super::operations::segment("file_name", file_name)?;
        let part = reqwest::multipart::Part::bytes(zip)
            .file_name(file_name.to_owned())
            .mime_str("application/zip")
            .map_err(|e| crate::decode::transport_error("InDesign", OPERATION, e, true))?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let url = format!("{}/v3/scripts", crate::config::trimmed(&self.api_url));
        let request = self
            .http
            .post(url)
            .header(ACCEPT, "application/json")
            .multipart(form)
            .build()
            .map_err(|e| crate::decode::transport_error("InDesign", OPERATION, e, true))?;
        let result = self.transport.execute(&self.http, request, OPERATION).await;
        let submitted: types::ScriptSubmitted =
            decode(self.transport.api(), OPERATION, result, true).await?;
        Ok(ScriptUpload { submitted })
    }

    /// Uploads a custom script ZIP file. Only a regular file is read, and at
    /// most [`MAX_SCRIPT_BYTES`] plus one byte of it; a directory, FIFO or
    /// device is refused unread ([`Error::Io`] naming the path).
    pub async fn submit_script_file(&self, path: impl AsRef<Path>) -> Result<ScriptUpload, Error> {
        let path = path.as_ref().to_owned();
        let reading = path.clone();
        let zip = tokio::task::spawn_blocking(move || read_bounded(&reading))
            .await
            .map_err(|e| Error::read_failed(Some(path.as_path()), io::Error::other(e)))??;
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("script.zip")
            .to_owned();
        self.submit_script(&name, zip).await
    }
}

/// A ZIP file starts with a local file header (or is an empty archive).
fn check_zip(zip: &[u8]) -> Result<(), Error> {
    if zip.is_empty() {
        return Err(ValidationError::new("script", "is empty").into());
    }
    if zip.len() as u64 > MAX_SCRIPT_BYTES {
        return Err(too_large().into());
    }
    if !(zip.starts_with(b"PK\x03\x04") || zip.starts_with(b"PK\x05\x06")) {
        return Err(ValidationError::new("script", "is not a ZIP file").into());
    }
    Ok(())
}

fn too_large() -> ValidationError {
    ValidationError::new(
        "script",
        format!("is over {MAX_SCRIPT_BYTES} bytes, the most the SDK uploads"),
    )
}

/// The file at `path`, if it is a regular file of at most the limit;
/// blocking.
fn read_bounded(path: &Path) -> Result<Vec<u8>, Error> {
    let file = open(path).map_err(|e| Error::read_failed(Some(path), e))?;
    let metadata = file
        .metadata()
        .map_err(|e| Error::read_failed(Some(path), e))?;
    if !metadata.is_file() {
        return Err(Error::read_failed(
            Some(path),
            io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
        ));
    }
    if metadata.len() > MAX_SCRIPT_BYTES {
        return Err(too_large().into());
    }
    let mut zip = Vec::with_capacity(metadata.len() as usize + 1);
    file.take(MAX_SCRIPT_BYTES + 1)
        .read_to_end(&mut zip)
        .map_err(|e| Error::read_failed(Some(path), e))?;
    if zip.len() as u64 > MAX_SCRIPT_BYTES {
        return Err(too_large().into());
    }
    Ok(zip)
}

#[cfg(unix)]
fn open(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // A FIFO named as the script must not block the open waiting for a
    // writer; it is then refused as not a regular file.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(url: &str) -> ScriptUpload {
        ScriptUpload {
            submitted: serde_json::from_value(serde_json::json!({"url": url, "capability": "cap"}))
                .unwrap(),
        }
    }

    #[test]
    fn the_id_and_name_come_from_the_url() {
        let up = upload("https://indesign.adobe.io/v3/abc123/my-script?x=1");
        assert_eq!(up.script_id(), Some("abc123"));
        assert_eq!(up.script_name(), Some("my-script"));
        assert_eq!(upload("nonsense").script_id(), None);
        assert_eq!(upload("nonsense").script_name(), Some("cap"));
    }

    #[test]
    fn only_zip_files_are_sent() {
        assert!(check_zip(b"").is_err());
        assert!(check_zip(b"%PDF-1.7").is_err());
        assert!(check_zip(b"PK\x03\x04rest").is_ok());
    }
}
