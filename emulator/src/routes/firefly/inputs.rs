//! The pixel sizes of input images, which upscale and composite outputs
//! follow: read from an image's header when it is uploaded, or taken from
//! one of the emulator's own outputs when an input is that output's URL. An
//! input whose size the emulator cannot know (an unknown upload id, a URL
//! elsewhere) is refused with a 400 naming the field, never guessed: a
//! guessed size would let a client's wrong reading of sizes pass.

use axum::response::Response;
use serde_json::Value;
use url::Url;

use crate::{
    responses::bad_input,
    routes::App,
    store::{FileRefusal, OutputInfo, UploadSize},
};

/// The longest side of an upscaled image: "output up to 6k" (the 2026
/// upscale changes, Adobe's ffs-firefly-api commit 93b5052, as summarised in
/// the project's reference `firefly-services-2026.md` §1). "6k" is read as
/// 6144, as Adobe's "2k" for generated images is 2048. A larger product is
/// refused with a 400 rather than rendered.
pub(super) const MAX_UPSCALED_SIDE: u32 = 6144;

/// The upscale factor when the request gives none (the spec's default).
const DEFAULT_UPSCALE_FACTOR: u64 = 2;

/// The size of an upscale's outputs: its input's, times `upscaleFactor`.
pub(super) fn upscaled_size(app: &App, request: &Value) -> Result<(u32, u32), Response> {
    let (width, height) = input_size(app, request, &["image", "source"])?;
    // The spec's enum (2, 3, 4, 6) was checked with the body; a whole
    // number written as 3.0 passes it too.
    let factor = match &request["upscaleFactor"] {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        _ => None,
    }
    .unwrap_or(DEFAULT_UPSCALE_FACTOR);
    let scaled = |side: u32| u64::from(side).saturating_mul(factor);
    let (out_width, out_height) = (scaled(width), scaled(height));
    let max = u64::from(MAX_UPSCALED_SIDE);
    if out_width > max || out_height > max {
        return Err(bad_input(
            &["upscaleFactor"],
            &format!(
                "{width}x{height} upscaled {factor} times is {out_width}x{out_height}; \
                 upscaled images are at most {MAX_UPSCALED_SIDE} pixels a side"
            ),
        ));
    }
    // Both are at most MAX_UPSCALED_SIDE, so they fit.
    Ok((out_width as u32, out_height as u32))
}

/// The size of a composite's outputs: its background image's.
pub(super) fn composite_size(app: &App, request: &Value) -> Result<(u32, u32), Response> {
    input_size(app, request, &["background", "image", "source"])
}

/// The size of an Image Model 5 image. Adobe documents the megapixels
/// of each `resolutionLevel` and the shapes, not exact pixel sizes: the
/// emulator gives the shape at that many megapixels, in multiples of 16.
/// An edit without a shape (`auto` or none) keeps its reference's size.
pub(super) fn image5_size(app: &App, request: &Value) -> Result<(u32, u32), Response> {
    let ratio = request["aspectRatio"].as_str().unwrap_or("auto");
    let reference = &request["referenceBlobs"][0]["source"];
    if ratio == "auto" && !reference.is_null() {
        return source_size(app, reference, &["referenceBlobs", "0", "source"]);
    }
    let megapixels: f64 = match request["resolutionLevel"].as_str() {
        Some("1MP") => 1.0,
        Some("4MP") => 4.0,
        _ => 2.4,
    };
    let (wide, high) = match ratio {
        "4:3" => (4.0, 3.0),
        "3:4" => (3.0, 4.0),
        "16:9" => (16.0, 9.0),
        "9:16" => (9.0, 16.0),
        _ => (1.0, 1.0),
    };
    let width = (megapixels * 1e6 * wide / high).sqrt();
    let sixteens = |side: f64| ((side / 16.0).round() * 16.0) as u32;
    Ok((sixteens(width), sixteens(width * high / wide)))
}

/// The size of the image whose source (`{uploadId}` or `{url}`) is at
/// `field` in the body; `Err` is a 400 naming the field.
fn input_size(app: &App, request: &Value, field: &[&str]) -> Result<(u32, u32), Response> {
    let source = field.iter().fold(request, |value, name| &value[*name]);
    source_size(app, source, field)
}

/// The size of the image `source` (`{uploadId}` or `{url}`), found at
/// `field`; `Err` is a 400 naming the field.
fn source_size(app: &App, source: &Value, field: &[&str]) -> Result<(u32, u32), Response> {
    let refuse = |msg: String| Err(bad_input(field, &msg));
    if let Some(id) = source["uploadId"].as_str() {
        return match app.store.upload_size(id) {
            UploadSize::Known(width, height) => Ok((width, height)),
            UploadSize::Unreadable => refuse(format!(
                "the image uploaded as {id} has no width and height the emulator can read"
            )),
            UploadSize::Unknown => refuse(format!("no image was uploaded with the id {id}")),
        };
    }
    let Some(url) = source["url"].as_str() else {
        return refuse("neither an uploadId nor a url".to_owned());
    };
    match own_output_size(app, url) {
        Ok(size) => Ok(size),
        Err(reason) => refuse(format!("{url}: {reason}")),
    }
}

/// The size of the emulator's own image output behind `url`; `Err`
/// says why the emulator cannot know it.
fn own_output_size(app: &App, url: &str) -> Result<(u32, u32), &'static str> {
    const FOREIGN: &str = "the emulator cannot fetch images from other hosts to read \
                           their size; upload the image, or give the URL of one of its outputs";
    let url = Url::parse(url).map_err(|_| "not a URL")?;
    let own = Url::parse(&app.url).map_err(|_| FOREIGN)?;
    let same_origin = url.scheme() == own.scheme()
        && url.host_str() == own.host_str()
        && url.port_or_known_default() == own.port_or_known_default();
    let file = url.path().strip_prefix("/storage/").filter(|_| same_origin);
    let Some(file) = file else {
        return Err(FOREIGN);
    };
    let signature = url
        .query_pairs()
        .find(|(name, _)| name == "X-Signature")
        .map(|(_, value)| value.into_owned());
    let output =
        app.store
            .output_info(file, signature.as_deref())
            .map_err(|refusal| match refusal {
                FileRefusal::Unsigned => "Query-string authentication requires the signature",
                FileRefusal::Missing => "The resource does not exist",
                FileRefusal::Expired => "the URL has expired",
            })?;
    match output {
        OutputInfo::Image(size) => Ok(size),
        OutputInfo::Video => Err("the URL is a video, not an image"),
        OutputInfo::Other => Err("the URL is not an image whose size the emulator knows"),
    }
}
