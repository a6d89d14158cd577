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
    UploadedImage, UpsamplerType, UpscaleFactor, UpscaleRequest, ValidationErrorDetail,
    VerticalAlignment, VideoImageCondition, VideoImageInput, VideoModelVersion, VideoPromptStyle,
    VideoSettings, VideoSize,
};

pub use crate::job_status::{JobOutput, JobResult, JobStatusResponse, OutputFile, OutputSize};

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
pub use crate::generated::firefly::types::ValidationErrorDetailLocItem as ValidationErrorLocation;

/// The error a generated builder returns when a required field is missing.
pub use crate::generated::firefly::types::error::ConversionError;

/// Declares an enum whose unknown wire values are kept rather than rejected.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $wire $(, alias = $alias)*)]
                $variant,
            )+
            /// A value this version of the SDK does not know, kept verbatim.
            #[serde(untagged)]
            Unknown(String),
        }

        impl $name {
            /// The value as Firefly spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(other) => other,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(match value {
                    $( $wire $(| $alias)* => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                })
            }
        }
    };
}

open_enum! {
    /// The state of an asynchronous job.
    ///
    /// Adobe spells the cancelled state both `canceled` and `cancelled`; both
    /// decode as [`JobStatus::Canceled`].
    pub enum JobStatus {
        /// Accepted, not started.
        Pending = "pending",
        /// Being processed.
        Running = "running",
        /// Finished; the status response carries the result.
        Succeeded = "succeeded",
        /// Finished without a result; the status response says why.
        Failed = "failed",
        /// Cancelled on request.
        Canceled = "canceled" | "cancelled",
        /// A cancellation was requested and has not taken effect yet.
        CancelPending = "cancel_pending",
        /// Firefly gave up on the job.
        Timeout = "timeout",
    }
}

impl JobStatus {
    /// Whether the job will not change state any more.
    ///
    /// Unknown states count as not terminal, so a waiter keeps polling until
    /// its deadline rather than stopping on a state it cannot interpret.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Canceled | Self::Timeout
        )
    }
}

open_enum! {
    /// Whether an image should look like a photograph or like art.
    pub enum ContentClass {
        /// Photographic.
        Photo = "photo",
        /// Fine art, illustration.
        Art = "art",
    }
}

open_enum! {
    /// Why Firefly refused content (HTTP 451): the rule Adobe's content
    /// policy says was broken. Read it with [`crate::ApiError::content_policy`].
    pub enum ContentPolicyErrorCode {
        /// The request breaks a legal restriction.
        LegalError = "legal_error",
        /// The prompt asks for content the policy does not allow.
        PromptUnsafe = "prompt_unsafe",
        /// The prompt names a person, brand or other entity that is refused.
        PromptEntityDenied = "prompt_entity_denied",
        /// An input image is refused.
        ImageUnsafe = "image_unsafe",
        /// An input video is refused.
        VideoUnsafe = "video_unsafe",
        /// The reference image is refused.
        ReferenceImageUnsafeError = "reference_image_unsafe_error",
        /// An input file is refused.
        InputMediaUnsafe = "input_media_unsafe",
    }
}

impl ContentPolicyErrorCode {
    /// A sentence saying what was refused and what to change.
    pub fn explanation(&self) -> &'static str {
        match self {
            Self::LegalError => "Adobe refused the request for legal reasons",
            Self::PromptUnsafe => {
                "Adobe's content policy refused the prompt; reword it and try again"
            }
            Self::PromptEntityDenied => {
                "the prompt names a person, brand or entity Adobe does not allow; remove it"
            }
            Self::ImageUnsafe => "Adobe's content policy refused an input image; use another",
            Self::VideoUnsafe => "Adobe's content policy refused an input video; use another",
            Self::ReferenceImageUnsafeError => {
                "Adobe's content policy refused the reference image; use another"
            }
            Self::InputMediaUnsafe => "Adobe's content policy refused an input file; use another",
            Self::Unknown(_) => "Adobe's content policy refused the request",
        }
    }
}

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
