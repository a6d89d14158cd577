//! The requests of the operations Adobe added in 2026 (Image Model 5,
//! upscale, precise and adaptive composite), as insta snapshots against a
//! real server on 127.0.0.1, and what comes back: the links answer as the
//! usual job handle, the 451 content-policy error, the 422 body. Every
//! recorded body is also checked against the spec by `tests/conformance.rs`.

mod common;

use adobe_firefly::{
    Error, Firefly, WaitOptions,
    types::{
        AdaptiveCompositeObject, AdaptiveCompositeRequest, AspectRatio, CompositeBackground,
        CompositeImage, CompositeMediaType, CompositeObject, CompositeOutput,
        ContentPolicyErrorCode, Image5Options, Image5Request, JobStatus, PreciseCompositeRequest,
        PromptReasoner, ReferenceImage, ResolutionLevel, SourceImage, UpscaleFactor,
        UpscaleRequest,
    },
};
use common::*;
use serde_json::json;

const JOB_ID: &str = "urn:ff:jobs:test:2026";

/// IMS and Firefly on one server, answering each 2026 operation the way
/// Adobe's spec says: 200 with links (v4), 202 with links (upscale), 202
/// with a job id (composites); a status that succeeds on the second poll.
async fn adobe() -> FakeServer {
    FakeServer::start(|request, earlier| {
        let host = request.header("host").unwrap_or_default().to_owned();
        let links = json!({
            "result": {"href": format!("http://{host}/v3/status/{JOB_ID}")},
            "cancel": {"href": format!("http://{host}/v3/cancel/{JOB_ID}")},
        });
        let reply = match (request.method.as_str(), request.path.as_str()) {
            ("POST", TOKEN_PATH) => json_response(200, token_body("token-1", 86399)),
            ("POST", "/v4/images/generate-async") => {
                json_response(200, json!({"links": links, "progress": 0}))
            }
            ("POST", "/v3/images/upscale") => json_response(202, json!({"links": links})),
            ("POST", "/v3/images/precise-composite" | "/v3/images/adaptive-composite") => {
                json_response(
                    202,
                    json!({
                        "jobId": JOB_ID,
                        "statusUrl": format!("http://{host}/v3/status/{JOB_ID}"),
                        "cancelUrl": format!("http://{host}/v3/cancel/{JOB_ID}"),
                    }),
                )
            }
            ("GET", path) if path.starts_with("/v3/status/") && earlier == 0 => {
                json_response(200, json!({"jobId": JOB_ID, "status": "running"}))
            }
            ("GET", path) if path.starts_with("/v3/status/") => json_response(
                200,
                json!({
                    "jobId": JOB_ID,
                    "status": "succeeded",
                    "result": {
                        "outputs": [{"id": "out-1", "presignedUrl": format!("http://{host}/storage/up.png")}],
                        "altText": "A lighthouse at dusk.",
                        "version": "v5",
                    }
                }),
            ),
            ("PUT", path) if path.starts_with("/v3/cancel/") => json_response(200, json!({})),
            _ => json_response(404, json!({"error_code": "not_found"})),
        };
        Reply::Now(reply)
    })
    .await
}

fn client(server: &FakeServer) -> Firefly {
    Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .build()
        .unwrap()
}

/// Runs `call`, then snapshots the one request it sent to `path`.
async fn snapshot_of<F, Fut>(name: &str, path: &str, call: F) -> FakeServer
where
    F: FnOnce(Firefly) -> Fut,
    Fut: std::future::Future<Output = Result<adobe_firefly::types::JobAccepted, Error>>,
{
    let server = adobe().await;
    let job = call(client(&server)).await.unwrap();
    assert_eq!(job.job_id, JOB_ID, "{name}");
    let mut sent = server.requests_to(path);
    assert_eq!(sent.len(), 1, "{name}");
    let request = sent.remove(0);
    assert_eq!(request.header("authorization"), Some("Bearer token-1"));
    assert_eq!(request.header("x-api-key"), Some(CLIENT_ID));
    insta::assert_json_snapshot!(name, request.shape());
    server
}

fn image5_options() -> Image5Options {
    Image5Options {
        locale_code: Some("en-US".into()),
        prompt_reasoner: Some(PromptReasoner::Quality),
    }
}

#[tokio::test(start_paused = true)]
async fn image5_generate_is_a_job_like_any_other() {
    let server = snapshot_of(
        "image5_generate",
        "/v4/images/generate-async",
        |f| async move {
            let request = Image5Request::builder()
                .prompt("a lighthouse at dusk")
                .aspect_ratio(AspectRatio::X169)
                .resolution_level(ResolutionLevel::X4mp)
                .model_specific_payload(image5_options())
                .num_variations(1)
                .seeds(vec![3]);
            f.generate_image5(request).await
        },
    )
    .await;
    let firefly = client(&server);
    let job = firefly.job(JOB_ID).unwrap();
    let result = firefly
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap();
    assert_eq!(result.alt_text.as_deref(), Some("A lighthouse at dusk."));
    assert!(
        result.outputs[0]
            .url()
            .unwrap()
            .ends_with("/storage/up.png")
    );
    firefly.cancel_job(&job).await.unwrap();
    assert_eq!(server.count(&format!("/v3/cancel/{JOB_ID}")), 1);
}

#[tokio::test(start_paused = true)]
async fn image5_edit_sends_the_reference_and_an_automatic_ratio() {
    snapshot_of("image5_edit", "/v4/images/generate-async", |f| async move {
        let request = Image5Request::builder()
            .prompt("make it night")
            .aspect_ratio(AspectRatio::Auto)
            .reference_blobs(vec![ReferenceImage::upload("5c1d6e2a-upload")]);
        f.generate_image5(request).await
    })
    .await;
    snapshot_of(
        "image5_edit_by_url",
        "/v4/images/generate-async",
        |f| async move {
            let request = Image5Request::builder()
                .prompt("make it night")
                .reference_blobs(vec![ReferenceImage::url(
                    "https://bucket.s3.amazonaws.com/in.png?sig=1",
                )]);
            f.generate_image5(request).await
        },
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn upscale_sends_its_model_seeds_and_factor() {
    let server = snapshot_of("upscale_image", "/v3/images/upscale", |f| async move {
        let request = UpscaleRequest::builder()
            .image(SourceImage::upload("5c1d6e2a-upload"))
            .seeds(vec![1, 2])
            .upscale_factor(UpscaleFactor(4));
        f.upscale_image(request).await
    })
    .await;
    let firefly = client(&server);
    let status = firefly
        .job_status(&firefly.job(JOB_ID).unwrap())
        .await
        .unwrap();
    assert_eq!(status.status, Some(JobStatus::Running));
}

#[tokio::test(start_paused = true)]
async fn precise_composite_sends_every_field() {
    snapshot_of(
        "precise_composite",
        "/v3/images/precise-composite",
        |f| async move {
            let request = PreciseCompositeRequest::builder()
                .object(CompositeObject {
                    image: CompositeImage::upload("object-id"),
                })
                .background(CompositeBackground {
                    image: CompositeImage::url("https://bucket.s3.amazonaws.com/scene.jpg"),
                    fill_area_mask: CompositeImage::upload("area-id"),
                })
                .blend(0.25)
                .num_variations(2)
                .seeds(vec![10, 11])
                .output(CompositeOutput {
                    media_type: Some(CompositeMediaType::ImageJxl),
                });
            f.precise_composite(request).await
        },
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn adaptive_composite_sends_every_field() {
    snapshot_of(
        "adaptive_composite",
        "/v3/images/adaptive-composite",
        |f| async move {
            let request = AdaptiveCompositeRequest::builder()
                .object(AdaptiveCompositeObject {
                    image: CompositeImage::upload("object-id"),
                    mask: Some(CompositeImage::upload("object-mask-id")),
                })
                .background(CompositeBackground {
                    image: CompositeImage::upload("scene-id"),
                    fill_area_mask: CompositeImage::upload("area-id"),
                })
                .harmonization(0.6)
                .shadow_intensity(0.5)
                .preserve_background(true)
                .num_variations(1)
                .output(CompositeOutput {
                    media_type: Some(CompositeMediaType::ImageWebp),
                });
            f.adaptive_composite(request).await
        },
    )
    .await;
}

/// Each request breaks one rule; none is sent, and the error names the
/// field.
#[tokio::test(start_paused = true)]
async fn bad_requests_are_refused_before_sending() {
    let server = adobe().await;
    let f = client(&server);
    let object = || CompositeObject {
        image: CompositeImage::upload("o"),
    };
    let background = || CompositeBackground {
        image: CompositeImage::upload("b"),
        fill_area_mask: CompositeImage::upload("m"),
    };
    let reference = || vec![ReferenceImage::upload("r")];
    let edit = |ratio| {
        Image5Request::builder()
            .prompt("night")
            .aspect_ratio(ratio)
            .reference_blobs(reference())
    };
    let upscale = |seeds: Vec<i64>, factor: i64| {
        UpscaleRequest::builder()
            .image(SourceImage::upload("u"))
            .seeds(seeds)
            .upscale_factor(UpscaleFactor(factor))
    };
    let cases: Vec<(&str, Result<_, Error>)> = vec![
        (
            "aspectRatio",
            f.generate_image5(edit(AspectRatio::X169)).await,
        ),
        (
            "referenceBlobs",
            f.generate_image5(
                Image5Request::builder()
                    .prompt("two")
                    .reference_blobs([reference(), reference()].concat()),
            )
            .await,
        ),
        (
            "prompt",
            f.generate_image5(Image5Request::builder().prompt("x".repeat(1501)))
                .await,
        ),
        (
            "numVariations",
            f.generate_image5(Image5Request::builder().prompt("a").num_variations(2))
                .await,
        ),
        (
            "seeds",
            f.generate_image5(Image5Request::builder().prompt("a").seeds(vec![1, 2]))
                .await,
        ),
        ("upscaleFactor", f.upscale_image(upscale(vec![1], 5)).await),
        ("seeds", f.upscale_image(upscale(vec![], 2)).await),
        (
            "seeds",
            f.upscale_image(upscale(vec![1, 2, 3, 4, 5], 2)).await,
        ),
        (
            "numVariations",
            f.precise_composite(
                PreciseCompositeRequest::builder()
                    .object(object())
                    .background(background())
                    .num_variations(4),
            )
            .await,
        ),
        (
            "blend",
            f.precise_composite(
                PreciseCompositeRequest::builder()
                    .object(object())
                    .background(background())
                    .blend(1.5),
            )
            .await,
        ),
        (
            "background.fillAreaMask.source",
            f.adaptive_composite(
                AdaptiveCompositeRequest::builder()
                    .object(AdaptiveCompositeObject {
                        image: CompositeImage::upload("o"),
                        mask: None,
                    })
                    .background(CompositeBackground {
                        image: CompositeImage::upload("b"),
                        fill_area_mask: CompositeImage {
                            source: Default::default(),
                        },
                    }),
            )
            .await,
        ),
    ];
    for (field, outcome) in cases {
        let error = outcome.expect_err(field);
        let Error::Validation(validation) = &error else {
            panic!("{field}: {error:?}");
        };
        assert!(
            validation.field().starts_with(field),
            "expected `{field}`, got {error}"
        );
    }
    // Not even a token was asked for.
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

async fn answering(status: u16, body: serde_json::Value) -> FakeServer {
    FakeServer::start(move |request, _| {
        let reply = match request.path.as_str() {
            TOKEN_PATH => json_response(200, token_body("token-1", 86399)),
            _ => with_header(
                json_response(status, body.clone()),
                "x-request-id",
                "req-451",
            ),
        };
        Reply::Now(reply)
    })
    .await
}

#[tokio::test(start_paused = true)]
async fn a_451_is_a_content_policy_error_and_is_not_retried() {
    let server = answering(
        451,
        json!({"error_code": "prompt_unsafe", "message": "The prompt was refused."}),
    )
    .await;
    let error = client(&server)
        .generate_image5(Image5Request::builder().prompt("something refused"))
        .await
        .unwrap_err();
    assert!(error.is_content_policy(), "{error:?}");
    assert_eq!(
        error.content_policy(),
        Some(ContentPolicyErrorCode::PromptUnsafe)
    );
    assert!(!error.is_retryable());
    assert_eq!(error.request_id(), Some("req-451"));
    let text = error.to_string();
    for part in [
        "451",
        "`prompt_unsafe`",
        "The prompt was refused.",
        "reword",
    ] {
        assert!(text.contains(part), "{part} not in {text}");
    }
    assert_eq!(server.count("/v4/images/generate-async"), 1);
}

#[tokio::test(start_paused = true)]
async fn an_unknown_content_policy_code_is_kept() {
    let server = answering(451, json!({"error_code": "brand_new_rule"})).await;
    let error = client(&server)
        .precise_composite(
            PreciseCompositeRequest::builder()
                .object(CompositeObject {
                    image: CompositeImage::upload("o"),
                })
                .background(CompositeBackground {
                    image: CompositeImage::upload("b"),
                    fill_area_mask: CompositeImage::upload("m"),
                }),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.content_policy(),
        Some(ContentPolicyErrorCode::Unknown("brand_new_rule".into()))
    );
}

#[tokio::test(start_paused = true)]
async fn a_422_keeps_its_field_details() {
    let server = answering(
        422,
        json!({
            "error_code": "validation_error",
            "message": "Request body is invalid.",
            "validation_errors": [{"loc": ["body", "upscaleFactor"], "msg": "must be 2, 3, 4 or 6", "type": "enum"}],
        }),
    )
    .await;
    let error = client(&server)
        .upscale_image(
            UpscaleRequest::builder()
                .image(SourceImage::upload("u"))
                .seeds(vec![1]),
        )
        .await
        .unwrap_err();
    assert!(!error.is_content_policy());
    let details = error.validation_errors();
    assert_eq!(details.len(), 1, "{error:?}");
    assert!(
        error
            .to_string()
            .contains("body.upscaleFactor: must be 2, 3, 4 or 6")
    );
}

#[tokio::test(start_paused = true)]
async fn links_without_a_result_are_a_decode_error() {
    let server = answering(
        200,
        json!({"links": {"cancel": {"href": "http://x/v3/cancel/1"}}}),
    )
    .await;
    let error = client(&server)
        .generate_image5(Image5Request::builder().prompt("a"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("no `result` link"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn relative_links_are_read_against_the_api_and_odd_ids_refused() {
    let server = answering(
        200,
        json!({"links": {"result": {"href": "/v3/status/job-7"}, "cancel": {"href": "/v3/cancel/job-7"}}}),
    )
    .await;
    let job = client(&server)
        .generate_image5(Image5Request::builder().prompt("a"))
        .await
        .unwrap();
    assert_eq!(job.job_id, "job-7");
    assert_eq!(job.status_url, format!("{}/v3/status/job-7", server.url));
    assert_eq!(job.cancel_url, format!("{}/v3/cancel/job-7", server.url));

    // An id that would drive a terminal, or climb a path, is not an id.
    for href in [
        "/v3/status/%1B%5D0;x%07",
        "/v3/status/..",
        "/v3/status/a%20b",
    ] {
        let server = answering(200, json!({"links": {"result": {"href": href}}})).await;
        let error = client(&server)
            .generate_image5(Image5Request::builder().prompt("a"))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{href}: {error:?}");
    }
}
