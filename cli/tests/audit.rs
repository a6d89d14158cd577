//! `--audit-log FILE`: one JSON line per paid submission, written before
//! the waiting (a killed run keeps it), one with the outcome, the prompt
//! only with `--audit-prompts`; whole lines from processes appending at
//! once; a link, FIFO or directory refused before anything is sent.

mod common;

use std::{path::Path, process::Stdio, time::Duration};

use adobe_firefly_emulator::Emulator;
use common::*;
use serde_json::Value;

/// Every line of the log, each of which must be whole JSON.
fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
        .collect()
}

fn generate(emulator: &Emulator, out: &Path, log: &Path, prompt: &str) -> std::process::Command {
    let mut command = firefly(emulator);
    command
        .args(["image", "generate", prompt, "--size", "64x64", "-o"])
        .arg(out)
        .arg("--audit-log")
        .arg(log);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_job_leaves_its_submission_and_its_outcome() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("audit");
    let log = dir.join("audit.jsonl");
    let mut command = generate(&emulator, &dir.join("out"), &log, "a secret lighthouse");
    command.args(["-n", "2"]);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let entries = lines(&log);
    assert_eq!(entries.len(), 2, "{entries:?}");
    let submitted = &entries[0];
    assert_eq!(submitted["event"], "submitted");
    assert_eq!(submitted["api"], "Firefly");
    assert_eq!(submitted["operation"], "image generate");
    assert_eq!(submitted["estimate"]["operations"], 2.0);
    assert!(
        submitted["job_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert_eq!(submitted["request_hash"].as_str().map(str::len), Some(16));
    assert!(submitted["time"].as_str().unwrap().ends_with('Z'));
    assert!(
        submitted.get("prompt").is_none(),
        "no prompt without --audit-prompts"
    );
    assert!(!std::fs::read_to_string(&log).unwrap().contains("secret"));
    assert_eq!(entries[1]["event"], "ended");
    assert_eq!(entries[1]["outcome"], "succeeded");
    assert_eq!(entries[1]["job_id"], submitted["job_id"]);

    let mut command = generate(&emulator, &dir.join("out"), &log, "a secret lighthouse");
    command.arg("--audit-prompts");
    assert!(run(command).await.status.success());
    let entries = lines(&log);
    assert_eq!(entries.len(), 4, "appended, never rewritten");
    assert_eq!(entries[2]["prompt"], "a secret lighthouse");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_at_once_write_whole_lines() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("audit-four");
    let log = dir.join("audit.jsonl");
    let runs = (0..4).map(|n| {
        let command = generate(&emulator, &dir.join("out"), &log, &format!("boat {n}"));
        run(command)
    });
    for output in futures::future::join_all(runs).await {
        assert!(output.status.success(), "{output:?}");
    }
    let entries = lines(&log);
    assert_eq!(entries.len(), 8, "{entries:?}");
    let submitted = entries.iter().filter(|e| e["event"] == "submitted").count();
    assert_eq!(submitted, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_keeps_its_submission() {
    // Jobs that never finish: the process waits until it is killed.
    let emulator = Emulator::builder()
        .jobs_that_finish(0)
        .start()
        .await
        .unwrap();
    let dir = scratch("audit-kill");
    let log = dir.join("audit.jsonl");
    let mut command = generate(&emulator, &dir.join("out"), &log, "a lighthouse");
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The submission's line is there as soon as the job id is: wait for
    // it (bounded), then kill the waiting process.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while lines(&log).is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "no line in 30 s");
        tokio::task::yield_now().await;
        std::thread::yield_now();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let entries = lines(&log);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["event"], "submitted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_that_is_not_a_regular_file_is_refused_before_anything_is_sent() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("audit-bad");
    let target = dir.join("elsewhere.jsonl");
    std::fs::write(&target, "").unwrap();
    let link = dir.join("link.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let fifo = dir.join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for bad in [link.as_path(), fifo.as_path(), dir.as_ref()] {
        let output = run(generate(&emulator, &dir.join("out"), bad, "x")).await;
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("audit log"), "{stderr}");
    }
    assert!(emulator.requests().is_empty());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "",
        "nothing written through the link"
    );
}
