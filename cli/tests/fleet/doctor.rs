//! `firefly doctor` with a fleet: the Redis check passes against a real
//! server (naming the key prefix and TLS), and fails with a fix when the
//! server does not answer.

use adobe_firefly_emulator::Emulator;

use super::{firefly, json, shared_url, unique_prefix};

/// `firefly --json doctor --redis URL --redis-prefix PREFIX`: its document
/// and the Redis check's entry.
fn doctor(emulator: &Emulator, url: &str, prefix: &str) -> (serde_json::Value, serde_json::Value) {
    let output = firefly(emulator)
        .args(["--json", "doctor", "--redis", url, "--redis-prefix", prefix])
        .output()
        .unwrap();
    let document = json(&output);
    let redis = document["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["check"] == "fleet Redis")
        .cloned()
        .unwrap_or_else(|| panic!("no Redis check: {document}"));
    (document, redis)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fleets_redis_is_checked() {
    let emulator = Emulator::start().await.unwrap();
    let prefix = unique_prefix("doctor");
    let (document, redis) = doctor(&emulator, &shared_url(), &prefix);
    assert_eq!(redis["result"], "pass", "{document}");
    let detail = redis["detail"].as_str().unwrap();
    assert!(
        detail.contains(&prefix) && detail.contains("TLS no"),
        "{detail}"
    );
    assert_eq!(document["ok"], true, "{document}");

    // A port nothing listens on: the check fails, with a fix.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("redis://{}", listener.local_addr().unwrap());
    drop(listener);
    let (document, redis) = doctor(&emulator, &dead, &prefix);
    assert_eq!(redis["result"], "fail", "{document}");
    assert!(
        redis["fix"].as_str().is_some_and(|fix| !fix.is_empty()),
        "{redis}"
    );
    assert_eq!(document["ok"], false, "{document}");
}
