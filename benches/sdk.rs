//! What the SDK costs and how it behaves under load, measured against the
//! emulator on 127.0.0.1. Run with `cargo bench --bench sdk`.
//!
//! - `overhead/*`: one generate-async submit plus one status read, through
//!   the SDK and through a hand-written reqwest call with the same headers
//!   and body, in the same run; the ratio of the medians is the SDK's cost.
//! - `herd/cold_1000`: 1000 concurrent token requests on a cold cache (one
//!   IMS request, checked).
//! - `jobs/1000_jobs_64_concurrent`: 1000 jobs submitted, waited for and
//!   downloaded with 64 in flight.
//! - After the criterion groups, the polling comparison (status requests per
//!   job, adaptive vs fixed 1 s) and peak RSS are printed.

use std::{sync::Arc, time::Duration};

use adobe_firefly::{
    Firefly, WaitOptions,
    auth::{ImsTokenManager, TokenPolicy},
    types::{GenerateImagesRequest, JobAccepted, JobStatusResponse},
};
use adobe_firefly_emulator::Emulator;
use emulator_client::EmulatorExt;

#[path = "../tests/common/emulator.rs"]
mod emulator_client;
use criterion::{Criterion, Throughput, criterion_group};
use serde_json::json;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn overhead(c: &mut Criterion) {
    let runtime = runtime();
    let (emulator, firefly, token) = runtime.block_on(async {
        let emulator = Emulator::builder()
            .polls_until_done(u32::MAX)
            .start()
            .await
            .unwrap();
        let firefly = emulator.client().unwrap();
        firefly.check_credentials().await.unwrap();
        let token = emulator.issue_token("openid,firefly_api");
        (emulator, firefly, token)
    });
    let raw = reqwest::Client::new();
    let submit_url = format!("{}/v3/images/generate-async", emulator.url());
    let client_id = emulator.client_id().to_owned();
    let prompt = "a realistic illustration of a cat coding";

    let mut group = c.benchmark_group("overhead");
    group.bench_function("sdk_submit_and_status", |b| {
        b.to_async(&runtime).iter(|| async {
            let job = firefly
                .generate_images(GenerateImagesRequest::builder().prompt(prompt))
                .await
                .unwrap();
            firefly.job_status(&job).await.unwrap()
        })
    });
    group.bench_function("raw_reqwest_submit_and_status", |b| {
        b.to_async(&runtime).iter(|| async {
            let job: JobAccepted = raw
                .post(&submit_url)
                .bearer_auth(&token)
                .header("x-api-key", &client_id)
                .header("accept", "application/json")
                .json(&json!({"prompt": prompt}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let status: JobStatusResponse = raw
                .get(&job.status_url)
                .bearer_auth(&token)
                .header("x-api-key", &client_id)
                .header("accept", "application/json")
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            status
        })
    });
    group.finish();
}

fn cold_herd(c: &mut Criterion) {
    let runtime = runtime();
    let emulator = runtime.block_on(Emulator::start()).unwrap();
    let mut group = c.benchmark_group("herd");
    group.sample_size(20);
    group.bench_function("cold_1000", |b| {
        b.to_async(&runtime).iter(|| async {
            let issued = emulator.tokens_issued();
            let manager = Arc::new(
                ImsTokenManager::builder()
                    .ims_url(emulator.url())
                    .client_id(emulator.client_id())
                    .client_secret(emulator.client_secret())
                    .scopes("openid,firefly_api")
                    .policy(TokenPolicy::default())
                    .build()
                    .unwrap(),
            );
            let callers: Vec<_> = (0..1000)
                .map(|_| {
                    let manager = manager.clone();
                    tokio::spawn(async move { manager.token().await.unwrap() })
                })
                .collect();
            for caller in callers {
                caller.await.unwrap();
            }
            assert_eq!(
                emulator.tokens_issued() - issued,
                1,
                "one IMS request per herd"
            );
        })
    });
    group.finish();
}

/// Submits, waits for and downloads `jobs` jobs, `concurrency` at a time.
async fn run_jobs(firefly: &Firefly, jobs: usize, concurrency: usize, wait: &WaitOptions) {
    use futures::StreamExt;
    futures::stream::iter(0..jobs)
        .for_each_concurrent(concurrency, |i| async move {
            let job = firefly
                .generate_images(
                    GenerateImagesRequest::builder()
                        .prompt(format!("job {i}"))
                        .size(adobe_firefly::types::Size {
                            width: 64,
                            height: 64,
                        }),
                )
                .await
                .unwrap();
            let result = firefly.wait_for_job(&job, wait).await.unwrap();
            let mut png = Vec::new();
            let url = result.outputs[0]
                .image
                .as_ref()
                .and_then(|image| image.url.as_deref())
                .unwrap();
            firefly.download_to_writer(url, &mut png).await.unwrap();
            assert!(png.starts_with(b"\x89PNG"));
        })
        .await;
}

fn job_throughput(c: &mut Criterion) {
    let runtime = runtime();
    let (emulator, firefly) = runtime.block_on(async {
        let emulator = Emulator::builder()
            .polls_until_done(2)
            .start()
            .await
            .unwrap();
        let firefly = emulator.client().unwrap();
        (emulator, firefly)
    });
    let quick = WaitOptions::default()
        .first_poll(Duration::from_millis(5))
        .max_interval(Duration::from_millis(50));
    let mut group = c.benchmark_group("jobs");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1000));
    group.bench_function("1000_jobs_64_concurrent", |b| {
        b.to_async(&runtime)
            .iter(|| run_jobs(&firefly, 1000, 64, &quick))
    });
    group.finish();
    drop(emulator);
}

/// Status requests per job for a 20 s job: the SDK's adaptive schedule vs
/// polling every second. Runs on paused time, so it takes milliseconds.
fn polling_comparison() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async {
        let job_length = Duration::from_secs(20);
        let fixed = WaitOptions::default().first_poll(Duration::from_secs(1)).max_interval(Duration::from_secs(1)).backoff(1.0);
        for (name, wait) in [("adaptive (default WaitOptions)", WaitOptions::default()), ("fixed 1 s", fixed)] {
            let emulator = Emulator::builder().job_duration(job_length).start().await.unwrap();
            let firefly = emulator.client().unwrap();
            let started = tokio::time::Instant::now();
            run_jobs(&firefly, 64, 64, &wait).await;
            let polls = emulator.requests().iter().filter(|r| r.path.starts_with("/v3/status/")).count();
            println!(
                "polling {name}: {:.2} status requests per job, jobs done after {:.1} s (job length {} s)",
                polls as f64 / 64.0,
                started.elapsed().as_secs_f64(),
                job_length.as_secs()
            );
        }
    });
}

fn peak_rss() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!(
            "peak RSS of the benchmark process: {}",
            line.trim_start_matches("VmHWM:").trim()
        );
    }
}

criterion_group!(benches, overhead, cold_herd, job_throughput);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    polling_comparison();
    peak_rss();
}
