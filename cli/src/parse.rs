//! Turning argument strings into values: sizes, image inputs
//! (`file|upload:<id>|URL`), rates, model names, content classes and
//! published states. Each parser's error is the message clap shows.

use std::{path::PathBuf, time::Duration};

use clap::builder::{PossibleValuesParser, TypedValueParser};

use adobe_firefly::{
    Firefly, RateLimit, catalog,
    types::{ContentClass, ImageModelVersion, PublishedStateFilter, Size},
};

/// An input image as given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageInput {
    /// A local file, uploaded first.
    File(PathBuf),
    /// `upload:<id>`: an image uploaded earlier.
    Upload(String),
    /// An `https://` URL Firefly fetches itself (`http://` for loopback
    /// hosts, such as the emulator's).
    Url(String),
}

/// `upload:<id>`, a URL, or else a file path. An empty upload id and a
/// plain `http://` URL to another machine are refused here: Firefly would
/// only fail the job (or fetch the image unencrypted).
pub fn image_input(value: &str) -> Result<ImageInput, String> {
    if let Some(id) = value.strip_prefix("upload:") {
        let id = id.trim();
        if id.is_empty() {
            return Err(
                "`upload:` needs the id that `firefly image upload` (or upload_image) printed: \
                 upload:<id>"
                    .into(),
            );
        }
        return Ok(ImageInput::Upload(id.to_owned()));
    }
    let lowercase = value.to_ascii_lowercase();
    if lowercase.starts_with("https://") || lowercase.starts_with("http://") {
        let url = url::Url::parse(value).map_err(|e| format!("`{value}` is not a URL: {e}"))?;
        if url.scheme() == "http" && !is_loopback(&url) {
            return Err(format!(
                "`{value}` is a plain http URL: Firefly fetches images over https \
                 (http only from this machine, such as the emulator's); give an https URL, \
                 a file path or upload:<id>"
            ));
        }
        return Ok(ImageInput::Url(value.to_owned()));
    }
    Ok(ImageInput::File(PathBuf::from(value)))
}

/// A file Photoshop reads, as given on the command line: where it is
/// stored, since Photoshop fetches its inputs itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoredFile {
    /// A (pre-signed) `https://` URL; `http://` for loopback hosts.
    Url(String),
    /// `cc:PATH`: a path in the user's Creative Cloud storage.
    CreativeCloud(String),
    /// A local file, which Photoshop cannot read: staged with `--stage`
    /// (see `stage.rs`) before the request is built, or refused.
    Local(PathBuf),
}

/// A URL, `cc:PATH`, or else a local file path (staged or refused later,
/// when the command knows whether `--stage` was given).
pub fn stored_file(value: &str) -> Result<StoredFile, String> {
    if let Some(path) = value.strip_prefix("cc:") {
        let path = path.trim();
        if path.is_empty() {
            return Err("`cc:` needs a Creative Cloud path, such as cc:files/photo.psd".into());
        }
        return Ok(StoredFile::CreativeCloud(path.to_owned()));
    }
    let lowercase = value.to_ascii_lowercase();
    if lowercase.starts_with("https://") || lowercase.starts_with("http://") {
        return Ok(StoredFile::Url(storage_url(value)?));
    }
    if value.is_empty() {
        return Err("an input is a pre-signed https URL, cc:PATH or a local file".into());
    }
    Ok(StoredFile::Local(PathBuf::from(value)))
}

/// `--stage`: where local inputs are uploaded, `s3://BUCKET/PREFIX` (or
/// `az://CONTAINER/PREFIX`, `gs://BUCKET/PREFIX`). A URL without a bucket,
/// or with a prefix that is no object path, is refused here.
pub fn stage_url(value: &str) -> Result<String, String> {
    const EXPECTED: &str = "give s3://BUCKET/PREFIX (or az://CONTAINER/PREFIX, gs://BUCKET/PREFIX)";
    let url = url::Url::parse(value.trim())
        .map_err(|e| format!("`{value}` is not a storage URL ({e}): {EXPECTED}"))?;
    if !["s3", "s3a", "az", "azure", "abfs", "abfss", "gs"].contains(&url.scheme()) {
        return Err(format!("`{value}` is not a storage URL: {EXPECTED}"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{value}` names no bucket: {EXPECTED}"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(format!(
            "`{value}` has more than a bucket and a prefix: {EXPECTED}"
        ));
    }
    let prefix = url.path().trim_matches('/');
    let bad_segment = |segment: &str| segment.is_empty() || segment == "." || segment == "..";
    if !prefix.is_empty() && prefix.split('/').any(bad_segment) {
        return Err(format!(
            "`{value}`: the prefix has an empty, `.` or `..` segment: {EXPECTED}"
        ));
    }
    Ok(value.trim().to_owned())
}

/// A pre-signed URL for Photoshop to PUT an output to.
pub fn put_url(value: &str) -> Result<String, String> {
    storage_url(value)
}

/// A URL the Audio/Video API reads a file (media, script, transcript)
/// from.
pub fn media_url(value: &str) -> Result<String, String> {
    storage_url(value)
}

/// An https URL (http only for this machine, such as a local test server).
fn storage_url(value: &str) -> Result<String, String> {
    let url = url::Url::parse(value).map_err(|e| format!("`{value}` is not a URL: {e}"))?;
    match url.scheme() {
        "https" => Ok(value.to_owned()),
        "http" if is_loopback(&url) => Ok(value.to_owned()),
        _ => Err(format!(
            "`{value}` is not an https URL: cloud storage is reached over https (http only on \
             this machine)"
        )),
    }
}

/// A JSON object, given inline or as `@FILE` (read up to 1 MiB).
pub fn json_object(value: &str) -> Result<serde_json::Value, String> {
    const MAX_JSON_FILE: u64 = 1 << 20;
    let text = match value.strip_prefix('@') {
        Some(path) => {
            use std::io::Read;
            let file = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            let mut text = String::new();
            file.take(MAX_JSON_FILE + 1)
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read {path}: {e}"))?;
            if text.len() as u64 > MAX_JSON_FILE {
                return Err(format!("{path} is larger than 1 MiB"));
            }
            text
        }
        None => value.to_owned(),
    };
    let parsed: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    if !parsed.is_object() {
        return Err("a JSON object is needed, such as {\"autoTone\": true}".into());
    }
    Ok(parsed)
}

/// Whether the URL's host is this machine: `localhost` or a loopback
/// address.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => {
            domain.eq_ignore_ascii_case("localhost") || domain.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A job id, as a generation printed it: not empty, no spaces, and one
/// path segment however often it is percent-decoded (not `.`, `..` or
/// `%2e%2e`, no `/` or `\\`); the SDK's own rule, so nothing is sent for
/// an id it would refuse.
pub fn job_id(value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        return Err(
            "the job id is empty: give the `job_id` a generation reported \
                    (urn:ff:jobs:...)"
                .into(),
        );
    }
    if let Err(error) = Firefly::check_job_id(value) {
        let problem = match &error {
            adobe_firefly::Error::Validation(invalid) => invalid.problem().to_owned(),
            other => other.to_string(),
        };
        return Err(format!(
            "`{}` is not a job id: it {problem}; give the `job_id` a generation reported \
             (urn:ff:jobs:...)",
            value.escape_debug()
        ));
    }
    Ok(value.to_owned())
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

/// One value of a list the SDK's catalog gives (aspect ratios, resolutions,
/// output types), by its wire name, offered as such to help and
/// completions.
pub fn one_of<T>(list: &'static [T]) -> impl TypedValueParser<Value = T>
where
    T: std::fmt::Display + std::str::FromStr + Clone + Send + Sync + 'static,
{
    let names: Vec<String> = list.iter().map(ToString::to_string).collect();
    PossibleValuesParser::new(names).try_map(|name| {
        name.parse::<T>()
            .map_err(|_| format!("`{name}` is not one of the listed values"))
    })
}

/// An upscale factor: one of those the spec lists (2, 3, 4, 6).
pub fn upscale_factor() -> impl TypedValueParser<Value = i64> {
    let names: Vec<String> = catalog::upscale_factors()
        .iter()
        .map(ToString::to_string)
        .collect();
    PossibleValuesParser::new(names).try_map(|name| name.parse::<i64>())
}

/// `--max-operations`: a number of operations, at least 0 (0 refuses every
/// paid request: a run that may only read).
pub fn operations(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(number) if number.is_finite() && number >= 0.0 => Ok(number),
        _ => Err(format!(
            "`{value}` is not a number of operations (0 or more, like 10 or 2.5)"
        )),
    }
}

/// A number from 0 to 1 (`--blend`, `--harmonization`, `--shadow`).
pub fn unit_interval(value: &str) -> Result<f32, String> {
    match value.trim().parse::<f32>() {
        Ok(n) if (0.0..=1.0).contains(&n) => Ok(n),
        _ => Err(format!("`{value}` is not a number from 0 to 1")),
    }
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
    fn a_photoshop_input_is_a_url_a_creative_cloud_path_or_a_local_file() {
        assert_eq!(
            stored_file("https://b.s3.amazonaws.com/in.png?sig=1"),
            Ok(StoredFile::Url(
                "https://b.s3.amazonaws.com/in.png?sig=1".into()
            ))
        );
        assert_eq!(
            stored_file("cc:files/a.psd"),
            Ok(StoredFile::CreativeCloud("files/a.psd".into()))
        );
        assert_eq!(
            stored_file("photos/a.psd"),
            Ok(StoredFile::Local(PathBuf::from("photos/a.psd")))
        );
        assert!(stored_file("").is_err());
        assert!(stored_file("http://example.com/a.png").is_err());
    }

    #[test]
    fn a_stage_is_a_bucket_and_a_prefix_of_a_cloud_object_store_signs_for() {
        for good in [
            "s3://bucket",
            "s3://bucket/prefix",
            "s3://bucket/a/b/",
            "gs://bucket/p",
            "az://container/p",
        ] {
            assert_eq!(stage_url(good), Ok(good.to_owned()), "{good}");
        }
        for (bad, says) in [
            ("s3:///prefix", "no bucket"),
            ("s3://", "no bucket"),
            ("https://bucket.s3.amazonaws.com/p", "not a storage URL"),
            ("file:///tmp/x", "not a storage URL"),
            ("bucket/prefix", "not a storage URL"),
            ("s3://bucket/a//b", "segment"),
            ("s3://bucket/p?x=1", "more than a bucket"),
            ("s3://key:secret@bucket/p", "more than a bucket"),
        ] {
            let refused = stage_url(bad).unwrap_err();
            assert!(refused.contains(says), "{bad}: {refused}");
        }
    }

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
            image_input("http://127.0.0.1:8080/a.png"),
            Ok(ImageInput::Url("http://127.0.0.1:8080/a.png".into()))
        );
        assert_eq!(
            image_input("cat.png"),
            Ok(ImageInput::File("cat.png".into()))
        );
    }

    #[test]
    fn a_job_id_is_not_empty_and_has_no_spaces() {
        assert_eq!(job_id("urn:ff:jobs:1"), Ok("urn:ff:jobs:1".into()));
        for value in ["", "  ", "urn:ff jobs", "a\nb"] {
            assert!(job_id(value).is_err(), "{value:?}");
        }
    }

    #[test]
    fn a_job_id_that_would_not_stay_one_path_segment_is_refused() {
        for value in [
            ".",
            "..",
            "%2e%2e",
            "%2E.",
            "%252e%252e",
            "a/b",
            "a%2Fb",
            "a\\b",
        ] {
            let problem = job_id(value).unwrap_err();
            assert!(problem.contains("is not a job id"), "{value:?}: {problem}");
        }
        assert_eq!(job_id("urn:ff:jobs:a.b"), Ok("urn:ff:jobs:a.b".into()));
    }

    #[test]
    fn an_empty_upload_id_and_plain_http_to_another_host_are_refused() {
        for value in ["upload:", "upload:  "] {
            let problem = image_input(value).unwrap_err();
            assert!(problem.contains("upload:<id>"), "{problem}");
        }
        for value in ["http://example.com/a.png", "HTTP://192.168.1.2/a.png"] {
            let problem = image_input(value).unwrap_err();
            assert!(problem.contains("https"), "{value}: {problem}");
        }
        assert!(image_input("https://").is_err());
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
