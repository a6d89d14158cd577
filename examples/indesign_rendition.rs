//! InDesign rendition: render a document as a PDF and its first page as a
//! PNG.
//!
//! ```sh
//! cargo run --features indesign --example indesign_rendition [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator; its input and outputs live on
//! storage on 127.0.0.1 (see `common/indesign.rs`); files go to FOLDER, or
//! to a temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::indesign::types::RenditionRequest;
use common::indesign::{DOCUMENT, Storage, wait};
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let storage = Storage::start(&[("brochure.indd", DOCUMENT)]).await?;
    for (media_type, output) in [
        ("application/pdf", "brochure.pdf"),
        ("image/png", "page.png"),
    ] {
        let request: RenditionRequest = serde_json::from_value(json!({
            "assets": [storage.asset("brochure.indd")],
            "params": {"targetDocuments": ["brochure.indd"], "outputMediaType": media_type,
                       "pageRange": "1", "resolution": 72},
            "outputs": [storage.output(output)],
        }))?;
        let job = example.firefly.indesign().create_rendition(request).await?;
        wait(&example, &job).await?;
        storage.save(&example, output).await?;
    }
    Ok(())
}
