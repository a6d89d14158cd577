//! Custom models: list the organization's custom models, one page and then
//! all of them as a stream, and generate an image with the first one.
//!
//! ```sh
//! cargo run --example custom_models [-- FOLDER]
//! ```
//!
//! Runs offline against the local emulator, or against Adobe when
//! `FIREFLY_SERVICES_CLIENT_ID` is set; files go to FOLDER, or to a
//! temporary folder deleted at the end.

mod common;

use std::process::ExitCode;

use adobe_firefly::{
    CustomModelsQuery, WaitOptions,
    types::{GenerateImagesRequest, ImageModelVersion},
};
use futures::TryStreamExt;

/// Prints the error and exits with 1 if the example fails.
#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

/// Lists the custom models and generates an image with the first.
async fn run() -> common::Result {
    let example = common::Example::start().await?;
    let firefly = &example.firefly;

    // One page, for a paged display.
    let page = firefly
        .custom_models_page(&CustomModelsQuery::new().page_size(2), 0)
        .await?;
    println!(
        "first page: {} of {} models",
        page.custom_models.len(),
        page.total_count.map_or("?".to_owned(), |n| n.to_string())
    );

    // Every model: the stream fetches the pages as it is read.
    let models: Vec<_> = firefly
        .custom_models(CustomModelsQuery::new())
        .try_collect()
        .await?;
    for model in &models {
        let name = model.display_name.as_deref().unwrap_or("(unnamed)");
        let id = model.asset_id.as_deref().unwrap_or("(no id)");
        let mode = model.training_mode.as_deref().unwrap_or("?");
        println!("- {name}: {id}, trained on a {mode}");
    }

    let Some((model, id)) = models.iter().find_map(|m| Some((m, m.asset_id.clone()?))) else {
        println!("no custom model to generate with");
        return Ok(());
    };
    // The model version follows the custom model's base model.
    let base = model.base_model.as_ref().and_then(|b| b.name.as_deref());
    let version = match base {
        Some(name) if name.starts_with("image4") => ImageModelVersion::Image4Custom,
        _ => ImageModelVersion::Image3Custom,
    };
    let prompt = model.sample_prompt.as_deref().unwrap_or("a portrait");
    let request = GenerateImagesRequest::builder()
        .prompt(prompt)
        .custom_model_id(id);
    let job = firefly.generate_images_with_model(request, version).await?;
    println!("submitted job {} with {version}: {prompt:?}", job.job_id);

    let result = firefly.wait_for_job(&job, &WaitOptions::default()).await?;
    example.save(&result, "custom-model").await?;
    Ok(())
}
