//! The 2026 image operations on existing images: upscale, precise
//! composite and adaptive composite.

use std::fmt;

use super::checked;
use crate::{
    Error, Firefly,
    decode::outcome,
    generated::firefly::types::UpscaleModelVersion,
    types::{AdaptiveCompositeRequest, JobAccepted, PreciseCompositeRequest, UpscaleRequest},
    validate,
};

impl Firefly {
    /// Submits an upscale job (`precise_upsampler_v1`): the image made
    /// `upscaleFactor` (2, 3, 4 or 6; 2 when absent) times wider and taller,
    /// one output per seed (1 to 4 seeds, required). Outputs are read with
    /// [`JobOutput::url`](crate::types::JobOutput::url) (`presignedUrl`).
    ///
    /// ```no_run
    /// # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
    /// use adobe_firefly::types::{SourceImage, UpscaleFactor, UpscaleRequest};
    /// let request = UpscaleRequest::builder()
    ///     .image(SourceImage::upload("3b1f0a4e-upload-id"))
    ///     .seeds(vec![7])
    ///     .upscale_factor(UpscaleFactor(4));
    /// let job = firefly.upscale_image(request).await?;
    /// # Ok(()) }
    /// ```
    pub async fn upscale_image<R>(&self, request: R) -> Result<JobAccepted, Error>
    where
        R: TryInto<UpscaleRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, validate::upscale)?;
        const OPERATION: &str = "preciseUpsamplerV3Async";
        let call = self
            .raw
            .precise_upsampler_v3_async()
            .x_model_version(UpscaleModelVersion::PreciseUpsamplerV1)
            .body(request);
        let answer = outcome(OPERATION, call.send()).await?;
        let href = |name: &str| answer.links.get(name).map(|link| link.href.as_str());
        self.accepted_from_links(OPERATION, href("result"), href("cancel"))
    }

    /// Submits a precise composite job: the object placed in the area of
    /// the background that `fillAreaMask` marks, `blend` deciding how much
    /// of its own look it keeps (0: fully adapted to the scene, 1: as it
    /// is). 1 to 3 variations; the output
    /// type is PNG, JPEG, WebP or JPEG XL (`output.mediaType`).
    ///
    /// ```no_run
    /// # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
    /// use adobe_firefly::types::{CompositeBackground, CompositeImage, CompositeObject, PreciseCompositeRequest};
    /// let request = PreciseCompositeRequest::builder()
    ///     .object(CompositeObject { image: CompositeImage::upload("object-upload-id") })
    ///     .background(CompositeBackground {
    ///         image: CompositeImage::upload("scene-upload-id"),
    ///         fill_area_mask: CompositeImage::upload("area-upload-id"),
    ///     });
    /// let job = firefly.precise_composite(request).await?;
    /// # Ok(()) }
    /// ```
    pub async fn precise_composite<R>(&self, request: R) -> Result<JobAccepted, Error>
    where
        R: TryInto<PreciseCompositeRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, validate::precise_composite)?;
        const OPERATION: &str = "preciseComposite";
        let call = self.raw.precise_composite().body(request);
        let answer = outcome(OPERATION, call.send()).await?;
        self.accepted_composite(OPERATION, answer)
    }

    /// Submits an adaptive composite job: the object placed in the marked
    /// area and adapted to the scene (`harmonization` of its light and
    /// colour, `shadowIntensity`, `preserveBackground`). The object may
    /// come with a mask when its image has a background of its own.
    pub async fn adaptive_composite<R>(&self, request: R) -> Result<JobAccepted, Error>
    where
        R: TryInto<AdaptiveCompositeRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, validate::adaptive_composite)?;
        const OPERATION: &str = "adaptiveComposite";
        let call = self.raw.adaptive_composite().body(request);
        let answer = outcome(OPERATION, call.send()).await?;
        self.accepted_composite(OPERATION, answer)
    }
}
