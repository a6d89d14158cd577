//! Synchronous generation: the image endpoints without `-async`, answering
//! with the result at once.

use std::sync::Arc;

use axum::{body::Bytes, extract::State, http::HeaderMap, response::Response};

use super::generation::{METHOD, Operation, result_body};
use crate::{
    responses::json_response,
    routes::Routes,
    state::{EmulatorState, OutputKind},
};

/// The endpoints that answer with the result.
pub(super) const OPERATIONS: &[Operation] = &[
    Operation {
        path: "/v3/images/generate",
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/generate-similar",
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/expand",
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/fill",
        output: OutputKind::Image,
    },
    Operation {
        path: "/v3/images/generate-object-composite",
        output: OutputKind::Image,
    },
];

pub(super) fn routes() -> Routes {
    let mut routes = Routes::new();
    for operation in OPERATIONS {
        let operation = *operation;
        routes = routes.route(
            METHOD,
            operation.path,
            move |State(state), headers, body| generate(state, operation, headers, body),
        );
    }
    routes
}

async fn generate(
    state: Arc<EmulatorState>,
    operation: Operation,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match state.generation_request(operation, &headers, &body).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let size = state.requested_size(&request, operation.output);
    let outputs = state.outputs(&request, operation.output, size);
    json_response(
        200,
        result_body(&outputs, size.size, request["contentClass"].as_str()),
    )
}
