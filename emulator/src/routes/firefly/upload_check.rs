//! What the upload endpoint accepts, judged by the emulator's own reading of
//! Adobe's documentation, never by the SDK's code: a bug in the SDK's sniffer
//! or size limit must show up as a refusal here. And the size an upload's
//! header gives, remembered for the jobs that follow their input's size.

/// Adobe's documented upload limit: 15 MiB.
pub(crate) const MAX_UPLOAD_BYTES: usize = 15 * 1024 * 1024;

/// The media types the 2026 upload accepts (its request body's media
/// types in Adobe's spec).
pub(crate) const ACCEPTED: [&str; 5] = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/jxl",
    "image/tiff",
];

/// The media type a body's first bytes announce, among those Adobe accepts
/// (JPEG, PNG, WebP, JPEG XL as a bare codestream or in its container,
/// TIFF in either byte order).
pub(crate) fn sniff_media_type(body: &[u8]) -> Option<&'static str> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    const JXL_CONTAINER: &[u8] = b"\0\0\0\x0cJXL \r\n\x87\n";
    if body.starts_with(PNG) {
        Some("image/png")
    } else if body.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if body.len() >= 12 && &body[..4] == b"RIFF" && &body[8..12] == b"WEBP" {
        Some("image/webp")
    } else if body.starts_with(&[0xff, 0x0a]) || body.starts_with(JXL_CONTAINER) {
        Some("image/jxl")
    } else if body.starts_with(b"II*\0") || body.starts_with(b"MM\0*") {
        Some("image/tiff")
    } else {
        None
    }
}

/// The width and height an image's header gives (PNG, JPEG or WebP), if
/// both are readable and not zero.
pub(crate) fn header_size(image: &[u8]) -> Option<(u32, u32)> {
    let size = imagesize::blob_size(image).ok()?;
    let width = u32::try_from(size.width).ok().filter(|w| *w > 0)?;
    let height = u32::try_from(size.height).ok().filter(|h| *h > 0)?;
    Some((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_three_accepted_formats_by_their_signatures() {
        assert_eq!(
            sniff_media_type(b"\x89PNG\r\n\x1a\nrest"),
            Some("image/png")
        );
        assert_eq!(
            sniff_media_type(&[0xff, 0xd8, 0xff, 0xe0]),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff_media_type(b"RIFF\0\0\0\0WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(sniff_media_type(b"\xff\x0a\xfa"), Some("image/jxl"));
        assert_eq!(
            sniff_media_type(b"\0\0\0\x0cJXL \r\n\x87\n"),
            Some("image/jxl")
        );
        assert_eq!(sniff_media_type(b"II*\0\x08\0"), Some("image/tiff"));
        assert_eq!(sniff_media_type(b"MM\0*\0\0"), Some("image/tiff"));
    }

    #[test]
    fn refuses_everything_else() {
        assert_eq!(sniff_media_type(b"GIF89a"), None);
        assert_eq!(sniff_media_type(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(sniff_media_type(b"\x89PN"), None);
        assert_eq!(sniff_media_type(b""), None);
    }

    /// The start of a baseline JPEG: SOI, then a SOF0 segment giving the
    /// height and width.
    fn jpeg_header(width: u16, height: u16) -> Vec<u8> {
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08];
        jpeg.extend_from_slice(&height.to_be_bytes());
        jpeg.extend_from_slice(&width.to_be_bytes());
        jpeg.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        jpeg
    }

    /// The start of an extended WebP: a RIFF header and a `VP8X` chunk
    /// giving the canvas size minus one, in 24 bits each.
    fn webp_header(width: u32, height: u32) -> Vec<u8> {
        let mut webp = b"RIFF\x24\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        webp.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
        webp.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
        webp
    }

    #[test]
    fn reads_the_size_from_png_jpeg_and_webp_headers() {
        let png = crate::image::render_png("input", 1, 300, 200);
        assert_eq!(header_size(&png), Some((300, 200)));
        assert_eq!(header_size(&jpeg_header(640, 480)), Some((640, 480)));
        assert_eq!(header_size(&webp_header(4000, 3000)), Some((4000, 3000)));
    }

    #[test]
    fn a_header_without_a_size_gives_none() {
        assert_eq!(header_size(b"\x89PNG\r\n\x1a\n0123"), None);
        assert_eq!(header_size(&[0xff, 0xd8, 0xff]), None);
        assert_eq!(header_size(b""), None);
        assert_eq!(header_size(&jpeg_header(0, 480)), None);
    }
}
