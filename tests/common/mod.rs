//! A scriptable HTTP server on 127.0.0.1 for tests: it records every request
//! and answers with whatever the test's handler says.
//!
//! It runs on the test's own Tokio runtime, so tests with paused time stay
//! deterministic: a scripted delay is a `tokio::time::sleep` in the server.
#![allow(dead_code)]

mod clients;
mod emulator;
mod schemas;
#[allow(unused_imports)]
pub use clients::*;
#[allow(unused_imports)]
pub use emulator::EmulatorExt;
#[allow(unused_imports)]
pub use schemas::{request, strict_problems};

use std::{
    collections::BTreeMap,
    convert::Infallible,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, StatusCode},
    response::Response,
};
use bytes::Bytes;
use futures::{Stream, StreamExt, stream};
use serde_json::{Value, json};

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
    /// When it arrived, on the (possibly paused) Tokio clock.
    pub at: tokio::time::Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn form(&self) -> BTreeMap<String, String> {
        serde_urlencoded::from_bytes(&self.body).expect("a form body")
    }

    /// A stable, secret-free description for snapshots: the random port is
    /// gone (no `host` header) and credentials are replaced by placeholders.
    pub fn shape(&self) -> Value {
        let headers: BTreeMap<&str, String> = self
            .headers
            .iter()
            .filter(|(name, _)| name.as_str() != "host")
            .map(|(name, value)| {
                let value = match name.as_str() {
                    "authorization" if value.starts_with("Bearer ") => "Bearer [token]".into(),
                    "authorization" => "[credentials]".into(),
                    "x-user-token" if value.starts_with("Bearer ") => "Bearer [user token]".into(),
                    "x-request-id" => "[random]".into(),
                    "user-agent" => {
                        value.split('/').next().unwrap_or_default().to_owned() + "/[version]"
                    }
                    _ => value.clone(),
                };
                (name.as_str(), value)
            })
            .collect();
        let content_type = self.header("content-type").unwrap_or_default();
        let body = if self.body.is_empty() {
            Value::Null
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            let mut form = self.form();
            if form.contains_key("client_secret") {
                form.insert("client_secret".into(), "[secret]".into());
            }
            json!(form)
        } else {
            serde_json::from_slice(&self.body).unwrap_or_else(|_| json!("[non-JSON body]"))
        };
        json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": headers,
            "body": body,
        })
    }
}

/// What the server does with a request.
pub enum Reply {
    Now(Response),
    After(Duration, Response),
    /// Accept the request and never answer.
    Never,
}

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    requests: Arc<Mutex<Vec<Recorded>>>,
    handler: Arc<Handler>,
}

pub struct FakeServer {
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl FakeServer {
    /// Starts a server whose handler gets each request and the number of
    /// earlier requests to the same path.
    pub async fn start(
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            requests: requests.clone(),
            handler: Arc::new(handler),
        };
        let app = axum::Router::new().fallback(serve).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, requests }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    pub fn count(&self, path: &str) -> usize {
        self.requests_to(path).len()
    }
}

async fn serve(State(shared): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or("[binary]").to_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
        at: tokio::time::Instant::now(),
    };
    let earlier = {
        let mut requests = shared.requests.lock().unwrap();
        let earlier = requests.iter().filter(|r| r.path == recorded.path).count();
        requests.push(recorded.clone());
        earlier
    };
    match (shared.handler)(&recorded, earlier) {
        Reply::Now(response) => response,
        Reply::After(delay, response) => {
            tokio::time::sleep(delay).await;
            response
        }
        Reply::Never => std::future::pending().await,
    }
}

pub fn json_response(status: u16, body: Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

pub fn with_header(mut response: Response, name: &'static str, value: &str) -> Response {
    response
        .headers_mut()
        .insert(name, HeaderValue::from_str(value).unwrap());
    response
}

pub fn text_response(status: u16, content_type: &'static str, body: &str) -> Response {
    let mut response = Response::new(Body::from(body.to_owned()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    response
}

pub fn token_body(token: &str, expires_in: u64) -> Value {
    json!({"access_token": token, "token_type": "bearer", "expires_in": expires_in})
}

pub const TOKEN_PATH: &str = "/ims/token/v3";
pub const CLIENT_ID: &str = "test-client-id";

/// A job id for tests that script Firefly's answers.
pub const JOB: &str = "urn:ff:jobs:test:1";

/// [`JOB`] with its status and cancel URLs on `server`.
pub fn job(server: &FakeServer) -> adobe_firefly::types::JobAccepted {
    adobe_firefly::types::JobAccepted {
        job_id: JOB.into(),
        status_url: format!("{}/v3/status/{JOB}", server.url),
        cancel_url: format!("{}/v3/cancel/{JOB}", server.url),
    }
}

/// Firefly's answer for [`JOB`] while it runs.
pub fn running() -> Response {
    json_response(200, json!({"jobId": JOB, "status": "running"}))
}

/// The image URL of a job output (tests expect one).
pub fn image_url(output: &adobe_firefly::types::JobOutput) -> &str {
    output
        .image
        .as_ref()
        .and_then(|image| image.url.as_deref())
        .expect("the output has an image URL")
}

/// A response whose body is a stream: no `Content-Length`, so HTTP/1.1
/// sends it chunked, and it ends only when the stream does.
pub fn streamed_response(
    status: u16,
    content_type: &'static str,
    body: impl Stream<Item = Bytes> + Send + 'static,
) -> Response {
    let mut response = Response::new(Body::from_stream(body.map(Ok::<_, Infallible>)));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    response
}

/// Lazily made bodies of any size, counting what the server actually handed
/// to the connection: evidence that a client stopped reading.
#[derive(Clone, Default)]
pub struct LazyBodies {
    sent: Arc<AtomicU64>,
    finished: Arc<tokio::sync::Notify>,
}

impl LazyBodies {
    /// `prefix`, then `filler` bytes up to `len` in all, made 64 KiB at a
    /// time as the server asks for them; never held whole.
    pub fn body(
        &self,
        prefix: &'static [u8],
        filler: u8,
        len: u64,
    ) -> impl Stream<Item = Bytes> + Send + use<> {
        const PIECE: usize = 64 * 1024;
        let piece = Bytes::from(vec![filler; PIECE]);
        let sent = self.sent.clone();
        // Dropped with the stream, whether it ran out or the server gave up
        // on a closed connection.
        let guard = NotifyOnDrop(self.finished.clone());
        stream::unfold((0u64, guard), move |(done, guard)| {
            let piece = piece.clone();
            let sent = sent.clone();
            async move {
                if done >= len {
                    return None;
                }
                let left = usize::try_from(len - done).unwrap_or(usize::MAX);
                let chunk = if done == 0 && !prefix.is_empty() {
                    Bytes::from_static(&prefix[..prefix.len().min(left)])
                } else {
                    piece.slice(..PIECE.min(left))
                };
                sent.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                let done = done + chunk.len() as u64;
                Some((chunk, (done, guard)))
            }
        })
    }

    /// The bytes handed to the server so far.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }

    /// Waits until the server dropped a body: after that, `sent` no longer
    /// grows.
    pub async fn finished(&self) {
        self.finished.notified().await;
    }
}

struct NotifyOnDrop(Arc<tokio::sync::Notify>);

impl Drop for NotifyOnDrop {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}

/// Storage on 127.0.0.1 answering every GET with the same small RGB PNG
/// (8x8), for Photoshop requests whose input must be readable.
pub async fn png_storage() -> FakeServer {
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, 8, 8);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[40u8; 8 * 8 * 3]).unwrap();
    writer.finish().unwrap();
    FakeServer::start(move |_, _| {
        Reply::Now(
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "image/png")
                .body(Body::from(png_bytes.clone()))
                .unwrap(),
        )
    })
    .await
}

/// A fresh, empty directory for one test, under an unpredictable name,
/// removed with everything in it when dropped.
pub struct Scratch(tempfile::TempDir);

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;

    fn deref(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl AsRef<std::path::Path> for Scratch {
    fn as_ref(&self) -> &std::path::Path {
        self.0.path()
    }
}

/// A fresh, empty directory for one test (see [`Scratch`]).
pub fn scratch(name: &str) -> Scratch {
    Scratch(
        tempfile::Builder::new()
            .prefix(&format!("firefly-{name}-"))
            .tempdir()
            .unwrap(),
    )
}
