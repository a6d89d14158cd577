//! Photoshop documents: writing a flattened one, and reading a document's
//! header and layers (for a manifest).
//!
//! A PSD file (Adobe's "Photoshop File Formats Specification") is, in
//! big-endian order:
//!
//! 1. the header, 26 bytes: `8BPS`, version 1 (2 for the large format,
//!    PSB), 6 reserved zero bytes, the number of channels, the height, the
//!    width, the bits per channel and the color mode (3 is RGB);
//! 2. the color mode data section: its length (4 bytes), then the data
//!    (only indexed and duotone documents have any);
//! 3. the image resources section: its length, then the resources;
//! 4. the layer and mask information section: its length (8 bytes in a
//!    PSB), then the layers; 0 for a document without layers;
//! 5. the image data: the compression (2 bytes, 0 for raw), then the
//!    merged image, channel after channel, each row after row.
//!
//! The smallest valid document is therefore a header, three empty sections
//! and the merged image: that is what [`encode`] writes, and how Photoshop
//! opens it is as one background layer.

use super::{
    psd_layers::{Layer, read_layers},
    reader::Reader,
};

/// The header's size in bytes.
const HEADER_LEN: usize = 26;

/// Sides larger than this need the large format (PSB).
const PSD_MAX_SIDE: u32 = 30_000;

/// A flattened 8-bit RGB document of these pixels (`width * height * 3`
/// bytes, row by row): a PSD, or a PSB beyond 30,000 pixels a side.
pub(super) fn encode(pixels: &[u8], width: u32, height: u32) -> Vec<u8> {
    let large = width > PSD_MAX_SIDE || height > PSD_MAX_SIDE;
    let mut file = Vec::with_capacity(HEADER_LEN + 16 + pixels.len());
    file.extend_from_slice(b"8BPS");
    file.extend_from_slice(&(if large { 2u16 } else { 1 }).to_be_bytes());
    file.extend_from_slice(&[0; 6]);
    file.extend_from_slice(&3u16.to_be_bytes());
    file.extend_from_slice(&height.to_be_bytes());
    file.extend_from_slice(&width.to_be_bytes());
    file.extend_from_slice(&8u16.to_be_bytes());
    file.extend_from_slice(&3u16.to_be_bytes());
    // Color mode data and image resources: empty.
    file.extend_from_slice(&0u32.to_be_bytes());
    file.extend_from_slice(&0u32.to_be_bytes());
    // Layer and mask information: empty (8 bytes long in a PSB).
    if large {
        file.extend_from_slice(&0u64.to_be_bytes());
    } else {
        file.extend_from_slice(&0u32.to_be_bytes());
    }
    // The merged image, raw, one plane per channel.
    file.extend_from_slice(&0u16.to_be_bytes());
    for channel in 0..3 {
        file.extend(pixels.iter().skip(channel).step_by(3));
    }
    file
}

/// What a document's header and layer section say.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Document {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) bits_per_channel: u16,
    /// The color mode, in the spec's words (`rgb`, `cmyk`, ...).
    pub(crate) mode: &'static str,
    /// The layers, the top one first; empty for a flattened document.
    pub(crate) layers: Vec<Layer>,
}

/// The color mode of the header, in the spec's words.
fn mode_name(mode: u16) -> &'static str {
    match mode {
        0 => "bitmap",
        1 => "grayscale",
        2 => "indexed",
        3 => "rgb",
        4 => "cmyk",
        7 => "multichannel",
        8 => "duotone",
        9 => "lab",
        _ => "unknown",
    }
}

/// A PSD or PSB document's header and layers. `Err` says why the bytes
/// are not a document the emulator can read.
pub(crate) fn read(bytes: &[u8]) -> Result<Document, String> {
    let mut file = Reader::new(bytes);
    if file.take(4)? != b"8BPS" {
        return Err("not a Photoshop document (no 8BPS signature)".into());
    }
    let wide = match file.u16()? {
        1 => false,
        2 => true,
        version => return Err(format!("a Photoshop document of version {version}")),
    };
    file.take(6)?;
    let _channels = file.u16()?;
    let height = file.u32()?;
    let width = file.u32()?;
    let bits_per_channel = file.u16()?;
    let mode = mode_name(file.u16()?);
    for _ in 0..2 {
        // Color mode data, then image resources.
        let length = file.u32()? as usize;
        file.take(length)?;
    }
    let length = file.length(wide)?;
    let mut section = file.section(length)?;
    let layers = read_layers(&mut section, wide)?;
    Ok(Document {
        width,
        height,
        bits_per_channel,
        mode,
        layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_document_is_read_back_without_layers() {
        let pixels: Vec<u8> = (0..4 * 2 * 3).map(|n| n as u8).collect();
        let file = encode(&pixels, 4, 2);
        assert_eq!(&file[..6], b"8BPS\0\x01");
        let document = read(&file).unwrap();
        assert_eq!((document.width, document.height), (4, 2));
        assert_eq!((document.bits_per_channel, document.mode), (8, "rgb"));
        assert!(document.layers.is_empty());
        // The red plane first: every third byte from 0.
        let data = &file[file.len() - pixels.len()..];
        assert_eq!(&data[..3], &[0, 3, 6]);
        let size = imagesize::blob_size(&file).unwrap();
        assert_eq!((size.width, size.height), (4, 2));
    }

    #[test]
    fn truncated_and_foreign_files_are_refused_not_panicked_on() {
        let file = encode(&[0; 3], 1, 1);
        for cut in 0..file.len() - 2 {
            let _ = read(&file[..cut]);
        }
        assert!(read(b"GIF89a").is_err());
    }
}
