//! Files for the Photoshop tests, written and read here from the formats'
//! specifications, independently of the emulator's code: a layered PSD
//! document to give as an input, and checks that an output is a valid
//! file of its type and size (PNG and JPEG decoded whole; TIFF, DNG and
//! PSD read through their headers and structure).

/// A tagged block of a layer record: `8BIM`, key, length, data.
fn block(key: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = b"8BIM".to_vec();
    out.extend_from_slice(key);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
    out
}

/// One layer record: bounds (top, left, bottom, right), channels (with a
/// transparency channel unless `opaque`), normal blending at full
/// opacity, the name, and these tagged blocks.
fn layer(bounds: [i32; 4], name: &str, opaque: bool, blocks: &[Vec<u8>]) -> Vec<u8> {
    let mut out: Vec<u8> = bounds.iter().flat_map(|b| b.to_be_bytes()).collect();
    let channels: &[i16] = if opaque { &[0, 1, 2] } else { &[-1, 0, 1, 2] };
    out.extend_from_slice(&(channels.len() as u16).to_be_bytes());
    for id in channels {
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&2u32.to_be_bytes());
    }
    out.extend_from_slice(b"8BIMnorm");
    out.extend_from_slice(&[255, 0, 0, 0]);
    let mut extra = vec![0; 8];
    extra.push(name.len() as u8);
    extra.extend_from_slice(name.as_bytes());
    while !extra.len().is_multiple_of(4) {
        extra.push(0);
    }
    for block in blocks {
        extra.extend_from_slice(block);
    }
    out.extend_from_slice(&(extra.len() as u32).to_be_bytes());
    out.extend_from_slice(&extra);
    out
}

/// A PSD of this size with four layers, from the bottom: an opaque
/// `Background`, then a group `Text` holding a text layer `Title`, then
/// a pixel layer `Logo`. Its merged image is grey.
pub fn layered_psd(width: u32, height: u32) -> Vec<u8> {
    let section = |kind: u32| block(b"lsct", &kind.to_be_bytes());
    let records = [
        layer([0, 0, height as i32, width as i32], "Background", true, &[]),
        layer([0, 0, 0, 0], "</Layer group>", false, &[section(3)]),
        layer([5, 5, 15, 40], "Title", false, &[block(b"TySh", &[0; 4])]),
        layer([0, 0, 0, 0], "Text", false, &[section(1)]),
        layer([2, 2, 12, 12], "Logo", false, &[]),
    ];
    let mut info = (records.len() as i16).to_be_bytes().to_vec();
    for record in &records {
        info.extend_from_slice(record);
    }
    let mut layers = (info.len() as u32).to_be_bytes().to_vec();
    layers.extend_from_slice(&info);
    layers.extend_from_slice(&0u32.to_be_bytes());
    let mut file = b"8BPS\0\x01\0\0\0\0\0\0\0\x03".to_vec();
    file.extend_from_slice(&height.to_be_bytes());
    file.extend_from_slice(&width.to_be_bytes());
    file.extend_from_slice(&[0, 8, 0, 3]);
    file.extend_from_slice(&[0; 8]);
    file.extend_from_slice(&(layers.len() as u32).to_be_bytes());
    file.extend_from_slice(&layers);
    file.extend_from_slice(&[0, 0]);
    file.extend(std::iter::repeat_n(0x80, (width * height * 3) as usize));
    file
}

/// A real JPEG of this size.
pub fn jpeg_of(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_pixel(width, height, image::Rgb([90, 120, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    pixels
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("a JPEG");
    out.into_inner()
}

/// Asserts `bytes` is a PNG of this size, decoding every pixel.
pub fn assert_png(bytes: &[u8], size: (u32, u32)) {
    assert_eq!(super::images::png_size(bytes), size);
}

/// Asserts `bytes` is a JPEG of this size, decoding every pixel.
pub fn assert_jpeg(bytes: &[u8], size: (u32, u32)) {
    assert_eq!(&bytes[..3], b"\xff\xd8\xff", "a JPEG starts with SOI");
    assert_eq!(&bytes[bytes.len() - 2..], b"\xff\xd9", "and ends with EOI");
    let decoded = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
        .expect("the JPEG decodes");
    assert_eq!((decoded.width(), decoded.height()), size);
}

/// The entries of a little-endian TIFF's first IFD: tag -> (type, count,
/// the 4 value-or-offset bytes).
fn tiff_entries(bytes: &[u8]) -> std::collections::BTreeMap<u16, (u16, u32, [u8; 4])> {
    assert_eq!(&bytes[..4], b"II*\0", "a little-endian TIFF");
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let ifd = u32_at(4) as usize;
    (0..u16_at(ifd) as usize)
        .map(|i| {
            let at = ifd + 2 + i * 12;
            let value = bytes[at + 8..at + 12].try_into().unwrap();
            (u16_at(at), (u16_at(at + 2), u32_at(at + 4), value))
        })
        .collect()
}

/// Asserts `bytes` is an uncompressed RGB TIFF (or, with `dng`, a DNG) of
/// this size whose one strip holds every pixel; its IFD's tags.
pub fn assert_tiff(bytes: &[u8], (width, height): (u32, u32), dng: bool) {
    let entries = tiff_entries(bytes);
    let number = |tag: u16| {
        let (kind, _, value) = entries[&tag];
        match kind {
            3 => u32::from(u16::from_le_bytes([value[0], value[1]])),
            _ => u32::from_le_bytes(value),
        }
    };
    assert_eq!((number(256), number(257)), (width, height));
    assert_eq!(number(259), 1, "uncompressed");
    assert_eq!(number(277), 3, "three samples a pixel");
    let (offset, length) = (number(273) as usize, number(279) as usize);
    assert_eq!(length, (width * height * 3) as usize);
    assert_eq!(offset + length, bytes.len(), "the strip ends the file");
    let photometric = number(262);
    if dng {
        assert!(entries.contains_key(&50706), "a DNG has a DNGVersion");
        assert!(entries.contains_key(&50708), "and a UniqueCameraModel");
        assert_eq!(photometric, 34892, "LinearRaw");
    } else {
        assert_eq!(photometric, 2, "RGB");
    }
}

/// Asserts `bytes` is an 8-bit RGB PSD of this size: its header, three
/// sections whose lengths stay in the file, and a raw merged image of
/// exactly the size the header gives.
pub fn assert_psd(bytes: &[u8], (width, height): (u32, u32)) {
    let u32_at = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(&bytes[..4], b"8BPS");
    assert_eq!(&bytes[4..6], &[0, 1], "version 1");
    assert_eq!(&bytes[6..12], &[0; 6], "reserved");
    let channels = u16::from_be_bytes([bytes[12], bytes[13]]) as usize;
    assert_eq!((u32_at(18), u32_at(14)), (width, height));
    assert_eq!(&bytes[22..26], &[0, 8, 0, 3], "8 bits, RGB");
    let mut at = 26;
    for _ in 0..3 {
        at += 4 + u32_at(at) as usize;
        assert!(at <= bytes.len());
    }
    assert_eq!(&bytes[at..at + 2], &[0, 0], "raw image data");
    let expected = channels * (width * height) as usize;
    assert_eq!(bytes.len() - at - 2, expected, "one plane per channel");
}
