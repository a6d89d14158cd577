//! The optional cross-process token cache: processes sharing a directory
//! share one token instead of each asking IMS.
//!
//! A token on disk is a secret at rest, so the cache is off by default. When
//! on: the file is written as a new file with mode 0600 from the moment it is
//! created, synced, then renamed into place, so readers see the old file or
//! the new one, never a partial one; an advisory lock spans read, mint and
//! write; an unreadable, torn or expired file is a miss; the client secret
//! is never written.
//!
//! The directory is shared with whatever else runs on the machine, so
//! nothing in it is trusted on sight: a directory or file owned by another
//! user or writable by others is refused (another user could plant a token
//! of their choosing, or read ours), symbolic links are never followed (they
//! could point the SDK's reads and writes at any file the user can reach),
//! and reads stop at [`MAX_CACHE_FILE`] bytes (a cache file linked to
//! `/dev/zero` or grown huge must not be read whole). A refused cache is
//! reported once per load and the token comes from IMS instead.

use std::{
    fs::{self, File, OpenOptions},
    io::{Read, Write},
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use serde::{Deserialize, Serialize};

/// The largest cache file read. A stored token is a few KiB at most.
pub(crate) const MAX_CACHE_FILE: u64 = 64 * 1024;

/// The cache file of one (IMS URL, client id, scopes).
pub(crate) struct DiskCache {
    dir: PathBuf,
    file: PathBuf,
    lock: PathBuf,
}

/// Why the cache is not used for this load.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CacheError {
    /// A path that another user could have planted or can tamper with.
    #[error("{} is {reason}, so it is not trusted", path.display())]
    Untrusted {
        /// The directory or file refused.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Another process held the lock for the whole wait.
    #[error("{} is still locked by another process after {waited:?}", path.display())]
    LockBusy {
        /// The lock file.
        path: PathBuf,
        /// How long this load waited.
        waited: Duration,
    },
    /// The file system refused an operation.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path operated on.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

impl CacheError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| {
            if is_symlink_refusal(&source) {
                Self::Untrusted {
                    path: path.to_owned(),
                    reason: "a symbolic link",
                }
            } else {
                Self::Io {
                    path: path.to_owned(),
                    source,
                }
            }
        }
    }
}

/// The advisory lock on one cache entry; released when dropped.
pub(crate) struct CacheLock {
    _file: File,
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
            expires_at_ms: issued_at_ms
                .saturating_add(u64::try_from(lifetime.as_millis()).unwrap_or(u64::MAX)),
        }
    }

    /// (lifetime, age) as of now, as the file claims them (capped by the
    /// store, see `store::adopt`), or `None` when they make no sense: issued
    /// in the future or expiring before it was issued.
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
            dir: dir.to_owned(),
            file: dir.join(format!("{name}.json")),
            lock: dir.join(format!("{name}.lock")),
        }
    }

    /// Why a load gave up on the lock another process held for `waited`.
    pub(crate) fn busy(&self, waited: Duration) -> CacheError {
        CacheError::LockBusy {
            path: self.lock.clone(),
            waited,
        }
    }

    /// The lock, if no other process holds it right now; `Ok(None)` if one
    /// does. Creates the directory (mode 0700) if needed and checks that it
    /// can be trusted. Never blocks: a load that waits polls this (see
    /// `store.rs`), so the wait can end at the load's deadline and keeps
    /// the runtime's threads free.
    pub(crate) fn try_lock(&self) -> Result<Option<CacheLock>, CacheError> {
        let file = self.open_lock()?;
        match file.try_lock() {
            Ok(()) => Ok(Some(CacheLock { _file: file })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(source)) => Err(CacheError::io(&self.lock)(source)),
        }
    }

    fn open_lock(&self) -> Result<File, CacheError> {
        self.trusted_dir(true)?;
        let file = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.lock)
            .map_err(CacheError::io(&self.lock))?;
        // Empty and never read, so only tampering matters, not reading.
        check_owned(&file, &self.lock, LOCK_FORBIDDEN_MODE)?;
        Ok(file)
    }

    /// The stored token; `Ok(None)` for a missing or torn file.
    pub(crate) fn read(&self, _lock: &CacheLock) -> Result<Option<StoredToken>, CacheError> {
        self.trusted_dir(false)?;
        let file = match private_options().read(true).open(&self.file) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(CacheError::io(&self.file)(error)),
        };
        let metadata = check_owned(&file, &self.file, FILE_FORBIDDEN_MODE)?;
        if metadata.len() > MAX_CACHE_FILE {
            return Err(self.too_large());
        }
        // The length was checked, but the file may grow between the check
        // and the read: the read itself is bounded too.
        let mut text = Vec::new();
        file.take(MAX_CACHE_FILE + 1)
            .read_to_end(&mut text)
            .map_err(CacheError::io(&self.file))?;
        if text.len() as u64 > MAX_CACHE_FILE {
            return Err(self.too_large());
        }
        Ok(serde_json::from_slice(&text).ok())
    }

    fn too_large(&self) -> CacheError {
        CacheError::Untrusted {
            path: self.file.clone(),
            reason: "larger than a token file can be",
        }
    }

    /// Replaces the stored token atomically.
    pub(crate) fn write(&self, _lock: &CacheLock, token: &StoredToken) -> Result<(), CacheError> {
        self.trusted_dir(false)?;
        let temporary = self.dir.join(format!(
            ".{}.{}.{:016x}.tmp",
            self.file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("token"),
            std::process::id(),
            fastrand::u64(..)
        ));
        let written = (|| {
            // `create_new` never opens an existing file or follows a link
            // planted under the temporary name.
            let mut file = private_options()
                .write(true)
                .create_new(true)
                .open(&temporary)?;
            file.write_all(&serde_json::to_vec(token).map_err(std::io::Error::other)?)?;
            file.sync_all()?;
            // Renaming replaces whatever is at the destination, a planted
            // link included, without following it.
            fs::rename(&temporary, &self.file)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written.map_err(CacheError::io(&self.file))
    }

    /// Deletes the stored token if it is `token`, so no process picks up a
    /// token that Firefly rejected; a different token (already a
    /// replacement) stays. Returns whether a file was removed.
    pub(crate) fn remove_if(&self, lock: &CacheLock, token: &str) -> Result<bool, CacheError> {
        match self.read(lock)? {
            Some(stored) if stored.access_token == token => {
                fs::remove_file(&self.file).map_err(CacheError::io(&self.file))?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Checks the directory (creating it, private, when `create` and it is
    /// missing): a real directory of this user that no one else can write.
    fn trusted_dir(&self, create: bool) -> Result<(), CacheError> {
        let untrusted = |reason| CacheError::Untrusted {
            path: self.dir.clone(),
            reason,
        };
        let metadata = match fs::symlink_metadata(&self.dir) {
            Err(error) if create && error.kind() == std::io::ErrorKind::NotFound => {
                private_dir_builder()
                    .create(&self.dir)
                    .map_err(CacheError::io(&self.dir))?;
                fs::symlink_metadata(&self.dir).map_err(CacheError::io(&self.dir))?
            }
            other => other.map_err(CacheError::io(&self.dir))?,
        };
        if metadata.file_type().is_symlink() {
            return Err(untrusted("a symbolic link"));
        }
        if !metadata.is_dir() {
            return Err(untrusted("not a directory"));
        }
        check_mode(&metadata, &self.dir, DIR_FORBIDDEN_MODE)
    }

    #[cfg(test)]
    pub(crate) fn path(&self) -> &Path {
        &self.file
    }
}

/// Permission bits that make the directory untrusted: others could replace
/// its files.
const DIR_FORBIDDEN_MODE: u32 = 0o022;
/// Permission bits that make the lock file untrusted.
const LOCK_FORBIDDEN_MODE: u32 = 0o022;
/// Permission bits that make a token file untrusted: the SDK writes 0600, so
/// any other bit means someone else wrote it or could have read it.
const FILE_FORBIDDEN_MODE: u32 = 0o077;

/// The open file's metadata, if it is a regular file of this user without
/// any of the `forbidden` permission bits. Checked on the open descriptor,
/// so the answer is about the file that will be read, not about whatever the
/// path names a moment later.
fn check_owned(file: &File, path: &Path, forbidden: u32) -> Result<fs::Metadata, CacheError> {
    let metadata = file.metadata().map_err(CacheError::io(path))?;
    if !metadata.is_file() {
        return Err(CacheError::Untrusted {
            path: path.to_owned(),
            reason: "not a regular file",
        });
    }
    check_mode(&metadata, path, forbidden)?;
    Ok(metadata)
}

#[cfg(unix)]
fn check_mode(metadata: &fs::Metadata, path: &Path, forbidden: u32) -> Result<(), CacheError> {
    use std::os::unix::fs::MetadataExt;
    let untrusted = |reason| {
        Err(CacheError::Untrusted {
            path: path.to_owned(),
            reason,
        })
    };
    if metadata.uid() != current_uid() {
        return untrusted("owned by another user");
    }
    if metadata.mode() & forbidden & 0o022 != 0 {
        return untrusted("writable by group or others");
    }
    if metadata.mode() & forbidden != 0 {
        return untrusted("open to group or others");
    }
    Ok(())
}

/// Windows has no mode bits; ACLs decide there.
#[cfg(not(unix))]
fn check_mode(_metadata: &fs::Metadata, _path: &Path, _forbidden: u32) -> Result<(), CacheError> {
    Ok(())
}

/// The effective user id, the owner of every file this process creates.
#[cfg(unix)]
fn current_uid() -> u32 {
    // SAFETY: geteuid takes no arguments, touches no memory and cannot fail.
    unsafe { libc::geteuid() }
}

/// Whether an open failed because the path is a symbolic link and
/// `O_NOFOLLOW` refused it (Linux says ELOOP, the BSDs EMLINK).
fn is_symlink_refusal(error: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(error.raw_os_error(), Some(libc::ELOOP | libc::EMLINK))
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

/// Open options that never follow a symbolic link in the last component,
/// do not block on a FIFO, and create files readable and writable by the
/// owner only, from the moment they exist.
fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options
}

/// Creates missing directories with mode 0700.
fn private_dir_builder() -> fs::DirBuilder {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
}

fn unix_ms(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
#[path = "disk_cache_tests.rs"]
mod tests;
