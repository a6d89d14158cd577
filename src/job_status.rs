//! The SDK's reading of a job's status body.
//!
//! Adobe's spec gives the status body as `JobResponse`, a `oneOf` keyed on
//! `status`: `JobSucceededPayload` (with `result`) or `JobPollPayload`. Its
//! `result` is one of four shapes: images with `image.url` (with or without
//! size, content class and alt text), upscaled images with `presignedUrl`,
//! or videos with `video.url`. Decoding that by trial, as a generated
//! untagged enum would, picks the first shape that fits, and a shape whose
//! fields are all optional fits everything. So the status is read into one
//! lenient object instead: every field of every shape, none required, and
//! `status` an open enum. Which fields mean something is decided by the
//! status, never by which shape happened to decode. `build.rs` makes the
//! generated client answer the status call with this type.

use serde::{Deserialize, Serialize};

use crate::wire::{ContentClass, JobStatus};

/// The state of a job, as the status endpoint reports it.
///
/// A job is finished when [`JobStatus::is_terminal`]: `succeeded` (with
/// [`result`](Self::result)), `failed` (with [`error_code`](Self::error_code)
/// and [`message`](Self::message)), `cancelled` (or `canceled`) and
/// `timeout`. `pending`, `running` and `cancel_pending` are not finished.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct JobStatusResponse {
    /// The job's id.
    #[serde(rename = "jobId", default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// Where the job is in its life; `None` when the body names no status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<JobStatus>,
    /// What the job produced, once it succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<JobResult>,
    /// What went wrong, when the job failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// A human-readable explanation, when the job failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How far the job is, in percent, when Firefly says (older bodies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
}

/// What a finished job produced: images, upscaled images or videos.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct JobResult {
    /// The files, one per variation or seed.
    #[serde(default)]
    pub outputs: Vec<JobOutput>,
    /// The size of the images or videos, when Firefly says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<OutputSize>,
    /// Whether the images were made to look like photos or art.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_class: Option<ContentClass>,
    /// A description of the image (Image Model 5 with the `quality` prompt
    /// reasoner); empty or absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// Whether the prompt contained words Firefly ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_has_denied_words: Option<bool>,
    /// Whether the prompt named artists Firefly will not imitate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_has_blocked_artists: Option<bool>,
    /// The version of the model that made an upscaled image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The width and height of a job's outputs, in pixels.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[non_exhaustive]
pub struct OutputSize {
    /// Width in pixels.
    pub width: u64,
    /// Height in pixels.
    pub height: u64,
}

/// One file a job produced.
///
/// Image and video jobs give a seed and `image.url` or `video.url`; upscale
/// jobs give an id and `presignedUrl`. [`url`](Self::url) gives whichever is
/// there.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct JobOutput {
    /// The seed that made it; pass it again for a similar result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// The image of an image job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<OutputFile>,
    /// The video of a video job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<OutputFile>,
    /// The output's id (upscale jobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where to download the output (upscale jobs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presigned_url: Option<String>,
    /// The Creative Cloud file the output was saved to, when one was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creative_cloud_file_id: Option<String>,
}

impl JobOutput {
    /// Where to download the output, whatever its shape: `image.url`,
    /// `video.url` or `presignedUrl`. The URL is pre-signed and expires
    /// after about an hour; it is never sent credentials.
    pub fn url(&self) -> Option<&str> {
        self.image
            .as_ref()
            .and_then(|file| file.url.as_deref())
            .or(self.video.as_ref().and_then(|file| file.url.as_deref()))
            .or(self.presigned_url.as_deref())
    }
}

/// A generated file behind a pre-signed URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct OutputFile {
    /// The pre-signed URL; download it without credentials. `None` when
    /// Firefly left it out, which a waiter reports rather than fails on:
    /// the job was paid for and its id can be read again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(body: serde_json::Value) -> JobStatusResponse {
        serde_json::from_value(body).expect("decodes")
    }

    #[test]
    fn every_status_value_decodes_and_unknown_ones_are_kept() {
        for (wire, expected, terminal) in [
            ("pending", JobStatus::Pending, false),
            ("running", JobStatus::Running, false),
            ("succeeded", JobStatus::Succeeded, true),
            ("failed", JobStatus::Failed, true),
            ("cancelled", JobStatus::Canceled, true),
            ("canceled", JobStatus::Canceled, true),
            ("cancel_pending", JobStatus::CancelPending, false),
            ("timeout", JobStatus::Timeout, true),
            ("paused", JobStatus::Unknown("paused".into()), false),
        ] {
            let status = read(json!({"jobId": "j", "status": wire}));
            assert_eq!(status.status.as_ref(), Some(&expected), "{wire}");
            assert_eq!(expected.is_terminal(), terminal, "{wire}");
        }
    }

    #[test]
    fn an_image_result_keeps_its_details() {
        let status = read(json!({
            "jobId": "j", "status": "succeeded",
            "result": {
                "size": {"width": 2048, "height": 2048},
                "contentClass": "photo", "altText": "a cat on a sofa",
                "outputs": [{"seed": 7, "image": {"url": "https://x.example/a.jpg"}}]
            }
        }));
        let result = status.result.unwrap();
        assert_eq!(result.alt_text.as_deref(), Some("a cat on a sofa"));
        assert_eq!(result.content_class, Some(ContentClass::Photo));
        assert_eq!(result.size.map(|s| (s.width, s.height)), Some((2048, 2048)));
        assert_eq!(result.outputs[0].seed, Some(7));
        assert_eq!(result.outputs[0].url(), Some("https://x.example/a.jpg"));
    }

    #[test]
    fn an_upscale_result_is_read_through_its_presigned_url() {
        let status = read(json!({
            "jobId": "j", "status": "succeeded",
            "result": {"version": "1.0", "outputs": [{
                "id": "o1", "presignedUrl": "https://x.example/up.png",
                "creativeCloudFileId": "urn:aaid:x"
            }]}
        }));
        let result = status.result.unwrap();
        let output = &result.outputs[0];
        assert_eq!(output.seed, None);
        assert!(output.image.is_none() && output.video.is_none());
        assert_eq!(output.url(), Some("https://x.example/up.png"));
        assert_eq!(output.creative_cloud_file_id.as_deref(), Some("urn:aaid:x"));
        assert_eq!(result.version.as_deref(), Some("1.0"));
    }

    #[test]
    fn a_video_result_is_read_through_its_video_url() {
        let status = read(json!({
            "jobId": "j", "status": "succeeded",
            "result": {"size": {"width": 1920, "height": 1080},
                       "outputs": [{"seed": 3, "video": {"url": "https://x.example/v.mp4"}}]}
        }));
        let output = &status.result.unwrap().outputs[0];
        assert_eq!(output.url(), Some("https://x.example/v.mp4"));
        assert!(output.image.is_none());
    }

    #[test]
    fn a_failure_keeps_adobe_code_and_message() {
        let status = read(json!({
            "jobId": "j", "status": "failed",
            "error_code": "image_unsafe", "message": "refused"
        }));
        assert_eq!(status.error_code.as_deref(), Some("image_unsafe"));
        assert_eq!(status.message.as_deref(), Some("refused"));
        assert!(status.result.is_none());
    }

    #[test]
    fn a_wrongly_typed_body_is_an_error_not_a_guess() {
        let body = json!({"status": "succeeded", "result": {"outputs": "not a list"}});
        assert!(serde_json::from_value::<JobStatusResponse>(body).is_err());
    }
}
