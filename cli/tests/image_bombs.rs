//! Outputs that are decompression bombs: PNGs small on disk that claim (or
//! really have) far more pixels than a preview may decode. `firefly mcp`
//! answers four at once with "no preview" and a reason, keeping its memory
//! under 300 MB, and `--show` names the file instead of showing it; each
//! file is still saved.
//!
//! The bombs reach the CLI as Firefly's outputs through an HTTP proxy on
//! 127.0.0.1 (the CLI's `HTTP_PROXY`) that passes every request on to the
//! emulator, except downloads from its storage, which it answers itself.
#![cfg(target_os = "linux")]

mod common;
mod mcp_support;

use std::{
    io::Cursor,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{
        Arc, LazyLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use adobe_firefly_emulator::Emulator;
use image::{
    ExtendedColorType, ImageEncoder,
    codecs::png::{CompressionType, FilterType, PngEncoder},
};
use mcp_support::{DEADLINE, Recorder, is_error, text};
use rmcp::{ServiceExt, transport::TokioChildProcess};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    time::timeout,
};

/// The most memory `firefly mcp` may have used, previews included.
const MAX_RSS_KIB: u64 = 300 * 1024;

/// A 1x1 PNG whose header claims 60000x60000 pixels: a few dozen bytes on
/// disk, 10 GB decoded.
static CLAIMS_HUGE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut png = png(1, 1, &[0, 0, 0]);
    // IHDR's data follows the signature (8), its length (4) and type (4).
    png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
});

/// A black 8000x8000 RGB PNG, within the side and pixel bounds: about
/// 190 KB on disk, 183 MiB decoded.
static BLACK_8000: LazyLock<Vec<u8>> =
    LazyLock::new(|| png(8_000, 8_000, &vec![0; 8_000 * 8_000 * 3]));

fn png(width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    // Best compression, unfiltered: black compresses about a thousand-fold.
    PngEncoder::new_with_quality(
        Cursor::new(&mut out),
        CompressionType::Best,
        FilterType::NoFilter,
    )
    .write_image(pixels, width, height, ExtendedColorType::Rgb8)
    .unwrap();
    out
}

/// PNG's CRC-32 (ISO 3309), bit by bit.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The proxy: its URL for `HTTP_PROXY`.
struct BombProxy {
    url: String,
}

impl BombProxy {
    /// Answers the n-th download with `bombs[n % len]`.
    async fn start(bombs: Vec<&'static [u8]>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let downloads = Arc::new(AtomicUsize::new(0));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let bombs = bombs.clone();
                let downloads = downloads.clone();
                tokio::spawn(async move {
                    let _ = relay(stream, &bombs, &downloads).await;
                });
            }
        });
        Self { url }
    }
}

/// One request, in the absolute form a client sends a proxy: a download is
/// answered with the next bomb; anything else is passed on to the host it
/// names, asking it to close the connection after its answer, which is
/// passed back as it comes.
async fn relay(
    mut client: TcpStream,
    bombs: &[&[u8]],
    downloads: &AtomicUsize,
) -> std::io::Result<()> {
    let mut request = Vec::new();
    let head_end = loop {
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let mut buf = [0; 4096];
        let n = client.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&request[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap_or_default().split(' ');
    let (method, target) = (
        start.next().unwrap_or_default(),
        start.next().unwrap_or_default(),
    );
    let target = url::Url::parse(target).expect("a proxy is sent absolute URLs");
    let mut headers = String::new();
    let mut length = 0;
    for line in lines.filter(|line| !line.is_empty()) {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        match name.to_ascii_lowercase().as_str() {
            "connection" | "proxy-connection" | "keep-alive" => continue,
            "content-length" => length = value.trim().parse().unwrap(),
            "transfer-encoding" => panic!("the CLI sends no chunked bodies here: {head}"),
            _ => {}
        }
        headers.push_str(line);
        headers.push_str("\r\n");
    }
    while request.len() < head_end + length {
        let mut buf = [0; 4096];
        let n = client.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    if method == "GET" && target.path().starts_with("/storage/") {
        let bomb = bombs[downloads.fetch_add(1, Ordering::SeqCst) % bombs.len()];
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n",
            bomb.len()
        );
        client.write_all(answer.as_bytes()).await?;
        client.write_all(bomb).await?;
        return client.shutdown().await;
    }
    let address = (
        target.host_str().unwrap_or_default().to_owned(),
        target.port().unwrap_or(80),
    );
    let mut upstream = TcpStream::connect(address).await?;
    let path = &target[url::Position::BeforePath..url::Position::AfterQuery];
    let forwarded = format!("{method} {path} HTTP/1.1\r\n{headers}connection: close\r\n\r\n");
    upstream.write_all(forwarded.as_bytes()).await?;
    upstream.write_all(&request[head_end..]).await?;
    tokio::io::copy(&mut upstream, &mut client).await?;
    client.shutdown().await
}

/// The variables that send the CLI's requests through `proxy`.
fn through(proxy: &BombProxy) -> [(&'static str, String); 3] {
    [
        ("HTTP_PROXY", proxy.url.clone()),
        ("NO_PROXY", String::new()),
        ("no_proxy", String::new()),
    ]
}

/// The highest resident memory of process `pid` so far, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_bomb_previews_at_once_get_reasons_and_little_memory() {
    let (huge, black) = (&CLAIMS_HUGE[..], &BLACK_8000[..]);
    assert!(
        huge.len() < 1024 && black.len() < 256 * 1024,
        "small on disk"
    );
    let emulator = Emulator::start().await.unwrap();
    let proxy = BombProxy::start(vec![huge, black, black, black]).await;
    let dir = tempfile::tempdir().unwrap();

    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_firefly"));
    for (name, _) in std::env::vars() {
        if name.starts_with("FIREFLY_") {
            command.env_remove(name);
        }
    }
    command
        .envs(emulator.env_vars())
        .envs(through(&proxy))
        .env("FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES", "1")
        .args(["mcp", "--poll-ms", "20", "--output-dir"])
        .arg(dir.path());
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = transport.id().unwrap();
    let (progress, _received) = tokio::sync::mpsc::unbounded_channel();
    let client = timeout(DEADLINE, Recorder { progress }.serve(transport))
        .await
        .expect("the server answers initialize")
        .unwrap();

    let calls = (0..4).map(|n| {
        let arguments = json!({
            "prompt": format!("bomb {n}"),
            "size": {"width": 64, "height": 64},
        });
        let Ok(serde_json::Value::Object(arguments)) = serde_json::to_value(arguments) else {
            unreachable!()
        };
        let params =
            rmcp::model::CallToolRequestParams::new("generate_images").with_arguments(arguments);
        timeout(DEADLINE, client.call_tool(params))
    });
    let results = futures::future::join_all(calls).await;
    let peak = peak_rss_kib(pid);
    assert!(peak < MAX_RSS_KIB, "firefly mcp peaked at {peak} KiB");

    let (mut claims, mut too_large) = (0, 0);
    for result in results {
        let result = result.expect("the call ends in time").unwrap();
        let message = text(&result);
        assert!(!is_error(&result), "{message}");
        assert!(
            !result
                .content
                .iter()
                .any(|block| block.as_image().is_some())
        );
        let document = result.structured_content.clone().unwrap();
        let saved = PathBuf::from(document["saved"][0]["path"].as_str().unwrap());
        assert!(saved.starts_with(dir.path()), "{}", saved.display());
        let size = std::fs::metadata(&saved).unwrap().len() as usize;
        assert!(
            size == CLAIMS_HUGE.len() || size == BLACK_8000.len(),
            "{size}"
        );
        let reason = format!("no preview: {}: ", saved.display());
        assert!(message.contains(&reason), "{message}");
        if message.contains("it claims 60000x60000 pixels, far beyond any image Firefly makes") {
            claims += 1;
        }
        if message
            .contains("its 8000x8000 pixels would take 184 MiB to decode, more than the 64 MiB")
        {
            too_large += 1;
        }
    }
    assert_eq!((claims, too_large), (1, 3));
    client.cancel().await.unwrap();
}

/// Runs `firefly generate --show` in a pseudo-terminal (util-linux
/// `script`), its downloads answered with `bomb`; what the terminal got.
async fn show(emulator: &Emulator, bomb: &'static [u8], dir: &Path) -> String {
    let proxy = BombProxy::start(vec![bomb]).await;
    let line = format!(
        "stty cols 80 rows 24; '{}' generate 'a bomb' --size 64x64 --seed 3 --show -o '{}'",
        env!("CARGO_BIN_EXE_firefly"),
        dir.display()
    );
    let mut command = common::firefly(emulator);
    command.envs(through(&proxy)).env("TERM", "xterm-256color");
    let mut script = Command::new("script");
    script.args(["-qec", &line, "/dev/null"]);
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => script.env(name, value),
            None => script.env_remove(name),
        };
    }
    let mut script = tokio::process::Command::from(script);
    script.stdin(Stdio::null()).kill_on_drop(true);
    let output = timeout(DEADLINE, script.output())
        .await
        .expect("firefly ends in time")
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_names_a_bomb_instead_of_decoding_it() {
    let emulator = Emulator::start().await.unwrap();
    for (bomb, reason) in [
        (
            &CLAIMS_HUGE[..],
            "it claims 60000x60000 pixels, far beyond any image Firefly makes",
        ),
        (
            &BLACK_8000[..],
            "its 8000x8000 pixels would take 184 MiB to decode",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let screen = show(&emulator, bomb, dir.path()).await;
        let saved = dir.path().join("a-bomb-seed-3.png");
        assert_eq!(std::fs::read(&saved).unwrap(), bomb, "saved as downloaded");
        let warning = format!("warning: cannot show {}: {reason}", saved.display());
        assert!(screen.contains(&warning), "{screen}");
        assert!(!screen.contains('▄'), "nothing drawn: {screen}");
    }
}
