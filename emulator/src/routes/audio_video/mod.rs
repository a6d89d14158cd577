//! The Audio/Video API's family of routes, mounted under its prefix
//! ([`Api::prefix`](crate::api::Api::prefix)): the voices, the four
//! operations that start a job (`jobs`), and `/v1/status/{jobId}`. Every
//! request body is checked against the API's own spec.
//!
//! Like Adobe's workers, a job reads its media from the URLs the request
//! gives (bounded, through Photoshop's transfer client) when a poll first
//! finds it done (`work`), and keeps what it makes in the emulator's
//! storage behind signed URLs: WAV for speech, MP4 for reframe and video
//! dubs, transcripts as JSON and captions as SRT.

mod jobs; // submissions and `/v1/status/{jobId}`
mod work; // a job's work: inputs read, outputs made and stored

use std::sync::Arc;

use axum::{extract::State, http::HeaderMap, response::Response};
use serde_json::json;

use super::{App, Routes};
use crate::{
    api::{Api, Verb},
    responses::json_response,
};

/// The scope a token needs: the Firefly Services APIs' own.
const SCOPE: &str = "ff_apis";

/// The operations: each `POST` starts a job.
const OPERATIONS: [&str; 4] = [
    "/v1/generate-speech",
    "/v1/reframe",
    "/v1/transcribe",
    "/v1/dub",
];

/// Every route of the Audio/Video API.
pub(super) fn routes() -> Routes {
    let mut routes = Routes::new().route(Verb::Get, "/v1/voices", voices);
    for path in OPERATIONS {
        routes = routes.route(Verb::Post, path, move |State(app), headers, body| {
            jobs::submit(app, path, headers, body)
        });
    }
    routes.route(Verb::Get, "/v1/status/{job_id}", jobs::status)
}

/// The operations whose request bodies are checked against its spec.
pub(super) fn validated_operations() -> Vec<(Verb, &'static str)> {
    OPERATIONS.iter().map(|path| (Verb::Post, *path)).collect()
}

/// The voices the emulator speaks with, in the spec's `Voice` shape.
const VOICES: [(&str, &str, &str, &str); 4] = [
    ("v-emulator-ava", "Ava", "Female", "Casual"),
    ("v-emulator-ben", "Ben", "Male", "Casual"),
    ("v-emulator-cleo", "Cleo", "Female", "Excited"),
    ("v-emulator-dev", "Dev", "Male", "Excited"),
];

/// `GET /v1/voices`.
async fn voices(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(refusal) = app
        .admit_to(Api::AudioVideo, "GET", "/v1/voices", &headers, SCOPE)
        .await
    {
        return refusal;
    }
    let voices: Vec<_> = VOICES
        .iter()
        .map(|(id, name, gender, style)| {
            json!({
                "voiceId": id,
                "displayName": name,
                "gender": gender,
                "style": style,
                "status": "Active",
                "voiceType": "Standard",
                "rolePlayList": ["Narrator"],
                "wordsPerMinute": "150",
                "sampleURL": format!("{}/audio-video/v1/voices/{id}/sample.wav", app.url),
                "extendedPropertyMap": {},
            })
        })
        .collect();
    json_response(200, json!({"voices": voices}))
}

/// Whether `id` is one of the emulator's voices.
fn is_voice(id: &str) -> bool {
    VOICES.iter().any(|(voice, ..)| *voice == id)
}
