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
