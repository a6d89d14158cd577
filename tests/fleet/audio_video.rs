//! The Audio/Video API's per-operation budgets shared by two processes
//! through Redis (features `redis` and `audio-video`): each operation's
//! limit has counters of its own, so speech waits for its window while the
//! voices go at once.

use std::time::{Duration, Instant};

use adobe_firefly::{Api, Firefly, RateLimit, RetryPolicy, audio_video::types::SpeechRequest};
use adobe_firefly_emulator::Emulator;
use serde_json::json;

use crate::{
    fleet,
    redis_server::{self, shared_url, unique_prefix},
};

fn process(emulator: &Emulator, limits: &[RateLimit], url: &str, prefix: &str) -> Firefly {
    Firefly::builder()
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .ims_url(emulator.url())
        .base_url(Api::AudioVideo, emulator.audio_video_url())
        .rate_limits(Api::AudioVideo, limits.to_vec())
        .fleet(&fleet(url, prefix))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// When the emulator received each request whose path is `path`.
fn times(emulator: &Emulator, path: &str) -> Vec<Instant> {
    let mut times: Vec<Instant> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|r| r.received_at)
        .collect();
    times.sort();
    times
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_operation_has_a_fleet_budget_of_its_own() {
    let url = shared_url();
    let prefix = unique_prefix("audio-video-budget");
    let emulator = Emulator::start().await.unwrap();
    let window = Duration::from_millis(800);
    let limits = [
        RateLimit::new(2, window).operation("generate-speech"),
        RateLimit::new(2, window).operation("voices"),
    ];
    let processes: Vec<Firefly> = (0..2)
        .map(|_| process(&emulator, &limits, &url, &prefix))
        .collect();
    let speech: SpeechRequest = serde_json::from_value(json!({
        "voiceId": "v-emulator-ava",
        "script": {"text": "Hi.", "localeCode": "en-US", "mediaType": "text/plain"},
        "output": {"mediaType": "audio/wav"},
    }))
    .unwrap();
    // Two speech jobs from each process: the fleet's window holds two.
    let speeches = futures::future::join_all(processes.iter().flat_map(|p| {
        let speech = speech.clone();
        [speech.clone(), speech]
            .map(|request| async move { p.audio_video().generate_speech(request).await })
    }));
    // One voices call from each, while the speech budget is full.
    let voices = futures::future::join_all(processes.iter().map(|p| p.audio_video().voices()));
    let (speeches, voices) = tokio::join!(speeches, voices);
    assert!(speeches.iter().all(Result::is_ok), "{speeches:?}");
    assert!(voices.iter().all(Result::is_ok), "{voices:?}");

    let spoken = times(&emulator, "/audio-video/v1/generate-speech");
    assert_eq!(spoken.len(), 4);
    // Redis admits at most 2 per 800 ms; the emulator may see them a
    // little closer than Redis admitted them.
    assert!(
        spoken[2] - spoken[0] >= Duration::from_millis(560),
        "{spoken:?}"
    );
    let listed = times(&emulator, "/audio-video/v1/voices");
    assert_eq!(listed.len(), 2);
    assert!(
        listed[1] - spoken[0] < Duration::from_millis(500),
        "voices did not wait"
    );

    let keys = redis_server::keys(&url, &prefix);
    assert!(
        keys.iter().any(|k| k.contains("op=generate-speech")),
        "{keys:?}"
    );
    assert!(keys.iter().any(|k| k.contains("op=voices")), "{keys:?}");
}
