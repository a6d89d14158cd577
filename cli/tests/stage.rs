//! `firefly photoshop ... --stage s3://BUCKET/PREFIX` (feature `storage`):
//! local input files uploaded to the user's storage and given to Photoshop
//! as pre-signed GET URLs.
//!
//! Refusals come before anything is uploaded or sent, checked with a
//! recording storage server on 127.0.0.1 as the S3 endpoint and the
//! emulator as Adobe: a stage URL without a bucket, no credentials, an
//! input that is not a regular file, a staged URL on a host Photoshop does
//! not accept (the emulator's loopback exception does not cover a remote
//! Photoshop URL).
//!
//! End to end, `#[ignore]`d (run by `.ci/run` with the s3s-fs server it
//! starts, which verifies SigV4 signatures): the file is put into S3, the
//! emulator reads it through the pre-signed URL, and the output is
//! downloaded. `.ci/run` sets `FIREFLY_TEST_S3_ENDPOINT`,
//! `FIREFLY_TEST_S3_ACCESS_KEY`, `FIREFLY_TEST_S3_SECRET_KEY` and
//! `FIREFLY_TEST_S3_BUCKET`.

mod common;
mod storage;

use std::{
    io::Cursor,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use adobe_firefly_emulator::Emulator;
use common::*;
use serde_json::Value;
use storage::Storage;

/// A real PNG of the given size.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(width, height, image::Rgb([200, 90, 40]))
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

/// `firefly` against the emulator with no storage settings of the
/// machine's: only those a test gives.
fn firefly_clean(emulator: &Emulator) -> Command {
    let mut command = firefly(emulator);
    for (name, _) in std::env::vars() {
        if ["AWS_", "AZURE_", "GOOGLE_"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
        {
            command.env_remove(name);
        }
    }
    command
}

/// S3 settings pointing at `endpoint`, with credentials.
fn with_s3(command: &mut Command, endpoint: &str) {
    command
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ALLOW_HTTP", "true")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test-key")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret");
}

/// A scratch folder with a local PNG in it.
fn local_png() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo.png");
    std::fs::write(&path, png(20, 10)).unwrap();
    (dir, path)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `photoshop edit --input FILE` with `extra` arguments, as JSON.
async fn edit(mut command: Command, input: &Path, extra: &[&str], dir: &Path) -> Output {
    command
        .args(["--json", "photoshop", "edit", "--input"])
        .arg(input)
        .args(extra)
        .arg("-o")
        .arg(dir);
    run(command).await
}

/// The error document of a failed run.
fn error(output: &Output) -> Value {
    json(output)["error"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stage_url_without_a_bucket_or_of_another_kind_is_refused() {
    let emulator = Emulator::start().await.unwrap();
    let (dir, input) = local_png();
    for (stage, says) in [
        ("s3:///prefix", "names no bucket"),
        ("s3://", "names no bucket"),
        ("https://bucket.s3.amazonaws.com/x", "not a storage URL"),
        ("bucket/prefix", "not a storage URL"),
        ("s3://bucket/a//b", "empty, `.` or `..` segment"),
    ] {
        let output = edit(
            firefly_clean(&emulator),
            &input,
            &["--stage", stage],
            dir.path(),
        )
        .await;
        assert_eq!(output.status.code(), Some(2), "{stage}: {output:?}");
        assert!(stderr(&output).contains(says), "{stage}: {output:?}");
    }
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_are_refused_before_anything_is_uploaded_or_sent() {
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    let (dir, input) = local_png();

    // No credentials at all (the stage from its environment variable).
    let mut command = firefly_clean(&emulator);
    command
        .env("AWS_ENDPOINT_URL", &storage.url)
        .env("AWS_ALLOW_HTTP", "true")
        .env("FIREFLY_PHOTOSHOP_STAGE", "s3://bucket/stage");
    let output = edit(command, &input, &[], dir.path()).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let refused = error(&output);
    assert_eq!(refused["kind"], "usage", "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("no AWS credentials") && message.contains("AWS_ACCESS_KEY_ID"),
        "{message}"
    );

    // A key without its secret.
    let mut command = firefly_clean(&emulator);
    command
        .env("AWS_ENDPOINT_URL", &storage.url)
        .env("AWS_ALLOW_HTTP", "true")
        .env("AWS_ACCESS_KEY_ID", "test-key");
    let output = edit(
        command,
        &input,
        &["--stage", "s3://bucket/stage"],
        dir.path(),
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        error(&output)["message"]
            .as_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("secret"),
        "{output:?}"
    );

    assert!(storage.received().is_empty(), "{:?}", storage.paths());
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_input_that_is_not_a_regular_file_is_refused_before_anything_is_uploaded() {
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    let (dir, input) = local_png();
    let fifo = dir.path().join("fifo.png");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let link = dir.path().join("link.png");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let missing = dir.path().join("missing.png");
    let out = tempfile::tempdir().unwrap();
    for (path, says) in [
        (dir.path().to_owned(), "not a regular file"),
        (fifo, "not a regular file"),
        (link, "symbolic link"),
        (missing, "No such file"),
    ] {
        let mut command = firefly_clean(&emulator);
        with_s3(&mut command, &storage.url);
        let output = edit(
            command,
            &path,
            &["--stage", "s3://bucket/stage"],
            out.path(),
        )
        .await;
        assert_eq!(output.status.code(), Some(2), "{path:?}: {output:?}");
        let refused = error(&output);
        assert_eq!(refused["kind"], "input_file", "{refused}");
        assert!(
            refused["message"].as_str().unwrap().contains(says),
            "{path:?}: {refused}"
        );
    }
    assert!(storage.received().is_empty(), "{:?}", storage.paths());
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staged_url_photoshop_would_refuse_is_refused_before_it_is_uploaded() {
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    let (dir, input) = local_png();
    // Photoshop elsewhere than this machine: the emulator's exception
    // (loopback storage for a loopback Photoshop) does not apply.
    let remote = "https://photoshop-api.example.invalid";

    // Loopback storage over plain http.
    let mut command = firefly_clean(&emulator);
    with_s3(&mut command, &storage.url);
    command.env("FIREFLY_SERVICES_PHOTOSHOP_URL", remote);
    let output = edit(
        command,
        &input,
        &["--stage", "s3://bucket/stage"],
        dir.path(),
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = error(&output)["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("image.source.url") && message.contains("127.0.0.1"),
        "{message}"
    );
    assert!(!message.contains("X-Amz-Signature"), "{message}");
    assert!(storage.received().is_empty(), "{:?}", storage.paths());

    // An https host outside Photoshop's list: refused as such, not as an
    // upload that failed.
    let mut command = firefly_clean(&emulator);
    with_s3(&mut command, "https://storage.example.invalid");
    command.env("FIREFLY_SERVICES_PHOTOSHOP_URL", remote);
    let output = edit(
        command,
        &input,
        &["--stage", "s3://bucket/stage"],
        dir.path(),
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let refused = error(&output);
    assert_eq!(refused["kind"], "usage", "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("storage.example.invalid") && message.contains("allow"),
        "{message}"
    );

    assert!(emulator.requests().is_empty(), "nothing was sent");
}

fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: needs the s3s-fs server .ci/run starts"))
}

/// GETs `url` with the SDK's download path (no credentials sent).
async fn download(emulator: &Emulator, url: &str) -> Vec<u8> {
    let firefly = adobe_firefly::Firefly::builder()
        .client_id("reader")
        .access_token("unused")
        .api_url(emulator.url())
        .photoshop_url(emulator.url())
        .build()
        .unwrap();
    let mut bytes = Vec::new();
    firefly.download_to_writer(url, &mut bytes).await.unwrap();
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the s3s-fs server that .ci/run starts"]
async fn edit_stages_a_local_file_in_s3_and_downloads_the_output() {
    let endpoint = var("FIREFLY_TEST_S3_ENDPOINT");
    let bucket = var("FIREFLY_TEST_S3_BUCKET");
    let prefix = format!("stage-{}-{}", std::process::id(), fastrand::u64(..));
    let stage = format!("s3://{bucket}/{prefix}");
    let emulator = Emulator::start().await.unwrap();
    let (dir, input) = local_png();
    let out = tempfile::tempdir().unwrap();
    let credentials = |command: &mut Command| {
        command
            .env("AWS_ENDPOINT_URL", &endpoint)
            .env("AWS_ALLOW_HTTP", "true")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", var("FIREFLY_TEST_S3_ACCESS_KEY"))
            .env("AWS_SECRET_ACCESS_KEY", var("FIREFLY_TEST_S3_SECRET_KEY"));
    };
    let mut command = firefly_clean(&emulator);
    credentials(&mut command);
    let args = ["--stage", stage.as_str(), "--format", "png"];
    let output = edit(command, &input, &args, out.path()).await;
    assert!(output.status.success(), "{output:?}");
    let document = json(&output);

    // The object: under the prefix, named by the file's SHA-256, no
    // signature shown.
    let staged = document["staged"].as_array().unwrap();
    assert_eq!(staged.len(), 1, "{document}");
    assert_eq!(staged[0]["file"], input.to_str().unwrap(), "{document}");
    let object = staged[0]["object"].as_str().unwrap();
    let name = object
        .strip_prefix(&format!("{stage}/"))
        .unwrap_or_else(|| panic!("{object} is under {stage}"));
    assert!(name.ends_with(".png") && name.len() == 64 + 4, "{object}");
    assert!(!stdout(&output).contains("X-Amz-Signature"), "{document}");

    // The emulator read it through its pre-signed URL from s3s-fs (which
    // checks the signature), and the output was downloaded: a PNG of the
    // input's size, in the output folder.
    let read: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|request| request.path == "/v2/edit")
        .collect();
    assert_eq!(read.len(), 1);
    let saved = PathBuf::from(document["outputs"][0]["path"].as_str().unwrap());
    assert_eq!(saved.parent().unwrap(), out.path(), "{document}");
    assert_eq!(image::image_dimensions(&saved).unwrap(), (20, 10));

    // The object is in S3, with the file's bytes.
    let storage = adobe_firefly::storage::Storage::from_url_with(
        &stage,
        [
            ("aws_endpoint", endpoint.clone()),
            ("aws_region", "us-east-1".to_owned()),
            ("aws_access_key_id", var("FIREFLY_TEST_S3_ACCESS_KEY")),
            ("aws_secret_access_key", var("FIREFLY_TEST_S3_SECRET_KEY")),
            ("aws_allow_http", "true".to_owned()),
        ],
    )
    .unwrap();
    let url = storage
        .presign_get(name, std::time::Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(
        download(&emulator, url.as_str()).await,
        std::fs::read(&input).unwrap()
    );

    // A rerun puts the same bytes under the same name, and saves a new
    // file beside the first, which is kept.
    let before = std::fs::read(&saved).unwrap();
    let mut command = firefly_clean(&emulator);
    credentials(&mut command);
    let output = edit(command, &input, &args, out.path()).await;
    assert!(output.status.success(), "{output:?}");
    let again = json(&output);
    assert_eq!(again["staged"][0]["object"], object, "{again}");
    assert_ne!(again["outputs"][0]["path"], document["outputs"][0]["path"]);
    assert_eq!(std::fs::read(&saved).unwrap(), before);
    drop(dir);
}
