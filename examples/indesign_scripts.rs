//! InDesign custom scripts, the whole lifecycle: list the InDesign
//! versions, upload a script (a ZIP file), list the scripts, run it on a
//! document, pin it to a major version, read its details, delete it.
//!
//! ```sh
//! cargo run --features indesign --example indesign_scripts [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator; the document and the output
//! live on storage on 127.0.0.1 (see `common/indesign.rs`).

mod common;

use std::process::ExitCode;

use adobe_firefly::indesign::types::{JobRequestWithOutputs, ScriptAppVersionRequest};
use common::indesign::{DOCUMENT, Storage, wait};
use serde_json::json;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let storage = Storage::start(&[("poster.indd", DOCUMENT)]).await?;
    let indesign = example.firefly.indesign();

    for version in indesign.app_versions().await? {
        println!(
            "InDesign {}.{} ({:?})",
            version.major_app_version.unwrap_or_default(),
            version.minor_app_version.unwrap_or_default(),
            version.status
        );
    }
    // A real script ZIP holds the script and its manifest.json.
    let zip = b"PK\x03\x04manifest.json and export.jsx".to_vec();
    let upload = indesign.submit_script("export-pages.zip", zip).await?;
    let (id, name) = match (upload.script_id(), upload.script_name()) {
        (Some(id), Some(name)) => (id.to_owned(), name.to_owned()),
        _ => return Err("the upload's URL names no script".into()),
    };
    println!("uploaded script {name} ({id})");
    let page = indesign.list_scripts(None).await?;
    println!("{} script(s) uploaded", page.capabilities.len());

    let run: JobRequestWithOutputs = serde_json::from_value(json!({
        "assets": [storage.asset("poster.indd")],
        "outputs": [storage.output("script-output.json")],
    }))?;
    let job = indesign.run_script(&id, &name, run).await?;
    wait(&example, &job).await?;
    storage.save(&example, "script-output.json").await?;

    let pin: ScriptAppVersionRequest = serde_json::from_value(json!({
        "appVersionStrategy": "fixed_major_version", "majorAppVersion": "20"}))?;
    indesign.update_script_app_version(&name, pin).await?;
    let details = indesign.script_details(&name).await?;
    println!(
        "{name} runs on InDesign {:?} ({:?})",
        details.major_app_version, details.app_version_strategy
    );
    indesign.delete_script(&name).await?;
    println!("deleted {name}");
    Ok(())
}
