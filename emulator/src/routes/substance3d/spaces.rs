//! `POST /v1/spaces`: a multipart upload, each part a file kept under its
//! field's name (or its file name) in a new space, which expires after
//! the emulator's URL lifetime. Answers 201 with the space in Adobe's
//! `Space` shape.

use std::sync::Arc;

use axum::{
    extract::{FromRequest, Multipart, Request, State},
    response::Response,
};
use serde_json::json;

use super::SCOPE;
use crate::{
    api::Api,
    responses::json_response,
    routes::{App, photoshop::rfc3339},
    store::SpaceFile,
};

/// The most a space may hold, in all: the emulator keeps it in memory.
const MAX_SPACE_BYTES: usize = 256 << 20;

/// `POST /v1/spaces`.
pub(super) async fn create(State(app): State<Arc<App>>, request: Request) -> Response {
    if let Err(refusal) = app
        .admit_to(
            Api::Substance3d,
            "POST",
            "/v1/spaces",
            request.headers(),
            SCOPE,
        )
        .await
    {
        return refusal;
    }
    let mut form = match Multipart::from_request(request, &()).await {
        Ok(form) => form,
        Err(_) => {
            return app.error(
                415,
                "invalid_content_type",
                "The body must be multipart/form-data",
            );
        }
    };
    let mut files = Vec::new();
    let mut total = 0usize;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return app.error(400, "bad_request", "The multipart body is malformed"),
        };
        let name = field
            .file_name()
            .or(field.name())
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_owned();
        if name.is_empty() || name.split('/').any(|segment| segment == "..") {
            return app.error(422, "invalid_file_name", "Every file needs a relative name");
        }
        let mut content = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total > MAX_SPACE_BYTES {
                        return app.error(413, "request_too_large", "The files are too large");
                    }
                    content.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(_) => return app.error(400, "bad_request", "The multipart body is malformed"),
            }
        }
        files.push(SpaceFile {
            name,
            content: Arc::from(content),
        });
    }
    if files.is_empty() {
        return app.error(422, "no_files", "The space holds no file");
    }
    let listed: Vec<_> = files
        .iter()
        .map(|file| (file.name.clone(), file.content.len()))
        .collect();
    let (id, expires) = app
        .store
        .create_space(files, app.store.settings.url_lifetime);
    let url = format!("{}{}/v1/spaces/{id}", app.url, Api::Substance3d.prefix());
    let files: Vec<_> = listed
        .into_iter()
        .map(|(name, size)| json!({"name": name, "size": size, "url": format!("{url}/files/{name}")}))
        .collect();
    json_response(
        201,
        json!({"id": id, "url": url, "expiry": rfc3339(expires), "files": files}),
    )
}
