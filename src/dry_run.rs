//! A request prepared and checked but not sent: what every call of a client
//! built with [`FireflyBuilder::dry_run`](crate::FireflyBuilder::dry_run)
//! answers with ([`Error::DryRun`](crate::Error::DryRun)), so a tool can
//! show what it would send, and what it would cost, without spending
//! anything or asking IMS for a token.

use std::fmt;

use crate::Api;

/// A request the SDK would have sent, shown without credentials: the
/// headers the SDK adds for them (`authorization`, `x-api-key`) appear as
/// placeholders.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PreparedRequest {
    /// The API it was for.
    pub api: Api,
    /// The spec's `operationId` (`generateImagesV3Async`), or the SDK's
    /// name for a request it builds by hand (`upload`).
    pub operation: &'static str,
    /// `POST`, `GET`...
    pub method: String,
    /// The whole URL.
    pub url: String,
    /// The headers, in the order they would be sent; credentials as
    /// placeholders.
    pub headers: Vec<(String, String)>,
    /// The body, when it is JSON.
    pub json: Option<serde_json::Value>,
    /// The body's length in bytes (0 without a body).
    pub body_len: usize,
}

/// What the SDK would attach for the credentials, shown in their place.
const CREDENTIAL_PLACEHOLDERS: [(&str, &str); 2] = [
    ("authorization", "Bearer [token]"),
    ("x-api-key", "[client id]"),
];

impl PreparedRequest {
    /// The request as it stands before credentials are attached.
    pub(crate) fn of(api: Api, request: &reqwest::Request) -> Self {
        let mut headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .filter(|(name, _)| {
                !CREDENTIAL_PLACEHOLDERS
                    .iter()
                    .any(|(credential, _)| name.as_str() == *credential)
            })
            .map(|(name, value)| {
                let shown = if value.is_sensitive() {
                    "[hidden]".to_owned()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name.as_str().to_owned(), shown)
            })
            .collect();
        headers.extend(
            CREDENTIAL_PLACEHOLDERS
                .iter()
                .map(|(name, shown)| ((*name).to_owned(), (*shown).to_owned())),
        );
        let body = request.body().and_then(reqwest::Body::as_bytes);
        Self {
            api,
            operation: "",
            method: request.method().as_str().to_owned(),
            url: request.url().to_string(),
            headers,
            json: body.and_then(|bytes| serde_json::from_slice(bytes).ok()),
            body_len: body.map_or(0, <[u8]>::len),
        }
    }

    /// The request as one JSON document: `api`, `operation`, `method`,
    /// `url`, `headers` (an object), and `body` (the JSON body, or null).
    pub fn to_json(&self) -> serde_json::Value {
        let headers: serde_json::Map<String, serde_json::Value> = self
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), value.clone().into()))
            .collect();
        serde_json::json!({
            "api": self.api.name(),
            "operation": self.operation,
            "method": self.method,
            "url": self.url,
            "headers": headers,
            "body": self.json,
            "body_bytes": self.body_len,
        })
    }
}

/// The request line, the headers, a blank line and the JSON body (pretty,
/// with control characters escaped as JSON escapes them), as an HTTP
/// request reads.
impl fmt::Display for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {}", value.escape_debug())?;
        }
        match &self.json {
            Some(json) => {
                let pretty = serde_json::to_string_pretty(json).map_err(|_| fmt::Error)?;
                write!(f, "\n{pretty}")
            }
            None if self.body_len > 0 => write!(f, "\n[{} bytes]", self.body_len),
            None => Ok(()),
        }
    }
}
