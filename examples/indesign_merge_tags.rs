//! InDesign data-merge tags: list a template's merge fields against a CSV
//! file's columns.
//!
//! ```sh
//! cargo run --features indesign --example indesign_merge_tags
//! ```
//!
//! Runs offline against the local emulator; its inputs live on storage on
//! 127.0.0.1 (see `common/indesign.rs`).

mod common;

use std::process::ExitCode;

use adobe_firefly::indesign::types::MergeDataTagsRequest;
use common::indesign::{DOCUMENT, Storage, wait};
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let csv: &[u8] = b"name,@photo\nAda,ada.png\n";
    let storage = Storage::start(&[("badge.indd", DOCUMENT), ("people.csv", csv)]).await?;
    let request: MergeDataTagsRequest = serde_json::from_value(json!({
        "assets": [storage.asset("badge.indd"), storage.asset("people.csv")],
        "params": {"targetDocument": "badge.indd", "dataSource": "people.csv"},
    }))?;
    let job = example.firefly.indesign().merge_data_tags(request).await?;
    let outcome = wait(&example, &job).await?;
    let bytes = example
        .firefly
        .indesign_result_data(&outcome.result().data)
        .await?;
    println!("{}", String::from_utf8_lossy(&bytes));
    Ok(())
}
