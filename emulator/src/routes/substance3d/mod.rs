//! The Substance 3D API's family of routes, mounted under its prefix
//! ([`Api::prefix`](crate::api::Api::prefix)): the six job operations,
//! each answering 202 with the job (`{id, status, url, bugReportUrl}`)
//! and `Retry-After`, or, with `?wait=true`, the finished job; the job's
//! `url` (not in Adobe's spec: the service hands it out), answering
//! `Retry-After` while the job runs and holding its answer with
//! `?wait=true`; and spaces, multipart uploads kept until they expire.
//!
//! A job's work is done once, when a poll first finds it done (`work`):
//! its inputs read from their URLs or spaces, its outputs made as real
//! files (PNG renders, JPEG composites, glTF/GLB/OBJ/USD/FBX scenes, a
//! describe result in Adobe's shape) and kept in the emulator's storage.

mod jobs; // submissions, the job URL, `?wait=true`
mod scenes; // the scene files convert and assemble write
mod spaces; // `POST /v1/spaces`
mod work; // a job's work: inputs read, outputs made

use axum::extract::State;

use super::Routes;
use crate::api::Verb;

/// The scope a token needs: the organization's, as for Photoshop (the
/// Firefly Services guides ask one scope string for every API).
const SCOPE: &str = "read_organizations";

/// The operations: each `POST` starts a job.
const OPERATIONS: [&str; 6] = [
    "/v1/composites/compose",
    "/v1/scenes/assemble",
    "/v1/scenes/convert",
    "/v1/scenes/describe",
    "/v1/scenes/render",
    "/v1/scenes/render-basic",
];

/// The job URL's path, under the prefix.
const JOB_PATH: &str = "/v1/jobs/{job_id}";

/// Every route of The Substance 3D API.
pub(super) fn routes() -> Routes {
    let mut routes = Routes::new();
    for path in OPERATIONS {
        routes = routes.route(Verb::Post, path, move |State(app), query, headers, body| {
            jobs::submit(app, path, query, headers, body)
        });
    }
    routes
        .route(Verb::Get, JOB_PATH, jobs::status)
        .route(Verb::Post, "/v1/spaces", spaces::create)
}

/// The operations whose request bodies are checked against its spec (a
/// space's multipart body has no JSON schema to check).
pub(super) fn validated_operations() -> Vec<(Verb, &'static str)> {
    OPERATIONS.iter().map(|path| (Verb::Post, *path)).collect()
}
