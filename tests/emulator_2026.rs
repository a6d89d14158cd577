//! Adobe's 2026 operations end to end through the SDK against the
//! emulator: the links answer as a job handle that waits, reads and
//! cancels; upscale's `presignedUrl` outputs at the real upscaled size;
//! `altText`; and the new endings (`timeout`, `cancel_pending` then
//! `cancelled`, a 451 that is not retried).

mod common;

use adobe_firefly::{
    Error, WaitOptions,
    types::{
        CompositeBackground, CompositeImage, CompositeObject, Image5Options, Image5Request,
        JobStatus, PreciseCompositeRequest, PromptReasoner, SourceImage, UpscaleFactor,
        UpscaleRequest,
    },
};
use adobe_firefly_emulator::{Emulator, Faults};
use common::EmulatorExt;

/// The smallest PNG the emulator reads a size from: the signature, the
/// IHDR chunk with the size, and IEND.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut file = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    file.extend_from_slice(&width.to_be_bytes());
    file.extend_from_slice(&height.to_be_bytes());
    file.extend_from_slice(b"\x08\x02\0\0\0\0\0\0\0");
    file.extend_from_slice(b"\0\0\0\0IEND\xae\x42\x60\x82");
    file
}

/// The size a downloaded PNG's IHDR gives.
fn png_size(file: &[u8]) -> (u32, u32) {
    assert!(file.starts_with(b"\x89PNG"), "not a PNG");
    let word = |at: usize| u32::from_be_bytes(file[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

fn quick() -> WaitOptions {
    WaitOptions::default().first_poll(std::time::Duration::from_millis(100))
}

#[tokio::test(start_paused = true)]
async fn upscale_outputs_are_read_through_their_presigned_urls_at_the_real_size() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let uploaded = firefly.upload_image(png_header(30, 20)).await.unwrap();
    let job = firefly
        .upscale_image(
            UpscaleRequest::builder()
                .image(SourceImage::upload(uploaded.id))
                .seeds(vec![5, 6])
                .upscale_factor(UpscaleFactor(3)),
        )
        .await
        .unwrap();
    let result = firefly.wait_for_job(&job, &quick()).await.unwrap();
    assert_eq!(result.outputs.len(), 2);
    for output in &result.outputs {
        assert!(
            output.image.is_none() && output.seed.is_none(),
            "{output:?}"
        );
        let url = output.url().expect("a presignedUrl");
        let mut file = Vec::new();
        firefly.download_to_writer(url, &mut file).await.unwrap();
        assert_eq!(png_size(&file), (90, 60));
    }
}

#[tokio::test(start_paused = true)]
async fn image5_jobs_wait_cancel_and_carry_alt_text() {
    let emulator = Emulator::builder()
        .polls_until_done(3)
        .start()
        .await
        .unwrap();
    let firefly = emulator.client().unwrap();
    let quality = Image5Options {
        locale_code: None,
        prompt_reasoner: Some(PromptReasoner::Quality),
    };
    let request = || {
        Image5Request::builder()
            .prompt("a lighthouse")
            .model_specific_payload(quality.clone())
    };
    let job = firefly.generate_image5(request()).await.unwrap();
    let result = firefly.wait_for_job(&job, &quick()).await.unwrap();
    assert_eq!(
        result.alt_text.as_deref(),
        Some("An image of a lighthouse.")
    );
    assert!(result.outputs[0].url().is_some());

    let job = firefly.generate_image5(request()).await.unwrap();
    firefly.cancel_job(&job).await.unwrap();
    assert_eq!(emulator.canceled_jobs(), std::slice::from_ref(&job.job_id));
    let status = firefly.job_status(&job).await.unwrap();
    assert_eq!(status.status, Some(JobStatus::Canceled));
}

#[tokio::test(start_paused = true)]
async fn a_composite_is_the_backgrounds_size() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let upload = |width, height| {
        let firefly = firefly.clone();
        async move {
            let id = firefly
                .upload_image(png_header(width, height))
                .await
                .unwrap()
                .id;
            CompositeImage::upload(id)
        }
    };
    let request = PreciseCompositeRequest::builder()
        .object(CompositeObject {
            image: upload(10, 10).await,
        })
        .background(CompositeBackground {
            image: upload(64, 40).await,
            fill_area_mask: upload(64, 40).await,
        });
    let job = firefly.precise_composite(request).await.unwrap();
    let result = firefly.wait_for_job(&job, &quick()).await.unwrap();
    let size = result.size.expect("a composite result has a size");
    assert_eq!((size.width, size.height), (64, 40));
}

#[tokio::test(start_paused = true)]
async fn a_job_firefly_gave_up_on_is_a_typed_timeout() {
    let emulator = Emulator::builder()
        .faults(Faults::none().timeout_jobs_every(1))
        .start()
        .await
        .unwrap();
    let firefly = emulator.client().unwrap();
    let job = firefly
        .generate_image5(Image5Request::builder().prompt("a lighthouse"))
        .await
        .unwrap();
    let error = firefly.wait_for_job(&job, &quick()).await.unwrap_err();
    assert!(error.is_job_timeout(), "{error:?}");
    assert!(!matches!(error, Error::WaitTimeout { .. }));
    assert!(
        error.to_string().contains("timed out on its side"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn cancel_pending_is_waited_through_until_cancelled() {
    let emulator = Emulator::builder()
        .polls_until_done(50)
        .faults(Faults::none().cancel_pending(true))
        .start()
        .await
        .unwrap();
    let firefly = emulator.client().unwrap();
    let job = firefly
        .generate_image5(Image5Request::builder().prompt("a lighthouse"))
        .await
        .unwrap();
    firefly.cancel_job(&job).await.unwrap();
    let mut seen = Vec::new();
    let error = firefly
        .wait_for_job_with(&job, &quick(), |status| seen.extend(status.status.clone()))
        .await
        .unwrap_err();
    assert_eq!(seen, [JobStatus::CancelPending, JobStatus::Canceled]);
    assert!(
        matches!(
            &error,
            Error::JobFailed {
                status: JobStatus::Canceled,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_content_policy_refusal_is_sent_once_even_with_retries_on() {
    let emulator = Emulator::builder()
        .faults(Faults::none().content_policy_every(1))
        .start()
        .await
        .unwrap();
    let firefly = emulator.client().unwrap();
    let error = firefly
        .generate_image5(Image5Request::builder().prompt("refused"))
        .await
        .unwrap_err();
    assert!(error.is_content_policy(), "{error:?}");
    let submissions = emulator
        .requests()
        .iter()
        .filter(|r| r.path == "/v4/images/generate-async")
        .count();
    assert_eq!(submissions, 1);
}
