//! Request and response types of the Firefly API.
//!
//! Most types are generated from `openapi/firefly/firefly.yaml` and re-exported here
//! under their spec names; each has a `builder()` for the optional fields.
//! Enums that Firefly sends back are open ([`JobStatus`], [`ContentClass`]):
//! a value Adobe adds later decodes as `Unknown(..)` instead of failing.

pub use crate::generated::firefly::types::{
    AdaptiveCompositeObject, AdaptiveCompositeRequest, Alignment, AspectRatio, BaseModel,
    CameraMotion, CompositeBackground, CompositeImage, CompositeImageSource, CompositeMediaType,
    CompositeObject, CompositeOutput, CustomModel, CustomModelPage, CustomModelSortOrder,
    ExpandImageRequest, ExpandImageResponse, ExpandImageSyncRequest, FillImageRequest,
    FillImageResponse, FillImageSyncRequest, GenerateImagesRequest, GenerateImagesResponse,
    GenerateImagesSyncRequest, GenerateObjectCompositeRequest, GenerateObjectCompositeResponse,
    GenerateObjectCompositeSyncRequest, GenerateSimilarImagesRequest,
    GenerateSimilarImagesResponse, GenerateSimilarImagesSyncRequest, GenerateVideoRequest,
    GeneratedImage, HorizontalAlignment, Image5ModelId, Image5Options, Image5Request,
    ImageModelVersion, ImageReference, InputImage, InputSource, Inset, JobAccepted, Mask, PageLink,
    PageLinks, Placement, PreciseCompositeRequest, PromptReasoner, PublishedStateFilter,
    ReferenceImage, ReferenceImageSource, ReferenceImageUsage, ResolutionLevel, ShotAngle,
    ShotSize, SimilarImageModelVersion, Size, SizeSync, SourceImage, SourceMask, StructureOptions,
    StyleOptions, SyncFillInputImage, SyncInputImage, TimelinePlacement, UploadResponse,
    UploadedImage, UpsamplerType, UpscaleFactor, UpscaleRequest, VerticalAlignment,
    VideoImageCondition, VideoImageInput, VideoModelVersion, VideoPromptStyle, VideoSettings,
    VideoSize,
};

pub use crate::job_status::{JobOutput, JobResult, JobStatusResponse, OutputFile, OutputSize};
pub use crate::wire::{ContentClass, ContentPolicyErrorCode, JobStatus, ValidationErrorDetail};

/// Builders for the generated request types, e.g.
/// `GenerateImagesRequest::builder().prompt("a cat")`.
pub mod builder {
    pub use crate::generated::firefly::types::builder::{
        AdaptiveCompositeObject, AdaptiveCompositeRequest, Alignment, CompositeBackground,
        CompositeImage, CompositeImageSource, CompositeObject, CompositeOutput, ExpandImageRequest,
        ExpandImageSyncRequest, FillImageRequest, FillImageSyncRequest, GenerateImagesRequest,
        GenerateImagesSyncRequest, GenerateObjectCompositeRequest,
        GenerateObjectCompositeSyncRequest, GenerateSimilarImagesRequest,
        GenerateSimilarImagesSyncRequest, GenerateVideoRequest, Image5Options, Image5Request,
        ImageReference, InputImage, InputSource, Inset, Mask, Placement, PreciseCompositeRequest,
        ReferenceImage, ReferenceImageSource, Size, SizeSync, SourceImage, SourceMask,
        StructureOptions, StyleOptions, SyncFillInputImage, SyncInputImage, TimelinePlacement,
        UpscaleRequest, VideoImageCondition, VideoImageInput, VideoSettings, VideoSize,
    };
}

/// One element of a [`ValidationErrorDetail`]'s `loc`: a field name or an
/// array index.
pub use crate::wire::ValidationErrorLocation;

/// The error a generated builder returns when a required field is missing.
pub use crate::generated::firefly::types::error::ConversionError;

impl CompositeImage {
    /// An image uploaded to Firefly storage, by its upload id.
    pub fn upload(id: impl Into<String>) -> Self {
        Self {
            source: CompositeImageSource {
                upload_id: Some(id.into()),
                url: None,
            },
        }
    }

    /// An image at a pre-signed URL on a host Adobe allows.
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            source: CompositeImageSource {
                upload_id: None,
                url: Some(url.into()),
            },
        }
    }
}

impl ReferenceImage {
    /// An image uploaded to Firefly storage, by its upload id.
    pub fn upload(id: impl Into<String>) -> Self {
        Self {
            source: ReferenceImageSource {
                upload_id: Some(id.into()),
                url: None,
            },
            usage: None,
        }
    }

    /// An image at a pre-signed URL on a host Adobe allows.
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            source: ReferenceImageSource {
                upload_id: None,
                url: Some(url.into()),
            },
            usage: None,
        }
    }
}

impl InputSource {
    /// An image uploaded to Firefly storage, by its upload id.
    pub fn upload(id: impl Into<String>) -> Self {
        Self {
            upload_id: Some(id.into()),
            url: None,
        }
    }

    /// An image at a pre-signed URL on a host Adobe allows.
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            upload_id: None,
            url: Some(url.into()),
        }
    }
}

impl InputImage {
    /// An image uploaded to Firefly storage, without a mask.
    ///
    /// ```
    /// use adobe_firefly::types::{ExpandImageRequest, InputImage};
    /// let request = ExpandImageRequest::builder().image(InputImage::upload("3b1f0a4e-upload-id"));
    /// ```
    pub fn upload(id: impl Into<String>) -> Self {
        Self {
            source: InputSource::upload(id),
            mask: None,
        }
    }

    /// An image at a pre-signed URL on a host Adobe allows, without a mask.
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            source: InputSource::url(url),
            mask: None,
        }
    }
}

impl Mask {
    /// A mask uploaded to Firefly storage (white is the masked area).
    pub fn upload(id: impl Into<String>) -> Self {
        Self {
            source: InputSource::upload(id),
            invert: None,
        }
    }

    /// A mask at a pre-signed URL on a host Adobe allows.
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            source: InputSource::url(url),
            invert: None,
        }
    }
}

impl SourceImage {
    /// An image uploaded to Firefly storage, by its upload id.
    pub fn upload(id: impl Into<String>) -> Self {
        Self {
            source: InputSource::upload(id),
        }
    }

    /// An image at a pre-signed URL on a host Adobe allows.
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            source: InputSource::url(url),
        }
    }
}
