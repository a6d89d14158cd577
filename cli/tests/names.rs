//! File names: readable in every script, distinct for distinct prompts and
//! for a repeated prompt, and nothing replaced without `--force`; a batch
//! rerun decides what is done by the request, not by the file name.

mod common;

use adobe_firefly_emulator::Emulator;
use common::*;

async fn generate(emulator: &Emulator, dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let mut command = firefly(emulator);
    command
        .args(["--json", "image", "generate"])
        .args(args)
        .args(["--size", "64x64", "-o"])
        .arg(dir);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    json(&output)
}

fn saved_name(document: &serde_json::Value) -> String {
    let path = document["outputs"][0]["path"].as_str().unwrap();
    std::path::Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_in_any_script_get_readable_distinct_names() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("names-scripts");
    let mut names = Vec::new();
    for prompt in [
        "桜の木の下の猫",
        "富士山の夕焼け",
        "Кошка в саду",
        "A cat, coding!",
    ] {
        let document = generate(&emulator, &dir, &[prompt, "--seed", "7"]).await;
        names.push(saved_name(&document));
    }
    assert_eq!(
        names,
        [
            "桜の木の下の猫-seed-7.png",
            "富士山の夕焼け-seed-7.png",
            "кошка-в-саду-seed-7.png",
            "a-cat-coding-seed-7.png"
        ]
    );
    assert_eq!(files(&dir).len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_prompt_gets_new_names_and_replaces_only_with_force() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("names-repeat");
    // The user's own file, where the first output would go.
    std::fs::write(dir.join("a-dog-seed-7.png"), b"mine").unwrap();
    let first = saved_name(&generate(&emulator, &dir, &["a dog", "--seed", "7"]).await);
    let second = saved_name(&generate(&emulator, &dir, &["a dog", "--seed", "7"]).await);
    assert!(
        first.starts_with("a-dog-seed-7-") && first.ends_with(".png"),
        "{first}"
    );
    assert_eq!(
        second,
        first.replace(".png", "-2.png"),
        "the same request again gets a counter"
    );
    // Another size is another request: its hash tells it apart.
    let mut command = firefly(&emulator);
    command
        .args([
            "--json", "image", "generate", "a dog", "--seed", "7", "--size", "128x128", "-o",
        ])
        .arg(&dir);
    let other = saved_name(&json(&run(command).await));
    assert!(other.starts_with("a-dog-seed-7-"), "{other}");
    assert_ne!(other[..21], first[..21], "{other} vs {first}");
    assert_eq!(
        std::fs::read(dir.join("a-dog-seed-7.png")).unwrap(),
        b"mine"
    );
    assert_eq!(files(&dir).len(), 4);

    let forced = saved_name(&generate(&emulator, &dir, &["a dog", "--seed", "7", "--force"]).await);
    assert_eq!(forced, "a-dog-seed-7.png");
    let replaced = std::fs::read(dir.join("a-dog-seed-7.png")).unwrap();
    assert!(
        replaced.starts_with(b"\x89PNG"),
        "--force replaced the file"
    );
    assert_eq!(files(&dir).len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_rerun_with_a_changed_line_generates_it_again() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("names-batch");
    let prompts = dir.join("prompts.txt");
    let out = dir.join("out");
    let batch = |emulator: &Emulator| {
        let mut command = firefly(emulator);
        command
            .args(["--json", "image", "batch"])
            .arg(&prompts)
            .args(["--size", "64x64", "-o"])
            .arg(&out);
        command
    };
    std::fs::write(&prompts, "Кошка в саду\n猫と犬\n").unwrap();
    let first = json(&run(batch(&emulator)).await);
    assert_eq!(first["succeeded"], 2, "{first}");
    let before = images(&out);
    assert!(
        before
            .iter()
            .any(|f| f.starts_with("0001-кошка-в-саду-seed-")),
        "{before:?}"
    );
    assert!(
        before.iter().any(|f| f.starts_with("0002-猫と犬-seed-")),
        "{before:?}"
    );

    // The first line changes after its 48th letter: the same slug, another
    // request. It is generated again; the unchanged line is skipped.
    let long = "Кошка в саду ".repeat(6);
    std::fs::write(&prompts, format!("{long}днём\n猫と犬\n")).unwrap();
    let first = json(&run(batch(&emulator)).await);
    std::fs::write(&prompts, format!("{long}ночью\n猫と犬\n")).unwrap();
    let second = json(&run(batch(&emulator)).await);
    assert_eq!(
        (first["succeeded"].as_u64(), first["skipped"].as_u64()),
        (Some(1), Some(1)),
        "{first}"
    );
    assert_eq!(
        (second["succeeded"].as_u64(), second["skipped"].as_u64()),
        (Some(1), Some(1)),
        "{second}"
    );
    assert_eq!(images(&out).len(), 4, "{:?}", images(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_never_takes_a_users_file_for_its_own() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("names-users-file");
    let prompts = dir.join("prompts.jsonl");
    std::fs::write(
        &prompts,
        r#"{"prompt": "a fox", "seeds": [7], "size": {"width": 64, "height": 64}}"#,
    )
    .unwrap();
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // The user's file, with the name the output would get.
    std::fs::write(out.join("0001-a-fox-seed-7.png"), b"mine").unwrap();
    let mut command = firefly(&emulator);
    command
        .args(["--json", "image", "batch"])
        .arg(&prompts)
        .arg("-o")
        .arg(&out);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        std::fs::read(out.join("0001-a-fox-seed-7.png")).unwrap(),
        b"mine"
    );
    let journal = std::fs::read_to_string(out.join(".firefly-journal.jsonl")).unwrap();
    assert!(
        !journal.contains("0001-a-fox-seed-7.png\""),
        "the journal never names the user's file: {journal}"
    );
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!page.contains("href=\"0001-a-fox-seed-7.png\""), "{page}");
    assert_eq!(images(&out).len(), 2);
}
