//! The spellings of the commands before noun-then-verb (`firefly generate`,
//! now `firefly image generate`) still work for one release: one test per
//! old spelling, each run against the emulator, doing the command's work
//! and printing the one-line note on stderr.

mod common;

use std::path::Path;

use adobe_firefly_emulator::Emulator;
use common::*;

/// A real 32x24 PNG in `dir`.
fn png(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    image::RgbImage::from_pixel(32, 24, image::Rgb([40, 90, 200]))
        .save(&path)
        .unwrap();
    path.to_str().unwrap().to_owned()
}

fn out(dir: &Path) -> Vec<String> {
    vec!["-o".into(), dir.join("out").to_str().unwrap().to_owned()]
}

fn client(emulator: &Emulator) -> adobe_firefly::Firefly {
    adobe_firefly::Firefly::builder()
        .client_id(emulator.client_id())
        .client_secret(emulator.client_secret())
        .api_url(emulator.url())
        .ims_url(emulator.url())
        .build()
        .unwrap()
}

/// A job the emulator keeps running, for `status` and `cancel`.
async fn running_job() -> (Emulator, String) {
    let emulator = Emulator::builder()
        .polls_until_done(u32::MAX)
        .start()
        .await
        .unwrap();
    let job = client(&emulator)
        .generate_images(adobe_firefly::types::GenerateImagesRequest::builder().prompt("long"))
        .await
        .unwrap();
    (emulator, job.job_id)
}

/// Runs `firefly --json OLD ARGS...` and checks that it worked and said
/// once, on stderr, which spelling replaces it.
async fn check(emulator: &Emulator, old: &str, new: &str, args: Vec<String>) {
    let mut command = firefly(emulator);
    command.arg("--json").arg(old).args(&args);
    let output = run(command).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "`firefly {old}`: {output:?}");
    let note = format!(
        "note: `firefly {old}` is deprecated and will be removed in the next release; \
         use `firefly {new}`"
    );
    assert_eq!(
        stderr.matches(&note).count(),
        1,
        "`firefly {old}` prints the note once: {stderr}"
    );
    // The JSON document on stdout is untouched by the note.
    let _ = json(&output);
}

/// One test per old spelling: its name, the old word, the new words, and
/// its arguments (given the emulator and a scratch folder).
macro_rules! still_works {
    ($($name:ident: $old:literal => $new:literal, |$dir:ident| $args:expr;)+) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let emulator = Emulator::start().await.unwrap();
            let scratch = tempfile::tempdir().unwrap();
            let $dir = scratch.path();
            let args: Vec<String> = $args;
            check(&emulator, $old, $new, args).await;
        }
    )+};
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_owned()).collect()
}

fn with(mut args: Vec<String>, more: Vec<String>) -> Vec<String> {
    args.extend(more);
    args
}

still_works! {
    generate_is_image_generate: "generate" => "image generate",
        |dir| with(strings(&["a cat", "--size", "64x64"]), out(dir));
    similar_is_image_similar: "similar" => "image similar",
        |dir| with(strings(&["--image", &png(dir, "in.png")]), out(dir));
    expand_is_image_expand: "expand" => "image expand",
        |dir| with(strings(&["--image", &png(dir, "in.png"), "--size", "64x64"]), out(dir));
    fill_is_image_fill: "fill" => "image fill",
        |dir| with(
            strings(&["--image", &png(dir, "in.png"), "--mask", &png(dir, "mask.png")]),
            out(dir),
        );
    composite_is_image_composite: "composite" => "image composite",
        |dir| with(strings(&["--image", &png(dir, "in.png"), "--prompt", "a desk"]), out(dir));
    image5_is_image_model5: "image5" => "image model5",
        |dir| with(strings(&["a lighthouse"]), out(dir));
    upscale_is_image_upscale: "upscale" => "image upscale",
        |dir| with(strings(&["--image", &png(dir, "in.png"), "--seed", "1"]), out(dir));
    precise_composite_is_image_precise_composite:
        "precise-composite" => "image precise-composite",
        |dir| with(
            strings(&[
                "--object", &png(dir, "o.png"),
                "--background", &png(dir, "b.png"),
                "--area", &png(dir, "a.png"),
            ]),
            out(dir),
        );
    adaptive_composite_is_image_adaptive_composite:
        "adaptive-composite" => "image adaptive-composite",
        |dir| with(
            strings(&[
                "--object", &png(dir, "o.png"),
                "--background", &png(dir, "b.png"),
                "--area", &png(dir, "a.png"),
            ]),
            out(dir),
        );
    upload_is_image_upload: "upload" => "image upload",
        |dir| strings(&[&png(dir, "in.png")]);
    video_is_video_generate: "video" => "video generate",
        |dir| with(strings(&["a cat walking", "--size", "1280x720"]), out(dir));
    models_is_model_list: "models" => "model list",
        |_dir| Vec::new();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_is_image_batch_and_gallery_is_image_gallery() {
    let emulator = Emulator::start().await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let prompts = scratch.path().join("prompts.txt");
    std::fs::write(&prompts, "a fox\n").unwrap();
    let folder = scratch.path().join("batch");
    let args = vec![
        prompts.to_str().unwrap().to_owned(),
        "--size".into(),
        "64x64".into(),
        "-o".into(),
        folder.to_str().unwrap().to_owned(),
    ];
    check(&emulator, "batch", "image batch", args).await;
    assert_eq!(images(&folder).len(), 1);
    std::fs::remove_file(folder.join("index.html")).unwrap();
    check(
        &emulator,
        "gallery",
        "image gallery",
        vec![folder.to_str().unwrap().to_owned()],
    )
    .await;
    assert!(folder.join("index.html").exists(), "the sheet is rebuilt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_is_job_status() {
    let (emulator, job_id) = running_job().await;
    check(&emulator, "status", "job status", vec![job_id]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_is_job_cancel() {
    let (emulator, job_id) = running_job().await;
    check(&emulator, "cancel", "job cancel", vec![job_id.clone()]).await;
    let mut status = firefly(&emulator);
    status.args(["--json", "job", "status", &job_id]);
    assert_eq!(json(&run(status).await)["status"], "cancelled");
}

/// The new spellings print no note.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_spelling_prints_no_note() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut command = firefly(&emulator);
    command
        .args([
            "--json", "image", "generate", "a cat", "--size", "64x64", "-o",
        ])
        .arg(dir.path());
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("deprecated"),
        "{output:?}"
    );
}
