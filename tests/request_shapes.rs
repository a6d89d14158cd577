//! The exact HTTP requests each operation sends, as insta snapshots, against
//! a real server on 127.0.0.1. Tokens and secrets are replaced by
//! placeholders only after the test has checked their real values.

mod common;

use adobe_firefly::{
    Firefly, WaitOptions,
    types::{GenerateImagesRequest, GenerateImagesSyncRequest, ImageModelVersion, JobStatus, Size},
};
use common::*;
use serde_json::json;
use std::time::Duration;

const SECRET: &str = "s3cr&t+with=reserved%chars";
const JOB_ID: &str = "urn:ff:jobs:test:0001";

/// IMS and Firefly on one server: the job is pending, then running, then
/// succeeded.
async fn adobe() -> FakeServer {
    FakeServer::start(|request, earlier| {
        let host = request.header("host").unwrap_or_default().to_owned();
        let reply = match (request.method.as_str(), request.path.as_str()) {
            ("POST", TOKEN_PATH) => json_response(200, token_body("token-1", 86399)),
            ("POST", "/v3/images/generate-async") => json_response(
                202,
                json!({
                    "jobId": JOB_ID,
                    "statusUrl": format!("http://{host}/v3/status/{JOB_ID}"),
                    "cancelUrl": format!("http://{host}/v3/cancel/{JOB_ID}"),
                }),
            ),
            ("GET", path) if path.starts_with("/v3/status/") => match earlier {
                0 => json_response(200, json!({"jobId": JOB_ID, "status": "pending"})),
                1 => json_response(200, json!({"jobId": JOB_ID, "status": "running", "progress": 50.0})),
                _ => json_response(200, json!({
                    "jobId": JOB_ID,
                    "status": "succeeded",
                    "result": {
                        "size": {"width": 2048, "height": 2048},
                        "outputs": [{"seed": 42, "image": {"url": format!("http://{host}/storage/cat.png?sig=abc")}}],
                        "contentClass": "art"
                    }
                })),
            },
            ("PUT", path) if path.starts_with("/v3/cancel/") => json_response(200, json!({})),
            ("POST", path) if path.ends_with("-async") || path == "/v3/videos/generate" => json_response(
                202,
                json!({
                    "jobId": JOB_ID,
                    "statusUrl": format!("http://{host}/v3/status/{JOB_ID}"),
                    "cancelUrl": format!("http://{host}/v3/cancel/{JOB_ID}"),
                }),
            ),
            ("POST", "/v2/storage/image") => json_response(200, json!({"images": [{"id": "5c1d6e2a-8f7b-4c3d-9e0f-1a2b3c4d5e6f"}]})),
            ("GET", path) if path.ends_with("/secrets") => json_response(200, json!([{"uuid": "old-uuid", "created": "2025-01-01"}])),
            ("POST", path) if path.ends_with("/secrets") => json_response(200, json!({"client_secret": "p8e-new", "uuid": "new-uuid"})),
            ("DELETE", path) if path.contains("/secrets/") => json_response(200, json!({})),
            ("GET", "/v3/custom-models") => json_response(200, json!({"custom_models": [], "total_count": 0})),
            ("POST", _) => json_response(200, json!({
                "size": {"width": 1024, "height": 1024},
                "outputs": [{"seed": 7, "image": {"url": "https://storage.example/x.jpg"}}]
            })),
            _ => json_response(404, json!({"error_code": "not_found"})),
        };
        Reply::Now(reply)
    })
    .await
}

fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .api_url(&server.url)
        .ims_url(&server.url)
        .build()
        .unwrap()
}

fn cat_request() -> adobe_firefly::types::builder::GenerateImagesRequest {
    GenerateImagesRequest::builder()
        .prompt("a realistic illustration of a cat coding")
        .num_variations(1)
        .size(Size {
            width: 2048,
            height: 2048,
        })
}

/// The only request to IMS, with its credentials checked and then redacted.
fn ims_request(server: &FakeServer) -> Recorded {
    let mut ims = server.requests_to(TOKEN_PATH);
    assert_eq!(ims.len(), 1, "exactly one token request");
    ims.remove(0)
}

fn assert_carries_credentials(request: &Recorded) {
    assert_eq!(request.header("authorization"), Some("Bearer token-1"));
    assert_eq!(request.header("x-api-key"), Some(CLIENT_ID));
}

#[tokio::test(start_paused = true)]
async fn ims_token_request() {
    let server = adobe().await;
    let firefly = client(&server);
    firefly.generate_images(cat_request()).await.unwrap();

    let ims = ims_request(&server);
    let form = ims.form();
    assert_eq!(form["client_secret"], SECRET, "the secret arrives intact");
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(
        form["scope"],
        "openid,AdobeID,read_organizations,firefly_api,ff_apis"
    );
    assert_eq!(form.len(), 4, "no other form fields: {form:?}");
    assert_eq!(
        ims.header("authorization"),
        None,
        "no HTTP Basic credentials"
    );
    assert_eq!(ims.query, None, "no credentials in the URL");
    assert!(
        !String::from_utf8_lossy(&ims.body).contains(SECRET),
        "the form body is URL-encoded"
    );
    insta::assert_json_snapshot!("ims_token_request", ims.shape());
}

#[tokio::test(start_paused = true)]
async fn submit_generate_images() {
    let server = adobe().await;
    let firefly = client(&server);
    let job = firefly
        .generate_images_with_model(
            cat_request()
                .seeds(vec![42])
                .negative_prompt("dogs".to_owned()),
            ImageModelVersion::Image4Standard,
        )
        .await
        .unwrap();
    assert_eq!(job.job_id, JOB_ID);

    let submit = server.requests_to("/v3/images/generate-async").remove(0);
    assert_carries_credentials(&submit);
    insta::assert_json_snapshot!("generate_images_async", submit.shape());
}

#[tokio::test(start_paused = true)]
async fn job_status_and_wait() {
    let server = adobe().await;
    let firefly = client(&server);
    let job = firefly.generate_images(cat_request()).await.unwrap();

    let status = firefly.job_status(&job).await.unwrap();
    assert_eq!(status.status, Some(JobStatus::Pending));

    let mut seen = Vec::new();
    let result = firefly
        .wait_for_job_with(&job, &WaitOptions::default(), |s| {
            seen.push(s.status.clone().unwrap())
        })
        .await
        .unwrap();
    assert_eq!(seen, [JobStatus::Running, JobStatus::Succeeded]);
    assert_eq!(result.outputs[0].seed, Some(42));
    assert!(image_url(&result.outputs[0]).contains("/storage/cat.png"));

    let polls = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v3/status/"))
        .collect::<Vec<_>>();
    assert_eq!(polls.len(), 3);
    polls.iter().for_each(assert_carries_credentials);
    insta::assert_json_snapshot!("job_status", polls[0].shape());
}

#[tokio::test(start_paused = true)]
async fn cancel_job() {
    let server = adobe().await;
    let firefly = client(&server);
    let job = firefly.generate_images(cat_request()).await.unwrap();
    firefly.cancel_job(&job).await.unwrap();

    let cancel = server
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/v3/cancel/"))
        .expect("a cancel request");
    assert_carries_credentials(&cancel);
    insta::assert_json_snapshot!("cancel_job", cancel.shape());
}

#[tokio::test(start_paused = true)]
#[allow(deprecated)]
async fn generate_images_sync() {
    let server = adobe().await;
    let firefly = client(&server);
    let response = firefly
        .generate_images_sync(
            GenerateImagesSyncRequest::builder()
                .prompt("a realistic illustration of a cat coding")
                .tileable(true),
        )
        .await
        .unwrap();
    assert_eq!(response.outputs[0].seed, 7);

    let call = server.requests_to("/v3/images/generate").remove(0);
    assert_carries_credentials(&call);
    insta::assert_json_snapshot!("generate_images_sync", call.shape());
}

#[tokio::test(start_paused = true)]
async fn the_token_is_fetched_once_for_many_calls() {
    let server = adobe().await;
    let firefly = client(&server);
    let job = firefly.generate_images(cat_request()).await.unwrap();
    for _ in 0..5 {
        firefly.job_status(&job).await.unwrap();
    }
    tokio::time::advance(Duration::from_secs(3600)).await;
    firefly.job_status(&job).await.unwrap();
    assert_eq!(server.count(TOKEN_PATH), 1);
}

// The rest of the surface: one snapshot per operation.

use adobe_firefly::{
    CustomModelsQuery,
    types::{
        Alignment, CameraMotion, ExpandImageRequest, ExpandImageSyncRequest, FillImageRequest,
        FillImageSyncRequest, GenerateObjectCompositeRequest, GenerateObjectCompositeSyncRequest,
        GenerateSimilarImagesRequest, GenerateSimilarImagesSyncRequest, GenerateVideoRequest,
        HorizontalAlignment, InputImage, InputSource, Inset, Mask, Placement, PublishedStateFilter,
        ShotSize, SimilarImageModelVersion, SourceImage, SourceMask, SyncFillInputImage,
        SyncInputImage, TimelinePlacement, VerticalAlignment, VideoImageCondition, VideoImageInput,
        VideoSettings, VideoSize,
    },
};

fn uploaded(id: &str) -> InputSource {
    InputSource {
        upload_id: Some(id.into()),
        url: None,
    }
}

fn input(id: &str) -> InputImage {
    InputImage {
        source: uploaded(id),
        mask: None,
    }
}

fn source_image(id: &str) -> SourceImage {
    SourceImage {
        source: uploaded(id),
    }
}

fn mask(id: &str) -> Mask {
    Mask {
        source: uploaded(id),
        invert: Some(true),
    }
}

fn at_url(url: &str) -> InputSource {
    InputSource {
        upload_id: None,
        url: Some(url.into()),
    }
}

fn centered() -> Placement {
    Placement {
        alignment: Some(Alignment {
            horizontal: Some(HorizontalAlignment::Left),
            vertical: Some(VerticalAlignment::Top),
        }),
        inset: Some(Inset {
            top: Some(10),
            bottom: None,
            left: Some(20),
            right: None,
        }),
    }
}

/// Runs `call`, then snapshots the one request it sent to `path`.
async fn snapshot_of<F, Fut, T>(name: &str, path: &str, call: F)
where
    F: FnOnce(Firefly) -> Fut,
    Fut: std::future::Future<Output = Result<T, adobe_firefly::Error>>,
    T: std::fmt::Debug,
{
    let server = adobe().await;
    call(client(&server)).await.unwrap();
    let mut sent = server.requests_to(path);
    assert_eq!(sent.len(), 1, "{name}");
    let request = sent.remove(0);
    assert_carries_credentials(&request);
    insta::assert_json_snapshot!(name, request.shape());
}

#[allow(deprecated)] // the synchronous endpoints still work and are tested
#[tokio::test(start_paused = true)]
async fn generate_similar_images() {
    snapshot_of(
        "generate_similar_images_async",
        "/v3/images/generate-similar-async",
        |f| async move {
            let request = GenerateSimilarImagesRequest::builder()
                .image(source_image("ref-1"))
                .num_variations(2);
            f.generate_similar_images_with_model(request, SimilarImageModelVersion::Image4Ultra)
                .await
        },
    )
    .await;
    snapshot_of(
        "generate_similar_images_sync",
        "/v3/images/generate-similar",
        |f| async move {
            f.generate_similar_images_sync(
                GenerateSimilarImagesSyncRequest::builder()
                    .image(source_image("ref-1"))
                    .tileable(true),
            )
            .await
        },
    )
    .await;
}

#[allow(deprecated)] // the synchronous endpoints still work and are tested
#[tokio::test(start_paused = true)]
async fn expand_image() {
    snapshot_of(
        "expand_image_async",
        "/v3/images/expand-async",
        |f| async move {
            let request = ExpandImageRequest::builder()
                .image(input("photo-1"))
                .prompt("a beach".to_owned())
                .placement(centered())
                .size(Size {
                    width: 2688,
                    height: 1536,
                });
            f.expand_image(request).await
        },
    )
    .await;
    snapshot_of("expand_image_sync", "/v3/images/expand", |f| async move {
        // Adobe's sync mask is a plain `{url}` or `{uploadId}`.
        let image = SyncInputImage {
            source: uploaded("photo-1"),
            mask: Some(at_url("https://example.com/mask.png")),
        };
        f.expand_image_sync(ExpandImageSyncRequest::builder().image(image))
            .await
    })
    .await;
}

#[allow(deprecated)] // the synchronous endpoints still work and are tested
#[tokio::test(start_paused = true)]
async fn fill_image() {
    snapshot_of(
        "fill_image_async",
        "/v3/images/fill-async",
        |f| async move {
            let request = FillImageRequest::builder()
                .image(input("photo-1"))
                .mask(mask("mask-1"))
                .prompt("flowers".to_owned())
                .negative_prompt("weeds".to_owned())
                .prompt_biasing_locale_code("en-US".to_owned());
            f.fill_image(request).await
        },
    )
    .await;
    snapshot_of("fill_image_sync", "/v3/images/fill", |f| async move {
        // Required here, and a plain `{url}` or `{uploadId}`.
        let image = SyncFillInputImage {
            source: uploaded("photo-1"),
            mask: uploaded("mask-1"),
        };
        f.fill_image_sync(
            FillImageSyncRequest::builder()
                .image(image)
                .prompt("flowers".to_owned()),
        )
        .await
    })
    .await;
}

#[allow(deprecated)] // the synchronous endpoints still work and are tested
#[tokio::test(start_paused = true)]
async fn generate_object_composite() {
    snapshot_of(
        "generate_object_composite_async",
        "/v3/images/generate-object-composite-async",
        |f| async move {
            let request = GenerateObjectCompositeRequest::builder()
                .image(input("product-1"))
                .prompt("on a marble table")
                .mask(SourceMask {
                    source: Some(uploaded("mask-1")),
                })
                .content_class(adobe_firefly::types::ContentClass::Photo);
            f.generate_object_composite(request).await
        },
    )
    .await;
    snapshot_of(
        "generate_object_composite_sync",
        "/v3/images/generate-object-composite",
        |f| async move {
            f.generate_object_composite_sync(
                GenerateObjectCompositeSyncRequest::builder()
                    .image(SyncInputImage {
                        source: uploaded("product-1"),
                        mask: Some(uploaded("mask-1")),
                    })
                    .prompt("in a forest"),
            )
            .await
        },
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn generate_video() {
    snapshot_of("generate_video", "/v3/videos/generate", |f| async move {
        let keyframe = VideoImageCondition {
            source: uploaded("frame-1"),
            placement: TimelinePlacement { position: 0.0 },
        };
        let request = GenerateVideoRequest::builder()
            .prompt("a cat walking".to_owned())
            .seeds(vec![5])
            .sizes(vec![
                VideoSize {
                    width: 1920,
                    height: 1080,
                },
                VideoSize {
                    width: 1080,
                    height: 1920,
                },
            ])
            .image(VideoImageInput {
                conditions: vec![keyframe],
            })
            .video_settings(VideoSettings {
                camera_motion: Some(CameraMotion::CameraPanLeft),
                prompt_style: None,
                shot_angle: None,
                shot_size: Some(ShotSize::MediumShot),
            });
        f.generate_video(request).await
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn upload_image() {
    let png = b"\x89PNG\r\n\x1a\n0123456789".to_vec();
    snapshot_of("upload_image", "/v2/storage/image", |f| async move {
        f.upload_image(png).await
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn custom_models_page() {
    snapshot_of("custom_models_page", "/v3/custom-models", |f| async move {
        let query = CustomModelsQuery::new()
            .user_token("user-access-token")
            .sort_by(adobe_firefly::types::CustomModelSortOrder::CreatedDate)
            .published_state(PublishedStateFilter::All)
            .page_size(10);
        f.custom_models_page(&query, 20).await
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn check_credentials() {
    snapshot_of(
        "check_credentials",
        "/v3/status/adobe-firefly-credentials-check",
        |f| async move { f.check_credentials().await },
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn client_secret_rotation() {
    use adobe_firefly::secrets::{MANAGEMENT_SCOPES, SecretsManager};
    let server = adobe().await;
    let manager = SecretsManager::builder()
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .ims_url(&server.url)
        .management_url(&server.url)
        .build()
        .unwrap();
    let secrets = manager.list("ORG@AdobeOrg", "cred-1").await.unwrap();
    assert_eq!(secrets[0].uuid, "old-uuid");
    let fresh = manager.create("ORG@AdobeOrg", "cred-1").await.unwrap();
    assert_eq!(
        (fresh.uuid(), fresh.expose_secret()),
        ("new-uuid", "p8e-new")
    );
    manager
        .delete("ORG@AdobeOrg", "cred-1", "old-uuid")
        .await
        .unwrap();

    assert_eq!(ims_request(&server).form()["scope"], MANAGEMENT_SCOPES);
    let sent: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/console/"))
        .collect();
    assert_eq!(sent.len(), 3);
    sent.iter().for_each(assert_carries_credentials);
    let shapes: Vec<_> = sent.iter().map(Recorded::shape).collect();
    insta::assert_json_snapshot!("client_secret_rotation", shapes);
}
