//! Turning argument strings into values: sizes, image inputs
//! (`file|upload:<id>|URL`), rates, model names, content classes and
//! published states. Each parser's error is the message clap shows.

use std::{path::PathBuf, time::Duration};

use clap::builder::{PossibleValuesParser, TypedValueParser};

use adobe_firefly::{
    RateLimit, catalog,
    types::{ContentClass, ImageModelVersion, PublishedStateFilter, Size},
};

/// An input image as given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageInput {
    /// A local file, uploaded first.
    File(PathBuf),
    /// `upload:<id>`: an image uploaded earlier.
    Upload(String),
    /// An `http://` or `https://` URL Firefly fetches itself.
    Url(String),
}

/// `upload:<id>`, a URL, or else a file path.
pub fn image_input(value: &str) -> Result<ImageInput, String> {
    Ok(if let Some(id) = value.strip_prefix("upload:") {
        ImageInput::Upload(id.to_owned())
    } else if value.starts_with("https://") || value.starts_with("http://") {
        ImageInput::Url(value.to_owned())
    } else {
        ImageInput::File(PathBuf::from(value))
    })
}

/// `WIDTHxHEIGHT`, such as `2048x2048`.
pub fn size(value: &str) -> Result<Size, String> {
    let (width, height) = value
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("`{value}` is not WIDTHxHEIGHT"))?;
    let side = |s: &str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("`{s}` is not a number of pixels"))
    };
    Ok(Size {
        width: side(width)?,
        height: side(height)?,
    })
}

/// An image model version, as named on the wire (`image4_ultra`): one of
/// the SDK's list, offered as such to help and completions.
pub fn model() -> impl TypedValueParser<Value = ImageModelVersion> {
    let names: Vec<String> = catalog::IMAGE_MODELS
        .iter()
        .map(|m| m.to_string())
        .collect();
    PossibleValuesParser::new(names).try_map(|name| name.parse::<ImageModelVersion>())
}

/// `photo` or `art`.
pub fn content_class(value: &str) -> Result<ContentClass, String> {
    match value {
        "photo" => Ok(ContentClass::Photo),
        "art" => Ok(ContentClass::Art),
        other => Err(format!("`{other}` is not photo or art")),
    }
}

/// A custom model's published state (`all`, `ready`, `published`, ...).
pub fn published_state(value: &str) -> Result<PublishedStateFilter, String> {
    value
        .parse()
        .map_err(|_| format!("`{value}` is not a published state"))
}

/// A limit on job submissions: `4/min`, `10/s`, `100/h`.
pub fn rate(value: &str) -> Result<RateLimit, String> {
    let (count, unit) = value
        .split_once('/')
        .ok_or_else(|| format!("`{value}` is not COUNT/UNIT, like 4/min"))?;
    let count: u32 = count
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{count}` is not a positive number"))?;
    let per = match unit.trim() {
        "s" | "sec" | "second" => Duration::from_secs(1),
        "m" | "min" | "minute" => Duration::from_secs(60),
        "h" | "hour" => Duration::from_secs(3600),
        other => return Err(format!("`{other}` is not s, min or h")),
    };
    Ok(RateLimit::new(count, per).submissions_only())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_input_is_an_upload_id_a_url_or_a_file() {
        assert_eq!(
            image_input("upload:abc"),
            Ok(ImageInput::Upload("abc".into()))
        );
        assert_eq!(
            image_input("https://example.com/a.png"),
            Ok(ImageInput::Url("https://example.com/a.png".into()))
        );
        assert_eq!(
            image_input("http://localhost/a.png"),
            Ok(ImageInput::Url("http://localhost/a.png".into()))
        );
        assert_eq!(
            image_input("cat.png"),
            Ok(ImageInput::File("cat.png".into()))
        );
    }

    #[test]
    fn a_size_is_width_x_height() {
        let parsed = size("1024X512").unwrap();
        assert_eq!((parsed.width, parsed.height), (1024, 512));
        assert!(size("1024").unwrap_err().contains("WIDTHxHEIGHT"));
        assert!(size("ax1").unwrap_err().contains("number of pixels"));
    }

    #[test]
    fn a_rate_is_a_positive_count_per_second_minute_or_hour() {
        assert!(rate("4/min").is_ok());
        assert!(rate("10/s").is_ok());
        assert!(rate("0/s").unwrap_err().contains("positive"));
        assert!(rate("4/day").unwrap_err().contains("s, min or h"));
        assert!(rate("4").unwrap_err().contains("COUNT/UNIT"));
    }

    #[test]
    fn content_classes_and_models_are_named() {
        assert!(matches!(content_class("art"), Ok(ContentClass::Art)));
        assert!(content_class("sketch").is_err());
        let command = clap::Command::new("t");
        let parse = |value: &str| model().parse_ref(&command, None, std::ffi::OsStr::new(value));
        assert!(matches!(
            parse("image4_ultra"),
            Ok(ImageModelVersion::Image4Ultra)
        ));
        assert!(
            parse("image9")
                .unwrap_err()
                .to_string()
                .contains("image4_ultra")
        );
    }
}
