//! Adobe's Firefly quickstart in Rust: get a token, submit a generation job
//! for "a realistic illustration of a cat coding", wait for it, save the
//! image and print where.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With FIREFLY_SERVICES_CLIENT_ID and FIREFLY_SERVICES_CLIENT_SECRET (or
//! FIREFLY_SERVICES_ACCESS_TOKEN) set, it talks to Adobe. Without them it
//! starts the local emulator and talks to that instead.

use std::{collections::HashMap, path::PathBuf};

use adobe_firefly::{Firefly, FireflyBuilder, WaitOptions, config::env, types::Image5Request};
use adobe_firefly_emulator::Emulator;

#[tokio::main]
async fn main() {
    if let Err(error) = run().await {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // Kept alive until the end of `run` when used.
    let mut _emulator = None;
    let firefly = if std::env::var_os(env::CLIENT_ID).is_some() {
        Firefly::from_env()?
    } else {
        let emulator = Emulator::start().await?;
        println!(
            "{} is not set: using the local Firefly emulator at {}",
            env::CLIENT_ID,
            emulator.url()
        );
        // The emulator announces itself through Adobe's variable names.
        let vars: HashMap<_, _> = emulator.env_vars().into_iter().collect();
        let client = FireflyBuilder::from_env_with(|name| vars.get(name).cloned())?.build()?;
        _emulator = Some(emulator);
        client
    };

    // Firefly Image Model 5; `generate_images` reaches the earlier models.
    let job = firefly
        .generate_image5(
            Image5Request::builder().prompt("a realistic illustration of a cat coding"),
        )
        .await?;
    println!("submitted job {}", job.job_id);

    let result = firefly
        .wait_for_job_with(&job, &WaitOptions::default(), |status| {
            let state = status.status.as_ref().map_or("unknown", |s| s.as_str());
            match status.progress {
                Some(progress) => println!("  status: {state} ({progress:.0}%)"),
                None => println!("  status: {state}"),
            }
        })
        .await?;

    let folder = PathBuf::from("firefly-output");
    tokio::fs::create_dir_all(&folder).await?;
    for output in &result.outputs {
        let seed = output.seed.unwrap_or_default();
        let Some(url) = output.url() else {
            println!(
                "image with seed {seed} has no URL; read job {} again",
                job.job_id
            );
            continue;
        };
        let path = folder.join(format!("cat-coding-{seed}.png"));
        let bytes = firefly.download_to_file(url, &path).await?;
        println!("saved {} ({bytes} bytes)", path.display());
    }
    Ok(())
}
