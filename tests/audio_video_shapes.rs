//! The Audio/Video API through the SDK against a scripted server on
//! 127.0.0.1: the exact request of every JSON-body operation (an insta
//! snapshot, checked against the imported spec with undefined fields
//! forbidden), every status shape through the job adapter, a 429 on a
//! status read, and hostile answers (an HTML error page, a huge body, a
//! status that never ends).

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use adobe_firefly::{
    Api, Error, Firefly, RetryPolicy, WaitOptions,
    audio_video::{AudioVideoJob, types},
    types::JobStatus,
};
use common::*;
use serde_json::{Value, json};

const JOB_ID: &str = "7c1f4e52-33b1-4d0c-9a51-6b1f0c2d9e10";
const IN: &str = "https://bucket.s3.amazonaws.com/in.mp4?X-Amz-Signature=abc";

/// A scripted status answer.
#[derive(Clone)]
struct Answer {
    status: u16,
    retry_after: Option<&'static str>,
    body: Value,
}

/// A status answer: `status` with a JSON body.
fn answer(status: u16, body: Value) -> Answer {
    Answer {
        status,
        retry_after: None,
        body,
    }
}

/// IMS and the Audio/Video API on one server: every operation accepts
/// with 202 (its status URL on `status_host`), and each status read
/// answers the next of `statuses` (the last one again once they run out).
async fn adobe(status_host: String, statuses: Vec<Answer>) -> FakeServer {
    FakeServer::start(move |request, earlier| {
        let reply = match (request.method.as_str(), request.path.as_str()) {
            ("POST", TOKEN_PATH) => json_response(200, token_body("token-1", 86399)),
            ("GET", "/v1/voices") => json_response(
                200,
                json!({"voices": [{"voiceId": "v1", "displayName": "Ava", "status": "Active", "style": "Casual"}]}),
            ),
            ("POST", _) => json_response(
                202,
                json!({"jobId": JOB_ID, "statusUrl": format!("{status_host}/v1/status/{JOB_ID}")}),
            ),
            ("GET", path) if path.starts_with("/v1/status/") => {
                let answer = &statuses[earlier.min(statuses.len() - 1)];
                let response = json_response(answer.status, answer.body.clone());
                match answer.retry_after {
                    Some(seconds) => with_header(response, "retry-after", seconds),
                    None => response,
                }
            }
            _ => json_response(404, json!({"error_code": "not_found", "message": "no"})),
        };
        Reply::Now(reply)
    })
    .await
}

fn succeeded() -> Vec<Answer> {
    vec![
        answer(200, json!({"jobId": JOB_ID, "status": "pending"})),
        answer(200, json!({"jobId": JOB_ID, "status": "running"})),
        answer(
            200,
            json!({"jobId": JOB_ID, "status": "succeeded", "output": {"url": "https://out.example.com/a.wav"}}),
        ),
    ]
}

fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .base_url(Api::AudioVideo, &server.url)
        .ims_url(&server.url)
        .build()
        .unwrap()
}

fn quick() -> WaitOptions {
    WaitOptions::default().first_poll(Duration::from_millis(5))
}

/// Problems of `body` against `path`'s request schema in Audio/Video's spec,
/// with undefined fields forbidden.
fn problems(path: &str, body: &Value) -> Vec<String> {
    let spec: Value = serde_json::from_str(include_str!(concat!(
        env!("OUT_DIR"),
        "/audio-video_spec.json"
    )))
    .unwrap();
    strict_problems(&spec, "post", path, body)
}

/// Sends one request through `call`, then checks what reached the server:
/// one request with the credentials, a body the schema accepts with
/// nothing it does not define, and the snapshot of it all.
async fn snapshot_of<F, Fut>(name: &str, path: &str, call: F)
where
    F: FnOnce(Firefly) -> Fut,
    Fut: std::future::Future<Output = Result<AudioVideoJob, Error>>,
{
    let server = adobe(String::new(), succeeded()).await;
    let job = call(client(&server)).await.unwrap();
    assert_eq!(job.job_id, JOB_ID, "{name}");
    let mut sent = server.requests_to(path);
    assert_eq!(sent.len(), 1, "{name}");
    let request = sent.remove(0);
    assert_eq!(request.header("authorization"), Some("Bearer token-1"));
    assert_eq!(request.header("x-api-key"), Some(CLIENT_ID));
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let found = problems(path, &body);
    assert!(found.is_empty(), "{name}: {found:#?}");
    // A field no schema defines is caught: the check can fail.
    let mut extra = body.clone();
    extra["notInTheSchema"] = json!(1);
    assert!(!problems(path, &extra).is_empty(), "{name}");
    insta::assert_json_snapshot!(name, request.shape());
}

#[tokio::test]
async fn every_json_operation_sends_what_its_schema_defines() {
    let speech_text: types::SpeechRequest = request(json!({
        "voiceId": "v1",
        "script": {"text": "Hello there.", "localeCode": "en-US", "mediaType": "text/plain"},
        "output": {"mediaType": "audio/wav"},
    }));
    snapshot_of("av_speech_text", "/v1/generate-speech", |f| async move {
        f.audio_video().generate_speech(speech_text).await
    })
    .await;
    let speech_url: types::SpeechRequest = request(json!({
        "voiceId": "v1",
        "script": {"source": {"url": "https://bucket.s3.amazonaws.com/script.txt"},
                   "localeCode": "fr-FR", "mediaType": "text/plain"},
        "output": {"mediaType": "audio/wav"},
    }));
    snapshot_of("av_speech_url", "/v1/generate-speech", |f| async move {
        f.audio_video().generate_speech(speech_url).await
    })
    .await;
    let reframe: types::ReframeRequest = request(json!({
        "video": {"source": {"url": IN}, "mediaType": "video/mp4"},
        "outputConfig": {"aspectRatios": ["9:16", "1:1"]},
        "sceneEditDetection": true,
        "overlays": [{
            "mediaType": "image/png",
            "source": {"url": "https://bucket.s3.amazonaws.com/logo.png"},
            "startTime": "00:00:01:00", "duration": "00:00:03:00",
            "scale": {"width": 120, "height": 60},
            "position": {"anchorPoint": "top_right", "offsetX": 10, "offsetY": 10},
            "repeat": "once",
        }],
    }));
    snapshot_of("av_reframe", "/v1/reframe", |f| async move {
        f.audio_video().reframe(reframe).await
    })
    .await;
    let transcribe_audio: types::TranscribeRequest = request(json!({
        "audio": {"source": {"url": IN}, "mediaType": "audio/wav"},
        "targetLocaleCodes": ["en-US"],
        "captions": {"targetFormats": ["SRT"]},
    }));
    snapshot_of("av_transcribe_audio", "/v1/transcribe", |f| async move {
        f.audio_video().transcribe(transcribe_audio).await
    })
    .await;
    let transcribe_video: types::TranscribeRequest = request(json!({
        "video": {"source": {"url": IN}, "mediaType": "video/mp4",
                  "metadata": {"dialogTrackNumber": 1}},
    }));
    snapshot_of("av_transcribe_video", "/v1/transcribe", |f| async move {
        f.audio_video().transcribe(transcribe_video).await
    })
    .await;
    let dub_video: types::DubRequest = request(json!({
        "video": {"source": {"url": IN}, "mediaType": "video/mp4"},
        "targetLocaleCodes": ["es-ES"],
        "lipSync": true,
    }));
    snapshot_of("av_dub_video", "/v1/dub", |f| async move {
        f.audio_video().dub(dub_video).await
    })
    .await;
    let dub_audio: types::DubRequest = request(json!({
        "audio": {"source": {"url": IN}, "mediaType": "audio/mpeg"},
        "transcripts": [{"source": {"url": "https://bucket.s3.amazonaws.com/t.json"},
                         "localeCode": "de-DE"}],
    }));
    snapshot_of("av_dub_audio", "/v1/dub", |f| async move {
        f.audio_video().dub(dub_audio).await
    })
    .await;
}

#[test]
fn the_strict_schema_refuses_a_field_it_does_not_define() {
    let body = json!({
        "video": {"source": {"url": IN}, "mediaType": "video/mp4"},
        "outputConfig": {"aspectRatios": ["9:16"]},
        "resolution": "4k",
    });
    assert!(!problems("/v1/reframe", &body).is_empty());
    let nested = json!({
        "audio": {"source": {"url": IN}, "mediaType": "audio/wav", "bitrate": 1},
    });
    assert!(!problems("/v1/transcribe", &nested).is_empty());
}

#[tokio::test]
async fn every_status_shape_is_read_through_the_job_handle() {
    let server = adobe(String::new(), succeeded()).await;
    let firefly = client(&server);
    let audio_video = firefly.audio_video();
    let job = audio_video.track(AudioVideoJob::new(JOB_ID));
    assert_eq!(job.api(), Api::AudioVideo);
    let mut seen = Vec::new();
    let done = job
        .wait_with(&quick(), |status| seen.push(status.status.clone()))
        .await
        .unwrap();
    assert_eq!(
        seen,
        [
            Some(JobStatus::Pending),
            Some(JobStatus::Running),
            Some(JobStatus::Succeeded)
        ]
    );
    assert_eq!(done.output_urls(), ["https://out.example.com/a.wav"]);

    // A failure, in the API's shape.
    let failing = adobe(
        String::new(),
        vec![answer(
            200,
            json!({"jobId": JOB_ID, "status": "failed", "error_code": "runtime_error",
                   "message": "Run time error in tts"}),
        )],
    )
    .await;
    let error = client(&failing)
        .audio_video()
        .wait_for_job(&AudioVideoJob::new(JOB_ID), &quick())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::JobFailed {
                status: JobStatus::Failed,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.error_code(), Some("runtime_error"));
    assert_eq!(error.message(), Some("Run time error in tts"));

    // A dub's list of outputs, one of which failed.
    let dubbed = adobe(
        String::new(),
        vec![answer(
            200,
            json!({"jobId": JOB_ID, "status": "succeeded", "outputs": [
                {"localeCode": "fr-FR", "videoOutput": {"mediaType": "video/mp4",
                    "destination": {"url": "https://out.example.com/fr.mp4"}}},
                {"localeCode": "de-DE", "error": {"error_code": "runtime_error", "message": "no"}},
            ]}),
        )],
    )
    .await;
    let done = client(&dubbed)
        .audio_video()
        .job_status(&AudioVideoJob::new(JOB_ID))
        .await
        .unwrap();
    assert_eq!(done.output_urls(), ["https://out.example.com/fr.mp4"]);
    assert_eq!(done.failed_outputs().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_429_on_a_status_read_is_waited_out_for_its_retry_after() {
    let mut statuses = vec![Answer {
        status: 429,
        retry_after: Some("7"),
        body: json!({"error_code": "429050", "message": "Too many requests"}),
    }];
    statuses.extend(succeeded().into_iter().skip(2));
    let server = adobe(String::new(), statuses).await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .base_url(Api::AudioVideo, &server.url)
        .ims_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let done = firefly
        .audio_video()
        .wait_for_job(&AudioVideoJob::new(JOB_ID), &quick())
        .await
        .unwrap();
    assert_eq!(done.status, Some(JobStatus::Succeeded));
    let polls = server.requests_to(&format!("/v1/status/{JOB_ID}"));
    assert_eq!(polls.len(), 2);
    assert!(polls[1].at - polls[0].at >= Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn a_status_that_never_ends_stops_at_the_deadline() {
    let server = adobe(
        String::new(),
        vec![answer(200, json!({"jobId": JOB_ID, "status": "running"}))],
    )
    .await;
    let firefly = client(&server);
    let options = quick().deadline(Duration::from_secs(30));
    let started = tokio::time::Instant::now();
    let error = firefly
        .audio_video()
        .wait_for_job(&AudioVideoJob::new(JOB_ID), &options)
        .await
        .unwrap_err();
    let Error::WaitTimeout { job_id, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(job_id, JOB_ID);
    assert!(started.elapsed() <= Duration::from_secs(31));
}

#[tokio::test]
async fn an_html_error_page_is_an_api_error_with_its_status() {
    let server = FakeServer::start(|request, _| {
        Reply::Now(match request.path.as_str() {
            TOKEN_PATH => json_response(200, token_body("token-1", 86399)),
            _ => text_response(
                502,
                "text/html",
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
            ),
        })
    })
    .await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .base_url(Api::AudioVideo, &server.url)
        .ims_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = firefly.audio_video().voices().await.unwrap_err();
    assert_eq!(error.status(), Some(502), "{error}");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
}

#[tokio::test]
async fn a_huge_answer_is_refused_without_reading_it_whole() {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let server = FakeServer::start(move |request, _| {
        Reply::Now(match request.path.as_str() {
            TOKEN_PATH => json_response(200, token_body("token-1", 86399)),
            _ => {
                counter.fetch_add(1, Ordering::Relaxed);
                // 32 MiB of voices: twice the SDK's cap on a JSON answer.
                let voice = r#"{"voiceId":"v","displayName":"x"},"#;
                let mut body = String::from(r#"{"voices":["#);
                body.push_str(&voice.repeat(32 * 1024 * 1024 / voice.len()));
                body.push_str(r#"{"voiceId":"last"}]}"#);
                text_response(200, "application/json", &body)
            }
        })
    })
    .await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .base_url(Api::AudioVideo, &server.url)
        .ims_url(&server.url)
        .build()
        .unwrap();
    let error = firefly.audio_video().voices().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("large"), "{error}");
    assert_eq!(sent.load(Ordering::Relaxed), 1, "not retried");
}

#[tokio::test]
async fn credentials_never_follow_a_status_url_to_another_host() {
    let elsewhere = FakeServer::start(|_, _| Reply::Now(json_response(200, json!({})))).await;
    let server = adobe(elsewhere.url.clone(), succeeded()).await;
    let firefly = client(&server);
    let audio_video = firefly.audio_video();
    let speech: types::SpeechRequest = request(json!({
        "voiceId": "v1",
        "script": {"text": "Hi.", "localeCode": "en-US", "mediaType": "text/plain"},
        "output": {"mediaType": "audio/wav"},
    }));
    let job = audio_video.generate_speech(speech).await.unwrap();
    assert!(
        job.status_url
            .as_deref()
            .unwrap()
            .starts_with(&elsewhere.url)
    );
    audio_video.wait_for_job(&job, &quick()).await.unwrap();
    assert!(
        elsewhere.requests().is_empty(),
        "the status is read at the API's host"
    );
    assert_eq!(server.count(&format!("/v1/status/{JOB_ID}")), 3);
}

#[tokio::test(start_paused = true)]
async fn adobes_limits_count_per_operation_so_the_eleventh_speech_waits_and_voices_do_not() {
    let server = adobe(String::new(), succeeded()).await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .base_url(Api::AudioVideo, &server.url)
        .ims_url(&server.url)
        .adobe_rate_limits()
        .build()
        .unwrap();
    let audio_video = firefly.audio_video();
    let speech: types::SpeechRequest = request(json!({
        "voiceId": "v1",
        "script": {"text": "Hi.", "localeCode": "en-US", "mediaType": "text/plain"},
        "output": {"mediaType": "audio/wav"},
    }));
    let started = tokio::time::Instant::now();
    for _ in 0..10 {
        audio_video.generate_speech(speech.clone()).await.unwrap();
    }
    // The speech budget is full; the voices' own is not.
    for _ in 0..5 {
        audio_video.voices().await.unwrap();
    }
    assert!(started.elapsed() < Duration::from_secs(1));
    audio_video.generate_speech(speech).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(60));
    let sent = server.requests_to("/v1/generate-speech");
    assert_eq!(sent.len(), 11);
    assert!(sent[10].at - sent[0].at >= Duration::from_secs(60));
    let voices = server.requests_to("/v1/voices");
    assert!(
        voices
            .iter()
            .all(|r| r.at - sent[0].at < Duration::from_secs(1))
    );
}
