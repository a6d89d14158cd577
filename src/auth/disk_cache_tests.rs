use super::*;

/// A folder for one test's cache, not yet made (the cache makes it), in a
/// temporary directory removed when the first value is dropped.
fn scratch(name: &str) -> (tempfile::TempDir, PathBuf) {
    let parent = tempfile::Builder::new()
        .prefix(&format!("firefly-disk-cache-{name}-"))
        .tempdir()
        .unwrap();
    let dir = parent.path().join("cache");
    (parent, dir)
}

fn locked(cache: &DiskCache) -> CacheLock {
    cache
        .try_lock()
        .unwrap()
        .expect("nobody else holds the lock")
}

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn a_token_round_trips_and_nothing_else_is_stored() {
    let (_parent, dir) = scratch("roundtrip");
    let cache = DiskCache::new(&dir, "https://ims", "client", "openid");
    let lock = locked(&cache);
    assert!(cache.read(&lock).unwrap().is_none());
    cache
        .write(
            &lock,
            &StoredToken::new("the-token", SystemTime::now(), HOUR),
        )
        .unwrap();
    let stored = cache.read(&lock).unwrap().unwrap();
    assert_eq!(stored.access_token, "the-token");
    let (lifetime, age) = stored.lifetime_and_age().unwrap();
    assert_eq!(lifetime, HOUR);
    assert!(age < Duration::from_secs(5));
    let text = fs::read_to_string(cache.path()).unwrap();
    let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut keys: Vec<_> = fields.keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["access_token", "expires_at_ms", "issued_at_ms"]);
    let leftovers = fs::read_dir(&dir).unwrap().filter(|e| {
        e.as_ref()
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")
    });
    assert_eq!(leftovers.count(), 0);
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn files_and_the_directory_are_private_from_creation() {
    use std::os::unix::fs::PermissionsExt;
    let (_parent, dir) = scratch("mode");
    let cache = DiskCache::new(&dir, "https://ims", "client", "openid");
    let lock = locked(&cache);
    cache
        .write(&lock, &StoredToken::new("t", SystemTime::now(), HOUR))
        .unwrap();
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(cache.path()), 0o600);
    assert_eq!(mode(&dir), 0o700);
    // The options themselves carry the mode, so no instant exists where
    // the file is readable by others.
    let probe = dir.join("probe");
    private_options()
        .write(true)
        .create_new(true)
        .open(&probe)
        .unwrap();
    assert_eq!(mode(&probe), 0o600);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_crash_before_the_rename_leaves_the_old_file() {
    let (_parent, dir) = scratch("crash");
    let cache = DiskCache::new(&dir, "https://ims", "client", "openid");
    let lock = locked(&cache);
    cache
        .write(&lock, &StoredToken::new("old", SystemTime::now(), HOUR))
        .unwrap();
    // What a writer killed between write and rename leaves behind.
    fs::write(
        dir.join(".adobe-firefly-token.123.abc.tmp"),
        b"{\"access_tok",
    )
    .unwrap();
    assert_eq!(cache.read(&lock).unwrap().unwrap().access_token, "old");
    // A file torn some other way is a miss, not an error.
    cache
        .write(&lock, &StoredToken::new("", SystemTime::now(), HOUR))
        .unwrap();
    let mut torn = private_options()
        .write(true)
        .truncate(true)
        .open(cache.path())
        .unwrap();
    torn.write_all(b"{\"access_tok").unwrap();
    assert!(cache.read(&lock).unwrap().is_none());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn different_credentials_use_different_files() {
    let (_parent, dir) = scratch("keys");
    let a = DiskCache::new(&dir, "https://ims", "client", "openid,firefly_api");
    let b = DiskCache::new(&dir, "https://ims", "client", "openid");
    assert_ne!(a.path(), b.path());
}

#[test]
fn only_the_rejected_token_is_removed() {
    let (_parent, dir) = scratch("remove");
    let cache = DiskCache::new(&dir, "https://ims", "client", "openid");
    let lock = locked(&cache);
    cache
        .write(&lock, &StoredToken::new("current", SystemTime::now(), HOUR))
        .unwrap();
    assert!(!cache.remove_if(&lock, "older").unwrap());
    assert_eq!(cache.read(&lock).unwrap().unwrap().access_token, "current");
    assert!(cache.remove_if(&lock, "current").unwrap());
    assert!(cache.read(&lock).unwrap().is_none());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stored_lifetime_is_read_and_a_future_issue_date_is_refused() {
    let now = SystemTime::now();
    let (lifetime, age) = StoredToken::new("t", now, HOUR).lifetime_and_age().unwrap();
    assert_eq!(lifetime, HOUR);
    assert!(age < HOUR);
    let future = StoredToken::new("t", now + HOUR, HOUR);
    assert!(future.lifetime_and_age().is_none());
}

#[test]
fn a_second_lock_on_the_same_entry_is_refused_while_the_first_is_held() {
    let (_parent, dir) = scratch("try-lock");
    let cache = DiskCache::new(&dir, "https://ims", "client", "openid");
    let first = locked(&cache);
    assert!(cache.try_lock().unwrap().is_none());
    drop(first);
    assert!(cache.try_lock().unwrap().is_some());
    fs::remove_dir_all(&dir).unwrap();
}
