//! Firefly's storage: `POST /v2/storage/image` (uploads, checked for type
//! and size), and the generated outputs put in the emulator's storage,
//! behind pre-signed-style URLs (served by the shared `storage` routes).

use std::{sync::Arc, time::SystemTime};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, header},
    response::Response,
};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::upload_check;
use crate::{
    api::Verb,
    image,
    responses::{json_response, respond},
    routes::Routes,
    state::{EmulatorState, Output, OutputKind, OutputSize, StoredImage, new_uuid},
};

pub(super) fn routes() -> Routes {
    Routes::new().route(Verb::Post, "/v2/storage/image", upload)
}

impl EmulatorState {
    /// The size a generation request asks for (or Firefly's default),
    /// rendered at most `max_image_side` a side.
    pub(crate) fn requested_size(&self, request: &Value, kind: OutputKind) -> OutputSize {
        let requested = match kind {
            OutputKind::Image => &request["size"],
            OutputKind::Video => &request["sizes"][0],
        };
        let default_side = if kind == OutputKind::Video {
            1080
        } else {
            2048
        };
        let side = |name: &str| {
            requested[name]
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(default_side)
        };
        OutputSize {
            size: (side("width"), side("height")),
            render_side: self.settings.max_image_side,
        }
    }

    /// Outputs of this size for a generation request: one per seed or
    /// variation, each behind a signed storage URL.
    pub(crate) fn outputs(
        &self,
        request: &Value,
        kind: OutputKind,
        size: OutputSize,
    ) -> Vec<Output> {
        // What the output depends on: the prompt, else the input image.
        let key = [
            &request["prompt"],
            &request["image"]["source"]["uploadId"],
            &request["image"]["source"]["url"],
        ]
        .into_iter()
        .find_map(Value::as_str)
        .unwrap_or_default()
        .to_owned();
        let (width, height) = size.size;
        let seeds: Vec<i64> = match request["seeds"].as_array() {
            Some(seeds) if !seeds.is_empty() => seeds.iter().filter_map(Value::as_i64).collect(),
            _ => {
                let count = request["numVariations"].as_u64().unwrap_or(1);
                (0..count)
                    .map(|i| (image::fnv1a(&[key.as_bytes(), &i.to_le_bytes()]) % 100_000) as i64)
                    .collect()
            }
        };
        let extension = match kind {
            OutputKind::Image => "png",
            OutputKind::Video => "mp4",
        };
        let expires_at = Instant::now() + self.settings.url_lifetime;
        let unix_expiry = (SystemTime::now() + self.settings.url_lifetime)
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let mut data = self.lock();
        seeds
            .into_iter()
            .map(|seed| {
                let id = format!(
                    "{:016x}",
                    image::fnv1a(&[
                        key.as_bytes(),
                        &seed.to_le_bytes(),
                        &width.to_le_bytes(),
                        &height.to_le_bytes()
                    ])
                );
                let signature = format!("{:016x}", fastrand::u64(..));
                let file = format!("{id}-{signature}.{extension}");
                data.images.insert(
                    file.clone(),
                    StoredImage {
                        kind,
                        prompt: key.clone(),
                        seed,
                        size: size.size,
                        render_side: size.render_side,
                        expires_at,
                        png: None,
                    },
                );
                let url = format!(
                    "{}/storage/{file}?X-Expires={unix_expiry}&X-Signature={signature}",
                    self.url
                );
                Output { seed, url, kind }
            })
            .collect()
    }
}

async fn upload(
    State(state): State<Arc<EmulatorState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = state.admit("POST", "/v2/storage/image", &headers).await {
        return refusal;
    }
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !["image/jpeg", "image/png", "image/webp"].contains(&declared) {
        return state.error(
            415,
            "invalid_content_type",
            "Upload image/jpeg, image/png or image/webp",
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
            return state.error(
                400,
                "bad_request",
                "The body is not an image of the declared type",
            );
        }
    }
    // Remembered for the jobs that follow the input's size (upscale,
    // composites); an unreadable header is remembered as such, for their
    // refusal to say so.
    let id = new_uuid();
    state
        .lock()
        .uploads
        .remember(id.clone(), upload_check::header_size(&body));
    json_response(200, json!({"images": [{"id": id}]}))
}
