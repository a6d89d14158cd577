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
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use schemars::JsonSchema;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{call::Call, progress, results, schema, session::Ending};
use crate::{
    naming,
    save::{self, Fetch, Naming, Saved, Unsaved},
    spend::Spend,
};

/// Why a cancelled call leaves its job running.
const NO_CANCEL: &str = "the Audio/Video API has no way to cancel a job: it goes on";

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
    if let Err(source) = save::check_folder(call.output_dir) {
        return results::invalid(format!(
            "cannot save into {}: {source}; the server's --output-dir must be a folder it can \
             write to",
            call.output_dir.display()
        ));
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
    let admitted = match call
        .spend
        .admit(adobe_firefly::Api::AudioVideo, call.tool, &request)
    {
        Ok(admitted) => admitted,
        Err(refused) => return results::invalid(refused.to_string()),
    };
    if let Err(declined) = super::confirm::ask(call, &admitted).await {
        return declined;
    }
    let request_hash = naming::request_key(&arguments, None);
    let submitted = progress::submit_within_quota(&mut call.progress, &call.cancelled, || {
        submit(audio_video.clone(), request.clone())
    })
    .await;
    let job = match submitted {
        Ok(Some(job)) => job,
        Ok(None) => return results::invalid("the call was cancelled before the job was submitted"),
        Err(error) if error.is_validation() => return results::invalid(error.to_string()),
        Err(Error::DryRun(prepared)) => {
            return results::dry_run(&prepared, &Spend::describe(&admitted));
        }
        Err(error) => return results::failure(&error.into()),
    };
    call.session
        .submitted(&job.job_id, call.tool, &request_hash, None);
    call.spend.submitted(&admitted, &job.job_id);
    let (answer, ending) = match wait(call, &audio_video, &job).await {
        Some(Ok(done)) => {
            let answer = finished(call, &job, &done, stem, &request_hash).await;
            let ending = if answer.is_error == Some(true) {
                Ending::Unsaved
            } else {
                Ending::Settled
            };
            (answer, ending)
        }
        Some(Err(error)) => (results::failure(&error.into()), Ending::Settled),
        None => (
            CallToolResult::error(vec![ContentBlock::text(format!(
                "the call was cancelled; {NO_CANCEL}: Audio/Video job {} may still finish",
                job.job_id
            ))]),
            Ending::Cancelled(Err(NO_CANCEL.to_owned())),
        ),
    };
    let outcome = ending.audit_word(answer.is_error == Some(true));
    call.spend.ended_as(&admitted, &job.job_id, outcome);
    call.session.ended(&job.job_id, ending);
    answer
}

/// Waits for the job, each status read a progress notification; `None`
/// when the call was cancelled first.
async fn wait(
    call: &mut Call<'_>,
    audio_video: &AudioVideo,
    job: &AudioVideoJob,
) -> Option<Result<AudioVideoStatus, Error>> {
    let job_id = &job.job_id;
    call.progress
        .report(0.0, format!("Audio/Video job {job_id} submitted"))
        .await;
    let (statuses, mut read) = mpsc::unbounded_channel();
    let waiting = audio_video.wait_for_job_with(job, call.wait, move |status| {
        let word = status.status.as_ref().map(ToString::to_string);
        let _ = statuses.send(word.unwrap_or_default());
    });
    tokio::pin!(waiting);
    loop {
        tokio::select! {
            biased;
            () = call.cancelled.cancelled() => return None,
            Some(word) = read.recv() => {
                // The status has no percentage: half way while it runs.
                let percent = if word == "running" { 50.0 } else { 0.0 };
                call.progress
                    .report(percent, format!("Audio/Video job {job_id}: {word}"))
                    .await;
            }
            result = &mut waiting => return Some(result),
        }
    }
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
    let naming = Naming {
        stem,
        request_hash,
        replace: false,
    };
    let report = save::save_fetched(
        call.firefly,
        &fetches,
        call.output_dir,
        &naming,
        &Default::default(),
        |_, _, _| {},
    )
    .await;
    let document = json!({
        "job_id": job.job_id,
        "status": done.status,
        "saved": report.saved.iter().map(Saved::json).collect::<Vec<_>>(),
        "unsaved": report.unsaved.iter().map(Unsaved::json).collect::<Vec<_>>(),
        "result": done,
    });
    let mut summary = vec![format!("Audio/Video job {} succeeded", job.job_id)];
    summary.extend(
        report
            .saved
            .iter()
            .map(|saved| format!("saved {}", saved.line())),
    );
    for unsaved in &report.unsaved {
        summary.push(format!(
            "NOT saved: {} ({}); fetch it from {}",
            unsaved.which(),
            unsaved.reason,
            unsaved.url.as_deref().unwrap_or("(no URL given)")
        ));
    }
    let content = vec![ContentBlock::text(format!(
        "{}\n{document}",
        summary.join("\n")
    ))];
    let mut answer = if report.unsaved.is_empty() {
        CallToolResult::success(content)
    } else {
        CallToolResult::error(content)
    };
    answer.structured_content = Some(document);
    answer
}
