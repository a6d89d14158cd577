//! Uploading input images (`POST /v2/storage/image`). progenitor cannot send
//! `image/*` bodies, so this request is built here and sent through the same
//! transport (credentials, retries, 401 handling) as the generated ones.

use std::path::Path;

mod file;

use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};

use crate::{
    Error, Firefly, ValidationError,
    decode::decode,
    types::{UploadResponse, UploadedImage},
};

const OPERATION: &str = "storageImageV2";

/// The largest image Firefly accepts for upload: 15 MiB.
pub const MAX_UPLOAD_BYTES: u64 = 15 * 1024 * 1024;

/// An image format Firefly accepts as input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImageFormat {
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
    /// `image/webp`.
    Webp,
    /// `image/jxl`: JPEG XL, bare codestream or in its container (the
    /// composites can return it).
    Jxl,
    /// `image/tiff`, either byte order.
    Tiff,
}

impl ImageFormat {
    /// The format the first bytes of a file announce, if Firefly accepts it.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0xff, 0xd8, 0xff, ..] => Some(Self::Jpeg),
            [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n', ..] => Some(Self::Png),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                ..,
            ] => Some(Self::Webp),
            [0xff, 0x0a, ..] | [0, 0, 0, 0x0c, b'J', b'X', b'L', b' ', ..] => Some(Self::Jxl),
            [b'I', b'I', 0x2a, 0, ..] | [b'M', b'M', 0, 0x2a, ..] => Some(Self::Tiff),
            _ => None,
        }
    }

    /// The MIME type sent as `Content-Type`.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Jxl => "image/jxl",
            Self::Tiff => "image/tiff",
        }
    }
}

impl Firefly {
    /// Uploads an image held in memory; its format is detected from its
    /// first bytes. Use the returned id as `InputSource::upload_id` (valid
    /// for 7 days).
    pub async fn upload_image(&self, image: impl Into<Bytes>) -> Result<UploadedImage, Error> {
        let image = image.into();
        check_size(image.len() as u64)?;
        let format = detect(&image)?;
        self.send_upload(format, image.len() as u64, reqwest::Body::from(image))
            .await
    }

    /// Uploads an image file; its format is detected from its first bytes
    /// and its size checked before anything is sent.
    ///
    /// Only a regular file is read, and at most [`MAX_UPLOAD_BYTES`] plus
    /// one byte of it. The file is opened once, non-blocking, and checked
    /// on the open handle: a directory, FIFO, socket or device is refused
    /// without reading (a FIFO never blocks), as is a file whose reported
    /// size differs from what can be read (the made-up files of `/proc` and
    /// `/sys`, or a file changing while it is read). Those refusals are
    /// [`Error::Io`] naming the path; a file too large, empty or in no
    /// format Firefly takes is [`Error::Validation`] naming it. No error
    /// repeats the file's bytes.
    pub async fn upload_image_file(&self, path: impl AsRef<Path>) -> Result<UploadedImage, Error> {
        let path = path.as_ref().to_owned();
        let reading = path.clone();
        let (image, format) = tokio::task::spawn_blocking(move || file::read(&reading))
            .await
            .map_err(|e| Error::read_failed(Some(path.as_path()), std::io::Error::other(e)))??;
        let length = image.len() as u64;
        self.send_upload(format, length, reqwest::Body::from(image))
            .await
    }

    /// Uploads an image from a stream of `length` bytes in `format`. The
    /// first chunk is checked against `format`. A streamed body cannot be
    /// sent twice, so it is neither retried nor replayed after a 401.
    pub async fn upload_image_stream<S>(
        &self,
        stream: S,
        format: ImageFormat,
        length: u64,
    ) -> Result<UploadedImage, Error>
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        check_size(length)?;
        let mut stream = Box::pin(stream);
        let first = stream
            .try_next()
            .await
            .map_err(|e| Error::read_failed(None, e))?
            .unwrap_or_default();
        let found = detect(&first)?;
        if found != format {
            return Err(ValidationError::new(
                "image",
                format!(
                    "is {}, not {} as declared",
                    found.mime_type(),
                    format.mime_type()
                ),
            )
            .into());
        }
        let body = futures::stream::once(async move { Ok(first) }).chain(stream);
        self.send_upload(format, length, reqwest::Body::wrap_stream(body))
            .await
    }

    async fn send_upload(
        &self,
        format: ImageFormat,
        length: u64,
        body: reqwest::Body,
    ) -> Result<UploadedImage, Error> {
        let url = format!("{}/v2/storage/image", self.raw.baseurl);
        let request = self
            .http
            .post(url)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, format.mime_type())
            .header(CONTENT_LENGTH, length)
            .body(body)
            .build()
            .map_err(|e| crate::decode::transport_error("Firefly", OPERATION, e, true))?;
        let result = self.transport.execute(&self.http, request, OPERATION).await;
        let response: UploadResponse =
            decode(self.transport.api(), OPERATION, result, true).await?;
        response.images.into_iter().next().ok_or(Error::Decode {
            operation: OPERATION,
            status: Some(200),
            detail: "the response lists no image id".into(),
            request_id: None,
        })
    }
}

/// What a refused image is told. Only the formats expected: the bytes it
/// starts with are never repeated, since an error travels to logs and to
/// agents, and the first bytes of a secret file are part of the secret.
const NOT_AN_IMAGE: &str = "is not a JPEG, PNG, WebP, JPEG XL or TIFF image";

fn detect(image: &[u8]) -> Result<ImageFormat, Error> {
    ImageFormat::detect(image).ok_or_else(|| ValidationError::new("image", NOT_AN_IMAGE).into())
}

fn check_size(size: u64) -> Result<(), Error> {
    match size {
        0 => Err(ValidationError::new("image", "is empty").into()),
        n if n > MAX_UPLOAD_BYTES => Err(ValidationError::new("image", too_large(Some(n))).into()),
        _ => Ok(()),
    }
}

/// Too large to upload: `size` bytes, or more than the limit when only
/// that is known.
fn too_large(size: Option<u64>) -> String {
    let size = size.map_or_else(
        || format!("more than {MAX_UPLOAD_BYTES}"),
        |n| n.to_string(),
    );
    format!("is {size} bytes; Firefly accepts at most {MAX_UPLOAD_BYTES} (15 MiB)")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three signatures Adobe's formats start with, written out here
    /// independently of the detector.
    const SIGNATURES: [(&[u8], ImageFormat); 3] = [
        (b"\x89PNG\r\n\x1a\n", ImageFormat::Png),
        (&[0xff, 0xd8, 0xff], ImageFormat::Jpeg),
        (b"RIFF\0\0\0\0WEBP", ImageFormat::Webp),
    ];

    proptest::proptest! {
        /// A known signature followed by anything is that format; the
        /// upload check accepts it.
        #[test]
        fn a_known_signature_is_detected_whatever_follows(
            which in 0usize..3,
            rest in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            let (signature, format) = SIGNATURES[which];
            let mut bytes = signature.to_vec();
            if format == ImageFormat::Webp {
                // The RIFF size field is free.
                bytes[4..8].copy_from_slice(&[0x10, 0, 0, 0]);
            }
            bytes.extend(rest);
            proptest::prop_assert_eq!(ImageFormat::detect(&bytes), Some(format));
            proptest::prop_assert_eq!(detect(&bytes).ok(), Some(format));
        }

        /// Bytes that start with no known signature are refused, and the
        /// refusal names the field.
        #[test]
        fn anything_else_is_refused(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let known = bytes.starts_with(SIGNATURES[0].0)
                || bytes.starts_with(SIGNATURES[1].0)
                || (bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP");
            proptest::prop_assume!(!known);
            proptest::prop_assert_eq!(ImageFormat::detect(&bytes), None);
            let refused = detect(&bytes).unwrap_err();
            proptest::prop_assert!(refused.to_string().contains("image"), "{}", refused);
        }
    }

    #[test]
    fn formats_are_detected_from_their_signatures() {
        assert_eq!(
            ImageFormat::detect(&[0xff, 0xd8, 0xff, 0xe0, 0]),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(
            ImageFormat::detect(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageFormat::Png)
        );
        assert_eq!(
            ImageFormat::detect(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some(ImageFormat::Webp)
        );
        assert_eq!(ImageFormat::detect(b"GIF89a"), None);
        assert_eq!(ImageFormat::detect(b"RIFF\x10\0\0\0WAVEfmt "), None);
        assert_eq!(ImageFormat::detect(b""), None);
    }
}
