//! The InDesign API's family of routes, mounted under its prefix
//! ([`Api::prefix`](crate::api::Api::prefix)): the six job operations and
//! custom scripts run on documents (`jobs`), `GET /v3/status/{id}`, the
//! custom scripts kept per emulator and the InDesign versions (`scripts`).
//! Every JSON body is checked against InDesign's own spec.
//!
//! Like Adobe's workers, a job reads its inputs from the user's URLs and
//! writes its outputs to the user's pre-signed URLs (`transfer`); the work
//! is done once, when a poll first finds the job done (`work`), making
//! real files (`files`: PDF, PNG, JPEG, an InDesign document, a ZIP).

mod files; // the files a job writes: PDF, PNG, JPEG, INDD, ZIP
mod jobs; // submissions and `/v3/status/{id}`
mod scripts; // custom scripts and the InDesign versions
mod transfer; // HTTP to the user's storage, bounded
mod work; // a job's work: inputs, outputs, its report

use axum::extract::State;

use super::Routes;
use crate::api::Verb;

/// The scope a token needs for InDesign requests (as Photoshop's: the
/// organization's, which Adobe's one scope string for every API has).
const SCOPE: &str = "read_organizations";

/// The operations: each `POST` starts a job.
const OPERATIONS: [&str; 6] = [
    "/v3/merge-data",
    "/v3/merge-data-tags",
    "/v3/remap-links",
    "/v3/create-rendition",
    "/v3/document-info",
    "/v3/convert-pdf-to-indesign",
];

/// Every route of the InDesign API.
pub(super) fn routes() -> Routes {
    let mut routes = Routes::new();
    for path in OPERATIONS {
        routes = routes.route(Verb::Post, path, move |State(app), headers, body| {
            jobs::submit(app, path.to_owned(), path, headers, body)
        });
    }
    routes
        .route(Verb::Get, "/v3/status/{id}", jobs::status)
        .route(Verb::Get, "/v3/app-versions", scripts::app_versions)
        .route(Verb::Get, "/v3/scripts", scripts::list)
        .route(Verb::Post, "/v3/scripts", scripts::submit)
        .route(Verb::Get, "/v3/scripts/{script_name}", scripts::details)
        .route(Verb::Delete, "/v3/scripts/{script_name}", scripts::delete)
        .route(
            Verb::Put,
            "/v3/scripts/{script_name}/app-version",
            scripts::app_version,
        )
        .route(Verb::Post, "/v3/{script_id}/{script_name}", scripts::run)
}

/// The operations whose request bodies are checked against its spec.
pub(super) fn validated_operations() -> Vec<(Verb, &'static str)> {
    let mut operations: Vec<_> = OPERATIONS.iter().map(|path| (Verb::Post, *path)).collect();
    operations.push((Verb::Post, "/v3/{script_id}/{script_name}"));
    operations.push((Verb::Put, "/v3/scripts/{script_name}/app-version"));
    operations
}
