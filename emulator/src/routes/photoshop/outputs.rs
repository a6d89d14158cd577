//! A job's outputs: each made as a file of its `mediaType` and taken to
//! its `destination`, as Adobe's workers do, and listed for the status.
//!
//! - Images (PNG, JPEG, TIFF, PSD, DNG) are stand-ins of the document's
//!   size, or of the output's `width`/`height`/`maxWidth`; JSON outputs
//!   are the document's manifest; XMP outputs hold the edit's settings.
//! - A pre-signed `url` gets the file by PUT (Azure's with its blob type,
//!   Dropbox's by POST). The status lists `{mediaType, destination}`.
//! - Adobe-hosted storage (`validityPeriod`) keeps the file in the
//!   emulator's storage for that many seconds; the status lists
//!   `{mediaType, url}`, the URL to download it from.
//! - `embedded` puts the content in the status itself:
//!   `{mediaType, destination: {embedded, content}}`.
//!
//! An output the emulator cannot write (a cloud document, Creative Cloud
//! storage, an image beyond its pixel budget) or cannot deliver (the
//! storage refused the upload) fails the job, with one problem each.

use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

use super::{
    manifest::{Described, manifest},
    transfer,
};
use crate::{
    formats::{self, ImageType},
    routes::{App, shared::storage::download_url},
    store::JobProblem,
};

/// The most an embedded output may weigh: it travels in every status.
const MAX_EMBEDDED_BYTES: usize = 8 << 20;

/// What a job's outputs show.
pub(super) struct Document<'a> {
    /// What the stand-in pixels follow (the input's bytes, the operation).
    pub(super) key: String,
    pub(super) described: Described<'a>,
    /// The settings an XMP output holds (Camera Raw's names and values).
    pub(super) xmp: Vec<(String, String)>,
}

/// A made file: its bytes, media type, extension, and size if an image.
struct File {
    content: Vec<u8>,
    media_type: &'static str,
    extension: &'static str,
    size: Option<(u32, u32)>,
}

/// Makes and delivers every output; their entries for the status's
/// `result.outputs`, or every problem met.
pub(super) async fn deliver_all(
    app: &App,
    outputs: &[Value],
    document: &Document<'_>,
) -> Result<Vec<Value>, Vec<JobProblem>> {
    let mut listed = Vec::new();
    let mut problems = Vec::new();
    for (index, output) in outputs.iter().enumerate() {
        let outcome = match make(output, index, document) {
            Ok(file) => deliver(app, &output["destination"], file).await,
            Err(reason) => Err(JobProblem::new("400", reason)),
        };
        match outcome {
            Ok(entry) => listed.push(entry),
            Err(mut problem) => {
                problem.message = format!("outputs[{index}]: {}", problem.message);
                problems.push(problem);
            }
        }
    }
    if problems.is_empty() {
        Ok(listed)
    } else {
        Err(problems)
    }
}

/// The file output `index` asks for.
fn make(output: &Value, index: usize, document: &Document<'_>) -> Result<File, String> {
    let media_type = output["mediaType"].as_str().unwrap_or_default();
    if let Some(kind) = ImageType::of(media_type) {
        let size = output_size(document.described.size, output);
        let key = format!("{}:{index}", document.key);
        let content = formats::stand_in(kind, &key, size, jpeg_quality(output))?;
        return Ok(File {
            content,
            media_type: kind.media_type(),
            extension: kind.extension(),
            size: Some(size),
        });
    }
    match media_type {
        "application/json" => {
            let manifest = manifest(&document.described)
                .map_err(|reason| format!("the input cannot be described: {reason}"))?;
            Ok(File {
                content: serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
                media_type: "application/json",
                extension: "json",
                size: None,
            })
        }
        "application/rdf+xml" => Ok(File {
            content: formats::xmp_packet(&document.xmp),
            media_type: "application/rdf+xml",
            extension: "xmp",
            size: None,
        }),
        other if other.starts_with("document/vnd.adobe.cpsd") => Err(format!(
            "the emulator does not write cloud documents ({other}); ask for \
             image/vnd.adobe.photoshop"
        )),
        other => Err(format!("the emulator does not write {other:?} files")),
    }
}

/// The size of an image output: the document's, or the output's `width`
/// and `height` (one alone keeps the document's proportions), at most
/// `maxWidth` wide.
fn output_size((width, height): (u32, u32), output: &Value) -> (u32, u32) {
    let side = |name: &str| output[name].as_u64().filter(|n| *n > 0);
    let (w, h) = (u64::from(width.max(1)), u64::from(height.max(1)));
    let (mut out_w, mut out_h) = match (side("width"), side("height")) {
        (Some(ow), Some(oh)) => (ow, oh),
        (Some(ow), None) => (ow, (h * ow).div_ceil(w)),
        (None, Some(oh)) => ((w * oh).div_ceil(h), oh),
        (None, None) => (w, h),
    };
    if let Some(max) = side("maxWidth").filter(|max| out_w > *max) {
        out_h = (out_h * max).div_ceil(out_w);
        out_w = max;
    }
    let fit = |n: u64| u32::try_from(n.max(1)).unwrap_or(u32::MAX);
    (fit(out_w), fit(out_h))
}

/// A JPEG output's `quality`, as an encoder's 1-100.
fn jpeg_quality(output: &Value) -> u8 {
    match output["quality"].as_str() {
        Some("very_poor") => 10,
        Some("poor") => 25,
        Some("low") => 40,
        Some("medium") => 60,
        Some("maximum") => 92,
        Some("photoshop_max") => 100,
        _ => 80,
    }
}

/// Takes `file` to `destination`; its entry in the status.
async fn deliver(app: &App, destination: &Value, file: File) -> Result<Value, JobProblem> {
    let media_type = file.media_type;
    if let Some(url) = destination["url"].as_str() {
        let storage_type = destination["storageType"].as_str();
        transfer::upload(&app.storage, url, storage_type, media_type, file.content)
            .await
            .map_err(|failure| {
                // Adobe's words for its users' most common failure.
                JobProblem::new(
                    &failure
                        .status
                        .map_or_else(|| "400".to_owned(), |s| s.to_string()),
                    format!("Unable to upload the outputs: {}", failure.reason),
                )
            })?;
        let mut written = json!({"url": url});
        if let Some(storage_type) = storage_type {
            written["storageType"] = json!(storage_type);
        }
        return Ok(json!({"mediaType": media_type, "destination": written}));
    }
    if let Some(seconds) = destination["validityPeriod"].as_u64() {
        let stored = app.store.store_file(
            file.content,
            media_type,
            file.extension,
            file.size,
            Duration::from_secs(seconds),
        );
        return Ok(json!({"mediaType": media_type, "url": download_url(&app.url, &stored)}));
    }
    if let Some(embedded) = destination["embedded"].as_str() {
        if file.content.len() > MAX_EMBEDDED_BYTES {
            return Err(JobProblem::new(
                "400",
                format!(
                    "the emulator embeds at most {MAX_EMBEDDED_BYTES} bytes, not {}; \
                     ask for a url or Adobe-hosted storage",
                    file.content.len()
                ),
            ));
        }
        let content = match embedded {
            "base64" => json!(base64::engine::general_purpose::STANDARD.encode(&file.content)),
            "json" => serde_json::from_slice(&file.content).map_err(|_| {
                JobProblem::new(
                    "400",
                    format!("a {media_type} file cannot be embedded as JSON"),
                )
            })?,
            _ => json!(String::from_utf8_lossy(&file.content)),
        };
        return Ok(json!({
            "mediaType": media_type,
            "destination": {"embedded": embedded, "content": content},
        }));
    }
    Err(JobProblem::new(
        "400",
        "the emulator writes outputs to pre-signed URLs, to Adobe-hosted storage or \
         embedded, not to Creative Cloud (creativeCloudPath)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_keeps_the_documents_proportions_unless_told() {
        let document = (400, 200);
        assert_eq!(output_size(document, &json!({})), (400, 200));
        assert_eq!(output_size(document, &json!({"width": 100})), (100, 50));
        assert_eq!(output_size(document, &json!({"height": 100})), (200, 100));
        assert_eq!(
            output_size(document, &json!({"width": 30, "height": 70})),
            (30, 70)
        );
        assert_eq!(output_size(document, &json!({"maxWidth": 200})), (200, 100));
        assert_eq!(output_size(document, &json!({"maxWidth": 800})), (400, 200));
        assert_eq!(output_size(document, &json!({"width": 0})), (400, 200));
    }
}
