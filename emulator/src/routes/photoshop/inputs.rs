//! A job's inputs: every file its request names, read from its URL as
//! Adobe reads it when the job runs. The documents the job works on (an
//! `image.source`, or each `images[n].source` of an artboard) are kept
//! and described (size, type, layers); the other files (layer images,
//! actions, fonts, presets, ...) are read to check they can be, then
//! dropped, since the emulator does not apply them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::transfer::{self, Failure};
use crate::{
    formats::{self, Document},
    image,
    routes::App,
    store::JobProblem,
};

/// The fields that say where an input file is stored.
const STORAGE_KEYS: &[&str] = &[
    "url",
    "creativeCloudPath",
    "creativeCloudFileId",
    "lightroomPath",
];

/// A document the job works on.
#[derive(Clone, Debug)]
pub(super) struct Input {
    /// Its file name, the last segment of its URL's path.
    pub(super) name: String,
    pub(super) size: (u32, u32),
    /// Its type as its header says.
    pub(super) kind: imagesize::ImageType,
    /// Bits per channel and color mode, as far as the header tells.
    pub(super) depth: u16,
    pub(super) mode: &'static str,
    /// A PSD's header and layers, or why they could not be read.
    pub(super) psd: Option<Result<Document, String>>,
    /// A hash of its bytes: what the outputs' stand-in pixels follow.
    pub(super) hash: u64,
}

/// Every file reference of the body (an object giving a storage field,
/// not as an output's `destination`), by its dotted path.
fn references(body: &Value) -> BTreeMap<String, &Map<String, Value>> {
    fn walk<'a>(
        value: &'a Value,
        at: &mut Vec<String>,
        found: &mut BTreeMap<String, &'a Map<String, Value>>,
    ) {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(object) => {
                let output = at.last().is_some_and(|key| key == "destination");
                if !output && STORAGE_KEYS.iter().any(|key| object.contains_key(*key)) {
                    found.insert(at.join("."), object);
                }
                object.iter().map(|(k, v)| (k.clone(), v)).collect()
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => Vec::new(),
        };
        for (key, child) in children {
            at.push(key);
            walk(child, at, found);
            at.pop();
        }
    }
    let mut found = BTreeMap::new();
    walk(body, &mut Vec::new(), &mut found);
    found
}

/// Whether the file at `at` is a document the job works on.
fn is_document(at: &str) -> bool {
    at == "image.source"
        || at
            .strip_prefix("images.")
            .and_then(|rest| rest.strip_suffix(".source"))
            .is_some_and(|n| n.parse::<usize>().is_ok())
}

/// Reads every file the request names; the documents, in the order of
/// their paths (`image.source`, or `images.0.source`, `images.1.source`,
/// ...). `Err` lists every file that could not be read.
pub(super) async fn read_all(app: &App, body: &Value) -> Result<Vec<Input>, Vec<JobProblem>> {
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    let mut found: Vec<(String, &Map<String, Value>)> = references(body).into_iter().collect();
    // `images.10` after `images.9`: the artboards' order is the request's.
    found.sort_by_key(|(at, _)| {
        at.split('.')
            .map(|part| part.parse::<usize>().map_or(Err(part.to_owned()), Ok))
            .collect::<Vec<_>>()
    });
    for (at, reference) in found {
        let Some(url) = reference.get("url").and_then(Value::as_str) else {
            let kind = STORAGE_KEYS
                .iter()
                .find(|key| reference.contains_key(**key))
                .unwrap_or(&"storage");
            problems.push(JobProblem::new(
                "400",
                format!(
                    "Unable to read the input at {at}: the emulator reads input files from URLs, \
                     not from {kind} (Creative Cloud and Lightroom storage are not emulated)"
                ),
            ));
            continue;
        };
        match transfer::fetch(&app.storage, url).await {
            Ok(bytes) if is_document(&at) => match describe(url, &bytes) {
                Ok(input) => documents.push(input),
                Err(reason) => problems.push(JobProblem::new(
                    "400",
                    format!("Unable to read the input at {at}.url: {reason}"),
                )),
            },
            Ok(_) => {}
            Err(Failure { status, reason }) => problems.push(JobProblem::new(
                &status.map_or_else(|| "400".to_owned(), |s| s.to_string()),
                format!("Unable to read the input at {at}.url: {reason}"),
            )),
        }
    }
    if problems.is_empty() {
        Ok(documents)
    } else {
        Err(problems)
    }
}

/// A document read from `url`: its size and type from its header.
fn describe(url: &str, bytes: &[u8]) -> Result<Input, String> {
    const READABLE: &str = "PNG, JPEG, WebP, TIFF (DNG and other raw files built on TIFF), \
                            PSD or JPEG XL";
    let size = imagesize::blob_size(bytes)
        .map_err(|_| format!("not an image whose size the emulator can read ({READABLE})"))?;
    let kind = imagesize::image_type(bytes)
        .map_err(|_| format!("not an image the emulator can read ({READABLE})"))?;
    let (width, height) = (
        u32::try_from(size.width).unwrap_or(u32::MAX),
        u32::try_from(size.height).unwrap_or(u32::MAX),
    );
    let psd = (kind == imagesize::ImageType::Psd).then(|| formats::read_psd(bytes));
    let (depth, mode) = match &psd {
        Some(Ok(document)) => (document.bits_per_channel, document.mode),
        _ => header_depth_and_mode(kind, bytes),
    };
    let name = url::Url::parse(url)
        .ok()
        .and_then(|url| {
            url.path_segments()
                .and_then(|mut segments| segments.next_back().map(str::to_owned))
        })
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "document".to_owned());
    Ok(Input {
        name,
        size: (width, height),
        kind,
        depth,
        mode,
        psd,
        hash: image::fnv1a(&[bytes]),
    })
}

/// Bits per channel and color mode from a PNG's or JPEG's header; 8-bit
/// RGB for the others, which the emulator does not look into.
fn header_depth_and_mode(kind: imagesize::ImageType, bytes: &[u8]) -> (u16, &'static str) {
    match kind {
        // IHDR: bit depth at byte 24, color type at 25.
        imagesize::ImageType::Png => match (bytes.get(24), bytes.get(25)) {
            (Some(&depth), Some(0 | 4)) => (u16::from(depth), "grayscale"),
            (Some(&depth), Some(3)) => (u16::from(depth), "indexed"),
            (Some(&depth), _) => (u16::from(depth), "rgb"),
            _ => (8, "rgb"),
        },
        imagesize::ImageType::Jpeg => match jpeg_components(bytes) {
            Some(1) => (8, "grayscale"),
            Some(4) => (8, "cmyk"),
            _ => (8, "rgb"),
        },
        _ => (8, "rgb"),
    }
}

/// The number of components of a JPEG's frame (its first SOF segment).
fn jpeg_components(bytes: &[u8]) -> Option<u8> {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xff {
            return None;
        }
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        // SOF0 to SOF15, but not DHT (C4), JPG (C8) or DAC (CC).
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            return bytes.get(at + 9).copied();
        }
        at += 2 + length;
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_input_file_is_found_but_no_output() {
        let body = json!({
            "image": {"source": {"url": "http://127.0.0.1/doc.psd"}},
            "edits": {"presets": [{"url": "http://127.0.0.1/p.xmp"}, {"creativeCloudPath": "x"}]},
            "outputs": [{"destination": {"url": "http://127.0.0.1/out.png"}}],
        });
        let found: Vec<String> = references(&body).into_keys().collect();
        assert_eq!(
            found,
            ["edits.presets.0", "edits.presets.1", "image.source"]
        );
        assert!(is_document("image.source"));
        assert!(is_document("images.12.source"));
        assert!(!is_document("images.x.source"));
        assert!(!is_document("edits.presets.0"));
    }

    #[test]
    fn a_png_header_tells_its_depth_and_mode() {
        let png = image::render_png("k", 1, 3, 2);
        let input = describe("http://127.0.0.1/b/photo.png?sig=1", &png).unwrap();
        assert_eq!((input.size, input.depth, input.mode), ((3, 2), 8, "rgb"));
        assert_eq!(input.name, "photo.png");
        assert!(describe("http://127.0.0.1/x", b"not an image").is_err());
    }
}
