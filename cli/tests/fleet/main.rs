//! A fleet of `firefly` processes sharing one quota and one token through a
//! real Redis server (feature `redis`; run with
//! `cargo test -p adobe-firefly-cli --features redis --test fleet`).

mod commands;
#[path = "../common/mod.rs"]
mod common;
mod doctor;
#[path = "../mcp_support/mod.rs"]
mod mcp_support;
mod photoshop;
mod redis_keys;
mod redis_server;
#[path = "../storage/mod.rs"]
mod storage;
mod tls;
mod tokens;

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

use adobe_firefly_emulator::{Emulator, Faults};
use common::{files, firefly, images, json, scratch};
use redis_server::{PrivateRedis, shared_url, unique_prefix};

/// A prompts file of `count` lines in `dir`.
fn prompts(dir: &Path, name: &str, count: usize) -> PathBuf {
    let file = dir.join(format!("{name}.txt"));
    let lines: Vec<String> = (1..=count).map(|i| format!("{name} prompt {i}")).collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    file
}

/// `firefly batch` of `count` prompts into `dir/name`, in the fleet.
fn batch(emulator: &Emulator, dir: &Path, name: &str, count: usize, fleet: &[&str]) -> Command {
    let mut command = firefly(emulator);
    command
        .args(["--json", "image", "batch"])
        .arg(prompts(dir, name, count))
        .args(["--concurrency", "4", "--size", "256x256", "-o"])
        .arg(dir.join(name))
        .args(fleet)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Waits for every child, without blocking the emulator's runtime.
async fn wait_all(children: Vec<Child>) -> Vec<Output> {
    tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect()
    })
    .await
    .unwrap()
}

/// When each job submission reached the emulator, in order.
fn submissions(emulator: &Emulator) -> Vec<Instant> {
    let mut times: Vec<Instant> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/v3/images/generate-async")
        .map(|r| r.received_at)
        .collect();
    times.sort();
    times
}

/// `firefly --json quota` for the fleet's `--redis` and `--redis-prefix`.
async fn quota(emulator: &Emulator, rate: &str, fleet: &[&str]) -> serde_json::Value {
    let mut command = firefly(emulator);
    command
        .args(["--json", "quota", "--rate", rate])
        .args(fleet.iter().skip_while(|arg| **arg != "--redis"));
    let output = common::run(command).await;
    assert!(output.status.success(), "{output:?}");
    json(&output)
}

fn assert_succeeded(outputs: &[Output], per_process: u64) {
    for output in outputs {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{output:?}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        let summary = json(output);
        assert_eq!(
            (summary["succeeded"].as_u64(), summary["failed"].as_u64()),
            (Some(per_process), Some(0)),
            "{summary}"
        );
    }
}

/// Four processes, each with its own limiter of the whole budget, would
/// send four times the quota; sharing it through Redis they send the
/// quota, and Firefly (the emulator's quota fault) never answers 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_share_one_quota() {
    let url = shared_url();
    let prefix = unique_prefix("quota");
    // A second stands in for Adobe's minute; the emulator's window is
    // shorter by a margin for the time between Redis admitting a request
    // and the emulator receiving it.
    let quota_window = Duration::from_millis(700);
    let emulator = Emulator::builder()
        .faults(
            Faults::none()
                .rate_limit_per_minute(4)
                .quota_window(quota_window)
                .quota_submissions_only(true),
        )
        .start()
        .await
        .unwrap();
    let dir = scratch("fleet-quota");
    let fleet = ["--rate", "4/s", "--redis", &url, "--redis-prefix", &prefix];
    let children: Vec<Child> = (0..4)
        .map(|i| {
            batch(&emulator, &dir, &format!("p{i}"), 3, &fleet)
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs = wait_all(children).await;
    assert_succeeded(&outputs, 3);
    for i in 0..4 {
        assert_eq!(images(&dir.join(format!("p{i}"))).len(), 3);
    }
    assert_eq!(
        emulator.faults_served().quota_rejections,
        0,
        "no 429 from the quota"
    );
    let times = submissions(&emulator);
    assert_eq!(times.len(), 12, "each prompt submitted once");
    for five in times.windows(5) {
        assert!(
            five[4] - five[0] >= quota_window,
            "5 submissions within {:?}",
            five[4] - five[0]
        );
    }

    // `firefly quota` reads the same budget.
    let left = quota(&emulator, "4/s", &fleet).await;
    assert_eq!(left["day_left"], 9000 - 12, "{left}");
    assert_eq!(left["window_limit"], 4, "{left}");
}

/// Processes started together on a cold fleet make one IMS request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_processes_make_one_ims_request() {
    let url = shared_url();
    let prefix = unique_prefix("token");
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("fleet-token");
    let children: Vec<Child> = (0..4)
        .map(|i| {
            let mut command = firefly(&emulator);
            command
                .args(["image", "generate", "one token", "--size", "256x256", "-o"])
                .arg(dir.join(format!("g{i}")))
                .env("FIREFLY_SERVICES_REDIS_URL", &url)
                .env("FIREFLY_SERVICES_REDIS_PREFIX", &prefix)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            command.spawn().unwrap()
        })
        .collect();
    let outputs = wait_all(children).await;
    assert!(outputs.iter().all(|o| o.status.success()), "{outputs:?}");
    assert_eq!(
        emulator.tokens_issued(),
        1,
        "one IMS request for four processes"
    );
}

/// Redis dies while two processes are mid-batch: they fall back to their
/// own limits (with a warning), finish every job once, and a fleet started
/// after Redis is back uses it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_survive_redis_dying_mid_run_and_use_it_again_after() {
    let mut server = PrivateRedis::start();
    let url = server.url();
    let prefix = unique_prefix("outage");
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("fleet-outage");
    let fleet = ["--rate", "3/s", "--redis", &url, "--redis-prefix", &prefix];
    let children: Vec<Child> = (0..2)
        .map(|i| {
            batch(&emulator, &dir, &format!("b{i}"), 6, &fleet)
                .env("RUST_LOG", "warn")
                .spawn()
                .unwrap()
        })
        .collect();
    // Stop Redis once the fleet is under way, with most jobs still waiting
    // for the budget.
    let deadline = Instant::now() + Duration::from_secs(20);
    while submissions(&emulator).len() < 3 {
        assert!(Instant::now() < deadline, "the batches never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.stop();
    let outputs = wait_all(children).await;
    assert_succeeded(&outputs, 6);
    assert_eq!(
        submissions(&emulator).len(),
        12,
        "no job lost or sent twice"
    );
    for i in 0..2 {
        assert_eq!(images(&dir.join(format!("b{i}"))).len(), 6);
    }

    server.restart();
    let before = quota(&emulator, "3/s", &fleet).await;
    assert_eq!(
        before["day_left"], 9000,
        "the restarted server is empty: {before}"
    );
    let output = common::run(batch(&emulator, &dir, "after", 2, &fleet)).await;
    assert_succeeded(&[output], 2);
    let after = quota(&emulator, "3/s", &fleet).await;
    assert_eq!(
        after["day_left"],
        9000 - 2,
        "the fleet counts in Redis again: {after}"
    );
}

/// With Redis unreachable, `generate` falls back to its own limit and token
/// and says so on stderr; stdout still holds one JSON document.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_redis_is_a_warning_on_stderr_not_a_failure() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("fleet-warning");
    let mut command = firefly(&emulator);
    command
        .args([
            "--json",
            "image",
            "generate",
            "a fallback",
            "--size",
            "256x256",
            "-o",
        ])
        .arg(dir.join("out"))
        .args(["--redis", &format!("redis://127.0.0.1:{closed_port}")])
        .env_remove("RUST_LOG");
    let output = common::run(command).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{output:?}");
    assert!(
        stderr.contains("Redis is unreachable") && stderr.contains("WARN"),
        "{stderr}"
    );
    // `json` parses all of stdout as one document: no log line in it.
    let result = json(&output);
    assert!(result.is_object(), "{result}");
    assert_eq!(files(&dir.join("out")).len(), 1);
}
