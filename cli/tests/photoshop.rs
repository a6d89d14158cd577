//! `firefly photoshop ...` against the emulator, with a storage server on
//! 127.0.0.1 holding the inputs behind pre-signed-style URLs: each command
//! runs its job, and its output is downloaded from Adobe-hosted storage
//! (the default) as a file of the asked type, or written to `--to`.

mod common;
mod storage;

use std::{
    io::Cursor,
    path::{Path, PathBuf},
};

use adobe_firefly_emulator::Emulator;
use common::*;
use serde_json::Value;
use storage::Storage;

/// A real PNG of the given size.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(width, height, image::Rgb([40, 90, 200]))
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

/// The emulator, a storage server with a 40x30 PNG at `in.png`, and a
/// scratch folder.
async fn setup() -> (Emulator, Storage, String, tempfile::TempDir) {
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    let input = storage.input("in.png", png(40, 30));
    (emulator, storage, input, tempfile::tempdir().unwrap())
}

/// `firefly --json photoshop ARGS... -o DIR`: its JSON document, after
/// checking it succeeded.
async fn photoshop(emulator: &Emulator, args: &[&str], dir: &Path) -> Value {
    let mut command = firefly(emulator);
    command
        .args(["--json", "photoshop"])
        .args(args)
        .arg("-o")
        .arg(dir);
    let output = run(command).await;
    assert!(output.status.success(), "photoshop {args:?}: {output:?}");
    json(&output)
}

/// The paths the command saved.
fn saved(document: &Value) -> Vec<PathBuf> {
    document["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|output| PathBuf::from(output["path"].as_str().unwrap()))
        .collect()
}

/// The one file saved, which must be in `dir`.
fn one_saved(document: &Value, dir: &Path) -> PathBuf {
    let paths = saved(document);
    assert_eq!(paths.len(), 1, "{document}");
    assert_eq!(paths[0].parent().unwrap(), dir, "{document}");
    paths[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_downloads_the_hosted_output_and_never_replaces_a_file() {
    let (emulator, _storage, input, dir) = setup().await;
    let args = [
        "edit",
        "--input",
        &input,
        "--edits",
        r#"{"light": {"exposure": 0.5}}"#,
    ];
    let first = photoshop(&emulator, &args, dir.path()).await;
    let path = one_saved(&first, dir.path());
    assert_eq!(path.extension().unwrap(), "jpg", "{first}");
    assert_eq!(image::image_dimensions(&path).unwrap(), (40, 30));
    assert_eq!(first["status"], "succeeded");
    let before = std::fs::read(&path).unwrap();

    let second = photoshop(&emulator, &args, dir.path()).await;
    let other = one_saved(&second, dir.path());
    assert_ne!(other, path, "a second run takes a new name");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the first file is kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_writes_to_a_presigned_url_with_to() {
    let (emulator, storage, input, dir) = setup().await;
    let put = storage.output("edited.png");
    let document = photoshop(
        &emulator,
        &["edit", "--input", &input, "--format", "png", "--to", &put],
        dir.path(),
    )
    .await;
    let uploaded = storage.uploaded("edited.png");
    assert_eq!(uploaded.method, "PUT");
    assert_eq!(
        image::load_from_memory(&uploaded.body).unwrap().width(),
        40,
        "a PNG of the input's size"
    );
    assert!(!uploaded.had_authorization, "no credentials to storage");
    assert!(
        saved(&document).is_empty(),
        "nothing downloaded: {document}"
    );
    assert_eq!(files(dir.path()), Vec::<String>::new());
    // The signature stays out of what is printed.
    let written = document["written"][0].as_str().unwrap();
    assert!(written.ends_with("/out/edited.png"), "{document}");

    // Azure's URLs take the blob type Azure needs.
    let azure = storage.output("edited.jpg");
    photoshop(
        &emulator,
        &[
            "edit",
            "--input",
            &input,
            "--to",
            &azure,
            "--storage",
            "azure",
        ],
        dir.path(),
    )
    .await;
    let uploaded = storage.uploaded("edited.jpg");
    assert_eq!(uploaded.blob_type.as_deref(), Some("BlockBlob"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_play_a_set_and_save_the_document() {
    let (emulator, storage, input, dir) = setup().await;
    let set = storage.input("set.atn", b"8BAS actions".to_vec());
    let document = photoshop(
        &emulator,
        &[
            "actions", "--input", &input, "--action", &set, "--format", "jpeg",
        ],
        dir.path(),
    )
    .await;
    let path = one_saved(&document, dir.path());
    assert_eq!(path.extension().unwrap(), "jpg", "{document}");
    assert_eq!(image::image_dimensions(&path).unwrap(), (40, 30));
    assert!(
        storage.paths().contains(&"GET /in/set.atn".to_owned()),
        "the action set is read from its URL: {:?}",
        storage.paths()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn composite_applies_the_edits() {
    let (emulator, _storage, input, dir) = setup().await;
    let crop =
        r#"{"document": {"crop": {"bounds": {"left": 0, "top": 0, "right": 20, "bottom": 10}}}}"#;
    let document = photoshop(
        &emulator,
        &["composite", "--input", &input, "--edits", crop],
        dir.path(),
    )
    .await;
    let path = one_saved(&document, dir.path());
    assert_eq!(image::image_dimensions(&path).unwrap(), (20, 10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn artboard_saves_one_psd_of_every_input() {
    let (emulator, storage, input, dir) = setup().await;
    let second = storage.input("b.png", png(20, 30));
    let document = photoshop(
        &emulator,
        &[
            "artboard",
            "--input",
            &input,
            "--input",
            &second,
            "--spacing",
            "10",
        ],
        dir.path(),
    )
    .await;
    let path = one_saved(&document, dir.path());
    assert_eq!(path.extension().unwrap(), "psd", "{document}");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..4], b"8BPS", "a Photoshop document");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manifest_saves_the_documents_description() {
    let (emulator, _storage, input, dir) = setup().await;
    let document = photoshop(&emulator, &["manifest", "--input", &input], dir.path()).await;
    let path = one_saved(&document, dir.path());
    assert_eq!(path.extension().unwrap(), "json", "{document}");
    let manifest: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(manifest["document"]["width"], 40, "{manifest}");
    assert_eq!(manifest["document"]["height"], 30, "{manifest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_crop_saves_a_crop_per_aspect_ratio() {
    let (emulator, _storage, input, dir) = setup().await;
    let document = photoshop(
        &emulator,
        &[
            "auto-crop",
            "--input",
            &input,
            "--aspect-ratio",
            "1:1",
            "--aspect-ratio",
            "4:3",
        ],
        dir.path(),
    )
    .await;
    let mut sizes: Vec<(u32, u32)> = saved(&document)
        .iter()
        .map(|path| image::image_dimensions(path).unwrap())
        .collect();
    sizes.sort();
    assert_eq!(sizes, [(30, 30), (40, 30)], "{document}");

    let boxes = photoshop(
        &emulator,
        &["auto-crop", "--input", &input, "--boxes-only"],
        tempfile::tempdir().unwrap().path(),
    )
    .await;
    assert!(saved(&boxes).is_empty(), "{boxes}");
    assert_eq!(boxes["result"]["crops"][0]["boundingBoxes"][0]["width"], 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reads_a_photoshop_job() {
    let (emulator, _storage, input, dir) = setup().await;
    let done = photoshop(&emulator, &["manifest", "--input", &input], dir.path()).await;
    let job_id = done["job_id"].as_str().unwrap();
    let mut command = firefly(&emulator);
    command.args(["--json", "photoshop", "status", job_id]);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let status = json(&output);
    assert_eq!(status["status"], "succeeded", "{status}");
    assert_eq!(status["job_id"], job_id, "{status}");
    let url = status["outputs"][0].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_file_must_be_staged_and_nothing_is_sent() {
    let (emulator, _storage, _input, dir) = setup().await;
    let local = dir.path().join("photo.jpg");
    std::fs::write(&local, png(4, 4)).unwrap();
    for command_line in [
        vec!["edit", "--input", local.to_str().unwrap()],
        vec!["manifest", "--input", "photo.psd"],
        vec![
            "artboard",
            "--input",
            "https://x.example/a.png",
            "--input",
            "b.png",
        ],
    ] {
        let mut command = firefly(&emulator);
        command.arg("photoshop").args(&command_line);
        let output = run(command).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{command_line:?}: {output:?}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("is a local file") && stderr.contains("must be staged"),
            "{command_line:?}: {stderr}"
        );
    }
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_job_names_adobes_reason() {
    let (emulator, _storage, _input, dir) = setup().await;
    let mut command = firefly(&emulator);
    command
        .args([
            "--json",
            "photoshop",
            "edit",
            "--input",
            "cc:files/photo.jpg",
            "-o",
        ])
        .arg(dir.path());
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "job_failed", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("creativeCloudPath"),
        "{error}"
    );
}

#[cfg(not(feature = "storage"))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_storage_feature_staging_says_how_to_get_it() {
    let (emulator, _storage, input, dir) = setup().await;
    let local = dir.path().join("photo.png");
    std::fs::write(&local, png(4, 4)).unwrap();
    let local = local.to_str().unwrap();
    for (command_line, stage_variable) in [
        (
            vec!["edit", "--input", &input, "--stage", "s3://bucket/p"],
            None,
        ),
        (vec!["edit", "--input", &input], Some("s3://bucket/p")),
        (vec!["edit", "--input", local], None),
        (vec!["auto-crop", "--input", local], None),
    ] {
        let mut command = firefly(&emulator);
        // Into the scratch folder, should it run.
        command
            .arg("photoshop")
            .args(&command_line)
            .arg("-o")
            .arg(dir.path());
        if let Some(stage) = stage_variable {
            command.env("FIREFLY_PHOTOSHOP_STAGE", stage);
        }
        let output = run(command).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{command_line:?}: {output:?}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("cargo install adobe-firefly-cli --features storage"),
            "{command_line:?}: {stderr}"
        );
    }
    assert!(emulator.requests().is_empty(), "nothing was sent");
}
