//! What the upload endpoint accepts, judged by the emulator's own reading of
//! Adobe's documentation, never by the SDK's code: a bug in the SDK's sniffer
//! or size limit must show up as a refusal here.

/// Adobe's documented upload limit: 15 MiB.
pub(crate) const MAX_UPLOAD_BYTES: usize = 15 * 1024 * 1024;

/// The media type a body's first bytes announce, among the three Adobe
/// accepts (JPEG, PNG, WebP).
pub(crate) fn sniff_media_type(body: &[u8]) -> Option<&'static str> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if body.starts_with(PNG) {
        Some("image/png")
    } else if body.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if body.len() >= 12 && &body[..4] == b"RIFF" && &body[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
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
    }

    #[test]
    fn refuses_everything_else() {
        assert_eq!(sniff_media_type(b"GIF89a"), None);
        assert_eq!(sniff_media_type(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(sniff_media_type(b"\x89PN"), None);
        assert_eq!(sniff_media_type(b""), None);
    }
}
