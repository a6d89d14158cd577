//! The Audio/Video API end to end: the SDK against the emulator, which
//! reads each job's media from a storage server on 127.0.0.1 and keeps
//! real outputs behind signed URLs. Every operation runs, every output is
//! read back by a reader of its type (WAV with `hound`, MP4 with `mp4`,
//! transcripts as JSON, captions as SRT), and the emulator's faults (a
//! failed job, a 429 with `Retry-After`) come through as the SDK's errors.

mod common;

use std::{io::Cursor, time::Duration};

use adobe_firefly::{Error, Firefly, RetryPolicy, WaitOptions, audio_video::types};
use adobe_firefly_emulator::{Emulator, Faults};
use axum::{body::Body, http::StatusCode, response::Response};
use common::{EmulatorExt, FakeServer, Reply};
use serde_json::{Value, json};

/// Storage: a stand-in video at /in.mp4, audio at /in.wav, a script at
/// /script.txt and a transcript at /transcript.json.
async fn storage() -> FakeServer {
    FakeServer::start(|request, _| {
        let (kind, body): (&str, Vec<u8>) = match request.path.as_str() {
            "/script.txt" => ("text/plain", b"one two three four five six".to_vec()),
            "/transcript.json" => ("application/json", b"{\"segments\": []}".to_vec()),
            "/in.wav" => ("audio/wav", b"RIFF....WAVE".to_vec()),
            _ => ("video/mp4", b"\0\0\0\x18ftypisom".to_vec()),
        };
        Reply::Now(
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", kind)
                .body(Body::from(body))
                .unwrap(),
        )
    })
    .await
}

fn quick() -> WaitOptions {
    WaitOptions::default().first_poll(Duration::from_millis(5))
}

/// The bytes behind an output URL, through the SDK's credential-free
/// download.
async fn fetch(firefly: &Firefly, url: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    firefly.download_to_writer(url, &mut bytes).await.unwrap();
    bytes
}

/// The length in seconds and sample rate of a WAV, read by `hound`.
fn wav(bytes: Vec<u8>) -> (f64, u32) {
    let reader = hound::WavReader::new(Cursor::new(bytes)).unwrap();
    let spec = reader.spec();
    (
        f64::from(reader.duration()) / f64::from(spec.sample_rate),
        spec.sample_rate,
    )
}

/// The width and height of an MP4's first track, read by `mp4`.
fn mp4_size(bytes: Vec<u8>) -> (u16, u16) {
    let size = bytes.len() as u64;
    let reader = mp4::Mp4Reader::read_header(Cursor::new(bytes), size).unwrap();
    assert!(reader.duration() > Duration::ZERO);
    let track = reader.tracks().values().next().unwrap();
    (track.width(), track.height())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_voices_are_listed() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let voices = firefly.audio_video().voices().await.unwrap();
    assert!(voices.voices.len() >= 2);
    assert!(voices.voices.iter().all(|voice| voice.voice_id.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speech_from_text_and_from_a_url_is_a_wav_as_long_as_the_script() {
    let emulator = Emulator::start().await.unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let audio_video = firefly.audio_video();
    let voice = audio_video.voices().await.unwrap().voices[0]
        .voice_id
        .clone()
        .unwrap();
    for script in [
        json!({"text": "one two three four five six seven eight nine ten",
               "localeCode": "en-US", "mediaType": "text/plain"}),
        json!({"source": {"url": format!("{}/script.txt", storage.url)},
               "localeCode": "fr-FR", "mediaType": "text/plain"}),
    ] {
        let request: types::SpeechRequest = serde_json::from_value(json!({
            "voiceId": voice, "script": script, "output": {"mediaType": "audio/wav"},
        }))
        .unwrap();
        let job = audio_video.generate_speech(request).await.unwrap();
        let done = audio_video.wait_for_job(&job, &quick()).await.unwrap();
        let url = done.output.as_ref().and_then(|o| o.url.clone()).unwrap();
        let (seconds, rate) = wav(fetch(&firefly, &url).await);
        assert!(seconds >= 2.0, "{seconds}");
        assert_eq!(rate, 16_000);
    }
    assert_eq!(
        storage.count("/script.txt"),
        1,
        "the script read from its URL"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reframe_writes_one_mp4_per_aspect_ratio_of_that_shape() {
    let emulator = Emulator::start().await.unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let audio_video = firefly.audio_video();
    let request: types::ReframeRequest = serde_json::from_value(json!({
        "video": {"source": {"url": format!("{}/in.mp4", storage.url)}, "mediaType": "video/mp4"},
        "outputConfig": {"aspectRatios": ["9:16", "1:1"]},
    }))
    .unwrap();
    let job = audio_video.reframe(request).await.unwrap();
    let done = audio_video.track(job).wait(&quick()).await.unwrap();
    let urls = done.output_urls();
    // One per aspect ratio (`output.url` is the first of them).
    assert_eq!(urls.len(), 2, "{urls:?}");
    assert_eq!(
        urls[0],
        done.output.as_ref().unwrap().url.as_deref().unwrap()
    );
    assert_eq!(mp4_size(fetch(&firefly, urls[0]).await), (360, 640));
    assert_eq!(mp4_size(fetch(&firefly, urls[1]).await), (640, 640));
    assert_eq!(storage.count("/in.mp4"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transcript_is_json_per_language_with_srt_captions() {
    let emulator = Emulator::start().await.unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let audio_video = firefly.audio_video();
    let request: types::TranscribeRequest = serde_json::from_value(json!({
        "audio": {"source": {"url": format!("{}/in.wav", storage.url)}, "mediaType": "audio/wav"},
        "targetLocaleCodes": ["en-US", "es-ES"],
        "captions": {"targetFormats": ["SRT"]},
    }))
    .unwrap();
    let job = audio_video.transcribe(request).await.unwrap();
    let done = audio_video.wait_for_job(&job, &quick()).await.unwrap();
    assert_eq!(done.outputs.len(), 2);
    for (entry, locale) in done.outputs.iter().zip(["en-US", "es-ES"]) {
        assert_eq!(entry["localeCode"], locale);
        let transcript: Value = serde_json::from_slice(
            &fetch(&firefly, entry["destination"]["url"].as_str().unwrap()).await,
        )
        .unwrap();
        assert_eq!(transcript["localeCode"], locale);
        assert!(!transcript["segments"].as_array().unwrap().is_empty());
        let captions = fetch(
            &firefly,
            entry["captions"][0]["destination"]["url"].as_str().unwrap(),
        )
        .await;
        let captions = String::from_utf8(captions).unwrap();
        assert!(captions.starts_with("1\n00:00:00,000 --> "), "{captions}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_dub_is_an_mp4_and_an_audio_dub_a_wav_per_language() {
    let emulator = Emulator::start().await.unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let audio_video = firefly.audio_video();
    let video: types::DubRequest = serde_json::from_value(json!({
        "video": {"source": {"url": format!("{}/in.mp4", storage.url)}, "mediaType": "video/mp4"},
        "targetLocaleCodes": ["fr-FR", "de-DE"],
        "lipSync": true,
    }))
    .unwrap();
    let job = audio_video.dub(video).await.unwrap();
    let done = audio_video.wait_for_job(&job, &quick()).await.unwrap();
    let urls = done.output_urls();
    assert_eq!(urls.len(), 2, "{urls:?}");
    for url in urls {
        assert_eq!(mp4_size(fetch(&firefly, url).await), (640, 360));
    }

    let audio: types::DubRequest = serde_json::from_value(json!({
        "audio": {"source": {"url": format!("{}/in.wav", storage.url)}, "mediaType": "audio/wav"},
        "transcripts": [{"source": {"url": format!("{}/transcript.json", storage.url)},
                         "localeCode": "it-IT"}],
    }))
    .unwrap();
    let job = audio_video.dub(audio).await.unwrap();
    let done = audio_video.wait_for_job(&job, &quick()).await.unwrap();
    assert_eq!(done.outputs[0]["localeCode"], "it-IT");
    let (seconds, _) = wav(fetch(&firefly, done.output_urls()[0]).await);
    assert!(seconds >= 1.0);
    assert_eq!(storage.count("/transcript.json"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_go_to_the_audio_video_host_only_never_to_media_or_outputs() {
    let emulator = Emulator::start().await.unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let audio_video = firefly.audio_video();
    let request: types::ReframeRequest = serde_json::from_value(json!({
        "video": {"source": {"url": format!("{}/in.mp4", storage.url)}, "mediaType": "video/mp4"},
        "outputConfig": {"aspectRatios": ["16:9"]},
    }))
    .unwrap();
    let job = audio_video.reframe(request).await.unwrap();
    let done = audio_video.wait_for_job(&job, &quick()).await.unwrap();
    fetch(&firefly, done.output_urls()[0]).await;

    let received = emulator.requests();
    let api: Vec<_> = received
        .iter()
        .filter(|r| r.path.starts_with("/audio-video/"))
        .collect();
    assert!(api.len() >= 2, "{received:?}");
    assert!(api.iter().all(|r| r.had_authorization && r.had_api_key));
    let downloads: Vec<_> = received
        .iter()
        .filter(|r| r.path.starts_with("/storage/"))
        .collect();
    assert_eq!(downloads.len(), 1, "{received:?}");
    assert!(!downloads[0].had_authorization && !downloads[0].had_api_key);
    assert!(
        storage
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none() && r.header("x-api-key").is_none())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_job_is_job_failed_with_adobes_code_and_message() {
    let emulator = Emulator::builder()
        .faults(Faults::none().fail_jobs_every(1))
        .start()
        .await
        .unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let audio_video = firefly.audio_video();
    let request: types::TranscribeRequest = serde_json::from_value(json!({
        "video": {"source": {"url": format!("{}/in.mp4", storage.url)}, "mediaType": "video/mp4"},
    }))
    .unwrap();
    let job = audio_video.transcribe(request).await.unwrap();
    let error = audio_video.wait_for_job(&job, &quick()).await.unwrap_err();
    let Error::JobFailed {
        job_id, error_code, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(job_id, &job.job_id);
    assert_eq!(error_code.as_deref(), Some("runtime_error"));
    assert!(
        error
            .message()
            .is_some_and(|m| m.contains("Internal Server Error"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_input_fails_the_job_naming_the_download() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let audio_video = firefly.audio_video();
    let request: types::ReframeRequest = serde_json::from_value(json!({
        // Nothing listens here.
        "video": {"source": {"url": "http://127.0.0.1:9/in.mp4"}, "mediaType": "video/mp4"},
        "outputConfig": {"aspectRatios": ["9:16"]},
    }))
    .unwrap();
    let job = audio_video.reframe(request).await.unwrap();
    let error = audio_video.wait_for_job(&job, &quick()).await.unwrap_err();
    assert_eq!(error.error_code(), Some("resource_not_found"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn a_429_carries_retry_after_and_the_retry_gets_through() {
    let emulator = Emulator::builder()
        .faults(Faults::none().rate_limit_every(2))
        .start()
        .await
        .unwrap();
    // Unretried, the second request is the 429 with its Retry-After.
    let unretried = emulator
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    unretried.audio_video().voices().await.unwrap();
    let error = unretried.audio_video().voices().await.unwrap_err();
    assert_eq!(error.status(), Some(429), "{error}");
    assert!(error.retry_after().is_some(), "{error:?}");
    assert!(error.is_retryable());

    // With the default retries, each 429 is waited out and retried; and a
    // job is followed through the 429s of its status reads.
    let firefly = emulator.client().unwrap();
    let audio_video = firefly.audio_video();
    for _ in 0..3 {
        audio_video.voices().await.unwrap();
    }
    let storage = storage().await;
    let request: types::TranscribeRequest = serde_json::from_value(json!({
        "audio": {"source": {"url": format!("{}/in.wav", storage.url)}, "mediaType": "audio/wav"},
    }))
    .unwrap();
    let job = audio_video.transcribe(request).await.unwrap();
    audio_video.wait_for_job(&job, &quick()).await.unwrap();
    assert!(emulator.faults_served().rate_limits >= 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_request_is_a_typed_error_and_nothing_is_sent() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let audio_video = firefly.audio_video();
    let reframe: types::ReframeRequest = serde_json::from_value(json!({
        "video": {"source": {"url": "https://bucket.s3.amazonaws.com/in.mp4"}, "mediaType": "video/mp4"},
        "outputConfig": {"aspectRatios": ["wide"]},
    }))
    .unwrap();
    let error = audio_video.reframe(reframe).await.unwrap_err();
    let Error::Validation(invalid) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(invalid.field(), "outputConfig.aspectRatios[0]");
    let dub: types::DubRequest = serde_json::from_value(json!({
        "audio": {"source": {"url": "https://bucket.s3.amazonaws.com/in.wav"}, "mediaType": "audio/wav"},
    }))
    .unwrap();
    assert!(matches!(
        audio_video.dub(dub).await,
        Err(Error::Validation(_))
    ));
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/audio-video/")),
        "nothing reached the API"
    );
    // A status read of a job the API never heard of is its 404.
    let unknown = audio_video
        .job_status(&adobe_firefly::audio_video::AudioVideoJob::new(
            "no-such-job",
        ))
        .await
        .unwrap_err();
    assert_eq!(unknown.status(), Some(404));
}
