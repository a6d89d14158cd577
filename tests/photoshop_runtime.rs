//! The runtime under two APIs, against the emulator: one credential and one
//! token for Firefly and Photoshop from many tasks, a refused token replaced
//! once for both, per-API scopes with a token of their own, and each API
//! spending its own request budget (feature `photoshop`).

mod common;

use std::time::Duration;

use adobe_firefly::{
    Api, Error, Firefly, RateLimit, RateLimitError, RetryPolicy,
    photoshop::{PhotoshopJob, types::GenerateManifestRequest},
    types::GenerateImagesRequest,
};
use adobe_firefly_emulator::Emulator;
use common::{EmulatorExt, FakeServer, png_storage};
use serde_json::json;

/// A manifest of the storage server's image, kept by Adobe for an hour.
fn manifest_request(storage_url: &str) -> GenerateManifestRequest {
    serde_json::from_value(json!({
        "image": {"source": {"url": format!("{storage_url}/in.png")}},
        "outputs": [{"destination": {"validityPeriod": 3600}, "mediaType": "application/json"}],
    }))
    .unwrap()
}

async fn photoshop_submit(firefly: &Firefly, storage: &FakeServer) -> Result<PhotoshopJob, Error> {
    firefly
        .photoshop()
        .generate_manifest(manifest_request(&storage.url))
        .await
}

async fn firefly_submit(firefly: &Firefly) -> Result<(), Error> {
    firefly
        .generate_images(GenerateImagesRequest::builder().prompt("two APIs"))
        .await
        .map(drop)
}

/// How many requests the emulator received whose path starts with `prefix`.
fn received(emulator: &Emulator, method: &str, prefix: &str) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == method && r.path.starts_with(prefix))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_tasks_on_both_apis_make_exactly_one_ims_request() {
    let emulator = Emulator::start().await.unwrap();
    let storage = png_storage().await;
    let firefly = emulator.client().unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|n| {
            let firefly = firefly.clone();
            let storage_url = storage.url.clone();
            tokio::spawn(async move {
                if n % 2 == 0 {
                    firefly_submit(&firefly).await
                } else {
                    let request = manifest_request(&storage_url);
                    firefly
                        .photoshop()
                        .generate_manifest(request)
                        .await
                        .map(drop)
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(emulator.tokens_issued(), 1, "one token for both APIs");
    assert_eq!(received(&emulator, "POST", "/v3/images/generate"), 25);
    assert_eq!(received(&emulator, "POST", "/v2/generate-manifest"), 25);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photoshop_token_refused_is_replaced_once_and_firefly_carries_on() {
    let emulator = Emulator::start().await.unwrap();
    let storage = png_storage().await;
    let firefly = emulator.client().unwrap();
    firefly.check_credentials().await.unwrap();
    assert_eq!(emulator.tokens_issued(), 1);

    emulator.revoke_tokens();
    photoshop_submit(&firefly, &storage).await.unwrap();
    assert_eq!(
        emulator.tokens_issued(),
        2,
        "the refused token was replaced once"
    );
    for _ in 0..3 {
        firefly_submit(&firefly).await.unwrap();
    }
    assert_eq!(
        emulator.tokens_issued(),
        2,
        "Firefly uses the token Photoshop's refusal brought"
    );
}

#[tokio::test]
async fn photoshop_scopes_of_their_own_get_a_token_of_their_own() {
    let emulator = Emulator::start().await.unwrap();
    let storage = png_storage().await;
    let firefly = emulator
        .client_builder()
        .api_scopes(Api::Photoshop, "openid,AdobeID,read_organizations")
        .build()
        .unwrap();
    for _ in 0..2 {
        firefly_submit(&firefly).await.unwrap();
        photoshop_submit(&firefly, &storage).await.unwrap();
    }
    assert_eq!(
        emulator.tokens_issued(),
        2,
        "one token per set of scopes, each reused"
    );
}

#[tokio::test]
async fn per_api_scopes_with_a_fixed_token_are_refused_at_build() {
    let emulator = Emulator::start().await.unwrap();
    let built = Firefly::builder()
        .client_id(emulator.client_id())
        .access_token("a-fixed-token")
        .api_url(emulator.url())
        .api_scopes(Api::Photoshop, "openid,photoshop")
        .build();
    let error = built.expect_err("a fixed token cannot carry other scopes");
    assert!(error.to_string().contains("scopes"), "{error}");
    assert!(emulator.requests().is_empty());
}

fn refused_by_budget(result: Result<impl std::fmt::Debug, Error>) -> bool {
    matches!(
        result,
        Err(Error::RateLimit(RateLimitError::WaitTooLong { .. }))
    )
}

#[tokio::test]
async fn each_api_spends_its_own_budget() {
    let emulator = Emulator::start().await.unwrap();
    let storage = png_storage().await;
    let no_wait = |limit: RateLimit| limit.max_wait(Duration::ZERO);
    let firefly = emulator
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .rate_limit(no_wait(RateLimit::per_minute(2).submissions_only()))
        .rate_limits(
            Api::Photoshop,
            [no_wait(RateLimit::per_minute(3).submissions_only())],
        )
        .build()
        .unwrap();

    let mut jobs = Vec::new();
    for _ in 0..3 {
        jobs.push(photoshop_submit(&firefly, &storage).await.unwrap());
    }
    assert!(refused_by_budget(
        photoshop_submit(&firefly, &storage).await
    ));
    // Status reads are not submissions, and Firefly has a budget of its own.
    firefly.photoshop().job_status(&jobs[0]).await.unwrap();
    firefly_submit(&firefly).await.unwrap();
    firefly_submit(&firefly).await.unwrap();
    assert!(refused_by_budget(firefly_submit(&firefly).await));

    assert_eq!(received(&emulator, "POST", "/v2/generate-manifest"), 3);
    assert_eq!(received(&emulator, "POST", "/v3/images/generate"), 2);
}

#[tokio::test]
async fn photoshop_status_reads_have_a_limit_of_their_own() {
    let emulator = Emulator::start().await.unwrap();
    let storage = png_storage().await;
    let firefly = emulator
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .rate_limits(
            Api::Photoshop,
            [RateLimit::new(2, Duration::from_secs(3))
                .polls_only()
                .max_wait(Duration::ZERO)],
        )
        .build()
        .unwrap();
    let photoshop = firefly.photoshop();
    let first = photoshop_submit(&firefly, &storage).await.unwrap();
    let second = photoshop_submit(&firefly, &storage).await.unwrap();
    photoshop_submit(&firefly, &storage).await.unwrap();
    photoshop.job_status(&first).await.unwrap();
    photoshop.job_status(&second).await.unwrap();
    assert!(refused_by_budget(photoshop.job_status(&first).await));
    assert_eq!(received(&emulator, "GET", "/v2/status/"), 2);
}

#[test]
fn adobe_published_limits_are_one_budget_per_api() {
    let firefly = Api::Firefly.adobe_rate_limits();
    assert_eq!(firefly.len(), 1);
    assert_eq!(firefly[0].requests, 4);
    assert_eq!(firefly[0].per_day, Some(9000));
    let photoshop = Api::Photoshop.adobe_rate_limits();
    assert_eq!(photoshop.len(), 2);
    assert_eq!(
        (photoshop[0].requests, photoshop[0].per),
        (300, Duration::from_secs(60))
    );
    assert_eq!(
        (photoshop[1].requests, photoshop[1].per),
        (300, Duration::from_secs(3))
    );
}
