//! `firefly audio ...` and `firefly video reframe` against the emulator,
//! with a storage server on 127.0.0.1 holding the media behind
//! pre-signed-style URLs: each command runs its job and downloads every
//! output as a file of its type, never over a file; `--dry-run` and
//! `--max-operations` stop a job before it is sent.

mod common;
mod storage;

use std::path::{Path, PathBuf};

use adobe_firefly_emulator::Emulator;
use common::*;
use serde_json::Value;
use storage::Storage;

/// The emulator, a storage server with a video and an audio file, and a
/// scratch folder.
async fn setup() -> (Emulator, Storage, tempfile::TempDir) {
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    storage.input("in.mp4", b"\0\0\0\x18ftypisom-stand-in".to_vec());
    storage.input("in.wav", b"RIFF\0\0\0\0WAVE-stand-in".to_vec());
    (emulator, storage, tempfile::tempdir().unwrap())
}

/// `firefly --json ARGS... -o DIR`: its JSON document, after checking it
/// succeeded.
async fn cli(emulator: &Emulator, args: &[&str], dir: &Path) -> Value {
    let mut command = firefly(emulator);
    command.arg("--json").args(args).arg("-o").arg(dir);
    let output = run(command).await;
    assert!(output.status.success(), "{args:?}: {output:?}");
    json(&output)
}

/// The paths the command saved, each in `dir`.
fn saved(document: &Value, dir: &Path) -> Vec<PathBuf> {
    let paths: Vec<PathBuf> = document["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|output| PathBuf::from(output["path"].as_str().unwrap()))
        .collect();
    assert!(
        paths.iter().all(|path| path.parent() == Some(dir)),
        "{document}"
    );
    paths
}

fn starts_with(path: &Path, magic: &[u8], at: usize) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.get(at..at + magic.len()) == Some(magic)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voices_are_listed_as_json() {
    let emulator = Emulator::start().await.unwrap();
    let mut command = firefly(&emulator);
    command.args(["--json", "audio", "voices"]);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let document = json(&output);
    assert!(document["voices"].as_array().unwrap().len() >= 2);
    assert!(document["voices"][0]["voiceId"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speech_saves_a_wav_and_never_replaces_one() {
    let (emulator, _storage, dir) = setup().await;
    let args = ["audio", "speech", "Hello from the command line."];
    let first = cli(&emulator, &args, dir.path()).await;
    let second = cli(&emulator, &args, dir.path()).await;
    let (first, second) = (saved(&first, dir.path()), saved(&second, dir.path()));
    assert_eq!((first.len(), second.len()), (1, 1));
    assert_ne!(first[0], second[0], "the second run took another name");
    for path in [&first[0], &second[0]] {
        assert_eq!(path.extension().unwrap(), "wav");
        assert!(starts_with(path, b"WAVE", 8), "{path:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcribe_saves_a_transcript_and_captions_per_language() {
    let (emulator, storage, dir) = setup().await;
    let input = format!("{}/in/in.wav?X-Amz-Signature=get-in.wav", storage.url);
    let document = cli(
        &emulator,
        &[
            "audio",
            "transcribe",
            &input,
            "--to",
            "en-US",
            "--to",
            "de-DE",
            "--captions",
        ],
        dir.path(),
    )
    .await;
    let paths = saved(&document, dir.path());
    assert_eq!(paths.len(), 4, "{document}");
    let transcripts: Vec<_> = paths
        .iter()
        .filter(|path| path.extension().unwrap() == "json")
        .collect();
    assert_eq!(transcripts.len(), 2);
    let transcript: Value =
        serde_json::from_slice(&std::fs::read(transcripts[0]).unwrap()).unwrap();
    assert!(transcript["segments"].is_array());
    assert!(paths.iter().any(|path| path.extension().unwrap() == "srt"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dub_and_reframe_save_mp4s() {
    let (emulator, storage, dir) = setup().await;
    let input = format!("{}/in/in.mp4?X-Amz-Signature=get-in.mp4", storage.url);
    let dubbed = cli(
        &emulator,
        &["audio", "dub", &input, "--to", "fr-FR", "--lip-sync"],
        dir.path(),
    )
    .await;
    let reframed = cli(
        &emulator,
        &[
            "video", "reframe", &input, "--ratio", "9:16", "--ratio", "1:1",
        ],
        dir.path(),
    )
    .await;
    let mut paths = saved(&dubbed, dir.path());
    paths.extend(saved(&reframed, dir.path()));
    assert_eq!(paths.len(), 3);
    for path in &paths {
        assert_eq!(path.extension().unwrap(), "mp4");
        assert!(starts_with(path, b"ftyp", 4), "{path:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_or_a_spending_limit_sends_no_job() {
    let (emulator, storage, dir) = setup().await;
    let input = format!("{}/in/in.mp4?X-Amz-Signature=get-in.mp4", storage.url);
    let dry = cli(
        &emulator,
        &["--dry-run", "video", "reframe", &input, "--ratio", "4:5"],
        dir.path(),
    )
    .await;
    assert_eq!(dry["dry_run"]["method"], "POST", "{dry}");
    assert!(dry.to_string().contains("4:5"), "{dry}");

    let mut command = firefly(&emulator);
    command
        .args(["--json", "--max-operations", "0.5", "audio", "speech", "Hi"])
        .args(["--voice", "v-emulator-ava", "-o"])
        .arg(dir.path());
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/audio-video/")),
        "{:?}",
        emulator.requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ratio_that_is_not_one_is_refused_before_sending() {
    let (emulator, storage, dir) = setup().await;
    let input = format!("{}/in/in.mp4?X-Amz-Signature=get-in.mp4", storage.url);
    let mut command = firefly(&emulator);
    command
        .args([
            "--json", "video", "reframe", &input, "--ratio", "tall", "-o",
        ])
        .arg(dir.path());
    let output = run(command).await;
    assert!(!output.status.success());
    assert!(stdout(&output).contains("aspectRatios"), "{output:?}");
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/audio-video/"))
    );
}
