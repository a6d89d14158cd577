//! What sharing the rate limit through Redis adds to a request, measured
//! against the emulator and a Redis server on 127.0.0.1 (`REDIS_URL`,
//! default `redis://127.0.0.1:6379`). Run with
//! `cargo bench --features redis --bench fleet`.
//!
//! - `rate_limit/status_*`: one job-status read through the SDK with no
//!   limit, with this process's own limit, and with the fleet's limit in
//!   Redis, in the same run; the difference between the last two is what
//!   the shared check adds.
//! - `rate_limit/redis_budget_read`: the budget script alone (read-only),
//!   one Redis round trip.

use std::time::Duration;

use adobe_firefly::{Firefly, RateLimit, fleet::Fleet, types::GenerateImagesRequest};
use adobe_firefly_emulator::Emulator;
use criterion::{Criterion, criterion_group, criterion_main};

fn client(emulator: &Emulator, limit: Option<RateLimit>) -> Firefly {
    let mut builder = Firefly::builder()
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .api_url(emulator.url())
        .ims_url(emulator.url());
    if let Some(limit) = limit {
        builder = builder.rate_limit(limit);
    }
    builder.build().unwrap()
}

fn rate_limit(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let fleet = Fleet::builder(url)
        .key_prefix(format!("firefly-bench:{}", std::process::id()))
        .build()
        .unwrap();
    // A budget the benchmark never exhausts: every check is a full check
    // that admits at once.
    let limit = RateLimit::new(1_000_000, Duration::from_millis(200));
    let (emulator, job) = runtime.block_on(async {
        let emulator = Emulator::builder()
            .polls_until_done(u32::MAX)
            .start()
            .await
            .unwrap();
        let job = client(&emulator, None)
            .generate_images(GenerateImagesRequest::builder().prompt("a benchmark"))
            .await
            .unwrap();
        (emulator, job)
    });
    let clients = [
        ("status_no_limit", client(&emulator, None)),
        ("status_local_limit", client(&emulator, Some(limit.clone()))),
        (
            "status_redis_limit",
            client(&emulator, Some(limit.clone().redis(&fleet))),
        ),
    ];
    runtime.block_on(async {
        fleet
            .quota_left(emulator.client_id(), &limit)
            .await
            .expect("the benchmark needs Redis at REDIS_URL: redis-server --port 6379 --save \"\"");
        for (_, firefly) in &clients {
            firefly.job_status(&job).await.unwrap();
        }
    });

    let mut group = c.benchmark_group("rate_limit");
    for (name, firefly) in &clients {
        group.bench_function(*name, |b| {
            b.to_async(&runtime)
                .iter(|| async { firefly.job_status(&job).await.unwrap() })
        });
    }
    group.bench_function("redis_budget_read", |b| {
        b.to_async(&runtime).iter(|| async {
            fleet
                .quota_left(emulator.client_id(), &limit)
                .await
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, rate_limit);
criterion_main!(benches);
