//! Audio/Video voices: list the voices text to speech can use, and save the list as JSON.
//!
//! ```sh
//! cargo run --features audio-video --example audio_voices [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Lists the voices and saves them.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let voices = example.firefly.audio_video().voices().await?;
    for voice in &voices.voices {
        println!(
            "{}: {} ({})",
            voice.voice_id.as_deref().unwrap_or("?"),
            voice.display_name.as_deref().unwrap_or("?"),
            voice
                .style
                .map_or_else(|| "?".to_owned(), |style| style.to_string()),
        );
    }
    let listed = serde_json::to_vec_pretty(&json!(voices))?;
    let path = example.write("voices", "json", &listed).await?;
    println!("saved {}", path.display());
    Ok(())
}
