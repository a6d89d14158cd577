//! Settings and server text are shown inert: an error message never
//! carries an OSC (`ESC ]`) or CSI (`ESC [`) sequence to the terminal,
//! whether it quotes a setting (the IMS URL) or what IMS or the Management
//! API answered. The servers are scripted on 127.0.0.1.

mod common;

use adobe_firefly::{Firefly, RetryPolicy, auth::TokenPolicy, secrets::SecretsManager};
use common::*;
use serde_json::json;

/// Sets the window title, plants a link, clears the screen, recolours.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}]8;;https://evil.example\u{1b}\\x\u{1b}]8;;\u{1b}\\\u{1b}[2J\u{1b}[31m";

/// Neither ESC, BEL nor the one-byte CSI: no sequence can start or end.
fn assert_inert(shown: &str) {
    assert!(
        !shown.contains(['\u{1b}', '\u{7}', '\u{9b}']),
        "escape sequences reach the terminal: {shown:?}"
    );
}

#[test]
fn an_ims_url_holding_escape_sequences_is_quoted_inert() {
    for ims_url in [
        format!("https://ims{HOSTILE}.example"),
        format!("http://ims.example/{HOSTILE}"),
        format!("{HOSTILE}https://ims.example"),
    ] {
        let error = Firefly::builder()
            .client_id(CLIENT_ID)
            .client_secret("secret")
            .ims_url(&ims_url)
            .build()
            .unwrap_err();
        assert_inert(&error.to_string());
        // A setting is quoted escaped, not cut: the user sees what is wrong.
        assert!(error.to_string().contains("\\u{1b}"), "{error}");
        let error = SecretsManager::builder()
            .client_id(CLIENT_ID)
            .client_secret("secret")
            .ims_url(&ims_url)
            .build()
            .unwrap_err();
        assert_inert(&error.to_string());
    }
}

#[tokio::test]
async fn what_ims_and_the_management_api_answer_is_quoted_inert() {
    let server = FakeServer::start(|request, _| {
        Reply::Now(if request.path == TOKEN_PATH {
            json_response(
                400,
                json!({"error": format!("invalid_client{HOSTILE}"),
                       "error_description": HOSTILE}),
            )
        } else {
            json_response(
                403,
                json!({"error_code": format!("denied{HOSTILE}"), "message": HOSTILE}),
            )
        })
    })
    .await;
    let refused_by_ims = SecretsManager::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .ims_url(&server.url)
        .management_url(&server.url)
        .token_policy(TokenPolicy::default().attempts(1))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .list("org", "credential")
        .await
        .unwrap_err();
    assert_inert(&refused_by_ims.to_string());

    let firefly_server = FakeServer::start(|request, _| {
        Reply::Now(if request.path == TOKEN_PATH {
            json_response(200, token_body("token-1", 86399))
        } else {
            json_response(
                403,
                json!({"error_code": format!("denied{HOSTILE}"), "message": HOSTILE}),
            )
        })
    })
    .await;
    let refused_by_management = SecretsManager::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .ims_url(&firefly_server.url)
        .management_url(&firefly_server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .list("org", "credential")
        .await
        .unwrap_err();
    assert_eq!(refused_by_management.status(), Some(403));
    assert_inert(&refused_by_management.to_string());
    assert_eq!(
        firefly_server.count("/console/organizations/org/credentials/credential/secrets"),
        1
    );
}
