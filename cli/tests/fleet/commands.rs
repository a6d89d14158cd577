//! The fleet reaches every command that talks to Adobe: with `--redis`,
//! each one's requests are counted in the fleet's shared budget in Redis,
//! or (for the commands whose requests no budget counts: reading a status,
//! cancelling, listing models, checking the token) each one uses the
//! fleet's shared token. One test per command.

use std::{path::Path, process::Output};

use adobe_firefly_emulator::Emulator;
use serde_json::json;

use crate::{
    common::{self, firefly},
    mcp_support,
    redis_keys::counted_in,
    redis_server::{shared_url, unique_prefix},
};

/// A real 32x24 PNG in `dir`.
fn png(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    image::RgbImage::from_pixel(32, 24, image::Rgb([40, 90, 200]))
        .save(&path)
        .unwrap();
    path.to_str().unwrap().to_owned()
}

/// `firefly --redis URL --redis-prefix PREFIX ARGS...` against the emulator.
async fn in_fleet(emulator: &Emulator, url: &str, prefix: &str, args: &[String]) -> Output {
    let mut command = firefly(emulator);
    command
        .args(["--json", "--redis", url, "--redis-prefix", prefix])
        .args(args);
    common::run(command).await
}

/// Requests to Firefly that create something (what Firefly's budget
/// counts): every POST but IMS's.
fn firefly_posts(emulator: &Emulator) -> i64 {
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && !r.path.starts_with("/ims/"))
        .count() as i64
}

/// Firefly's shared day log: `PREFIX:quota:CREDENTIAL:day`.
fn firefly_day(key: &str) -> bool {
    key.ends_with(":day") && !key.contains(":photoshop:")
}

/// Runs a command that submits to Firefly, in a fleet of its own, and
/// checks that the fleet's shared budget counted each of its submissions.
async fn counts_in_the_fleet(command: &str, args: impl FnOnce(&Path) -> Vec<String>) {
    let url = shared_url();
    let prefix = unique_prefix(&command.replace(' ', "-"));
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = in_fleet(&emulator, &url, &prefix, &args(dir.path())).await;
    assert!(output.status.success(), "`firefly {command}`: {output:?}");
    let sent = firefly_posts(&emulator);
    assert!(sent > 0, "`firefly {command}` submitted nothing");
    assert_eq!(
        counted_in(&url, &prefix, firefly_day),
        sent,
        "`firefly {command} --redis`: each of its {sent} submissions is counted in the \
         fleet's shared Firefly budget"
    );
}

/// Runs a command twice (with these arguments each time), as two processes
/// of one fleet, and checks that the second used the token the first left
/// in the fleet (one IMS request).
async fn shares_the_fleets_token(emulator: &Emulator, command: &str, runs: [Vec<String>; 2]) {
    let url = shared_url();
    let prefix = unique_prefix(&command.replace(' ', "-"));
    let before = emulator.tokens_issued();
    for (run, args) in ["first", "second"].into_iter().zip(runs) {
        let output = in_fleet(emulator, &url, &prefix, &args).await;
        assert!(
            output.status.success(),
            "`firefly {command}` ({run} run): {output:?}"
        );
    }
    assert_eq!(
        emulator.tokens_issued() - before,
        1,
        "`firefly {command} --redis`: two processes of one fleet share one token"
    );
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_owned()).collect()
}

fn out(dir: &Path) -> Vec<String> {
    vec!["-o".into(), dir.join("out").to_str().unwrap().to_owned()]
}

fn with(mut args: Vec<String>, more: Vec<String>) -> Vec<String> {
    args.extend(more);
    args
}

/// One test per command that submits to Firefly.
macro_rules! counted {
    ($($name:ident: $command:literal, |$dir:ident| $args:expr;)+) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            counts_in_the_fleet($command, |$dir: &Path| $args).await;
        }
    )+};
}

counted! {
    image_generate_is_counted: "image generate",
        |dir| with(strings(&["image", "generate", "a cat", "--size", "64x64"]), out(dir));
    image_similar_is_counted: "image similar",
        |dir| with(strings(&["image", "similar", "--image", &png(dir, "in.png")]), out(dir));
    image_expand_is_counted: "image expand",
        |dir| with(
            strings(&["image", "expand", "--image", &png(dir, "in.png"), "--size", "64x64"]),
            out(dir),
        );
    image_fill_is_counted: "image fill",
        |dir| with(
            strings(&[
                "image", "fill", "--image", &png(dir, "in.png"), "--mask", &png(dir, "m.png"),
            ]),
            out(dir),
        );
    image_composite_is_counted: "image composite",
        |dir| with(
            strings(&["image", "composite", "--image", &png(dir, "in.png"), "--prompt", "a desk"]),
            out(dir),
        );
    image_model5_is_counted: "image model5",
        |dir| with(strings(&["image", "model5", "a lighthouse"]), out(dir));
    image_upscale_is_counted: "image upscale",
        |dir| with(
            strings(&["image", "upscale", "--image", &png(dir, "in.png"), "--seed", "1"]),
            out(dir),
        );
    image_precise_composite_is_counted: "image precise-composite",
        |dir| with(
            strings(&[
                "image", "precise-composite",
                "--object", &png(dir, "o.png"),
                "--background", &png(dir, "b.png"),
                "--area", &png(dir, "a.png"),
            ]),
            out(dir),
        );
    image_adaptive_composite_is_counted: "image adaptive-composite",
        |dir| with(
            strings(&[
                "image", "adaptive-composite",
                "--object", &png(dir, "o.png"),
                "--background", &png(dir, "b.png"),
                "--area", &png(dir, "a.png"),
            ]),
            out(dir),
        );
    image_upload_is_counted: "image upload",
        |dir| strings(&["image", "upload", &png(dir, "in.png")]);
    image_batch_is_counted: "image batch",
        |dir| {
            let prompts = dir.join("prompts.txt");
            std::fs::write(&prompts, "a fox\nan owl\n").unwrap();
            with(
                strings(&["image", "batch", prompts.to_str().unwrap(), "--size", "64x64"]),
                out(dir),
            )
        };
    video_generate_is_counted: "video generate",
        |dir| with(strings(&["video", "generate", "a cat walking", "--size", "1280x720"]), out(dir));
}

/// A job the emulator keeps running, submitted outside the fleet.
async fn running_job(emulator: &Emulator) -> String {
    adobe_firefly::Firefly::builder()
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .api_url(emulator.url())
        .ims_url(emulator.url())
        .build()
        .unwrap()
        .generate_images(adobe_firefly::types::GenerateImagesRequest::builder().prompt("long"))
        .await
        .unwrap()
        .job_id
}

fn long_jobs() -> adobe_firefly_emulator::EmulatorBuilder {
    Emulator::builder().polls_until_done(u32::MAX)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_status_uses_the_fleets_token() {
    let emulator = long_jobs().start().await.unwrap();
    let job = running_job(&emulator).await;
    let status = strings(&["job", "status", &job]);
    shares_the_fleets_token(&emulator, "job status", [status.clone(), status]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_cancel_uses_the_fleets_token() {
    let emulator = long_jobs().start().await.unwrap();
    let (one, two) = (running_job(&emulator).await, running_job(&emulator).await);
    let runs = [
        strings(&["job", "cancel", &one]),
        strings(&["job", "cancel", &two]),
    ];
    shares_the_fleets_token(&emulator, "job cancel", runs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_list_uses_the_fleets_token() {
    let emulator = Emulator::start().await.unwrap();
    let list = strings(&["model", "list"]);
    shares_the_fleets_token(&emulator, "model list", [list.clone(), list]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_uses_the_fleets_token() {
    let emulator = Emulator::start().await.unwrap();
    let token = strings(&["token"]);
    shares_the_fleets_token(&emulator, "token", [token.clone(), token]).await;
}

/// `firefly mcp` with the fleet in its environment: a generation tool's
/// submission is counted in the fleet's budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_tools_are_counted() {
    let url = shared_url();
    let prefix = unique_prefix("mcp");
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut variables = emulator.env_vars();
    variables.push(("FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES", "1".into()));
    variables.push(("FIREFLY_SERVICES_REDIS_URL", url.clone()));
    variables.push(("FIREFLY_SERVICES_REDIS_PREFIX", prefix.clone()));
    let server = mcp_support::serve_with(variables, dir.path()).await;
    let result = server
        .call(
            "generate_images",
            json!({"prompt": "a fleet cat", "size": {"width": 64, "height": 64}}),
        )
        .await;
    assert!(!mcp_support::is_error(&result), "{result:?}");
    server.close().await;
    assert_eq!(
        counted_in(&url, &prefix, firefly_day),
        firefly_posts(&emulator),
        "`firefly mcp` in a fleet: its submission is counted in the fleet's budget"
    );
    assert_eq!(firefly_posts(&emulator), 1);
}
