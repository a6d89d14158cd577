//! The manifest of a document, as `generate-manifest` writes it (and as a
//! `application/json` output of the other operations does): the document
//! (its name, size, bits per channel and color mode) and its layer tree,
//! the top layer first, each layer in the words of the spec's layer
//! schemas: `id`, `name`, `type` (a `LayerKind`), `isVisible`, `isClipped`,
//! `protection`, `bounds` (a `Bounds`: `top`, `left`, `bottom`, `right`),
//! `blendOptions` (a `BlendOptions`), and a group's `children`. `index` is
//! the layer's place in the document from the bottom (0), as the file
//! stores them.
//!
//! A PNG, JPEG or other flat image has one layer, its background, the size
//! of the image, as Photoshop opens it. The emulator renders no layer
//! thumbnails and extracts no smart objects, whatever the request asks.

use serde_json::{Value, json};

use super::inputs::Input;
use crate::formats::Layer;

/// What a manifest describes: the document's name and size, and where
/// its depth, mode and layers come from.
pub(super) struct Described<'a> {
    pub(super) name: &'a str,
    pub(super) size: (u32, u32),
    /// The input the document was opened from; `None` for a new document.
    pub(super) input: Option<&'a Input>,
}

/// The manifest. `Err` if the input is a PSD whose layers cannot be read.
pub(super) fn manifest(document: &Described<'_>) -> Result<Value, String> {
    let (width, height) = document.size;
    let (depth, mode) = document
        .input
        .map_or((8, "rgb"), |input| (input.depth, input.mode));
    let layers = match document.input.and_then(|input| input.psd.as_ref()) {
        Some(Ok(psd)) if !psd.layers.is_empty() => psd.layers.iter().map(layer).collect(),
        Some(Err(reason)) => return Err(format!("its layers cannot be read: {reason}")),
        // A flattened document opens as one background layer.
        _ => vec![background(width, height)],
    };
    Ok(json!({
        "document": {
            "name": document.name,
            "width": width,
            "height": height,
            "bitDepth": depth,
            "imageMode": mode,
        },
        "layers": layers,
    }))
}

/// The background layer of a flat image of this size.
fn background(width: u32, height: u32) -> Value {
    json!({
        "id": 1,
        "index": 0,
        "name": "Background",
        "type": "background_layer",
        "isVisible": true,
        "isClipped": false,
        "protection": ["all"],
        "bounds": {"top": 0, "left": 0, "bottom": height, "right": width},
        "blendOptions": {"blendMode": "normal", "opacity": 100},
    })
}

/// A layer read from a PSD, with its children.
fn layer(layer: &Layer) -> Value {
    let [top, left, bottom, right] = layer.bounds;
    let protection = if layer.transparency_locked {
        "transparency"
    } else {
        "none"
    };
    let mut described = json!({
        "id": layer.id,
        "index": layer.index,
        "name": layer.name,
        "type": layer.kind,
        "isVisible": layer.visible,
        "isClipped": layer.clipped,
        "protection": [protection],
        "bounds": {"top": top, "left": left, "bottom": bottom, "right": right},
        "blendOptions": {"blendMode": layer.blend_mode, "opacity": layer.opacity},
    });
    if layer.kind == "group_layer" {
        described["children"] = layer.children.iter().map(self::layer).collect();
    }
    described
}
