//! `firefly image model5`, `upscale`, `precise-composite` and
//! `adaptive-composite` against the emulator: what they save (real images
//! of the size Adobe's operation gives), what they refuse before sending,
//! and how a 451 reads.

mod common;

use std::path::{Path, PathBuf};

use adobe_firefly_emulator::{Emulator, Faults};
use common::*;

/// A real PNG of the given size, which the emulator reads the size of.
fn png(dir: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let path = dir.join(name);
    image::RgbImage::from_pixel(width, height, image::Rgb([40, 90, 200]))
        .save(&path)
        .unwrap();
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The one image saved in `dir`, and its size read from the file.
fn saved_size(dir: &Path) -> (u32, u32) {
    let saved = images(dir);
    assert_eq!(saved.len(), 1, "{saved:?}");
    image::image_dimensions(dir.join(&saved[0])).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image5_generates_and_edits() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let reference = png(dir.path(), "reference.png", 64, 48);

    let mut generate = firefly(&emulator);
    generate
        .args([
            "--json",
            "image",
            "model5",
            "a lighthouse at dusk",
            "--aspect-ratio",
            "16:9",
        ])
        .args([
            "--resolution",
            "1MP",
            "--reasoner",
            "quality",
            "--seed",
            "3",
        ])
        .arg("-o")
        .arg(dir.path().join("generated"));
    let output = run(generate).await;
    assert!(output.status.success(), "{output:?}");
    let document = json(&output);
    assert_eq!(document["outputs"].as_array().unwrap().len(), 1);
    assert_eq!(document["alt_text"], "An image of a lighthouse at dusk.");
    assert_eq!(images(&dir.path().join("generated")).len(), 1);

    let mut edit = firefly(&emulator);
    edit.args([
        "--json",
        "image",
        "model5",
        "make it night",
        "--reference",
        arg(&reference),
    ])
    .arg("-o")
    .arg(dir.path().join("edited"));
    let output = run(edit).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(images(&dir.path().join("edited")).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_with_a_fixed_shape_is_refused_before_anything_is_sent() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let reference = png(dir.path(), "reference.png", 8, 8);
    let mut edit = firefly(&emulator);
    edit.args([
        "--json",
        "image",
        "model5",
        "night",
        "--reference",
        arg(&reference),
    ])
    .args(["--aspect-ratio", "16:9"])
    .arg("-o")
    .arg(dir.path());
    let output = run(edit).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "usage");
    assert!(
        error["message"].as_str().unwrap().contains("aspect"),
        "{error}"
    );
    let sent = emulator.requests();
    assert!(
        sent.is_empty(),
        "nothing is sent, not even the upload: {sent:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upscale_saves_the_image_factor_times_larger() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = png(dir.path(), "small.png", 30, 20);
    let out = dir.path().join("out");
    let mut upscale = firefly(&emulator);
    upscale
        .args([
            "--json",
            "image",
            "upscale",
            "--image",
            arg(&input),
            "--factor",
            "3",
            "--seed",
            "9",
        ])
        .arg("-o")
        .arg(&out);
    let output = run(upscale).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(saved_size(&out), (90, 60));

    let mut refused = firefly(&emulator);
    refused.args(["image", "upscale", "--image", arg(&input), "--factor", "5"]);
    let output = run(refused).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2, 3, 4, 6"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_composites_save_an_image_of_the_backgrounds_size() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let object = png(dir.path(), "object.png", 16, 16);
    let background = png(dir.path(), "scene.png", 64, 40);
    let area = png(dir.path(), "area.png", 64, 40);
    let common = [
        "--object",
        arg(&object),
        "--background",
        arg(&background),
        "--area",
        arg(&area),
    ];
    let precise = dir.path().join("precise");
    let mut command = firefly(&emulator);
    command
        .args([
            "--json",
            "image",
            "precise-composite",
            "--blend",
            "0.3",
            "--format",
            "image/png",
        ])
        .args(common)
        .arg("-o")
        .arg(&precise);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(saved_size(&precise), (64, 40));

    let adaptive = dir.path().join("adaptive");
    let mut command = firefly(&emulator);
    command
        .args([
            "--json",
            "image",
            "adaptive-composite",
            "--object-mask",
            arg(&object),
        ])
        .args([
            "--harmonization",
            "0.8",
            "--shadow",
            "0.2",
            "--preserve-background",
        ])
        .args(common)
        .arg("-o")
        .arg(&adaptive);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(saved_size(&adaptive), (64, 40));

    let mut refused = firefly(&emulator);
    refused
        .args(["image", "precise-composite", "--blend", "1.5"])
        .args(common);
    let output = run(refused).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_content_policy_refusal_shows_adobes_code_and_what_to_do() {
    let faults = Faults::none().content_policy_every(1);
    let emulator = Emulator::builder().faults(faults).start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut command = firefly(&emulator);
    command
        .args(["--json", "image", "model5", "something refused"])
        .arg("-o")
        .arg(dir.path());
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "content_policy", "{error}");
    assert_eq!(error["status"], 451);
    assert_eq!(error["error_code"], "prompt_unsafe");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`prompt_unsafe`"), "{stderr}");
    assert!(stderr.contains("reword it"), "{stderr}");
    assert!(images(dir.path()).is_empty());
}
