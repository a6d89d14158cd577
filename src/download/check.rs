//! Whether a downloaded file arrived whole, judged by its own structure. A
//! body without `Content-Length` that the connection ends early looks
//! complete to HTTP; the formats Firefly returns say where they end.
//!
//! The check runs on the bytes as they stream past, keeping a few bytes of
//! state: the file is never held in memory.

/// PNG's signature, and its last chunk: IEND, empty, with its fixed CRC.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const PNG_END: &[u8] = b"\0\0\0\0IEND\xae\x42\x60\x82";
/// JPEG's start-of-image marker (and the next marker's first byte), and its
/// end-of-image marker.
const JPEG_START: &[u8] = b"\xff\xd8\xff";
const JPEG_END: &[u8] = b"\xff\xd9";
/// WebP: a RIFF file whose header gives the length of the rest.
const RIFF: &[u8] = b"RIFF";
const WEBP: &[u8] = b"WEBP";
/// JPEG XL in its ISO-BMFF container (the signature box), and the bare
/// codestream's signature, which has no end marker and no length.
const JXL_CONTAINER: &[u8] = b"\0\0\0\x0cJXL \r\n\x87\n";
const JXL_CODESTREAM: &[u8] = b"\xff\x0a";
/// How many bytes of the start and of the end are kept.
const KEPT: usize = 12;

/// Follows a download's bytes and says at the end whether the file's
/// structure shows it complete.
#[derive(Debug, Default)]
pub(super) struct Completeness {
    head: Vec<u8>,
    tail: Vec<u8>,
    length: u64,
    boxes: BoxWalk,
}

impl Completeness {
    /// The next bytes of the file.
    pub(super) fn feed(&mut self, chunk: &[u8]) {
        let wanted = KEPT.saturating_sub(self.head.len()).min(chunk.len());
        self.head.extend_from_slice(&chunk[..wanted]);
        let recent = &chunk[chunk.len().saturating_sub(KEPT)..];
        self.tail.extend_from_slice(recent);
        let excess = self.tail.len().saturating_sub(KEPT);
        self.tail.drain(..excess);
        self.boxes.feed(chunk, self.length);
        self.length += chunk.len() as u64;
    }

    /// `Err` with what is wrong when the structure shows the file cut short.
    ///
    /// PNG, JPEG, WebP, ISO-BMFF (MP4, MOV) and JPEG XL in its container
    /// are judged. A bare JPEG XL codestream cannot be: it has neither an
    /// end marker nor a length, so only `Content-Length` shows it whole,
    /// and it passes here (as do formats this check does not know), with a
    /// debug log saying so.
    pub(super) fn finish(&self) -> Result<(), &'static str> {
        let head = self.head.as_slice();
        if head.starts_with(RIFF) && head.get(8..12) == Some(WEBP) {
            let declared = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
            return (self.length == u64::from(declared) + 8)
                .then_some(())
                .ok_or("the WebP's length differs from the one its RIFF header gives");
        }
        if head.starts_with(JXL_CONTAINER) {
            return self
                .boxes
                .complete(self.length)
                .then_some(())
                .ok_or("the JPEG XL container's boxes do not add up to its length");
        }
        if head.starts_with(JXL_CODESTREAM) {
            tracing::debug!(
                "a bare JPEG XL codestream has no end marker; only Content-Length can show it whole"
            );
            return Ok(());
        }
        if head.starts_with(PNG_SIGNATURE) {
            return self
                .tail
                .ends_with(PNG_END)
                .then_some(())
                .ok_or("the PNG does not end with its IEND chunk");
        }
        if head.starts_with(JPEG_START) {
            return self
                .tail
                .ends_with(JPEG_END)
                .then_some(())
                .ok_or("the JPEG does not end with its end-of-image marker");
        }
        if head.get(4..8) == Some(b"ftyp") {
            return self
                .boxes
                .complete(self.length)
                .then_some(())
                .ok_or("the MP4's top-level boxes do not add up to its length");
        }
        Ok(())
    }
}

/// Walks the top-level boxes of an ISO-BMFF file (MP4, MOV): each starts
/// with its size (32 bits, or 1 and then 64 bits; 0 means "to the end of
/// the file") and its type. A cut inside a box is found; a cut exactly
/// between two boxes is not (the boxes still add up), which is what
/// `Content-Length` is for.
#[derive(Debug, Default)]
struct BoxWalk {
    /// Where the next box header starts.
    next: u64,
    /// The part of that header read so far (at most 16 bytes).
    header: Vec<u8>,
    /// A box ran to the end of the file (size 0): nothing more to check.
    open_ended: bool,
    /// A header was impossible (a size smaller than the header itself).
    broken: bool,
}

impl BoxWalk {
    /// `chunk` holds the file's bytes from `offset` on.
    fn feed(&mut self, chunk: &[u8], offset: u64) {
        let end = offset + chunk.len() as u64;
        while !self.broken && !self.open_ended {
            let at = self.next + self.header.len() as u64;
            if at >= end {
                return;
            }
            // `at` is within this chunk, so the index fits.
            let index = usize::try_from(at - offset).unwrap_or(chunk.len());
            let needed = self.header_len() - self.header.len();
            let available = &chunk[index..];
            let taken = needed.min(available.len());
            self.header.extend_from_slice(&available[..taken]);
            if self.header.len() < self.header_len() {
                continue;
            }
            self.close_header();
        }
    }

    /// 16 bytes once the 32-bit size said 1 (a 64-bit size follows), else 8.
    fn header_len(&self) -> usize {
        if self.header.len() >= 8 && self.header[..4] == [0, 0, 0, 1] {
            16
        } else {
            8
        }
    }

    /// The header is complete: find where the next box starts.
    fn close_header(&mut self) {
        let mut size_bytes = [0u8; 8];
        let size = if self.header.len() == 16 {
            size_bytes.copy_from_slice(&self.header[8..16]);
            u64::from_be_bytes(size_bytes)
        } else {
            size_bytes[4..].copy_from_slice(&self.header[..4]);
            u64::from_be_bytes(size_bytes)
        };
        let header_len = self.header.len() as u64;
        self.header.clear();
        match size {
            0 => self.open_ended = true,
            size if size < header_len => self.broken = true,
            size => match self.next.checked_add(size) {
                Some(next) => self.next = next,
                None => self.broken = true,
            },
        }
    }

    /// Whether the boxes end exactly where the file ends.
    fn complete(&self, length: u64) -> bool {
        !self.broken && (self.open_ended || (self.header.is_empty() && self.next == length))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(file: &[u8], chunk_size: usize) -> Result<(), &'static str> {
        let mut completeness = Completeness::default();
        for chunk in file.chunks(chunk_size.max(1)) {
            completeness.feed(chunk);
        }
        completeness.finish()
    }

    fn png() -> Vec<u8> {
        let mut file = PNG_SIGNATURE.to_vec();
        file.extend_from_slice(b"\0\0\0\x0dIHDR0123456789abcXXXX");
        file.extend_from_slice(PNG_END);
        file
    }

    fn mp4(large: bool) -> Vec<u8> {
        let mut file = Vec::new();
        file.extend_from_slice(&16u32.to_be_bytes());
        file.extend_from_slice(b"ftypisom\0\0\x02\0");
        if large {
            file.extend_from_slice(&1u32.to_be_bytes());
            file.extend_from_slice(b"mdat");
            file.extend_from_slice(&(16u64 + 5).to_be_bytes());
        } else {
            file.extend_from_slice(&(8u32 + 5).to_be_bytes());
            file.extend_from_slice(b"mdat");
        }
        file.extend_from_slice(b"video");
        file
    }

    fn webp() -> Vec<u8> {
        let body = b"WEBPVP8L\x05\0\0\0abcde\0";
        let mut file = RIFF.to_vec();
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        file.extend_from_slice(body);
        file
    }

    /// A JPEG XL container: the signature box, `ftyp`, then a `jxlc` box
    /// holding the codestream.
    fn jxl() -> Vec<u8> {
        let mut file = JXL_CONTAINER.to_vec();
        file.extend_from_slice(&20u32.to_be_bytes());
        file.extend_from_slice(b"ftypjxl \0\0\0\0jxl ");
        file.extend_from_slice(&(8u32 + 6).to_be_bytes());
        file.extend_from_slice(b"jxlc\xff\x0a1234");
        file
    }

    #[test]
    fn whole_files_pass_whatever_the_chunking() {
        let jpeg = b"\xff\xd8\xff\xe0 jpeg data \xff\xd9".to_vec();
        for file in [png(), jpeg, mp4(false), mp4(true), webp(), jxl()] {
            for chunk_size in [1, 2, 3, 7, 8, 16, 1000] {
                assert_eq!(check(&file, chunk_size), Ok(()), "{file:?} by {chunk_size}");
            }
        }
    }

    #[test]
    fn files_cut_anywhere_fail() {
        let jpeg = b"\xff\xd8\xff\xe0 jpeg data \xff\xd9".to_vec();
        for (file, boundaries) in [
            (png(), &[][..]),
            (jpeg, &[]),
            (mp4(false), &[16][..]),
            (mp4(true), &[16]),
            (webp(), &[]),
            // Between the signature box and `ftyp`, and between `ftyp`
            // and `jxlc`.
            (jxl(), &[12, 32]),
        ] {
            // Shorter than the signature, a file is of no known format; an
            // MP4 cut exactly between two boxes looks whole.
            for cut in (12..file.len()).filter(|cut| !boundaries.contains(cut)) {
                for chunk_size in [1, 5, 1000] {
                    assert!(
                        check(&file[..cut], chunk_size).is_err(),
                        "{file:?} cut at {cut} by {chunk_size}"
                    );
                }
            }
        }
    }

    #[test]
    fn boxes_that_do_not_add_up_fail() {
        let mut longer = mp4(false);
        longer.extend_from_slice(b"extra");
        assert!(check(&longer, 4).is_err());
        let mut impossible = mp4(false);
        impossible[16..20].copy_from_slice(&3u32.to_be_bytes());
        assert!(check(&impossible, 4).is_err());
        let mut overflowing = mp4(true);
        overflowing[24..32].copy_from_slice(&u64::MAX.to_be_bytes());
        assert!(check(&overflowing, 4).is_err());
    }

    #[test]
    fn a_box_running_to_the_end_of_the_file_passes() {
        let mut file = mp4(false);
        file[16..20].copy_from_slice(&0u32.to_be_bytes());
        file.extend_from_slice(b"more video");
        assert_eq!(check(&file, 3), Ok(()));
    }

    #[test]
    fn a_webp_longer_than_its_header_says_fails() {
        let mut longer = webp();
        longer.extend_from_slice(b"xx");
        assert!(check(&longer, 3).is_err());
    }

    #[test]
    fn a_bare_jpeg_xl_codestream_cannot_be_judged_and_passes() {
        assert_eq!(check(b"\xff\x0a any length at all", 4), Ok(()));
    }

    #[test]
    fn unknown_formats_pass() {
        assert_eq!(check(b"", 1), Ok(()));
        assert_eq!(check(b"GIF89a and so on", 4), Ok(()));
        assert_eq!(check(b"{\"json\": true}", 4), Ok(()));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_judged_without_panicking(
            file in proptest::collection::vec(proptest::num::u8::ANY, 0..256),
            chunk_size in 1usize..64,
        ) {
            let _ = check(&file, chunk_size);
        }
    }
}
