//! Photoshop API v2's family of routes (`https://photoshop-api.adobe.io`,
//! and auto-crop's `https://image.adobe.io`, both served on the emulator's
//! one origin): the six operations, each starting a job (`jobs`), and the
//! status of those jobs. Every request body is checked against Photoshop's
//! own spec.
//!
//! Like Adobe's workers, a job reads its inputs from the user's URLs and
//! writes its outputs to the user's pre-signed URLs (`transfer`), or keeps
//! them in the emulator's storage when Adobe-hosted storage is asked for
//! (`outputs`). That work is done once, when a poll first finds the job
//! done (`work`): reading the documents (`inputs`), and making each output
//! from their real size (images, a manifest (`manifest`), XMP settings),
//! or auto-crop's boxes (`autocrop`).

mod autocrop; // auto-crop's crops, subject and objects
mod inputs; // the files a request names, read from their URLs
mod jobs; // submissions and `/v2/status/{jobId}`
mod manifest; // a document's manifest: its size and layer tree
mod outputs; // each output made and taken to its destination
mod transfer; // HTTP to the user's storage, bounded, with deadlines
mod work; // a job's work: inputs, the document's size, outputs

pub(crate) use transfer::client as storage_client;
// The Audio/Video jobs read their inputs as Photoshop's do.
pub(crate) use transfer::{Failure as TransferFailure, fetch as fetch_input};
// Substance 3D's outputs carry times as Photoshop's do.
pub(crate) use jobs::rfc3339;

use axum::extract::State;

use super::Routes;
use crate::api::Verb;

/// The scope a token needs for Photoshop requests. Adobe's Photoshop
/// guides ask IMS for `openid,AdobeID,read_organizations` (no scope of
/// Photoshop's own, unlike Firefly's `firefly_api`), and the Firefly
/// Services guides' one scope string for every API includes it: the
/// emulator asks for the one of those that is not asked by every Adobe
/// token, the organization's.
const SCOPE: &str = "read_organizations";

/// The operations: each `POST` starts a job.
const OPERATIONS: [&str; 6] = [
    "/v2/create-composite",
    "/v2/edit",
    "/v2/execute-actions",
    "/v2/generate-manifest",
    "/v2/create-artboard",
    "/v1/auto-crop",
];

/// Every route of Photoshop API v2.
pub(super) fn routes() -> Routes {
    let mut routes = Routes::new();
    for path in OPERATIONS {
        routes = routes.route(Verb::Post, path, move |State(app), headers, body| {
            jobs::submit(app, path, headers, body)
        });
    }
    routes.route(Verb::Get, "/v2/status/{job_id}", jobs::status)
}

/// The operations whose request bodies are checked against Photoshop's
/// spec.
pub(super) fn validated_operations() -> Vec<(Verb, &'static str)> {
    OPERATIONS.iter().map(|path| (Verb::Post, *path)).collect()
}
