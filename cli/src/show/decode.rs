//! Decoding a saved image to show it (`--show`, `firefly mcp`'s previews)
//! within fixed bounds, whatever the file claims: its header is read first
//! and an image far beyond anything Firefly makes is refused undecoded, and
//! the decoding itself runs under an allocation limit. A small file can
//! claim billions of pixels (a "decompression bomb"), and a decoder trusts
//! the claim when it allocates.

use std::{fs::File, io::BufReader, path::Path};

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

/// The longest side decoded, in pixels. Firefly's requests ask for at
/// most 4096 pixels a side and its upscale enlarges up to 6 times a side,
/// so this admits a 6x upscale of 2730 pixels; a longer side is refused
/// from the header alone, undecoded.
pub const MAX_SIDE: u32 = 16_384;

/// The most pixels decoded (a 6x upscale of 2.7 megapixels); more is
/// refused from the header alone. Most images this large still take more
/// than [`MAX_DECODE_BYTES`], and are refused for that, also undecoded.
pub const MAX_PIXELS: u64 = 100_000_000;

/// The most memory a decoded image may take: 64 MiB, a 4096x4096 image
/// with alpha (every output but an upscale's fits). The decoder gets the
/// same limit for its own buffers.
pub const MAX_DECODE_BYTES: u64 = 64 * 1024 * 1024;

/// Files larger than this are not read at all (a JPEG decoder holds the
/// whole file in memory).
const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;

const MIB: u64 = 1024 * 1024;

/// The image at `path`, decoded within the bounds above; otherwise why
/// not, as a sentence about "it" (the caller names the file).
pub fn open(path: &Path) -> Result<DynamicImage, String> {
    let file = File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    // Checked on the open handle: the file read is the file checked.
    let metadata = file
        .metadata()
        .map_err(|e| format!("cannot read it: {e}"))?;
    if !metadata.is_file() {
        return Err("it is not a regular file".into());
    }
    if metadata.len() > MAX_SOURCE_BYTES {
        return Err(format!(
            "it is {} MiB, more than the {} MiB read to show an image",
            metadata.len().div_ceil(MIB),
            MAX_SOURCE_BYTES / MIB
        ));
    }
    let mut reader = ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(|e| format!("cannot read it: {e}"))?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    // Only the header is read here.
    let decoder = reader
        .into_decoder()
        .map_err(|e| format!("cannot decode it: {e}"))?;
    check(decoder.dimensions(), decoder.total_bytes())?;
    DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot decode it: {e}"))
}

/// Whether an image of this size, taking `bytes` once decoded, may be.
fn check((width, height): (u32, u32), bytes: u64) -> Result<(), String> {
    if width.max(height) > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!(
            "it claims {width}x{height} pixels, far beyond any image Firefly makes (at most \
             {MAX_SIDE} pixels a side and {} megapixels are decoded)",
            MAX_PIXELS / 1_000_000
        ));
    }
    if bytes > MAX_DECODE_BYTES {
        return Err(format!(
            "its {width}x{height} pixels would take {} MiB to decode, more than the {} MiB \
             allowed to show an image",
            bytes.div_ceil(MIB),
            MAX_DECODE_BYTES / MIB
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_past_a_side_or_the_pixel_count_are_refused_before_memory() {
        let refused = check((60_000, 60_000), 1).unwrap_err();
        assert!(
            refused.starts_with("it claims 60000x60000 pixels"),
            "{refused}"
        );
        assert!(check((MAX_SIDE + 1, 1), 1).is_err());
        assert!(check((10_001, 10_000), 1).is_err());
        assert!(check((MAX_SIDE, 6_000), 1).is_ok());
    }

    #[test]
    fn sizes_within_bounds_are_refused_past_the_memory_limit() {
        let refused = check((8_000, 8_000), 192_000_000).unwrap_err();
        assert!(
            refused.starts_with("its 8000x8000 pixels would take 184 MiB to decode"),
            "{refused}"
        );
        assert!(check((4_096, 4_096), 4_096 * 4_096 * 4).is_ok());
    }
}
