//! The texts after each command's options: the environment variables it
//! reads and the models and sizes it takes, from the SDK's own names and
//! lists so they cannot drift from what the SDK checks.

use adobe_firefly::{
    catalog,
    config::{self, env},
};

/// The variables every command that talks to Firefly reads.
fn credentials() -> Vec<(&'static str, String)> {
    vec![
        (
            env::CLIENT_ID,
            "client id of the Developer Console credential (required)".into(),
        ),
        (
            env::CLIENT_SECRET,
            format!(
                "client secret (or, elsewhere than secrets, {})",
                env::ACCESS_TOKEN
            ),
        ),
        (env::ACCESS_TOKEN, "a ready access token, used as is".into()),
        (
            env::API_URL,
            format!("Firefly base URL (default {})", config::DEFAULT_API_URL),
        ),
        (
            env::IMS_URL,
            format!("IMS base URL (default {})", config::DEFAULT_IMS_URL),
        ),
        (env::SCOPES, "IMS scopes, comma-separated".into()),
        (
            env::TOKEN_CACHE_DIR,
            "a folder where processes share one token".into(),
        ),
    ]
}

fn environment(vars: Vec<(&'static str, String)>) -> String {
    let width = vars.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    let mut text = String::from("Environment:\n");
    for (name, meaning) in vars {
        text.push_str(&format!("  {name:<width$}  {meaning}\n"));
    }
    text
}

fn size_list(sizes: &[(i64, i64)]) -> String {
    sizes
        .iter()
        .map(|(w, h)| format!("{w}x{h}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unlisted() -> (&'static str, String) {
    (
        env::ALLOW_UNLISTED_SIZES,
        "1: send sizes Adobe does not list for the model".into(),
    )
}

/// The Redis server a fleet shares (`--redis`).
pub const REDIS_URL: &str = "FIREFLY_SERVICES_REDIS_URL";
/// `--max-operations` for scripts.
pub const MAX_OPERATIONS: &str = "FIREFLY_MAX_OPERATIONS";
/// `--audit-log` for scripts.
pub const AUDIT_LOG: &str = "FIREFLY_AUDIT_LOG";
/// The prefix of the fleet's keys (`--redis-prefix`).
pub const REDIS_PREFIX: &str = "FIREFLY_SERVICES_REDIS_PREFIX";
/// A PEM file of the CA a `rediss://` server's certificate is signed by.
pub const REDIS_CA_FILE: &str = "FIREFLY_SERVICES_REDIS_CA_FILE";
/// Where the Photoshop commands upload local input files (`--stage`).
pub const STAGE: &str = "FIREFLY_PHOTOSHOP_STAGE";
/// With `--redis`: how long one token load (and the fleet's lock) may take.
pub const TOKEN_DEADLINE_MS: &str = "FIREFLY_TOKEN_DEADLINE_MS";

fn redis() -> Vec<(&'static str, String)> {
    vec![
        (
            REDIS_URL,
            "a Redis server whose quota and token the fleet shares (--redis)".into(),
        ),
        (
            REDIS_PREFIX,
            "the prefix of the fleet's keys (--redis-prefix)".into(),
        ),
        (
            REDIS_CA_FILE,
            "PEM file of the CA that signed a rediss:// server's certificate".into(),
        ),
        (
            TOKEN_DEADLINE_MS,
            "with --redis: how long a token load (and the fleet's lock on it) may take".into(),
        ),
    ]
}

/// `generate` and `batch`: credentials, the models and each one's sizes.
pub fn text_to_image() -> String {
    let mut vars = credentials();
    vars.push(unlisted());
    vars.extend(redis());
    let mut text = environment(vars);
    text.push_str(&format!(
        "\nModels (--model; {} when not given):\n",
        catalog::DEFAULT_IMAGE_MODEL
    ));
    for model in catalog::IMAGE_MODELS {
        text.push_str(&format!(
            "  {:<16} sizes: {}\n",
            model.to_string(),
            size_list(catalog::image_sizes(model))
        ));
    }
    text
}

/// `expand`, `fill`, `similar`, `composite`.
pub fn edits() -> String {
    let mut vars = credentials();
    vars.push(unlisted());
    format!(
        "{}\nSizes (--size): {}\n",
        environment(vars),
        size_list(catalog::edit_sizes())
    )
}

/// `video`.
pub fn video() -> String {
    let mut vars = credentials();
    vars.push(unlisted());
    format!(
        "{}\nSizes (--size): {}\n",
        environment(vars),
        size_list(catalog::video_sizes())
    )
}

fn listed<T: std::fmt::Display>(values: &[T]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `image5`: its shapes, resolutions and reasoners.
pub fn image5() -> String {
    format!(
        "{}\nAspect ratios (--aspect-ratio; with --reference only auto): {}\n\
         Resolutions (--resolution): {}\nReasoners (--reasoner): {}\n",
        environment(credentials()),
        listed(catalog::IMAGE5_ASPECT_RATIOS),
        listed(catalog::IMAGE5_RESOLUTIONS),
        listed(catalog::IMAGE5_PROMPT_REASONERS),
    )
}

/// `upscale`: its factors, as the spec lists them.
pub fn upscale() -> String {
    format!(
        "{}\nFactors (--factor): {}\n",
        environment(credentials()),
        listed(&catalog::upscale_factors())
    )
}

/// `precise-composite`, `adaptive-composite`: their output types.
pub fn composites() -> String {
    format!(
        "{}\nOutput types (--format): {}\n",
        environment(credentials()),
        listed(catalog::COMPOSITE_MEDIA_TYPES)
    )
}

/// `upload`, `status`, `cancel`, `models`, `token`, `mcp`.
pub fn api() -> String {
    environment(credentials())
}

/// `audio ...` and `video reframe`: the credential and the Audio/Video
/// API's base URL.
pub fn audio_video() -> String {
    let mut vars = credentials();
    vars.push((
        env::AUDIO_VIDEO_URL,
        format!(
            "Audio/Video API base URL (default {})",
            config::DEFAULT_AUDIO_VIDEO_URL
        ),
    ));
    environment(vars)
}

/// `photoshop ...`: the credential and Photoshop's base URL.
pub fn photoshop() -> String {
    let mut vars = credentials();
    vars.push((
        env::PHOTOSHOP_URL,
        format!(
            "Photoshop base URL (default {})",
            config::DEFAULT_PHOTOSHOP_URL
        ),
    ));
    vars.push((
        STAGE,
        "s3://BUCKET/PREFIX where local input files are uploaded (--stage; feature storage)".into(),
    ));
    vars.push((
        "AWS_ACCESS_KEY_ID, ...",
        "with --stage: the storage's credentials, region and endpoint (AWS_SECRET_ACCESS_KEY, \
         AWS_REGION, AWS_ENDPOINT_URL)"
            .into(),
    ));
    vars.extend(redis());
    environment(vars)
}

/// `secrets`: its own host, the same credential.
pub fn secrets() -> String {
    let mut vars: Vec<_> = credentials()
        .into_iter()
        .filter(|(name, _)| [env::CLIENT_ID, env::CLIENT_SECRET, env::IMS_URL].contains(name))
        .collect();
    vars.push((
        env::MANAGEMENT_URL,
        format!(
            "I/O Management API base URL (default {})",
            adobe_firefly::secrets::DEFAULT_MANAGEMENT_URL
        ),
    ));
    environment(vars)
}

/// `mcp`: what the image commands read.
pub fn mcp() -> String {
    let mut vars = credentials();
    vars.push(unlisted());
    vars.extend(redis());
    environment(vars)
}

/// `quota`: the fleet's Redis only.
pub fn quota() -> String {
    environment(redis())
}

/// Commands that talk to no service.
pub fn none() -> String {
    "Environment: none read.\n".into()
}
