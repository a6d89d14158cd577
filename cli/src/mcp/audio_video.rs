//! The Audio/Video tools (`speech`, `transcribe`, `dub`, `reframe`): each
//! takes Adobe's request for its operation (its schema derived from the
//! SDK's type), with every file given by URL, never inline; submits it
//! within the quota, waits with progress, and downloads every output the
//! job lists into the output folder. The API has no cancel: a cancelled
//! call stops waiting and says the job goes on.

use std::{future::Future, sync::Arc};

use adobe_firefly::{
    Error,
    audio_video::{AudioVideo, AudioVideoJob, AudioVideoRequest, AudioVideoStatus, types},
};
use rmcp::model::{CallToolResult, JsonObject};
use schemars::JsonSchema;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{
    api_jobs::{self, ToolJob},
    call::Call,
    results::{self, FinishedJob},
    schema,
};
use crate::save::Fetch;

/// The schema of `T`, an object even when the request is one of several
/// shapes (an audio or a video file).
fn object_schema<T: JsonSchema>() -> Arc<JsonObject> {
    let mut schema = schema::raw_input_schema::<T>().as_ref().clone();
    schema.insert("type".into(), json!("object"));
    Arc::new(schema)
}

pub fn speech_schema() -> Arc<JsonObject> {
    object_schema::<types::SpeechRequest>()
}
pub fn transcribe_schema() -> Arc<JsonObject> {
    object_schema::<types::TranscribeRequest>()
}
pub fn dub_schema() -> Arc<JsonObject> {
    object_schema::<types::DubRequest>()
}
pub fn reframe_schema() -> Arc<JsonObject> {
    object_schema::<types::ReframeRequest>()
}

pub async fn speech(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    run(
        call,
        arguments,
        "speech",
        |av, r: types::SpeechRequest| async move { av.generate_speech(r).await },
    )
    .await
}

pub async fn transcribe(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    run(
        call,
        arguments,
        "transcript",
        |av, r: types::TranscribeRequest| async move { av.transcribe(r).await },
    )
    .await
}

pub async fn dub(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    run(
        call,
        arguments,
        "dub",
        |av, r: types::DubRequest| async move { av.dub(r).await },
    )
    .await
}

pub async fn reframe(call: &mut Call<'_>, arguments: Value) -> CallToolResult {
    run(
        call,
        arguments,
        "reframe",
        |av, r: types::ReframeRequest| async move { av.reframe(r).await },
    )
    .await
}

/// A file reference (`url`) that is no http(s) URL: a local path or inline
/// data, which the API cannot read.
fn not_a_url(arguments: &Value) -> Option<String> {
    match arguments {
        Value::Object(object) => object.iter().find_map(|(key, value)| match value {
            Value::String(text) if key == "url" => {
                let lower = text.to_ascii_lowercase();
                (!lower.starts_with("https://") && !lower.starts_with("http://"))
                    .then(|| text.chars().take(80).collect())
            }
            other => not_a_url(other),
        }),
        Value::Array(items) => items.iter().find_map(not_a_url),
        _ => None,
    }
}

/// Runs one Audio/Video job for a call: checks, submits within the
/// quota, waits with progress, downloads what the job lists.
async fn run<T, F, Fut>(
    call: &mut Call<'_>,
    arguments: Value,
    stem: &str,
    submit: F,
) -> CallToolResult
where
    T: AudioVideoRequest
        + DeserializeOwned
        + Serialize
        + Clone
        + JsonSchema
        + adobe_firefly::EstimateCost,
    F: Fn(AudioVideo, T) -> Fut,
    Fut: Future<Output = Result<AudioVideoJob, Error>>,
{
    if let Some(refused) = api_jobs::unusable_output_folder(call) {
        return refused;
    }
    if let Some(given) = not_a_url(&arguments) {
        return results::invalid(format!(
            "`{given}` is not a URL: the Audio/Video API reads every file from a URL (a \
             pre-signed https URL for private storage); files are never sent inline"
        ));
    }
    let request: T = match schema::parse_arguments(arguments.clone()) {
        Ok(request) => request,
        Err(message) => return results::invalid(message),
    };
    let audio_video = call.firefly.audio_video().clone();
    if let Err(error) = audio_video.check(&request) {
        return results::invalid(error.to_string());
    }
    api_jobs::run(call, audio_video, &arguments, request, stem, submit).await
}

/// The media type of an output, from its URL's extension.
fn output_type(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let media_type = match path.rsplit_once('.')?.1.to_ascii_lowercase().as_str() {
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "json" => "application/json",
        "srt" => "application/x-subrip",
        _ => return None,
    };
    Some(media_type.to_owned())
}

impl ToolJob for AudioVideo {
    fn word(status: &AudioVideoStatus) -> String {
        status
            .status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    fn read_again(job: &AudioVideoJob) -> Option<String> {
        Some(format!(
            "`{} {}`",
            crate::error::AUDIO_VIDEO_STATUS,
            job.job_id
        ))
    }

    async fn finished(
        call: &Call<'_>,
        job: &AudioVideoJob,
        done: AudioVideoStatus,
        stem: &str,
        request_hash: &str,
    ) -> CallToolResult {
        finished(call, job, &done, stem, request_hash).await
    }
}

/// The answer for a finished job: what was saved, what could not be (with
/// its URL), and the job's status.
async fn finished(
    call: &Call<'_>,
    job: &AudioVideoJob,
    done: &AudioVideoStatus,
    stem: &str,
    request_hash: &str,
) -> CallToolResult {
    let fetches: Vec<Fetch> = done
        .output_urls()
        .into_iter()
        .map(|url| Fetch {
            seed: None,
            url: Some(url.to_owned()),
            media_type: output_type(url),
        })
        .collect();
    let finished = FinishedJob {
        api: "Audio/Video",
        job_id: &job.job_id,
        status: json!(done.status),
        result: json!(done),
        fetches: &fetches,
        stem,
        request_hash,
        urls_last: None,
    };
    results::job_finished(call, finished).await
}
