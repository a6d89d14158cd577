//! Audio/Video reframe: make a landscape video with Firefly, then reframe it to portrait and square.
//!
//! ```sh
//! cargo run --features audio-video --example video_reframe [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::audio_video::types::ReframeRequest;
use common::audio_video;
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Makes the video, reframes it and saves each aspect ratio.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let video =
        audio_video::video_url(&example.firefly, "a cyclist riding along a coastal road").await?;
    let request: ReframeRequest = serde_json::from_value(json!({
        "video": {"source": {"url": video}, "mediaType": "video/mp4"},
        "outputConfig": {"aspectRatios": ["9:16", "1:1"]},
    }))?;
    let job = example.firefly.audio_video().reframe(request).await?;
    audio_video::finish_job(&example, &job, "reframe").await?;
    Ok(())
}
