//! What a request will cost, estimated before it is sent, in Adobe's
//! billing unit for Firefly Services: the *operation*.
//!
//! Adobe's "automation operation definition"
//! (<https://helpx.adobe.com/enterprise/kb/automation-operation-definition.html>) bills
//! 1 operation per generated image (each variation counts) and, for video,
//! 0.4, 1 or 2 operations per second of video at 540p, 720p or 1080p. This
//! is an **estimate** from the request alone: what Adobe finally bills is
//! what its own records say. Adobe's page does not name Photoshop API v2's
//! operations (it counts its older Photoshop actions per output file), so a
//! Photoshop job counts as 1 operation, and the estimate says so
//! ([`BillingUnit::Jobs`]).

use crate::types::{
    AdaptiveCompositeRequest, ExpandImageRequest, ExpandImageSyncRequest, FillImageRequest,
    FillImageSyncRequest, GenerateImagesRequest, GenerateImagesSyncRequest,
    GenerateObjectCompositeRequest, GenerateObjectCompositeSyncRequest,
    GenerateSimilarImagesRequest, GenerateSimilarImagesSyncRequest, GenerateVideoRequest,
    Image5Request, PreciseCompositeRequest, UpscaleRequest, VideoSize,
};

/// The length of a Firefly video: the video request has no duration, and
/// Adobe's Firefly video model makes clips of this many seconds.
pub const VIDEO_SECONDS: u32 = 5;

/// An estimate of what a request will be billed.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct CostEstimate {
    /// Adobe's operations the request is expected to use.
    pub operations: f64,
    /// What was counted to get there.
    pub unit: BillingUnit,
}

/// What an estimate counted.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum BillingUnit {
    /// Generated images, 1 operation each.
    Images(u32),
    /// Seconds of video, at the rate of their resolution.
    VideoSeconds {
        /// Seconds of video made.
        seconds: u32,
        /// Operations per second: 0.4 at 540p, 1 at 720p, 2 at 1080p.
        operations_per_second: f64,
    },
    /// Jobs of an API whose billing unit Adobe does not publish, counted
    /// as 1 operation each.
    Jobs(u32),
}

/// A request whose cost can be estimated before it is sent.
///
/// ```
/// use adobe_firefly::{EstimateCost, types::GenerateImagesRequest};
///
/// let request = GenerateImagesRequest::builder()
///     .prompt("a lighthouse")
///     .num_variations(3);
/// let request: GenerateImagesRequest = request.try_into().unwrap();
/// assert_eq!(request.estimate_cost().operations, 3.0);
/// ```
pub trait EstimateCost {
    /// What this request is expected to be billed.
    fn estimate_cost(&self) -> CostEstimate;
}

impl CostEstimate {
    /// `images` generated images.
    pub fn images(images: u32) -> Self {
        Self {
            operations: f64::from(images),
            unit: BillingUnit::Images(images),
        }
    }

    /// `seconds` of video of the given size.
    pub fn video(seconds: u32, size: Option<(i64, i64)>) -> Self {
        let operations_per_second = video_rate(size);
        Self {
            operations: f64::from(seconds) * operations_per_second,
            unit: BillingUnit::VideoSeconds {
                seconds,
                operations_per_second,
            },
        }
    }

    /// `jobs` jobs of an API whose unit Adobe does not publish.
    pub fn jobs(jobs: u32) -> Self {
        Self {
            operations: f64::from(jobs),
            unit: BillingUnit::Jobs(jobs),
        }
    }
}

/// Operations per second of video: by the shorter side, 540p and below
/// 0.4, up to 720p 1, above 2. Without a size, Adobe's default (1080p).
fn video_rate(size: Option<(i64, i64)>) -> f64 {
    let short_side = size.map_or(1080, |(width, height)| width.min(height));
    match short_side {
        ..=540 => 0.4,
        541..=720 => 1.0,
        _ => 2.0,
    }
}

/// Images a request makes: `numVariations`, else one per seed, else 1.
fn images(num_variations: Option<i64>, seeds: &[i64]) -> u32 {
    let asked = num_variations.unwrap_or(seeds.len() as i64).max(1);
    u32::try_from(asked).unwrap_or(u32::MAX)
}

/// The image requests: `numVariations` and `seeds` decide how many.
macro_rules! per_image {
    ($($request:ty),+ $(,)?) => {
        $(
            impl EstimateCost for $request {
                fn estimate_cost(&self) -> CostEstimate {
                    CostEstimate::images(images(self.num_variations, &self.seeds))
                }
            }
        )+
    };
}

per_image!(
    GenerateImagesRequest,
    GenerateImagesSyncRequest,
    GenerateSimilarImagesRequest,
    GenerateSimilarImagesSyncRequest,
    ExpandImageRequest,
    ExpandImageSyncRequest,
    FillImageRequest,
    FillImageSyncRequest,
    GenerateObjectCompositeRequest,
    GenerateObjectCompositeSyncRequest,
    Image5Request,
    PreciseCompositeRequest,
    AdaptiveCompositeRequest,
);

/// An upscale makes one image per seed.
impl EstimateCost for UpscaleRequest {
    fn estimate_cost(&self) -> CostEstimate {
        CostEstimate::images(images(None, &self.seeds))
    }
}

/// A video is [`VIDEO_SECONDS`] long, billed at the rate of its size.
impl EstimateCost for GenerateVideoRequest {
    fn estimate_cost(&self) -> CostEstimate {
        let size = self
            .sizes
            .first()
            .map(|VideoSize { width, height }| (*width, *height));
        CostEstimate::video(VIDEO_SECONDS, size)
    }
}

#[cfg(feature = "photoshop")]
mod photoshop {
    use super::{CostEstimate, EstimateCost};
    use crate::photoshop::types::{
        AutoCropRequest, CreateArtboardRequest, CreateCompositeRequest, EditRequest,
        ExecuteActionsRequest, GenerateManifestRequest,
    };

    /// Photoshop's unit is not published: one job, 1 operation.
    macro_rules! per_job {
        ($($request:ty),+ $(,)?) => {
            $(
                impl EstimateCost for $request {
                    fn estimate_cost(&self) -> CostEstimate {
                        CostEstimate::jobs(1)
                    }
                }
            )+
        };
    }

    per_job!(
        AutoCropRequest,
        CreateArtboardRequest,
        CreateCompositeRequest,
        EditRequest,
        ExecuteActionsRequest,
        GenerateManifestRequest,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> T {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn an_image_request_costs_one_operation_per_image() {
        let one: GenerateImagesRequest = request(serde_json::json!({"prompt": "a"}));
        assert_eq!(one.estimate_cost(), CostEstimate::images(1));
        let four: GenerateImagesRequest =
            request(serde_json::json!({"prompt": "a", "numVariations": 4}));
        assert_eq!(four.estimate_cost().operations, 4.0);
        let seeded: GenerateSimilarImagesRequest = request(serde_json::json!({
            "image": {"source": {"uploadId": "u"}}, "seeds": [1, 2, 3]
        }));
        assert_eq!(seeded.estimate_cost().unit, BillingUnit::Images(3));
    }

    #[test]
    fn an_upscale_costs_one_operation_per_seed() {
        let upscale: UpscaleRequest = request(serde_json::json!({
            "image": {"source": {"uploadId": "u"}}, "seeds": [7, 8], "upscaleFactor": 2
        }));
        assert_eq!(upscale.estimate_cost(), CostEstimate::images(2));
    }

    #[test]
    fn video_costs_by_the_second_at_the_rate_of_its_resolution() {
        let at = |width: i64, height: i64| {
            let video: GenerateVideoRequest = request(serde_json::json!({
                "prompt": "a", "sizes": [{"width": width, "height": height}]
            }));
            video.estimate_cost().operations
        };
        assert!((at(960, 540) - 0.4 * 5.0).abs() < 1e-9);
        assert!((at(720, 1280) - 5.0).abs() < 1e-9);
        assert!((at(1920, 1080) - 10.0).abs() < 1e-9);
        assert!((at(1080, 1080) - 10.0).abs() < 1e-9);
        let default: GenerateVideoRequest = request(serde_json::json!({"prompt": "a"}));
        assert_eq!(
            default.estimate_cost().unit,
            BillingUnit::VideoSeconds {
                seconds: VIDEO_SECONDS,
                operations_per_second: 2.0
            }
        );
    }

    #[cfg(feature = "photoshop")]
    #[test]
    fn a_photoshop_job_counts_as_one_operation() {
        let edit: crate::photoshop::types::EditRequest = request(serde_json::json!({
            "image": {"source": {"url": "https://bucket.s3.amazonaws.com/in.png"}},
            "outputs": [{"destination": {"validityPeriod": 3600}, "mediaType": "image/png"}]
        }));
        assert_eq!(edit.estimate_cost(), CostEstimate::jobs(1));
    }
}
