//! `Firefly::upload_image_file` given paths that are not image files: a
//! directory, a FIFO, a socket, devices, the made-up files of `/proc` and
//! `/sys`, a file too large, a secret. Each is refused with an error naming
//! the path and nothing is sent; nothing blocks; no error repeats the
//! file's bytes. Real files, pipes and devices, against the emulator.
#![cfg(unix)]

mod common;

use std::{
    ffi::CString,
    fs::OpenOptions,
    io,
    os::unix::{ffi::OsStrExt, fs::OpenOptionsExt, net::UnixListener},
    path::{Path, PathBuf},
    time::Duration,
};

use adobe_firefly::{Error, Firefly, MAX_UPLOAD_BYTES};
use adobe_firefly_emulator::Emulator;
use common::EmulatorExt;

/// The longest any upload here may take; a refusal takes milliseconds.
const DEADLINE: Duration = Duration::from_secs(20);

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-but-signed";

async fn upload(firefly: &Firefly, path: &Path) -> Result<(), Error> {
    tokio::time::timeout(DEADLINE, firefly.upload_image_file(path))
        .await
        .unwrap_or_else(|_| panic!("uploading {} did not end in time", path.display()))
        .map(drop)
}

fn uploads(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|request| request.path == "/v2/storage/image")
        .count()
}

/// The refusal of a file that cannot be used at all: `Error::Io` for a
/// read, naming `path`, of this kind, saying `what`.
fn assert_refused(error: &Error, path: &Path, kind: io::ErrorKind, what: &str) {
    let Error::Io {
        path: Some(named),
        writing: false,
        source,
        ..
    } = error
    else {
        panic!("{}: {error:?}", path.display())
    };
    assert_eq!(named, path, "{error}");
    assert_eq!(source.kind(), kind, "{error}");
    let text = error.to_string();
    assert!(text.contains(what), "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
}

fn mkfifo(path: &Path) {
    let name = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `name` is a NUL-terminated path that outlives the call.
    let made = unsafe { libc::mkfifo(name.as_ptr(), 0o600) };
    assert_eq!(made, 0, "mkfifo: {}", io::Error::last_os_error());
}

/// Opens the FIFO for writing when dropped, which releases a reader
/// blocked in `open` (there is none when the fix holds: the open then
/// fails, harmlessly). Without it, a test that failed by timing out would
/// then hang while its runtime waits for the blocked thread.
struct ReleaseFifo(PathBuf);

impl Drop for ReleaseFifo {
    fn drop(&mut self) {
        let _ = OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&self.0);
    }
}

#[tokio::test]
async fn a_regular_image_file_is_uploaded() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cat.png");
    std::fs::write(&path, PNG).unwrap();
    upload(&firefly, &path).await.unwrap();
    // Through a link too: the check is of the file the link leads to.
    let link = dir.path().join("link.png");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    upload(&firefly, &link).await.unwrap();
    assert_eq!(uploads(&emulator), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_not_a_regular_file_is_refused_unread_and_nothing_blocks() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.png");
    mkfifo(&fifo);
    let _release = ReleaseFifo(fifo.clone());
    let socket = dir.path().join("socket.png");
    let _listener = UnixListener::bind(&socket).unwrap();
    let to_zero = dir.path().join("zero.png");
    std::os::unix::fs::symlink("/dev/zero", &to_zero).unwrap();
    let cases = [
        (dir.path().to_owned(), "a directory"),
        (fifo, "a FIFO (named pipe)"),
        (socket, "a socket"),
        ("/dev/zero".into(), "a character device"),
        ("/dev/null".into(), "a character device"),
        // The check is of what the link leads to, on the open handle.
        (to_zero, "a character device"),
    ];
    for (path, what) in cases {
        let error = upload(&firefly, &path).await.unwrap_err();
        assert_refused(
            &error,
            &path,
            io::ErrorKind::InvalidInput,
            &format!("it is {what}, not a regular file"),
        );
    }
    assert_eq!(uploads(&emulator), 0, "nothing was sent");
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn files_the_kernel_makes_up_are_refused() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    // Size 0 yet it has contents.
    let status = Path::new("/proc/self/status");
    let error = upload(&firefly, status).await.unwrap_err();
    assert_refused(
        &error,
        status,
        io::ErrorKind::InvalidData,
        "reports a size of 0 yet has contents",
    );
    // A page's size, and a few bytes in it.
    let address = Path::new("/sys/class/net/lo/address");
    let error = upload(&firefly, address).await.unwrap_err();
    assert_refused(
        &error,
        address,
        io::ErrorKind::InvalidData,
        "reports 4096 bytes but 18 could be read",
    );
    assert_eq!(uploads(&emulator), 0, "nothing was sent");
}

#[tokio::test]
async fn a_file_too_large_empty_or_not_an_image_is_refused_naming_it() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let large = dir.path().join("large.png");
    // Sparse: refused from its size, so none of it is read.
    std::fs::File::create(&large)
        .unwrap()
        .set_len(MAX_UPLOAD_BYTES + 1)
        .unwrap();
    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.path().join("notes.png");
    std::fs::write(&text, b"just some text").unwrap();
    for (path, problem) in [
        (&large, format!("is {} bytes", MAX_UPLOAD_BYTES + 1)),
        (&empty, "is empty".to_owned()),
        (
            &text,
            "is not a JPEG, PNG, WebP, JPEG XL or TIFF image".to_owned(),
        ),
    ] {
        let error = upload(&firefly, path).await.unwrap_err();
        let Error::Validation(refused) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(refused.field(), "image");
        assert!(refused.problem().starts_with(&problem), "{error}");
        assert!(
            refused
                .problem()
                .ends_with(&format!("(file {})", path.display())),
            "{error}"
        );
    }
    assert_eq!(uploads(&emulator), 0, "nothing was sent");
}

/// "Not an image" says what was expected, never what the file starts
/// with: the start of `/etc/shadow` is part of a secret.
#[tokio::test]
async fn a_refusal_never_repeats_the_files_bytes() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("shadow");
    std::fs::write(
        &secret,
        b"root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n",
    )
    .unwrap();
    let in_memory = firefly
        .upload_image(std::fs::read(&secret).unwrap())
        .await
        .unwrap_err();
    let from_file = upload(&firefly, &secret).await.unwrap_err();
    for error in [in_memory, from_file] {
        let text = format!("{error} {error:?}");
        assert!(text.contains("is not a JPEG, PNG, WebP"), "{text}");
        for leaked in ["root", "72 6f 6f 74", "726f6f74", "saltsalt", "starts with"] {
            assert!(!text.contains(leaked), "{leaked}: {text}");
        }
    }
    assert_eq!(uploads(&emulator), 0, "nothing was sent");
}
