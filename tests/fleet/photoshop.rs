//! Photoshop's budget and token shared by three processes through Redis,
//! attached with one `FireflyBuilder::fleet` call (features `redis` and
//! `photoshop`).

use std::time::{Duration, Instant};

use adobe_firefly::{
    Api, Firefly, RateLimit, RetryPolicy, photoshop::types::GenerateManifestRequest,
};
use adobe_firefly_emulator::Emulator;
use serde_json::json;

use crate::{
    assert_within_budget,
    common::png_storage,
    fleet,
    redis_server::{self, shared_url, unique_prefix},
};

fn process(emulator: &Emulator, limit: &RateLimit, url: &str, prefix: &str) -> Firefly {
    Firefly::builder()
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .api_url(emulator.url())
        .photoshop_url(emulator.url())
        .ims_url(emulator.url())
        .rate_limits(Api::Photoshop, [limit.clone()])
        .fleet(&fleet(url, prefix))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn photoshop_submissions(emulator: &Emulator) -> Vec<Instant> {
    let mut times: Vec<Instant> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/v2/"))
        .map(|r| r.received_at)
        .collect();
    times.sort();
    times
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_photoshop_budget_shared_by_three_processes_never_exceeds_its_window() {
    let url = shared_url();
    let prefix = unique_prefix("photoshop-budget");
    let emulator = Emulator::start().await.unwrap();
    let storage = png_storage().await;
    let limit = RateLimit::new(3, Duration::from_millis(800)).submissions_only();
    let processes: Vec<Firefly> = (0..3)
        .map(|_| process(&emulator, &limit, &url, &prefix))
        .collect();
    let request: GenerateManifestRequest = serde_json::from_value(json!({
        "image": {"source": {"url": format!("{}/in.png", storage.url)}},
        "outputs": [{"destination": {"validityPeriod": 3600}, "mediaType": "application/json"}],
    }))
    .unwrap();
    let results = futures::future::join_all(
        processes
            .iter()
            .flat_map(|p| std::iter::repeat_n(p, 3))
            .map(|p| {
                let request = request.clone();
                async move { p.photoshop().generate_manifest(request).await }
            }),
    )
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let times = photoshop_submissions(&emulator);
    assert_eq!(times.len(), 9);
    // Redis admits at most 3 per 800 ms; the emulator may see them up to a
    // little closer than Redis admitted them.
    assert_within_budget(&times, 3, Duration::from_millis(560));
    assert!(times[8] - times[0] >= Duration::from_millis(1400));
    // One token for the three, through the fleet.
    assert_eq!(emulator.tokens_issued(), 1);
    // The budget is Photoshop's own, under keys of its own.
    let keys = redis_server::keys(&url, &prefix);
    assert!(keys.iter().any(|k| k.contains("photoshop")), "{keys:?}");
    assert!(
        keys.iter().all(|k| !k.contains(emulator.client_id())),
        "{keys:?}"
    );
}
