//! Audio/Video dub: speak a line, then dub it into Spanish and German.
//!
//! ```sh
//! cargo run --features audio-video --example audio_dub [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::audio_video::types::DubRequest;
use common::audio_video;
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Makes the audio, dubs it and saves each language.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let audio = audio_video::speech_url(&example.firefly, "Good morning, everyone.").await?;
    let request: DubRequest = serde_json::from_value(json!({
        "audio": {"source": {"url": audio}, "mediaType": "audio/wav"},
        "targetLocaleCodes": ["es-ES", "de-DE"],
    }))?;
    let job = example.firefly.audio_video().dub(request).await?;
    audio_video::finish_job(&example, &job, "dub").await?;
    Ok(())
}
