//! Nothing read from Redis is trusted: a value planted in the fleet's token
//! key (too long to send, not JSON, not shaped like a token, not a string,
//! without an expiry) is dropped and replaced through IMS, and one too long
//! is never even transferred. The Firefly side is a scripted server on
//! 127.0.0.1 that, like real servers, answers 431 to a huge
//! `Authorization` header.

use std::sync::Arc;

use adobe_firefly::{
    Firefly,
    auth::{ImsTokenManager, TokenPolicy},
    fleet::Fleet,
};
use serde_json::json;

use crate::{
    common::{
        CLIENT_ID, FakeServer, JOB, Reply, TOKEN_PATH, job, json_response, running, token_body,
    },
    redis_server::{PrivateRedis, inspect, keys, shared_url, unique_prefix},
};

/// Past this, the scripted Firefly answers 431, as servers with 8 KiB
/// header buffers do.
const HEADER_LIMIT: usize = 8 * 1024;

/// IMS hands out `token-1`, `token-2`, ...; Firefly's status endpoint
/// answers 431 to an `Authorization` header over [`HEADER_LIMIT`], and 401
/// to any token IMS did not issue.
async fn server() -> FakeServer {
    FakeServer::start(|request, earlier| {
        if request.path == TOKEN_PATH {
            let token = format!("token-{}", earlier + 1);
            return Reply::Now(json_response(200, token_body(&token, 86399)));
        }
        let authorization = request.header("authorization").unwrap_or_default();
        if authorization.len() > HEADER_LIMIT {
            Reply::Now(json_response(431, json!({"message": "header too large"})))
        } else if issued(authorization) {
            Reply::Now(running())
        } else {
            Reply::Now(json_response(401, json!({"error_code": "401013"})))
        }
    })
    .await
}

/// Whether `authorization` carries a token the scripted IMS issued.
fn issued(authorization: &str) -> bool {
    authorization
        .strip_prefix("Bearer token-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Every status request carried a token from IMS: nothing planted in
/// Redis was ever sent.
fn only_issued_tokens_were_sent(server: &FakeServer) {
    for request in server.requests_to(&format!("/v3/status/{JOB}")) {
        let authorization = request.header("authorization").unwrap_or_default();
        assert!(
            issued(authorization),
            "sent: {}",
            &authorization[..authorization.len().min(40)]
        );
    }
}

/// A client as one process of the fleet would have: its own fleet handle,
/// token manager and cache.
fn process(server: &FakeServer, url: &str, prefix: &str) -> Firefly {
    let fleet = Fleet::builder(url).key_prefix(prefix).build().unwrap();
    let manager = ImsTokenManager::builder()
        .ims_url(&server.url)
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .policy(TokenPolicy::default().redis(&fleet))
        .build()
        .unwrap();
    Firefly::builder()
        .client_id(CLIENT_ID)
        .token_source(Arc::new(manager))
        .api_url(&server.url)
        .build()
        .unwrap()
}

/// The fleet's token key, after a first process stored its token there.
async fn token_key(server: &FakeServer, url: &str, prefix: &str) -> String {
    process(server, url, prefix)
        .job_status(&job(server))
        .await
        .unwrap();
    let mut found = keys(url, prefix);
    assert_eq!(found.len(), 1, "{found:?}");
    found.pop().unwrap()
}

/// What the token key holds now, as a string.
fn stored(url: &str, key: &str) -> String {
    redis::cmd("GET").arg(key).query(&mut inspect(url)).unwrap()
}

/// Writes `value` to the token key, to expire in a day, as an attacker
/// with write access to Redis could.
fn plant(url: &str, key: &str, value: &str) {
    redis::cmd("SET")
        .arg(key)
        .arg(value)
        .arg("PX")
        .arg(86_400_000)
        .query::<()>(&mut inspect(url))
        .unwrap();
}

/// A value in the SDK's own format holding `access_token`.
fn stored_format(access_token: &str) -> String {
    json!({"access_token": access_token, "lifetime_ms": 86_400_000u64}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_kb_token_in_redis_does_not_make_every_request_fail() {
    let url = shared_url();
    let prefix = unique_prefix("poison-huge");
    let server = server().await;
    let key = token_key(&server, &url, &prefix).await;
    plant(&url, &key, &stored_format(&"A".repeat(100 * 1024)));

    // Other processes, arriving after the value was planted.
    for _ in 0..3 {
        let firefly = process(&server, &url, &prefix);
        for _ in 0..3 {
            firefly.job_status(&job(&server)).await.unwrap();
        }
    }
    only_issued_tokens_were_sent(&server);
    assert_eq!(
        server.count(TOKEN_PATH),
        2,
        "one IMS request replaced it for the fleet"
    );
    let value: serde_json::Value = serde_json::from_str(&stored(&url, &key)).unwrap();
    assert_eq!(value["access_token"], "token-2");
}

/// Each kind of unusable value under the read cap is dropped, and the next
/// process stores a fresh token from IMS in its place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_that_are_not_tokens_are_replaced_through_ims() {
    let url = shared_url();
    let server = server().await;
    let planted = [
        ("not JSON", "<html>hello</html>".to_owned()),
        ("a space", stored_format("token with space")),
        ("a header injection", stored_format("t\r\nX-Evil: 1")),
        ("over 8 KiB", stored_format(&"A".repeat(20 * 1024))),
        ("empty", stored_format("")),
    ];
    for (why, value) in planted {
        let prefix = unique_prefix("poison-shape");
        let key = token_key(&server, &url, &prefix).await;
        let issued = server.count(TOKEN_PATH);
        plant(&url, &key, &value);
        process(&server, &url, &prefix)
            .job_status(&job(&server))
            .await
            .unwrap_or_else(|error| panic!("{why}: {error}"));
        assert_eq!(server.count(TOKEN_PATH), issued + 1, "{why}");
        let now: serde_json::Value = serde_json::from_str(&stored(&url, &key)).unwrap();
        assert_eq!(
            now["access_token"],
            format!("token-{}", issued + 1),
            "{why}"
        );
    }
    only_issued_tokens_were_sent(&server);
}

/// A key of another type, or a token stored without an expiry, was not
/// written by the SDK either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hash_or_a_value_without_expiry_is_replaced() {
    let url = shared_url();
    let server = server().await;

    let prefix = unique_prefix("poison-hash");
    let key = token_key(&server, &url, &prefix).await;
    let mut connection = inspect(&url);
    redis::cmd("DEL")
        .arg(&key)
        .query::<()>(&mut connection)
        .unwrap();
    redis::cmd("HSET")
        .arg(&key)
        .arg("access_token")
        .arg("x")
        .query::<()>(&mut connection)
        .unwrap();
    process(&server, &url, &prefix)
        .job_status(&job(&server))
        .await
        .unwrap();
    assert!(stored(&url, &key).contains("token-"), "a string again");

    let prefix = unique_prefix("poison-persist");
    let key = token_key(&server, &url, &prefix).await;
    let issued = server.count(TOKEN_PATH);
    redis::cmd("SET")
        .arg(&key)
        .arg(stored_format("planted-forever"))
        .query::<()>(&mut connection)
        .unwrap();
    process(&server, &url, &prefix)
        .job_status(&job(&server))
        .await
        .unwrap();
    assert_eq!(server.count(TOKEN_PATH), issued + 1);
    let ttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut connection).unwrap();
    assert!(ttl > 0, "the replacement expires with its token");
    only_issued_tokens_were_sent(&server);
}

/// A value over the 64 KiB read cap never leaves Redis: a private server
/// counts the bytes it sent, and a whole 1 MiB value is not among them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_value_is_never_transferred() {
    let redis = PrivateRedis::start();
    let url = redis.url();
    let prefix = unique_prefix("poison-bytes");
    let server = server().await;
    let key = token_key(&server, &url, &prefix).await;
    plant(&url, &key, &stored_format(&"A".repeat(1024 * 1024)));

    let sent_before = bytes_sent(&url);
    process(&server, &url, &prefix)
        .job_status(&job(&server))
        .await
        .unwrap();
    let sent = bytes_sent(&url) - sent_before;
    assert!(sent < 64 * 1024, "Redis sent {sent} bytes");
    assert!(stored(&url, &key).contains("token-2"));
    only_issued_tokens_were_sent(&server);
}

/// The bytes the server has sent to its clients so far.
fn bytes_sent(url: &str) -> u64 {
    let info: String = redis::cmd("INFO")
        .arg("stats")
        .query(&mut inspect(url))
        .unwrap();
    info.lines()
        .find_map(|line| line.strip_prefix("total_net_output_bytes:"))
        .and_then(|value| value.trim().parse().ok())
        .expect("INFO stats reports total_net_output_bytes")
}
