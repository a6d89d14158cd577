//! Firefly's uploads: `POST /v2/storage/image`, checked for type and size
//! (`upload_check`); the size in an upload's header is remembered for the
//! jobs that follow their input's size.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, header},
    response::Response,
};
use serde_json::json;

use super::{SCOPE, upload_check};
use crate::{
    api::Verb,
    responses::{json_response, respond},
    routes::{App, Routes},
};

pub(super) fn routes() -> Routes {
    Routes::new().route(Verb::Post, "/v2/storage/image", upload)
}

async fn upload(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refusal) = app
        .admit("POST", "/v2/storage/image", &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !upload_check::ACCEPTED.contains(&declared) {
        return app.error(
            415,
            "invalid_content_type",
            "Upload image/jpeg, image/png, image/webp, image/jxl or image/tiff",
        );
    }
    if body.len() > upload_check::MAX_UPLOAD_BYTES {
        return respond(
            413,
            "text/html",
            "<html><body><h1>413 Request Entity Too Large</h1></body></html>".into(),
        );
    }
    match upload_check::sniff_media_type(&body) {
        Some(found) if found == declared => {}
        _ => {
            return app.error(
                400,
                "bad_request",
                "The body is not an image of the declared type",
            );
        }
    }
    // Remembered for the jobs that follow the input's size (upscale,
    // composites); an unreadable header is remembered as such, for their
    // refusal to say so.
    let id = app.store.remember_upload(upload_check::header_size(&body));
    json_response(200, json!({"images": [{"id": id}]}))
}
