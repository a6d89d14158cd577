//! What a finished InDesign job reported: inline in the status's `data`,
//! or at its `dataURL` when too large to send inline (Adobe does this over
//! about 250 KB, and fails the job over 20 MB). A `data:` URL is decoded to
//! bytes where it is read; a pre-signed URL is fetched by
//! [`Firefly::indesign_result_data`], through the storage client (no
//! credentials) and into at most [`MAX_RESULT_DATA`] bytes.

use std::{
    pin::Pin,
    task::{Context, Poll},
};

use base64::Engine;
use serde_json::{Map, Value};
use tokio::io::AsyncWrite;

use crate::{Error, Firefly};

/// The most bytes a job's `dataURL` result may hold: 32 MiB, past Adobe's
/// own 20 MB limit. A longer one is refused while it is read, before it is
/// kept whole.
pub const MAX_RESULT_DATA: usize = 32 * 1024 * 1024;

/// The operation named in errors about a job's result data.
const OPERATION: &str = "indesignResultData";

/// What a job reported besides its files.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ResultData {
    /// Nothing (a job whose results are only files).
    None,
    /// The status's `data`, as sent.
    Inline(Map<String, Value>),
    /// A `data:` URL, decoded.
    Decoded {
        /// The media type the URL declared (`application/json` and the
        /// like), or `text/plain` as RFC 2397 says when it declared none.
        media_type: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// A pre-signed URL to fetch with [`Firefly::indesign_result_data`].
    Remote(String),
}

impl ResultData {
    /// The inline data, when the result was sent inline.
    pub fn inline(&self) -> Option<&Map<String, Value>> {
        match self {
            Self::Inline(map) => Some(map),
            _ => None,
        }
    }

    /// The data from a status's `data` and `dataURL`.
    pub(super) fn read(data: Map<String, Value>, data_url: Option<String>) -> Result<Self, Error> {
        match data_url.filter(|url| !url.trim().is_empty()) {
            Some(url) if url.starts_with("data:") => decode_data_url(&url),
            Some(url) => Ok(Self::Remote(url)),
            None if data.is_empty() => Ok(Self::None),
            None => Ok(Self::Inline(data)),
        }
    }
}

fn refused(detail: String) -> Error {
    Error::Decode {
        operation: OPERATION,
        status: None,
        detail,
        request_id: None,
    }
}

fn too_large() -> Error {
    refused(format!(
        "the job's dataURL result is over {MAX_RESULT_DATA} bytes, the most the SDK reads"
    ))
}

/// An RFC 2397 `data:` URL, decoded. Its size is judged from its length
/// before anything is decoded.
fn decode_data_url(url: &str) -> Result<ResultData, Error> {
    let rest = &url["data:".len()..];
    let (header, payload) = rest
        .split_once(',')
        .ok_or_else(|| refused("the job's dataURL has no `,` before its data".into()))?;
    let base64 = header.ends_with(";base64");
    let media_type = header.trim_end_matches(";base64");
    let media_type = if media_type.is_empty() {
        "text/plain".to_owned()
    } else {
        media_type.to_owned()
    };
    let decoded_at_most = if base64 {
        payload.len() / 4 * 3 + 3
    } else {
        payload.len()
    };
    if decoded_at_most > MAX_RESULT_DATA + 3 {
        return Err(too_large());
    }
    let bytes = if base64 {
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        engine
            .decode(payload.trim())
            .map_err(|e| refused(format!("the job's dataURL is not valid base64: {e}")))?
    } else {
        percent_encoding::percent_decode_str(payload).collect()
    };
    if bytes.len() > MAX_RESULT_DATA {
        return Err(too_large());
    }
    Ok(ResultData::Decoded { media_type, bytes })
}

impl Firefly {
    /// The bytes of an InDesign job's result data: the inline `data` as
    /// JSON, the decoded `data:` URL, or the file at the pre-signed
    /// `dataURL`, downloaded as
    /// [`Firefly::download_to_writer`] downloads (no credentials, bounded
    /// waits, safe redirects) into at most [`MAX_RESULT_DATA`] bytes: a
    /// longer one is an [`Error::Decode`] as soon as the limit is passed,
    /// whatever length it announced.
    pub async fn indesign_result_data(&self, data: &ResultData) -> Result<Vec<u8>, Error> {
        match data {
            ResultData::None => Ok(Vec::new()),
            ResultData::Inline(map) => serde_json::to_vec(map).map_err(|e| refused(e.to_string())),
            ResultData::Decoded { bytes, .. } => Ok(bytes.clone()),
            ResultData::Remote(url) => {
                let mut sink = Bounded::default();
                match self.download_to_writer(url, &mut sink).await {
                    _ if sink.over => Err(too_large()),
                    Ok(_) => Ok(sink.bytes),
                    Err(error) => Err(error),
                }
            }
        }
    }
}

/// A writer that keeps at most [`MAX_RESULT_DATA`] bytes and fails the
/// write that would pass it, which stops the download.
#[derive(Default)]
struct Bounded {
    bytes: Vec<u8>,
    over: bool,
}

impl AsyncWrite for Bounded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.bytes.len() + buf.len() > MAX_RESULT_DATA {
            self.over = true;
            return Poll::Ready(Err(std::io::Error::other("result data over the limit")));
        }
        self.bytes.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_are_decoded_and_oversized_ones_refused_unread() {
        let url = format!(
            "data:application/json;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(br#"{"pages":3}"#)
        );
        let ResultData::Decoded { media_type, bytes } =
            ResultData::read(Map::new(), Some(url)).unwrap()
        else {
            panic!("decoded");
        };
        assert_eq!(media_type, "application/json");
        assert_eq!(bytes, br#"{"pages":3}"#);
        let huge = format!("data:;base64,{}", "A".repeat(MAX_RESULT_DATA / 3 * 4 + 16));
        assert!(ResultData::read(Map::new(), Some(huge)).is_err());
        assert!(matches!(
            ResultData::read(Map::new(), Some("https://x/y".into())).unwrap(),
            ResultData::Remote(_)
        ));
        assert_eq!(
            ResultData::read(Map::new(), None).unwrap(),
            ResultData::None
        );
        assert!(ResultData::read(Map::new(), Some("data:;base64,@@@".into())).is_err());
    }
}
