//! The shared disk token cache on a hostile machine: planted, foreign,
//! linked, oversized and locked files, lies about lifetimes, and a token
//! that Firefly rejected. Each refusal means one more IMS request and the
//! planted token never being served.

mod common;

use std::{
    fs,
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use adobe_firefly::{
    Firefly,
    auth::{ImsTokenManager, TokenPolicy, TokenSource},
};
use common::*;
use serde_json::json;
use tokio::time::Instant;

const SECRET: &str = "client-secret";
const SCOPES: &str = "openid";

/// A fresh private directory for one test, removed when dropped.
fn scratch(name: &str) -> Scratch {
    let dir = common::scratch(&format!("token-disk-{name}"));
    set_mode(&dir, 0o700);
    dir
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn manager(server: &FakeServer, dir: &Path) -> ImsTokenManager {
    ImsTokenManager::builder()
        .ims_url(&server.url)
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes(SCOPES)
        .policy(TokenPolicy::default().disk_cache(dir))
        .build()
        .unwrap()
}

/// An IMS that hands out `token-1`, `token-2`, ... valid for a day; Firefly's
/// status endpoint rejects `token-1` and accepts the others.
async fn server() -> FakeServer {
    FakeServer::start(|request, earlier| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(
                200,
                token_body(&format!("token-{}", earlier + 1), 86399),
            ));
        }
        match request.header("authorization") {
            Some("Bearer token-1") => Reply::Now(json_response(
                401,
                json!({"error_code": "401013", "message": "Oauth token is not valid"}),
            )),
            _ => Reply::Now(running()),
        }
    })
    .await
}

/// The token file and the lock file a first manager leaves in `dir`, after
/// it fetched `token-1`.
async fn populated(server: &FakeServer, dir: &Path) -> (PathBuf, PathBuf) {
    let token = manager(server, dir).token().await.unwrap();
    assert_eq!(token.expose_secret(), "token-1");
    assert_eq!(server.count(TOKEN_PATH), 1);
    let with_extension = |extension: &str| {
        fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| path.extension().is_some_and(|x| x == extension))
            .unwrap_or_else(|| panic!("no .{extension} file in {}", dir.display()))
    };
    (with_extension("json"), with_extension("lock"))
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// Rewrites the token file in place (keeping its owner and mode).
fn store(file: &Path, token: &str, issued_at_ms: u64, expires_at_ms: u64) {
    let text = json!({
        "access_token": token,
        "issued_at_ms": issued_at_ms,
        "expires_at_ms": expires_at_ms,
    });
    fs::write(file, text.to_string()).unwrap();
}

const DAY_MS: u64 = 24 * 3600 * 1000;

/// A fresh manager on `dir` gets a token from IMS, not the one on disk.
async fn refused(server: &FakeServer, dir: &Path, planted: &str) {
    let before = server.count(TOKEN_PATH);
    let token = manager(server, dir).token().await.unwrap();
    assert_ne!(
        token.expose_secret(),
        planted,
        "the planted token was served"
    );
    assert_eq!(
        server.count(TOKEN_PATH),
        before + 1,
        "IMS was asked instead"
    );
}

// files and directories others could have written.

#[tokio::test(start_paused = true)]
async fn a_token_file_open_to_others_is_refused() {
    let server = server().await;
    let dir = scratch("file-mode");
    let (file, _) = populated(&server, &dir).await;
    store(&file, "planted", now_ms(), now_ms() + DAY_MS);
    set_mode(&file, 0o644);
    refused(&server, &dir, "planted").await;
    set_mode(&file, 0o620);
    refused(&server, &dir, "planted").await;
    fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_cache_directory_writable_by_others_is_refused() {
    let server = server().await;
    let dir = scratch("dir-mode");
    populated(&server, &dir).await;
    for mode in [0o777, 0o770, 0o1777] {
        set_mode(&dir, mode);
        refused(&server, &dir, "token-1").await;
    }
    // Back to private: the cache is shared again.
    set_mode(&dir, 0o700);
    let token = manager(&server, &dir).token().await.unwrap();
    assert_eq!(token.expose_secret(), "token-1");
    fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(start_paused = true)]
#[ignore = "gives files to another user (uid 65534), which needs root; .ci/run runs it as root"]
async fn a_token_file_or_directory_of_another_user_is_refused() {
    use std::os::unix::fs::MetadataExt;
    let dir = scratch("owner");
    // The directory was just created, so its owner is this process's user.
    assert_eq!(
        fs::metadata(&dir).unwrap().uid(),
        0,
        "giving a file to another user (uid 65534) needs root"
    );
    let nobody = Some(65534);
    let server = server().await;
    let (file, _) = populated(&server, &dir).await;
    std::os::unix::fs::chown(&file, nobody, nobody).unwrap();
    refused(&server, &dir, "token-1").await;
    fs::remove_dir_all(&dir).unwrap();

    let server = self::server().await;
    let dir = scratch("owner-dir");
    populated(&server, &dir).await;
    std::os::unix::fs::chown(&dir, nobody, nobody).unwrap();
    refused(&server, &dir, "token-1").await;
    fs::remove_dir_all(&dir).unwrap();
}

// links are never followed.

#[tokio::test(start_paused = true)]
async fn a_symlinked_token_file_is_never_followed() {
    let server = server().await;
    let dir = scratch("file-link");
    let elsewhere = scratch("file-link-target");
    let (file, _) = populated(&server, &dir).await;
    // A well-formed, private token file, reachable only through the link.
    let target = elsewhere.join("planted.json");
    store(&target, "planted", now_ms(), now_ms() + DAY_MS);
    set_mode(&target, 0o600);
    let planted = fs::read(&target).unwrap();
    fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&target, &file).unwrap();

    refused(&server, &dir, "planted").await;
    assert_eq!(
        fs::read(&target).unwrap(),
        planted,
        "the target is untouched"
    );
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&elsewhere).unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_symlinked_lock_file_is_never_followed_nor_its_target_created() {
    let server = server().await;
    let dir = scratch("lock-link");
    let elsewhere = scratch("lock-link-target");
    let (_, lock) = populated(&server, &dir).await;
    let target = elsewhere.join("created-through-the-link");
    fs::remove_file(&lock).unwrap();
    std::os::unix::fs::symlink(&target, &lock).unwrap();

    refused(&server, &dir, "token-1").await;
    assert!(!target.exists(), "the link's target was created");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&elsewhere).unwrap();
}

// reads are bounded.

#[tokio::test(start_paused = true)]
async fn an_oversized_token_file_is_refused_without_being_read_whole() {
    let server = server().await;
    let dir = scratch("huge");
    let (file, _) = populated(&server, &dir).await;
    // Valid JSON with a fresh token, padded to 4 MiB: only its size is wrong.
    let mut text = json!({
        "access_token": "planted",
        "issued_at_ms": now_ms(),
        "expires_at_ms": now_ms() + DAY_MS,
    })
    .to_string();
    text.push_str(&" ".repeat(4 * 1024 * 1024));
    fs::write(&file, text).unwrap();
    refused(&server, &dir, "planted").await;
    fs::remove_dir_all(&dir).unwrap();
}

// the file's claims are bounded by what IMS could issue.

#[tokio::test(start_paused = true)]
async fn an_absurd_stored_lifetime_is_capped_to_what_ims_could_issue() {
    let server = server().await;
    let dir = scratch("lifetime");
    let (file, _) = populated(&server, &dir).await;
    let max_lifetime = TokenPolicy::default().max_lifetime;

    // Issued eight days ago, "valid" for a century: past the refresh
    // point of any lifetime IMS could have given (at most 7 days).
    let century_ms = 100 * 365 * DAY_MS;
    store(
        &file,
        "planted",
        now_ms() - 8 * DAY_MS,
        now_ms() + century_ms,
    );
    refused(&server, &dir, "planted").await;

    // Issued now for a century: served, but for at most 7 days.
    store(&file, "long-lived", now_ms(), now_ms() + century_ms);
    let manager = manager(&server, &dir);
    let token = manager.token().await.unwrap();
    assert_eq!(token.expose_secret(), "long-lived");
    let left = manager.expires_in().unwrap();
    assert!(left <= max_lifetime, "the token is kept for {left:?}");

    // Issued tomorrow: the dates are made up.
    store(&file, "future", now_ms() + DAY_MS, now_ms() + 2 * DAY_MS);
    refused(&server, &dir, "future").await;
    fs::remove_dir_all(&dir).unwrap();
}

// the lock wait is bounded.

#[tokio::test(start_paused = true)]
async fn a_lock_held_elsewhere_delays_the_load_only_until_the_deadline() {
    let server = server().await;
    let dir = scratch("held-lock");
    let (file, lock) = populated(&server, &dir).await;
    // Another process holds the lock and never lets go.
    let held = fs::OpenOptions::new().write(true).open(&lock).unwrap();
    held.lock().unwrap();
    // Should the wait not be bounded, the load would block for good; this
    // thread lets go after a while so that the test fails instead of hanging.
    let (done, release) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let _ = release.recv_timeout(Duration::from_secs(30));
        drop(held);
    });

    let deadline = TokenPolicy::default().load_deadline;
    let start = Instant::now();
    let token = manager(&server, &dir).token().await;
    let waited = start.elapsed();
    let _ = done.send(());
    holder.join().unwrap();

    let token = token.unwrap();
    assert!(waited > Duration::ZERO, "it waited for the lock");
    assert!(waited <= deadline, "{waited:?}");
    assert_eq!(token.expose_secret(), "token-2", "IMS, not the cache");
    assert_eq!(server.count(TOKEN_PATH), 2, "one IMS request");
    let stored: serde_json::Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        stored["access_token"], "token-1",
        "the cache was not touched"
    );
    fs::remove_dir_all(&dir).unwrap();
}

// a token Firefly rejected does not come back from disk.

#[tokio::test(start_paused = true)]
async fn a_token_firefly_rejected_is_not_taken_back_from_the_disk_cache() {
    let server = server().await;
    let dir = scratch("rejected");
    let (file, _) = populated(&server, &dir).await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes(SCOPES)
        .api_url(&server.url)
        .ims_url(&server.url)
        .token_policy(TokenPolicy::default().disk_cache(dir.to_path_buf()))
        .build()
        .unwrap();
    // token-1 comes from disk, Firefly answers 401, the replay carries a
    // token from exactly one new IMS request.
    firefly.job_status(&job(&server)).await.unwrap();
    assert_eq!(server.count(TOKEN_PATH), 2);
    assert_eq!(firefly.stats().replays_after_401, 1);
    let stored: serde_json::Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    assert_eq!(stored["access_token"], "token-2");
    // Other processes now share the new token.
    let other = manager(&server, &dir).token().await.unwrap();
    assert_eq!(other.expose_secret(), "token-2");
    assert_eq!(server.count(TOKEN_PATH), 2);
    fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_rejected_token_is_dropped_from_disk_even_when_the_lock_was_busy() {
    let server = server().await;
    let dir = scratch("rejected-busy");
    let (file, lock) = populated(&server, &dir).await;
    let manager = manager(&server, &dir);
    let first = manager.token().await.unwrap();
    assert_eq!(first.expose_secret(), "token-1");

    // Another process holds the lock when the rejection is reported, so the
    // file cannot be cleaned up right away.
    let held = fs::OpenOptions::new().write(true).open(&lock).unwrap();
    held.lock().unwrap();
    manager.invalidate(&first);
    assert!(file.exists());
    drop(held);

    let second = manager.token().await.unwrap();
    assert_eq!(second.expose_secret(), "token-2");
    assert_eq!(server.count(TOKEN_PATH), 2);
    fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(start_paused = true)]
async fn invalidating_a_token_removes_it_from_disk_for_other_processes() {
    let server = server().await;
    let dir = scratch("invalidate");
    let (file, _) = populated(&server, &dir).await;
    let manager = manager(&server, &dir);
    let first = manager.token().await.unwrap();
    manager.invalidate(&first);
    assert!(!file.exists(), "the rejected token is gone from disk");
    // A late report about an older token leaves the current one alone.
    let second = manager.token().await.unwrap();
    assert_eq!(second.expose_secret(), "token-2");
    manager.invalidate(&first);
    assert!(file.exists());
    fs::remove_dir_all(&dir).unwrap();
}
