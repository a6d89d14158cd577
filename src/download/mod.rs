//! Saving generated images and videos from the pre-signed URLs Firefly
//! returns. Those URLs carry their own signature: the SDK sends them no
//! credentials, through an HTTP client that has none to send.
//!
//! A storage host is not trusted to behave: its redirects are followed only
//! on the rules of [`redirect_policy`], every wait for it is bounded by
//! [`DownloadTimeouts`], so is its rate (`throughput.rs`), its error bodies
//! are read up to 64 KiB, and a file is accepted only when it arrived whole
//! (`check.rs`). A file download that failed in a way that may pass is
//! tried again, a bounded number of times.

mod check;
mod throughput;
pub(crate) mod timeouts;

use std::{path::Path, time::Duration};

use throughput::MinSpeed;
use tokio::{
    io::{AsyncSeekExt, AsyncWrite, AsyncWriteExt},
    time::Instant,
};
use url::Url;

use crate::{
    Error, Firefly,
    answers::{MAX_ERROR_BODY, REQUEST_ID, header, read_capped},
    config,
    decode::transport_error,
};

const OPERATION: &str = "download";

/// The most redirects a download follows.
pub(crate) const MAX_REDIRECTS: usize = 5;

impl Firefly {
    /// Streams the file at a pre-signed output URL into `writer`, in
    /// bounded memory, and returns the number of bytes written.
    ///
    /// No `Authorization` or `x-api-key` header is sent: the URL is its own
    /// credential. Plain http is accepted only for loopback hosts. Up to 5
    /// redirects are followed, to https URLs only (plain http only from one
    /// loopback host to another), never from https to http; a redirect
    /// breaking these rules is [`Error::RedirectRefused`], before anything
    /// is sent to its target.
    ///
    /// The waits and the slowest rate accepted are the client's
    /// [`DownloadTimeouts`](crate::DownloadTimeouts). A file shorter than
    /// its `Content-Length`, or (without one) a PNG, JPEG or MP4 whose
    /// structure shows it was cut short, is [`Error::TruncatedDownload`].
    /// One attempt is made: on any error, `writer` may already hold part of
    /// the file. [`Firefly::download_to_file`] tries again and never leaves
    /// one.
    pub async fn download_to_writer<W>(&self, url: &str, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let url = storage_url(url)?;
        let deadline = Instant::now() + self.download_timeouts.total;
        self.attempt(&url, writer, deadline).await
    }

    /// One download of `url` into `writer`, ending by `deadline`.
    async fn attempt<W>(&self, url: &Url, writer: &mut W, deadline: Instant) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let mut received = 0;
        let download = self.stream_into(url.clone(), writer, &mut received);
        match tokio::time::timeout_at(deadline, download).await {
            Ok(result) => result.map(|()| received),
            Err(_) => Err(Error::DownloadTimeout {
                stalled: false,
                limit: self.download_timeouts.total,
                received,
                attempts: 1,
            }),
        }
    }

    /// The download itself, counting into `received` what has arrived, so
    /// the overall deadline can say how far it got.
    async fn stream_into<W>(
        &self,
        url: Url,
        writer: &mut W,
        received: &mut u64,
    ) -> Result<(), Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let timeouts = &self.download_timeouts;
        let idle = timeouts.idle;
        let stalled = |received| Error::DownloadTimeout {
            stalled: true,
            limit: idle,
            received,
            attempts: 1,
        };
        let too_slow = |received| Error::DownloadTooSlow {
            min_speed: timeouts.min_speed,
            window: timeouts.min_speed_time,
            received,
            attempts: 1,
        };
        let mut response = tokio::time::timeout(idle, self.storage_http.get(url.clone()).send())
            .await
            .map_err(|_| stalled(0))?
            .map_err(request_failed)?;
        // A client of the caller's own follows redirects on its own rules:
        // its answer must at least come from where this SDK would go.
        if response.url() != &url
            && let Some(reason) = redirect_problem(&url, response.url())
        {
            return Err(Error::RedirectRefused {
                location: origin(response.url()),
                reason,
            });
        }
        if !response.status().is_success() {
            return Err(storage_error(response, idle).await);
        }
        let expected = response.content_length();
        let mut completeness = check::Completeness::default();
        let mut min_speed = MinSpeed::starting_now(timeouts.min_speed, timeouts.min_speed_time);
        loop {
            let quiet_until = Instant::now() + idle;
            // Waits for the next piece until the idle limit, stopping at
            // the end of each stretch of the rate rule to judge it: a host
            // dripping bytes just inside the idle limit is caught there.
            let next = loop {
                let until = min_speed
                    .stretch_end()
                    .map_or(quiet_until, |end| end.min(quiet_until));
                match tokio::time::timeout_at(until, response.chunk()).await {
                    Ok(next) => break next,
                    Err(_) if Instant::now() >= quiet_until => return Err(stalled(*received)),
                    Err(_) => min_speed
                        .check(Instant::now(), *received)
                        .map_err(|_| too_slow(*received))?,
                }
            };
            let chunk = match next {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                // A body that stops mid-way (shorter than its
                // Content-Length, or its chunked encoding cut) is a
                // truncation; a timeout of the caller's client stays one.
                Err(error) if !error.is_timeout() && (error.is_body() || error.is_decode()) => {
                    return Err(Error::TruncatedDownload {
                        expected,
                        received: *received,
                        reason: None,
                        attempts: 1,
                    });
                }
                Err(error) => return Err(transport_error("storage", OPERATION, error, false)),
            };
            completeness.feed(&chunk);
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| Error::write_failed(None, e))?;
            *received += chunk.len() as u64;
            min_speed
                .check(Instant::now(), *received)
                .map_err(|_| too_slow(*received))?;
        }
        // The HTTP client enforces Content-Length; checked again here so a
        // client that does not cannot save a short file.
        if expected.is_some_and(|expected| expected != *received) {
            return Err(Error::TruncatedDownload {
                expected,
                received: *received,
                reason: None,
                attempts: 1,
            });
        }
        if let Err(reason) = completeness.finish() {
            return Err(Error::TruncatedDownload {
                expected,
                received: *received,
                reason: Some(reason),
                attempts: 1,
            });
        }
        writer
            .flush()
            .await
            .map_err(|e| Error::write_failed(None, e))
    }

    /// Saves the file at a pre-signed output URL to `path` and returns its
    /// size. The file appears complete or not at all: the bytes go to a
    /// new temporary file beside it (`.<name>.XXXXXX.partial`, made with
    /// `O_CREAT|O_EXCL` under an unpredictable name, so a link planted in
    /// the folder is never written through), renamed into place only after
    /// the checks of [`Firefly::download_to_writer`] passed, and removed on
    /// any error.
    ///
    /// A download that failed in a way that may pass ([`Error::is_retryable`]:
    /// it stalled, crawled under the minimum rate, arrived cut short, or the
    /// storage host answered 5xx) is tried again from the start, up to
    /// [`retries`](crate::DownloadTimeouts::retries) times within
    /// [`total`](crate::DownloadTimeouts::total); the error then says how many attempts
    /// were made.
    pub async fn download_to_file(&self, url: &str, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let folder = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (file, partial) = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(folder)
            .map_err(|e| Error::write_failed(Some(path), e))?
            .into_parts();
        let mut file = tokio::fs::File::from_std(file);
        let result = self.download_with_retries(url, &mut file, &partial).await;
        drop(file);
        // On an error, `partial` is removed when dropped.
        let size = result?;
        partial
            .persist(path)
            .map_err(|e| Error::write_failed(Some(path), e.error))?;
        Ok(size)
    }

    /// Downloads into `file` (at `path`), starting over after a failure
    /// that may pass, as [`Firefly::download_to_file`] says.
    async fn download_with_retries(
        &self,
        url: &str,
        file: &mut tokio::fs::File,
        path: &Path,
    ) -> Result<u64, Error> {
        let url = storage_url(url)?;
        let timeouts = &self.download_timeouts;
        let deadline = Instant::now() + timeouts.total;
        let mut attempts = 1;
        loop {
            let error = match self.attempt(&url, file, deadline).await {
                Ok(size) => return Ok(size),
                Err(error) => error,
            };
            let out_of_time = Instant::now() + RETRY_PAUSE >= deadline;
            if attempts > timeouts.retries || !error.is_retryable() || out_of_time {
                return Err(with_attempts(error, attempts));
            }
            // The URL carries a signature: only its origin is logged.
            tracing::warn!(
                storage = %origin(&url), attempt = attempts, %error,
                "a download failed; trying it again from the start"
            );
            tokio::time::sleep(RETRY_PAUSE).await;
            // What the failed attempt wrote is dropped.
            file.set_len(0)
                .await
                .map_err(|e| Error::write_failed(Some(path), e))?;
            file.seek(std::io::SeekFrom::Start(0))
                .await
                .map_err(|e| Error::write_failed(Some(path), e))?;
            attempts += 1;
        }
    }
}

/// The pause before a failed download is tried again.
const RETRY_PAUSE: Duration = Duration::from_secs(1);

/// `error` saying how many attempts were made, when it is a download
/// error that carries the count.
fn with_attempts(mut error: Error, made: u32) -> Error {
    if let Error::DownloadTimeout { attempts, .. }
    | Error::DownloadTooSlow { attempts, .. }
    | Error::TruncatedDownload { attempts, .. } = &mut error
    {
        *attempts = made;
    }
    error
}

/// The redirect policy of the SDK's own storage client: at most
/// [`MAX_REDIRECTS`], each allowed by [`redirect_problem`]. A refusal is an
/// error before anything is sent to the target.
pub(crate) fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        // `previous` holds every URL requested so far, the first included.
        let problem = match attempt.previous().last() {
            _ if attempt.previous().len() > MAX_REDIRECTS => Some("more than 5 redirects"),
            Some(from) => redirect_problem(from, attempt.url()),
            None => Some("it has no origin"),
        };
        match problem {
            None => attempt.follow(),
            Some(reason) => {
                let refusal = RedirectRefusal {
                    location: origin(attempt.url()),
                    reason,
                };
                attempt.error(refusal)
            }
        }
    })
}

/// Why a download does not go from `from` to `to`, if it does not: https
/// always may; plain http only from one loopback host to another (local
/// tests and emulators); nothing goes from https down to http.
fn redirect_problem(from: &Url, to: &Url) -> Option<&'static str> {
    match to.scheme() {
        "https" => None,
        "http" if from.scheme() == "https" => Some("it would go from https down to plain http"),
        "http" if config::is_loopback(from) && config::is_loopback(to) => None,
        "http" => Some("plain http is followed only from one loopback host to another"),
        _ => Some("it is not an http(s) URL"),
    }
}

/// Scheme and host of a URL, for errors: its path and query may carry the
/// pre-signed URL's signature.
fn origin(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// Carries a redirect refusal through the HTTP client's error.
#[derive(Debug)]
struct RedirectRefusal {
    location: String,
    reason: &'static str,
}

impl std::fmt::Display for RedirectRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redirect to {} refused: {}", self.location, self.reason)
    }
}

impl std::error::Error for RedirectRefusal {}

/// A request to the storage host that did not complete: a redirect the
/// policy refused, or a transport failure.
fn request_failed(error: reqwest::Error) -> Error {
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        if let Some(refusal) = cause.downcast_ref::<RedirectRefusal>() {
            return Error::RedirectRefused {
                location: refusal.location.clone(),
                reason: refusal.reason,
            };
        }
        source = cause.source();
    }
    transport_error("storage", OPERATION, error, false)
}

fn storage_url(url: &str) -> Result<Url, Error> {
    let parsed = Url::parse(url).map_err(|e| config::ConfigError::InvalidUrl {
        setting: "download URL",
        value: crate::error::printable(url).chars().take(200).collect(),
        reason: e.to_string(),
    })?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if config::is_loopback(&parsed) => Ok(parsed),
        _ => Err(config::ConfigError::InsecureUrl {
            setting: "download URL",
            value: origin(&parsed),
        }
        .into()),
    }
}

/// What the storage host said when it refused: never Firefly's error shape,
/// and never about the credentials (the URL is its own). At most
/// [`MAX_ERROR_BODY`] of the body is read, within `idle`; a body that does
/// not come leaves the error without an excerpt.
async fn storage_error(response: reqwest::Response, idle: Duration) -> Error {
    let status = response.status().as_u16();
    // S3-style storage names its request id differently.
    let request_id = header(response.headers(), "x-amz-request-id")
        .or_else(|| header(response.headers(), REQUEST_ID));
    let body = tokio::time::timeout(idle, read_capped(response, MAX_ERROR_BODY))
        .await
        .ok()
        .and_then(Result::ok)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(from: &str, to: &str) -> Option<&'static str> {
        redirect_problem(&Url::parse(from).unwrap(), &Url::parse(to).unwrap())
    }

    #[test]
    fn redirects_go_to_https_or_between_loopback_hosts_only() {
        assert_eq!(problem("https://a.example/x", "https://b.example/y"), None);
        assert_eq!(problem("http://127.0.0.1:1/x", "https://b.example/y"), None);
        assert_eq!(
            problem("http://127.0.0.1:1/x", "http://localhost:2/y"),
            None
        );
        assert!(problem("http://127.0.0.1:1/x", "http://example.invalid/y").is_some());
        assert!(problem("https://a.example/x", "http://b.example/y").is_some());
        assert!(problem("https://localhost/x", "http://127.0.0.1/y").is_some());
        assert!(problem("https://a.example/x", "ftp://b.example/y").is_some());
    }

    #[test]
    fn errors_name_only_the_origin_of_a_url() {
        let url = Url::parse("https://bucket.example:8443/a/b.png?X-Amz-Signature=secret").unwrap();
        assert_eq!(origin(&url), "https://bucket.example:8443");
    }
}
