//! The IMS token manager against a real HTTP server on 127.0.0.1, with paused
//! Tokio time: each behaviour of the token manager, one test each.

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use adobe_firefly::auth::{AuthError, ImsTokenManager, TokenPolicy, TokenSource};
use common::*;
use futures::FutureExt;
use serde_json::json;
use tokio::time::{Instant, sleep};

const SECRET: &str = "client-secret";

fn manager(server: &FakeServer, policy: TokenPolicy) -> ImsTokenManager {
    ImsTokenManager::builder()
        .ims_url(&server.url)
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes("openid,AdobeID,firefly_api,ff_apis")
        .policy(policy)
        .build()
        .unwrap()
}

/// A deterministic refresh point: half of the lifetime.
fn half_life() -> TokenPolicy {
    TokenPolicy::default().refresh_window(0.5, 0.5)
}

/// An IMS that hands out `token-1`, `token-2`, ... with the given lifetime and
/// latency.
async fn ims(lifetime: u64, latency: Duration) -> FakeServer {
    FakeServer::start(move |_, earlier| {
        Reply::After(
            latency,
            json_response(200, token_body(&format!("token-{}", earlier + 1), lifetime)),
        )
    })
    .await
}

/// An IMS that answers the first `ok` requests and then fails with `status`.
async fn ims_failing_after(ok: usize, status: u16, lifetime: u64) -> FakeServer {
    FakeServer::start(move |_, earlier| {
        if earlier < ok {
            Reply::Now(json_response(
                200,
                token_body(&format!("token-{}", earlier + 1), lifetime),
            ))
        } else {
            Reply::Now(json_response(status, json!({"error": "server_error"})))
        }
    })
    .await
}

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

// an outage is rate limited and recovers.

#[tokio::test(start_paused = true)]
async fn an_outage_is_rate_limited_by_backoff() {
    let server = FakeServer::start(|_, _| Reply::Now(json_response(503, json!({})))).await;
    let policy = TokenPolicy::default()
        .attempts(1)
        .first_retry_delay(Duration::ZERO)
        .failure_backoff(Duration::from_secs(30), Duration::from_secs(30))
        .permanent_failure_backoff(Duration::from_secs(300));
    let manager = manager(&server, policy);
    for _ in 0..120 {
        for _ in 0..100 {
            let error = manager.token().await.unwrap_err();
            assert!(
                error.retry_after().is_some(),
                "the error says when to retry"
            );
        }
        sleep(Duration::from_secs(1)).await;
    }
    assert!(
        server.count(TOKEN_PATH) <= 5,
        "{} IMS requests",
        server.count(TOKEN_PATH)
    );
}

#[tokio::test(start_paused = true)]
async fn recovers_after_an_outage_without_a_new_client() {
    let start = Instant::now();
    let server = FakeServer::start(move |_, _| {
        if start.elapsed() < Duration::from_secs(60) {
            Reply::Now(json_response(503, json!({})))
        } else {
            Reply::Now(json_response(200, token_body("after-outage", 86399)))
        }
    })
    .await;
    let manager = manager(&server, TokenPolicy::default());
    let mut first_success = None;
    while first_success.is_none() {
        match manager.token().await {
            Ok(token) => first_success = Some((token, start.elapsed())),
            Err(error) => sleep(error.retry_after().unwrap_or(Duration::from_secs(1))).await,
        }
    }
    let (token, at) = first_success.unwrap();
    assert_eq!(token.expose_secret(), "after-outage");
    assert!(at < Duration::from_secs(60 + 31), "recovered at {at:?}");
}

#[tokio::test(start_paused = true)]
async fn rejected_credentials_are_not_retried_for_five_minutes() {
    let server = FakeServer::start(|_, _| {
        Reply::Now(json_response(400, json!({"error": "invalid_client", "error_description": "invalid client_secret parameter"})))
    })
    .await;
    let manager = manager(&server, TokenPolicy::default());
    let error = manager.token().await.unwrap_err();
    match &error {
        AuthError::Permanent {
            status,
            ims_error,
            description,
            ..
        } => {
            assert_eq!(*status, 400);
            assert_eq!(ims_error, "invalid_client");
            assert_eq!(description, "invalid client_secret parameter");
        }
        other => panic!("expected Permanent, got {other:?}"),
    }
    assert!(error.to_string().contains("invalid_client"), "{error}");
    assert!(!error.is_retryable());
    assert_eq!(server.count(TOKEN_PATH), 1);

    sleep(Duration::from_secs(299)).await;
    assert!(matches!(
        manager.token().await,
        Err(AuthError::Permanent { .. })
    ));
    assert_eq!(server.count(TOKEN_PATH), 1);

    sleep(Duration::from_secs(2)).await;
    assert!(manager.token().await.is_err());
    assert_eq!(server.count(TOKEN_PATH), 2);
}

// bounded fetch time.

#[tokio::test(start_paused = true)]
async fn a_hanging_ims_times_out_at_the_attempt_timeout() {
    let server = FakeServer::start(|_, _| Reply::Never).await;
    let manager = manager(
        &server,
        TokenPolicy::default()
            .attempts(1)
            .first_retry_delay(Duration::ZERO),
    );
    let start = Instant::now();
    let error = manager.token().await.unwrap_err();
    assert!(matches!(error, AuthError::Timeout { .. }), "{error:?}");
    assert_eq!(start.elapsed(), Duration::from_secs(10));
}

#[tokio::test(start_paused = true)]
async fn all_attempts_together_stay_within_the_load_deadline() {
    let server = FakeServer::start(|_, _| Reply::Never).await;
    let manager = manager(&server, TokenPolicy::default());
    let start = Instant::now();
    assert!(manager.token().await.is_err());
    assert!(
        start.elapsed() <= Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert!(server.count(TOKEN_PATH) >= 2, "timeouts are retried");
}

// which failures are retried.

#[tokio::test(start_paused = true)]
async fn transient_failures_are_retried_within_one_load() {
    let server = FakeServer::start(|_, earlier| match earlier {
        0 | 1 => Reply::Now(json_response(503, json!({}))),
        _ => Reply::Now(json_response(200, token_body("third-time", 86399))),
    })
    .await;
    let manager = manager(&server, TokenPolicy::default());
    assert_eq!(manager.token().await.unwrap().expose_secret(), "third-time");
    assert_eq!(server.count(TOKEN_PATH), 3);
}

#[tokio::test(start_paused = true)]
async fn timeouts_throttling_and_server_errors_are_retried() {
    for status in [408, 429, 500, 502, 503, 504] {
        let server = FakeServer::start(move |_, earlier| match earlier {
            0 => Reply::Now(json_response(status, json!({}))),
            _ => Reply::Now(json_response(200, token_body("retried", 86399))),
        })
        .await;
        let manager = manager(&server, TokenPolicy::default());
        assert_eq!(
            manager.token().await.unwrap().expose_secret(),
            "retried",
            "{status}"
        );
        assert_eq!(server.count(TOKEN_PATH), 2, "{status}");
    }
}

#[tokio::test(start_paused = true)]
async fn connection_failures_are_retried_and_reported_as_transient() {
    let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", unused.local_addr().unwrap());
    drop(unused);
    let manager = ImsTokenManager::builder()
        .ims_url(&url)
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes("openid")
        .policy(TokenPolicy::default())
        .build()
        .unwrap();
    let error = manager.token().await.unwrap_err();
    assert!(
        matches!(error, AuthError::Transient { status: None, .. }),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(manager.stats().ims_requests, 3, "every attempt was made");
}

#[tokio::test(start_paused = true)]
async fn retry_after_from_ims_is_honoured() {
    let server = FakeServer::start(|_, earlier| match earlier {
        0 => Reply::Now(with_header(
            json_response(429, json!({})),
            "retry-after",
            "2",
        )),
        _ => Reply::Now(json_response(200, token_body("patient", 86399))),
    })
    .await;
    let manager = manager(&server, TokenPolicy::default());
    assert_eq!(manager.token().await.unwrap().expose_secret(), "patient");
    let requests = server.requests_to(TOKEN_PATH);
    assert_eq!(requests.len(), 2);
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn an_unauthorized_client_is_not_retried() {
    let server = FakeServer::start(|_, _| {
        Reply::Now(json_response(
            401,
            json!({"error": "unauthorized_client", "error_description": "not allowed"}),
        ))
    })
    .await;
    let manager = manager(&server, TokenPolicy::default());
    let error = manager.token().await.unwrap_err();
    assert!(
        matches!(error, AuthError::Permanent { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(server.count(TOKEN_PATH), 1);
}

#[tokio::test(start_paused = true)]
async fn a_bad_scope_is_not_retried() {
    let server = FakeServer::start(|_, _| {
        Reply::Now(json_response(
            400,
            json!({"error": "invalid_scope", "error_description": "scope not allowed"}),
        ))
    })
    .await;
    let manager = manager(&server, TokenPolicy::default());
    let error = manager.token().await.unwrap_err();
    assert_eq!(error.ims_error(), Some("invalid_scope"));
    assert_eq!(server.count(TOKEN_PATH), 1);
}

#[tokio::test]
async fn a_connection_cut_mid_response_is_retried() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let n = count.fetch_add(1, Ordering::SeqCst);
            let mut buffer = vec![0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            if n == 0 {
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{\"access_to")
                    .await;
                // Dropping the socket cuts the response short.
            } else {
                let body = token_body("whole", 86399).to_string();
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            }
        }
    });
    let policy = TokenPolicy::default()
        .attempts(3)
        .first_retry_delay(Duration::from_millis(1));
    let manager = ImsTokenManager::builder()
        .ims_url(&url)
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes("openid")
        .policy(policy)
        .build()
        .unwrap();
    assert_eq!(manager.token().await.unwrap().expose_secret(), "whole");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
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

// response sanity.

#[tokio::test(start_paused = true)]
async fn unusable_token_responses_are_errors() {
    for body in [
        json!({"access_token": "t", "token_type": "bearer", "expires_in": 0}),
        json!({"access_token": "t", "token_type": "mac", "expires_in": 100}),
        json!({"access_token": "t", "token_type": "bearer", "expires_in": -5}),
        json!({"token_type": "bearer", "expires_in": 100}),
    ] {
        let reply = body.clone();
        let server =
            FakeServer::start(move |_, _| Reply::Now(json_response(200, reply.clone()))).await;
        let error = manager(&server, TokenPolicy::default())
            .token()
            .await
            .unwrap_err();
        assert!(
            matches!(error, AuthError::InvalidResponse { .. }),
            "{body}: {error:?}"
        );
        assert_eq!(server.count(TOKEN_PATH), 1, "{body}: not retried");
    }
}

#[tokio::test(start_paused = true)]
async fn token_type_is_case_insensitive_and_missing_expiry_is_conservative() {
    let server = FakeServer::start(|_, earlier| {
        Reply::Now(json_response(
            200,
            json!({"access_token": format!("t{earlier}"), "token_type": "Bearer"}),
        ))
    })
    .await;
    let manager = manager(&server, half_life());
    assert_eq!(manager.token().await.unwrap().expose_secret(), "t0");
    // Assumed lifetime 1 h: cut-off at 3600 - 300 s.
    sleep(Duration::from_secs(3299)).await;
    assert_eq!(manager.token().await.unwrap().expose_secret(), "t0");
    sleep(Duration::from_secs(2)).await;
    sleep(Duration::from_millis(10)).await;
    assert_eq!(manager.token().await.unwrap().expose_secret(), "t1");
}

#[tokio::test(start_paused = true)]
async fn a_day_long_token_is_cut_off_five_minutes_before_expiry() {
    let server = ims(86399, Duration::ZERO).await;
    // No background refresh before the cut-off: the window ends at 95 %.
    let manager = manager(&server, TokenPolicy::default().refresh_window(0.95, 0.95));
    let start = Instant::now();
    manager.token().await.unwrap();
    sleep(Duration::from_secs(86399 - 300) - Duration::from_millis(1) - start.elapsed()).await;
    assert_eq!(manager.token().await.unwrap().expose_secret(), "token-1");
    sleep(Duration::from_millis(1)).await;
    assert_eq!(manager.token().await.unwrap().expose_secret(), "token-2");
}

// compare-and-invalidate.

#[tokio::test(start_paused = true)]
async fn invalidate_only_drops_the_token_that_failed() {
    let server = ims(86399, Duration::ZERO).await;
    let manager = manager(&server, TokenPolicy::default());
    let first = manager.token().await.unwrap();
    manager.invalidate(&first);
    let second = manager.token().await.unwrap();
    assert_eq!(second.expose_secret(), "token-2");
    // A late report about the first token must not drop the second.
    manager.invalidate(&first);
    assert_eq!(manager.token().await.unwrap().expose_secret(), "token-2");
    assert_eq!(server.count(TOKEN_PATH), 2);
}

// managers with different scopes do not share tokens.

#[tokio::test(start_paused = true)]
async fn managers_with_different_scopes_keep_their_own_tokens() {
    let server = FakeServer::start(|request, _| {
        let scope = request.form()["scope"].clone();
        Reply::Now(json_response(
            200,
            token_body(&format!("for:{scope}"), 86399),
        ))
    })
    .await;
    let a = ImsTokenManager::builder()
        .ims_url(&server.url)
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes("openid,a")
        .policy(TokenPolicy::default())
        .build()
        .unwrap();
    let b = ImsTokenManager::builder()
        .ims_url(&server.url)
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes("openid, b")
        .policy(TokenPolicy::default())
        .build()
        .unwrap();
    for _ in 0..3 {
        assert_eq!(a.token().await.unwrap().expose_secret(), "for:openid,a");
        assert_eq!(b.token().await.unwrap().expose_secret(), "for:openid,b");
    }
    assert_eq!(server.count(TOKEN_PATH), 2);
}

// the IMS client does not follow redirects and refuses plain http.

#[tokio::test(start_paused = true)]
async fn ims_redirects_are_not_followed() {
    let elsewhere = ims(86399, Duration::ZERO).await;
    let target = format!("{}{TOKEN_PATH}", elsewhere.url);
    let server = FakeServer::start(move |_, _| {
        Reply::Now(with_header(
            json_response(302, json!({})),
            "location",
            &target,
        ))
    })
    .await;
    assert!(
        manager(&server, TokenPolicy::default())
            .token()
            .await
            .is_err()
    );
    assert_eq!(elsewhere.count(TOKEN_PATH), 0);
}

#[test]
fn plain_http_ims_is_refused_unless_loopback() {
    let error = ImsTokenManager::builder()
        .ims_url("http://ims.example.com")
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes("openid")
        .policy(TokenPolicy::default())
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("https"), "{error}");
    assert!(
        ImsTokenManager::builder()
            .ims_url("http://127.0.0.1:9")
            .client_id(CLIENT_ID)
            .client_secret(SECRET)
            .scopes("openid")
            .policy(TokenPolicy::default())
            .build()
            .is_ok()
    );
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

// a redirect or a 404 is a wrong endpoint, not rejected credentials.

#[tokio::test(start_paused = true)]
async fn a_redirect_or_404_from_ims_is_an_endpoint_error_with_the_short_backoff() {
    for status in [301, 307, 308, 404] {
        let server = FakeServer::start(move |_, _| {
            // Even with an OAuth error body, the status decides.
            Reply::Now(with_header(
                json_response(status, json!({"error": "invalid_client"})),
                "location",
                "https://ims.example.com/ims/token/v3",
            ))
        })
        .await;
        let manager = manager(&server, TokenPolicy::default());
        let error = manager.token().await.unwrap_err();
        assert!(
            matches!(error, AuthError::Endpoint { status: s, .. } if s == status),
            "{status}: {error:?}"
        );
        assert!(!error.is_credentials_problem(), "{status}");
        assert!(!error.is_retryable(), "{status}");
        assert_eq!(error.status(), Some(status));
        assert!(
            error.to_string().contains("FIREFLY_SERVICES_IMS_URL"),
            "{status}: {error}"
        );
        assert!(!error.to_string().contains("rejected the credentials"));
        // The normal first failure backoff (1 s), not the five minutes a
        // credentials verdict earns.
        assert_eq!(
            error.retry_after(),
            Some(Duration::from_secs(1)),
            "{status}"
        );
        assert_eq!(server.count(TOKEN_PATH), 1, "{status}: not retried");
        sleep(Duration::from_secs(1)).await;
        assert!(manager.token().await.is_err());
        assert_eq!(server.count(TOKEN_PATH), 2, "{status}: asked again soon");
    }
}

// bounded reads of IMS answers.

/// What the endless body is made of: a static buffer, so the test itself
/// allocates nothing per chunk.
static FILLER: [u8; 16 * 1024] = [b' '; 16 * 1024];

#[tokio::test]
async fn an_endless_ims_body_is_refused_after_a_bounded_read() {
    use futures::StreamExt;
    const TOTAL: usize = 50 * 1024 * 1024;
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let server = FakeServer::start(move |_, _| {
        let counter = counter.clone();
        // Generated lazily: each chunk is counted when the server sends it.
        let chunks = futures::stream::iter(0..TOTAL / FILLER.len()).map(move |_| {
            counter.fetch_add(FILLER.len(), Ordering::SeqCst);
            Ok::<_, std::convert::Infallible>(axum::body::Bytes::from_static(&FILLER))
        });
        let opening = futures::stream::once(async {
            Ok(axum::body::Bytes::from_static(
                b"{\"access_token\": \"t\", \"pad\": \"",
            ))
        });
        let mut response =
            axum::response::Response::new(axum::body::Body::from_stream(opening.chain(chunks)));
        response.headers_mut().insert(
            "content-type",
            axum::http::HeaderValue::from_static("application/json"),
        );
        Reply::Now(response)
    })
    .await;
    let manager = manager(&server, TokenPolicy::default());
    let error = manager.token().await.unwrap_err();
    assert!(
        matches!(error, AuthError::InvalidResponse { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("larger than 64 KiB"), "{error}");
    assert_eq!(server.count(TOKEN_PATH), 1, "not retried");
    let sent = sent.load(Ordering::SeqCst);
    // What the socket buffers took before the client hung up, not the body.
    assert!(sent < TOTAL / 4, "{sent} of {TOTAL} bytes were sent");
}

#[tokio::test(start_paused = true)]
async fn an_ims_body_declared_too_long_is_refused_unread() {
    let server = FakeServer::start(|_, _| {
        let mut body = token_body("t", 86399).to_string();
        body.push_str(&" ".repeat(70 * 1024));
        Reply::Now(text_response(200, "application/json", &body))
    })
    .await;
    let error = manager(&server, TokenPolicy::default())
        .token()
        .await
        .unwrap_err();
    assert!(
        matches!(error, AuthError::InvalidResponse { .. }),
        "{error:?}"
    );
}

// hostile Retry-After values.

#[tokio::test(start_paused = true)]
async fn a_retry_after_of_u64_max_neither_panics_nor_parks_the_manager() {
    let server = FakeServer::start(|_, earlier| match earlier {
        0 => Reply::Now(with_header(
            json_response(429, json!({})),
            "retry-after",
            "18446744073709551615",
        )),
        _ => Reply::Now(json_response(200, token_body("after-429", 86399))),
    })
    .await;
    let manager = manager(&server, TokenPolicy::default());
    let start = Instant::now();
    let error = manager.token().await.unwrap_err();
    assert!(
        matches!(
            error,
            AuthError::Transient {
                status: Some(429),
                ..
            }
        ),
        "IMS's answer, not an abandoned load: {error:?}"
    );
    // Waiting an hour does not fit the 30 s load deadline, so the load ends
    // at once; the manager then waits its longest backoff, not IMS's hours.
    assert_eq!(start.elapsed(), Duration::ZERO);
    let backoff = error.retry_after().unwrap();
    assert_eq!(backoff, Duration::from_secs(300));
    sleep(backoff).await;
    assert_eq!(manager.token().await.unwrap().expose_secret(), "after-429");
    assert_eq!(server.count(TOKEN_PATH), 2);
}

/// Retry-After values a hostile or broken IMS may send: numbers of every
/// size, numbers past u64, dates, garbage, bytes outside ASCII.
fn retry_after_values() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string().into_bytes()),
        "[0-9]{20,60}".prop_map(String::into_bytes),
        any::<i64>().prop_map(|n| n.to_string().into_bytes()),
        (0u64..200 * 365 * 24 * 3600).prop_map(|secs| {
            httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(secs))
                .into_bytes()
        }),
        "[ -~]{0,40}".prop_map(String::into_bytes),
        proptest::collection::vec(0x80u8..=0xff, 1..12),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 48,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Whatever IMS puts in Retry-After on a 429 or 503, and however large
    /// the policy's own limits, the manager answers with IMS's error (a
    /// panic in its worker would surface as an abandoned load), waits at
    /// most `MAX_SERVER_DELAY` (1 h) between attempts, and reports a backoff
    /// no longer than that.
    #[test]
    fn any_retry_after_from_ims_never_panics_and_never_backs_off_past_the_cap(
        value in retry_after_values(),
        status in proptest::sample::select(vec![429u16, 503]),
        unbounded_policy in proptest::bool::ANY,
    ) {
        const CAP: Duration = Duration::from_secs(3600);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async move {
            let header = axum::http::HeaderValue::from_bytes(&value).ok();
            let server = FakeServer::start(move |_, _| {
                let mut response = json_response(status, json!({}));
                if let Some(header) = header.clone() {
                    response.headers_mut().insert("retry-after", header);
                }
                Reply::Now(response)
            })
            .await;
            let policy = if unbounded_policy {
                // Every limit the policy has, as large as a Duration goes;
                // no backoff of its own, so any wait comes from IMS.
                TokenPolicy::default()
                    .load_deadline(Duration::MAX)
                    .attempt_timeout(Duration::MAX)
                    .failure_backoff(Duration::ZERO, Duration::MAX)
                    .permanent_failure_backoff(Duration::MAX)
                    .refresh_retry(Duration::MAX, Duration::MAX)
                    .max_lifetime(Duration::MAX)
            } else {
                TokenPolicy::default()
            };
            let manager = manager(&server, policy);
            let error = manager.token().await.unwrap_err();
            assert!(
                matches!(error, AuthError::Transient { status: Some(s), .. } if s == status),
                "{value:?}: {error:?}"
            );
            let backoff = error.retry_after().unwrap_or_default();
            assert!(backoff <= CAP, "{value:?}: backoff {backoff:?}");
            if !unbounded_policy {
                assert!(backoff <= Duration::from_secs(300), "{value:?}: {backoff:?}");
            }
            let requests = server.requests_to(TOKEN_PATH);
            for pair in requests.windows(2) {
                assert!(pair[1].at - pair[0].at <= CAP, "{value:?}");
            }
        });
    }
}
