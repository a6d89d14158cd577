//! The Audio/Video API (`https://audio-video-api.adobe.io`): voices, text
//! to speech, video reframing, transcription and dubbing, on the same
//! credential, token and retries as Firefly:
//! [`Firefly::audio_video`](crate::Firefly::audio_video) gives the handle
//! (feature `audio-video`).
//!
//! [`AudioVideo::voices`] answers at once; every other operation is a job:
//! it answers with an [`AudioVideoJob`], which [`AudioVideo::wait_for_job`]
//! polls until it succeeds (its [`AudioVideoStatus`] comes back, with
//! `output.url` for speech and reframe, `outputs` for transcribe and dub)
//! or fails ([`Error::JobFailed`](crate::Error::JobFailed) with Adobe's
//! `error_code` and message). Requests are checked against the limits of
//! Adobe's schemas and the rules its guides state before anything is
//! sent. Inputs are read by Adobe from URLs you give (pre-signed, for
//! private storage); outputs are downloaded from the URLs the finished job
//! lists, without credentials
//! ([`Firefly::download_to_file`](crate::Firefly::download_to_file)).
//!
//! Adobe limits the API per operation: voices 50 a minute, speech 10 a
//! minute, reframe 2 a minute.
//! [`FireflyBuilder::adobe_rate_limits`](crate::FireflyBuilder::adobe_rate_limits)
//! keeps to those, each counting only its operation.
//!
//! ```no_run
//! # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
//! use adobe_firefly::{WaitOptions, audio_video::types::SpeechRequest};
//!
//! let audio_video = firefly.audio_video();
//! let voices = audio_video.voices().await?;
//! let request: SpeechRequest = serde_json::from_value(serde_json::json!({
//!     "voiceId": voices.voices[0].voice_id,
//!     "script": {"text": "Hello!", "localeCode": "en-US", "mediaType": "text/plain"},
//!     "output": {"mediaType": "audio/wav"},
//! })).expect("a request Adobe's schema accepts");
//! let job = audio_video.generate_speech(request).await?;
//! let done = audio_video.wait_for_job(&job, &WaitOptions::default()).await?;
//! println!("{:?}", done.output_urls());
//! # Ok(()) }
//! ```

mod cost; // EstimateCost for the four job requests
mod job; // AudioVideoJob and the job adapter (`/v1/status`)
mod operations; // voices and the four jobs, checked before sending
mod status; // the lenient reading of a status

use url::Url;

pub use job::AudioVideoJob;
pub use operations::AudioVideoRequest;
pub use status::{AudioVideoStatus, OutputLink};

use crate::{generated::audio_video as generated, transport::Transport};

/// The request and response types of the Audio/Video API, generated from
/// `openapi/audio-video/audio-video.yaml` (the status is read into
/// [`AudioVideoStatus`] instead).
pub mod types {
    pub use crate::generated::audio_video::types::*;
}

/// The Audio/Video API, on a [`Firefly`](crate::Firefly) client's credential.
///
/// Cheap to clone; clones share the connection pool and the token.
#[derive(Clone)]
pub struct AudioVideo {
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
