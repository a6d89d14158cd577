//! The arguments of `firefly audio ...` and `firefly video reframe`: the
//! Audio/Video API. Media are read by Adobe from URLs (pre-signed ones for
//! private storage); outputs are downloaded from the URLs the job lists.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Polling;
use crate::{help, parse};

/// The verbs of `firefly audio`.
#[derive(Subcommand)]
pub enum AudioCommand {
    /// List the voices speech can be generated with.
    #[command(after_help = help::audio_video())]
    Voices,
    /// Speak a script in one of the voices and save the WAV.
    #[command(after_help = help::audio_video())]
    Speech(SpeechArgs),
    /// Transcribe an audio or video file (at a URL), optionally into other
    /// languages and with SRT captions, and save the transcripts.
    #[command(after_help = help::audio_video())]
    Transcribe(TranscribeArgs),
    /// Dub an audio or video file (at a URL) into other languages and save
    /// the dubbed files.
    #[command(after_help = help::audio_video())]
    Dub(DubArgs),
    /// Show the status of an Audio/Video job (they cannot be cancelled).
    #[command(after_help = help::audio_video())]
    Status {
        /// The job id.
        #[arg(value_parser = parse::job_id)]
        job_id: String,
    },
}

/// Where a job's outputs are saved, and how it is waited for.
#[derive(Args)]
pub struct MediaOutput {
    /// Directory to download the outputs into (an existing file is never
    /// replaced).
    #[arg(short = 'o', long = "output", default_value = ".")]
    pub output: PathBuf,
    #[command(flatten)]
    pub polling: Polling,
}

/// `firefly audio speech`.
#[derive(Args)]
pub struct SpeechArgs {
    /// The text to speak (or --script-url).
    #[arg(required_unless_present = "script_url", conflicts_with = "script_url")]
    pub text: Option<String>,
    /// Read the script from a text file at this URL instead.
    #[arg(long, value_name = "URL", value_parser = parse::media_url)]
    pub script_url: Option<String>,
    /// The voice's id (`firefly audio voices`); the first voice listed by
    /// default.
    #[arg(long, value_name = "ID")]
    pub voice: Option<String>,
    /// The script's language and region, such as `en-US`.
    #[arg(long, default_value = "en-US", value_name = "LOCALE")]
    pub locale: String,
    #[command(flatten)]
    pub output: MediaOutput,
}

/// The audio or video file a job reads.
#[derive(Args)]
pub struct MediaInput {
    /// A URL Adobe can read the file from (pre-signed for private storage).
    #[arg(value_parser = parse::media_url)]
    pub input: String,
    /// The file's media type (`video/mp4`, `audio/wav`...); by default
    /// from the URL's extension.
    #[arg(long, value_name = "TYPE")]
    pub media_type: Option<String>,
}

/// `firefly audio transcribe`.
#[derive(Args)]
pub struct TranscribeArgs {
    #[command(flatten)]
    pub input: MediaInput,
    /// A language to transcribe into (repeat for several); the speech's
    /// own when absent.
    #[arg(long = "to", value_name = "LOCALE")]
    pub locales: Vec<String>,
    /// Also write SRT captions.
    #[arg(long)]
    pub captions: bool,
    #[command(flatten)]
    pub output: MediaOutput,
}

/// `firefly audio dub`.
#[derive(Args)]
pub struct DubArgs {
    #[command(flatten)]
    pub input: MediaInput,
    /// A language to dub into (repeat for several).
    #[arg(
        long = "to",
        value_name = "LOCALE",
        required_unless_present = "transcripts"
    )]
    pub locales: Vec<String>,
    /// An edited transcript to dub from, at a URL (repeat for several).
    #[arg(long = "transcript", value_name = "URL", value_parser = parse::media_url)]
    pub transcripts: Vec<String>,
    /// Sync the speakers' lips to the new speech (video only).
    #[arg(long)]
    pub lip_sync: bool,
    #[command(flatten)]
    pub output: MediaOutput,
}

/// `firefly video reframe`.
#[derive(Args)]
pub struct ReframeArgs {
    #[command(flatten)]
    pub input: MediaInput,
    /// An aspect ratio to write, `width:height` (repeat for several).
    #[arg(long = "ratio", value_name = "W:H", default_value = "9:16")]
    pub ratios: Vec<String>,
    #[command(flatten)]
    pub output: MediaOutput,
}

impl AudioCommand {
    /// How the command waits for its job, if it starts one.
    pub fn polling(&self) -> Option<&Polling> {
        match self {
            Self::Speech(args) => Some(&args.output.polling),
            Self::Transcribe(args) => Some(&args.output.polling),
            Self::Dub(args) => Some(&args.output.polling),
            Self::Voices | Self::Status { .. } => None,
        }
    }
}
