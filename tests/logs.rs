//! What the SDK logs: one event per IMS load, and never a secret, even at
//! TRACE level. One process-wide subscriber captures everything (scoped
//! subscribers miss events when other tests run on other threads), so the
//! tests here run one at a time.

mod common;

use std::{
    io::Write,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use adobe_firefly::{
    Error, Firefly, WaitOptions,
    auth::{ImsTokenManager, TokenPolicy},
};
use common::*;
use serde_json::json;

static CAPTURE: OnceLock<Capture> = OnceLock::new();
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber (once), empties it, and keeps other
/// tests of this file from running until the guard is dropped.
async fn capture_logs() -> tokio::sync::MutexGuard<'static, ()> {
    let serial = SERIAL.lock().await;
    let capture = CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        let writer = capture.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(move || writer.clone())
            .init();
        capture
    });
    capture.0.lock().unwrap().clear();
    serial
}

fn captured() -> String {
    String::from_utf8(CAPTURE.get().unwrap().0.lock().unwrap().clone()).unwrap()
}

// Redaction: a sentinel secret and token never show up in Debug, Display or
// logs, across a token fetch, a 401 replay, an IMS rejection and a malformed
// IMS body.

const SENTINEL_SECRET: &str = "SENTINEL-SECRET-7f3a";
const SENTINEL_TOKEN: &str = "SENTINEL-TOKEN-91c2";

#[tokio::test(start_paused = true)]
async fn secrets_never_appear_in_debug_display_or_logs() {
    let _serial = capture_logs().await;

    // IMS: a sentinel token (rejected once by Firefly), a rejection, a malformed body.
    let server = FakeServer::start(|request, earlier| {
        if request.path == TOKEN_PATH {
            return Reply::Now(match earlier {
                0 => json_response(200, token_body(SENTINEL_TOKEN, 86399)),
                1 => json_response(200, token_body(&format!("{SENTINEL_TOKEN}-renewed"), 86399)),
                2 => json_response(200, token_body(&format!("{SENTINEL_TOKEN}-refreshed"), 86399)),
                3 => json_response(
                    400,
                    json!({"error": "invalid_client", "error_description": "invalid client_secret parameter"}),
                ),
                _ => json_response(200, json!({"access_token": 12, "token_type": SENTINEL_TOKEN, "expires_in": SENTINEL_SECRET})),
            });
        }
        Reply::Now(match earlier {
            0 => json_response(401, json!({"error_code": "401013"})),
            _ => running(),
        })
    })
    .await;
    let policy = TokenPolicy::default()
        .failure_backoff(Duration::ZERO, Duration::ZERO)
        .permanent_failure_backoff(Duration::ZERO);
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret(SENTINEL_SECRET)
        .api_url(&server.url)
        .ims_url(&server.url)
        .token_policy(policy.clone())
        .build()
        .unwrap();
    let mut shown = Vec::new();
    let job = job(&server);
    firefly.job_status(&job).await.unwrap();
    // Past the refresh point: the next call starts a background refresh.
    tokio::time::advance(Duration::from_secs(50_000)).await;
    firefly.job_status(&job).await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let manager = ImsTokenManager::builder()
        .ims_url(&server.url)
        .client_id(CLIENT_ID)
        .client_secret(SENTINEL_SECRET)
        .scopes("openid")
        .policy(policy)
        .build()
        .unwrap();
    for _ in 0..2 {
        let error = manager.token().await.unwrap_err();
        shown.push(format!("{error} {error:?} {error:#?}"));
        let error = Error::from(error);
        shown.push(format!("{error} {error:?}"));
    }
    shown.push(format!("{firefly:?} {firefly:#?} {manager:?} {manager:#?}"));
    let builder = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret(SENTINEL_SECRET);
    shown.push(format!("{builder:?}"));
    let token = adobe_firefly::auth::AccessToken::new(SENTINEL_TOKEN);
    let static_token = adobe_firefly::auth::StaticToken::new(SENTINEL_TOKEN);
    shown.push(format!("{token:?} {static_token:?}"));
    let static_client = Firefly::builder()
        .client_id(CLIENT_ID)
        .access_token(SENTINEL_TOKEN)
        .api_url(&server.url)
        .build()
        .unwrap();
    shown.push(format!("{static_client:?}"));

    let logs = captured();
    assert!(
        logs.contains("access token fetched"),
        "the capture saw the flow:\n{logs}"
    );
    assert!(
        logs.contains("status=401"),
        "the capture saw the 401:\n{logs}"
    );
    for text in shown.iter().chain([&logs]) {
        assert!(!text.contains(SENTINEL_SECRET), "secret leaked: {text}");
        assert!(!text.contains(SENTINEL_TOKEN), "token leaked: {text}");
    }
    assert_eq!(
        server.count(TOKEN_PATH),
        5,
        "fetch, 401 renewal, refresh, rejection, malformed"
    );
}

// one log event per IMS load, not one per caller.

#[tokio::test(start_paused = true)]
async fn a_herd_logs_one_fetch_and_a_missing_expiry_is_warned_about() {
    let _serial = capture_logs().await;
    let server = FakeServer::start(|_, _| {
        Reply::After(
            Duration::from_millis(200),
            json_response(200, json!({"access_token": "t", "token_type": "bearer"})),
        )
    })
    .await;
    let manager = ImsTokenManager::builder()
        .ims_url(&server.url)
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .scopes("openid")
        .policy(TokenPolicy::default())
        .build()
        .unwrap();
    let results = futures::future::join_all((0..1000).map(|_| manager.token())).await;
    assert!(results.iter().all(Result::is_ok));
    let logs = captured();
    assert_eq!(logs.matches("access token fetched").count(), 1, "{logs}");
    assert_eq!(logs.matches("IMS sent no expires_in").count(), 1, "{logs}");
    assert_eq!(manager.stats().ims_requests, 1);
}

// One span per Firefly request, with what an operator needs to find it.

#[tokio::test(start_paused = true)]
async fn each_request_has_a_span_with_operation_status_and_request_id() {
    let _serial = capture_logs().await;
    let server = FakeServer::start(|request, _| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(200, token_body("t", 86399)));
        }
        Reply::Now(with_header(running(), "x-request-id", "req-span-1"))
    })
    .await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("s")
        .api_url(&server.url)
        .ims_url(&server.url)
        .build()
        .unwrap();
    firefly.job_status(&job(&server)).await.unwrap();
    let logs = captured();
    let close = logs
        .lines()
        .find(|line| line.contains("firefly{") && line.contains("close"))
        .unwrap_or_else(|| panic!("no span close in:\n{logs}"));
    for field in [
        "operation=\"jobResultV3\"",
        "method=GET",
        "status=200",
        "request_id=\"req-span-1\"",
        "attempts=1",
        "duration_ms=",
    ] {
        assert!(close.contains(field), "{field} missing from {close}");
    }
}

// A whole batch through the emulator at TRACE level: token fetch, upload,
// generation, polling, download, a 401 replay and a secret rotation. Neither
// the client secret, nor any token, nor the rotated secret is logged.

#[tokio::test(start_paused = true)]
async fn a_whole_batch_logs_no_secret_and_no_token() {
    use adobe_firefly::{secrets::SecretsManager, types::GenerateImagesRequest};
    use adobe_firefly_emulator::{Emulator, Faults};
    use common::EmulatorExt;
    let _serial = capture_logs().await;
    let faults = Faults::none().token_valid_for(Duration::from_secs(20));
    let emulator = Emulator::builder()
        .credentials("client-for-sweep", SENTINEL_SECRET)
        .faults(faults)
        .start()
        .await
        .unwrap();
    let firefly = emulator.client().unwrap();
    let png = b"\x89PNG\r\n\x1a\nsweep".to_vec();
    firefly.upload_image(png).await.unwrap();
    for i in 0..3 {
        let job = firefly
            .generate_images(GenerateImagesRequest::builder().prompt(format!("sweep {i}")))
            .await
            .unwrap();
        let result = firefly
            .wait_for_job(&job, &WaitOptions::default())
            .await
            .unwrap();
        let url = image_url(&result.outputs[0]);
        firefly
            .download_to_writer(url, &mut Vec::new())
            .await
            .unwrap();
        tokio::time::advance(Duration::from_secs(15)).await;
    }
    let rotation = SecretsManager::builder()
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .ims_url(emulator.url())
        .management_url(emulator.url())
        .build()
        .unwrap();
    let fresh = rotation
        .create(emulator.organization_id(), emulator.credential_id())
        .await
        .unwrap();
    let logs = captured();
    assert!(
        firefly.stats().replays_after_401 >= 1,
        "the batch exercised a 401 replay"
    );
    assert!(
        logs.contains("firefly response"),
        "the capture saw the batch"
    );
    assert!(!logs.contains(SENTINEL_SECRET), "client secret logged");
    assert!(!logs.contains("emulator-token-"), "a token was logged");
    assert!(
        !logs.contains(fresh.expose_secret()),
        "the rotated secret was logged"
    );
}

// Server text is cleaned before it becomes an error: an IMS that echoes the
// request form, or a Firefly error that quotes the Authorization header,
// leaks nothing, and escapes cannot repaint the terminal.

/// A secret that form encoding spells differently, to check both spellings.
const ECHOED_SECRET: &str = "ECHO+SECRET/9b1e=";
const ESCAPE: &str = "\u{1b}[31m";

#[tokio::test(start_paused = true)]
async fn an_ims_echoing_the_form_leaks_no_secret_and_no_escape() {
    let _serial = capture_logs().await;
    let server = FakeServer::start(|request, _| {
        // The form exactly as sent (client_secret form-encoded), and the
        // secret decoded, the way a careless server formats its errors.
        let form = String::from_utf8_lossy(&request.body).into_owned();
        let secret = request.form()["client_secret"].clone();
        Reply::Now(json_response(
            400,
            json!({
                "error": format!("invalid_request{ESCAPE}"),
                "error_description": format!(
                    "{ESCAPE}cannot parse {form}\nsecret was {secret}\u{1b}[0m"
                ),
            }),
        ))
    })
    .await;
    let manager = ImsTokenManager::builder()
        .ims_url(&server.url)
        .client_id(CLIENT_ID)
        .client_secret(ECHOED_SECRET)
        .scopes("openid")
        .policy(TokenPolicy::default())
        .build()
        .unwrap();
    let error = manager.token().await.unwrap_err();
    let description = match &error {
        adobe_firefly::auth::AuthError::Permanent { description, .. } => description.clone(),
        other => panic!("expected Permanent, got {other:?}"),
    };
    assert!(
        description.contains("cannot parse") && description.contains("grant_type"),
        "the harmless part of the text is kept: {description}"
    );
    let shown = format!(
        "{error} {error:?} {error:#?} {}",
        Error::from(error.clone())
    );
    let logs = captured();
    assert!(logs.contains("no access token available"), "{logs}");
    let encoded: String = url::form_urlencoded::byte_serialize(ECHOED_SECRET.as_bytes()).collect();
    for text in [&shown, &logs] {
        assert!(!text.contains(ECHOED_SECRET), "secret leaked: {text}");
        assert!(!text.contains(&encoded), "encoded secret leaked: {text}");
        assert!(!text.contains('\u{1b}'), "escape passed through: {text:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_firefly_error_quoting_the_token_leaks_no_token_and_no_escape() {
    let _serial = capture_logs().await;
    let server = FakeServer::start(|request, _| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(200, token_body(SENTINEL_TOKEN, 86399)));
        }
        let authorization = request.header("authorization").unwrap_or_default();
        Reply::Now(json_response(
            400,
            json!({
                "error_code": format!("bad{ESCAPE}"),
                "message": format!("{ESCAPE}rejected header Authorization: {authorization}"),
            }),
        ))
    })
    .await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .build()
        .unwrap();
    let error = firefly.job_status(&job(&server)).await.unwrap_err();
    assert_eq!(error.status(), Some(400));
    let shown = format!("{error} {error:?} {error:#?}");
    assert!(shown.contains("rejected header"), "{shown}");
    for text in [&shown, &captured()] {
        assert!(!text.contains(SENTINEL_TOKEN), "token leaked: {text}");
        assert!(!text.contains('\u{1b}'), "escape passed through: {text:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_firefly_401_quoting_the_rejected_token_does_not_repeat_it() {
    let _serial = capture_logs().await;
    let server = FakeServer::start(|request, earlier| {
        if request.path == TOKEN_PATH {
            let token = format!("{SENTINEL_TOKEN}-{earlier}");
            return Reply::Now(json_response(200, token_body(&token, 86399)));
        }
        // Quoted bare, where no pattern could tell it is a token.
        let token = request
            .header("authorization")
            .unwrap_or_default()
            .trim_start_matches("Bearer ");
        Reply::Now(json_response(
            401,
            json!({"error_code": "401013", "message": format!("token {token} has expired")}),
        ))
    })
    .await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .build()
        .unwrap();
    let error = firefly.job_status(&job(&server)).await.unwrap_err();
    assert!(error.is_auth(), "{error:?}");
    let shown = format!("{error} {error:?} {error:#?}");
    assert!(shown.contains("has expired"), "{shown}");
    for text in [&shown, &captured()] {
        assert!(!text.contains(SENTINEL_TOKEN), "token leaked: {text}");
    }
}
