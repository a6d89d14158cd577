//! A fleet sharing one quota and one token through a real Redis server
//! (feature `redis`; run with `cargo test --features redis --test fleet`).
//! Each client or token manager here has its own `Fleet`, connection and
//! cache, as separate processes would; the CLI's tests run real processes.

#[cfg(feature = "audio-video")]
mod audio_video;
#[path = "../common/mod.rs"]
mod common;
mod fairness;
#[cfg(feature = "photoshop")]
mod photoshop;
mod poisoned;
mod redis_server;
mod tls;
mod tokens;

use std::time::{Duration, Instant};

use adobe_firefly::{
    Error, Firefly, RateLimit, RateLimitError, RetryPolicy,
    auth::TokenPolicy,
    fleet::{Fleet, WhenRedisDown},
    types::GenerateImagesRequest,
};
use adobe_firefly_emulator::{Emulator, Faults};
use redis_server::{PrivateRedis, shared_url, unique_prefix};

fn fleet(url: &str, prefix: &str) -> Fleet {
    Fleet::builder(url).key_prefix(prefix).build().unwrap()
}

fn client(emulator: &Emulator, limit: RateLimit, fleet: &Fleet) -> Firefly {
    Firefly::builder()
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .api_url(emulator.url())
        .ims_url(emulator.url())
        .token_policy(TokenPolicy::default().redis(fleet))
        .rate_limit(limit)
        // A 429 would be an error, not a retry: the budget must prevent it.
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn submit(firefly: &Firefly) -> Result<(), Error> {
    firefly
        .generate_images(GenerateImagesRequest::builder().prompt("a fleet"))
        .await
        .map(drop)
}

/// When each job submission reached the emulator, in order.
fn submissions(emulator: &Emulator) -> Vec<Instant> {
    let mut times: Vec<Instant> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/v3/images/"))
        .map(|r| r.received_at)
        .collect();
    times.sort();
    times
}

/// No `budget + 1` submissions within any `window`.
fn assert_within_budget(times: &[Instant], budget: usize, window: Duration) {
    for pair in times.windows(budget + 1) {
        let span = pair[budget] - pair[0];
        assert!(
            span >= window,
            "{} submissions within {span:?}, budget {budget} per {window:?}",
            budget + 1
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sharing_a_budget_stay_under_the_quota_together() {
    let url = shared_url();
    let prefix = unique_prefix("budget");
    // The emulator's window is shorter than the budget's by a margin for the
    // time between Redis admitting a request and the emulator receiving it.
    let quota_window = Duration::from_millis(560);
    let emulator = Emulator::builder()
        .faults(
            Faults::none()
                .rate_limit_per_minute(3)
                .quota_window(quota_window)
                .quota_submissions_only(true),
        )
        .start()
        .await
        .unwrap();
    let limit = RateLimit::new(3, Duration::from_millis(800)).submissions_only();
    let clients: Vec<Firefly> = (0..3)
        .map(|_| {
            client(
                &emulator,
                limit.clone().redis(&fleet(&url, &prefix)),
                &fleet(&url, &prefix),
            )
        })
        .collect();
    let results = futures::future::join_all(
        clients
            .iter()
            .flat_map(|c| std::iter::repeat_n(c, 3))
            .map(submit),
    )
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(emulator.faults_served().quota_rejections, 0);
    let times = submissions(&emulator);
    assert_eq!(times.len(), 9);
    assert_within_budget(&times, 3, quota_window);
    // Redis admitted the last three 1600 ms after the first at the earliest;
    // the emulator may see them a little closer.
    assert!(
        times[8] - times[0] >= Duration::from_millis(1400),
        "the budget made callers wait"
    );
}

#[tokio::test]
async fn quota_left_counts_what_the_fleet_used() {
    let url = shared_url();
    let prefix = unique_prefix("left");
    let emulator = Emulator::start().await.unwrap();
    let shared = fleet(&url, &prefix);
    let limit = RateLimit::new(5, Duration::from_secs(30))
        .per_day(100)
        .submissions_only();
    let firefly = client(&emulator, limit.clone().redis(&shared), &shared);
    submit(&firefly).await.unwrap();
    submit(&firefly).await.unwrap();
    let left = shared
        .quota_left(emulator.client_id(), &limit)
        .await
        .unwrap();
    assert_eq!((left.window_left, left.day_left), (3, Some(98)));
    assert_eq!(left.next_in, Duration::ZERO);
    // Another credential has its own budget.
    let other = shared.quota_left("another-client", &limit).await.unwrap();
    assert_eq!(other.window_left, 5);
    // The keys name the credential by a hash, never by its id.
    let keys = redis_server::keys(&url, &prefix);
    assert!(!keys.is_empty());
    assert!(
        keys.iter().all(|k| !k.contains(emulator.client_id())),
        "{keys:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_falls_back_to_the_local_limit_and_recovers() {
    let mut server = PrivateRedis::start();
    let prefix = unique_prefix("fallback");
    let emulator = Emulator::start().await.unwrap();
    let shared = Fleet::builder(server.url())
        .key_prefix(&prefix)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let limit = RateLimit::new(50, Duration::from_secs(30)).submissions_only();
    let firefly = client(&emulator, limit.clone().redis(&shared), &shared);
    let left = || shared.quota_left(emulator.client_id(), &limit);
    submit(&firefly).await.unwrap();
    assert_eq!(left().await.unwrap().window_left, 49);

    server.stop();
    for _ in 0..3 {
        submit(&firefly)
            .await
            .expect("the local limit stands in for Redis");
    }
    assert!(left().await.is_err(), "Redis is down");
    assert_eq!(submissions(&emulator).len(), 4, "no job lost or sent twice");

    server.restart();
    // The restarted server is empty; the fleet counts in it again once the
    // client has reconnected.
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut sent = 4;
    loop {
        submit(&firefly).await.unwrap();
        sent += 1;
        if left().await.is_ok_and(|l| l.window_left < 50) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the fleet never used Redis again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        submissions(&emulator).len(),
        sent,
        "no job lost or sent twice"
    );
}

#[tokio::test]
async fn redis_down_fails_requests_unsent_when_so_configured() {
    let server = PrivateRedis::start();
    let url = server.url();
    drop(server);
    let emulator = Emulator::start().await.unwrap();
    let shared = Fleet::builder(url)
        .key_prefix(unique_prefix("fail"))
        .when_down(WhenRedisDown::Fail)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let firefly = client(&emulator, RateLimit::per_minute(4).redis(&shared), &shared);
    let error = submit(&firefly).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::RateLimit(RateLimitError::RedisUnavailable { .. })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("nothing was sent"), "{error}");
    assert!(submissions(&emulator).is_empty());
}

/// `rediss://` builds a TLS connection with the SDK's TLS stack; a server
/// that does not speak TLS is a Redis outage like any other, not a panic.
#[tokio::test]
async fn a_tls_url_to_a_plain_server_is_an_outage_not_a_panic() {
    let server = PrivateRedis::start();
    let emulator = Emulator::start().await.unwrap();
    let shared = Fleet::builder(format!("rediss://127.0.0.1:{}", server.port))
        .key_prefix(unique_prefix("tls"))
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let limit = RateLimit::per_minute(4);
    let error = shared
        .quota_left(emulator.client_id(), &limit)
        .await
        .unwrap_err();
    assert!(
        matches!(error, RateLimitError::RedisUnavailable { .. }),
        "{error:?}"
    );
    let firefly = client(&emulator, limit.redis(&shared), &shared);
    submit(&firefly).await.expect("the local limit stands in");
}
