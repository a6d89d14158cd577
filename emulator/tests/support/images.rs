//! Real images to upload, and reading the size of a downloaded one by
//! decoding it whole (not only its header), so a broken PNG fails the test.

/// A PNG of this size: a real, decodable grey image.
pub fn png_of(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("the PNG header");
    let pixels = vec![0x80; width as usize * height as usize];
    writer.write_image_data(&pixels).expect("the PNG data");
    writer.finish().expect("the PNG end");
    out
}

/// The width and height of a PNG, after decoding every pixel.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
    let frame = reader.next_frame(&mut pixels).expect("PNG pixels");
    (frame.width, frame.height)
}

/// The start of a baseline JPEG: SOI, then a SOF0 segment giving the height
/// and width. Enough for a reader of headers; no pixels.
pub fn jpeg_header(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = vec![0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08];
    jpeg.extend_from_slice(&height.to_be_bytes());
    jpeg.extend_from_slice(&width.to_be_bytes());
    jpeg.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    jpeg
}

/// The start of an extended WebP: the RIFF header and a `VP8X` chunk giving
/// the canvas size, each side minus one in 24 bits.
pub fn webp_header(width: u32, height: u32) -> Vec<u8> {
    let mut webp = b"RIFF\x24\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
    webp.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    webp.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    webp
}
