//! The `firefly` binary against a scripted server on 127.0.0.1 that answers
//! what the emulator never would: server text full of terminal escape
//! sequences (OSC `ESC ]` and CSI `ESC [`), and a record of every request
//! path, to show what is refused before sending.

mod mcp_support;

use std::{
    process::{Command, Output},
    sync::{Arc, Mutex},
};

use mcp_support::{DEADLINE, is_error, serve_with, text};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
    time::timeout,
};

/// What the server answers a request (method, path) with: status and JSON.
type Answer = fn(&str, &str) -> (u16, String);

/// A server answering every request through `answer`, recording each
/// request's method and path as sent.
struct Scripted {
    url: String,
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl Scripted {
    async fn start(answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let record = record.clone();
                tokio::spawn(async move {
                    let Some((method, path)) = read_request(&mut stream).await else {
                        return;
                    };
                    let (status, body) = answer(&method, &path);
                    record.lock().unwrap().push((method, path));
                    let response = format!(
                        "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                });
            }
        });
        Self { url, seen }
    }

    fn paths(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap().clone()
    }
}

/// The method and path of one request, its body read and dropped; `None`
/// when the client went away or took longer than [`DEADLINE`].
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<(String, String)> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if data.len() > 64 * 1024 {
            return None;
        }
        let n = timeout(DEADLINE, stream.read(&mut buffer))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = timeout(DEADLINE, stream.read(&mut buffer))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..n]);
    }
    let mut words = head.split_whitespace();
    Some((words.next()?.to_owned(), words.next()?.to_owned()))
}

/// IMS hands out a token; the Management API lists and creates secrets
/// whose every field tries to drive the terminal: set its title (OSC 0),
/// plant a link (OSC 8), clear the screen and recolour (CSI).
fn hostile_management(method: &str, path: &str) -> (u16, String) {
    if path == "/ims/token/v3" {
        let token = json!({"access_token": "a-token", "token_type": "bearer", "expires_in": 86399});
        return (200, token.to_string());
    }
    let body = match method {
        "POST" => json!({
            "uuid": "\u{1b}]8;;https://evil.example\u{1b}\\click\u{1b}]8;;\u{1b}\\",
            "client_secret": "\u{1b}[31mp8e-secret\u{1b}[0m",
        }),
        _ => json!([{"uuid": "\u{1b}]0;pwned\u{7}abc", "created": "\u{1b}[2J2024-01-01"}]),
    };
    (200, body.to_string())
}

/// `firefly` with only these `FIREFLY_*` variables.
fn firefly(variables: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_firefly"));
    for (name, _) in std::env::vars() {
        if name.starts_with("FIREFLY_") {
            command.env_remove(name);
        }
    }
    command.envs(variables.iter().copied());
    command
}

async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// Neither ESC nor BEL: no escape sequence can start or end.
fn assert_inert(text: &str) {
    assert!(
        !text.contains(['\u{1b}', '\u{7}', '\u{9b}']),
        "escape sequences reach the terminal: {text:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_list_and_create_show_the_servers_text_inert() {
    let server = Scripted::start(hostile_management).await;
    let variables = [
        ("FIREFLY_SERVICES_CLIENT_ID", "client-id"),
        ("FIREFLY_SERVICES_CLIENT_SECRET", "client-secret"),
        ("FIREFLY_SERVICES_IMS_URL", server.url.as_str()),
        ("FIREFLY_SERVICES_MANAGEMENT_URL", server.url.as_str()),
    ];
    for action in ["list", "create"] {
        let mut command = firefly(&variables);
        command.args(["secrets", action, "--org", "org1", "--credential", "cred1"]);
        let output = run(command).await;
        assert!(output.status.success(), "{output:?}");
        let shown = String::from_utf8_lossy(&output.stdout);
        assert_inert(&shown);
        assert_inert(&String::from_utf8_lossy(&output.stderr));
        // Shown escaped, not dropped: the user sees what the server sent.
        let expected = if action == "list" {
            "\\u{1b}]0;pwned\\u{7}abc"
        } else {
            "\\u{1b}[31mp8e-secret"
        };
        assert!(shown.contains(expected), "{shown}");
    }
    let secrets_path = "/console/organizations/org1/credentials/cred1/secrets".to_owned();
    assert_eq!(
        server
            .paths()
            .iter()
            .filter(|(_, path)| *path == secrets_path)
            .count(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ims_url_holding_escape_sequences_is_shown_inert() {
    let ims_url = "https://ims\u{1b}]0;pwned\u{7}\u{1b}[2J.example";
    for arguments in [
        &["secrets", "list", "--org", "o", "--credential", "c"][..],
        &["models"][..],
    ] {
        let mut command = firefly(&[
            ("FIREFLY_SERVICES_CLIENT_ID", "client-id"),
            ("FIREFLY_SERVICES_CLIENT_SECRET", "client-secret"),
            ("FIREFLY_SERVICES_IMS_URL", ims_url),
        ]);
        command.args(arguments);
        let output = run(command).await;
        assert!(!output.status.success(), "{output:?}");
        let error = String::from_utf8_lossy(&output.stderr);
        assert_inert(&error);
        assert!(error.contains("IMS URL"), "{error}");
        assert!(error.contains("\\u{1b}]0;pwned"), "{error}");
    }
}

/// Ids that a URL would read as a step between folders, or that hold one.
const UNSEGMENTED: [&str; 5] = ["..", ".", "%2e%2e", "%252E%252E", "a/../b"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_ids_that_would_leave_their_segment_are_refused_before_sending() {
    let server = Scripted::start(|_, _| (200, json!({"status": "running"}).to_string())).await;
    let variables = [
        ("FIREFLY_SERVICES_CLIENT_ID", "client-id"),
        ("FIREFLY_SERVICES_ACCESS_TOKEN", "a-token"),
        ("FIREFLY_SERVICES_API_URL", server.url.as_str()),
    ];
    for id in UNSEGMENTED {
        for command_name in ["status", "cancel"] {
            let mut command = firefly(&variables);
            command.args(["job", command_name, id]);
            let output = run(command).await;
            assert_eq!(output.status.code(), Some(2), "{id}: {output:?}");
            let error = String::from_utf8_lossy(&output.stderr);
            assert!(error.contains("is not a job id"), "{id}: {error}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mcp = serve_with(
        variables
            .map(|(name, value)| (name, value.to_owned()))
            .to_vec(),
        dir.path(),
    )
    .await;
    for id in UNSEGMENTED {
        for tool in ["job_status", "cancel_job"] {
            let result = mcp.call(tool, json!({"job_id": id})).await;
            assert!(is_error(&result), "{tool} {id}: {}", text(&result));
            assert!(
                text(&result).contains("is not a job id"),
                "{}",
                text(&result)
            );
        }
    }
    mcp.close().await;
    // A good id still goes out, as one segment.
    let mut command = firefly(&variables);
    command.args(["job", "status", "urn:ff:jobs:a..b"]);
    assert!(run(command).await.status.success());
    assert_eq!(
        server.paths(),
        [("GET".to_owned(), "/v3/status/urn:ff:jobs:a..b".to_owned())]
    );
}
