//! Synchronous generation: the image endpoints without `-async`, answering
//! with the result at once.

use std::sync::Arc;

use axum::{body::Bytes, extract::State, http::HeaderMap, response::Response};

use super::generation::{METHOD, Operation, checked_request, outputs, requested_size, result_body};
use crate::{
    responses::json_response,
    routes::{App, Routes},
    store::OutputKind,
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
        routes = routes.route(METHOD, operation.path, move |State(app), headers, body| {
            generate(app, operation, headers, body)
        });
    }
    routes
}

async fn generate(
    app: Arc<App>,
    operation: Operation,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match checked_request(&app, operation, &headers, &body).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let size = requested_size(&app, &request, operation.output);
    let outputs = outputs(&app, &request, operation.output, size);
    json_response(
        200,
        result_body(&outputs, size.size, request["contentClass"].as_str()),
    )
}
