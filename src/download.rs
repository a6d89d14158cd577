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
            .map_err(|e| crate::transport::transport_error(OPERATION, e))?;
        if !response.status().is_success() {
            return Err(storage_error(response).await);
        }
        let mut written = 0u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| crate::transport::transport_error(OPERATION, e))?
        {
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| Error::io(None, e))?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| Error::io(None, e))?;
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
            .map_err(|e| Error::io(Some(&partial), e))?;
        let result = self.download_to_writer(url, &mut file).await;
        drop(file);
        match result {
            Ok(size) => {
                tokio::fs::rename(&partial, path)
                    .await
                    .map_err(|e| Error::io(Some(path), e))?;
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

async fn storage_error(response: reqwest::Response) -> Error {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap_or_default();
    let mut error = crate::transport::api_error(OPERATION, status, &headers, &body);
    // S3-style storage names its request id differently.
    if let Some(id) = headers
        .get("x-amz-request-id")
        .and_then(|v| v.to_str().ok())
    {
        error.request_id = Some(id.to_owned());
    }
    error.message = Some(if status == 403 {
        "the storage host refused the URL; pre-signed URLs expire after about an hour, \
         so read the job status again for fresh ones"
            .into()
    } else {
        "the storage host refused the download".into()
    });
    error.into()
}
