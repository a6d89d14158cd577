//! The `firefly` binary, driven as a user would, against the emulator.

mod common;

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Command, Stdio},
    time::Duration,
};

use adobe_firefly_emulator::Emulator;
use common::*;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_saves_images_with_predictable_names() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("generate");
    let mut command = firefly(&emulator);
    command
        .args([
            "image",
            "generate",
            "A cat, coding!",
            "-n",
            "2",
            "--size",
            "512x512",
            "--content-class",
            "art",
            "-o",
        ])
        .arg(&dir);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let names = files(&dir);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("a-cat-coding-seed-") && n.ends_with(".png")),
        "{names:?}"
    );
    let text = stdout(&output);
    assert!(text.contains("a-cat-coding-seed-"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no progress drawing when stdout is not a terminal"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_is_one_document_per_command() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("json");
    let mut command = firefly(&emulator);
    command
        .args(["--json", "image", "generate", "a dog", "--seed", "7", "-o"])
        .arg(&dir);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let document = json(&output);
    assert!(
        document["job_id"]
            .as_str()
            .unwrap()
            .starts_with("urn:ff:jobs:")
    );
    assert_eq!(document["outputs"][0]["seed"], 7);
    assert!(Path::new(document["outputs"][0]["path"].as_str().unwrap()).exists());

    let mut models = firefly(&emulator);
    models.args(["--json", "model", "list"]);
    let listed = json(&run(models).await);
    assert_eq!(listed["models"].as_array().unwrap().len(), 3, "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_are_named() {
    let emulator = Emulator::start().await.unwrap();
    let mut command = firefly(&emulator);
    command
        .env_remove("FIREFLY_SERVICES_CLIENT_ID")
        .args(["image", "generate", "a cat"]);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("FIREFLY_SERVICES_CLIENT_ID"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_shows_the_token_only_when_asked() {
    let emulator = Emulator::start().await.unwrap();
    let mut quiet = firefly(&emulator);
    quiet.arg("token");
    let output = run(quiet).await;
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.contains("credentials work") && text.contains("expires in 23h"),
        "{text}"
    );
    assert!(!text.contains("emulator-token-"), "{text}");

    let mut shown = firefly(&emulator);
    shown.args(["token", "--show"]);
    assert!(stdout(&run(shown).await).contains("emulator-token-"));

    let mut wrong = firefly(&emulator);
    wrong
        .env("FIREFLY_SERVICES_CLIENT_SECRET", "wrong")
        .arg("token");
    let output = run(wrong).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid_client"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_show_prints_the_one_token_firefly_checked() {
    let emulator = Emulator::start().await.unwrap();
    let mut shown = firefly(&emulator);
    shown.args(["--json", "token", "--show"]);
    let output = run(shown).await;
    assert!(output.status.success(), "{output:?}");
    let printed = json(&output)["access_token"].as_str().unwrap().to_owned();
    assert_eq!(emulator.tokens_issued(), 1, "one IMS request for both");
    assert!(printed.starts_with("emulator-token-1-"), "{printed}");

    // The printed token is one Firefly accepts, used on its own.
    let mut reuse = firefly(&emulator);
    reuse
        .env_remove("FIREFLY_SERVICES_CLIENT_SECRET")
        .env("FIREFLY_SERVICES_ACCESS_TOKEN", &printed)
        .arg("token");
    let output = run(reuse).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(emulator.tokens_issued(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_commands_take_a_file_or_an_upload_id_and_save_outputs() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("image-commands");
    let image = dir.join("input.png");
    std::fs::write(&image, b"\x89PNG\r\n\x1a\ninput").unwrap();

    let mut upload = firefly(&emulator);
    upload.args(["--json", "image", "upload"]).arg(&image);
    let id = json(&run(upload).await)["upload_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36);

    for (name, args) in [
        (
            "expand",
            vec![
                "image",
                "expand",
                "--image",
                image.to_str().unwrap(),
                "--size",
                "1024x512",
            ],
        ),
        (
            "fill",
            vec![
                "image",
                "fill",
                "--image",
                &format!("upload:{id}"),
                "--mask",
                image.to_str().unwrap(),
                "--prompt",
                "roses",
            ],
        ),
        (
            "similar",
            vec![
                "image",
                "similar",
                "--image",
                &format!("upload:{id}"),
                "-n",
                "2",
            ],
        ),
        (
            "composite",
            vec![
                "image",
                "composite",
                "--image",
                &format!("upload:{id}"),
                "--prompt",
                "on a desk",
            ],
        ),
        (
            "video",
            vec!["video", "generate", "a cat walking", "--size", "1280x720"],
        ),
    ] {
        let out = dir.join(name);
        let mut command = firefly(&emulator);
        command.arg("--json").args(&args).arg("-o").arg(&out);
        let output = run(command).await;
        assert!(output.status.success(), "{name}: {output:?}");
        assert!(
            !json(&output)["outputs"].as_array().unwrap().is_empty(),
            "{name}"
        );
        assert!(!files(&out).is_empty(), "{name}");
    }
    assert!(files(&dir.join("video"))[0].ends_with(".mp4"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_cancel_address_a_job_by_its_id() {
    let submit = Emulator::builder()
        .polls_until_done(u32::MAX)
        .start()
        .await
        .unwrap();
    let client = adobe_firefly::Firefly::builder()
        .client_id(submit.client_id())
        .client_secret(submit.client_secret())
        .api_url(submit.url())
        .ims_url(submit.url())
        .build()
        .unwrap();
    let job = client
        .generate_images(adobe_firefly::types::GenerateImagesRequest::builder().prompt("long job"))
        .await
        .unwrap();
    let mut status = firefly(&submit);
    status.args(["job", "status", &job.job_id]);
    assert!(stdout(&run(status).await).starts_with("pending"));
    let mut cancel = firefly(&submit);
    cancel.args(["job", "cancel", &job.job_id]);
    assert!(run(cancel).await.status.success());
    let mut status = firefly(&submit);
    status.args(["--json", "job", "status", &job.job_id]);
    assert_eq!(json(&run(status).await)["status"], "cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_list_shows_the_credentials_secrets() {
    let emulator = Emulator::start().await.unwrap();
    let org = emulator.organization_id().to_owned();
    let credential = emulator.credential_id().to_owned();
    let mut list = firefly(&emulator);
    list.envs([("FIREFLY_SERVICES_MANAGEMENT_URL", emulator.url())])
        .args([
            "--json",
            "secrets",
            "list",
            "--org",
            &org,
            "--credential",
            &credential,
        ]);
    let listed = json(&run(list).await);
    assert_eq!(listed["secrets"].as_array().unwrap().len(), 1, "{listed}");
}

#[test]
fn the_emulator_command_prints_where_it_listens() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(["--json", "emulator", "--faults", "rate_limit_every=3"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let announced: Value = serde_json::from_str(&first).unwrap();
    let url = announced["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(announced["env"]["FIREFLY_SERVICES_API_URL"], url);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let reachable = runtime.block_on(async {
        let firefly = adobe_firefly::Firefly::builder()
            .client_id(
                announced["env"]["FIREFLY_SERVICES_CLIENT_ID"]
                    .as_str()
                    .unwrap(),
            )
            .client_secret(
                announced["env"]["FIREFLY_SERVICES_CLIENT_SECRET"]
                    .as_str()
                    .unwrap(),
            )
            .api_url(&url)
            .ims_url(&url)
            .build()
            .unwrap();
        firefly.check_credentials().await
    });
    child.kill().unwrap();
    child.wait().unwrap();
    reachable.unwrap();
}

#[test]
fn a_bad_faults_spec_is_reported_as_a_faults_spec_with_the_reason() {
    let bad = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(["emulator", "--faults", "explode"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("--faults") && stderr.contains("faults spec"),
        "{stderr}"
    );
    assert!(stderr.contains("unknown fault `explode`"), "{stderr}");
    assert!(!stderr.contains("URL"), "{stderr}");

    let json = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(["--json", "emulator", "--faults", "slow_ms=0"])
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(2));
    let document: Value = serde_json::from_slice(&json.stdout).unwrap();
    let message = document["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("faults spec") && message.contains("`slow_ms=0`"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_input_image_is_named_as_a_file_that_cannot_be_read() {
    let emulator = Emulator::start().await.unwrap();
    let scratch = scratch("unreadable");
    let dir = scratch.to_path_buf();
    let missing = dir.join("missing.png");
    for (what, args, path) in [
        (
            "upload of a missing file",
            vec!["image", "upload"],
            &missing,
        ),
        ("upload of a directory", vec!["image", "upload"], &dir),
        (
            "expand from a missing file",
            vec!["image", "expand", "--image"],
            &missing,
        ),
        (
            "similar from a directory",
            vec!["image", "similar", "--image"],
            &dir,
        ),
    ] {
        let mut command = firefly(&emulator);
        command.args(&args).arg(path);
        let output = run(command).await;
        assert_eq!(output.status.code(), Some(2), "{what}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("cannot read") && stderr.contains(&path.display().to_string()),
            "{what}: {stderr}"
        );
        assert!(!stderr.contains("download"), "{what}: {stderr}");
    }
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| r.path != "/v2/storage/image"),
        "nothing is uploaded"
    );

    let mut command = firefly(&emulator);
    command.args(["--json", "image", "upload"]).arg(&missing);
    let output = run(command).await;
    let message = json(&output)["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("cannot read"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_errors_carry_the_http_status_and_adobe_code() {
    let emulator = Emulator::start().await.unwrap();
    let mut wrong_secret = firefly(&emulator);
    wrong_secret
        .env("FIREFLY_SERVICES_CLIENT_SECRET", "not-the-secret")
        .args(["--json", "image", "generate", "a cat"]);
    let output = run(wrong_secret).await;
    assert!(!output.status.success());
    let error = &json(&output)["error"];
    assert_eq!(error["status"], 400, "{error}");
    assert_eq!(error["error_code"], "invalid_client", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("HTTP 400"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_that_cannot_be_saved_is_reported_with_its_job_id_and_urls() {
    // The pre-signed URLs have expired by the time they are fetched.
    let emulator = Emulator::builder()
        .url_lifetime(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let dir = scratch("unsaved");
    let mut command = firefly(&emulator);
    command
        .args([
            "--json",
            "image",
            "generate",
            "a paid cat",
            "-n",
            "2",
            "--size",
            "64x64",
            "-o",
        ])
        .arg(&dir);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let error = &json(&output)["error"];
    assert_eq!(error["kind"], "unsaved", "{error}");
    let job_id = error["job_id"].as_str().expect("the job id is reported");
    assert!(job_id.starts_with("urn:ff:jobs:"), "{error}");
    let urls = error["output_urls"].as_array().unwrap();
    assert_eq!(urls.len(), 2, "{error}");
    assert!(
        urls.iter()
            .all(|u| u.as_str().unwrap().contains("/storage/")),
        "{error}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(job_id), "{stderr}");
    assert!(images(&dir).is_empty(), "{:?}", files(&dir));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_output_folder_that_cannot_take_files_is_refused_before_anything_is_paid_for() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("blocked-folder");
    // A file where the output folder should be, and a folder under it.
    let blocked = dir.join("not-a-folder");
    std::fs::write(&blocked, b"mine").unwrap();
    for target in [blocked.clone(), blocked.join("below")] {
        let mut command = firefly(&emulator);
        command
            .args([
                "--json",
                "image",
                "generate",
                "a paid cat",
                "--size",
                "64x64",
                "-o",
            ])
            .arg(&target);
        let output = run(command).await;
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let error = &json(&output)["error"];
        assert_eq!(error["kind"], "output_file", "{error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("nothing was submitted"),
            "{error}"
        );
    }
    let submitted = emulator
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.contains("/generate"))
        .count();
    assert_eq!(submitted, 0, "no job was submitted");
    assert_eq!(std::fs::read(&blocked).unwrap(), b"mine");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_never_replaces_an_existing_file() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("no-overwrite");
    let mut names = Vec::new();
    for _ in 0..2 {
        let mut command = firefly(&emulator);
        command
            .args(["image", "generate", "the same dog", "--size", "64x64", "-o"])
            .arg(&dir);
        let output = run(command).await;
        assert!(output.status.success(), "{output:?}");
        names.push(files(&dir));
    }
    assert_eq!(names[0].len(), 1);
    assert_eq!(
        names[1].len(),
        2,
        "the second run kept the first file: {:?}",
        names[1]
    );
}
