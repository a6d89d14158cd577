//! Reading an image file to upload, whatever the path names. The file is
//! opened once and every check is made on the open handle, so a path
//! swapped for something else between two checks cannot slip through:
//!
//! - it is opened non-blocking, so a FIFO with no writer (or a terminal)
//!   cannot hang the caller before its type is known;
//! - only a regular file is read: a directory, a FIFO, a socket or a
//!   device (`/dev/zero`, `/dev/stdin` on a pipe) is refused, unread;
//! - at most the upload limit plus one byte is read, whatever the file
//!   claims, and a file whose reported size is not what could be read is
//!   refused: files the kernel makes up as they are read (`/proc`, `/sys`)
//!   report a size of 0 or of one page, and a file that changes while it
//!   is read is not the image that was meant.
//!
//! No error repeats the file's bytes: an agent naming `/etc/shadow` learns
//! only that it is not an image.

use std::{
    fs::{File, Metadata},
    io::{self, Read},
    path::Path,
};

use super::{ImageFormat, MAX_UPLOAD_BYTES};
use crate::{Error, ValidationError};

/// The image at `path` and its format, read as the module says; blocking.
pub(super) fn read(path: &Path) -> Result<(Vec<u8>, ImageFormat), Error> {
    let file = open(path).map_err(|error| explain_open_failure(path, error))?;
    let metadata = file
        .metadata()
        .map_err(|error| Error::read_failed(Some(path), error))?;
    if !metadata.is_file() {
        return Err(not_readable(
            path,
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", describe(&metadata)),
        ));
    }
    let reported = metadata.len();
    if reported > MAX_UPLOAD_BYTES {
        // Refused from its size alone: nothing is read.
        return Err(invalid(path, super::too_large(Some(reported))));
    }
    let image =
        read_capped(&file, reported).map_err(|error| Error::read_failed(Some(path), error))?;
    let read = image.len() as u64;
    if read > MAX_UPLOAD_BYTES {
        return Err(invalid(path, super::too_large(None)));
    }
    if read != reported {
        let problem = if reported == 0 {
            "it reports a size of 0 yet has contents: the system makes it up as it is read \
             (as files under /proc are), so it is not an image file"
                .to_owned()
        } else {
            format!(
                "it reports {reported} bytes but {read} could be read: it changed while it was \
                 read, or the system makes it up as it is read (as files under /sys are)"
            )
        };
        return Err(not_readable(path, io::ErrorKind::InvalidData, problem));
    }
    if image.is_empty() {
        return Err(invalid(path, "is empty".to_owned()));
    }
    let format =
        ImageFormat::detect(&image).ok_or_else(|| invalid(path, super::NOT_AN_IMAGE.to_owned()))?;
    Ok((image, format))
}

/// At most the upload limit plus one byte of `source` (enough to tell a
/// file over the limit), whatever size it `reported`: the made-up files of
/// `/proc` report 0 and can read on for gigabytes.
fn read_capped(source: impl Read, reported: u64) -> io::Result<Vec<u8>> {
    // `reported` is at most the limit here, so the capacity is too.
    let mut image = Vec::with_capacity(reported.min(MAX_UPLOAD_BYTES) as usize + 1);
    source.take(MAX_UPLOAD_BYTES + 1).read_to_end(&mut image)?;
    Ok(image)
}

#[cfg(unix)]
fn open(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer,
    // forever if none comes. O_NOCTTY: a terminal named as the image does
    // not become the process's controlling terminal.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// A failed open, explained when the path names something that is not a
/// regular file (opening a Unix socket fails with "No such device or
/// address", which says nothing useful).
fn explain_open_failure(path: &Path, error: io::Error) -> Error {
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => not_readable(
            path,
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", describe(&metadata)),
        ),
        _ => Error::read_failed(Some(path), error),
    }
}

/// What a file that is not a regular file is, with its article.
fn describe(metadata: &Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    "something other than a file"
}

/// The file cannot be used as an image file at all: [`Error::Io`] naming
/// it, as a failed read would.
fn not_readable(path: &Path, kind: io::ErrorKind, problem: String) -> Error {
    Error::read_failed(Some(path), io::Error::new(kind, problem))
}

/// The file was read and is not an image Firefly takes: the request's
/// `image` is invalid, and the message names the file.
fn invalid(path: &Path, problem: String) -> Error {
    ValidationError::new("image", format!("{problem} (file {})", path.display())).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the bytes taken from its source.
    struct Counting<R> {
        source: R,
        taken: u64,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.source.read(buf)?;
            self.taken += n as u64;
            Ok(n)
        }
    }

    #[test]
    fn a_source_longer_than_it_says_is_read_to_the_limit_and_one_byte() {
        // 100 MiB behind a reported size of 0, as a /proc file may be.
        let mut source = Counting {
            source: io::repeat(7).take(100 * 1024 * 1024),
            taken: 0,
        };
        let image = read_capped(&mut source, 0).unwrap();
        assert_eq!(image.len() as u64, MAX_UPLOAD_BYTES + 1);
        assert_eq!(source.taken, MAX_UPLOAD_BYTES + 1);
    }

    #[test]
    fn a_source_within_the_limit_is_read_whole() {
        let image = read_capped(&b"\x89PNG\r\n\x1a\n"[..], 8).unwrap();
        assert_eq!(image, b"\x89PNG\r\n\x1a\n");
    }
}
