//! The Audio/Video API (`https://audio-video-api.adobe.io`): voices, text to speech, video reframing, transcription and dubbing, on the same credential, token
//! and retries as Firefly: [`Firefly::audio_video`](crate::Firefly::audio_video) gives
//! the handle (feature `audio-video`).

use url::Url;

use crate::{generated::audio_video as generated, transport::Transport};

/// The request and response types of the Audio/Video API, generated from
/// `openapi/audio-video/audio-video.yaml`.
pub mod types {
    pub use crate::generated::audio_video::types::*;
}

/// The Audio/Video API, on a [`Firefly`](crate::Firefly) client's credential.
///
/// Cheap to clone; clones share the connection pool and the token.
#[derive(Clone)]
pub struct AudioVideo {
    #[allow(dead_code)]
    raw: generated::Client,
    api_url: Url,
}

impl AudioVideo {
    pub(crate) fn new(api_url: &Url, http: reqwest::Client, transport: Transport) -> Self {
        Self {
            raw: generated::Client::new_with_client(
                &crate::config::trimmed(api_url),
                http,
                transport,
            ),
            api_url: api_url.clone(),
        }
    }

    /// The base URL requests go to.
    pub fn api_url(&self) -> &str {
        self.api_url.as_str()
    }
}

impl std::fmt::Debug for AudioVideo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioVideo")
            .field("api_url", &self.api_url.as_str())
            .finish_non_exhaustive()
    }
}
