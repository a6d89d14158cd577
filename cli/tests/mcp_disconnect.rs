//! `firefly mcp` when its client goes away mid-call: the jobs in flight are
//! paid for, so the server cancels them, waits for the cancels, logs each
//! job id and records them in the output folder's journal before it exits.
//! The server is the real binary, its client rmcp's, against the emulator
//! with jobs that never finish on their own.

mod mcp_support;

use std::{collections::BTreeSet, process::Stdio, time::Duration};

use adobe_firefly_emulator::Emulator;
use mcp_support::{DEADLINE, Recorder};
use rmcp::{ServiceExt, model::CallToolRequestParams};
use serde_json::{Value, json};
use tokio::{
    io::AsyncReadExt,
    sync::mpsc,
    time::{Instant, timeout},
};

/// How long the server may take to exit once stdin closed: its cancel
/// deadline.
const EXIT_DEADLINE: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_goes_away_mid_call_has_its_jobs_cancelled_and_recorded() {
    // Polled every 20 ms, a job asks for a million polls: it runs until
    // cancelled.
    let emulator = Emulator::builder()
        .polls_until_done(1_000_000)
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_firefly"));
    for (name, _) in std::env::vars() {
        if name.starts_with("FIREFLY_") {
            command.env_remove(name);
        }
    }
    command
        .envs(emulator.env_vars())
        .env("FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES", "1")
        .env("RUST_LOG", "info")
        .args(["mcp", "--poll-ms", "20", "--output-dir"])
        .arg(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().unwrap();
    let (stdin, stdout) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
    let mut stderr = child.stderr.take().unwrap();
    let logged = tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text).await;
        text
    });
    let (sender, mut progress) = mpsc::unbounded_channel();
    let client = timeout(
        DEADLINE,
        Recorder { progress: sender }.serve((stdout, stdin)),
    )
    .await
    .expect("the server answers initialize")
    .unwrap();

    // Two calls, each waiting for its job.
    for prompt in ["a slow cat", "a slow dog"] {
        let peer = client.peer().clone();
        tokio::spawn(async move {
            let Value::Object(arguments) = json!({"prompt": prompt}) else {
                unreachable!()
            };
            peer.call_tool(CallToolRequestParams::new("generate_images").with_arguments(arguments))
                .await
        });
    }
    let mut job_ids = BTreeSet::new();
    while job_ids.len() < 2 {
        let note = timeout(DEADLINE, progress.recv())
            .await
            .expect("both jobs are submitted")
            .unwrap();
        let message = note.message.unwrap_or_default();
        job_ids.extend(
            message
                .split_whitespace()
                .find(|word| word.starts_with("urn:ff:jobs:"))
                .map(|id| id.trim_end_matches(':').to_owned()),
        );
    }
    assert!(emulator.canceled_jobs().is_empty());

    // The client goes away: the server's stdin closes.
    let closed = Instant::now();
    client.cancel().await.unwrap();
    let status = timeout(EXIT_DEADLINE, child.wait())
        .await
        .expect("the server exits within its cancel deadline")
        .unwrap();
    assert!(status.success(), "{status}");
    assert!(closed.elapsed() < EXIT_DEADLINE, "{:?}", closed.elapsed());

    // Cancelled before the server exited, not left running.
    let canceled: BTreeSet<String> = emulator.canceled_jobs().into_iter().collect();
    assert_eq!(canceled, job_ids);
    // Each job id logged at warn.
    let logged = timeout(DEADLINE, logged).await.unwrap().unwrap();
    for job_id in &job_ids {
        assert!(
            logged
                .lines()
                .any(|line| line.contains("WARN") && line.contains(job_id.as_str())),
            "{job_id} is not logged at warn:\n{logged}"
        );
    }
    // And recorded where the next run finds them.
    let journal = std::fs::read_to_string(dir.path().join(".firefly-journal.jsonl"))
        .expect("the output folder has a journal");
    let recorded: Vec<Value> = journal
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let named: BTreeSet<String> = recorded
        .iter()
        .filter(|entry| entry["state"] == "interrupted")
        .map(|entry| {
            assert_eq!(entry["tool"], "generate_images", "{entry}");
            assert!(entry["prompt"].as_str().unwrap().starts_with("a slow "));
            assert!(entry["problem"].as_str().unwrap().contains("cancelled"));
            entry["job_id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(named, job_ids, "{journal}");
}
