//! What the token manager makes of IMS's answers: unusable token responses,
//! compare-and-invalidate, scopes kept apart, redirects not followed and plain
//! http refused.

mod common;

use std::time::Duration;

use adobe_firefly::auth::{AuthError, ImsTokenManager, TokenPolicy, TokenSource};
use common::*;
use serde_json::json;
use tokio::time::{Instant, sleep};

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
