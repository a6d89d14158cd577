//! `firefly mcp --confirm`: before each paid call the user is asked through
//! the client (MCP elicitation) with the call's estimate. A yes submits, a
//! no sends nothing and gives the estimate back to the cap, and a client
//! that cannot ask gets a tool error saying so, never a silent spend.

mod common;
mod mcp_support;

use std::{
    path::Path,
    process::Stdio,
    sync::{Arc, Mutex},
};

use adobe_firefly_emulator::Emulator;
use common::submissions;
use mcp_support::{DEADLINE, is_error, serve_with_flags, text};
use rmcp::{
    ClientHandler, ErrorData, ServiceExt,
    model::{
        CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig,
        ElicitRequestParams, ElicitResult, ElicitationAction, ElicitationCapability,
        FormElicitationCapability, Implementation, ProtocolVersion,
    },
    service::{RequestContext, RoleClient, RunningService},
    transport::TokioChildProcess,
};
use serde_json::{Value, json};
use tokio::time::timeout;

/// A client whose user answers every question with `spend`, and which
/// keeps the questions it was asked.
#[derive(Clone)]
struct User {
    spend: bool,
    asked: Arc<Mutex<Vec<String>>>,
}

impl ClientHandler for User {
    fn get_info(&self) -> ClientConfig {
        let mut capabilities = ClientCapabilities::default();
        capabilities.elicitation =
            Some(ElicitationCapability::new().with_form(FormElicitationCapability::new()));
        ClientConfig::new(capabilities, Implementation::new("test-user", "1.0"))
            .with_protocol_version(ProtocolVersion::V_2025_11_25)
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        if let ElicitRequestParams::FormElicitationParams { message, .. } = &request {
            self.asked.lock().unwrap().push(message.clone());
        }
        Ok(ElicitResult::new(ElicitationAction::Accept).with_content(json!({"spend": self.spend})))
    }
}

async fn serve(
    emulator: &Emulator,
    dir: &Path,
    user: User,
    cap: &str,
) -> RunningService<RoleClient, User> {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_firefly"));
    for (name, _) in std::env::vars() {
        if name.starts_with("FIREFLY_") {
            command.env_remove(name);
        }
    }
    command
        .envs(emulator.env_vars())
        .env("FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES", "1")
        .env("FIREFLY_MAX_OPERATIONS", cap)
        .args(["mcp", "--confirm", "--poll-ms", "20", "--output-dir"])
        .arg(dir);
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    timeout(DEADLINE, user.serve(transport))
        .await
        .expect("the server answers initialize")
        .unwrap()
}

async fn call(client: &RunningService<RoleClient, User>, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("arguments are an object")
    };
    let params = CallToolRequestParams::new("generate_images").with_arguments(arguments);
    timeout(DEADLINE, client.call_tool(params))
        .await
        .expect("the call ends in time")
        .unwrap()
}

fn two_images() -> Value {
    json!({"prompt": "a lighthouse", "numVariations": 2, "size": {"width": 64, "height": 64}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_yes_submits_after_the_user_saw_the_estimate() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let user = User {
        spend: true,
        asked: Arc::default(),
    };
    let client = serve(&emulator, dir.path(), user.clone(), "10").await;
    let result = call(&client, two_images()).await;
    assert!(!is_error(&result), "{}", text(&result));
    assert_eq!(submissions(&emulator), 1);
    let asked = user.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(asked[0].contains("generate_images"), "{asked:?}");
    assert!(asked[0].contains("2 operations"), "{asked:?}");
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_no_sends_nothing_and_gives_the_estimate_back() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let user = User {
        spend: false,
        asked: Arc::default(),
    };
    // A cap of 2: were declined calls counted, the second would be over it.
    let client = serve(&emulator, dir.path(), user.clone(), "2").await;
    for _ in 0..2 {
        let result = call(&client, two_images()).await;
        assert!(is_error(&result), "{}", text(&result));
        assert!(
            text(&result).contains("did not confirm"),
            "{}",
            text(&result)
        );
    }
    assert_eq!(user.asked.lock().unwrap().len(), 2, "asked both times");
    assert_eq!(submissions(&emulator), 0);
    assert!(emulator.requests().is_empty(), "not even a token");
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_cannot_ask_gets_a_tool_error_not_a_spend() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut variables = emulator.env_vars();
    variables.push(("FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES", "1".into()));
    let server = serve_with_flags(variables, dir.path(), &["--confirm"]).await;
    let result = server.call("generate_images", two_images()).await;
    assert!(is_error(&result), "{}", text(&result));
    assert!(text(&result).contains("--confirm"), "{}", text(&result));
    assert_eq!(submissions(&emulator), 0);
    server.close().await;
}
