//! The optional cross-process token cache: processes sharing a directory
//! share one IMS token.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{SystemTime, UNIX_EPOCH},
};

use adobe_firefly::auth::{ImsTokenManager, TokenPolicy};
use adobe_firefly_emulator::Emulator;

/// A folder for one test's cache, not yet made (the cache makes it), in a
/// temporary directory removed when the first value is dropped.
fn scratch(name: &str) -> (tempfile::TempDir, PathBuf) {
    let parent = tempfile::Builder::new()
        .prefix(&format!("firefly-token-cache-{name}-"))
        .tempdir()
        .unwrap();
    let dir = parent.path().join("cache");
    (parent, dir)
}

fn manager(emulator: &Emulator, policy: TokenPolicy) -> ImsTokenManager {
    ImsTokenManager::builder()
        .ims_url(emulator.url())
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .scopes("openid,firefly_api")
        .policy(policy)
        .build()
        .unwrap()
}

fn cache_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn managers_sharing_a_directory_share_one_token() {
    let emulator = Emulator::start().await.unwrap();
    let (_parent, dir) = scratch("share");
    let first = manager(&emulator, TokenPolicy::default().disk_cache(&dir));
    let second = manager(&emulator, TokenPolicy::default().disk_cache(&dir));
    let a = first.token().await.unwrap();
    let b = second.token().await.unwrap();
    assert_eq!(a.expose_secret(), b.expose_secret());
    assert_eq!(emulator.tokens_issued(), 1);
    let files = cache_files(&dir);
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        !text.contains(emulator.client_secret()),
        "the secret is never stored"
    );
}

#[tokio::test]
async fn the_cache_is_off_by_default() {
    let emulator = Emulator::start().await.unwrap();
    manager(&emulator, TokenPolicy::default())
        .token()
        .await
        .unwrap();
    manager(&emulator, TokenPolicy::default())
        .token()
        .await
        .unwrap();
    assert_eq!(emulator.tokens_issued(), 2);
}

#[tokio::test]
async fn an_aging_token_on_disk_is_replaced_not_shared() {
    let emulator = Emulator::start().await.unwrap();
    let (_parent, dir) = scratch("aging");
    manager(&emulator, TokenPolicy::default().disk_cache(&dir))
        .token()
        .await
        .unwrap();
    // Pretend the stored token was issued 23 hours ago (past its refresh window).
    let file = &cache_files(&dir)[0];
    let mut stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    stored["issued_at_ms"] = (now - 23 * 3600 * 1000).into();
    stored["expires_at_ms"] = (now + 3600 * 1000).into();
    std::fs::write(file, stored.to_string()).unwrap();

    let fresh = manager(&emulator, TokenPolicy::default().disk_cache(&dir))
        .token()
        .await
        .unwrap();
    assert_eq!(emulator.tokens_issued(), 2);
    let rewritten: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(rewritten["access_token"], fresh.expose_secret());

    // A torn file is a miss, not an error.
    std::fs::write(file, b"{\"access_tok").unwrap();
    manager(&emulator, TokenPolicy::default().disk_cache(&dir))
        .token()
        .await
        .unwrap();
    assert_eq!(emulator.tokens_issued(), 3);
}

/// Eight processes start together on an empty cache directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_processes_make_one_ims_request() {
    let emulator = Emulator::start().await.unwrap();
    let (_parent, dir) = scratch("processes");
    let mut children = Vec::new();
    for _ in 0..8 {
        let mut command = Command::new(env!("CARGO_BIN_EXE_firefly"));
        for (name, _) in std::env::vars() {
            if name.starts_with("FIREFLY_") {
                command.env_remove(name);
            }
        }
        command
            .envs(emulator.env_vars())
            .env("FIREFLY_SERVICES_SCOPES", "openid,firefly_api")
            .env("FIREFLY_SERVICES_TOKEN_CACHE_DIR", &dir)
            .arg("token")
            .stdout(std::process::Stdio::null());
        children.push(command.spawn().unwrap());
    }
    let statuses = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|mut child| child.wait().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert!(statuses.iter().all(|s| s.success()), "{statuses:?}");
    assert_eq!(
        emulator.tokens_issued(),
        1,
        "one IMS request for eight processes"
    );
}
