//! Audio/Video transcribe: speak a line, then transcribe it into two languages with SRT captions.
//!
//! ```sh
//! cargo run --features audio-video --example audio_transcribe [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::audio_video::types::TranscribeRequest;
use common::audio_video;
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Makes the audio, transcribes it and saves the transcripts and captions.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let audio = audio_video::speech_url(&example.firefly, "The quick brown fox jumps.").await?;
    let request: TranscribeRequest = serde_json::from_value(json!({
        "audio": {"source": {"url": audio}, "mediaType": "audio/wav"},
        "targetLocaleCodes": ["en-US", "fr-FR"],
        "captions": {"targetFormats": ["SRT"]},
    }))?;
    let job = example.firefly.audio_video().transcribe(request).await?;
    audio_video::finish_job(&example, &job, "transcript").await?;
    Ok(())
}
