//! What the InDesign examples share: storage on 127.0.0.1 that serves the
//! example's input files and takes the outputs InDesign PUTs, as the
//! pre-signed URLs of a bucket would, and waiting for a job.
//!
//! InDesign reads inputs from storage and writes outputs to storage; it
//! takes no uploads. Offline, the emulator reaches this local storage;
//! Adobe cannot, so against Adobe the examples stop and say so (give
//! InDesign pre-signed URLs of your own storage, as the `storage` feature
//! signs them).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use adobe_firefly::{
    WaitOptions,
    config::env,
    indesign::{InDesignJob, JobOutcome},
};
use axum::{
    body::{Body, Bytes},
    extract::{Path, State},
    http::{Method, StatusCode},
    response::Response,
};

use super::{Example, Result};

/// Files by name: the inputs served, the outputs received.
type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// Storage on 127.0.0.1 for one example.
pub struct Storage {
    /// Its base URL.
    pub url: String,
    files: Files,
}

impl Storage {
    /// Starts storage serving `inputs` (name, bytes). Refuses to run
    /// against Adobe, which cannot reach it.
    pub async fn start(inputs: &[(&str, &[u8])]) -> Result<Self> {
        if std::env::var_os(env::CLIENT_ID).is_some() {
            return Err(
                "the InDesign examples keep their files on 127.0.0.1, which only the \
                        local emulator reaches: unset FIREFLY_SERVICES_CLIENT_ID, or give \
                        InDesign pre-signed URLs of your own storage"
                    .into(),
            );
        }
        let files: Files = Arc::new(Mutex::new(
            inputs
                .iter()
                .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
                .collect(),
        ));
        let app = axum::Router::new()
            .route("/{name}", axum::routing::any(serve))
            .with_state(files.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self { url, files })
    }

    /// An input asset: where to read `name`, and its place in the job's
    /// working folder.
    pub fn asset(&self, name: &str) -> serde_json::Value {
        serde_json::json!({"source": {"url": format!("{}/{name}", self.url)}, "destination": name})
    }

    /// An output: the file the job writes, PUT to `name` here.
    pub fn output(&self, name: &str) -> serde_json::Value {
        serde_json::json!({"source": name,
            "destination": {"url": format!("{}/{name}?signature=example", self.url)}})
    }

    /// Saves what was PUT to `name` into the example's folder.
    pub async fn save(&self, example: &Example, name: &str) -> Result<()> {
        let bytes = self
            .files
            .lock()
            .map_err(|_| "storage lock poisoned")?
            .get(name)
            .cloned()
            .ok_or_else(|| format!("InDesign wrote no {name}"))?;
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "bin"));
        let path = example.write(stem, ext, &bytes).await?;
        println!("saved {} ({} bytes)", path.display(), bytes.len());
        Ok(())
    }
}

/// GET serves a file, PUT keeps one.
async fn serve(
    State(files): State<Files>,
    Path(name): Path<String>,
    method: Method,
    body: Bytes,
) -> Response {
    let mut files = files
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (status, body) = match method {
        Method::PUT => {
            files.insert(name, body.to_vec());
            (StatusCode::OK, Vec::new())
        }
        _ => match files.get(&name) {
            Some(bytes) => (StatusCode::OK, bytes.clone()),
            None => (StatusCode::NOT_FOUND, Vec::new()),
        },
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
}

/// Waits for an InDesign job and says how it ended.
pub async fn wait(example: &Example, job: &InDesignJob) -> Result<JobOutcome> {
    println!("submitted InDesign job {}", job.job_id);
    let outcome = example
        .firefly
        .indesign()
        .wait_for_job(job, &WaitOptions::default())
        .await?;
    for problem in outcome.errors() {
        println!(
            "partly failed: {} {}",
            problem.error_code.as_deref().unwrap_or("?"),
            problem.message.as_deref().unwrap_or("")
        );
    }
    Ok(outcome)
}

/// A stand-in document for the emulator (it reads any bytes).
pub const DOCUMENT: &[u8] = b"an InDesign document";
