//! A local emulator of Adobe IMS and the Firefly API, for trying the SDK
//! without an Adobe account and for testing code that uses it.
//!
//! It serves, on 127.0.0.1:
//!
//! - `POST /ims/token/v3`: the client-credentials grant, checking the client
//!   id and secret (400 `invalid_client` otherwise);
//! - every generation endpoint of the vendored spec: images (text,
//!   similar, expand, fill, object composite; each synchronous and as a job),
//!   Image Model 5, upscale, precise and adaptive composites, and video jobs;
//!   an upscale is its input's size times `upscaleFactor`, a composite its
//!   background's size;
//! - `GET /v3/status/{jobId}` (pending, then running, then succeeded;
//!   `cancelled` once cancelled) and `PUT /v3/cancel/{jobId}`;
//! - `POST /v2/storage/image` (uploads, checked for type and size; the
//!   width and height in an upload's header are remembered, for the jobs
//!   that follow their input's size) and `GET /v3/custom-models`
//!   (paginated);
//! - the Adobe I/O Management API's secret rotation (list, create, delete
//!   client secrets; IMS accepts every secret not deleted);
//! - `GET /storage/{file}`: the generated images, behind pre-signed-style
//!   URLs that need no credentials and expire.
//!
//! Like Firefly it checks the bearer token (401), the `x-api-key` (403), and
//! each generation request against its own operation in the vendored spec:
//! the body against the operation's JSON request schema, the
//! `x-model-version` header against its parameter's enum (422 with
//! `validation_errors` naming the field). An operation the spec does not
//! describe makes [`EmulatorBuilder::start`] fail; [`served_routes`] lists
//! every route, for comparing with the spec. Images are deterministic PNGs
//! per (prompt, seed, size).
//! [`Faults`] injects rate limiting, server errors, slow answers, cut
//! connections, HTML error pages, failed and timed-out jobs, content-policy
//! refusals (451), `cancel_pending` after a cancel, early-expiring tokens
//! and Adobe's per-minute quota; [`Emulator::faults_served`] counts the faults
//! that fired.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use adobe_firefly_emulator::Emulator;
//!
//! let emulator = Emulator::start().await?;
//! // Point any Firefly client at it, for example through Adobe's variable names:
//! for (name, value) in emulator.env_vars() {
//!     println!("{name}={value}");
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]
// Handlers answer with an axum `Response` on every path, refusals included;
// boxing the refusals would only add an allocation.
#![allow(clippy::result_large_err)]

mod api; // which API a route belongs to, HTTP methods: words every layer shares
mod faults; // the faults, which request they fall on, their text form
mod image; // deterministic stand-in PNGs and MP4s
mod responses; // answers in Adobe's shapes, HTML pages, cut connections
mod routes; // one family of routes per API (routes/firefly/), and the shared ones (routes/shared/)
mod settings; // EmulatorBuilder: settings, defaults, starting a server
mod state; // tokens, secrets, jobs, images, the request log; admission checks
mod validation; // request bodies against the spec

pub use faults::{Faults, FaultsServed, RetryAfter, ServerErrorBurst};
pub use settings::{EmulatorBuilder, FAULTS_ENV};
pub use state::ReceivedRequest;

use std::{
    fmt,
    sync::{Arc, atomic::Ordering},
};

use settings::scope_list;
use state::EmulatorState;

/// A running emulator. Stops when dropped.
pub struct Emulator {
    url: String,
    state: Arc<EmulatorState>,
    server: tokio::task::JoinHandle<()>,
}

impl Emulator {
    /// Starts an emulator with the default settings (no faults).
    pub async fn start() -> std::io::Result<Self> {
        EmulatorBuilder::default().start().await
    }

    /// Settings for an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The base URL of both IMS and Firefly, such as `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The client id IMS accepts (also the expected `x-api-key`).
    pub fn client_id(&self) -> &str {
        &self.state.settings.client_id
    }

    /// The client secret IMS accepts.
    pub fn client_secret(&self) -> &str {
        &self.state.settings.client_secret
    }

    /// The organization id the Management API knows.
    pub fn organization_id(&self) -> &str {
        &self.state.settings.organization_id
    }

    /// The credential id the Management API knows.
    pub fn credential_id(&self) -> &str {
        &self.state.settings.credential_id
    }

    /// The environment variables that point the SDK (or anything reading
    /// Adobe's variable names) at this emulator.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("FIREFLY_SERVICES_CLIENT_ID", self.client_id().to_owned()),
            (
                "FIREFLY_SERVICES_CLIENT_SECRET",
                self.client_secret().to_owned(),
            ),
            ("FIREFLY_SERVICES_API_URL", self.url.clone()),
            ("FIREFLY_SERVICES_IMS_URL", self.url.clone()),
        ]
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.state.lock().log.clone()
    }

    /// A token as IMS would issue it for these comma-separated scopes, for
    /// tests that talk to the emulator without the SDK.
    pub fn issue_token(&self, scopes: &str) -> String {
        self.state.issue_token(scope_list(scopes))
    }

    /// Revokes every token issued so far, as an administrator would: Firefly
    /// answers 401 to them from now on; tokens issued later are valid.
    pub fn revoke_tokens(&self) {
        self.state.revoke_tokens();
    }

    /// How many tokens IMS has issued.
    pub fn tokens_issued(&self) -> u64 {
        self.state.tokens_issued.load(Ordering::Relaxed)
    }

    /// The ids of the jobs cancelled so far (through `PUT /v3/cancel`),
    /// sorted, so a test can check that a client cancelled its job.
    pub fn canceled_jobs(&self) -> Vec<String> {
        let mut ids = self.state.canceled_jobs();
        ids.sort();
        ids
    }

    /// How many times each injected fault has fired so far, so a test can
    /// check that the faults it configured did happen.
    pub fn faults_served(&self) -> FaultsServed {
        self.state.faults_fired.served()
    }
}

/// The method and path template of every route the emulator serves, such
/// as `("GET", "/v3/status/{job_id}")`, for comparing them with a spec.
/// Path parameter names are the emulator's own; the paths are those of the
/// Firefly API, IMS, the Management API and the download URLs
/// (`/storage/{file}`).
pub fn served_routes() -> Vec<(&'static str, &'static str)> {
    routes::served()
        .into_iter()
        .map(|(method, path)| (method.as_str(), path))
        .collect()
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url)
            .field("client_id", &self.state.settings.client_id)
            .field("faults", &self.state.settings.faults)
            .finish_non_exhaustive()
    }
}
