//! `firefly batch` driven as a process against the emulator: injected 429s,
//! resuming after failures and after a kill without paying twice, Ctrl-C,
//! and a folder that cannot hold the journal.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Stdio,
};

use adobe_firefly_emulator::{Emulator, Faults};
use common::*;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_twenty_rides_out_injected_429s() {
    let faults = Faults::none().rate_limit_every(5);
    let emulator = Emulator::builder().faults(faults).start().await.unwrap();
    let dir = scratch("batch");
    let prompts = dir.join("prompts.txt");
    let lines: Vec<String> = (1..=20).map(|i| format!("prompt number {i}")).collect();
    std::fs::write(
        &prompts,
        format!("# twenty prompts\n{}\n", lines.join("\n")),
    )
    .unwrap();
    let out = dir.join("out");
    let mut command = firefly(&emulator);
    command
        .args(["--json", "image", "batch"])
        .arg(&prompts)
        .args([
            "--concurrency",
            "4",
            "--rate",
            "100/s",
            "--size",
            "256x256",
            "-o",
        ])
        .arg(&out);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let summary = json(&output);
    assert_eq!(
        (summary["succeeded"].as_u64(), summary["failed"].as_u64()),
        (Some(20), Some(0)),
        "{summary}"
    );
    assert_eq!(images(&out).len(), 20);
    assert!(
        images(&out)
            .iter()
            .any(|f| f.starts_with("0002-prompt-number-1-seed-") && f.ends_with(".png")),
        "{:?}",
        images(&out)
    );
    let submissions = emulator
        .requests()
        .iter()
        .filter(|r| r.path == "/v3/images/generate-async")
        .count();
    assert!(
        submissions > 20,
        "some submissions met an injected 429 and were retried ({submissions})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_batch_resumes_where_it_stopped() {
    let dir = scratch("resume");
    let prompts = dir.join("prompts.jsonl");
    let lines: Vec<String> = (1..=8)
        .map(|i| format!(r#"{{"prompt": "scene {i}", "size": {{"width": 128, "height": 128}}}}"#))
        .collect();
    std::fs::write(&prompts, lines.join("\n")).unwrap();
    let out = dir.join("out");

    // First run: every fourth job fails on Adobe's side.
    let faults = Faults::none().fail_jobs_every(4);
    let flaky = Emulator::builder().faults(faults).start().await.unwrap();
    let mut command = firefly(&flaky);
    command
        .args(["--json", "image", "batch"])
        .arg(&prompts)
        .args(["--concurrency", "2", "-o"])
        .arg(&out);
    let first = run(command).await;
    assert_eq!(
        first.status.code(),
        Some(1),
        "a failed prompt makes the exit status non-zero"
    );
    let summary = json(&first);
    assert_eq!(
        (summary["succeeded"].as_u64(), summary["failed"].as_u64()),
        (Some(6), Some(2)),
        "{summary}"
    );
    let failed: Vec<&Value> = summary["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "failed")
        .collect();
    assert!(
        failed
            .iter()
            .all(|r| r["error"]["error_code"] == "runtime_error"),
        "{failed:?}"
    );
    assert_eq!(images(&out).len(), 6);

    // Second run: only the two missing prompts are generated.
    let healthy = Emulator::start().await.unwrap();
    let mut command = firefly(&healthy);
    command
        .args(["image", "batch"])
        .arg(&prompts)
        .args(["-o"])
        .arg(&out);
    let second = run(command).await;
    assert!(second.status.success(), "{second:?}");
    let text = stdout(&second);
    assert!(text.contains("2 succeeded, 0 failed, 6 skipped"), "{text}");
    assert_eq!(images(&out).len(), 8);
    let submissions = healthy
        .requests()
        .iter()
        .filter(|r| r.path == "/v3/images/generate-async")
        .count();
    assert_eq!(submissions, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_batch_resumes_on_the_next_run() {
    use std::time::{Duration, Instant};
    let dir = scratch("killed");
    let prompts = dir.join("prompts.txt");
    let lines: Vec<String> = (1..=12).map(|i| format!("slow scene {i}")).collect();
    std::fs::write(&prompts, lines.join("\n")).unwrap();
    let out = dir.join("out");
    // Jobs take 300 ms each: the batch is still running when it is killed.
    let slow = Emulator::builder()
        .job_duration(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let mut command = firefly(&slow);
    command
        .args(["image", "batch"])
        .arg(&prompts)
        .args(["--concurrency", "2", "--size", "64x64", "-o"])
        .arg(&out);
    command.stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let finished = |dir: &Path| {
        std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
                    .count()
            })
            .unwrap_or(0)
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while finished(&out) < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = finished(&out);
    assert!(
        (3..12).contains(&before),
        "killed mid-batch with {before} images saved"
    );
    // Prompts the journal had recorded as saved when the kill came; an image
    // renamed into place just before the kill is kept too, but counted when
    // the rerun finds it.
    let journal = std::fs::read_to_string(out.join(".firefly-journal.jsonl")).unwrap();
    let entries: Vec<Value> = journal
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .collect();
    let recorded_saved = entries.iter().filter(|e| e["state"] == "saved").count();
    // A prompt killed between sending its submission and recording the job
    // id cannot be adopted: its job may exist, unknown to the journal.
    let mut last_state = std::collections::HashMap::new();
    for entry in &entries {
        if entry["state"] != "file" {
            last_state.insert(entry["key"].to_string(), entry["state"].to_string());
        }
    }
    let unconfirmed = last_state
        .values()
        .filter(|state| state.as_str() == "\"submitting\"")
        .count();

    let saved_before: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();

    // The rerun talks to the same service, which still knows the jobs the
    // killed run submitted: it adopts them instead of paying again.
    let mut command = firefly(&slow);
    command
        .args(["--json", "image", "batch"])
        .arg(&prompts)
        .args(["--size", "64x64", "-o"])
        .arg(&out);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let summary = json(&output);
    assert_eq!(summary["failed"].as_u64(), Some(0), "{summary}");
    assert_eq!(
        summary["skipped"].as_u64(),
        Some(recorded_saved as u64),
        "{summary}"
    );
    assert_eq!(finished(&out), 12);
    let submissions = slow
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v3/images/generate-async")
        .count();
    assert!(
        (12..=12 + unconfirmed).contains(&submissions),
        "{submissions} submissions for 12 prompts; only the {unconfirmed} whose job id never \
         reached the journal may have been paid twice"
    );
    for (path, bytes) in saved_before {
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{} was replaced",
            path.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_folder_cannot_hold_a_journal_submits_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("no-journal");
    std::fs::create_dir_all(&dir).unwrap();
    let prompts = dir.join("prompts.txt");
    std::fs::write(&prompts, "one\ntwo\n").unwrap();
    let blocked = dir.join("file");
    std::fs::write(&blocked, b"x").unwrap();
    let mut command = firefly(&emulator);
    command
        .args(["image", "batch"])
        .arg(&prompts)
        .arg("-o")
        .arg(&blocked);
    let output = run(command).await;
    assert!(!output.status.success());
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| r.path != "/v3/images/generate-async"),
        "nothing was paid for"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_line_is_not_mistaken_for_a_maybe_paid_one_on_the_rerun() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("batch-refused");
    let prompts = dir.join("prompts.jsonl");
    // The SDK refuses the second line before sending it.
    std::fs::write(
        &prompts,
        concat!(
            r#"{"prompt": "a fox", "size": {"width": 64, "height": 64}}"#,
            "\n",
            r#"{"prompt": "an owl", "size": {"width": 64, "height": 64}, "numVariations": 9}"#,
            "\n",
        ),
    )
    .unwrap();
    let batch = || {
        let mut command = firefly(&emulator);
        command
            .args(["--json", "image", "batch"])
            .arg(&prompts)
            .arg("-o")
            .arg(dir.join("out"));
        command
    };
    for run_number in 1..=2 {
        let output = run(batch()).await;
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let summary = json(&output);
        assert_eq!(summary["results"][1]["status"], "failed", "{summary}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("stopped while submitting"),
            "run {run_number}: {stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_batch_names_the_jobs_a_rerun_adopts() {
    let emulator = Emulator::builder()
        .job_duration(std::time::Duration::from_secs(600))
        .start()
        .await
        .unwrap();
    let dir = scratch("batch-interrupted");
    let prompts = dir.join("prompts.txt");
    std::fs::write(&prompts, "a slow fox\na slow owl\n").unwrap();
    let out = dir.join("out");
    let mut command = firefly(&emulator);
    command
        .args(["--json", "image", "batch", "--size", "64x64"])
        .arg(&prompts)
        .arg("-o")
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().unwrap();
    // Interrupt once both jobs are in the journal.
    let journal = out.join(".firefly-journal.jsonl");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::fs::read_to_string(&journal)
        .map(|text| text.matches(r#""state":"submitted""#).count())
        .unwrap_or(0)
        < 2
    {
        assert!(std::time::Instant::now() < deadline, "jobs not submitted");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let interrupt = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupt.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(130), "{output:?}");
    let error = json(&output)["error"].clone();
    assert_eq!(error["kind"], "interrupted", "{error}");
    let job_ids = error["job_ids"].as_array().unwrap();
    assert_eq!(job_ids.len(), 2, "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("again"),
        "{error}"
    );
}
