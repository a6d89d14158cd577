//! The optional cross-process token cache: processes sharing a directory
//! share one token instead of each asking IMS.
//!
//! A token on disk is a secret at rest, so the cache is off by default. When
//! on: the file is written as a new file with mode 0600 from the moment it is
//! created, synced, then renamed into place, so readers see the old file or
//! the new one, never a partial one; an advisory lock spans read, mint and
//! write; an unreadable, foreign or expired file is a miss; the client secret
//! is never written.

use std::{
    fs::{self, File, OpenOptions},
    io::Write,
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use serde::{Deserialize, Serialize};

/// The cache file of one (IMS URL, client id, scopes).
pub(crate) struct DiskCache {
    file: PathBuf,
    lock: PathBuf,
}

/// What is stored: the token and its wall-clock lifetime, nothing else.
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredToken {
    pub(crate) access_token: String,
    pub(crate) issued_at_ms: u64,
    pub(crate) expires_at_ms: u64,
}

impl StoredToken {
    pub(crate) fn new(access_token: &str, issued: SystemTime, lifetime: Duration) -> Self {
        let issued_at_ms = unix_ms(issued);
        Self {
            access_token: access_token.to_owned(),
            issued_at_ms,
            expires_at_ms: issued_at_ms.saturating_add(lifetime.as_millis() as u64),
        }
    }

    /// (lifetime, age) as of now, or `None` if the clock makes no sense.
    pub(crate) fn lifetime_and_age(&self) -> Option<(Duration, Duration)> {
        let now = unix_ms(SystemTime::now());
        let lifetime = self.expires_at_ms.checked_sub(self.issued_at_ms)?;
        let age = now.checked_sub(self.issued_at_ms)?;
        Some((Duration::from_millis(lifetime), Duration::from_millis(age)))
    }
}

impl DiskCache {
    pub(crate) fn new(dir: &Path, ims_url: &str, client_id: &str, scope: &str) -> Self {
        let key = crate::fingerprint::fnv1a(&[
            ims_url.as_bytes(),
            client_id.as_bytes(),
            scope.as_bytes(),
        ]);
        let name = format!("adobe-firefly-token-{key:016x}");
        Self {
            file: dir.join(format!("{name}.json")),
            lock: dir.join(format!("{name}.lock")),
        }
    }

    /// Takes the advisory lock; held until the returned file is dropped.
    pub(crate) async fn lock(&self) -> std::io::Result<File> {
        let path = self.lock.clone();
        tokio::task::spawn_blocking(move || {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            let file = private_options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?;
            file.lock()?;
            Ok(file)
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// The stored token, or `None` for a missing or unreadable file.
    pub(crate) fn read(&self) -> Option<StoredToken> {
        let text = fs::read(&self.file).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Replaces the stored token atomically.
    pub(crate) fn write(&self, token: &StoredToken) -> std::io::Result<()> {
        let dir = self.file.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let temporary = dir.join(format!(
            ".{}.{}.{:016x}.tmp",
            self.file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("token"),
            std::process::id(),
            fastrand::u64(..)
        ));
        let written = (|| {
            let mut file = private_options()
                .write(true)
                .create_new(true)
                .open(&temporary)?;
            file.write_all(&serde_json::to_vec(token).map_err(std::io::Error::other)?)?;
            file.sync_all()?;
            fs::rename(&temporary, &self.file)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written
    }

    #[cfg(test)]
    pub(crate) fn path(&self) -> &Path {
        &self.file
    }
}

/// Open options that create files readable and writable by the owner only,
/// from the moment they exist.
fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

fn unix_ms(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("firefly-disk-cache-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_token_round_trips_and_nothing_else_is_stored() {
        let dir = scratch("roundtrip");
        let cache = DiskCache::new(&dir, "https://ims", "client", "openid");
        assert!(cache.read().is_none());
        cache
            .write(&StoredToken::new(
                "the-token",
                SystemTime::now(),
                Duration::from_secs(3600),
            ))
            .unwrap();
        let stored = cache.read().unwrap();
        assert_eq!(stored.access_token, "the-token");
        let (lifetime, age) = stored.lifetime_and_age().unwrap();
        assert_eq!(lifetime, Duration::from_secs(3600));
        assert!(age < Duration::from_secs(5));
        let text = fs::read_to_string(cache.path()).unwrap();
        let fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).unwrap();
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
    fn files_are_private_from_creation() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("mode");
        let cache = DiskCache::new(&dir, "https://ims", "client", "openid");
        cache
            .write(&StoredToken::new(
                "t",
                SystemTime::now(),
                Duration::from_secs(60),
            ))
            .unwrap();
        assert_eq!(
            fs::metadata(cache.path()).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // The options themselves carry the mode, so no instant exists where
        // the file is readable by others.
        let probe = dir.join("probe");
        private_options()
            .write(true)
            .create_new(true)
            .open(&probe)
            .unwrap();
        assert_eq!(
            fs::metadata(&probe).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_crash_before_the_rename_leaves_the_old_file() {
        let dir = scratch("crash");
        let cache = DiskCache::new(&dir, "https://ims", "client", "openid");
        cache
            .write(&StoredToken::new(
                "old",
                SystemTime::now(),
                Duration::from_secs(60),
            ))
            .unwrap();
        // What a writer killed between write and rename leaves behind.
        fs::write(
            dir.join(".adobe-firefly-token.123.abc.tmp"),
            b"{\"access_tok",
        )
        .unwrap();
        assert_eq!(cache.read().unwrap().access_token, "old");
        // A file torn some other way is a miss, not an error.
        fs::write(cache.path(), b"{\"access_tok").unwrap();
        assert!(cache.read().is_none());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn different_credentials_use_different_files() {
        let dir = scratch("keys");
        let a = DiskCache::new(&dir, "https://ims", "client", "openid,firefly_api");
        let b = DiskCache::new(&dir, "https://ims", "client", "openid");
        assert_ne!(a.path(), b.path());
    }
}
