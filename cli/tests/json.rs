//! `--json`: one document on stdout for every outcome, errors with the same
//! keys, and the exit status (0 ok, 1 a request or job failed, 2 usage).

mod common;

use std::process::Command;

use adobe_firefly_emulator::{Emulator, Faults};
use common::*;
use serde_json::Value;

/// Checks that an error document has every key, and returns its body.
fn error_of(output: &std::process::Output) -> Value {
    let document = json(output);
    let error = document["error"].clone();
    for key in [
        "kind",
        "message",
        "status",
        "error_code",
        "request_id",
        "job_id",
        "output_urls",
    ] {
        assert!(error.get(key).is_some(), "`{key}` missing from {document}");
    }
    assert!(error["output_urls"].is_array(), "{document}");
    error
}

#[test]
fn a_usage_error_is_a_json_document_with_status_2() {
    let bin = env!("CARGO_BIN_EXE_firefly");
    for args in [
        vec!["--json", "image", "generate"],
        vec!["image", "generate", "a cat", "--size", "banana", "--json"],
        vec!["--json", "no-such-command"],
        vec!["--json"],
    ] {
        let output = Command::new(bin).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let error = error_of(&output);
        assert_eq!(error["kind"], "usage", "{args:?}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && !message.starts_with("error:"),
            "{args:?}: {error}"
        );
    }
    let missing = Command::new(bin)
        .args(["--json", "image", "generate"])
        .output()
        .unwrap();
    let message = error_of(&missing)["message"].as_str().unwrap().to_owned();
    assert!(message.contains("<PROMPT>"), "{message}");
    // Without --json, clap's message only, on stderr.
    let plain = Command::new(bin)
        .args(["image", "generate"])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(2));
    assert!(plain.stdout.is_empty());
    assert!(String::from_utf8_lossy(&plain.stderr).contains("PROMPT"));
    // Help is not an error.
    let help = Command::new(bin)
        .args(["--json", "--help"])
        .output()
        .unwrap();
    assert_eq!(help.status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_job_carries_its_job_id_and_adobe_code() {
    let emulator = Emulator::builder()
        .faults(Faults::none().fail_jobs_every(1))
        .start()
        .await
        .unwrap();
    let dir = scratch("json-job-failed");
    let mut command = firefly(&emulator);
    command
        .args([
            "--json",
            "image",
            "generate",
            "a doomed cat",
            "--size",
            "64x64",
            "-o",
        ])
        .arg(&dir);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let error = error_of(&output);
    assert_eq!(error["kind"], "job_failed", "{error}");
    assert_eq!(error["error_code"], "runtime_error", "{error}");
    assert!(
        error["job_id"]
            .as_str()
            .unwrap()
            .starts_with("urn:ff:jobs:"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_failure_carries_the_job_id_and_output_urls() {
    // The pre-signed URL has expired by the time it is fetched.
    let emulator = Emulator::builder()
        .url_lifetime(std::time::Duration::ZERO)
        .start()
        .await
        .unwrap();
    let dir = scratch("json-unsaved");
    let mut command = firefly(&emulator);
    command
        .args([
            "--json", "image", "generate", "a cat", "--size", "64x64", "-o",
        ])
        .arg(&dir);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let error = error_of(&output);
    assert_eq!(error["kind"], "unsaved", "{error}");
    assert_eq!(error["output_urls"].as_array().unwrap().len(), 1, "{error}");
    assert!(error["job_id"].is_string(), "{error}");
}

#[test]
fn an_emulator_that_cannot_bind_says_so_in_json() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(["--json", "emulator", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let error = error_of(&output);
    assert_eq!(error["kind"], "emulator", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("cannot start the emulator"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_batch_lines_are_reported_by_number_and_the_others_run() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("json-batch-lines");
    let prompts = dir.join("prompts.jsonl");
    std::fs::write(
        &prompts,
        [
            r#"{"prompt": "a fox", "size": {"width": 64, "height": 64}}"#,
            r#"{prompt: "unquoted"}"#,
            r#"{"prompt": "an owl", "numVariations": "two"}"#,
            r#"{"prompt": "a hare", "size": {"width": 64, "height": 64}}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let mut command = firefly(&emulator);
    command
        .args(["--json", "image", "batch"])
        .arg(&prompts)
        .arg("-o")
        .arg(dir.join("out"));
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let summary = json(&output);
    assert_eq!(
        (summary["succeeded"].as_u64(), summary["failed"].as_u64()),
        (Some(2), Some(2)),
        "{summary}"
    );
    let results = summary["results"].as_array().unwrap();
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["succeeded", "failed", "failed", "succeeded"]);
    let second = &results[1]["error"];
    assert_eq!(second["kind"], "batch_input", "{second}");
    assert_eq!(second["line"], 2, "{second}");
    let message = second["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 2 ") && message.contains("double quotes"),
        "{message}"
    );
    assert!(!message.contains("ident"), "{message}");
    let third = results[2]["error"]["message"].as_str().unwrap();
    assert!(
        third.starts_with("line 3 ") && third.contains("numVariations"),
        "{third}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 2 "), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_batch_file_is_a_usage_error_in_json() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("json-batch-missing");
    let mut command = firefly(&emulator);
    command
        .args(["--json", "image", "batch"])
        .arg(dir.join("nothing.txt"))
        .arg("-o")
        .arg(dir.join("out"));
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(error_of(&output)["kind"], "batch_file");
}

/// Checks the rule every success document follows: an object, never with
/// an `error` key; a job's result has `job_id` and `outputs`, each output a
/// `seed` and a `path` or `url`.
fn job_document(output: &std::process::Output) -> Value {
    assert!(output.status.success(), "{output:?}");
    let document = json(output);
    assert!(
        document.is_object() && document.get("error").is_none(),
        "{document}"
    );
    assert!(
        document["job_id"]
            .as_str()
            .unwrap()
            .starts_with("urn:ff:jobs:"),
        "{document}"
    );
    let outputs = document["outputs"].as_array().unwrap();
    assert!(!outputs.is_empty(), "{document}");
    for output in outputs {
        assert!(output.get("seed").is_some(), "{document}");
        assert!(
            output["path"].is_string() || output["url"].is_string(),
            "{document}"
        );
    }
    document
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_success_is_an_object_and_job_results_share_one_shape() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("json-success");
    let mut generate = firefly(&emulator);
    generate
        .args([
            "--json", "image", "generate", "a fox", "--size", "64x64", "-o",
        ])
        .arg(&dir);
    let generated = job_document(&run(generate).await);
    let job_id = generated["job_id"].as_str().unwrap().to_owned();

    let mut status = firefly(&emulator);
    status.args(["--json", "job", "status", &job_id]);
    let status = job_document(&run(status).await);
    assert_eq!(status["job_id"], job_id.as_str());
    assert_eq!(status["status"], "succeeded", "{status}");
    assert_eq!(
        status["outputs"][0]["seed"],
        generated["outputs"][0]["seed"]
    );

    let mut models = firefly(&emulator);
    models.args(["--json", "model", "list"]);
    let models = json(&run(models).await);
    assert!(
        models["models"].is_array(),
        "lists are under a named key: {models}"
    );

    let prompts = dir.join("prompts.txt");
    std::fs::write(&prompts, "a fox\n").unwrap();
    let batch = |emulator: &Emulator| {
        let mut command = firefly(emulator);
        command
            .args(["--json", "image", "batch", "--size", "64x64"])
            .arg(&prompts)
            .arg("-o")
            .arg(dir.join("batch"));
        command
    };
    let first = json(&run(batch(&emulator)).await);
    let result = &first["results"][0];
    assert_eq!(result["status"], "succeeded", "{first}");
    assert!(result["job_id"].is_string(), "{first}");
    assert!(result["outputs"][0]["path"].is_string(), "{first}");
    // A rerun skips the saved prompt and still says where its files are.
    let second = json(&run(batch(&emulator)).await);
    let result = &second["results"][0];
    assert_eq!(result["status"], "skipped", "{second}");
    assert_eq!(
        result["outputs"][0]["path"], first["results"][0]["outputs"][0]["path"],
        "{second}"
    );
}

#[test]
fn commands_that_print_no_json_refuse_json_as_a_usage_error() {
    let bin = env!("CARGO_BIN_EXE_firefly");
    for args in [
        vec!["--json", "completions", "bash"],
        vec!["--json", "man"],
        vec!["mcp", "--json"],
    ] {
        let output = Command::new(bin).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let error = error_of(&output);
        assert_eq!(error["kind"], "usage", "{args:?}: {error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("without --json"),
            "{error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_waiting_prints_the_paid_jobs_id() {
    let emulator = Emulator::builder()
        .job_duration(std::time::Duration::from_secs(600))
        .start()
        .await
        .unwrap();
    let dir = scratch("json-interrupted");
    let mut command = firefly(&emulator);
    command
        .args([
            "--json",
            "image",
            "generate",
            "a slow cat",
            "--size",
            "64x64",
            "-o",
        ])
        .arg(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().unwrap();
    // Interrupt once the job is being waited for: its status was asked.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !emulator
        .requests()
        .iter()
        .any(|r| r.method == "GET" && r.path.contains("/status"))
    {
        assert!(std::time::Instant::now() < deadline, "no status poll");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let interrupt = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupt.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(130), "{output:?}");
    let error = error_of(&output);
    assert_eq!(error["kind"], "interrupted", "{error}");
    let job_id = error["job_id"].as_str().unwrap();
    assert!(job_id.starts_with("urn:ff:jobs:"), "{error}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("firefly job status {job_id}")),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_about_a_named_job_carries_its_id() {
    let emulator = Emulator::start().await.unwrap();
    for command in ["status", "cancel"] {
        let mut firefly_command = firefly(&emulator);
        firefly_command.args(["--json", "job", command, "urn:ff:jobs:emulator:nope"]);
        let output = run(firefly_command).await;
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let error = error_of(&output);
        assert_eq!(error["kind"], "request", "{error}");
        assert_eq!(error["status"], 404, "{error}");
        assert_eq!(error["job_id"], "urn:ff:jobs:emulator:nope", "{error}");
    }
    // An empty id is a usage error, sent nowhere.
    let mut empty = firefly(&emulator);
    empty.args(["--json", "job", "status", ""]);
    let output = run(empty).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(error_of(&output)["kind"], "usage");
}
