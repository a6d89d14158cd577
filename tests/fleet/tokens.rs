//! One token for the fleet: one IMS request, a rejected token replaced once
//! for everyone, a dead lock holder waited out, Redis down survived.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use adobe_firefly::{
    Firefly,
    auth::{ImsTokenManager, TokenPolicy, TokenSource},
    fleet::Fleet,
    types::GenerateImagesRequest,
};
use adobe_firefly_emulator::{Emulator, Faults};

use crate::redis_server::{PrivateRedis, inspect, keys, shared_url, unique_prefix};

fn manager(emulator: &Emulator, fleet: &Fleet) -> ImsTokenManager {
    ImsTokenManager::builder()
        .ims_url(emulator.url())
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .scopes("openid,firefly_api")
        .policy(TokenPolicy::default().redis(fleet))
        .build()
        .unwrap()
}

/// Managers with their own fleet handle each, like separate processes.
fn managers(emulator: &Emulator, url: &str, prefix: &str, n: usize) -> Vec<ImsTokenManager> {
    (0..n)
        .map(|_| {
            manager(
                emulator,
                &Fleet::builder(url).key_prefix(prefix).build().unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_managers_make_one_ims_request() {
    let url = shared_url();
    let prefix = unique_prefix("token-cold");
    let emulator = Emulator::start().await.unwrap();
    let fleet = managers(&emulator, &url, &prefix, 6);
    let tokens = futures::future::join_all(fleet.iter().map(|m| m.token())).await;
    let first = tokens[0].as_ref().unwrap();
    assert!(tokens.iter().all(|t| t.as_ref().unwrap().same_as(first)));
    assert_eq!(emulator.tokens_issued(), 1);

    // Only the token and its lifetime are stored, under hashed names.
    let keys = keys(&url, &prefix);
    assert_eq!(keys.len(), 1, "the lock is released: {keys:?}");
    assert!(!keys[0].contains(emulator.client_id()));
    let value: String = redis::cmd("GET")
        .arg(&keys[0])
        .query(&mut inspect(&url))
        .unwrap();
    assert!(!value.contains(emulator.client_secret()));
    let stored: serde_json::Value = serde_json::from_str(&value).unwrap();
    let mut fields: Vec<&String> = stored.as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(fields, ["access_token", "lifetime_ms"]);
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&keys[0])
        .query(&mut inspect(&url))
        .unwrap();
    assert!(ttl > 0, "the stored token expires with the token");
}

#[tokio::test]
async fn a_rejected_token_is_replaced_once_for_the_fleet() {
    let url = shared_url();
    let prefix = unique_prefix("token-401");
    let emulator = Emulator::start().await.unwrap();
    let fleet = managers(&emulator, &url, &prefix, 4);
    let mut first = None;
    for manager in &fleet {
        first = Some(manager.token().await.unwrap());
    }
    let first = first.unwrap();
    assert_eq!(emulator.tokens_issued(), 1);

    // Firefly answers 401 to each in turn, as it would once the token is
    // revoked: the first asks IMS, the others take its new token.
    let mut replacements = Vec::new();
    for manager in &fleet {
        manager.invalidate(&first);
        replacements.push(manager.token().await.unwrap());
    }
    assert!(!replacements[0].same_as(&first));
    assert!(replacements.iter().all(|t| t.same_as(&replacements[0])));
    assert_eq!(emulator.tokens_issued(), 2, "one IMS request for the fleet");
}

#[tokio::test]
async fn a_lock_left_by_a_dead_process_expires_and_another_takes_over() {
    let url = shared_url();
    let prefix = unique_prefix("token-lease");
    let emulator = Emulator::start().await.unwrap();
    managers(&emulator, &url, &prefix, 1)[0]
        .token()
        .await
        .unwrap();
    let token_key = keys(&url, &prefix).pop().unwrap();

    // A process took the lock to fetch a new token, then died: its lease
    // is all that frees the lock.
    let lease = Duration::from_millis(800);
    let mut connection = inspect(&url);
    redis::cmd("DEL")
        .arg(&token_key)
        .query::<()>(&mut connection)
        .unwrap();
    redis::cmd("SET")
        .arg(format!("{token_key}:lock"))
        .arg("a-process-that-died")
        .arg("PX")
        .arg(lease.as_millis() as u64)
        .query::<()>(&mut connection)
        .unwrap();
    let started = Instant::now();
    let token = managers(&emulator, &url, &prefix, 1)[0]
        .token()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(!token.expose_secret().is_empty());
    assert_eq!(emulator.tokens_issued(), 2);
    assert!(
        waited >= lease - Duration::from_millis(100),
        "waited {waited:?} for the lease"
    );
    assert!(
        waited < Duration::from_secs(5),
        "took over soon after the lease: {waited:?}"
    );
    assert_eq!(
        keys(&url, &prefix),
        [token_key],
        "the new holder released the lock"
    );
}

#[tokio::test]
async fn tokens_come_from_ims_while_redis_is_down() {
    let server = PrivateRedis::start();
    let url = server.url();
    drop(server);
    let emulator = Emulator::start().await.unwrap();
    let fleet = Fleet::builder(url)
        .key_prefix(unique_prefix("token-down"))
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let token = manager(&emulator, &fleet).token().await.unwrap();
    assert!(!token.expose_secret().is_empty());
    assert_eq!(emulator.tokens_issued(), 1);
}

/// Through the real path: Firefly (the emulator) starts refusing the
/// fleet's token; the first client to meet the 401 fetches the one
/// replacement, the others find it in Redis when they meet theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_sends_the_fleet_to_ims_once() {
    let url = shared_url();
    let prefix = unique_prefix("token-replay");
    let emulator = Emulator::builder()
        .faults(Faults::none().token_valid_for(Duration::from_secs(2)))
        .start()
        .await
        .unwrap();
    let managers = managers(&emulator, &url, &prefix, 3);
    let clients: Vec<Firefly> = managers
        .iter()
        .map(|manager| {
            Firefly::builder()
                .client_id(emulator.client_id())
                .token_source(Arc::new(manager.clone()))
                .api_url(emulator.url())
                .build()
                .unwrap()
        })
        .collect();
    let submit = |firefly: &Firefly| {
        let firefly = firefly.clone();
        async move {
            firefly
                .generate_images(GenerateImagesRequest::builder().prompt("a fleet"))
                .await
                .unwrap()
        }
    };
    for firefly in &clients {
        submit(firefly).await;
    }
    assert_eq!(emulator.tokens_issued(), 1);

    // Wait, with a deadline, until the emulator refuses the first token.
    let first = managers[0].token().await.unwrap();
    let status_url = format!("{}/v3/status/no-such-job", emulator.url());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = reqwest::Client::new()
            .get(&status_url)
            .bearer_auth(first.expose_secret())
            .header("x-api-key", emulator.client_id())
            .send()
            .await
            .unwrap()
            .status();
        if status == reqwest::StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(Instant::now() < deadline, "the token never expired");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    for firefly in &clients {
        submit(firefly).await;
    }
    assert_eq!(emulator.tokens_issued(), 2, "one IMS request for the fleet");
    for firefly in &clients {
        assert_eq!(firefly.stats().replays_after_401, 1);
    }
}
