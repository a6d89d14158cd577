//! An Audio/Video job's work, done when a poll first finds the job done
//! (and once: the store keeps the outcome): read the media from the URLs
//! the request gives, then make each output and keep it in the emulator's
//! storage behind a signed URL, as Adobe hosts its outputs. What the
//! operations do to the sound and pictures is not emulated; the files are
//! real ones of their type, of a length that follows the request:
//!
//! - speech: a WAV, 0.4 seconds a word of the script (read from its URL
//!   when given by URL);
//! - reframe: one MP4 per aspect ratio, of that shape (640 pixels on its
//!   longer side);
//! - transcribe: per language, a transcript (JSON) and the SRT captions
//!   asked for;
//! - dub: per language, an MP4 for a video, a WAV for an audio.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{
    formats,
    routes::{App, TransferFailure, fetch_input, shared::storage::download_url},
    store::{AudioVideoJob, JobProblem, WorkOutcome},
};

/// How long a job's work may take in all, whatever its transfers do.
const WORK_DEADLINE: Duration = Duration::from_secs(300);

/// The longest side of a reframed video, in pixels.
const REFRAMED_SIDE: u32 = 640;

/// How long each output lasts, in seconds.
const CLIP_SECONDS: u32 = 2;

/// Does the job's work; what came of it.
pub(super) async fn run(app: &App, job: &AudioVideoJob) -> WorkOutcome {
    match tokio::time::timeout(WORK_DEADLINE, work(app, job)).await {
        Ok(Ok(result)) => WorkOutcome::Succeeded(result),
        Ok(Err(problem)) => WorkOutcome::Failed(vec![problem]),
        Err(_) => WorkOutcome::Failed(vec![JobProblem::new(
            "runtime_error",
            format!(
                "The job's inputs were not read in {} seconds.",
                WORK_DEADLINE.as_secs()
            ),
        )]),
    }
}

async fn work(app: &App, job: &AudioVideoJob) -> Result<Value, JobProblem> {
    let request = &*job.request;
    match job.operation {
        "/v1/generate-speech" => speech(app, request).await,
        "/v1/reframe" => reframe(app, request).await,
        "/v1/transcribe" => transcribe(app, request).await,
        _ => dub(app, request).await,
    }
}

/// The file behind `url`, or the job's problem (the API's words for it).
async fn fetch(app: &App, url: &Value, what: &str) -> Result<Vec<u8>, JobProblem> {
    let url = url.as_str().unwrap_or_default();
    fetch_input(&app.storage, url)
        .await
        .map_err(|TransferFailure { reason, .. }| {
            JobProblem::new(
                "resource_not_found",
                format!("Failed to download input file ({what}): {reason}"),
            )
        })
}

/// Stores `content` and answers the URL it can be downloaded from.
fn store(app: &App, content: Vec<u8>, media_type: &'static str, extension: &str) -> String {
    let lifetime = app.store.settings.url_lifetime;
    let stored = app
        .store
        .store_file(content, media_type, extension, None, lifetime);
    download_url(&app.url, &stored)
}

fn media_problem(reason: String) -> JobProblem {
    JobProblem::new("runtime_error", reason)
}

async fn speech(app: &App, request: &Value) -> Result<Value, JobProblem> {
    let script = &request["script"];
    let text = match script["text"].as_str() {
        Some(text) => text.to_owned(),
        None => {
            let bytes = fetch(app, &script["source"]["url"], "script").await?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let words = text.split_whitespace().count() as u32;
    let seconds = (words * 2).div_ceil(5).max(1);
    let voice = request["voiceId"].as_str().unwrap_or_default();
    let audio = formats::wav(&format!("{voice}\n{text}"), seconds);
    Ok(json!({"output": {"url": store(app, audio, "audio/wav", "wav")}}))
}

/// The size of a video of `ratio` (`width:height`), its longer side
/// [`REFRAMED_SIDE`], both sides even.
fn reframed_size(ratio: &str) -> Option<(u16, u16)> {
    let (w, h) = ratio.split_once(':')?;
    let (w, h): (u32, u32) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    if w == 0 || h == 0 {
        return None;
    }
    let longer = w.max(h);
    let side = |n: u32| {
        let scaled = (u64::from(n) * u64::from(REFRAMED_SIDE) / u64::from(longer)).max(2);
        (scaled & !1) as u16
    };
    Some((side(w), side(h)))
}

async fn reframe(app: &App, request: &Value) -> Result<Value, JobProblem> {
    let video = fetch(app, &request["video"]["source"]["url"], "video").await?;
    let key = format!("{:016x}", crate::image::fnv1a(&[&video]));
    let mut outputs = Vec::new();
    for ratio in request["outputConfig"]["aspectRatios"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let ratio = ratio.as_str().unwrap_or_default();
        let (width, height) = reframed_size(ratio).ok_or_else(|| {
            JobProblem::new(
                "validation_error",
                format!("{ratio:?} is not an aspect ratio (width:height)"),
            )
        })?;
        let file = formats::mp4(&format!("{key}{ratio}"), width, height, CLIP_SECONDS)
            .map_err(media_problem)?;
        let url = store(app, file, "video/mp4", "mp4");
        outputs.push(json!({
            "aspectRatio": ratio,
            "mediaType": "video/mp4",
            "destination": {"url": url},
        }));
    }
    let first = outputs
        .first()
        .map(|output| output["destination"]["url"].clone())
        .unwrap_or(Value::Null);
    Ok(json!({"output": {"url": first}, "outputs": outputs}))
}

/// The media of a transcribe or dub request: its bytes, and whether it is
/// a video.
async fn media(app: &App, request: &Value) -> Result<(Vec<u8>, bool), JobProblem> {
    let video = request.get("video").is_some();
    let input = if video {
        &request["video"]
    } else {
        &request["audio"]
    };
    let what = if video { "video" } else { "audio" };
    Ok((fetch(app, &input["source"]["url"], what).await?, video))
}

/// The languages asked for, else `fallback`.
fn locales(request: &Value, fallback: Vec<String>) -> Vec<String> {
    let asked: Vec<String> = request["targetLocaleCodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|code| code.as_str().map(str::to_owned))
        .collect();
    if asked.is_empty() { fallback } else { asked }
}

/// A transcript of the media in `locale`, in the shape of Adobe's
/// transcripts: segments with their times and speaker.
fn transcript(locale: &str, key: &str) -> Value {
    json!({
        "localeCode": locale,
        "segments": [
            {"start": "00:00:00.000", "end": "00:00:01.000", "speaker": "Speaker 1",
             "text": format!("[{locale}] emulated speech {key}")},
            {"start": "00:00:01.000", "end": "00:00:02.000", "speaker": "Speaker 1",
             "text": format!("[{locale}] end of the emulated speech")},
        ],
    })
}

/// The transcript's segments as SRT captions.
fn srt(transcript: &Value) -> String {
    let mut captions = String::new();
    for (n, segment) in transcript["segments"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let time = |name: &str| segment[name].as_str().unwrap_or_default().replace('.', ",");
        captions.push_str(&format!(
            "{}\n{} --> {}\n{}\n\n",
            n + 1,
            time("start"),
            time("end"),
            segment["text"].as_str().unwrap_or_default()
        ));
    }
    captions
}

async fn transcribe(app: &App, request: &Value) -> Result<Value, JobProblem> {
    let (bytes, _) = media(app, request).await?;
    let key = format!("{:016x}", crate::image::fnv1a(&[&bytes]));
    let srt_asked = request["captions"]["targetFormats"]
        .as_array()
        .is_some_and(|formats| formats.iter().any(|f| f == "SRT"));
    let mut outputs = Vec::new();
    for locale in locales(request, vec!["en-US".to_owned()]) {
        let transcript = transcript(&locale, &key);
        let text = serde_json::to_vec_pretty(&transcript).unwrap_or_default();
        let mut entry = json!({
            "localeCode": locale,
            "destination": {"url": store(app, text, "application/json", "json")},
        });
        if srt_asked {
            let captions = srt(&transcript).into_bytes();
            entry["captions"] = json!([{
                "format": "SRT",
                "destination": {"url": store(app, captions, "application/x-subrip", "srt")},
            }]);
        }
        outputs.push(entry);
    }
    Ok(json!({"outputs": outputs}))
}

async fn dub(app: &App, request: &Value) -> Result<Value, JobProblem> {
    let (bytes, video) = media(app, request).await?;
    let mut transcript_locales = Vec::new();
    for transcript in request["transcripts"].as_array().into_iter().flatten() {
        fetch(app, &transcript["source"]["url"], "transcript").await?;
        let locale = transcript["localeCode"].as_str().unwrap_or("en-US");
        transcript_locales.push(locale.to_owned());
    }
    let key = format!("{:016x}", crate::image::fnv1a(&[&bytes]));
    let mut outputs = Vec::new();
    for locale in locales(request, transcript_locales) {
        let entry = if video {
            let file = formats::mp4(&format!("{key}{locale}"), 640, 360, CLIP_SECONDS)
                .map_err(media_problem)?;
            json!({"localeCode": locale, "videoOutput": {
                "mediaType": "video/mp4",
                "destination": {"url": store(app, file, "video/mp4", "mp4")},
            }})
        } else {
            let file = formats::wav(&format!("{key}{locale}"), CLIP_SECONDS);
            json!({"localeCode": locale, "audioOutput": {
                "mediaType": "audio/wav",
                "destination": {"url": store(app, file, "audio/wav", "wav")},
            }})
        };
        outputs.push(entry);
    }
    Ok(json!({"outputs": outputs}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reframed_sizes_keep_the_ratio_with_even_sides() {
        assert_eq!(reframed_size("9:16"), Some((360, 640)));
        assert_eq!(reframed_size("1:1"), Some((640, 640)));
        assert_eq!(reframed_size("16:9"), Some((640, 360)));
        assert_eq!(reframed_size("0:9"), None);
        assert_eq!(reframed_size("wide"), None);
    }

    #[test]
    fn captions_are_srt() {
        let captions = srt(&transcript("fr-FR", "k"));
        assert!(captions.starts_with("1\n00:00:00,000 --> 00:00:01,000\n[fr-FR]"));
    }
}
