//! Files the CLI writes into folders it does not own alone (an output
//! folder, a folder of manual pages), never through a link planted there.
//! A new file is made under an unpredictable name with `O_CREAT|O_EXCL`
//! (the `tempfile` crate), which never follows a link, and renamed into
//! place, which replaces a link instead of writing through it. A file that
//! is opened again (the batch journal) is opened with `O_NOFOLLOW` and must
//! be a regular file. The SDK's disk token cache follows the same rules
//! for its own files.

use std::{
    fs::{File, OpenOptions},
    io::{self, Write},
    path::{Path, PathBuf},
};

/// The folder `path` is in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A new, empty file beside `path`, under an unpredictable name that
/// starts with `.NAME.` and ends with `suffix`; removed when dropped
/// unless it was renamed.
pub fn temporary_beside(path: &Path, suffix: &str) -> io::Result<tempfile::NamedTempFile> {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(suffix)
        .tempfile_in(folder_of(path))
}

/// Writes `bytes` to a new temporary file beside `path`, flushed to disk,
/// then renames it to `path`: a reader sees the old file or the new one,
/// and a link planted at `path` is replaced, never written through.
pub fn replace_with(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let mut temporary = temporary_beside(path, ".tmp")?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(path.to_owned())
}

/// Opens `path` as `options` say, never through a symbolic link (where the
/// system can tell) and only if it is a regular file: a FIFO or a device
/// is refused without blocking.
pub fn open_regular(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|error| {
        if is_link_refusal(&error) {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a symbolic link, which is not followed",
            )
        } else {
            error
        }
    })?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file",
        ));
    }
    Ok(file)
}

/// Whether `O_NOFOLLOW` refused to open a link (Linux says ELOOP, the
/// BSDs EMLINK).
fn is_link_refusal(error: &io::Error) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_replaced_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let page = dir.path().join("index.html");
        std::os::unix::fs::symlink(&victim, &page).unwrap();
        replace_with(&page, b"new page").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(!std::fs::symlink_metadata(&page).unwrap().is_symlink());
        assert_eq!(std::fs::read(&page).unwrap(), b"new page");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2, "no temporary file is left");
    }

    #[cfg(unix)]
    #[test]
    fn links_fifos_and_folders_are_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let append = || {
            let mut options = OpenOptions::new();
            options.create(true).append(true);
            options
        };
        let refused = open_regular(&link, &mut append()).unwrap_err();
        assert!(refused.to_string().contains("symbolic link"), "{refused}");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        let refused = open_regular(&fifo, OpenOptions::new().read(true)).unwrap_err();
        assert!(refused.to_string().contains("regular file"), "{refused}");
        assert!(open_regular(dir.path(), OpenOptions::new().read(true)).is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        open_regular(&victim, &mut append()).unwrap();
    }
}
