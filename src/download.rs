//! Saving generated images and videos from the pre-signed URLs Firefly
//! returns. Those URLs carry their own signature: the SDK sends them no
//! credentials, through an HTTP client that has none to send.

use std::path::{Path, PathBuf};

use tokio::io::{AsyncWrite, AsyncWriteExt};
use url::Url;

use crate::{Error, Firefly, config};

const OPERATION: &str = "download";

impl Firefly {
    /// Streams the file at a pre-signed output URL into `writer`, in
    /// bounded memory, and returns the number of bytes written.
    ///
    /// No `Authorization` or `x-api-key` header is sent: the URL is its own
    /// credential. Plain http is accepted only for loopback hosts.
    pub async fn download_to_writer<W>(&self, url: &str, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let url = storage_url(url)?;
        let mut response = self
            .storage_http
            .get(url)
            .send()
            .await
            .map_err(|e| crate::decode::transport_error(OPERATION, e, false))?;
        if !response.status().is_success() {
            return Err(storage_error(response).await);
        }
        let mut written = 0u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| crate::decode::transport_error(OPERATION, e, false))?
        {
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| Error::write_failed(None, e))?;
            written += chunk.len() as u64;
        }
        writer
            .flush()
            .await
            .map_err(|e| Error::write_failed(None, e))?;
        Ok(written)
    }

    /// Saves the file at a pre-signed output URL to `path` and returns its
    /// size. The file appears complete or not at all: the bytes go to a
    /// temporary file beside it, renamed into place at the end.
    pub async fn download_to_file(&self, url: &str, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let mut file = tokio::fs::File::create(&partial)
            .await
            .map_err(|e| Error::write_failed(Some(&partial), e))?;
        let result = self.download_to_writer(url, &mut file).await;
        drop(file);
        match result {
            Ok(size) => {
                tokio::fs::rename(&partial, path)
                    .await
                    .map_err(|e| Error::write_failed(Some(path), e))?;
                Ok(size)
            }
            Err(error) => {
                let _ = tokio::fs::remove_file(&partial).await;
                Err(error)
            }
        }
    }
}

fn storage_url(url: &str) -> Result<Url, Error> {
    let parsed = Url::parse(url).map_err(|e| config::ConfigError::InvalidUrl {
        setting: "download URL",
        value: url.chars().take(200).collect(),
        reason: e.to_string(),
    })?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if config::is_loopback(&parsed) => Ok(parsed),
        _ => Err(config::ConfigError::InsecureUrl {
            setting: "download URL",
            value: format!(
                "{}://{}",
                parsed.scheme(),
                parsed.host_str().unwrap_or_default()
            ),
        }
        .into()),
    }
}

/// What the storage host said when it refused: never Firefly's error shape,
/// and never about the credentials (the URL is its own).
async fn storage_error(response: reqwest::Response) -> Error {
    let status = response.status().as_u16();
    // S3-style storage names its request id differently.
    let request_id = crate::decode::header(response.headers(), "x-amz-request-id")
        .or_else(|| crate::decode::header(response.headers(), crate::decode::REQUEST_ID));
    let body = crate::decode::read_capped(response, crate::decode::MAX_ERROR_BODY)
        .await
        .map(|capped| capped.body)
        .unwrap_or_default();
    let body_excerpt = storage_excerpt(&body);
    Error::Storage {
        status,
        request_id,
        body_excerpt,
    }
}

/// The storage host's own words, when they are short text: S3's XML error
/// code, or the first line of anything else.
fn storage_excerpt(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let code = text
        .split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map(|(code, _)| code.trim().to_owned());
    code.or_else(|| {
        let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
        (!line.starts_with('<')).then(|| line.chars().take(200).collect())
    })
}
