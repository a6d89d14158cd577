//! Audio/Video text to speech: speak a line in one of the voices and save the WAV.
//!
//! ```sh
//! cargo run --features audio-video --example audio_speech [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use common::audio_video;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Speaks a line and saves the audio.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let request =
        audio_video::speech_request(&example.firefly, "Welcome to the Firefly Services SDK.")
            .await?;
    let job = example
        .firefly
        .audio_video()
        .generate_speech(request)
        .await?;
    audio_video::finish_job(&example, &job, "speech").await?;
    Ok(())
}
