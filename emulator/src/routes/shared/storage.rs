//! The emulator's own storage: outputs behind pre-signed-style URLs, which
//! need no credentials and expire, served at `GET /storage/{file}` for
//! every API whose outputs the emulator keeps; and the URL of an output
//! just stored, for the API that answers with it.

use std::sync::Arc;

use axum::{
    body::{Body, Bytes},
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::Response,
};

use crate::{
    api::Verb,
    responses::respond,
    routes::{App, Routes},
    store::{FileRefusal, SignedFile},
};

pub(super) fn routes() -> Routes {
    Routes::new().route(Verb::Get, "/storage/{file}", download)
}

/// The pre-signed-style URL of a stored output, under the emulator's
/// `base` URL.
pub(crate) fn download_url(base: &str, file: &SignedFile) -> String {
    format!(
        "{base}/storage/{}?X-Expires={}&X-Signature={}",
        file.name, file.expires_unix, file.signature
    )
}

#[derive(serde::Deserialize)]
struct Signature {
    #[serde(rename = "X-Signature")]
    signature: Option<String>,
}

async fn download(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    Query(query): Query<Signature>,
    headers: HeaderMap,
) -> Response {
    app.log("GET", &format!("/storage/{file}"), &headers);
    let download = match app.store.download(&file, query.signature.as_deref()) {
        Ok(download) => download,
        // As a storage host answers: XML, 403, whatever the reason.
        Err(refusal) => {
            let reason = match refusal {
                FileRefusal::Unsigned => "Query-string authentication requires the signature",
                FileRefusal::Missing => "The resource does not exist",
                FileRefusal::Expired => "Request has expired",
            };
            return respond(
                403,
                "application/xml",
                format!(
                    "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>{reason}</Message></Error>"
                ),
            );
        }
    };
    let mut response = Response::new(Body::from(Bytes::from_owner(download.content)));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(download.media_type),
    );
    response
}
