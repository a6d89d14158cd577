//! Deterministic stand-in images: the same (prompt, seed, size) always gives
//! the same PNG.

/// FNV-1a over the parts, each followed by a separator byte: a stable id for
/// an image, the same in every process and release.
pub(crate) fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(&[0xff]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The pixel size rendered for a requested size: the same aspect ratio, the
/// longest side at most `max_side`.
pub(crate) fn rendered_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = width.max(height).max(1);
    if longest <= max_side {
        return (width.max(1), height.max(1));
    }
    let scale =
        |side: u32| ((u64::from(side) * u64::from(max_side)) / u64::from(longest)).max(1) as u32;
    (scale(width), scale(height))
}

/// The pixels of a stand-in image, 8-bit RGB row by row: a gradient and
/// stripes whose colours come from the key and seed.
pub(crate) fn stand_in_pixels(key: &str, seed: i64, width: u32, height: u32) -> Vec<u8> {
    let hash = fnv1a(&[key.as_bytes(), &seed.to_le_bytes()]);
    let [r0, g0, b0, stripe, ..] = hash.to_le_bytes();
    let period = 8 + u32::from(stripe % 24);
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..height {
        for x in 0..width {
            let band = ((x + y) / period) % 2 == 0;
            // In u64: a side of up to 32000 pixels times 255 overflows u32.
            let fx = (u64::from(x) * 255 / u64::from(width.max(1))) as u8;
            let fy = (u64::from(y) * 255 / u64::from(height.max(1))) as u8;
            pixels.push(r0 ^ fx);
            pixels.push(g0 ^ fy);
            pixels.push(if band { b0 } else { !b0 });
        }
    }
    pixels
}

/// These 8-bit RGB pixels as a PNG.
pub(crate) fn png_of(pixels: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        // Writing to a Vec cannot fail, and the dimensions match the buffer.
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(pixels);
        }
    }
    out
}

/// An RGB PNG with a gradient and stripes whose colours come from the prompt
/// and seed.
pub(crate) fn render_png(prompt: &str, seed: i64, width: u32, height: u32) -> Vec<u8> {
    png_of(&stand_in_pixels(prompt, seed, width, height), width, height)
}

/// A stand-in video file: an ISO-BMFF `ftyp` box followed by a `free` box
/// whose content depends on the prompt and seed. Not playable; enough for a
/// download to be checked.
pub(crate) fn stand_in_mp4(prompt: &str, seed: i64) -> Vec<u8> {
    let mut file = Vec::new();
    file.extend_from_slice(&24u32.to_be_bytes());
    file.extend_from_slice(b"ftypisom\0\0\x02\0isommp41");
    let note = format!(
        "adobe-firefly emulator video {:016x}",
        fnv1a(&[prompt.as_bytes(), &seed.to_le_bytes()])
    );
    file.extend_from_slice(&(8 + note.len() as u32).to_be_bytes());
    file.extend_from_slice(b"free");
    file.extend_from_slice(note.as_bytes());
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_deterministic_and_differ_by_input() {
        let a = render_png("a cat", 1, 64, 32);
        assert_eq!(a, render_png("a cat", 1, 64, 32));
        assert_ne!(a, render_png("a cat", 2, 64, 32));
        assert_ne!(a, render_png("a dog", 1, 64, 32));
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(a));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (64, 32));
    }

    #[test]
    fn large_sizes_are_scaled_down_keeping_the_aspect_ratio() {
        assert_eq!(rendered_size(2048, 2048, 512), (512, 512));
        assert_eq!(rendered_size(2688, 1536, 512), (512, 292));
        assert_eq!(rendered_size(300, 200, 512), (300, 200));
    }
}
