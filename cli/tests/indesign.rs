//! `firefly indesign ...` against the emulator, with a storage server on
//! 127.0.0.1 holding the inputs behind pre-signed-style URLs: each job
//! command runs its job and InDesign writes its file to `--to`; document
//! information is saved into the folder, never over a file; the custom
//! scripts' lifecycle; `--dry-run` sends nothing and spends nothing.

mod common;
mod storage;

use adobe_firefly_emulator::Emulator;
use common::*;
use serde_json::Value;
use storage::Storage;

async fn setup() -> (Emulator, Storage, tempfile::TempDir) {
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    (emulator, storage, tempfile::tempdir().unwrap())
}

/// `firefly --json indesign ARGS...`: its JSON document, after checking
/// it succeeded.
async fn indesign(emulator: &Emulator, args: &[&str]) -> Value {
    let mut command = firefly(emulator);
    command.args(["--json", "indesign"]).args(args);
    let output = run(command).await;
    assert!(output.status.success(), "indesign {args:?}: {output:?}");
    json(&output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rendition_merge_and_convert_write_their_files_to_the_put_urls() {
    let (emulator, storage, dir) = setup().await;
    let doc = storage.input("doc.indd", b"a document".to_vec());
    let csv = storage.input("people.csv", b"name\nAda\nGrace\n".to_vec());
    let pdf = storage.input("in.pdf", b"%PDF-1.4\n%%EOF\n".to_vec());
    let dir_arg = dir.path().to_str().unwrap();

    let to = storage.output("doc.png");
    let done = indesign(
        &emulator,
        &[
            "rendition",
            "--document",
            &doc,
            "--format",
            "png",
            "--pages",
            "1",
            "--resolution",
            "36",
            "--to",
            &to,
            "-o",
            dir_arg,
        ],
    )
    .await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let png = storage.uploaded("doc.png");
    assert!(png.body.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(!png.had_authorization);

    let to = storage.output("merged.pdf");
    indesign(
        &emulator,
        &[
            "merge",
            "--template",
            &doc,
            "--data",
            &csv,
            "--format",
            "pdf",
            "--to",
            &to,
            "-o",
            dir_arg,
        ],
    )
    .await;
    assert!(storage.uploaded("merged.pdf").body.starts_with(b"%PDF-"));

    let to = storage.output("converted.zip");
    indesign(
        &emulator,
        &[
            "convert-pdf",
            "--pdf",
            &pdf,
            "--idml",
            "--to",
            &to,
            "-o",
            dir_arg,
        ],
    )
    .await;
    assert!(
        storage
            .uploaded("converted.zip")
            .body
            .starts_with(b"PK\x03\x04")
    );
    // Only the merge reported something (the records merged).
    assert_eq!(files(dir.path()).len(), 1, "{:?}", files(dir.path()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_saves_the_report_and_never_replaces_a_file() {
    let (emulator, storage, dir) = setup().await;
    let doc = storage.input("doc.indd", b"a document".to_vec());
    let dir_arg = dir.path().to_str().unwrap();
    let first = indesign(
        &emulator,
        &["info", "--document", &doc, "--fonts", "-o", dir_arg],
    )
    .await;
    let path = first["data"].as_str().unwrap().to_owned();
    let report: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(report["pageInfo"]["pageCount"], 2);
    assert_eq!(report["fontInfo"][0]["fontFamily"], "Minion Pro");
    // The same name taken: a second file, the first untouched.
    std::fs::write(dir.path().join("indesign-x.json"), b"mine").unwrap();
    indesign(&emulator, &["info", "--document", &doc, "-o", dir_arg]).await;
    assert_eq!(files(dir.path()).len(), 3);
    assert_eq!(
        std::fs::read(dir.path().join("indesign-x.json")).unwrap(),
        b"mine"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_is_submitted_listed_run_shown_and_deleted() {
    let (emulator, storage, dir) = setup().await;
    let doc = storage.input("doc.indd", b"a document".to_vec());
    let zip = dir.path().join("my-script.zip");
    std::fs::write(&zip, b"PK\x03\x04 script").unwrap();
    let submitted = indesign(&emulator, &["script", "submit", zip.to_str().unwrap()]).await;
    let id = submitted["script_id"].as_str().unwrap().to_owned();
    assert_eq!(submitted["script_name"], "my-script");
    let listed = indesign(&emulator, &["script", "list"]).await;
    assert_eq!(listed["capabilities"][0]["scriptName"], "my-script");
    let to = storage.output("script.json");
    let ran = indesign(
        &emulator,
        &[
            "script",
            "run",
            "--id",
            &id,
            "--name",
            "my-script",
            "--document",
            &doc,
            "--to",
            &to,
            "-o",
            dir.path().to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(ran["status"], "succeeded");
    storage.uploaded("script.json");
    let shown = indesign(&emulator, &["script", "show", "my-script"]).await;
    assert_eq!(shown["scriptName"], "my-script");
    indesign(&emulator, &["script", "delete", "my-script"]).await;
    let mut command = firefly(&emulator);
    command.args(["indesign", "script", "show", "my-script"]);
    assert!(!run(command).await.status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_and_a_refused_request_send_no_job() {
    let (emulator, storage, dir) = setup().await;
    let doc = storage.input("doc.indd", b"a document".to_vec());
    let to = storage.output("doc.pdf");
    let mut command = firefly(&emulator);
    command.args([
        "--json",
        "--dry-run",
        "indesign",
        "rendition",
        "--document",
        &doc,
        "--to",
        &to,
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let shown = json(&output);
    assert_eq!(shown["dry_run"]["method"], "POST", "{shown}");
    let mut command = firefly(&emulator);
    command.args([
        "indesign",
        "rendition",
        "--document",
        &doc,
        "--format",
        "png",
        "--resolution",
        "9999",
        "--to",
        &to,
    ]);
    let output = run(command).await;
    assert!(!output.status.success());
    assert!(storage.uploads_to("/out/doc.pdf").is_empty());
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| r.path != "/indesign/v3/create-rendition")
    );
}
