//! Answers Adobe's published schemas allow decode, and requests they forbid
//! are refused before sending: each case here once failed because the
//! hand-written spec disagreed with Adobe's files.

mod common;

use adobe_firefly::{
    Error, Firefly, RetryPolicy,
    types::{GenerateImagesRequest, GenerateImagesSyncRequest, Size, SizeSync},
};
use common::*;
use serde_json::json;

/// IMS hands out a token; every other request gets `answer`.
async fn answering(
    answer: impl Fn() -> axum::response::Response + Send + Sync + 'static,
) -> FakeServer {
    FakeServer::start(move |request, _| {
        if request.path == TOKEN_PATH {
            return Reply::Now(json_response(200, token_body("token", 86399)));
        }
        Reply::Now(answer())
    })
    .await
}

#[tokio::test]
async fn a_status_without_status_or_result_decodes() {
    // Adobe's video status schema requires only the job id, and its error
    // branch requires nothing.
    let server = answering(|| json_response(200, json!({"jobId": JOB}))).await;
    let status = without_retries(&server)
        .job_status(&job(&server))
        .await
        .unwrap();
    assert_eq!(status.job_id.as_deref(), Some(JOB));
    assert_eq!(status.status, None);
    assert!(status.result.is_none());
}

#[tokio::test]
async fn an_output_without_a_url_decodes_and_is_reported() {
    let server = answering(|| {
        json_response(
            200,
            json!({"jobId": JOB, "status": "succeeded", "result": {
                "size": {"width": 1024, "height": 1024},
                "outputs": [{"seed": 3, "image": {}}]
            }}),
        )
    })
    .await;
    let result = without_retries(&server)
        .wait_for_job(&job(&server), &adobe_firefly::WaitOptions::default())
        .await
        .unwrap();
    let image = result.outputs[0].image.as_ref().unwrap();
    assert_eq!(image.url, None);
    assert_eq!(result.outputs[0].seed, Some(3));
}

#[tokio::test]
async fn an_upload_answer_without_images_is_a_typed_error_not_a_decode_panic() {
    let server = answering(|| json_response(200, json!({}))).await;
    let png = b"\x89PNG\r\n\x1a\n0123".to_vec();
    let error = without_retries(&server)
        .upload_image(png)
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("no image id"), "{error}");
}

#[tokio::test]
async fn a_cancel_answered_200_with_an_empty_body_succeeds() {
    let server = answering(|| text_response(200, "application/json", "")).await;
    without_retries(&server)
        .cancel_job(&job(&server))
        .await
        .unwrap();
    assert_eq!(server.count(&format!("/v3/cancel/{JOB}")), 1);
}

#[tokio::test]
async fn a_cancel_answered_with_any_json_succeeds() {
    let server = answering(|| json_response(200, json!({"anything": [1, 2]}))).await;
    without_retries(&server)
        .cancel_job(&job(&server))
        .await
        .unwrap();
}

#[tokio::test]
async fn sync_sizes_stop_at_2688_and_async_sizes_do_not() {
    let server = answering(|| json_response(500, json!({}))).await;
    let firefly = Firefly::builder()
        .client_id(CLIENT_ID)
        .client_secret("secret")
        .api_url(&server.url)
        .ims_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .allow_unlisted_sizes(true)
        .build()
        .unwrap();
    #[allow(deprecated)]
    let sync =
        firefly
            .generate_images_sync(GenerateImagesSyncRequest::builder().prompt("a cat").size(
                SizeSync {
                    width: 2689,
                    height: 1000,
                },
            ))
            .await
            .unwrap_err();
    let Error::Validation(validation) = &sync else {
        panic!("{sync:?}")
    };
    assert_eq!(validation.field(), "size.width");
    assert!(validation.problem().contains("2688"), "{sync}");
    assert!(server.requests_to("/v3/images/generate").is_empty());

    // The same size is within the asynchronous limit and is sent.
    let sent = firefly
        .generate_images(GenerateImagesRequest::builder().prompt("a cat").size(Size {
            width: 2689,
            height: 1000,
        }))
        .await
        .unwrap_err();
    assert_eq!(sent.status(), Some(500));
    assert_eq!(server.count("/v3/images/generate-async"), 1);
}

#[tokio::test]
async fn sizes_adobe_does_not_list_are_refused_unless_allowed() {
    let server = answering(|| json_response(500, json!({}))).await;
    let listed_only = without_retries(&server);
    let odd = || {
        GenerateImagesRequest::builder().prompt("a cat").size(Size {
            width: 1000,
            height: 1000,
        })
    };
    let refused = listed_only.generate_images(odd()).await.unwrap_err();
    assert!(
        matches!(&refused, Error::Validation(v) if v.field() == "size"),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("2048x2048"), "{refused}");
    // image4 models have their own list: 1440x2560 is on it, not on image3's.
    let portrait = || {
        GenerateImagesRequest::builder().prompt("a cat").size(Size {
            width: 1440,
            height: 2560,
        })
    };
    assert!(
        listed_only
            .generate_images(portrait())
            .await
            .unwrap_err()
            .is_validation()
    );
    let image4 = listed_only
        .generate_images_with_model(
            portrait(),
            adobe_firefly::types::ImageModelVersion::Image4Ultra,
        )
        .await
        .unwrap_err();
    assert_eq!(image4.status(), Some(500), "sent: {image4}");
}

#[tokio::test]
async fn model_dependent_fields_are_checked() {
    use adobe_firefly::types::{ImageModelVersion, UpsamplerType};
    let server = answering(|| json_response(500, json!({}))).await;
    let firefly = without_retries(&server);
    let upsampler = firefly
        .generate_images(
            GenerateImagesRequest::builder()
                .prompt("a cat")
                .upsampler_type(UpsamplerType::LowCreativity),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&upsampler, Error::Validation(v) if v.field() == "upsamplerType"),
        "{upsampler:?}"
    );
    let intensity = firefly
        .generate_images_with_model(
            GenerateImagesRequest::builder()
                .prompt("a cat")
                .custom_model_id("urn:aaid:sc:model".to_owned())
                .visual_intensity(5),
            ImageModelVersion::Image4Custom,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&intensity, Error::Validation(v) if v.field() == "visualIntensity"),
        "{intensity:?}"
    );
    assert!(server.requests_to("/v3/images/generate-async").is_empty());
}
