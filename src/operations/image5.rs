//! Image Model 5 (`POST /v4/images/generate-async`): generation from a
//! prompt, or an instruction-based edit of one reference image.

use std::fmt;

use super::checked;
use crate::{
    Error, Firefly,
    decode::outcome,
    generated::firefly::types::Image5ModelVersion,
    types::{Image5Request, JobAccepted},
    validate,
};

impl Firefly {
    /// Submits an Image Model 5 job (`x-model-version: image5`).
    ///
    /// With a reference image (`referenceBlobs`, at most one) the job edits
    /// that image as the prompt says; `aspectRatio` must then be absent or
    /// `auto`, since the edit keeps the reference's shape. One image per
    /// request (`numVariations` and `seeds` at most 1). Firefly answers
    /// with links instead of a job id; the handle returned is the same as
    /// every other job's, for [`Firefly::wait_for_job`],
    /// [`Firefly::job_status`] and [`Firefly::cancel_job`]. With
    /// `prompt_reasoner: quality` the result carries `altText`.
    ///
    /// ```no_run
    /// # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
    /// use adobe_firefly::types::{AspectRatio, Image5Request, ReferenceImage};
    ///
    /// // Generate:
    /// let job = firefly
    ///     .generate_image5(Image5Request::builder().prompt("a lighthouse").aspect_ratio(AspectRatio::X169))
    ///     .await?;
    /// // Edit an uploaded image:
    /// let edit = Image5Request::builder()
    ///     .prompt("make it night")
    ///     .reference_blobs(vec![ReferenceImage::upload("3b1f0a4e-upload-id")]);
    /// let job = firefly.generate_image5(edit).await?;
    /// # Ok(()) }
    /// ```
    pub async fn generate_image5<R>(&self, request: R) -> Result<JobAccepted, Error>
    where
        R: TryInto<Image5Request>,
        R::Error: fmt::Display,
    {
        let request = checked(request, validate::image5)?;
        const OPERATION: &str = "firefly_image_v5_generate_async_v4";
        let call = self
            .raw
            .firefly_image_v5_generate_async_v4()
            .x_model_version(Image5ModelVersion::Image5)
            .body(request);
        let answer = outcome(OPERATION, call.send()).await?;
        let links = answer.links;
        let href = |link: Option<crate::generated::firefly::types::JobLink>| link.map(|l| l.href);
        self.accepted_from_links(
            OPERATION,
            href(links.result).as_deref(),
            href(links.cancel).as_deref(),
        )
    }
}
