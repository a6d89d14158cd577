//! The IMS token manager against a real HTTP server on 127.0.0.1, with paused
//! Tokio time: single flight, refreshing ahead of expiry, the hard cut-off,
//! failed refreshes and the manager's lifecycle.

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use adobe_firefly::auth::{AuthError, ImsTokenManager, TokenPolicy};
use common::*;
use futures::FutureExt;
use serde_json::json;
use tokio::time::{Instant, sleep};

// single flight.

#[tokio::test(start_paused = true)]
async fn cold_cache_herd_makes_one_request() {
    let server = ims(86399, Duration::from_millis(200)).await;
    let manager = manager(&server, TokenPolicy::default());
    let results = futures::future::join_all((0..1000).map(|_| manager.token())).await;
    assert_eq!(server.count(TOKEN_PATH), 1);
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().unwrap().expose_secret() == "token-1")
    );
    assert_eq!(manager.stats().ims_requests, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn cold_cache_herd_makes_one_request_on_many_threads() {
    let server = ims(86399, Duration::from_millis(20)).await;
    for run in 0..20 {
        let manager = Arc::new(manager(&server, TokenPolicy::default()));
        let tasks: Vec<_> = (0..1000)
            .map(|_| {
                let manager = manager.clone();
                tokio::spawn(
                    async move { manager.token().await.map(|t| t.expose_secret().to_owned()) },
                )
            })
            .collect();
        let mut tokens = Vec::new();
        for task in tasks {
            tokens.push(task.await.unwrap().unwrap());
        }
        assert_eq!(server.count(TOKEN_PATH), run + 1, "run {run}");
        assert!(tokens.iter().all(|t| t == &tokens[0]));
    }
}

#[tokio::test(start_paused = true)]
async fn failing_herd_makes_one_request_and_every_caller_gets_the_error() {
    let server = FakeServer::start(|_, _| {
        Reply::After(Duration::from_millis(200), json_response(503, json!({})))
    })
    .await;
    let manager = manager(
        &server,
        TokenPolicy::default()
            .attempts(1)
            .first_retry_delay(Duration::ZERO),
    );
    let results = futures::future::join_all((0..1000).map(|_| manager.token())).await;
    assert_eq!(server.count(TOKEN_PATH), 1);
    assert_eq!(
        results
            .iter()
            .filter(|r| matches!(
                r,
                Err(AuthError::Transient {
                    status: Some(503),
                    ..
                })
            ))
            .count(),
        1000
    );
}

// a due refresh does not make callers wait.

#[tokio::test(start_paused = true)]
async fn soft_refresh_serves_the_current_token_without_waiting() {
    let server = ims(1000, Duration::from_secs(2)).await;
    let manager = manager(&server, half_life());
    assert_eq!(manager.token().await.unwrap().expose_secret(), "token-1");
    let fetched_at = Instant::now();

    sleep(Duration::from_secs(501) - fetched_at.elapsed()).await;
    let during = manager
        .token()
        .now_or_never()
        .expect("served without waiting")
        .unwrap();
    assert_eq!(during.expose_secret(), "token-1");
    // A refresh is in flight; the warm path still does not wait.
    let again = manager
        .token()
        .now_or_never()
        .expect("served without waiting")
        .unwrap();
    assert_eq!(again.expose_secret(), "token-1");

    sleep(Duration::from_secs(3)).await;
    sleep(Duration::from_millis(10)).await;
    assert_eq!(server.count(TOKEN_PATH), 2);
    assert_eq!(manager.token().await.unwrap().expose_secret(), "token-2");
}

// hard cut-off before expiry.

#[tokio::test(start_paused = true)]
async fn a_token_is_never_served_inside_the_expiry_buffer() {
    // Lifetime 1000 s: buffer min(300 s, 100 s) = 100 s, cut-off at 900 s.
    let server = ims_failing_after(1, 503, 1000).await;
    let manager = manager(&server, half_life());
    let start = Instant::now();
    manager.token().await.unwrap();

    sleep(Duration::from_secs(899) - start.elapsed()).await;
    assert_eq!(manager.token().await.unwrap().expose_secret(), "token-1");

    sleep(Duration::from_secs(901) - start.elapsed()).await;
    let error = manager.token().await.unwrap_err();
    assert!(
        matches!(error, AuthError::TokenUnavailable { .. }),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_never_get_a_token_inside_the_buffer() {
    let server = ims(100, Duration::from_millis(300)).await;
    let manager = Arc::new(manager(&server, TokenPolicy::default()));
    // Lifetime 100 s, so the buffer is 10 s: every token served must have at
    // least that much left. Callers arrive over 280 s, across refreshes.
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let manager = manager.clone();
        tasks.push(tokio::spawn(async move {
            let token = manager.token().await.unwrap();
            (token.expose_secret().to_owned(), Instant::now())
        }));
        sleep(Duration::from_millis(1400)).await;
    }
    let requests = server.requests_to(TOKEN_PATH);
    assert!(requests.len() >= 3, "tokens were renewed");
    for task in tasks {
        let (token, served_at) = task.await.unwrap();
        let n: usize = token.trim_start_matches("token-").parse().unwrap();
        let expires = requests[n - 1].at + Duration::from_secs(100);
        assert!(
            expires.saturating_duration_since(served_at) >= Duration::from_secs(10),
            "{token} served {:?} before expiry",
            expires.saturating_duration_since(served_at)
        );
    }
}

// a failed refresh keeps the valid token and is retried on a schedule.

#[tokio::test(start_paused = true)]
async fn failed_refresh_keeps_the_token_and_retries_with_backoff() {
    // Lifetime 2000 s: refresh at 1000 s, cut-off at 1800 s.
    let server = ims_failing_after(1, 503, 2000).await;
    let manager = manager(
        &server,
        half_life().attempts(1).first_retry_delay(Duration::ZERO),
    );
    let start = Instant::now();
    manager.token().await.unwrap();

    sleep(Duration::from_secs(1001) - start.elapsed()).await;
    assert_eq!(manager.token().await.unwrap().expose_secret(), "token-1");
    sleep(Duration::from_millis(10)).await;
    assert_eq!(server.count(TOKEN_PATH), 2, "the background refresh ran");

    // Through the window [1001 s, 1799 s], one call per second.
    while start.elapsed() < Duration::from_secs(1799) {
        assert_eq!(manager.token().await.unwrap().expose_secret(), "token-1");
        sleep(Duration::from_secs(1)).await;
    }
    // Retries at +30, +60, +120, +240, +480 s: 5 within 800 s.
    let refreshes = server.count(TOKEN_PATH) - 1;
    assert!(refreshes <= 7, "{refreshes} refresh attempts");
    assert!(manager.stats().refresh_failures >= 5);
    assert!(manager.stats().stale_served > 0);

    sleep(Duration::from_secs(1801) - start.elapsed()).await;
    assert!(manager.token().await.is_err());
}

#[tokio::test(start_paused = true)]
async fn four_quadrants_of_age_and_ims_health() {
    let down = Arc::new(AtomicUsize::new(0));
    let flag = down.clone();
    let server = FakeServer::start(move |_, earlier| {
        if flag.load(Ordering::SeqCst) == 1 {
            Reply::Now(json_response(503, json!({})))
        } else {
            Reply::Now(json_response(
                200,
                token_body(&format!("token-{}", earlier + 1), 1000),
            ))
        }
    })
    .await;
    let policy = half_life()
        .attempts(1)
        .first_retry_delay(Duration::ZERO)
        .refresh_retry(Duration::from_secs(1), Duration::from_secs(1))
        .failure_backoff(Duration::ZERO, Duration::ZERO)
        .permanent_failure_backoff(Duration::ZERO);
    let manager = manager(&server, policy);
    let start = Instant::now();
    manager.token().await.unwrap();

    // Aging, IMS down: the old token.
    down.store(1, Ordering::SeqCst);
    sleep(Duration::from_secs(600)).await;
    assert_eq!(manager.token().await.unwrap().expose_secret(), "token-1");
    sleep(Duration::from_millis(10)).await;
    // Aging, IMS up: a new token once the refresh ran.
    down.store(0, Ordering::SeqCst);
    sleep(Duration::from_secs(2)).await;
    manager.token().await.unwrap();
    sleep(Duration::from_millis(10)).await;
    assert_eq!(manager.token().await.unwrap().expose_secret(), "token-3");
    // Expired, IMS down: an error.
    down.store(1, Ordering::SeqCst);
    sleep(Duration::from_secs(2000) - start.elapsed()).await;
    assert!(manager.token().await.is_err());
    // Expired, IMS up: a new token.
    down.store(0, Ordering::SeqCst);
    assert!(
        manager
            .token()
            .await
            .unwrap()
            .expose_secret()
            .starts_with("token-")
    );
}

// a dropped caller neither cancels nor repeats the load.

#[tokio::test(start_paused = true)]
async fn a_cancelled_caller_does_not_cancel_the_load() {
    let server = ims(86399, Duration::from_secs(5)).await;
    let manager = manager(&server, TokenPolicy::default());
    assert!(
        tokio::time::timeout(Duration::from_secs(1), manager.token())
            .await
            .is_err()
    );
    assert_eq!(manager.token().await.unwrap().expose_secret(), "token-1");
    assert_eq!(server.count(TOKEN_PATH), 1);
}

// lifecycle.

#[test]
fn a_manager_can_be_built_outside_a_runtime() {
    let built = std::thread::spawn(|| {
        ImsTokenManager::builder()
            .ims_url("https://ims.example.com")
            .client_id(CLIENT_ID)
            .client_secret(SECRET)
            .scopes("openid")
            .policy(TokenPolicy::default())
            .build()
            .is_ok()
    })
    .join()
    .unwrap();
    assert!(built);
}

#[test]
fn a_token_outside_a_runtime_is_an_error_not_a_panic() {
    let manager = ImsTokenManager::builder()
        .ims_url("https://ims.example.com")
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes("openid")
        .policy(TokenPolicy::default())
        .build()
        .unwrap();
    let result = futures::executor::block_on(manager.token());
    assert!(matches!(result, Err(AuthError::NoRuntime { .. })));
}

#[tokio::test(start_paused = true)]
async fn dropping_the_manager_aborts_its_load() {
    let server = FakeServer::start(|_, _| {
        Reply::After(Duration::from_secs(1), json_response(503, json!({})))
    })
    .await;
    let manager = manager(&server, TokenPolicy::default());
    // Start a load (three attempts over several seconds) and walk away.
    assert!(manager.token().now_or_never().is_none());
    sleep(Duration::from_millis(500)).await;
    assert_eq!(
        server.count(TOKEN_PATH),
        1,
        "the first attempt is under way"
    );
    drop(manager);
    sleep(Duration::from_secs(60)).await;
    sleep(Duration::from_millis(10)).await;
    assert_eq!(server.count(TOKEN_PATH), 1, "no attempt after the drop");
}
