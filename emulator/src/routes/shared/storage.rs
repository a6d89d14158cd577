//! The emulator's own storage: outputs behind pre-signed-style URLs, which
//! need no credentials and expire, served at `GET /storage/{file}` for
//! every API whose outputs the emulator keeps.

use std::sync::Arc;

use axum::{
    body::{Body, Bytes},
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::Response,
};
use tokio::time::Instant;

use crate::{
    api::Verb,
    image,
    responses::respond,
    routes::Routes,
    state::{Data, EmulatorState, OutputKind, StoredImage},
};

pub(super) fn routes() -> Routes {
    Routes::new().route(Verb::Get, "/storage/{file}", download)
}

impl Data {
    /// The output stored as `file`, if `signature` is the one its URL was
    /// signed with; `Err` is the reason to deny it (expiry is not checked).
    pub(crate) fn signed_output(
        &mut self,
        file: &str,
        signature: Option<&str>,
    ) -> Result<&mut StoredImage, &'static str> {
        let signed = signature.is_some_and(|signature| {
            file.ends_with(&format!("-{signature}.png"))
                || file.ends_with(&format!("-{signature}.mp4"))
        });
        if !signed {
            return Err("Query-string authentication requires the signature");
        }
        self.images
            .get_mut(file)
            .ok_or("The resource does not exist")
    }
}

#[derive(serde::Deserialize)]
struct Signature {
    #[serde(rename = "X-Signature")]
    signature: Option<String>,
}

async fn download(
    State(state): State<Arc<EmulatorState>>,
    Path(file): Path<String>,
    Query(query): Query<Signature>,
    headers: HeaderMap,
) -> Response {
    state.log("GET", &format!("/storage/{file}"), &headers);
    let denied = |reason: &str| {
        respond(
            403,
            "application/xml",
            format!(
                "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>{reason}</Message></Error>"
            ),
        )
    };
    let mut data = state.lock();
    let image = match data.signed_output(&file, query.signature.as_deref()) {
        Ok(image) => image,
        Err(reason) => return denied(reason),
    };
    if Instant::now() >= image.expires_at {
        return denied("Request has expired");
    }
    let kind = image.kind;
    let content = image
        .png
        .get_or_insert_with(|| match kind {
            OutputKind::Image => {
                let (width, height) =
                    image::rendered_size(image.size.0, image.size.1, image.render_side);
                Bytes::from(image::render_png(&image.prompt, image.seed, width, height))
            }
            OutputKind::Video => Bytes::from(image::stand_in_mp4(&image.prompt, image.seed)),
        })
        .clone();
    drop(data);
    let content_type = match kind {
        OutputKind::Image => "image/png",
        OutputKind::Video => "video/mp4",
    };
    let mut response = Response::new(Body::from(content));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
