//! InDesign link remapping: point a document's links at new URIs (such as
//! Adobe Experience Manager's) and save the changed document.
//!
//! ```sh
//! cargo run --features indesign --example indesign_remap_links [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator; its input and output live on
//! storage on 127.0.0.1 (see `common/indesign.rs`). Against Adobe, the
//! AEM token would be your AEM technical account's.

mod common;

use std::process::ExitCode;

use adobe_firefly::indesign::types::RemapLinksRequest;
use common::indesign::{DOCUMENT, Storage, wait};
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let storage = Storage::start(&[("catalog.indd", DOCUMENT)]).await?;
    let request: RemapLinksRequest = serde_json::from_value(json!({
        "assets": [storage.asset("catalog.indd")],
        "params": {"targetDocument": ["catalog.indd"],
                   "dataSource": [{"sourceURI": "file:///Images/shoe.psd",
                                   "destinationURI": "https://author.example.com/content/dam/shoe.psd"}]},
        "outputs": [storage.output("catalog.indd")],
    }))?;
    let job = example
        .firefly
        .indesign()
        .remap_links("an-aem-access-token", request)
        .await?;
    wait(&example, &job).await?;
    storage.save(&example, "catalog.indd").await
}
