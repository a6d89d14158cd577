//! Every generation operation end to end through the emulator, and the
//! request checks of the newer operations.

mod common;

use adobe_firefly::{
    Error, Firefly, ImageFormat, WaitOptions,
    types::{
        ExpandImageRequest, ExpandImageSyncRequest, FillImageRequest, FillImageSyncRequest,
        GenerateObjectCompositeRequest, GenerateObjectCompositeSyncRequest,
        GenerateSimilarImagesRequest, GenerateSimilarImagesSyncRequest, GenerateVideoRequest,
        InputImage, InputSource, JobAccepted, JobResult, Mask, Placement, Size, SourceImage,
        SyncFillInputImage, SyncInputImage, TimelinePlacement, VideoImageCondition,
        VideoImageInput, VideoSize,
    },
};
use adobe_firefly_emulator::Emulator;
use common::EmulatorExt;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-but-signed";

fn uploaded(id: &str) -> InputImage {
    InputImage {
        source: InputSource {
            upload_id: Some(id.into()),
            url: None,
        },
        mask: None,
    }
}

fn source(id: &str) -> InputSource {
    InputSource {
        upload_id: Some(id.into()),
        url: None,
    }
}

fn source_image(id: &str) -> SourceImage {
    SourceImage { source: source(id) }
}

fn mask(id: &str) -> Mask {
    Mask {
        source: InputSource {
            upload_id: Some(id.into()),
            url: None,
        },
        invert: None,
    }
}

async fn finish(firefly: &Firefly, job: JobAccepted) -> JobResult {
    firefly
        .wait_for_job(&job, &WaitOptions::default())
        .await
        .unwrap()
}

/// Downloads every output and checks it is the kind of file announced.
async fn download_all(firefly: &Firefly, result: &JobResult) -> usize {
    let mut count = 0;
    for output in &result.outputs {
        let (url, signature): (Option<&str>, &[u8]) = match (&output.image, &output.video) {
            (Some(image), _) => (image.url.as_deref(), b"\x89PNG"),
            (_, Some(video)) => (video.url.as_deref(), b"ftyp"),
            _ => panic!("an output without a file: {output:?}"),
        };
        let url = url.expect("the output has a URL");
        let mut bytes = Vec::new();
        firefly.download_to_writer(url, &mut bytes).await.unwrap();
        let found = bytes
            .windows(signature.len())
            .take(8)
            .any(|w| w == signature);
        assert!(found, "{url} is not the announced file type");
        count += 1;
    }
    count
}

#[tokio::test(start_paused = true)]
async fn every_async_operation_runs_end_to_end() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let upload = firefly.upload_image(PNG.to_vec()).await.unwrap();
    let id = upload.id.as_str();

    let jobs = vec![
        firefly
            .generate_similar_images(
                GenerateSimilarImagesRequest::builder()
                    .image(source_image(id))
                    .num_variations(2),
            )
            .await
            .unwrap(),
        firefly
            .expand_image(
                ExpandImageRequest::builder()
                    .image(uploaded(id))
                    .size(Size {
                        width: 2048,
                        height: 1024,
                    }),
            )
            .await
            .unwrap(),
        firefly
            .fill_image(
                FillImageRequest::builder()
                    .image(uploaded(id))
                    .mask(mask(id))
                    .prompt("flowers".to_owned()),
            )
            .await
            .unwrap(),
        firefly
            .generate_object_composite(
                GenerateObjectCompositeRequest::builder()
                    .image(uploaded(id))
                    .prompt("on a table"),
            )
            .await
            .unwrap(),
    ];
    let mut downloaded = 0;
    for job in jobs {
        let result = finish(&firefly, job).await;
        downloaded += download_all(&firefly, &result).await;
    }
    assert_eq!(downloaded, 5);

    let video = firefly
        .generate_video(
            GenerateVideoRequest::builder()
                .prompt("a cat walking".to_owned())
                .sizes(vec![VideoSize {
                    width: 1280,
                    height: 720,
                }]),
        )
        .await
        .unwrap();
    let result = finish(&firefly, video).await;
    assert!(result.outputs[0].video.is_some() && result.outputs[0].image.is_none());
    assert_eq!(
        result.size.map(|size| (size.width, size.height)),
        Some((1280, 720))
    );
    assert_eq!(download_all(&firefly, &result).await, 1);

    let storage: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/storage/"))
        .collect();
    assert_eq!(storage.len(), 6);
    assert!(
        storage
            .iter()
            .all(|r| !r.had_authorization && !r.had_api_key)
    );
}

#[allow(deprecated)] // the synchronous endpoints still work and are tested
#[tokio::test(start_paused = true)]
async fn every_sync_operation_answers_with_images() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    // Adobe's sync masks are a plain `{url}` or `{uploadId}`.
    let with_mask = SyncInputImage {
        source: source("i"),
        mask: Some(source("m")),
    };
    #[allow(deprecated)]
    let text_to_image = firefly
        .generate_images_sync(
            adobe_firefly::types::GenerateImagesSyncRequest::builder().prompt("a cat"),
        )
        .await
        .unwrap();
    let fill_image = SyncFillInputImage {
        source: source("i"),
        mask: source("m"),
    };
    let urls = [
        text_to_image.outputs[0].image.url.clone(),
        firefly
            .generate_similar_images_sync(
                GenerateSimilarImagesSyncRequest::builder().image(source_image("i")),
            )
            .await
            .unwrap()
            .outputs[0]
            .image
            .url
            .clone(),
        firefly
            .expand_image_sync(ExpandImageSyncRequest::builder().image(with_mask.clone()))
            .await
            .unwrap()
            .outputs[0]
            .image
            .url
            .clone(),
        firefly
            .fill_image_sync(FillImageSyncRequest::builder().image(fill_image))
            .await
            .unwrap()
            .outputs[0]
            .image
            .url
            .clone(),
        firefly
            .generate_object_composite_sync(
                GenerateObjectCompositeSyncRequest::builder()
                    .image(with_mask)
                    .prompt("a shelf"),
            )
            .await
            .unwrap()
            .outputs[0]
            .image
            .url
            .clone(),
    ];
    for url in urls {
        let url = url.expect("a sync output has a URL");
        let mut bytes = Vec::new();
        firefly.download_to_writer(&url, &mut bytes).await.unwrap();
        assert_eq!(ImageFormat::detect(&bytes), Some(ImageFormat::Png));
    }
}

// The newer operations' limits, checked before sending.

#[allow(deprecated)] // the synchronous endpoints still work and are tested
#[tokio::test(start_paused = true)]
async fn newer_operations_check_their_limits_before_sending() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let placement = Placement {
        alignment: None,
        inset: None,
    };
    let field = |error: Error| match error {
        Error::Validation(v) => v.field().to_owned(),
        other => panic!("{other:?}"),
    };
    let expand_big = ExpandImageRequest::builder()
        .image(uploaded("i"))
        .size(Size {
            width: 4097,
            height: 100,
        });
    assert_eq!(
        field(firefly.expand_image(expand_big).await.unwrap_err()),
        "size.width"
    );
    let both = ExpandImageRequest::builder()
        .image(uploaded("i"))
        .mask(mask("m"))
        .placement(placement.clone());
    assert_eq!(
        field(firefly.expand_image(both).await.unwrap_err()),
        "placement"
    );
    let no_source = InputImage {
        source: InputSource {
            upload_id: None,
            url: None,
        },
        mask: None,
    };
    assert_eq!(
        field(
            firefly
                .expand_image(ExpandImageRequest::builder().image(no_source))
                .await
                .unwrap_err()
        ),
        "image.source"
    );
    assert_eq!(
        field(
            firefly
                .fill_image_sync(FillImageSyncRequest::builder().image(SyncFillInputImage {
                    source: source("i"),
                    mask: InputSource {
                        upload_id: None,
                        url: None,
                    },
                }))
                .await
                .unwrap_err()
        ),
        "image.mask"
    );
    let empty_prompt = GenerateObjectCompositeRequest::builder()
        .image(uploaded("i"))
        .prompt(" ");
    assert_eq!(
        field(
            firefly
                .generate_object_composite(empty_prompt)
                .await
                .unwrap_err()
        ),
        "prompt"
    );
    assert_eq!(
        field(
            firefly
                .generate_video(GenerateVideoRequest::builder())
                .await
                .unwrap_err()
        ),
        "prompt"
    );
    let two_seeds = GenerateVideoRequest::builder()
        .prompt("x".to_owned())
        .seeds(vec![1, 2]);
    assert_eq!(
        field(firefly.generate_video(two_seeds).await.unwrap_err()),
        "seeds"
    );
    let bit_rate = GenerateVideoRequest::builder()
        .prompt("x".to_owned())
        .bit_rate_factor(64);
    assert_eq!(
        field(firefly.generate_video(bit_rate).await.unwrap_err()),
        "bitRateFactor"
    );
    let late = VideoImageCondition {
        source: InputSource {
            upload_id: Some("f".into()),
            url: None,
        },
        placement: TimelinePlacement { position: 1.5 },
    };
    let request = GenerateVideoRequest::builder().image(VideoImageInput {
        conditions: vec![late],
    });
    assert_eq!(
        field(firefly.generate_video(request).await.unwrap_err()),
        "image.conditions.0.placement.position"
    );
    let similar = GenerateSimilarImagesRequest::builder()
        .image(source_image("i"))
        .num_variations(5);
    assert_eq!(
        field(firefly.generate_similar_images(similar).await.unwrap_err()),
        "numVariations"
    );
    let api_requests = emulator
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/v3/"))
        .count();
    assert_eq!(api_requests, 0, "nothing was sent");
}
