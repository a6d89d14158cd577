//! The v3 generation operations: text to image, similar, expand, fill,
//! object composite and video, with the deprecated synchronous forms.

use std::fmt;

use super::{built, checked};
use crate::{
    Error, Firefly,
    decode::outcome,
    types::{
        ExpandImageRequest, ExpandImageResponse, ExpandImageSyncRequest, FillImageRequest,
        FillImageResponse, FillImageSyncRequest, GenerateImagesRequest, GenerateImagesResponse,
        GenerateImagesSyncRequest, GenerateObjectCompositeRequest, GenerateObjectCompositeResponse,
        GenerateObjectCompositeSyncRequest, GenerateSimilarImagesRequest,
        GenerateSimilarImagesResponse, GenerateSimilarImagesSyncRequest, GenerateVideoRequest,
        ImageModelVersion, JobAccepted, SimilarImageModelVersion, VideoModelVersion,
    },
    validate,
};

impl Firefly {
    /// Submits a text-to-image job with the default model (`image3`).
    ///
    /// ```no_run
    /// # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
    /// use adobe_firefly::types::GenerateImagesRequest;
    /// let job = firefly.generate_images(GenerateImagesRequest::builder().prompt("a cat")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn generate_images<R>(&self, request: R) -> Result<JobAccepted, Error>
    where
        R: TryInto<GenerateImagesRequest>,
        R::Error: fmt::Display,
    {
        self.submit_generate_images(built(request)?, None).await
    }

    /// Submits a text-to-image job with a chosen model (`x-model-version`);
    /// the `*_custom` models also need `customModelId`.
    pub async fn generate_images_with_model<R>(
        &self,
        request: R,
        model: ImageModelVersion,
    ) -> Result<JobAccepted, Error>
    where
        R: TryInto<GenerateImagesRequest>,
        R::Error: fmt::Display,
    {
        self.submit_generate_images(built(request)?, Some(model))
            .await
    }

    async fn submit_generate_images(
        &self,
        request: GenerateImagesRequest,
        model: Option<ImageModelVersion>,
    ) -> Result<JobAccepted, Error> {
        validate::generate_images(&request, model.as_ref(), self.sizes)?;
        let mut call = self.raw.generate_images_v3_async().body(request);
        if let Some(model) = model {
            call = call.x_model_version(model);
        }
        outcome("generateImagesV3Async", call.send()).await
    }

    /// Generates images synchronously and returns them.
    ///
    /// Adobe deprecated this endpoint; prefer [`Firefly::generate_images`]
    /// with [`Firefly::wait_for_job`].
    #[deprecated(
        note = "Adobe deprecated the synchronous endpoint; use generate_images and wait_for_job"
    )]
    pub async fn generate_images_sync<R>(&self, request: R) -> Result<GenerateImagesResponse, Error>
    where
        R: TryInto<GenerateImagesSyncRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, |r| validate::generate_images_sync(r, self.sizes))?;
        let call = self.raw.generate_images().body(request);
        outcome("generateImages", call.send()).await
    }

    /// Submits a job generating variations of an input image, with the
    /// default model.
    pub async fn generate_similar_images<R>(&self, request: R) -> Result<JobAccepted, Error>
    where
        R: TryInto<GenerateSimilarImagesRequest>,
        R::Error: fmt::Display,
    {
        let request = built(request)?;
        validate::generate_similar(&request, None, self.sizes)?;
        self.submit_generate_similar(request, None).await
    }

    /// Submits a job generating variations of an input image with a chosen
    /// model (`x-model-version`).
    pub async fn generate_similar_images_with_model<R>(
        &self,
        request: R,
        model: SimilarImageModelVersion,
    ) -> Result<JobAccepted, Error>
    where
        R: TryInto<GenerateSimilarImagesRequest>,
        R::Error: fmt::Display,
    {
        let request = built(request)?;
        validate::generate_similar(&request, Some(&model), self.sizes)?;
        self.submit_generate_similar(request, Some(model)).await
    }

    async fn submit_generate_similar(
        &self,
        request: GenerateSimilarImagesRequest,
        model: Option<SimilarImageModelVersion>,
    ) -> Result<JobAccepted, Error> {
        let mut call = self.raw.generate_similar_images_v3_async().body(request);
        if let Some(model) = model {
            call = call.x_model_version(model);
        }
        outcome("generateSimilarImagesV3Async", call.send()).await
    }

    /// Generates variations of an input image synchronously.
    ///
    /// Adobe deprecated this endpoint; prefer [`Firefly::generate_similar_images`]
    /// with [`Firefly::wait_for_job`].
    #[deprecated(
        note = "Adobe deprecated the synchronous endpoint; use generate_similar_images and wait_for_job"
    )]
    pub async fn generate_similar_images_sync<R>(
        &self,
        request: R,
    ) -> Result<GenerateSimilarImagesResponse, Error>
    where
        R: TryInto<GenerateSimilarImagesSyncRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, |r| validate::generate_similar_sync(r, self.sizes))?;
        let call = self.raw.generate_similar_images().body(request);
        outcome("generateSimilarImages", call.send()).await
    }

    /// Submits a job expanding an image beyond its borders.
    pub async fn expand_image<R>(&self, request: R) -> Result<JobAccepted, Error>
    where
        R: TryInto<ExpandImageRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, validate::expand)?;
        let call = self.raw.expand_images_v3_async().body(request);
        outcome("expandImagesV3Async", call.send()).await
    }

    /// Expands an image synchronously.
    ///
    /// Adobe deprecated this endpoint; prefer [`Firefly::expand_image`]
    /// with [`Firefly::wait_for_job`].
    #[deprecated(
        note = "Adobe deprecated the synchronous endpoint; use expand_image and wait_for_job"
    )]
    pub async fn expand_image_sync<R>(&self, request: R) -> Result<ExpandImageResponse, Error>
    where
        R: TryInto<ExpandImageSyncRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, validate::expand_sync)?;
        let call = self.raw.expand_image().body(request);
        outcome("expandImage", call.send()).await
    }

    /// Submits a job filling the masked area of an image.
    pub async fn fill_image<R>(&self, request: R) -> Result<JobAccepted, Error>
    where
        R: TryInto<FillImageRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, |r| validate::fill(r, self.sizes))?;
        let call = self.raw.fill_images_v3_async().body(request);
        outcome("fillImagesV3Async", call.send()).await
    }

    /// Fills the masked area of an image synchronously.
    ///
    /// Adobe deprecated this endpoint; prefer [`Firefly::fill_image`]
    /// with [`Firefly::wait_for_job`].
    #[deprecated(
        note = "Adobe deprecated the synchronous endpoint; use fill_image and wait_for_job"
    )]
    pub async fn fill_image_sync<R>(&self, request: R) -> Result<FillImageResponse, Error>
    where
        R: TryInto<FillImageSyncRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, validate::fill_sync)?;
        let call = self.raw.fill_image().body(request);
        outcome("fillImage", call.send()).await
    }

    /// Submits a job placing the object in an image into a generated scene.
    pub async fn generate_object_composite<R>(&self, request: R) -> Result<JobAccepted, Error>
    where
        R: TryInto<GenerateObjectCompositeRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, |r| validate::object_composite(r, self.sizes))?;
        let call = self.raw.generate_object_composite_v3_async().body(request);
        outcome("generateObjectCompositeV3Async", call.send()).await
    }

    /// Places the object in an image into a generated scene, synchronously.
    ///
    /// Adobe deprecated this endpoint; prefer [`Firefly::generate_object_composite`]
    /// with [`Firefly::wait_for_job`].
    #[deprecated(
        note = "Adobe deprecated the synchronous endpoint; use generate_object_composite and wait_for_job"
    )]
    pub async fn generate_object_composite_sync<R>(
        &self,
        request: R,
    ) -> Result<GenerateObjectCompositeResponse, Error>
    where
        R: TryInto<GenerateObjectCompositeSyncRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, |r| validate::object_composite_sync(r, self.sizes))?;
        let call = self.raw.generate_object_composite().body(request);
        outcome("generateObjectComposite", call.send()).await
    }

    /// Submits a video job (`video1_standard`). Poll it like an image job;
    /// its outputs carry `video.url`.
    pub async fn generate_video<R>(&self, request: R) -> Result<JobAccepted, Error>
    where
        R: TryInto<GenerateVideoRequest>,
        R::Error: fmt::Display,
    {
        let request = checked(request, |r| validate::generate_video(r, self.sizes))?;
        // Adobe's spec requires the header, with this one model.
        let call = self
            .raw
            .generate_video_v3()
            .x_model_version(VideoModelVersion::Video1Standard)
            .body(request);
        outcome("generateVideoV3", call.send()).await
    }
}
