//! InDesign document information: a document's pages and fonts, as JSON.
//!
//! ```sh
//! cargo run --features indesign --example indesign_document_info
//! ```
//!
//! Runs offline against the local emulator; its input lives on storage on
//! 127.0.0.1 (see `common/indesign.rs`). A large report comes back as a
//! `dataURL`, which `indesign_result_data` reads (bounded).

mod common;

use std::process::ExitCode;

use adobe_firefly::indesign::types::DocumentInfoRequest;
use common::indesign::{DOCUMENT, Storage, wait};
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let storage = Storage::start(&[("report.indd", DOCUMENT)]).await?;
    let request: DocumentInfoRequest = serde_json::from_value(json!({
        "assets": [storage.asset("report.indd")],
        "params": {"targetDocument": "report.indd", "pageInfo": {"enabled": true},
                   "fontInfo": {"enabled": true}},
    }))?;
    let job = example.firefly.indesign().document_info(request).await?;
    let outcome = wait(&example, &job).await?;
    let report = example
        .firefly
        .indesign_result_data(&outcome.result().data)
        .await?;
    let path = example.write("document-info", "json", &report).await?;
    println!("saved {}", path.display());
    Ok(())
}
