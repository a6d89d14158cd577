#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(clippy::await_holding_lock, clippy::await_holding_refcell_ref)]

// The front door, its configuration, and waiting for jobs.
mod builder;
mod client;
mod wait;
pub use builder::FireflyBuilder;
pub use client::Firefly;
pub use wait::WaitOptions;

// Generation operations: images (text, similar, expand, fill, composite), video.
mod operations;

// Saving generated files from their pre-signed URLs, without credentials.
mod download;
pub use download::DownloadTimeouts;

// Uploading input images.
mod upload;
pub use upload::{ImageFormat, MAX_UPLOAD_BYTES};

// Custom models and the credentials check.
mod models;
pub use models::CustomModelsQuery;

// Client-secret rotation through the Adobe I/O Management API.
pub mod secrets;

// Errors: one type for every call, with predicates and accessors.
mod error;
pub use error::{ApiError, Error, ValidationError};

// Access tokens: the IMS token manager, static tokens, your own source.
pub mod auth;

// Environment variables, default endpoints, configuration errors.
pub mod config;
pub use config::ConfigError;

// Request and response types (generated from the spec) and open enums.
pub mod types;

// A job's status, read leniently whatever the shape of its result.
mod job_status;

// Generated from openapi/firefly/firefly.yaml by build.rs; not public.
mod generated;

// Credentials, retries and the 401 replay for every request.
mod transport;
pub use transport::ClientStats;

// Responses into results: success bodies, Adobe's error bodies, refusals.
mod decode;

// The one place HTTP clients are made (TLS backend, User-Agent).
mod http;

// Retries, Retry-After parsing.
mod retry;
pub use retry::RetryPolicy;

// The client-side rate limit, per process or shared by a fleet.
mod limiter;
pub use limiter::{RateLimit, RateLimitError};

// A fleet of processes sharing one quota and one token through Redis.
#[cfg(feature = "redis")]
pub mod fleet;

// Firefly's documented limits, checked before sending.
mod validate;

// The models and sizes Adobe documents, as the checks above use them.
pub mod catalog;

// A stable hash for cross-process names.
mod fingerprint;

// Server-provided text cleaned of secrets and terminal escapes.
mod redact;

/// The largest success body the SDK reads from Firefly: 16 MiB.
///
/// Firefly's JSON answers are a few kilobytes; a longer body (announced by
/// `Content-Length` or found while reading) is an [`Error::Decode`] saying it
/// was too large, and its connection is closed rather than read to the end.
/// Error bodies are read up to 64 KiB, which is plenty to explain them.
/// Downloads are not limited: they stream to a file or writer.
pub const MAX_JSON_BODY: usize = 16 * 1024 * 1024;

/// The `User-Agent` the SDK sends.
pub const USER_AGENT: &str = concat!("adobe-firefly-rust/", env!("CARGO_PKG_VERSION"));

/// SHA-256 of the `openapi/firefly/firefly.yaml` the client was generated from.
pub const SPEC_SHA256: &str = generated::SPEC_SHA256;

/// The vendored OpenAPI spec the client was generated from, as JSON.
pub const SPEC_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/firefly_spec.json"));

// Property-test helpers for the unit tests.
#[cfg(test)]
mod test_support;
