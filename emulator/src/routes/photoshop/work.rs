//! A Photoshop job's work, done when a poll first finds the job done (and
//! once: the store keeps the outcome): read the inputs from their URLs,
//! find the size of the document the job makes, then make each output and
//! take it to its destination. What the operations do to the pixels is not
//! emulated; what they do to the document's size is:
//!
//! - `create-composite` and `execute-actions`: the input document's size,
//!   or a new document's `width` and `height`; a composite's document
//!   edits `crop` (to its bounds) and `resize` (pixels, percent, or points
//!   at 72 pixels per inch) change it;
//! - `create-artboard`: one artboard per image, side by side,
//!   `artboardSpacing` (50) pixels apart;
//! - `edit`: the photo's size; an XMP output holds the light settings;
//! - `generate-manifest`: the manifest of the document read;
//! - `auto-crop`: see `autocrop`.

use std::time::Duration;

use serde_json::{Value, json};

use super::{
    autocrop,
    inputs::{self, Input},
    manifest::Described,
    outputs::{self, Document},
};
use crate::{
    routes::App,
    store::{JobProblem, PhotoshopJob, WorkOutcome},
};

/// How long a job's work may take in all, whatever its transfers do.
const WORK_DEADLINE: Duration = Duration::from_secs(300);

/// Does the job's work; what came of it.
pub(super) async fn run(app: &App, job: &PhotoshopJob) -> WorkOutcome {
    match tokio::time::timeout(WORK_DEADLINE, work(app, job)).await {
        Ok(Ok(result)) => WorkOutcome::Succeeded(result),
        Ok(Err(problems)) => WorkOutcome::Failed(problems),
        Err(_) => WorkOutcome::Failed(vec![JobProblem::new(
            "504",
            format!(
                "The job's inputs and outputs were not transferred in {} seconds.",
                WORK_DEADLINE.as_secs()
            ),
        )]),
    }
}

async fn work(app: &App, job: &PhotoshopJob) -> Result<Value, Vec<JobProblem>> {
    let request = &*job.request;
    let documents = inputs::read_all(app, request).await?;
    let first = documents.first();
    if job.operation == "/v1/auto-crop" {
        let input = first.ok_or_else(|| missing("image.source"))?;
        return autocrop::run(app, request, input);
    }
    let (name, size, input) = match job.operation {
        "/v2/create-artboard" => ("artboards", artboards(request, &documents), None),
        "/v2/create-composite" | "/v2/execute-actions" => match first {
            Some(input) => (input.name.as_str(), input.size, Some(input)),
            None => ("Untitled", new_document(&request["image"]), None),
        },
        _ => {
            let input = first.ok_or_else(|| missing("image.source"))?;
            (input.name.as_str(), input.size, Some(input))
        }
    };
    let size = if job.operation == "/v2/create-composite" {
        edited(size, &request["edits"]["document"])
    } else {
        size
    };
    let document = Document {
        key: format!(
            "{}:{:016x}",
            job.operation,
            first.map_or(0, |input| input.hash)
        ),
        described: Described { name, size, input },
        xmp: xmp_settings(&request["edits"]),
    };
    let outputs = request["outputs"].as_array().cloned().unwrap_or_default();
    let listed = outputs::deliver_all(app, &outputs, &document).await?;
    Ok(json!({"outputs": listed}))
}

/// The problem of a request whose document was not read (the schema
/// requires one, so only a request the emulator misread gets here).
fn missing(at: &str) -> Vec<JobProblem> {
    vec![JobProblem::new("400", format!("no input document at {at}"))]
}

/// A new document's size (Adobe's default is 100 a side).
fn new_document(image: &Value) -> (u32, u32) {
    let side = |name: &str| {
        image[name]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(100)
    };
    (side("width"), side("height"))
}

/// The size of a document of one artboard per image, side by side.
fn artboards(request: &Value, images: &[Input]) -> (u32, u32) {
    let spacing = request["artboardSpacing"]
        .as_i64()
        .map_or(50, |n| n.clamp(0, i64::from(u32::MAX)) as u64);
    let widths: u64 = images.iter().map(|image| u64::from(image.size.0)).sum();
    let gaps = spacing * images.len().saturating_sub(1) as u64;
    let height = images.iter().map(|image| image.size.1).max().unwrap_or(1);
    let width = u32::try_from(widths + gaps).unwrap_or(u32::MAX);
    (width.max(1), height.max(1))
}

/// The size after a composite's document edits: the crop, then the
/// resize.
fn edited((mut width, mut height): (u32, u32), edits: &Value) -> (u32, u32) {
    let bounds = &edits["crop"]["bounds"];
    let edge = |name: &str| bounds[name].as_i64().unwrap_or(0);
    let (crop_w, crop_h) = (edge("right") - edge("left"), edge("bottom") - edge("top"));
    if crop_w > 0 && crop_h > 0 {
        width = u32::try_from(crop_w).unwrap_or(width);
        height = u32::try_from(crop_h).unwrap_or(height);
    }
    let resize = &edits["resize"];
    let measure = |dimension: &Value, current: u32| -> Option<u64> {
        let value = dimension["value"].as_u64()?;
        Some(match dimension["unit"].as_str() {
            Some("percent_unit") => u64::from(current) * value / 100,
            // Points at the 72 pixels per inch the emulator assumes are
            // pixels.
            _ => value,
        })
    };
    let new_w = measure(&resize["width"], width);
    let new_h = measure(&resize["height"], height);
    let proportional = resize["constrainProportions"].as_bool() != Some(false);
    let (w, h) = (u64::from(width.max(1)), u64::from(height.max(1)));
    let (w, h) = match (new_w, new_h) {
        (Some(nw), Some(nh)) => (nw, nh),
        (Some(nw), None) if proportional => (nw, (h * nw).div_ceil(w)),
        (None, Some(nh)) if proportional => ((w * nh).div_ceil(h), nh),
        (Some(nw), None) => (nw, h),
        (None, Some(nh)) => (w, nh),
        (None, None) => (w, h),
    };
    let fit = |n: u64| u32::try_from(n.max(1)).unwrap_or(u32::MAX);
    (fit(w), fit(h))
}

/// The Camera Raw settings of a Lightroom edit that an XMP output holds:
/// the light adjustments, automatic tone and sharpness, under Camera
/// Raw's own names.
fn xmp_settings(edits: &Value) -> Vec<(String, String)> {
    let mut settings = vec![
        ("Version".to_owned(), "15.4".to_owned()),
        ("ProcessVersion".to_owned(), "11.0".to_owned()),
    ];
    let light = &edits["light"];
    for (ours, camera_raw) in [
        ("exposure", "Exposure2012"),
        ("contrast", "Contrast2012"),
        ("highlights", "Highlights2012"),
        ("shadows", "Shadows2012"),
        ("whites", "Whites2012"),
        ("blacks", "Blacks2012"),
    ] {
        if let Some(value) = light[ours].as_f64() {
            let written = if ours == "exposure" {
                format!("{value:+.2}")
            } else {
                format!("{:+}", value.round() as i64)
            };
            settings.push((camera_raw.to_owned(), written));
        }
    }
    if edits["autoTone"].as_bool() == Some(true) {
        settings.push(("AutoTone".to_owned(), "True".to_owned()));
    }
    if let Some(sharpness) = edits["sharpness"].as_u64() {
        settings.push(("Sharpness".to_owned(), sharpness.to_string()));
    }
    settings.push(("HasSettings".to_owned(), "True".to_owned()));
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_edits_crop_then_resize() {
        let crop = json!({"crop": {"bounds": {"left": 10, "top": 0, "right": 110, "bottom": 50}}});
        assert_eq!(edited((400, 300), &crop), (100, 50));
        let percent = json!({"resize": {"width": {"unit": "percent_unit", "value": 50}}});
        assert_eq!(edited((400, 300), &percent), (200, 150));
        let free = json!({"resize": {
            "height": {"unit": "pixels_unit", "value": 30},
            "constrainProportions": false,
        }});
        assert_eq!(edited((400, 300), &free), (400, 30));
        assert_eq!(edited((400, 300), &json!({})), (400, 300));
    }

    #[test]
    fn the_xmp_settings_use_camera_raws_names() {
        let edits = json!({"light": {"exposure": 1.5, "contrast": -20}, "autoTone": true});
        let settings = xmp_settings(&edits);
        assert!(settings.contains(&("Exposure2012".into(), "+1.50".into())));
        assert!(settings.contains(&("Contrast2012".into(), "-20".into())));
        assert!(settings.contains(&("AutoTone".into(), "True".into())));
    }
}
