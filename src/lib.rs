#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(clippy::await_holding_lock, clippy::await_holding_refcell_ref)]

// The front door.
mod client;
pub use client::{Firefly, FireflyBuilder, WaitOptions};

// Generation operations: images (text, similar, expand, fill, composite), video.
mod operations;

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

// Generated from openapi/firefly.yaml by build.rs; not public.
mod generated;

// Credentials, 401 replay and error decoding for every request.
mod transport;

// Retries, the client-side rate limit, Retry-After parsing.
mod retry;
pub use retry::{RateLimit, RetryPolicy};

// Firefly's documented limits, checked before sending.
mod validate;

/// The `User-Agent` the SDK sends.
pub const USER_AGENT: &str = concat!("adobe-firefly-rust/", env!("CARGO_PKG_VERSION"));

/// SHA-256 of the `openapi/firefly.yaml` the client was generated from.
pub const SPEC_SHA256: &str = generated::SPEC_SHA256;

/// The vendored OpenAPI spec the client was generated from, as JSON.
pub const SPEC_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/firefly_spec.json"));

// Saving generated files from their pre-signed URLs, without credentials.
mod download;

/// A local emulator of Adobe IMS and Firefly (feature `emulator`).
#[cfg(feature = "emulator")]
#[cfg_attr(docsrs, doc(cfg(feature = "emulator")))]
pub mod emulator;

/// Property-test helpers shared by the unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use proptest::prelude::*;
    use serde_json::Value;

    /// Arbitrary JSON, nested a few levels deep.
    pub(crate) fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,40}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("error_code".to_owned()),
                        Just("message".to_owned()),
                        Just("validation_errors".to_owned()),
                        Just("detail".to_owned()),
                        Just("loc".to_owned()),
                        Just("msg".to_owned()),
                        ".{0,12}",
                    ],
                    inner,
                    0..8
                )
                .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }
}
