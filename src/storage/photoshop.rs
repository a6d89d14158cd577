//! Pre-signed URLs as Photoshop's request types: a GET URL is an input, a
//! PUT URL an output's destination (Azure's marked as such, since Photoshop
//! must then send Azure's blob type header with its PUT).

use super::{PresignedGet, PresignedPut, StorageKind};
use crate::photoshop::types;

impl From<PresignedGet> for types::UrlInput {
    fn from(url: PresignedGet) -> Self {
        Self {
            url: url.0.url.into(),
        }
    }
}

impl From<PresignedGet> for types::FileInput {
    fn from(url: PresignedGet) -> Self {
        Self::UrlInput(url.into())
    }
}

impl From<PresignedGet> for types::InputImage {
    fn from(url: PresignedGet) -> Self {
        Self { source: url.into() }
    }
}

impl From<PresignedGet> for types::ImageSource {
    fn from(url: PresignedGet) -> Self {
        Self { source: url.into() }
    }
}

impl From<PresignedPut> for types::UrlDestination {
    fn from(url: PresignedPut) -> Self {
        Self {
            storage_type: match url.0.kind {
                StorageKind::Azure => Some(types::UrlDestinationStorageType::Azure),
                StorageKind::S3 | StorageKind::Gcs => None,
            },
            url: url.0.url.into(),
        }
    }
}

impl From<PresignedPut> for types::OutputDestination {
    fn from(url: PresignedPut) -> Self {
        Self::UrlDestination(url.into())
    }
}
