//! The contact sheet (`index.html`) a batch leaves in its folder: what it
//! lists, that nothing from a prompt or an error becomes markup, that
//! `firefly image gallery` rebuilds it, and (with `--ignored`, needing Debian's
//! `chromium` and `chromium-driver`) that a real browser shows every image.

mod common;

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use adobe_firefly_emulator::{Emulator, Faults};
use common::*;
use serde_json::{Value, json};

const HOSTILE: &str = r#"<b>bold</b> & "quoted" <img src=x onerror=alert(1)> owl"#;

/// A finished batch of five lines against an emulator that fails every third
/// job: line 3 fails on Adobe's side, line 4 is not JSON. Returns the
/// scratch folder (removed when dropped) and the output folder in it.
async fn finished_batch(name: &str) -> (Scratch, PathBuf) {
    let emulator = Emulator::builder()
        .faults(Faults::none().fail_jobs_every(3))
        .start()
        .await
        .unwrap();
    let dir = scratch(name);
    let prompts = dir.join("prompts.jsonl");
    let size = json!({"width": 192, "height": 192});
    let lines = [
        json!({"prompt": "a red fox in the snow", "numVariations": 2, "size": size}).to_string(),
        json!({"prompt": HOSTILE, "size": size}).to_string(),
        json!({"prompt": "a hare that will not be", "size": size}).to_string(),
        "{prompt: oops}".to_owned(),
        json!({"prompt": "桜の木の下の猫", "size": size}).to_string(),
    ];
    std::fs::write(&prompts, lines.join("\n")).unwrap();
    let out = dir.join("out");
    let mut command = firefly(&emulator);
    command
        .args(["--json", "image", "batch"])
        .arg(&prompts)
        .args(["--concurrency", "1", "-o"])
        .arg(&out);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let summary = json(&output);
    assert_eq!(
        (summary["succeeded"].as_u64(), summary["failed"].as_u64()),
        (Some(3), Some(2)),
        "{summary}"
    );
    (dir, out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_leaves_a_contact_sheet_that_gallery_rebuilds() {
    let (_dir, out) = finished_batch("sheet").await;
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains(r#"name="viewport""#));
    let saved = images(&out);
    assert_eq!(saved.len(), 4, "{saved:?}");
    for image in &saved {
        let encoded: String = image
            .chars()
            .map(|c| {
                if c.is_ascii() {
                    c.to_string()
                } else {
                    let mut buffer = [0; 4];
                    c.encode_utf8(&mut buffer)
                        .bytes()
                        .map(|b| format!("%{b:02X}"))
                        .collect()
                }
            })
            .collect();
        assert!(
            page.contains(&format!(r#"href="./{encoded}""#)),
            "{image} is not linked: {page}"
        );
    }
    // Nothing from a prompt becomes markup.
    assert!(!page.contains("<b>bold</b>"), "{page}");
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(page.contains("&lt;b&gt;bold&lt;/b&gt; &amp;"), "{page}");
    // Failures: Adobe's code and message, and the bad line in plain words.
    assert!(page.contains("runtime_error"), "{page}");
    assert!(page.contains("a hare that will not be"), "{page}");
    assert!(page.contains("line 4 is not valid JSON"), "{page}");
    assert!(page.contains("seed "), "{page}");
    assert!(page.contains("urn:ff:jobs:"), "{page}");
    assert!(page.contains("192x192"), "{page}");

    std::fs::remove_file(out.join("index.html")).unwrap();
    let gallery = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(["--json", "image", "gallery"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(gallery.status.success(), "{gallery:?}");
    let summary: Value = serde_json::from_slice(&gallery.stdout).unwrap();
    assert_eq!(
        (summary["prompts"].as_u64(), summary["failed"].as_u64()),
        (Some(5), Some(2)),
        "{summary}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        page,
        "gallery rebuilds the page the batch wrote"
    );
    // No temporary page is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn gallery_refuses_a_folder_without_a_journal() {
    let dir = scratch("sheet-no-journal");
    let output = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(["--json", "image", "gallery"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(!dir.join("index.html").exists());
}

#[test]
fn gallery_says_when_the_folder_does_not_exist() {
    let parent = scratch("sheet-missing");
    let missing = parent.join("no-such-folder");
    let output = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(["--json", "image", "gallery"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let message = document["error"]["message"].as_str().unwrap();
    assert!(message.contains("is not a folder"), "{message}");
    assert!(!missing.exists(), "nothing is made");
}

#[test]
fn gallery_links_stay_relative_and_skips_an_overlong_journal_line() {
    let dir = scratch("sheet-planted");
    std::fs::write(dir.join("javascript:alert(1)"), b"not really a picture").unwrap();
    let entry = |key: &str, line: u64, prompt: &str| {
        json!({"key": key, "line": line, "prompt": prompt, "state": "submitting", "details": {}})
            .to_string()
    };
    let huge = "y".repeat(100 * 1024);
    let journal = [
        entry("k1", 1, "a planted name"),
        json!({"key": "k1", "state": "file", "index": 0, "path": "javascript:alert(1)"})
            .to_string(),
        json!({"key": "k1", "line": 1, "state": "saved", "job_id": "j1", "files": []}).to_string(),
        entry("k2", 2, &huge),
        entry("k3", 3, "after the long line"),
    ]
    .join("\n");
    std::fs::write(dir.join(".firefly-journal.jsonl"), journal).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(["--json", "image", "gallery"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["prompts"].as_u64(), Some(2), "{summary}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("longer than 65536 bytes"), "{stderr}");
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(page.contains(r#"href="./javascript%3Aalert(1)""#), "{page}");
    assert!(!page.contains(r#"="javascript:"#), "{page}");
    assert!(!page.contains(&huge), "the long line is not shown");
    assert!(page.contains("after the long line"), "{page}");
}

/// `chromedriver` on a free port, until dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian: apt-get install chromium-driver)");
    // chromedriver says when it listens.
    let stdout = child.stdout.take().unwrap();
    let (ready, started) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("started successfully") {
                let _ = ready.send(());
            }
        }
    });
    started
        .recv_timeout(Duration::from_secs(30))
        .expect("chromedriver did not start within 30 s");
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run runs it"]
async fn the_contact_sheet_shows_every_image_in_headless_chromium() {
    let (_dir, out) = finished_batch("sheet-browser").await;
    let driver = start_chromedriver();
    let profile = scratch("sheet-browser-profile");
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--window-size=1000,1100",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let client =
        fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .expect("a chromium session");
    let page = format!("file://{}", out.join("index.html").display());
    client.goto(&page).await.unwrap();

    // Every image has loaded (or failed to): wait for that, with a deadline.
    let deadline = Instant::now() + Duration::from_secs(30);
    let images = loop {
        let images = client
            .execute(
                "return Array.from(document.images).map(i => \
                 ({src: i.getAttribute('src'), complete: i.complete, width: i.naturalWidth}));",
                vec![],
            )
            .await
            .unwrap();
        let all_complete = images
            .as_array()
            .unwrap()
            .iter()
            .all(|image| image["complete"] == true);
        if all_complete || Instant::now() > deadline {
            break images;
        }
        tokio::task::yield_now().await;
    };
    let shown = images.as_array().unwrap();
    assert_eq!(shown.len(), common::images(&out).len(), "{shown:?}");
    for image in shown {
        assert!(
            image["width"].as_u64().unwrap_or(0) > 0,
            "an image did not decode: {image}"
        );
    }
    let failed = client
        .execute(
            "return Array.from(document.querySelectorAll('section.failed h2'))\
             .map(h => h.textContent);",
            vec![],
        )
        .await
        .unwrap();
    let failed: Vec<&str> = failed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed[0].contains("a hare that will not be"), "{failed:?}");
    assert!(failed[1].contains("{prompt: oops}"), "{failed:?}");
    let injected = client
        .execute(
            "return document.querySelectorAll('b, script').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(injected, json!(0), "a prompt became markup");

    let screenshot = client.screenshot().await.unwrap();
    let saved_to = std::env::var_os("FIREFLY_CONTACT_SHEET_SCREENSHOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("contact-sheet.png"));
    std::fs::write(&saved_to, &screenshot).unwrap();
    eprintln!("screenshot: {}", saved_to.display());

    // On a phone's width, nothing runs off the side.
    client.set_window_size(412, 915).await.unwrap();
    let fits = client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits, json!(true), "the page is wider than a phone");
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_follows_a_running_batch_and_stays_correct_when_it_is_killed() {
    // Two jobs finish; the third runs until it is cancelled, so the batch is
    // still running however long the page takes to show the first two.
    let emulator = Emulator::builder()
        .jobs_that_finish(2)
        .start()
        .await
        .unwrap();
    let dir = scratch("sheet-killed");
    let prompts = dir.join("prompts.txt");
    let lines: Vec<String> = (1..=8).map(|i| format!("slow scene {i}")).collect();
    std::fs::write(&prompts, lines.join("\n")).unwrap();
    let out = dir.join("out");
    let mut command = firefly(&emulator);
    command
        .args(["image", "batch"])
        .arg(&prompts)
        .args(["--concurrency", "1", "--size", "64x64", "-o"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let page = out.join("index.html");
    let linked = |html: &str| html.matches("<img src=").count();
    // Wait for the page to show two finished prompts, while the batch runs.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let html = std::fs::read_to_string(&page).unwrap_or_default();
        if linked(&html) >= 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the page never showed two images"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the page was written while the batch was still running"
    );
    assert_eq!(linked(&std::fs::read_to_string(&page).unwrap()), 2);
    child.kill().unwrap();
    child.wait().unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    // Every image the page shows is there, and every saved image is on it.
    let on_disk = images(&out);
    for src in html.split("<img src=\"").skip(1) {
        let name = &src[..src.find('"').unwrap()];
        let name = name.strip_prefix("./").expect("a relative link");
        assert!(on_disk.iter().any(|f| f == name), "{name} is not on disk");
    }
    assert_eq!(on_disk.len(), 2, "{on_disk:?}");
    assert_eq!(linked(&html), 2, "{html}");
}
