//! The fleet reaches every `firefly photoshop` command: with `--redis`,
//! each submission is counted in the fleet's shared Photoshop submission
//! budget, and each status read in its shared status-read budget, in Redis.
//! One test per command.

use std::io::Cursor;

use adobe_firefly_emulator::Emulator;

use crate::{
    common::{self, firefly},
    redis_keys::counted_in,
    redis_server::{shared_url, unique_prefix},
    storage::Storage,
};

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(width, height, image::Rgb([40, 90, 200]))
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

/// Photoshop's requests the emulator received: (submissions, status reads).
fn photoshop_requests(emulator: &Emulator) -> (i64, i64) {
    let requests = emulator.requests();
    let count = |method: &str, photoshop: fn(&str) -> bool| {
        requests
            .iter()
            .filter(|r| r.method == method && photoshop(&r.path))
            .count() as i64
    };
    (
        count("POST", |path| {
            path.starts_with("/v2/") || path == "/v1/auto-crop"
        }),
        count("GET", |path| path.starts_with("/v2/status/")),
    )
}

/// Runs `firefly photoshop ARGS...` in a fleet of its own, after `before`
/// (run outside it), and checks that the fleet's Photoshop budgets counted
/// every submission and status read it made.
async fn counts_in_the_fleet(command: &str, args: impl FnOnce(&Storage) -> Vec<String>) {
    let url = shared_url();
    let prefix = unique_prefix(&format!("photoshop-{command}"));
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    let dir = tempfile::tempdir().unwrap();
    let args = args(&storage);
    let mut run = firefly(&emulator);
    run.args([
        "--json",
        "--redis",
        &url,
        "--redis-prefix",
        &prefix,
        "photoshop",
    ])
    .args(&args)
    .arg("-o")
    .arg(dir.path());
    let output = common::run(run).await;
    assert!(
        output.status.success(),
        "`firefly photoshop {command}`: {output:?}"
    );
    let (posts, reads) = photoshop_requests(&emulator);
    assert_eq!(posts, 1, "`firefly photoshop {command}` submits one job");
    assert_eq!(
        counted_in(&url, &prefix, |key| key.contains(":photoshop:post:")),
        posts,
        "`firefly photoshop {command} --redis`: its submission is counted in the fleet's \
         shared Photoshop budget"
    );
    assert!(
        reads > 0,
        "`firefly photoshop {command}` waited for its job"
    );
    assert_eq!(
        counted_in(&url, &prefix, |key| key.contains(":photoshop:get:")),
        reads,
        "`firefly photoshop {command} --redis`: each of its {reads} status reads is \
         counted in the fleet's shared Photoshop status budget"
    );
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_owned()).collect()
}

fn input(storage: &Storage) -> String {
    storage.input("in.png", png(40, 30))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photoshop_edit_is_counted() {
    counts_in_the_fleet("edit", |s| strings(&["edit", "--input", &input(s)])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photoshop_actions_is_counted() {
    counts_in_the_fleet("actions", |s| {
        let set = s.input("set.atn", b"8BAS".to_vec());
        strings(&["actions", "--input", &input(s), "--action", &set])
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photoshop_composite_is_counted() {
    counts_in_the_fleet("composite", |s| {
        strings(&["composite", "--input", &input(s)])
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photoshop_artboard_is_counted() {
    counts_in_the_fleet("artboard", |s| {
        strings(&["artboard", "--input", &input(s), "--input", &input(s)])
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photoshop_manifest_is_counted() {
    counts_in_the_fleet("manifest", |s| strings(&["manifest", "--input", &input(s)])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photoshop_auto_crop_is_counted() {
    counts_in_the_fleet("auto-crop", |s| {
        strings(&["auto-crop", "--input", &input(s)])
    })
    .await;
}

/// `firefly photoshop status` only reads: its read is counted in the
/// fleet's status budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photoshop_status_is_counted() {
    let url = shared_url();
    let prefix = unique_prefix("photoshop-status");
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    let dir = tempfile::tempdir().unwrap();
    // A job made outside the fleet.
    let mut manifest = firefly(&emulator);
    manifest
        .args([
            "--json",
            "photoshop",
            "manifest",
            "--input",
            &input(&storage),
            "-o",
        ])
        .arg(dir.path());
    let made = common::json(&common::run(manifest).await);
    let job_id = made["job_id"].as_str().unwrap();
    let (_, reads_before) = photoshop_requests(&emulator);

    let mut status = firefly(&emulator);
    status.args([
        "--json",
        "--redis",
        &url,
        "--redis-prefix",
        &prefix,
        "photoshop",
        "status",
        job_id,
    ]);
    let output = common::run(status).await;
    assert!(output.status.success(), "{output:?}");
    let (_, reads) = photoshop_requests(&emulator);
    assert_eq!(reads - reads_before, 1);
    assert_eq!(
        counted_in(&url, &prefix, |key| key.contains(":photoshop:get:")),
        1,
        "`firefly photoshop status --redis`: its read is counted in the fleet's shared \
         Photoshop status budget"
    );
}
