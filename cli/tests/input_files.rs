//! Input images that are not image files, given to the built `firefly`
//! (`upload`, an image command) and to `firefly mcp` (`upload_image`, an
//! image tool): a FIFO, a socket, devices, a directory, a `/proc` file, a
//! secret. Each is refused naming the path, before anything is sent, and
//! nothing blocks: every run and call has a deadline.
#![cfg(unix)]

mod common;
mod mcp_support;

use std::{
    os::unix::net::UnixListener,
    path::{Path, PathBuf},
    process::{Command, Output},
    time::Duration,
};

use adobe_firefly_emulator::Emulator;
use common::firefly;
use mcp_support::{is_error, serve, text};
use serde_json::{Value, json};

/// The longest a run of the CLI may take here; a refusal takes
/// milliseconds.
const DEADLINE: Duration = Duration::from_secs(20);

const PNG: &[u8] = b"\x89PNG\r\n\x1a\ninput";

/// Runs `command` with stdin closed; the child is killed at the deadline
/// and the test fails.
async fn run_within_deadline(command: Command) -> Output {
    let mut command = tokio::process::Command::from(command);
    command
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    tokio::time::timeout(DEADLINE, command.output())
        .await
        .expect("firefly ends within the deadline")
        .unwrap()
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

fn uploads(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|request| request.path == "/v2/storage/image")
        .count()
}

/// Paths that are not regular files, and what the refusal calls each.
struct NotFiles {
    dir: tempfile::TempDir,
    _socket: UnixListener,
}

impl NotFiles {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        mkfifo(&dir.path().join("pipe.png"));
        let socket = UnixListener::bind(dir.path().join("socket.png")).unwrap();
        Self {
            dir,
            _socket: socket,
        }
    }

    fn fifo(&self) -> PathBuf {
        self.dir.path().join("pipe.png")
    }

    fn cases(&self) -> Vec<(PathBuf, &'static str)> {
        vec![
            (self.fifo(), "it is a FIFO (named pipe), not a regular file"),
            (
                self.dir.path().join("socket.png"),
                "it is a socket, not a regular file",
            ),
            (
                "/dev/zero".into(),
                "it is a character device, not a regular file",
            ),
            (
                "/dev/null".into(),
                "it is a character device, not a regular file",
            ),
            (
                self.dir.path().to_owned(),
                "it is a directory, not a regular file",
            ),
            (
                "/proc/self/status".into(),
                "it reports a size of 0 yet has contents",
            ),
        ]
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_refuses_what_is_not_a_regular_file_naming_it() {
    let emulator = Emulator::start().await.unwrap();
    let not_files = NotFiles::new();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().to_str().unwrap();
    for (path, what) in not_files.cases() {
        let expand = vec!["image", "expand", "--size", "64x64", "-o", out, "--image"];
        for args in [vec!["image", "upload"], expand] {
            let mut command = firefly(&emulator);
            command.args(&args).arg(&path);
            let output = run_within_deadline(command).await;
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?} {path:?}: {stderr}");
            let expected = format!("cannot read the input file {}: {what}", path.display());
            assert!(stderr.contains(&expected), "{args:?}: {stderr}");
        }
    }
    let mut command = firefly(&emulator);
    command
        .args(["--json", "image", "upload"])
        .arg(not_files.fifo());
    let output = run_within_deadline(command).await;
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["error"]["kind"], "input_file", "{document}");
    assert_eq!(uploads(&emulator), 0, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_uploads_a_regular_file_and_never_repeats_a_refused_ones_bytes() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("input.png");
    std::fs::write(&image, PNG).unwrap();
    let mut command = firefly(&emulator);
    command.args(["--json", "image", "upload"]).arg(&image);
    let output = run_within_deadline(command).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(uploads(&emulator), 1);

    let secret = dir.path().join("shadow");
    std::fs::write(&secret, b"root:$6$saltsalt$hash:19000:0:99999:7:::\n").unwrap();
    let mut command = firefly(&emulator);
    command.args(["image", "upload"]).arg(&secret);
    let output = run_within_deadline(command).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is not a JPEG, PNG, WebP, JPEG XL or TIFF image"),
        "{stderr}"
    );
    assert!(stderr.contains(&secret.display().to_string()), "{stderr}");
    for leaked in ["root", "72 6f 6f 74", "saltsalt"] {
        assert!(!stderr.contains(leaked), "{leaked}: {stderr}");
    }
    assert_eq!(uploads(&emulator), 1, "the secret was not sent");
}

/// An agent naming FIFOs again and again gets an answer each time, and
/// the server still answers an honest call after them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_refuses_what_is_not_a_regular_file_and_keeps_answering() {
    let emulator = Emulator::start().await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let not_files = NotFiles::new();
    let server = serve(&emulator, out.path(), true).await;
    for (path, what) in not_files.cases() {
        let calls = [
            ("upload_image", json!({"path": path})),
            (
                "expand_image",
                json!({"image": path, "size": {"width": 64, "height": 64}}),
            ),
        ];
        for (tool, arguments) in calls {
            let result = server.call(tool, arguments).await;
            let message = text(&result);
            assert!(is_error(&result), "{tool} {path:?}: {message}");
            let expected = format!("cannot read the input file {}: {what}", path.display());
            assert!(message.contains(&expected), "{tool}: {message}");
        }
    }
    for _ in 0..40 {
        let result = server
            .call("upload_image", json!({"path": not_files.fifo()}))
            .await;
        assert!(is_error(&result), "{}", text(&result));
    }
    assert_eq!(uploads(&emulator), 0, "nothing was sent");

    let image = out.path().join("input.png");
    std::fs::write(&image, PNG).unwrap();
    let result = server.call("upload_image", json!({"path": image})).await;
    assert!(!is_error(&result), "{}", text(&result));
    assert_eq!(uploads(&emulator), 1);
    server.close().await;
}
