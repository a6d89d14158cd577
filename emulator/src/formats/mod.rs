//! Files of the types Photoshop jobs write, made from 8-bit RGB pixels:
//! PNG (with `png`), JPEG (with the `image` crate's encoder), and TIFF,
//! DNG and PSD, written here (`tiff`, `psd`), each a valid file of its
//! type whose header gives the size asked for; and XMP packets. Reading a
//! Photoshop document's header and layers, for a manifest, is here too
//! (`psd`, `psd_layers`).

mod media; // WAV audio and MP4 video, for the Audio/Video jobs
mod psd; // PSD: a flattened document written; a document's header and layers read
mod psd_layers; // the layer records of a PSD, as a tree
mod reader; // bounded big-endian reads
mod tiff; // baseline TIFF and DNG

pub(crate) use media::{mp4, wav};
pub(crate) use psd::{Document, read as read_psd};
pub(crate) use psd_layers::Layer;

use crate::image;

/// The most pixels an output may have: the pixels are made in memory (3
/// bytes each), so this bounds what one output costs (about 108 MB).
pub(crate) const MAX_PIXELS: u64 = 36_000_000;

/// A type of image file a job writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ImageType {
    Png,
    Jpeg,
    Tiff,
    /// A Photoshop document (`image/vnd.adobe.photoshop`).
    Psd,
    /// A digital negative (`image/x-adobe-dng`).
    Dng,
}

impl ImageType {
    /// The type of a media type, if it is one of these.
    pub(crate) fn of(media_type: &str) -> Option<Self> {
        Some(match media_type {
            "image/png" => ImageType::Png,
            "image/jpeg" => ImageType::Jpeg,
            "image/tiff" => ImageType::Tiff,
            "image/vnd.adobe.photoshop" => ImageType::Psd,
            "image/x-adobe-dng" => ImageType::Dng,
            _ => return None,
        })
    }

    /// Its media type.
    pub(crate) fn media_type(self) -> &'static str {
        match self {
            ImageType::Png => "image/png",
            ImageType::Jpeg => "image/jpeg",
            ImageType::Tiff => "image/tiff",
            ImageType::Psd => "image/vnd.adobe.photoshop",
            ImageType::Dng => "image/x-adobe-dng",
        }
    }

    /// The extension of its file names.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            ImageType::Png => "png",
            ImageType::Jpeg => "jpg",
            ImageType::Tiff => "tif",
            ImageType::Psd => "psd",
            ImageType::Dng => "dng",
        }
    }
}

/// A file of type `kind` showing a stand-in image of this size whose
/// look depends on `key`; JPEGs at `jpeg_quality` (1 to 100). `Err` says
/// why it cannot be made (too many pixels for the emulator).
pub(crate) fn stand_in(
    kind: ImageType,
    key: &str,
    (width, height): (u32, u32),
    jpeg_quality: u8,
) -> Result<Vec<u8>, String> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS || width == 0 || height == 0 {
        return Err(format!(
            "the emulator makes images of 1 to {MAX_PIXELS} pixels, not {width}x{height}"
        ));
    }
    let rgb = image::stand_in_pixels(key, 0, width, height);
    match kind {
        ImageType::Png => Ok(image::png_of(&rgb, width, height)),
        ImageType::Jpeg => jpeg(&rgb, width, height, jpeg_quality),
        ImageType::Tiff => tiff::encode(&rgb, width, height, false),
        ImageType::Dng => tiff::encode(&rgb, width, height, true),
        ImageType::Psd => Ok(psd::encode(&rgb, width, height)),
    }
}

/// These pixels as a baseline JPEG.
fn jpeg(rgb: &[u8], width: u32, height: u32, quality: u8) -> Result<Vec<u8>, String> {
    // JPEG's frame header holds 16-bit sides.
    if width > u32::from(u16::MAX) || height > u32::from(u16::MAX) {
        return Err(format!(
            "a JPEG is at most 65535 pixels a side, not {width}x{height}"
        ));
    }
    let mut out = Vec::new();
    ::image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
        .encode(rgb, width, height, ::image::ExtendedColorType::Rgb8)
        .map_err(|e| format!("the JPEG encoder: {e}"))?;
    Ok(out)
}

/// An XMP packet (`application/rdf+xml`) of Camera Raw settings: one
/// `crs:` attribute per (name, value), each value escaped for XML.
pub(crate) fn xmp_packet(settings: &[(String, String)]) -> Vec<u8> {
    let attributes: String = settings
        .iter()
        .map(|(name, value)| format!("\n    crs:{name}=\"{}\"", xml_escaped(value)))
        .collect();
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n \
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n  \
         <rdf:Description rdf:about=\"\"\n    \
         xmlns:crs=\"http://ns.adobe.com/camera-raw-settings/1.0/\"{attributes}/>\n \
         </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n"
    )
    .into_bytes()
}

fn xml_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_a_file_of_that_type_and_size() {
        for kind in [
            ImageType::Png,
            ImageType::Jpeg,
            ImageType::Tiff,
            ImageType::Psd,
            ImageType::Dng,
        ] {
            let file = stand_in(kind, "key", (17, 9), 80).unwrap();
            let size = imagesize::blob_size(&file).unwrap();
            assert_eq!((size.width, size.height), (17, 9), "{kind:?}");
            assert_eq!(ImageType::of(kind.media_type()), Some(kind));
        }
        let jpeg = stand_in(ImageType::Jpeg, "key", (17, 9), 80).unwrap();
        let decoded = ::image::load_from_memory(&jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (17, 9));
    }

    #[test]
    fn too_many_pixels_are_refused() {
        assert!(stand_in(ImageType::Png, "key", (10_000, 10_000), 80).is_err());
        assert!(stand_in(ImageType::Png, "key", (0, 10), 80).is_err());
    }

    #[test]
    fn xmp_values_are_escaped() {
        let packet = xmp_packet(&[("Exposure2012".into(), "+1.00\"<".into())]);
        let text = String::from_utf8(packet).unwrap();
        assert!(
            text.contains("crs:Exposure2012=\"+1.00&quot;&lt;\""),
            "{text}"
        );
    }
}
