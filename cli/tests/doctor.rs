//! `firefly doctor` against the emulator (with its entitlement, scope and
//! rate-limit faults) and a scripted server on 127.0.0.1 whose `Date` is an
//! hour off: one test per verdict, each checking the table or document and
//! the exit status, and that no secret or token is ever printed.

mod common;

use std::process::Output;

use adobe_firefly_emulator::{Emulator, FaultApi, Faults};
use common::*;
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// The emulator with these faults.
async fn emulator(faults: Faults) -> Emulator {
    Emulator::builder().faults(faults).start().await.unwrap()
}

/// `firefly --json doctor` with the emulator's variables, changed by
/// `setup`.
async fn doctor_json(
    emulator: &Emulator,
    setup: impl FnOnce(&mut std::process::Command),
) -> (Output, Value) {
    let mut command = firefly(emulator);
    command.args(["--json", "doctor"]);
    setup(&mut command);
    let output = run(command).await;
    let document = json(&output);
    (output, document)
}

/// The check named `name` in the document.
fn check<'a>(document: &'a Value, name: &str) -> &'a Value {
    document["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {document}"))
}

fn result<'a>(document: &'a Value, name: &str) -> &'a str {
    check(document, name)["result"].as_str().unwrap()
}

fn fix(document: &Value, name: &str) -> String {
    check(document, name)["fix"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The checks that did not pass.
fn not_passed(document: &Value) -> Vec<String> {
    document["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["result"] != "pass")
        .map(|c| c["check"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn everything_passes_against_the_emulator() {
    let emulator = emulator(Faults::none()).await;
    let (output, document) = doctor_json(&emulator, |_| {}).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(document["ok"], true);
    assert!(not_passed(&document).is_empty(), "{document}");
    let names: Vec<&str> = document["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "variables",
            "TLS backend",
            "settings",
            "clock",
            "IMS",
            "token scopes",
            "Firefly API",
            "Photoshop API",
            "Audio/Video API",
            "InDesign API",
            "Substance 3D API",
            "fleet Redis"
        ]
    );
    // The emulator's tokens are not JWTs.
    assert!(
        check(&document, "token scopes")["detail"]
            .as_str()
            .unwrap()
            .starts_with("the token does not say")
    );
    assert!(
        check(&document, "fleet Redis")["detail"]
            .as_str()
            .unwrap()
            .starts_with("not configured")
    );

    // The table says the same.
    let mut command = firefly(&emulator);
    command.arg("doctor");
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(text.starts_with("CHECK"), "{text}");
    for api in [
        "Photoshop API",
        "Audio/Video API",
        "InDesign API",
        "Substance 3D API",
    ] {
        let row = text.lines().find(|line| line.starts_with(api));
        let verdict = row.and_then(|row| row[api.len()..].split_whitespace().next());
        assert_eq!(verdict, Some("pass"), "{api}: {text}");
    }
    assert!(text.trim_end().ends_with("every check passed"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_secret_is_invalid_client_with_the_secret_to_fix() {
    let emulator = emulator(Faults::none()).await;
    let (output, document) = doctor_json(&emulator, |c| {
        c.env("FIREFLY_SERVICES_CLIENT_SECRET", "not-the-secret");
    })
    .await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(document["ok"], false);
    assert_eq!(result(&document, "IMS"), "fail");
    let detail = check(&document, "IMS")["detail"].as_str().unwrap();
    assert!(detail.contains("invalid_client"), "{detail}");
    let fix = fix(&document, "IMS");
    assert!(fix.contains("FIREFLY_SERVICES_CLIENT_SECRET"), "{fix}");
    assert!(fix.contains("copy both again"), "{fix}");
    assert!(
        !fix.contains("FIREFLY_SERVICES_SCOPES"),
        "not a scope problem: {fix}"
    );
    // Without a token, the APIs are not asked.
    assert_eq!(result(&document, "Firefly API"), "skipped");
    assert!(!stdout(&output).contains("not-the-secret"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_org_not_entitled_to_firefly_gets_the_admin_console_fix() {
    let emulator = emulator(Faults::none().not_entitled(FaultApi::Firefly)).await;
    let (output, document) = doctor_json(&emulator, |_| {}).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(not_passed(&document), ["Firefly API"], "{document}");
    let detail = check(&document, "Firefly API")["detail"].as_str().unwrap();
    assert!(detail.starts_with("not entitled"), "{detail}");
    assert!(detail.contains("user_non_entitled"), "{detail}");
    assert!(fix(&document, "Firefly API").contains("Admin Console"));
    assert_eq!(emulator.faults_served().not_entitled, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_of_the_other_apis_is_asked_on_its_own() {
    for (api, name) in [
        (FaultApi::AudioVideo, "Audio/Video API"),
        (FaultApi::InDesign, "InDesign API"),
        (FaultApi::Substance3d, "Substance 3D API"),
    ] {
        let emulator = emulator(Faults::none().not_entitled(api)).await;
        let (output, document) = doctor_json(&emulator, |_| {}).await;
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        assert_eq!(not_passed(&document), [name], "{document}");
        let detail = check(&document, name)["detail"].as_str().unwrap();
        assert!(detail.starts_with("not entitled"), "{detail}");
        assert!(fix(&document, name).contains("Admin Console"));
        assert_eq!(emulator.faults_served().not_entitled, 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_without_photoshop_s_scope_gets_the_scopes_to_add() {
    let emulator = emulator(Faults::none().missing_scope(FaultApi::Photoshop)).await;
    let (output, document) = doctor_json(&emulator, |_| {}).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(not_passed(&document), ["Photoshop API"], "{document}");
    let detail = check(&document, "Photoshop API")["detail"]
        .as_str()
        .unwrap();
    assert!(detail.starts_with("wrong scopes"), "{detail}");
    let fix = fix(&document, "Photoshop API");
    assert!(fix.contains("FIREFLY_SERVICES_SCOPES"), "{fix}");
    assert!(fix.contains("read_organizations"), "{fix}");
    assert_eq!(emulator.faults_served().missing_scope, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limited_api_is_reported_not_retried() {
    let emulator = emulator(Faults::none().rate_limit_every(1)).await;
    let (output, document) = doctor_json(&emulator, |_| {}).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let apis = [
        "Firefly API",
        "Photoshop API",
        "Audio/Video API",
        "InDesign API",
        "Substance 3D API",
    ];
    assert_eq!(not_passed(&document), apis, "{document}");
    for api in apis {
        let detail = check(&document, api)["detail"].as_str().unwrap();
        assert!(detail.starts_with("rate limited"), "{detail}");
        assert!(fix(&document, api).starts_with("wait 1 s"), "{document}");
    }
    // One request per API: a 429 is a verdict, not something to wait out.
    assert_eq!(emulator.faults_served().rate_limits, apis.len() as u64);
}

/// A server whose every answer is a 404 dated an hour ahead.
async fn an_hour_ahead() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                // Every request is a GET, answered the same: its head is
                // read (so closing does not reset the connection) and dropped.
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let date = httpdate::fmt_http_date(
                    std::time::SystemTime::now() + std::time::Duration::from_secs(3600),
                );
                let body = r#"{"error_code":"unknown_job_id","message":"no such job"}"#;
                let response = format!(
                    "HTTP/1.1 404 Not Found\r\ndate: {date}\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clock_an_hour_off_is_a_warning_with_a_fix() {
    let emulator = emulator(Faults::none()).await;
    let server = an_hour_ahead().await;
    let (output, document) = doctor_json(&emulator, |c| {
        c.env("FIREFLY_SERVICES_API_URL", &server);
    })
    .await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    // The API's 404 for the unknown job counts as reachable.
    assert_eq!(not_passed(&document), ["clock"], "{document}");
    assert_eq!(result(&document, "clock"), "warn");
    let detail = check(&document, "clock")["detail"].as_str().unwrap();
    assert!(detail.contains("behind the server's"), "{detail}");
    assert!(detail.contains("59m") || detail.contains("1h"), "{detail}");
    assert!(fix(&document, "clock").contains("set the clock"));
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_or_token_is_ever_printed() {
    let emulator = emulator(Faults::none()).await;
    let cache = scratch("doctor-token");
    let secret = emulator.client_secret().to_owned();
    let client_id = emulator.client_id().to_owned();
    let mut printed = String::new();
    for json in [true, false] {
        let mut command = firefly(&emulator);
        if json {
            command.arg("--json");
        }
        command
            .arg("doctor")
            .env("FIREFLY_SERVICES_TOKEN_CACHE_DIR", &cache);
        let output = run(command).await;
        assert!(output.status.success(), "{output:?}");
        printed.push_str(&String::from_utf8_lossy(&output.stdout));
        printed.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    // The token doctor was issued, as the disk cache kept it.
    let tokens: Vec<String> = std::fs::read_dir(&*cache)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let stored: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
            stored["access_token"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(tokens.len(), 1, "one cached token");
    assert!(tokens[0].len() > 8);
    assert!(!printed.contains(&tokens[0]), "the token was printed");
    assert!(!printed.contains(&secret), "the secret was printed");
    assert!(
        printed.contains("FIREFLY_SERVICES_CLIENT_SECRET"),
        "variables are named"
    );
    if client_id.len() > 8 {
        assert!(
            !printed.contains(&client_id),
            "the whole client id was printed"
        );
    }

    // A ready token set in the environment is not printed either.
    let token = emulator.issue_token("openid,firefly_api,ff_apis,read_organizations");
    let mut command = firefly(&emulator);
    command
        .args(["--json", "doctor"])
        .env_remove("FIREFLY_SERVICES_CLIENT_SECRET")
        .env("FIREFLY_SERVICES_ACCESS_TOKEN", &token);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let printed = format!("{output:?}");
    assert!(!printed.contains(&token), "the access token was printed");
}
