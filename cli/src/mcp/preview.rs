//! Image previews for MCP image content: small enough for a model's
//! context, decoded and re-encoded from the saved file. Decoding stays
//! within `show::decode`'s bounds, so a file claiming a huge size gets a
//! reason, not a preview, and costs no memory.

use std::path::Path;

use base64::Engine;
use image::codecs::jpeg::JpegEncoder;

use crate::show::decode;

/// The longest side of a preview, in pixels.
pub const PREVIEW_MAX_SIDE: u32 = 512;

/// JPEG quality of a preview: small, and good enough to judge an image.
const PREVIEW_JPEG_QUALITY: u8 = 82;

/// A preview: base64 data and its MIME type.
#[derive(Debug)]
pub struct Preview {
    pub base64: String,
    pub mime_type: &'static str,
}

/// A JPEG of the image at `path`, downscaled to at most
/// [`PREVIEW_MAX_SIDE`] on its long side; the reason when it cannot be made.
pub async fn preview(path: &Path) -> Result<Preview, String> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || make(&path))
        .await
        .map_err(|e| format!("the preview task failed: {e}"))?
}

fn make(path: &Path) -> Result<Preview, String> {
    let image = decode::open(path).map_err(|reason| format!("{}: {reason}", path.display()))?;
    let small = if image.width().max(image.height()) > PREVIEW_MAX_SIDE {
        image.thumbnail(PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE)
    } else {
        image
    };
    let rgb = small.to_rgb8();
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, PREVIEW_JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|e| format!("cannot encode the preview: {e}"))?;
    Ok(Preview {
        base64: base64::engine::general_purpose::STANDARD.encode(&jpeg),
        mime_type: "image/jpeg",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(preview: &Preview) -> image::DynamicImage {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&preview.base64)
            .unwrap();
        image::load_from_memory(&bytes).unwrap()
    }

    /// A PNG in a temporary directory, removed when the first value is dropped.
    fn png(width: u32, height: u32) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("image.png");
        image::RgbImage::from_pixel(width, height, image::Rgb([200, 40, 90]))
            .save(&path)
            .unwrap();
        (dir, path)
    }

    #[tokio::test]
    async fn a_large_image_is_downscaled_keeping_its_aspect_ratio() {
        let (_dir, path) = png(2048, 1024);
        let preview = preview(&path).await.unwrap();
        let image = decoded(&preview);
        assert_eq!((image.width(), image.height()), (512, 256));
        assert_eq!(preview.mime_type, "image/jpeg");
    }

    #[tokio::test]
    async fn a_small_image_keeps_its_size() {
        let (_dir, path) = png(300, 200);
        let image = decoded(&preview(&path).await.unwrap());
        assert_eq!((image.width(), image.height()), (300, 200));
    }

    #[tokio::test]
    async fn a_file_that_is_no_image_is_a_reason_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("text.png");
        std::fs::write(&path, b"not an image").unwrap();
        assert!(preview(&path).await.unwrap_err().contains("cannot decode"));
    }
}
