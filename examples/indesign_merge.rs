//! InDesign data merge: merge the records of a CSV file into a template,
//! one PDF page per record.
//!
//! ```sh
//! cargo run --features indesign --example indesign_merge [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator; its inputs and output live on
//! storage on 127.0.0.1 (see `common/indesign.rs`).

mod common;

use std::process::ExitCode;

use adobe_firefly::indesign::types::MergeDataRequest;
use common::indesign::{DOCUMENT, Storage, wait};
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let csv: &[u8] = b"name,city\nAda,London\nGrace,Arlington\n";
    let storage = Storage::start(&[("badge.indd", DOCUMENT), ("people.csv", csv)]).await?;
    let request: MergeDataRequest = serde_json::from_value(json!({
        "assets": [storage.asset("badge.indd"), storage.asset("people.csv")],
        "params": {"targetDocument": "badge.indd", "dataSource": "people.csv",
                   "outputMediaType": "application/pdf"},
        "outputs": [storage.output("badges.pdf")],
    }))?;
    let job = example.firefly.indesign().merge_data(request).await?;
    let outcome = wait(&example, &job).await?;
    println!("data: {:?}", outcome.result().data);
    storage.save(&example, "badges.pdf").await
}
