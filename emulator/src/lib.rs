//! A local emulator of Adobe IMS, the Firefly API and Photoshop API v2,
//! for trying the SDK without an Adobe account and for testing code that
//! uses it.
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
//!   URLs that need no credentials and expire;
//! - Photoshop API v2's six operations (`/v2/create-composite`, `/v2/edit`,
//!   `/v2/execute-actions`, `/v2/generate-manifest`, `/v2/create-artboard`,
//!   `/v1/auto-crop`), each answering 202 with a job, and
//!   `GET /v2/status/{jobId}`. Like Adobe, a job reads its inputs from
//!   their URLs and writes its outputs to the user's pre-signed URLs (or
//!   keeps them in the emulator's storage, or embeds them in the status):
//!   PNG, JPEG, TIFF, DNG, PSD, XMP and manifests, sized from the real
//!   input. `https://` URLs are reached with the `https` feature (on by
//!   default), `http://` ones on loopback only.
//!
//! Like Adobe it checks the bearer token (401), the `x-api-key` (403), and
//! each request against its own operation in its API's spec:
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

// The modules import one way, never back: `api`, `faults` and `image`
// import nothing of the crate; `formats` imports `image`; `settings`
// imports `faults`; `store` imports `faults`, `image` and `settings` (and
// no HTTP); `validation` imports `api`; `responses` imports `faults`;
// `routes` imports all of the above; `server` imports `routes`.
mod api; // which API a route belongs to, HTTP methods: words every layer shares
mod faults; // the faults, which request they fall on, their text form
mod formats; // the files Photoshop jobs write (PNG, JPEG, TIFF, DNG, PSD, XMP); PSD layers read
mod image; // deterministic stand-in pixels, PNGs and MP4s
mod responses; // answers in Adobe's shapes, HTML pages, cut connections
mod routes; // one family of routes per API (routes/firefly/), the shared ones (routes/shared/)
mod server; // starting a server; the Emulator handle
mod settings; // EmulatorBuilder: settings and their defaults
mod store; // tokens, secrets, jobs, files, fault counters, the request log: no HTTP
mod validation; // requests against their API's own spec, one validator per API

pub use faults::{FaultApi, Faults, FaultsServed, RetryAfter, ServerErrorBurst};
pub use server::{Emulator, served_routes};
pub use settings::{EmulatorBuilder, FAULTS_ENV};
pub use store::ReceivedRequest;
