//! What a run may spend: `--max-operations` refuses a request whose
//! estimate is over the cap before anything is sent (exit 2, the estimate
//! in the message), `FIREFLY_MAX_OPERATIONS` sets it for scripts, and
//! `--dry-run` prints the exact request and its estimate and sends nothing,
//! not even a token request (exit 0), in text and as one JSON document.

mod common;

use adobe_firefly_emulator::Emulator;
use common::*;

/// `firefly image generate "a lighthouse" -n 3 --size 64x64 -o DIR` plus `extra`.
async fn generate(emulator: &Emulator, dir: &Scratch, extra: &[&str]) -> std::process::Output {
    let mut command = firefly(emulator);
    command
        .args([
            "image",
            "generate",
            "a lighthouse",
            "-n",
            "3",
            "--size",
            "64x64",
            "-o",
        ])
        .arg(dir)
        .args(extra);
    run(command).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_cap_is_refused_before_anything_is_sent() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("spend-cap");
    let output = generate(&emulator, &dir, &["--max-operations", "2"]).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("estimated at 3 operations"), "{stderr}");
    assert!(stderr.contains("the 2 left"), "{stderr}");
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
    assert_eq!(emulator.tokens_issued(), 0);
    assert!(images(&dir).is_empty());

    // Within the cap it runs.
    let output = generate(&emulator, &dir, &["--max-operations", "3"]).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(images(&dir).len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cap_comes_from_the_environment_for_scripts() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("spend-env");
    let mut command = firefly(&emulator);
    command
        .env("FIREFLY_MAX_OPERATIONS", "0.5")
        .args(["--json", "video", "generate", "a wave", "-o"])
        .arg(&*dir);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let document = json(&output);
    assert_eq!(document["error"]["kind"], "over_budget", "{document}");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("s of video"),
        "{document}"
    );
    assert!(emulator.requests().is_empty());

    let mut command = firefly(&emulator);
    command
        .env("FIREFLY_MAX_OPERATIONS", "lots")
        .args(["token"]);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2), "a bad cap is a usage error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_prints_the_request_and_its_estimate_and_sends_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("spend-dry");
    let output = generate(&emulator, &dir, &["--dry-run"]).await;
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.starts_with(&format!("POST {}/v3/images/generate-async", emulator.url())),
        "{text}"
    );
    assert!(text.contains("authorization: Bearer [token]"), "{text}");
    assert!(text.contains("\"prompt\": \"a lighthouse\""), "{text}");
    assert!(text.contains("estimate: 3 operations"), "{text}");
    assert!(!text.contains(emulator.client_secret()), "{text}");
    assert!(!text.contains(emulator.client_id()), "{text}");
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
    assert_eq!(emulator.tokens_issued(), 0);
    assert!(images(&dir).is_empty());

    let output = generate(&emulator, &dir, &["--dry-run", "--json"]).await;
    assert!(output.status.success(), "{output:?}");
    let document = json(&output);
    assert_eq!(document["dry_run"]["method"], "POST");
    assert_eq!(document["dry_run"]["body"]["numVariations"], 3);
    assert_eq!(document["dry_run"]["headers"]["x-api-key"], "[client id]");
    assert_eq!(document["estimate"]["operations"], 3.0);
    assert!(emulator.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photoshop_dry_run_counts_one_job() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("spend-photoshop");
    let mut command = firefly(&emulator);
    command
        .args([
            "--dry-run",
            "photoshop",
            "edit",
            "--input",
            "https://example.s3.amazonaws.com/in.png?X-Amz-Signature=1",
            "-o",
        ])
        .arg(&*dir);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(text.contains("/v2/edit"), "{text}");
    assert!(text.contains("estimate: 1 operation (1 job(s)"), "{text}");
    assert!(emulator.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_stops_submitting_at_the_cap_and_a_rerun_carries_on() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("spend-batch");
    let prompts = dir.join("prompts.txt");
    let lines: Vec<String> = (1..=12)
        .map(|n| format!("a lighthouse number {n}"))
        .collect();
    std::fs::write(&prompts, lines.join("\n")).unwrap();
    let out = dir.join("out");
    let batch = |cap: &str| {
        let mut command = firefly(&emulator);
        command
            .args(["--json", "image", "batch"])
            .arg(&prompts)
            .args([
                "--size",
                "64x64",
                "--concurrency",
                "3",
                "--max-operations",
                cap,
                "-o",
            ])
            .arg(&out);
        command
    };

    let output = run(batch("5")).await;
    assert!(output.status.success(), "{output:?}");
    let document = json(&output);
    assert_eq!(submissions(&emulator), 5, "{document}");
    assert_eq!(document["succeeded"], 5, "{document}");
    assert_eq!(document["skipped"], 7, "{document}");
    assert_eq!(document["failed"], 0, "{document}");
    let over: Vec<&serde_json::Value> = document["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["reason"] == "over_budget")
        .collect();
    assert_eq!(over.len(), 7, "{document}");
    assert_eq!(images(&out).len(), 5);

    // A rerun with a higher cap submits only what the first did not.
    let output = run(batch("100")).await;
    assert!(output.status.success(), "{output:?}");
    let document = json(&output);
    assert_eq!(submissions(&emulator), 12, "{document}");
    assert_eq!(document["succeeded"], 7, "{document}");
    assert_eq!(document["skipped"], 5, "{document}");
    assert_eq!(images(&out).len(), 12);
}
