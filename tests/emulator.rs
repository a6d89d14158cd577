//! The emulator end to end through the SDK, and what it rejects.

mod common;

use std::time::Duration;

use adobe_firefly::{
    Error, Firefly, WaitOptions,
    auth::AuthError,
    types::{GenerateImagesRequest, JobAccepted, JobStatus, Size},
};
use adobe_firefly_emulator::Emulator;
use common::{EmulatorExt, image_url};
use serde_json::{Value, json};

fn cat() -> adobe_firefly::types::builder::GenerateImagesRequest {
    GenerateImagesRequest::builder().prompt("a realistic illustration of a cat coding")
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

#[tokio::test(start_paused = true)]
async fn token_submit_poll_download_end_to_end() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let job = firefly
        .generate_images(cat().num_variations(2).size(Size {
            width: 2688,
            height: 1536,
        }))
        .await
        .unwrap();
    let mut statuses = Vec::new();
    let result = firefly
        .wait_for_job_with(&job, &WaitOptions::default(), |s| {
            statuses.push(s.status.clone().unwrap())
        })
        .await
        .unwrap();
    assert_eq!(
        statuses,
        [JobStatus::Pending, JobStatus::Running, JobStatus::Succeeded]
    );
    assert_eq!(result.outputs.len(), 2);
    assert_eq!(
        result.size.map(|size| (size.width, size.height)),
        Some((2688, 1536))
    );

    let dir = common::scratch("e2e");
    let mut files = Vec::new();
    for (i, output) in result.outputs.iter().enumerate() {
        let path = dir.join(format!("{i}.png"));
        let size = firefly
            .download_to_file(image_url(output), &path)
            .await
            .unwrap();
        let bytes = tokio::fs::read(&path).await.unwrap();
        assert_eq!(bytes.len() as u64, size);
        assert_eq!(
            png_size(&bytes),
            (1024, 585),
            "scaled to 1024 on the long side"
        );
        files.push(bytes);
    }
    assert_ne!(files[0], files[1], "each seed gives its own image");

    let requests = emulator.requests();
    let downloads: Vec<_> = requests
        .iter()
        .filter(|r| r.path.starts_with("/storage/"))
        .collect();
    assert_eq!(downloads.len(), 2);
    assert!(
        downloads
            .iter()
            .all(|r| !r.had_authorization && !r.had_api_key),
        "no credentials to storage"
    );
    let api: Vec<_> = requests
        .iter()
        .filter(|r| r.path.starts_with("/v3/"))
        .collect();
    assert!(api.iter().all(|r| r.had_authorization && r.had_api_key));
    assert_eq!(emulator.tokens_issued(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_same_prompt_seed_and_size_give_the_same_image() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let mut images = Vec::new();
    for _ in 0..2 {
        let job = firefly
            .generate_images(cat().seeds(vec![7]).size(Size {
                width: 1024,
                height: 1024,
            }))
            .await
            .unwrap();
        let result = firefly
            .wait_for_job(&job, &WaitOptions::default())
            .await
            .unwrap();
        let mut bytes = Vec::new();
        firefly
            .download_to_writer(image_url(&result.outputs[0]), &mut bytes)
            .await
            .unwrap();
        assert_eq!(png_size(&bytes), (1024, 1024));
        images.push(bytes);
    }
    assert_eq!(images[0], images[1]);
}

#[tokio::test(start_paused = true)]
async fn cancel_and_unknown_jobs() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let job = firefly.generate_images(cat()).await.unwrap();
    assert!(emulator.canceled_jobs().is_empty());
    firefly.cancel_job(&job).await.unwrap();
    assert_eq!(emulator.canceled_jobs(), std::slice::from_ref(&job.job_id));
    let error = firefly
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::JobFailed {
                status: JobStatus::Canceled,
                ..
            }
        ),
        "{error:?}"
    );
    let again = firefly.cancel_job(&job).await.unwrap_err();
    assert_eq!(
        (again.status(), again.error_code()),
        (Some(409), Some("job_already_canceled"))
    );

    let unknown = JobAccepted {
        job_id: "urn:ff:jobs:emulator:nope".into(),
        status_url: format!("{}/v3/status/urn:ff:jobs:emulator:nope", emulator.url()),
        cancel_url: format!("{}/v3/cancel/urn:ff:jobs:emulator:nope", emulator.url()),
    };
    let error = firefly.job_status(&unknown).await.unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(error.error_code(), Some("unknown_job_id"));
}

#[tokio::test(start_paused = true)]
async fn wrong_credentials_are_refused_by_ims() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = Firefly::builder()
        .client_id(emulator.client_id())
        .client_secret("wrong")
        .api_url(emulator.url())
        .ims_url(emulator.url())
        .build()
        .unwrap();
    let error = firefly.generate_images(cat()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Auth(AuthError::Permanent { ims_error, .. }) if ims_error == "invalid_client"),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn ims_and_firefly_check_scopes() {
    let emulator = Emulator::builder()
        .allowed_scopes("openid,AdobeID,firefly_api")
        .start()
        .await
        .unwrap();
    let too_wide = emulator
        .client_builder()
        .scopes("openid,firefly_api,ff_apis")
        .build()
        .unwrap();
    let error = too_wide.generate_images(cat()).await.unwrap_err();
    assert_eq!(error.error_code(), Some("invalid_scope"));

    let without_firefly = emulator
        .client_builder()
        .scopes("openid,AdobeID")
        .build()
        .unwrap();
    let error = without_firefly.generate_images(cat()).await.unwrap_err();
    assert_eq!(error.status(), Some(403));
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.access_error(), Some("invalid_ims_scope"));
    assert!(error.to_string().contains("firefly_api"), "{error}");

    let right = emulator
        .client_builder()
        .scopes("openid,firefly_api")
        .build()
        .unwrap();
    right.generate_images(cat()).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn expired_download_urls_are_refused() {
    let emulator = Emulator::builder()
        .url_lifetime(Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let firefly = emulator.client().unwrap();
    let job = firefly.generate_images(cat()).await.unwrap();
    let result = firefly
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap();
    tokio::time::advance(Duration::from_secs(61)).await;
    let error = firefly
        .download_to_writer(image_url(&result.outputs[0]), &mut Vec::new())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(403));
    assert!(error.to_string().contains("expire"), "{error}");
}

// What the emulator rejects, sent without the SDK's own checks.

async fn raw_submit(
    emulator: &Emulator,
    token: Option<&str>,
    api_key: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let mut request = http
        .post(format!("{}/v3/images/generate-async", emulator.url()))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(key) = api_key {
        request = request.header("x-api-key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn invalid_field(body: &Value) -> Vec<String> {
    body["validation_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["loc"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().map_or(p.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect()
}

#[tokio::test]
async fn the_emulator_rejects_what_firefly_rejects() {
    let emulator = Emulator::start().await.unwrap();
    let token = emulator.issue_token("openid,firefly_api");
    let key = emulator.client_id().to_owned();
    let ok = json!({"prompt": "a cat"});

    let (status, body) = raw_submit(&emulator, Some("not-a-token"), Some(&key), ok.clone()).await;
    assert_eq!((status, body["error_code"].as_str()), (401, Some("401013")));
    let (status, body) = raw_submit(&emulator, None, Some(&key), ok.clone()).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = raw_submit(&emulator, Some(&token), None, ok.clone()).await;
    assert_eq!((status, body["error_code"].as_str()), (403, Some("403000")));
    let (status, body) =
        raw_submit(&emulator, Some(&token), Some("someone-else"), ok.clone()).await;
    assert_eq!((status, body["error_code"].as_str()), (403, Some("403003")));

    for (bad, field) in [
        (json!({"prompt": "x".repeat(1025)}), "body.prompt"),
        (
            json!({"prompt": "a cat", "numVariations": 5}),
            "body.numVariations",
        ),
        (
            json!({"prompt": "a cat", "numVariations": "two"}),
            "body.numVariations",
        ),
        (
            json!({"prompt": "a cat", "contentClass": "vector"}),
            "body.contentClass",
        ),
        (
            json!({"prompt": "a cat", "size": {"width": 1024}}),
            "body.size.height",
        ),
        (json!({"negativePrompt": "no prompt"}), "body.prompt"),
        (
            json!({"prompt": "a cat", "numVariations": 2, "seeds": [1]}),
            "body.seeds",
        ),
    ] {
        let (status, body) = raw_submit(&emulator, Some(&token), Some(&key), bad.clone()).await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert_eq!(body["error_code"], "validation_error");
        assert!(
            invalid_field(&body).contains(&field.to_owned()),
            "{bad}: {body}"
        );
    }
    let (status, body) = raw_submit(&emulator, Some(&token), Some(&key), ok).await;
    assert_eq!(status, 202, "{body}");
}

#[tokio::test(start_paused = true)]
async fn unknown_model_versions_are_rejected() {
    let emulator = Emulator::start().await.unwrap();
    // The SDK's typed enum cannot send this; another client could.
    let http = reqwest::Client::new();
    let token = emulator.issue_token("openid,firefly_api");
    let response = http
        .post(format!("{}/v3/images/generate-async", emulator.url()))
        .bearer_auth(token)
        .header("x-api-key", emulator.client_id())
        .header("x-model-version", "image9_imaginary")
        .json(&json!({"prompt": "a cat"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(invalid_field(&body), ["header.x-model-version"]);
}
