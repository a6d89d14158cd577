//! A small storage server for the Photoshop tests of the CLI, on
//! 127.0.0.1, standing in for S3 behind pre-signed URLs: `GET /in/{name}`
//! serves the files a test put there, `PUT` (and Dropbox's `POST`)
//! `/out/{name}` accepts an output, `PUT /refuse/{name}` answers 403 as S3
//! does to a badly signed URL. It records every request it gets, in order.
#![allow(dead_code)]

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, Method, StatusCode},
    response::IntoResponse,
    routing::{any, get},
};

/// One request the storage got.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    /// The path, such as `/out/result.png`.
    pub path: String,
    pub content_type: Option<String>,
    /// Azure's `x-ms-blob-type`, if sent.
    pub blob_type: Option<String>,
    pub had_authorization: bool,
    pub body: Vec<u8>,
}

#[derive(Default)]
struct Shared {
    files: HashMap<String, Vec<u8>>,
    received: Vec<Received>,
}

/// A running storage server; stops when dropped.
pub struct Storage {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Storage {
    fn drop(&mut self) {
        self.server.abort();
    }
}

type Store = Arc<Mutex<Shared>>;

fn lock(shared: &Store) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

fn record(shared: &Store, method: &Method, path: String, headers: &HeaderMap, body: &[u8]) {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    lock(shared).received.push(Received {
        method: method.to_string(),
        path,
        content_type: header("content-type"),
        blob_type: header("x-ms-blob-type"),
        had_authorization: headers.contains_key("authorization"),
        body: body.to_vec(),
    });
}

async fn serve_input(
    State(shared): State<Store>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> impl IntoResponse {
    record(&shared, &Method::GET, format!("/in/{name}"), &headers, b"");
    match lock(&shared).files.get(&name) {
        Some(bytes) => (StatusCode::OK, bytes.clone()),
        None => (
            StatusCode::NOT_FOUND,
            b"<Error><Code>NoSuchKey</Code></Error>".to_vec(),
        ),
    }
}

async fn accept_output(
    State(shared): State<Store>,
    method: Method,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    record(&shared, &method, format!("/out/{name}"), &headers, &body);
    match method {
        Method::PUT | Method::POST => StatusCode::OK,
        _ => StatusCode::METHOD_NOT_ALLOWED,
    }
}

async fn refuse_output(
    State(shared): State<Store>,
    method: Method,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    record(&shared, &method, format!("/refuse/{name}"), &headers, &body);
    (
        StatusCode::FORBIDDEN,
        "<Error><Code>SignatureDoesNotMatch</Code></Error>",
    )
}

impl Storage {
    pub async fn start() -> Self {
        let shared: Store = Arc::default();
        let router = Router::new()
            .route("/in/{name}", get(serve_input))
            .route("/out/{name}", any(accept_output))
            .route("/refuse/{name}", any(refuse_output))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the storage");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            url,
            shared,
            server,
        }
    }

    /// Puts a file there; its pre-signed-style GET URL.
    pub fn input(&self, name: &str, bytes: Vec<u8>) -> String {
        lock(&self.shared).files.insert(name.to_owned(), bytes);
        format!("{}/in/{name}?X-Amz-Signature=get-{name}", self.url)
    }

    /// The pre-signed-style PUT URL of an output named `name`.
    pub fn output(&self, name: &str) -> String {
        format!("{}/out/{name}?X-Amz-Signature=put-{name}", self.url)
    }

    /// A PUT URL the storage refuses with 403.
    pub fn refusing(&self, name: &str) -> String {
        format!("{}/refuse/{name}?X-Amz-Signature=wrong", self.url)
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.shared).received.clone()
    }

    /// The uploads (PUT or POST) to `path`, such as `/out/a.png`.
    pub fn uploads_to(&self, path: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.path == path && r.method != "GET")
            .collect()
    }

    /// The one upload to `/out/{name}`, which must have arrived.
    pub fn uploaded(&self, name: &str) -> Received {
        let mut uploads = self.uploads_to(&format!("/out/{name}"));
        assert_eq!(uploads.len(), 1, "one upload of {name}: {:?}", self.paths());
        uploads.remove(0)
    }

    /// What was asked of the storage, as `METHOD path` lines.
    pub fn paths(&self) -> Vec<String> {
        self.received()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }
}
