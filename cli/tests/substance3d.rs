//! `firefly substance ...` against the emulator: each command uploads its
//! local input into a space, runs its job and saves what it made, never
//! over a file (PNG renders and JPEG composites read back by an image
//! decoder, scenes by their format's signature); `--dry-run` and
//! `--max-operations` send nothing; a FIFO input is refused unsent.

mod common;

use std::path::{Path, PathBuf};

use adobe_firefly_emulator::Emulator;
use common::*;
use serde_json::{Value, json};

/// A small glTF scene with one mesh, a camera and a material.
fn scene(dir: &Path) -> PathBuf {
    let path = dir.join("chair.gltf");
    let gltf = json!({
        "asset": {"version": "2.0"},
        "scenes": [{"nodes": [0]}],
        "nodes": [{"name": "Chair", "mesh": 0}],
        "meshes": [{"name": "ChairMesh", "primitives": [{"attributes": {}}]}],
        "cameras": [{"name": "Main", "type": "perspective", "perspective": {"yfov": 0.8, "znear": 0.1}}],
        "materials": [{"name": "Wood"}],
    });
    std::fs::write(&path, serde_json::to_vec(&gltf).unwrap()).unwrap();
    path
}

async fn setup() -> (Emulator, tempfile::TempDir, PathBuf) {
    let emulator = Emulator::builder()
        .polls_until_done(1)
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = scene(dir.path());
    (emulator, dir, input)
}

/// `firefly --json substance ARGS...`, which must succeed: its document.
async fn substance(emulator: &Emulator, args: &[&str]) -> Value {
    let mut command = firefly(emulator);
    command.args(["--json", "substance"]).args(args);
    let output = run(command).await;
    assert!(output.status.success(), "substance {args:?}: {output:?}");
    json(&output)
}

fn saved(document: &Value) -> Vec<PathBuf> {
    document["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|output| PathBuf::from(output["path"].as_str().unwrap()))
        .collect()
}

fn sends_nothing(emulator: &Emulator) {
    let sent: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|request| request.path.starts_with("/substance3d"))
        .collect();
    assert!(sent.is_empty(), "{sent:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn render_saves_a_png_and_never_replaces_a_file() {
    let (emulator, dir, input) = setup().await;
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let args = [
        "render",
        "--input",
        input.to_str().unwrap(),
        "--width",
        "40",
        "--height",
        "30",
        "-o",
        out,
    ];
    let first = substance(&emulator, &args).await;
    assert_eq!(first["status"], "succeeded");
    assert!(first["space"]["id"].is_string(), "{first}");
    let second = substance(&emulator, &args).await;
    let (a, b) = (saved(&first), saved(&second));
    assert_eq!((a.len(), b.len()), (1, 1));
    assert_ne!(a[0], b[0], "the second run kept the first file");
    for path in [&a[0], &b[0]] {
        assert_eq!(path.extension().unwrap(), "png");
        let image = image::open(path).unwrap();
        assert_eq!((image.width(), image.height()), (40, 30));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_saves_a_jpeg_per_variation_and_its_background_and_mask() {
    let (emulator, dir, input) = setup().await;
    let out = dir.path().to_str().unwrap();
    let document = substance(
        &emulator,
        &[
            "compose",
            "--input",
            input.to_str().unwrap(),
            "--hero",
            "Chair",
            "--prompt",
            "a chair on a beach",
            "-n",
            "2",
            "--width",
            "32",
            "--height",
            "24",
            "-o",
            out,
        ],
    )
    .await;
    let paths = saved(&document);
    assert_eq!(document["result"]["outputs"].as_array().unwrap().len(), 2);
    let jpegs: Vec<_> = paths
        .iter()
        .filter(|p| p.extension().unwrap() == "jpg")
        .collect();
    assert!(!jpegs.is_empty(), "{document}");
    for path in jpegs {
        let image = image::open(path).unwrap();
        assert_eq!((image.width(), image.height()), (32, 24));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn convert_and_assemble_save_scenes_of_the_format_asked() {
    let (emulator, dir, input) = setup().await;
    let out = dir.path().to_str().unwrap();
    let input = input.to_str().unwrap();
    let converted = substance(
        &emulator,
        &["convert", "--input", input, "--format", "glb", "-o", out],
    )
    .await;
    let path = &saved(&converted)[0];
    assert_eq!(path.extension().unwrap(), "glb");
    assert!(std::fs::read(path).unwrap().starts_with(b"glTF"));
    let assembled = substance(
        &emulator,
        &[
            "assemble", "--input", input, "--format", "usdz", "--name", "room", "-o", out,
        ],
    )
    .await;
    let path = &saved(&assembled)[0];
    assert_eq!(path.extension().unwrap(), "usdz");
    assert!(std::fs::read(path).unwrap().starts_with(b"PK\x03\x04"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_prints_the_scene() {
    let (emulator, _dir, input) = setup().await;
    let document = substance(&emulator, &["describe", "--input", input.to_str().unwrap()]).await;
    let stats = &document["result"]["stats"];
    assert_eq!(stats["numMeshes"], 1);
    assert_eq!(stats["cameraNames"], json!(["Main"]));
    let mut command = firefly(&emulator);
    command.args(["substance", "describe", "--input", input.to_str().unwrap()]);
    let text = stdout(&run(command).await);
    assert!(
        text.contains("1 meshes") && text.contains("materials: Wood"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_and_a_spending_cap_send_nothing() {
    let (emulator, dir, input) = setup().await;
    let input = input.to_str().unwrap();
    let mut command = firefly(&emulator);
    command
        .args(["--dry-run", "substance", "render", "--input", input, "-o"])
        .arg(dir.path());
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.contains("/substance3d/v1/scenes/render-basic"),
        "{text}"
    );
    assert!(text.contains("estimate: 1 operation"), "{text}");
    sends_nothing(&emulator);

    let mut command = firefly(&emulator);
    command.args([
        "--max-operations",
        "1",
        "substance",
        "compose",
        "--input",
        input,
        "--hero",
        "Chair",
        "--prompt",
        "a beach",
        "-n",
        "2",
    ]);
    let output = run(command).await;
    assert!(!output.status.success(), "{output:?}");
    sends_nothing(&emulator);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_input_is_refused_before_anything_is_sent() {
    let (emulator, dir, _) = setup().await;
    let fifo = dir.path().join("pipe.glb");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut command = firefly(&emulator);
    command
        .args(["substance", "convert", "--format", "glb", "--input"])
        .arg(&fifo);
    let output = run(command).await;
    assert!(!output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not a regular file"),
        "{output:?}"
    );
    sends_nothing(&emulator);
}
