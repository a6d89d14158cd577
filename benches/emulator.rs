//! Requests per second the emulator answers on this machine, so SDK
//! benchmarks against it can tell whether it is the bottleneck.
//! Run with `cargo bench --bench emulator`.

use adobe_firefly::types::GenerateImagesRequest;
use adobe_firefly_emulator::Emulator;
use emulator_client::EmulatorExt;

#[path = "../tests/common/emulator.rs"]
mod emulator_client;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CONCURRENCY: usize = 64;

fn status_polls(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (emulator, token, status_url) = runtime.block_on(async {
        let emulator = Emulator::builder()
            .polls_until_done(u32::MAX)
            .start()
            .await
            .unwrap();
        let firefly = emulator.client().unwrap();
        let job = firefly
            .generate_images(GenerateImagesRequest::builder().prompt("benchmark"))
            .await
            .unwrap();
        let token = emulator.issue_token("openid,firefly_api");
        (emulator, token, job.status_url)
    });
    let http = reqwest::Client::new();
    let client_id = emulator.client_id().to_owned();

    let mut group = c.benchmark_group("emulator");
    group.throughput(Throughput::Elements(CONCURRENCY as u64));
    group.bench_function("status_polls_64_concurrent", |b| {
        b.to_async(&runtime).iter(|| async {
            let polls = (0..CONCURRENCY).map(|_| {
                http.get(&status_url)
                    .bearer_auth(&token)
                    .header("x-api-key", &client_id)
                    .send()
            });
            for response in futures::future::join_all(polls).await {
                assert!(response.unwrap().status().is_success());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, status_polls);
criterion_main!(benches);
