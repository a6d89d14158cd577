//! The token manager when IMS fails: outages rate limited by backoff and
//! recovered from, bounded fetch time, which failures are retried, wrong
//! endpoints, and server-given delays that must not panic or park it.

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
use serde_json::json;
use tokio::time::{Instant, sleep};

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
