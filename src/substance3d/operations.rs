//! The six job operations. Each accepts its request type (or its
//! builder), checks it against the limits of Adobe's schema, and answers
//! with a [`Substance3dJob`]: the job's id, the URL to poll and the
//! `Retry-After` the service asked for.

use std::{fmt, sync::OnceLock};

use serde_json::Value;

use super::{Substance3d, Substance3dJob, Substance3dOperation, generated, types};
use crate::{Error, decode::settle, transport::recorded, validate};

/// Substance 3D's embedded spec, for the limits of its requests.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    validate::parsed_spec(
        &SPEC,
        include_str!(concat!(env!("OUT_DIR"), "/substance3d_spec.json")),
    )
}

/// The request types of the six operations, each knowing its operation.
mod sealed {
    pub trait Operation {
        /// The operation.
        const OPERATION: super::Substance3dOperation;
    }
}

/// A request of one of the six job operations (`ComposeRequest`,
/// `AssembleRequest`, `ConvertRequest`, `DescribeRequest`,
/// `RenderRequest`, `RenderBasicRequest`), which [`Substance3d::check`]
/// checks. Implemented by those types only.
pub trait Substance3dRequest: sealed::Operation + serde::Serialize {}

impl Substance3d {
    /// Checks `request` as its operation does before sending it: against
    /// the limits of Adobe's schema. Sends nothing.
    pub fn check<T: Substance3dRequest>(&self, request: &T) -> Result<(), Error> {
        validate::check_limits_in(
            spec(),
            generated::OPERATIONS,
            T::OPERATION.operation_id(),
            request,
        )?;
        Ok(())
    }
}

/// The job a 202 answer describes; an answer without an id or a URL is
/// not one.
fn accepted(
    operation: Substance3dOperation,
    id: String,
    url: String,
    retry_after: Option<std::time::Duration>,
) -> Result<Substance3dJob, Error> {
    let missing = |field: &str| Error::Decode {
        operation: operation.operation_id(),
        status: Some(202),
        detail: format!("the job was accepted but the answer has no `{field}`"),
        request_id: None,
    };
    if id.trim().is_empty() {
        return Err(missing("id"));
    }
    if url.trim().is_empty() {
        return Err(missing("url"));
    }
    Ok(Substance3dJob {
        id,
        url,
        operation,
        retry_after,
    })
}

/// One operation: its Rust name, its request and job types, the
/// operation and the generated method.
macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        $name:ident($request:ident) -> $job:ident => $operation:ident, $method:ident;
    )+) => {
        impl Substance3d {
            $(
                $(#[$doc])*
                pub async fn $name<R>(&self, request: R) -> Result<Substance3dJob, Error>
                where
                    R: TryInto<types::$request>,
                    R::Error: fmt::Display,
                {
                    let request: types::$request = validate::built(request)?;
                    self.check(&request)?;
                    let operation = Substance3dOperation::$operation;
                    let call = self.raw.$method().body(request);
                    let (result, record) = recorded(call.send()).await;
                    let retry_after = result
                        .as_ref()
                        .ok()
                        .and_then(|answer| crate::retry::retry_after(answer.headers()));
                    let job: types::$job =
                        settle(operation.operation_id(), result, record).await?;
                    accepted(operation, job.id, job.url, retry_after)
                }
            )+
        }
        $(
            impl sealed::Operation for types::$request {
                const OPERATION: Substance3dOperation = Substance3dOperation::$operation;
            }
            impl Substance3dRequest for types::$request {}
        )+
    };
}

operations! {
    /// Composites a scene's hero asset into a background Firefly generates
    /// from a prompt (`POST /v1/composites/compose`).
    compose_scene(ComposeRequest) -> ComposeJob => Compose, compose_scene;
    /// Assembles one scene from a base file, models, materials, a camera
    /// and an environment (`POST /v1/scenes/assemble`).
    assemble_scene(AssembleRequest) -> AssembleJob => Assemble, assemble_scene;
    /// Converts a 3D file to another format (`POST /v1/scenes/convert`).
    convert_model(ConvertRequest) -> ConvertJob => Convert, convert_model;
    /// Describes a scene: its statistics, cameras, materials and node tree
    /// (`POST /v1/scenes/describe`).
    describe_scene(DescribeRequest) -> DescribeJob => Describe, describe_scene;
    /// Renders a scene described in full (`POST /v1/scenes/render`).
    render_scene(RenderRequest) -> RenderJob => Render, render_scene;
    /// Renders one model, framed automatically
    /// (`POST /v1/scenes/render-basic`).
    render_model(RenderBasicRequest) -> RenderBasicJob => RenderBasic, render_model;
}
