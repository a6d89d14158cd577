//! `firefly`: Adobe Firefly from the command line, built on the
//! `adobe-firefly` library's public API.
//!
//! Credentials come from the same environment variables as the library
//! (`FIREFLY_SERVICES_CLIENT_ID`, `FIREFLY_SERVICES_CLIENT_SECRET`, ...).

mod batch;
mod error;
mod output;

use std::{path::PathBuf, process::ExitCode, time::Duration};

use adobe_firefly::{
    CustomModelsQuery, Firefly, WaitOptions,
    auth::{ImsTokenManager, TokenPolicy},
    config::{self, env},
    secrets::SecretsManager,
    types::{
        ContentClass, ExpandImageRequest, FillImageRequest, GenerateImagesRequest,
        GenerateObjectCompositeRequest, GenerateSimilarImagesRequest, GenerateVideoRequest,
        ImageModelVersion, InputImage, InputSource, JobAccepted, Mask, PublishedStateFilter, Size,
        StyleOptions, VideoSize,
    },
};
use adobe_firefly_emulator::{EmulatorBuilder, Faults};
use clap::{Args, Parser, Subcommand};
use futures::TryStreamExt;
use serde_json::json;

use crate::{
    error::CliError,
    output::{Output, Saved},
};

/// Generate images with Adobe Firefly from the command line.
///
/// Credentials come from FIREFLY_SERVICES_CLIENT_ID and
/// FIREFLY_SERVICES_CLIENT_SECRET (or FIREFLY_SERVICES_ACCESS_TOKEN);
/// FIREFLY_SERVICES_API_URL and FIREFLY_SERVICES_IMS_URL point elsewhere,
/// for example at `firefly emulator`.
#[derive(Parser)]
#[command(name = "firefly", version)]
struct Cli {
    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,

    /// Milliseconds before the first status poll of a job; later polls back
    /// off from there.
    #[arg(long, global = true, default_value_t = 1000, value_name = "MS")]
    poll_ms: u64,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate images from a prompt and save them.
    Generate(GenerateArgs),
    /// Generate images for every prompt of a file (.txt: one per line;
    /// .jsonl: one request body per line), resumably.
    Batch(batch::BatchArgs),
    /// Expand an image beyond its borders.
    Expand(ExpandArgs),
    /// Fill the masked area of an image.
    Fill(FillArgs),
    /// Generate variations of an image.
    Similar(SimilarArgs),
    /// Place the object of an image into a generated scene.
    Composite(CompositeArgs),
    /// Upload an image (JPEG, PNG or WEBP) and print its upload id.
    Upload {
        /// The image file.
        path: PathBuf,
    },
    /// Generate a video from a prompt and save it.
    Video(VideoArgs),
    /// Show the status of a job.
    Status {
        /// The job id.
        job_id: String,
    },
    /// Cancel a job.
    Cancel {
        /// The job id.
        job_id: String,
    },
    /// List the organization's custom models.
    Models {
        /// Which models: all, ready, published, unpublished, queued, training,
        /// failed, cancelled.
        #[arg(long, value_parser = parse_published_state)]
        state: Option<PublishedStateFilter>,
    },
    /// Check that the credentials work and show when the token expires.
    Token {
        /// Also print the access token itself.
        #[arg(long)]
        show: bool,
    },
    /// Rotate client secrets (Adobe I/O Management API).
    Secrets {
        #[command(subcommand)]
        action: SecretsAction,
    },
    /// Run the local Firefly emulator and print how to point the SDK at it.
    Emulator {
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Faults to inject, e.g. `rate_limit_every=3,server_errors=503x2/10`
        /// (see FIREFLY_EMULATOR_FAULTS).
        #[arg(long, default_value = "")]
        faults: String,
    },
}

#[derive(Args, Clone)]
struct ImageOptions {
    /// Images to generate, 1 to 4.
    #[arg(short = 'n', long = "variations")]
    variations: Option<i32>,
    /// Output size, WIDTHxHEIGHT (for example 2048x2048).
    #[arg(long, value_parser = parse_size)]
    size: Option<Size>,
    /// Seeds, one per image.
    #[arg(long = "seed")]
    seeds: Vec<i64>,
    /// Directory to save the images in.
    #[arg(short = 'o', long = "output", default_value = ".")]
    output: PathBuf,
}

#[derive(Args)]
struct GenerateArgs {
    /// What to generate.
    prompt: String,
    #[command(flatten)]
    image: ImageOptions,
    /// photo or art.
    #[arg(long, value_parser = parse_content_class)]
    content_class: Option<ContentClass>,
    /// Model: image3, image4_standard, image4_ultra, image3_custom, image4_custom.
    #[arg(long, value_parser = parse_model)]
    model: Option<ImageModelVersion>,
    /// Custom model id, with a *_custom model.
    #[arg(long)]
    custom_model_id: Option<String>,
    /// Style presets, such as `painting`.
    #[arg(long = "style-preset")]
    style_presets: Vec<String>,
    /// What to avoid.
    #[arg(long)]
    negative_prompt: Option<String>,
}

#[derive(Args)]
struct ExpandArgs {
    /// The image: a file, `upload:<id>` or an https URL.
    #[arg(long)]
    image: String,
    /// What to put in the new area.
    #[arg(long)]
    prompt: Option<String>,
    #[command(flatten)]
    image_options: ImageOptions,
}

#[derive(Args)]
struct FillArgs {
    /// The image: a file, `upload:<id>` or an https URL.
    #[arg(long)]
    image: String,
    /// The mask (white is filled): a file, `upload:<id>` or an https URL.
    #[arg(long)]
    mask: String,
    /// What to fill with.
    #[arg(long)]
    prompt: Option<String>,
    #[command(flatten)]
    image_options: ImageOptions,
}

#[derive(Args)]
struct SimilarArgs {
    /// The image: a file, `upload:<id>` or an https URL.
    #[arg(long)]
    image: String,
    #[command(flatten)]
    image_options: ImageOptions,
}

#[derive(Args)]
struct CompositeArgs {
    /// The object's image: a file, `upload:<id>` or an https URL.
    #[arg(long)]
    image: String,
    /// The scene to generate around it.
    #[arg(long)]
    prompt: String,
    #[command(flatten)]
    image_options: ImageOptions,
}

#[derive(Args)]
struct VideoArgs {
    /// What to generate.
    prompt: String,
    /// Video size, WIDTHxHEIGHT (for example 1920x1080).
    #[arg(long, value_parser = parse_size)]
    size: Option<Size>,
    /// Directory to save the video in.
    #[arg(short = 'o', long = "output", default_value = ".")]
    output: PathBuf,
}

#[derive(Subcommand)]
enum SecretsAction {
    /// List the credential's secrets (ids, never values).
    List(SecretTarget),
    /// Generate a new secret and print it once.
    Create(SecretTarget),
    /// Delete a secret.
    Delete {
        #[command(flatten)]
        target: SecretTarget,
        /// The secret's uuid.
        uuid: String,
    },
}

#[derive(Args)]
struct SecretTarget {
    /// Organization id (from the credential's Developer Console URL).
    #[arg(long)]
    org: String,
    /// Credential id (from the credential's Developer Console URL).
    #[arg(long)]
    credential: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Output::new(cli.json);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let wait = WaitOptions::default().first_poll(Duration::from_millis(cli.poll_ms));
    match runtime.block_on(run(cli.command, &out, &wait)) {
        Ok(code) => code,
        Err(error) => {
            out.error(&error);
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, out: &Output, wait: &WaitOptions) -> Result<ExitCode, CliError> {
    match command {
        Command::Generate(args) => generate(args, out, wait).await,
        Command::Batch(args) => batch::run(args, out, wait).await,
        Command::Expand(args) => {
            let firefly = client()?;
            let options = &args.image_options;
            let request = ExpandImageRequest::builder()
                .image(input_image(&firefly, &args.image).await?)
                .prompt(args.prompt)
                .num_variations(options.variations)
                .seeds(options.seeds.clone())
                .size(options.size.clone());
            let job = firefly.expand_image(request).await?;
            finish(&firefly, job, options, "expanded", out, wait).await
        }
        Command::Fill(args) => {
            let firefly = client()?;
            let options = &args.image_options;
            let mask = input_image(&firefly, &args.mask).await?;
            let request = FillImageRequest::builder()
                .image(input_image(&firefly, &args.image).await?)
                .mask(Mask {
                    source: mask.source,
                    invert: None,
                })
                .prompt(args.prompt)
                .num_variations(options.variations)
                .seeds(options.seeds.clone())
                .size(options.size.clone());
            let job = firefly.fill_image(request).await?;
            finish(&firefly, job, options, "filled", out, wait).await
        }
        Command::Similar(args) => {
            let firefly = client()?;
            let options = &args.image_options;
            let request = GenerateSimilarImagesRequest::builder()
                .image(input_image(&firefly, &args.image).await?)
                .num_variations(options.variations)
                .seeds(options.seeds.clone())
                .size(options.size.clone());
            let job = firefly.generate_similar_images(request).await?;
            finish(&firefly, job, options, "similar", out, wait).await
        }
        Command::Composite(args) => {
            let firefly = client()?;
            let options = &args.image_options;
            let request = GenerateObjectCompositeRequest::builder()
                .image(input_image(&firefly, &args.image).await?)
                .prompt(args.prompt.clone())
                .num_variations(options.variations)
                .seeds(options.seeds.clone())
                .size(options.size.clone());
            let job = firefly.generate_object_composite(request).await?;
            finish(
                &firefly,
                job,
                options,
                &output::slug(&args.prompt),
                out,
                wait,
            )
            .await
        }
        Command::Video(args) => {
            let firefly = client()?;
            let sizes: Vec<VideoSize> = args
                .size
                .map(|s| VideoSize {
                    width: s.width,
                    height: s.height,
                })
                .into_iter()
                .collect();
            let request = GenerateVideoRequest::builder()
                .prompt(args.prompt.clone())
                .sizes(sizes);
            let job = firefly.generate_video(request).await?;
            let options = ImageOptions {
                variations: None,
                size: None,
                seeds: vec![],
                output: args.output,
            };
            finish(
                &firefly,
                job,
                &options,
                &output::slug(&args.prompt),
                out,
                wait,
            )
            .await
        }
        Command::Upload { path } => {
            let uploaded = client()?.upload_image_file(&path).await?;
            out.done(&uploaded.id, json!({"upload_id": uploaded.id}));
            Ok(ExitCode::SUCCESS)
        }
        Command::Status { job_id } => {
            let firefly = client()?;
            let status = firefly.job_status(&job_for(&firefly, &job_id)).await?;
            let progress = status
                .progress
                .map(|p| format!(" ({p:.0}%)"))
                .unwrap_or_default();
            out.done(
                format!("{}{progress}", status.status),
                serde_json::to_value(&status).unwrap_or_default(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Cancel { job_id } => {
            let firefly = client()?;
            firefly.cancel_job(&job_for(&firefly, &job_id)).await?;
            out.done(
                format!("cancellation of {job_id} requested"),
                json!({"job_id": job_id, "canceled": true}),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Models { state } => {
            let firefly = client()?;
            let mut query = CustomModelsQuery::new();
            if let Some(state) = state {
                query = query.published_state(state);
            }
            let models: Vec<_> = firefly.custom_models(query).try_collect().await?;
            let rows: Vec<Vec<String>> = models
                .iter()
                .map(|m| {
                    vec![
                        m.asset_id.clone().unwrap_or_default(),
                        m.display_name.clone().unwrap_or_default(),
                        m.training_mode.clone().unwrap_or_default(),
                        m.published_state.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            out.done(
                output::table(&["asset id", "name", "training", "state"], &rows),
                serde_json::to_value(&models).unwrap_or_default(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { show } => token(show, out).await,
        Command::Secrets { action } => secrets(action, out).await,
        Command::Emulator { port, faults } => emulator(port, &faults, out).await,
    }
}

/// The client, from the environment; a missing variable is named.
fn client() -> Result<Firefly, CliError> {
    Ok(Firefly::from_env()?)
}

async fn generate(
    args: GenerateArgs,
    out: &Output,
    wait: &WaitOptions,
) -> Result<ExitCode, CliError> {
    let firefly = client()?;
    let options = &args.image;
    let style = (!args.style_presets.is_empty()).then(|| StyleOptions {
        presets: args.style_presets.clone(),
        strength: None,
        image_reference: None,
    });
    let request = GenerateImagesRequest::builder()
        .prompt(args.prompt.clone())
        .negative_prompt(args.negative_prompt.clone())
        .num_variations(options.variations)
        .seeds(options.seeds.clone())
        .size(options.size.clone())
        .content_class(args.content_class.clone())
        .custom_model_id(args.custom_model_id.clone())
        .style(style);
    let job = match args.model {
        Some(model) => firefly.generate_images_with_model(request, model).await?,
        None => firefly.generate_images(request).await?,
    };
    finish(
        &firefly,
        job,
        options,
        &output::slug(&args.prompt),
        out,
        wait,
    )
    .await
}

/// Waits for a job with a progress spinner, saves its outputs as
/// `<stem>-<n>.<ext>` in the output directory and reports them.
async fn finish(
    firefly: &Firefly,
    job: JobAccepted,
    options: &ImageOptions,
    stem: &str,
    out: &Output,
    wait: &WaitOptions,
) -> Result<ExitCode, CliError> {
    let spinner = out.spinner(&job.job_id);
    let result = firefly
        .wait_for_job_with(&job, wait, |status| {
            spinner.set_message(output::describe(status))
        })
        .await;
    spinner.finish_and_clear();
    let result = result?;
    let saved = output::save_outputs(firefly, &result, &options.output, stem).await?;
    let lines: Vec<String> = saved.iter().map(Saved::line).collect();
    out.done(
        lines.join("\n"),
        json!({"job_id": job.job_id, "outputs": saved.iter().map(Saved::json).collect::<Vec<_>>()}),
    );
    Ok(ExitCode::SUCCESS)
}

/// An input image given as a file (uploaded first), `upload:<id>` or a URL.
async fn input_image(firefly: &Firefly, given: &str) -> Result<InputImage, CliError> {
    let source = if let Some(id) = given.strip_prefix("upload:") {
        InputSource {
            upload_id: Some(id.to_owned()),
            url: None,
        }
    } else if given.starts_with("https://") || given.starts_with("http://") {
        InputSource {
            upload_id: None,
            url: Some(given.to_owned()),
        }
    } else {
        let uploaded = firefly.upload_image_file(given).await?;
        InputSource {
            upload_id: Some(uploaded.id),
            url: None,
        }
    };
    Ok(InputImage { source, mask: None })
}

/// A job known only by id: its URLs on the configured API host.
fn job_for(firefly: &Firefly, job_id: &str) -> JobAccepted {
    let base = firefly.api_url().trim_end_matches('/');
    JobAccepted {
        job_id: job_id.to_owned(),
        status_url: format!("{base}/v3/status/{job_id}"),
        cancel_url: format!("{base}/v3/cancel/{job_id}"),
    }
}

async fn token(show: bool, out: &Output) -> Result<ExitCode, CliError> {
    let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let firefly = client()?;
    let (expiry, token) = match (lookup(env::CLIENT_ID), lookup(env::CLIENT_SECRET)) {
        (Some(id), Some(secret)) => {
            let mut policy = TokenPolicy::default();
            if let Some(dir) = lookup(env::TOKEN_CACHE_DIR) {
                policy = policy.disk_cache(dir);
            }
            let manager = ImsTokenManager::builder()
                .ims_url(lookup(env::IMS_URL).unwrap_or_else(|| config::DEFAULT_IMS_URL.into()))
                .client_id(id)
                .client_secret(secret)
                .scopes(lookup(env::SCOPES).unwrap_or_else(|| config::DEFAULT_SCOPES.into()))
                .policy(policy)
                .build()?;
            let token = manager.token().await?;
            (manager.expires_in(), Some(token))
        }
        _ => (None, None),
    };
    // The token from IMS is not enough: Firefly must accept it with the key.
    firefly.check_credentials().await?;
    let expires = expiry
        .map(|left| format!("the token expires in {}", output::duration(left)))
        .unwrap_or_else(|| "using FIREFLY_SERVICES_ACCESS_TOKEN; its expiry is unknown".into());
    let mut text = format!("credentials work: IMS and Firefly accepted them; {expires}");
    let mut document = json!({"ok": true, "expires_in_secs": expiry.map(|d| d.as_secs())});
    if show {
        let value = token
            .as_ref()
            .map(|t| t.expose_secret().to_owned())
            .or_else(|| lookup(env::ACCESS_TOKEN))
            .unwrap_or_default();
        text.push_str(&format!("\n{value}"));
        document["access_token"] = json!(value);
    }
    out.done(text, document);
    Ok(ExitCode::SUCCESS)
}

async fn secrets(action: SecretsAction, out: &Output) -> Result<ExitCode, CliError> {
    let manager = SecretsManager::from_env()?;
    match action {
        SecretsAction::List(target) => {
            let secrets = manager.list(&target.org, &target.credential).await?;
            let rows: Vec<Vec<String>> = secrets
                .iter()
                .map(|s| {
                    vec![
                        s.uuid.clone(),
                        s.created.as_ref().map(value_text).unwrap_or_default(),
                    ]
                })
                .collect();
            let document: Vec<_> = secrets
                .iter()
                .map(|s| json!({"uuid": s.uuid, "created": s.created}))
                .collect();
            out.done(output::table(&["uuid", "created"], &rows), json!(document));
        }
        SecretsAction::Create(target) => {
            let fresh = manager.create(&target.org, &target.credential).await?;
            if !out.json {
                eprintln!("store this secret now: it is shown only once");
            }
            out.done(
                format!("uuid {}\nsecret {}", fresh.uuid(), fresh.expose_secret()),
                json!({"uuid": fresh.uuid(), "client_secret": fresh.expose_secret()}),
            );
        }
        SecretsAction::Delete { target, uuid } => {
            manager
                .delete(&target.org, &target.credential, &uuid)
                .await?;
            out.done(format!("deleted {uuid}"), json!({"deleted": uuid}));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn value_text(value: &serde_json::Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

async fn emulator(port: u16, faults: &str, out: &Output) -> Result<ExitCode, CliError> {
    let faults =
        Faults::parse(faults).map_err(|reason| CliError::Usage(format!("--faults: {reason}")))?;
    let emulator = match EmulatorBuilder::default()
        .port(port)
        .faults(faults)
        .start()
        .await
    {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("error: cannot start the emulator: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let vars = emulator.env_vars();
    let exports: Vec<String> = vars
        .iter()
        .map(|(name, value)| format!("export {name}={value}"))
        .collect();
    out.done(
        format!("Firefly emulator listening on {}\n{}", emulator.url(), exports.join("\n")),
        json!({"url": emulator.url(), "env": vars.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>()}),
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(ExitCode::SUCCESS)
}

fn parse_size(value: &str) -> Result<Size, String> {
    let (width, height) = value
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("`{value}` is not WIDTHxHEIGHT"))?;
    let side = |s: &str| {
        s.trim()
            .parse::<i32>()
            .map_err(|_| format!("`{s}` is not a number of pixels"))
    };
    Ok(Size {
        width: side(width)?,
        height: side(height)?,
    })
}

fn parse_model(value: &str) -> Result<ImageModelVersion, String> {
    value.parse().map_err(|_| {
        format!("`{value}` is not one of image3, image3_custom, image4_standard, image4_ultra, image4_custom")
    })
}

fn parse_content_class(value: &str) -> Result<ContentClass, String> {
    match value {
        "photo" => Ok(ContentClass::Photo),
        "art" => Ok(ContentClass::Art),
        other => Err(format!("`{other}` is not photo or art")),
    }
}

fn parse_published_state(value: &str) -> Result<PublishedStateFilter, String> {
    value
        .parse()
        .map_err(|_| format!("`{value}` is not a published state"))
}
