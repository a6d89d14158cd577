//! HTTP to the user's storage, as Photoshop's workers do it: reading an
//! input from its URL and writing an output to its pre-signed URL.
//!
//! Which URLs are reached: `https://` anywhere (with the `https` feature),
//! and `http://` on loopback only (a local storage server, or the
//! emulator's own storage); anything else fails the job rather than send
//! the emulator's requests somewhere a test did not mean. Every transfer
//! has a deadline, follows no redirect (a pre-signed URL is the file's
//! own), carries no credentials, and an input is read up to a bound.

use std::{net::IpAddr, time::Duration};

use axum::http::HeaderValue;
use reqwest::{Client, Method, header};
use url::{Host, Url};

/// How long a connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one transfer may take, from sending the request to the last
/// byte of the answer.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest input read: Adobe takes files up to 5 GB; the emulator
/// keeps what it reads in memory, so it stops at 256 MiB.
pub(super) const MAX_INPUT_BYTES: usize = 256 << 20;

/// The client Photoshop jobs transfer files with.
pub(crate) fn client() -> Result<Client, String> {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TRANSFER_TIMEOUT)
        .build()
        .map_err(|e| format!("the storage client: {e}"))
}

/// Why a transfer failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The status the storage answered, if it answered.
    pub(crate) status: Option<u16>,
    /// What happened, naming the URL without its query (which holds the
    /// pre-signed URL's signature).
    pub(crate) reason: String,
}

impl Failure {
    fn new(reason: String) -> Self {
        Self {
            status: None,
            reason,
        }
    }
}

/// A URL as messages show it: scheme, host, port and path, not the query.
pub(super) fn shown(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// `url` parsed, if the emulator may reach it.
fn reachable(url: &str) -> Result<Url, Failure> {
    let parsed = Url::parse(url).map_err(|e| Failure::new(format!("not a URL ({e})")))?;
    let loopback = match parsed.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match parsed.scheme() {
        "https" if cfg!(feature = "https") => Ok(parsed),
        "https" => Err(Failure::new(format!(
            "{}: this emulator was built without its `https` feature",
            shown(&parsed)
        ))),
        "http" if loopback => Ok(parsed),
        "http" => Err(Failure::new(format!(
            "{}: the emulator reaches http:// URLs on loopback only; use https://",
            shown(&parsed)
        ))),
        scheme => Err(Failure::new(format!(
            "{}: the emulator reaches http:// and https:// URLs, not {scheme}:",
            shown(&parsed)
        ))),
    }
}

/// The file behind `url`, read whole up to [`MAX_INPUT_BYTES`].
pub(crate) async fn fetch(client: &Client, url: &str) -> Result<Vec<u8>, Failure> {
    let parsed = reachable(url)?;
    let where_ = shown(&parsed);
    let mut response = client
        .get(parsed)
        .send()
        .await
        .map_err(|e| Failure::new(format!("GET {where_}: {}", cause(&e))))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Failure {
            status: Some(status.as_u16()),
            reason: format!("GET {where_} answered {status}"),
        });
    }
    let too_large = || Failure::new(format!("{where_} is larger than {MAX_INPUT_BYTES} bytes"));
    if response
        .content_length()
        .is_some_and(|n| n > MAX_INPUT_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Failure::new(format!("GET {where_}: {}", cause(&e))))?
    {
        if bytes.len() + chunk.len() > MAX_INPUT_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Writes `content` to the pre-signed `url`: a PUT (with Azure's
/// `x-ms-blob-type` when `storage_type` is `azure`), or Dropbox's POST of
/// an octet stream to a temporary upload link.
pub(super) async fn upload(
    client: &Client,
    url: &str,
    storage_type: Option<&str>,
    media_type: &str,
    content: Vec<u8>,
) -> Result<(), Failure> {
    let parsed = reachable(url)?;
    let where_ = shown(&parsed);
    let (method, content_type) = match storage_type {
        Some("dropbox") => (Method::POST, "application/octet-stream"),
        _ => (Method::PUT, media_type),
    };
    let mut request = client.request(method.clone(), parsed).body(content);
    if let Ok(value) = HeaderValue::from_str(content_type) {
        request = request.header(header::CONTENT_TYPE, value);
    }
    if storage_type == Some("azure") {
        request = request.header("x-ms-blob-type", "BlockBlob");
    }
    let response = request
        .send()
        .await
        .map_err(|e| Failure::new(format!("{method} {where_}: {}", cause(&e))))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(Failure {
            status: Some(status.as_u16()),
            reason: format!("{method} {where_} answered {status}"),
        })
    }
}

/// What went wrong with a request, in words (a timeout, a refused
/// connection, a redirect that was not followed...).
fn cause(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "no answer in time".to_owned()
    } else if error.is_connect() {
        "the connection failed".to_owned()
    } else {
        error.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_is_reached_over_plain_http() {
        assert!(reachable("http://127.0.0.1:9000/bucket/in.png").is_ok());
        assert!(reachable("http://[::1]:9000/in.png").is_ok());
        assert!(reachable("http://localhost/in.png").is_ok());
        let refused = reachable("http://storage.example.com/in.png?X-Amz-Signature=secret");
        let reason = refused.unwrap_err().reason;
        assert!(reason.contains("loopback"), "{reason}");
        assert!(!reason.contains("secret"), "{reason}");
        assert!(reachable("ftp://127.0.0.1/in.png").is_err());
        assert!(reachable("not a url").is_err());
        assert_eq!(
            reachable("https://bucket.s3.amazonaws.com/in.png").is_ok(),
            cfg!(feature = "https")
        );
    }
}
