//! The storage Photoshop reaches: the domains Adobe accepts for inputs'
//! and outputs' URLs, and the check every Photoshop request passes before
//! it is sent. A URL Photoshop would refuse fails here, naming its field
//! and host, instead of as a job that fails minutes later (Photoshop's
//! most common failure is an output it cannot upload).

use serde_json::Value;
use url::{Host, Url};

use crate::error::printable::Printable;

/// The storage domains Photoshop accepts in the `url` of an input or an
/// output's destination: a host matches a domain when it is the domain or
/// ends with `.` and the domain (`bucket.s3.us-east-1.amazonaws.com`
/// matches `amazonaws.com`).
///
/// - From Adobe's Photoshop API v2 spec (`AutoCropUrlResource.url`):
///   `amazonaws.com` (S3), `windows.net` (Azure Blob Storage),
///   `dropboxusercontent.com` (Dropbox), `assets.frame.io`,
///   `storage.googleapis.com` (Google Cloud Storage), `adobe.io`,
///   `azureedge.net` (Azure CDN) and `smartcreatives.stg.walmart.com`.
/// - From Adobe's Firefly Services guides: `frontdoor.prod.azure.cxp.adobe.com`.
/// - `content.dropboxapi.com`: where Dropbox's temporary upload links point,
///   which outputs with `storageType: dropbox` are written to.
///
/// Requests with URLs elsewhere are refused before sending with
/// [`Error::StorageHost`](crate::Error::StorageHost), unless the client was
/// built with
/// [`allow_any_storage_host(true)`](crate::FireflyBuilder::allow_any_storage_host).
/// Loopback hosts (`127.0.0.1`, `::1`, `localhost`) are accepted when the
/// Photoshop API URL is loopback too, as it is for the emulator.
pub const STORAGE_HOSTS: &[&str] = &[
    "amazonaws.com",
    "windows.net",
    "dropboxusercontent.com",
    "content.dropboxapi.com",
    "storage.googleapis.com",
    "assets.frame.io",
    "adobe.io",
    "azureedge.net",
    "frontdoor.prod.azure.cxp.adobe.com",
    "smartcreatives.stg.walmart.com",
];

/// Whether Photoshop accepts storage on `host` (a host name, any case):
/// it is one of [`STORAGE_HOSTS`] or under one.
///
/// ```
/// use adobe_firefly::photoshop::is_storage_host;
///
/// assert!(is_storage_host("my-bucket.s3.eu-west-1.amazonaws.com"));
/// assert!(is_storage_host("account.blob.core.windows.net"));
/// assert!(!is_storage_host("amazonaws.com.example.net"));
/// ```
pub fn is_storage_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    STORAGE_HOSTS.iter().any(|domain| {
        host == *domain
            || host
                .strip_suffix(domain)
                .is_some_and(|rest| rest.ends_with('.'))
    })
}

/// A storage URL (an input's `url`, an output's destination `url`) that
/// Photoshop would not accept: not a URL, not https, or on a host outside
/// [`STORAGE_HOSTS`]. Nothing was sent.
///
/// The message names the field and the URL's host, never its path or
/// query: a pre-signed URL's query carries its signature.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {}", self.explained())]
pub struct StorageHostError {
    field: String,
    host: Option<String>,
    problem: StorageHostProblem,
}

/// What is wrong with a [`StorageHostError`]'s URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageHostProblem {
    /// The value is not an absolute URL with a host.
    NotAUrl,
    /// The URL is not https (plain http reaches loopback storage only,
    /// when the Photoshop API URL is loopback too).
    NotHttps,
    /// The host is not one of the storage domains Photoshop accepts.
    HostNotAllowed,
}

impl StorageHostError {
    /// Where the URL is in the request, such as `outputs[0].destination.url`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The URL's host, when it has one.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// What is wrong with the URL.
    pub fn problem(&self) -> StorageHostProblem {
        self.problem
    }

    fn explained(&self) -> String {
        let host = Printable(self.host.as_deref().unwrap_or("?"));
        match self.problem {
            StorageHostProblem::NotAUrl => {
                "not an absolute URL with a host; nothing was sent".into()
            }
            StorageHostProblem::NotHttps => format!(
                "the URL on `{host}` is not https; Photoshop reaches storage over https \
                 (plain http only on loopback, against a loopback Photoshop API URL); nothing \
                 was sent"
            ),
            StorageHostProblem::HostNotAllowed => format!(
                "Photoshop does not accept storage on `{host}`: it takes URLs on {} only; \
                 nothing was sent. If Adobe accepts this host for your organization, build \
                 the client with `allow_any_storage_host(true)`",
                STORAGE_HOSTS.join(", ")
            ),
        }
    }
}

/// Which storage URLs a Photoshop client sends.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StoragePolicy {
    /// Any host (still https, or http on loopback).
    any_host: bool,
    /// Loopback hosts too: the Photoshop API URL is loopback (the
    /// emulator, a test server), so its storage may be local as well.
    loopback: bool,
}

impl StoragePolicy {
    pub(crate) fn new(api_url: &Url, any_host: bool) -> Self {
        Self {
            any_host,
            loopback: crate::config::is_loopback(api_url),
        }
    }

    /// Checks every storage URL of `request`: each `url` field, wherever it
    /// is (inputs, their masks, actions and fonts, outputs' destinations).
    /// In Photoshop's request schemas every `url` is one.
    pub(crate) fn check(&self, request: &impl serde::Serialize) -> Result<(), StorageHostError> {
        // A request that does not serialize fails when it is sent, as before.
        let Ok(body) = serde_json::to_value(request) else {
            return Ok(());
        };
        let mut found = Vec::new();
        storage_urls(&body, String::new(), &mut found);
        found
            .into_iter()
            .try_for_each(|(field, url)| self.check_url(field, url))
    }

    fn check_url(&self, field: String, url: &str) -> Result<(), StorageHostError> {
        let refuse = |host: Option<String>, problem| {
            Err(StorageHostError {
                field: field.clone(),
                host,
                problem,
            })
        };
        let Ok(parsed) = Url::parse(url.trim()) else {
            return refuse(None, StorageHostProblem::NotAUrl);
        };
        let host = match parsed.host() {
            Some(Host::Domain(name)) if !name.is_empty() => name.to_owned(),
            Some(Host::Ipv4(ip)) => ip.to_string(),
            Some(Host::Ipv6(ip)) => format!("[{ip}]"),
            _ => return refuse(None, StorageHostProblem::NotAUrl),
        };
        let loopback = self.loopback && crate::config::is_loopback(&parsed);
        match parsed.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return refuse(Some(host), StorageHostProblem::NotHttps),
        }
        if self.any_host || loopback || is_storage_host(&host) {
            Ok(())
        } else {
            refuse(Some(host), StorageHostProblem::HostNotAllowed)
        }
    }
}

/// Every string `url` field under `value`, with its path
/// (`outputs[0].destination.url`).
fn storage_urls<'a>(value: &'a Value, path: String, found: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match child {
                    Value::String(url) if key == "url" => found.push((at, url)),
                    _ => storage_urls(child, at, found),
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                storage_urls(item, format!("{path}[{index}]"), found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(api_url: &str, any_host: bool) -> StoragePolicy {
        StoragePolicy::new(&Url::parse(api_url).unwrap(), any_host)
    }

    #[test]
    fn hosts_match_whole_labels_only() {
        for host in [
            "amazonaws.com",
            "b.s3.us-east-1.amazonaws.com",
            "B.S3.AMAZONAWS.COM",
            "acct.blob.core.windows.net",
            "storage.googleapis.com",
            "dl.dropboxusercontent.com",
            "content.dropboxapi.com",
            "x.azureedge.net",
        ] {
            assert!(is_storage_host(host), "{host}");
        }
        for host in [
            "evilamazonaws.com",
            "amazonaws.com.evil.net",
            "googleapis.com",
            "www.googleapis.com",
            "dropboxapi.com",
            "example.com",
            "",
        ] {
            assert!(!is_storage_host(host), "{host}");
        }
    }

    #[test]
    fn every_url_field_is_checked_and_named_without_its_query() {
        let adobe = policy("https://photoshop-api.adobe.io", false);
        let request = serde_json::json!({
            "image": {"source": {"url": "https://b.s3.amazonaws.com/in.psd?X-Amz-Signature=s"}},
            "outputs": [
                {"destination": {"url": "https://b.s3.amazonaws.com/o.png"}},
                {"destination": {"url": "https://evil.example/o.png?X-Amz-Signature=secret"}},
            ],
        });
        let error = adobe.check(&request).unwrap_err();
        assert_eq!(error.field(), "outputs[1].destination.url");
        assert_eq!(error.host(), Some("evil.example"));
        assert_eq!(error.problem(), StorageHostProblem::HostNotAllowed);
        let shown = error.to_string();
        assert!(shown.contains("evil.example"), "{shown}");
        assert!(
            !shown.contains("secret") && !shown.contains("/o.png"),
            "{shown}"
        );

        assert!(
            policy("https://photoshop-api.adobe.io", true)
                .check(&request)
                .is_ok()
        );
    }

    #[test]
    fn http_and_loopback_only_against_a_loopback_api() {
        let adobe = policy("https://photoshop-api.adobe.io", false);
        let local = policy("http://127.0.0.1:8080", false);
        let body = |url: &str| serde_json::json!({"image": {"source": {"url": url}}});
        for url in ["http://127.0.0.1:9000/b/in.png", "http://localhost/in.png"] {
            assert!(local.check(&body(url)).is_ok(), "{url}");
            let refused = adobe.check(&body(url)).unwrap_err();
            assert_eq!(refused.problem(), StorageHostProblem::NotHttps, "{url}");
        }
        let plain = local
            .check(&body("http://b.s3.amazonaws.com/in.png"))
            .unwrap_err();
        assert_eq!(plain.problem(), StorageHostProblem::NotHttps);
        let opted_out = policy("https://photoshop-api.adobe.io", true);
        let plain = opted_out
            .check(&body("http://example.com/in.png"))
            .unwrap_err();
        assert_eq!(plain.problem(), StorageHostProblem::NotHttps);
        for url in ["not a url", "https://", "data:text/plain,x"] {
            let refused = adobe.check(&body(url)).unwrap_err();
            assert_eq!(refused.problem(), StorageHostProblem::NotAUrl, "{url}");
        }
    }
}
