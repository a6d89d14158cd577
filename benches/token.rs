//! The warm token path: what every Firefly request pays for its token once
//! the cache is filled. Run with `cargo bench --bench token`.

use std::hint::black_box;

use adobe_firefly::auth::{ImsTokenManager, StaticToken, TokenPolicy, TokenSource};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::FutureExt;

/// An IMS on 127.0.0.1 that hands out a day-long token.
async fn start_ims() -> String {
    let app = axum::Router::new().fallback(|| async {
        (
            [("content-type", "application/json")],
            r#"{"access_token":"bench-token","token_type":"bearer","expires_in":86399}"#,
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn warm_token(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _entered = runtime.enter();
    let url = runtime.block_on(start_ims());
    let manager = ImsTokenManager::builder()
        .ims_url(&url)
        .client_id("bench-client")
        .client_secret("secret")
        .scopes("openid")
        .policy(TokenPolicy::default())
        .build()
        .unwrap();
    runtime.block_on(manager.token()).unwrap();

    let mut group = c.benchmark_group("warm_token");
    group.bench_function("ims_token_manager", |b| {
        b.iter(|| {
            black_box(
                manager
                    .token()
                    .now_or_never()
                    .expect("a warm token is served without waiting")
                    .unwrap(),
            )
        })
    });
    let fixed = StaticToken::new("bench-token");
    group.bench_function("static_token", |b| {
        b.iter(|| black_box(fixed.token().now_or_never().unwrap().unwrap()))
    });
    group.finish();
}

criterion_group!(benches, warm_token);
criterion_main!(benches);
