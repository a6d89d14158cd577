//! Auto-crop's result, in the shape of Adobe's `AutoCropOutput` (a schema
//! of Adobe's file that its status schema does not reach; see the
//! overlay): `{crops, subject, objects}`, each crop or subject a list of
//! bounding boxes `{x, y, width, height}` (with the `url` of the cropped
//! image when `outputType` is `images`, Adobe's default), each object a
//! name, a confidence and its boxes. It is the status's `result.outputs`.
//!
//! The emulator sees no subjects: its crops are the largest rectangles of
//! each aspect ratio centred in the image, times the zoom; the subject is
//! the central half of the image; each `focus` label is found once, in a
//! box of its own along the diagonal. The sizes follow the real input.

use serde_json::{Value, json};

use super::inputs::Input;
use crate::{
    formats::{self, ImageType},
    routes::{App, shared::storage::download_url},
    store::JobProblem,
};

/// A box in the image, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Box {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
}

impl Box {
    fn json(self) -> Value {
        json!({"x": self.x, "y": self.y, "width": self.width, "height": self.height})
    }
}

/// The result of an auto-crop of `input`.
pub(super) fn run(app: &App, request: &Value, input: &Input) -> Result<Value, Vec<JobProblem>> {
    let mode = request["mode"].as_str().unwrap_or("smartCrop");
    let images = request["outputType"].as_str() != Some("boundingBoxes");
    let (width, height) = input.size;
    let mut crops = Vec::new();
    if matches!(mode, "smartCrop" | "subjectCrop") {
        for (index, (ratio, zoom)) in ratios_and_zooms(request).into_iter().enumerate() {
            let mut found = crop(input.size, ratio, zoom).json();
            if images {
                found["url"] = json!(cropped_image(app, input, index, found_size(&found))?);
            }
            crops.push(json!({"boundingBoxes": [found]}));
        }
    }
    let centre = Box {
        x: width / 4,
        y: height / 4,
        width: (width / 2).max(1),
        height: (height / 2).max(1),
    };
    let subject = if matches!(mode, "subjectCrop" | "fullSceneDetection") {
        vec![json!({"boundingBoxes": [centre.json()]})]
    } else {
        Vec::new()
    };
    let labels = request["focus"].as_array().cloned().unwrap_or_default();
    let objects: Vec<Value> = if mode == "objectDetection" {
        let count = labels.len().max(1) as u32;
        labels
            .iter()
            .enumerate()
            .map(|(n, label)| {
                let n = n as u32;
                let found = Box {
                    x: width * n / count,
                    y: height * n / count,
                    width: (width / count).max(1),
                    height: (height / count).max(1),
                };
                json!({"objectName": label, "confidence": 0.9, "boundingBoxes": [found.json()]})
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(json!({"outputs": {"crops": crops, "subject": subject, "objects": objects}}))
}

/// The width and height of a box written by [`Box::json`].
fn found_size(found: &Value) -> (u32, u32) {
    let side = |name: &str| found[name].as_u64().map_or(1, |n| n as u32);
    (side("width"), side("height"))
}

/// Each aspect ratio asked (1:1 when none) with its zoom (1 when none).
fn ratios_and_zooms(request: &Value) -> Vec<((u32, u32), f64)> {
    let ratios: Vec<&str> = match &request["aspectRatio"] {
        Value::String(ratio) => vec![ratio.as_str()],
        Value::Array(list) if !list.is_empty() => list.iter().filter_map(Value::as_str).collect(),
        _ => vec!["1:1"],
    };
    let zoom = &request["zoom"];
    ratios
        .into_iter()
        .enumerate()
        .map(|(n, ratio)| {
            let (w, h) = ratio.split_once(':').unwrap_or(("1", "1"));
            let side = |s: &str| s.parse::<u32>().unwrap_or(1).max(1);
            let z = zoom.as_f64().or_else(|| zoom[n].as_f64()).unwrap_or(1.0);
            ((side(w), side(h)), z.clamp(f64::MIN_POSITIVE, 1.0))
        })
        .collect()
}

/// The largest box of this aspect ratio inside the image, times the
/// zoom, in its middle.
fn crop((width, height): (u32, u32), (rw, rh): (u32, u32), zoom: f64) -> Box {
    let (w, h) = (f64::from(width), f64::from(height));
    let ratio = f64::from(rw) / f64::from(rh);
    let (full_w, full_h) = if w / h > ratio {
        (h * ratio, h)
    } else {
        (w, w / ratio)
    };
    let (cw, ch) = (
        (full_w * zoom).round().clamp(1.0, w),
        (full_h * zoom).round().clamp(1.0, h),
    );
    Box {
        x: ((w - cw) / 2.0).floor() as u32,
        y: ((h - ch) / 2.0).floor() as u32,
        width: cw as u32,
        height: ch as u32,
    }
}

/// The crop as an image of the input's type (PNG for a PNG, else JPEG),
/// hosted in the emulator's storage like Adobe's pre-signed crops.
fn cropped_image(
    app: &App,
    input: &Input,
    index: usize,
    size: (u32, u32),
) -> Result<String, Vec<JobProblem>> {
    let kind = if input.kind == imagesize::ImageType::Png {
        ImageType::Png
    } else {
        ImageType::Jpeg
    };
    let key = format!("auto-crop:{:016x}:{index}", input.hash);
    let content = formats::stand_in(kind, &key, size, 80)
        .map_err(|reason| vec![JobProblem::new("400", format!("crop {index}: {reason}"))])?;
    let stored = app.store.store_file(
        content,
        kind.media_type(),
        kind.extension(),
        Some(size),
        app.store.settings.url_lifetime,
    );
    Ok(download_url(&app.url, &stored))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crops_are_the_largest_centred_boxes_times_the_zoom() {
        let square = crop((400, 200), (1, 1), 1.0);
        assert_eq!(
            square,
            Box {
                x: 100,
                y: 0,
                width: 200,
                height: 200
            }
        );
        let tall = crop((400, 200), (9, 16), 0.5);
        assert_eq!((tall.width, tall.height), (56, 100));
        let wide = crop((300, 300), (16, 9), 1.0);
        assert_eq!((wide.x, wide.y, wide.width, wide.height), (0, 65, 300, 169));
    }

    #[test]
    fn ratios_default_to_square_and_take_their_zooms() {
        assert_eq!(ratios_and_zooms(&json!({})), [((1, 1), 1.0)]);
        let asked = json!({"aspectRatio": ["4:3", "9:16"], "zoom": [0.5, 1]});
        assert_eq!(ratios_and_zooms(&asked), [((4, 3), 0.5), ((9, 16), 1.0)]);
    }
}
