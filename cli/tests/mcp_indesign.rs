//! The InDesign tools of `firefly mcp`, driven by rmcp's client against
//! the emulator, with the files on a storage server on 127.0.0.1: a
//! rendition and a merge written to their PUT URLs, and a file given by
//! anything but a URL refused before anything is sent.

mod common;
mod mcp_support;
mod storage;

use adobe_firefly_emulator::Emulator;
use mcp_support::*;
use serde_json::json;
use storage::Storage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_indesign_tools_write_their_files_to_the_put_urls() {
    let emulator = Emulator::start().await.unwrap();
    let storage = Storage::start().await;
    let doc = storage.input("doc.indd", b"a document".to_vec());
    let csv = storage.input("people.csv", b"name\nAda\n".to_vec());
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&emulator, dir.path(), false).await;

    let rendition = json!({
        "assets": [{"source": {"url": doc}, "destination": "doc.indd"}],
        "params": {"targetDocuments": ["doc.indd"], "outputMediaType": "application/pdf"},
        "outputs": [{"source": "out", "destination": {"url": storage.output("doc.pdf")}}],
    });
    let result = server.call("indesign_rendition", rendition).await;
    assert!(!is_error(&result), "{}", text(&result));
    assert_eq!(
        result.structured_content.as_ref().unwrap()["status"],
        "succeeded"
    );
    assert!(storage.uploaded("doc.pdf").body.starts_with(b"%PDF-"));

    let merge = json!({
        "assets": [{"source": {"url": doc}, "destination": "doc.indd"},
                   {"source": {"url": csv}, "destination": "people.csv"}],
        "params": {"targetDocument": "doc.indd", "dataSource": "people.csv",
                   "outputMediaType": "image/png"},
        "outputs": [{"source": "out", "destination": {"url": storage.output("merged.png")}}],
    });
    let result = server.call("indesign_merge", merge).await;
    assert!(!is_error(&result), "{}", text(&result));
    let done = result.structured_content.as_ref().unwrap();
    assert_eq!(done["data"]["recordsMerged"], 1, "{done}");
    assert!(storage.uploaded("merged.png").body.starts_with(b"\x89PNG"));

    let local = json!({
        "assets": [{"source": {"url": "/home/me/doc.indd"}, "destination": "doc.indd"}],
        "params": {"targetDocuments": ["doc.indd"], "outputMediaType": "application/pdf"},
    });
    let refused = server.call("indesign_rendition", local).await;
    assert!(is_error(&refused));
    assert!(text(&refused).contains("not a URL"), "{}", text(&refused));
    let jobs = emulator
        .requests()
        .iter()
        .filter(|r| r.path == "/indesign/v3/create-rendition")
        .count();
    assert_eq!(jobs, 1, "the refused call sent nothing");
}
