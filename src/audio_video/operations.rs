//! The Audio/Video operations: the voices (a plain answer), and the four
//! jobs (speech, reframe, transcribe, dub). Each job request is checked
//! against the limits of Adobe's schema and the rules Adobe states in
//! prose before it is sent, and answers with an [`AudioVideoJob`].

use std::{fmt, sync::OnceLock};

use serde_json::Value;

use super::{AudioVideo, AudioVideoJob, generated, types};
use crate::{Error, ValidationError, decode::outcome, validate};

/// The Audio/Video API's embedded spec, for the limits of its requests.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    validate::parsed_spec(
        &SPEC,
        include_str!(concat!(env!("OUT_DIR"), "/audio-video_spec.json")),
    )
}

/// The request types of the four jobs, each knowing its operation and its
/// prose rules.
mod sealed {
    pub trait Operation {
        /// The spec's `operationId`.
        const OPERATION: &'static str;

        /// The rules Adobe states in words, which no schema says.
        fn prose_rules(&self) -> Result<(), crate::ValidationError> {
            Ok(())
        }
    }
}

/// A request of one of the four job operations (`SpeechRequest`,
/// `ReframeRequest`, `TranscribeRequest`, `DubRequest`), which
/// [`AudioVideo::check`] checks. Implemented by those types only.
pub trait AudioVideoRequest: sealed::Operation + serde::Serialize {}

impl AudioVideo {
    /// Checks `request` as its operation does before sending it: against
    /// the limits of Adobe's schema and the rules Adobe states in prose.
    /// Sends nothing.
    pub fn check<T: AudioVideoRequest>(&self, request: &T) -> Result<(), Error> {
        validate::check_limits_in(spec(), generated::OPERATIONS, T::OPERATION, request)?;
        request.prose_rules()?;
        Ok(())
    }

    /// The voices speech can be generated with (`GET /v1/voices`), each
    /// with its id (for [`AudioVideo::generate_speech`]), name, style and
    /// a sample.
    pub async fn voices(&self) -> Result<types::VoiceList, Error> {
        outcome("voices", self.raw.voices().send()).await
    }
}

/// The job an answer describes, from the answer type of each operation.
trait Accepted {
    fn parts(self) -> (Option<String>, Option<String>);
}

impl Accepted for types::JobAccepted {
    fn parts(self) -> (Option<String>, Option<String>) {
        (Some(self.job_id), Some(self.status_url))
    }
}

impl Accepted for types::ReframeAccepted {
    fn parts(self) -> (Option<String>, Option<String>) {
        (Some(self.job_id), Some(self.status_url))
    }
}

impl Accepted for types::SpeechAccepted {
    fn parts(self) -> (Option<String>, Option<String>) {
        (self.job_id, self.status_url)
    }
}

/// One operation: its Rust name, its request type, the spec's
/// `operationId` and the generated method.
macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        $name:ident($request:ident) => $operation:literal, $method:ident;
    )+) => {
        impl AudioVideo {
            $(
                $(#[$doc])*
                pub async fn $name<R>(&self, request: R) -> Result<AudioVideoJob, Error>
                where
                    R: TryInto<types::$request>,
                    R::Error: fmt::Display,
                {
                    let request: types::$request = validate::built(request)?;
                    self.check(&request)?;
                    let call = self.raw.$method().body(request);
                    let (job_id, status_url) = outcome($operation, call.send()).await?.parts();
                    AudioVideoJob::accepted($operation, job_id, status_url)
                }
            )+
        }
        $(
            impl AudioVideoRequest for types::$request {}
        )+
    };
}

operations! {
    /// Speaks a script in one of the [voices](AudioVideo::voices)
    /// (`POST /v1/generate-speech`); the finished job's `output.url` is the
    /// audio. Adobe allows 10 a minute.
    generate_speech(SpeechRequest) => "generate-speech", generate_speech;
    /// Crops a video to each aspect ratio asked for, following its subject
    /// (`POST /v1/reframe`). Adobe allows 2 a minute.
    reframe(ReframeRequest) => "generate-reframed-video", generate_reframed_video;
    /// Writes the transcript of an audio or video file, optionally
    /// translated and with captions (`POST /v1/transcribe`); the finished
    /// job lists them in `outputs`.
    transcribe(TranscribeRequest) => "transcribe", transcribe;
    /// Dubs an audio or video file into other languages, optionally with
    /// lip sync (`POST /v1/dub`); the finished job lists the dubbed files
    /// in `outputs`.
    dub(DubRequest) => "dub", dub;
}

impl sealed::Operation for types::SpeechRequest {
    const OPERATION: &'static str = "generate-speech";

    /// A script has something to say: text that is not blank.
    fn prose_rules(&self) -> Result<(), ValidationError> {
        match &self.script {
            types::SpeechRequestScript::Variant0 { text, .. } if text.trim().is_empty() => Err(
                ValidationError::new("script.text", "the script has no text to speak"),
            ),
            _ => Ok(()),
        }
    }
}

impl sealed::Operation for types::ReframeRequest {
    const OPERATION: &'static str = "generate-reframed-video";

    /// Adobe's format for an aspect ratio is `numerator:denominator`, both
    /// whole numbers above zero (`9:16`); at least one is asked for.
    fn prose_rules(&self) -> Result<(), ValidationError> {
        let ratios = &self.output_config.aspect_ratios;
        if ratios.is_empty() {
            return Err(ValidationError::new(
                "outputConfig.aspectRatios",
                "ask for at least one aspect ratio, such as `9:16`",
            ));
        }
        for (index, ratio) in ratios.iter().enumerate() {
            let whole = |side: &str| {
                !side.is_empty()
                    && side.bytes().all(|b| b.is_ascii_digit())
                    && side.parse::<u32>().is_ok_and(|n| n > 0)
            };
            let valid = ratio
                .split_once(':')
                .is_some_and(|(width, height)| whole(width) && whole(height));
            if !valid {
                return Err(ValidationError::new(
                    format!("outputConfig.aspectRatios[{index}]"),
                    format!(
                        "`{}` is not an aspect ratio: write it as `width:height`, such as `9:16`",
                        crate::error::printable(ratio)
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl sealed::Operation for types::TranscribeRequest {
    const OPERATION: &'static str = "transcribe";
}

impl sealed::Operation for types::DubRequest {
    const OPERATION: &'static str = "dub";

    /// Adobe: "Either target locale codes or transcription is required".
    fn prose_rules(&self) -> Result<(), ValidationError> {
        let (locales, transcripts) = match self {
            types::DubRequest::AudioRequest(audio) => {
                (&audio.target_locale_codes, &audio.transcripts)
            }
            types::DubRequest::VideoRequest(video) => {
                (&video.target_locale_codes, &video.transcripts)
            }
        };
        if locales.is_empty() && transcripts.is_empty() {
            return Err(ValidationError::new(
                "targetLocaleCodes",
                "name the languages to dub into, or give edited transcripts",
            ));
        }
        Ok(())
    }
}
