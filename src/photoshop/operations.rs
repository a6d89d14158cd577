//! The six Photoshop operations. Each accepts its request type (or its
//! builder), checks it against the limits of Adobe's schema and its
//! storage URLs against the hosts Photoshop accepts, and answers with a
//! [`PhotoshopJob`].

use std::{fmt, sync::OnceLock};

use serde_json::Value;

use super::{Photoshop, PhotoshopJob, generated, types};
use crate::{Error, decode::outcome, validate};

/// Photoshop's embedded spec, for the limits of its requests.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    validate::parsed_spec(
        &SPEC,
        include_str!(concat!(env!("OUT_DIR"), "/photoshop_spec.json")),
    )
}

/// The request types of the six operations, each knowing its operation.
mod sealed {
    pub trait Operation {
        /// The spec's `operationId`.
        const OPERATION: &'static str;
    }
}

/// A request of one of the six operations (`EditRequest`,
/// `CreateCompositeRequest`, `ExecuteActionsRequest`,
/// `GenerateManifestRequest`, `CreateArtboardRequest`, `AutoCropRequest`),
/// which [`Photoshop::check`] checks. Implemented by those types only.
pub trait PhotoshopRequest: sealed::Operation + serde::Serialize {}

impl Photoshop {
    /// Checks `request` as its operation does before sending it: against
    /// the limits of Adobe's schema, and every storage URL against the
    /// hosts Photoshop accepts ([`STORAGE_HOSTS`](super::STORAGE_HOSTS),
    /// or any with `allow_any_storage_host`). Sends nothing. For callers
    /// with work to do before submitting (uploading an input to the URL
    /// the request names) that a refused request should not cost.
    pub fn check<T: PhotoshopRequest>(&self, request: &T) -> Result<(), Error> {
        validate::check_limits_in(spec(), generated::OPERATIONS, T::OPERATION, request)?;
        self.storage.check(request)?;
        Ok(())
    }
}

/// The job a 202 answer describes; an answer without a job id is not one.
fn job(operation: &'static str, accepted: types::JobAccepted) -> Result<PhotoshopJob, Error> {
    let job_id = accepted
        .job_id
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| Error::Decode {
            operation,
            status: Some(202),
            detail: "the job was accepted but the answer has no `jobId`".into(),
            request_id: None,
        })?;
    Ok(PhotoshopJob {
        job_id,
        status_url: accepted.status_url,
    })
}

/// One operation: its Rust name, its request type, the spec's
/// `operationId` and the generated method.
macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        $name:ident($request:ident) => $operation:literal, $method:ident;
    )+) => {
        impl Photoshop {
            $(
                $(#[$doc])*
                pub async fn $name<R>(&self, request: R) -> Result<PhotoshopJob, Error>
                where
                    R: TryInto<types::$request>,
                    R::Error: fmt::Display,
                {
                    let request: types::$request = validate::built(request)?;
                    self.check(&request)?;
                    let call = self.raw.$method().body(request);
                    let accepted = outcome($operation, call.send()).await?;
                    job($operation, accepted)
                }
            )+
        }
        $(
            impl sealed::Operation for types::$request {
                const OPERATION: &'static str = $operation;
            }
            impl PhotoshopRequest for types::$request {}
        )+
    };
}

operations! {
    /// Applies edits to a document (`POST /v2/edit`), including the
    /// Lightroom-style adjustments, and writes the outputs you name.
    edit(EditRequest) => "edit", edit;
    /// Makes a new document from layers (`POST /v2/create-composite`).
    create_composite(CreateCompositeRequest) => "createComposite", create_composite;
    /// Plays Photoshop actions (`.atn`) on a document
    /// (`POST /v2/execute-actions`).
    execute_actions(ExecuteActionsRequest) => "executeActions", execute_actions;
    /// Describes a document: its size and layers
    /// (`POST /v2/generate-manifest`).
    generate_manifest(GenerateManifestRequest) => "generateManifest", generate_manifest;
    /// Makes a document with one artboard per input image
    /// (`POST /v2/create-artboard`).
    create_artboard(CreateArtboardRequest) => "createArtboard", create_artboard;
    /// Finds the subject of an image and crops to it (`POST /v1/auto-crop`).
    auto_crop(AutoCropRequest) => "autoCrop", auto_crop;
}
