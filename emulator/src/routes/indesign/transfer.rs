//! HTTP to the user's storage for InDesign jobs, through the emulator's
//! storage client (no redirects, deadlines): inputs read whole up to
//! [`MAX_INPUT_BYTES`], outputs PUT to their pre-signed URLs. Only https,
//! or http on loopback; messages name URLs without their query (the
//! signature).

use std::net::IpAddr;

use reqwest::Client;
use url::{Host, Url};

/// The largest input read: the emulator keeps inputs in memory.
const MAX_INPUT_BYTES: usize = 64 << 20;

/// A URL as messages show it: without its query.
fn shown(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// `url` parsed, if the emulator may reach it.
fn reachable(url: &str) -> Result<Url, String> {
    let parsed = Url::parse(url).map_err(|e| format!("not a URL ({e})"))?;
    let loopback = match parsed.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match parsed.scheme() {
        "https" if cfg!(feature = "https") => Ok(parsed),
        "http" if loopback => Ok(parsed),
        _ => Err(format!(
            "{}: the emulator reaches https:// URLs, and http:// on loopback only",
            shown(&parsed)
        )),
    }
}

/// The file behind `url`, read whole up to [`MAX_INPUT_BYTES`]: a longer
/// one is refused from its announced length or while it is read.
pub(super) async fn fetch(client: &Client, url: &str) -> Result<Vec<u8>, String> {
    let parsed = reachable(url)?;
    let where_ = shown(&parsed);
    let mut response = client
        .get(parsed)
        .send()
        .await
        .map_err(|e| format!("GET {where_}: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("GET {where_} answered {status}"));
    }
    let too_large = || format!("{where_} is larger than {MAX_INPUT_BYTES} bytes");
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
        .map_err(|e| format!("GET {where_}: {e}"))?
    {
        if bytes.len() + chunk.len() > MAX_INPUT_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Writes `content` to the pre-signed `url` with a PUT (Azure's blob type
/// header when the output says `Azure`).
pub(super) async fn upload(
    client: &Client,
    url: &str,
    storage_type: Option<&str>,
    media_type: &str,
    content: Vec<u8>,
) -> Result<(), String> {
    let parsed = reachable(url)?;
    let where_ = shown(&parsed);
    let mut request = client
        .put(parsed)
        .header(reqwest::header::CONTENT_TYPE, media_type)
        .body(content);
    if storage_type == Some("Azure") {
        request = request.header("x-ms-blob-type", "BlockBlob");
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("PUT {where_}: {e}"))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("PUT {where_} answered {status}"))
    }
}
