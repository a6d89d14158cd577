//! What the Audio/Video examples share: media at URLs the API can read,
//! and saving a finished job's outputs.
//!
//! The API reads its inputs from URLs and takes no uploads. So the
//! examples make their inputs with Adobe's own services, whose outputs
//! wait at pre-signed URLs: a spoken line (the speech operation) for
//! audio, a Firefly video for video. No storage account of your own is
//! needed.

use std::path::PathBuf;

use adobe_firefly::{
    Firefly, WaitOptions,
    audio_video::{AudioVideoJob, AudioVideoStatus, types::SpeechRequest},
    types::{GenerateVideoRequest, VideoSize},
};
use serde_json::json;

use super::{Example, Result};

/// A speech request for `text` in the first voice the API lists.
pub async fn speech_request(firefly: &Firefly, text: &str) -> Result<SpeechRequest> {
    let voices = firefly.audio_video().voices().await?;
    let voice = voices
        .voices
        .iter()
        .find_map(|voice| voice.voice_id.clone())
        .ok_or("the API lists no voice")?;
    Ok(serde_json::from_value(json!({
        "voiceId": voice,
        "script": {"text": text, "localeCode": "en-US", "mediaType": "text/plain"},
        "output": {"mediaType": "audio/wav"},
    }))?)
}

/// A URL the API can read a WAV of `text` spoken from.
pub async fn speech_url(firefly: &Firefly, text: &str) -> Result<String> {
    let audio_video = firefly.audio_video();
    let job = audio_video
        .generate_speech(speech_request(firefly, text).await?)
        .await?;
    let done = audio_video
        .wait_for_job(&job, &WaitOptions::default())
        .await?;
    let url = done
        .output_urls()
        .first()
        .map(|url| (*url).to_owned())
        .ok_or("the speech job succeeded without an output URL")?;
    println!("made the input audio (speech job {})", job.job_id);
    Ok(url)
}

/// A URL the API can read an MP4 from: a video made by Firefly.
pub async fn video_url(firefly: &Firefly, prompt: &str) -> Result<String> {
    let request = GenerateVideoRequest::builder()
        .prompt(prompt.to_owned())
        .sizes(vec![VideoSize {
            width: 1280,
            height: 720,
        }]);
    let job = firefly.generate_video(request).await?;
    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    let url = result
        .outputs
        .first()
        .and_then(|output| output.url())
        .ok_or("Firefly's job succeeded without a video URL")?;
    println!("made the input video with Firefly (job {})", job.job_id);
    Ok(url.to_owned())
}

/// Waits for an Audio/Video job, then saves each output it lists into the
/// example's folder as `NAME-1.EXT`, ... and returns the finished status
/// and the paths.
pub async fn finish_job(
    example: &Example,
    job: &AudioVideoJob,
    name: &str,
) -> Result<(AudioVideoStatus, Vec<PathBuf>)> {
    println!("submitted Audio/Video job {}", job.job_id);
    let audio_video = example.firefly.audio_video();
    let done = audio_video
        .wait_for_job(job, &WaitOptions::default())
        .await?;
    let urls: Vec<Option<&str>> = done.output_urls().into_iter().map(Some).collect();
    let saved = example.save_urls(&urls, name).await?;
    if saved.is_empty() {
        return Err("the job succeeded but listed no output to save".into());
    }
    Ok((done, saved))
}
