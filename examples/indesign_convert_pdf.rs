//! InDesign PDF conversion: convert a PDF file into an IDML package,
//! written as a ZIP file.
//!
//! ```sh
//! cargo run --features indesign --example indesign_convert_pdf [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator; its input and output live on
//! storage on 127.0.0.1 (see `common/indesign.rs`).

mod common;

use std::process::ExitCode;

use adobe_firefly::indesign::types::ConvertPdfRequest;
use common::indesign::{Storage, wait};
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let pdf: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n";
    let storage = Storage::start(&[("flyer.pdf", pdf)]).await?;
    let request: ConvertPdfRequest = serde_json::from_value(json!({
        "assets": [storage.asset("flyer.pdf")],
        "params": {"targetDocuments": ["flyer.pdf"],
                   "outputMediaType": "application/vnd.adobe.indesign-idml-package"},
        "outputs": [storage.output("flyer.zip")],
    }))?;
    let job = example
        .firefly
        .indesign()
        .convert_pdf_to_indesign(request)
        .await?;
    wait(&example, &job).await?;
    storage.save(&example, "flyer.zip").await
}
