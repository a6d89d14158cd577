//! Baseline TIFF files (TIFF 6.0, part 1: an uncompressed RGB image in one
//! strip), and DNG files built on them (DNG 1.4: the same strip as
//! `LinearRaw` data, with the tags a DNG reader needs).
//!
//! The layout, little-endian: the 8-byte header (`II`, 42, the offset of
//! the first IFD), the IFD (its entries sorted by tag, each 12 bytes, then
//! the offset of the next IFD, 0), the values too long to sit in an entry,
//! each at an even offset, then the pixels.

/// TIFF field types used here, with their size in bytes.
#[derive(Clone, Copy)]
enum Kind {
    Ascii = 2,
    Short = 3,
    Long = 4,
    Rational = 5,
    Byte = 1,
    SRational = 10,
}

/// One IFD entry: its tag, type, count and value bytes.
struct Entry {
    tag: u16,
    kind: Kind,
    count: u32,
    value: Vec<u8>,
}

fn shorts(tag: u16, values: &[u16]) -> Entry {
    Entry {
        tag,
        kind: Kind::Short,
        count: values.len() as u32,
        value: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
    }
}

fn long(tag: u16, value: u32) -> Entry {
    Entry {
        tag,
        kind: Kind::Long,
        count: 1,
        value: value.to_le_bytes().to_vec(),
    }
}

fn rational(tag: u16, numerator: u32, denominator: u32) -> Entry {
    let mut value = numerator.to_le_bytes().to_vec();
    value.extend_from_slice(&denominator.to_le_bytes());
    Entry {
        tag,
        kind: Kind::Rational,
        count: 1,
        value,
    }
}

/// An uncompressed 8-bit RGB TIFF of these pixels (`width * height * 3`
/// bytes, row by row); a DNG when `dng`. `Err` if the pixels do not fit
/// in the 4 GiB a TIFF can address.
pub(super) fn encode(pixels: &[u8], width: u32, height: u32, dng: bool) -> Result<Vec<u8>, String> {
    let pixel_bytes = u32::try_from(pixels.len()).map_err(|_| "the image is over 4 GiB")?;
    // PhotometricInterpretation: RGB, or DNG's LinearRaw (demosaiced,
    // linear samples: the simplest raw data a DNG reader takes).
    let photometric = if dng { 34892 } else { 2 };
    let mut entries = vec![
        shorts(256, &[clamp16(width)]),
        shorts(257, &[clamp16(height)]),
        shorts(258, &[8, 8, 8]),
        shorts(259, &[1]),
        shorts(262, &[photometric]),
        // StripOffsets is filled in once the layout is known.
        long(273, 0),
        shorts(277, &[3]),
        long(278, height),
        long(279, pixel_bytes),
        rational(282, 72, 1),
        rational(283, 72, 1),
        shorts(284, &[1]),
        shorts(296, &[2]),
    ];
    // Widths over 65535 need LONG: TIFF readers take either.
    if width > u32::from(u16::MAX) || height > u32::from(u16::MAX) {
        entries[0] = long(256, width);
        entries[1] = long(257, height);
    }
    if dng {
        entries.push(long(254, 0));
        entries.extend(dng_entries());
    }
    entries.sort_by_key(|entry| entry.tag);
    Ok(layout(entries, pixels))
}

/// A side as a SHORT (callers switch to LONG beyond 65535).
fn clamp16(side: u32) -> u16 {
    u16::try_from(side).unwrap_or(u16::MAX)
}

/// The tags DNG adds: its version, the camera, and the one color matrix a
/// three-channel DNG must have (here the XYZ to linear sRGB matrix under
/// D65, so the samples read as sRGB primaries).
fn dng_entries() -> Vec<Entry> {
    const XYZ_TO_SRGB: [i32; 9] = [32406, -15372, -4986, -9689, 18758, 415, 557, -2040, 10570];
    let matrix: Vec<u8> = XYZ_TO_SRGB
        .iter()
        .flat_map(|n| {
            let mut pair = n.to_le_bytes().to_vec();
            pair.extend_from_slice(&10_000i32.to_le_bytes());
            pair
        })
        .collect();
    let model = b"adobe-firefly-emulator\0".to_vec();
    vec![
        Entry {
            tag: 50706,
            kind: Kind::Byte,
            count: 4,
            value: vec![1, 4, 0, 0],
        },
        Entry {
            tag: 50707,
            kind: Kind::Byte,
            count: 4,
            value: vec![1, 1, 0, 0],
        },
        Entry {
            tag: 50708,
            kind: Kind::Ascii,
            count: model.len() as u32,
            value: model,
        },
        Entry {
            tag: 50721,
            kind: Kind::SRational,
            count: 9,
            value: matrix,
        },
        // CalibrationIlluminant1: D65.
        shorts(50778, &[21]),
    ]
}

/// The file: header, IFD, long values, pixels, with StripOffsets (273)
/// pointing at the pixels.
fn layout(entries: Vec<Entry>, pixels: &[u8]) -> Vec<u8> {
    const IFD_START: usize = 8;
    let ifd_len = 2 + entries.len() * 12 + 4;
    // Where each value longer than 4 bytes goes, after the IFD.
    let mut extra = Vec::new();
    let mut places = Vec::with_capacity(entries.len());
    for entry in &entries {
        if entry.value.len() > 4 {
            places.push(Some(IFD_START + ifd_len + extra.len()));
            extra.extend_from_slice(&entry.value);
            if extra.len() % 2 == 1 {
                extra.push(0);
            }
        } else {
            places.push(None);
        }
    }
    let pixels_at = IFD_START + ifd_len + extra.len();
    let mut file = Vec::with_capacity(pixels_at + pixels.len());
    file.extend_from_slice(b"II");
    file.extend_from_slice(&42u16.to_le_bytes());
    file.extend_from_slice(&(IFD_START as u32).to_le_bytes());
    file.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (entry, place) in entries.iter().zip(&places) {
        file.extend_from_slice(&entry.tag.to_le_bytes());
        file.extend_from_slice(&(entry.kind as u16).to_le_bytes());
        file.extend_from_slice(&entry.count.to_le_bytes());
        let mut value = match place {
            Some(offset) => (*offset as u32).to_le_bytes().to_vec(),
            None if entry.tag == 273 => (pixels_at as u32).to_le_bytes().to_vec(),
            None => entry.value.clone(),
        };
        value.resize(4, 0);
        file.extend_from_slice(&value);
    }
    file.extend_from_slice(&0u32.to_le_bytes());
    file.extend_from_slice(&extra);
    file.extend_from_slice(pixels);
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of `tag` in the first IFD, as a number (SHORT or LONG).
    fn tag(file: &[u8], tag: u16) -> Option<u32> {
        let ifd = u32::from_le_bytes(file[4..8].try_into().ok()?) as usize;
        let count = u16::from_le_bytes(file[ifd..ifd + 2].try_into().ok()?) as usize;
        (0..count).find_map(|i| {
            let at = ifd + 2 + i * 12;
            let entry = &file[at..at + 12];
            (u16::from_le_bytes([entry[0], entry[1]]) == tag).then(|| {
                match u16::from_le_bytes([entry[2], entry[3]]) {
                    3 => u32::from(u16::from_le_bytes([entry[8], entry[9]])),
                    _ => u32::from_le_bytes([entry[8], entry[9], entry[10], entry[11]]),
                }
            })
        })
    }

    #[test]
    fn a_tiff_gives_its_size_and_points_at_its_pixels() {
        let pixels: Vec<u8> = (0..5 * 3 * 3).map(|n| n as u8).collect();
        let file = encode(&pixels, 5, 3, false).unwrap();
        assert_eq!(&file[..4], b"II*\0");
        assert_eq!(tag(&file, 256), Some(5));
        assert_eq!(tag(&file, 257), Some(3));
        let at = tag(&file, 273).unwrap() as usize;
        assert_eq!(at % 2, 0);
        assert_eq!(&file[at..], &pixels[..]);
        assert_eq!(imagesize::blob_size(&file).unwrap().width, 5);
    }

    #[test]
    fn a_dng_is_a_tiff_with_a_dng_version() {
        let file = encode(&[0; 2 * 2 * 3], 2, 2, true).unwrap();
        assert_eq!(tag(&file, 262), Some(34892));
        assert!(tag(&file, 50706).is_some());
        assert!(tag(&file, 50721).is_some());
    }
}
