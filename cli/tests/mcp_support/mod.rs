//! What the `firefly mcp` tests share: the server as a child process
//! driven by rmcp's client, and reading its results.
#![allow(dead_code)]

use std::{path::Path, process::Stdio, time::Duration};

use adobe_firefly_emulator::Emulator;
use rmcp::{
    ClientHandler, ServiceExt,
    model::{CallToolRequestParams, CallToolResult, ProgressNotificationParam},
    service::{NotificationContext, RoleClient, RunningService},
    transport::TokioChildProcess,
};
use serde_json::Value;
use tokio::{io::AsyncReadExt, sync::mpsc, time::timeout};

/// The longest any step of these tests waits for the server.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// A client that records the progress notifications it receives.
pub struct Recorder {
    pub progress: mpsc::UnboundedSender<ProgressNotificationParam>,
}

impl ClientHandler for Recorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.progress.send(params);
    }
}

pub struct Server {
    pub client: RunningService<RoleClient, Recorder>,
    pub progress: mpsc::UnboundedReceiver<ProgressNotificationParam>,
    pub stderr: tokio::task::JoinHandle<String>,
}

/// `firefly mcp` as a child process pointed at the emulator, saving into
/// `dir`; `unlisted_sizes` lets the small test sizes through.
pub async fn serve(emulator: &Emulator, dir: &Path, unlisted_sizes: bool) -> Server {
    let mut variables = emulator.env_vars();
    if unlisted_sizes {
        variables.push(("FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES", "1".into()));
    }
    serve_with(variables, dir).await
}

/// `firefly mcp` as a child process with only these `FIREFLY_*` variables.
pub async fn serve_with(variables: Vec<(&'static str, String)>, dir: &Path) -> Server {
    serve_with_flags(variables, dir, &[]).await
}

/// [`serve_with`], with more of `firefly mcp`'s flags (`--read-only`).
pub async fn serve_with_flags(
    variables: Vec<(&'static str, String)>,
    dir: &Path,
    flags: &[&str],
) -> Server {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_firefly"));
    for (name, _) in std::env::vars() {
        if name.starts_with("FIREFLY_") {
            command.env_remove(name);
        }
    }
    command
        .envs(variables)
        .env("RUST_LOG", "debug")
        .args(["mcp", "--poll-ms", "20", "--output-dir"])
        .arg(dir)
        .args(flags);
    let (transport, stderr) = TokioChildProcess::builder(command)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = stderr.unwrap();
    let stderr = tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text).await;
        text
    });
    let (sender, progress) = mpsc::unbounded_channel();
    let client = timeout(DEADLINE, Recorder { progress: sender }.serve(transport))
        .await
        .expect("the server answers initialize")
        .unwrap();
    Server {
        client,
        progress,
        stderr,
    }
}

impl Server {
    pub async fn call(&self, tool: &'static str, arguments: Value) -> CallToolResult {
        let Value::Object(arguments) = arguments else {
            panic!("arguments are an object")
        };
        let params = CallToolRequestParams::new(tool).with_arguments(arguments);
        timeout(DEADLINE, self.client.call_tool(params))
            .await
            .expect("the call ends in time")
            .unwrap()
    }

    /// Closes the session and returns what the server logged.
    pub async fn close(self) -> String {
        self.client.cancel().await.unwrap();
        timeout(DEADLINE, self.stderr).await.unwrap().unwrap()
    }
}

pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|block| block.as_text().map(|text| text.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn is_error(result: &CallToolResult) -> bool {
    result.is_error == Some(true)
}

/// Neither the client secret nor any token the emulator issued.
pub fn assert_no_secret(emulator: &Emulator, text: &str) {
    assert!(!text.contains(emulator.client_secret()), "{text}");
    assert!(!text.contains("emulator-token-"), "{text}");
}
