//! What a command can fail with: an SDK error, or a problem the tool finds
//! itself; how each is shown, and the exit code it maps to.

use std::{fmt, path::PathBuf, process::ExitCode};

use adobe_firefly::{ConfigError, Error, auth::AuthError};
use serde_json::{Value, json};

use crate::{save, terminal::terminal_safe};

/// A failed command.
#[derive(Debug)]
pub enum CliError {
    /// The SDK (or the service behind it) failed.
    Sdk(Error),
    /// The command line asks for something that cannot be sent.
    Usage(String),
    /// The batch file cannot be read or has no usable prompts.
    BatchFile { path: PathBuf, problem: String },
    /// One line of a batch file is not a request (the others still run).
    BatchLine { line: usize, problem: String },
    /// An input file (an image, a model) cannot be read (missing, a directory, no
    /// permission).
    InputFile {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A result cannot be saved (the output folder cannot be made, the file
    /// cannot be written).
    OutputFile {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The output folder cannot be made or written to; found before
    /// anything is submitted.
    OutputFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A failure about a job named on the command line (`status`,
    /// `cancel`): its JSON carries that job id when the error has none.
    AboutJob {
        job_id: String,
        error: Box<CliError>,
    },
    /// Ctrl-C while waiting for a job: the job goes on at Firefly.
    Interrupted { job_id: String },
    /// Ctrl-C while waiting for a Photoshop job, which goes on (Photoshop
    /// jobs cannot be cancelled).
    PhotoshopInterrupted { job_id: String },
    /// Ctrl-C while waiting for an Audio/Video job, which goes on (the API
    /// has no cancel).
    AudioVideoInterrupted { job_id: String },
    /// Ctrl-C during a batch: the jobs in flight go on, recorded in the
    /// journal for a rerun to adopt.
    BatchInterrupted {
        journal: PathBuf,
        job_ids: Vec<String>,
    },
    /// A job succeeded (and was paid for) but some of its outputs could not
    /// be saved: the job id and their URLs let the user fetch them.
    Unsaved {
        job_id: String,
        saved: Vec<save::Saved>,
        unsaved: Vec<save::Unsaved>,
        /// The command that reads the job again (`firefly job status`,
        /// `firefly photoshop status`).
        status_command: &'static str,
    },
    /// `firefly emulator --faults` does not parse; `reason` is the
    /// emulator's own parse error.
    FaultsSpec { spec: String, reason: String },
    /// The emulator could not start (the port is taken, say).
    EmulatorStart(std::io::Error),
    /// The async runtime could not start.
    Runtime(std::io::Error),
    /// Standard output cannot be written.
    Stdout(std::io::Error),
    /// The fleet's Redis cannot be used (a bad URL, or a build without the
    /// `redis` feature).
    Fleet(String),
    /// A request's estimate is over what `--max-operations` leaves; nothing
    /// was sent.
    OverBudget(String),
    /// A local input could not be uploaded to the `--stage` storage (after
    /// every check passed; nothing was submitted).
    #[cfg_attr(not(feature = "storage"), allow(dead_code))]
    Stage(String),
}

impl CliError {
    /// The process's exit status: 2 when the command line cannot be used as
    /// given (nothing was sent), 130 after Ctrl-C, 1 when a request or job
    /// failed.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::AboutJob { error, .. } => error.exit_code(),
            Self::BatchFile { .. }
            | Self::Usage(_)
            | Self::InputFile { .. }
            | Self::OutputFolder { .. }
            | Self::FaultsSpec { .. }
            | Self::OverBudget(_)
            | Self::Sdk(Error::Validation(_) | Error::StorageHost(_)) => ExitCode::from(USAGE),
            Self::Interrupted { .. }
            | Self::PhotoshopInterrupted { .. }
            | Self::BatchInterrupted { .. } => ExitCode::from(INTERRUPTED),
            Self::AudioVideoInterrupted { .. } => ExitCode::from(INTERRUPTED),
            _ => ExitCode::FAILURE,
        }
    }

    /// The SDK's error, when it is one.
    pub fn sdk(&self) -> Option<&Error> {
        match self {
            Self::Sdk(error) => Some(error),
            Self::AboutJob { error, .. } => error.sdk(),
            _ => None,
        }
    }

    /// What kind of failure this is, for scripts: `usage`, `request`,
    /// `job_failed`, `content_policy` (451), `unsaved`, `input_file`, `output_file`, `batch_file`,
    /// `batch_input`, `interrupted`, `emulator`, `runtime`, `fleet`, `over_budget`, `staging`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::AboutJob { error, .. } => error.kind(),
            // A storage URL Photoshop would refuse is the command line's, and
            // was refused before sending.
            Self::Sdk(Error::Validation(_) | Error::StorageHost(_))
            | Self::Usage(_)
            | Self::FaultsSpec { .. } => "usage",
            Self::Sdk(Error::JobFailed { .. }) => "job_failed",
            Self::Sdk(error) if error.is_content_policy() => "content_policy",
            Self::Sdk(_) => "request",
            Self::BatchFile { .. } => "batch_file",
            Self::BatchLine { .. } => "batch_input",
            Self::InputFile { .. } => "input_file",
            Self::OutputFile { .. } | Self::OutputFolder { .. } => "output_file",
            Self::Interrupted { .. }
            | Self::PhotoshopInterrupted { .. }
            | Self::BatchInterrupted { .. } => "interrupted",
            Self::AudioVideoInterrupted { .. } => "interrupted",
            Self::Unsaved { .. } => "unsaved",
            Self::EmulatorStart(_) => "emulator",
            Self::Runtime(_) => "runtime",
            Self::Stdout(_) => "output_file",
            Self::Fleet(_) => "fleet",
            Self::OverBudget(_) => "over_budget",
            Self::Stage(_) => "staging",
        }
    }

    /// The error as the JSON document printed with `--json`: the same keys
    /// for every error, `null` (or empty) where unknown.
    pub fn json(&self) -> Value {
        if let Self::AboutJob { job_id, error } = self {
            let mut document = error.json();
            if document["error"]["job_id"].is_null() {
                document["error"]["job_id"] = json!(job_id);
            }
            return document;
        }
        let mut error = error_fields(self.kind(), &self.to_string());
        match self {
            Self::Sdk(sdk) => {
                error["status"] = json!(sdk.status());
                error["error_code"] = json!(sdk.error_code());
                error["request_id"] = json!(sdk.request_id());
                error["job_id"] = json!(sdk.job_id());
                if let Error::JobFailed { status, .. } = sdk {
                    error["job_status"] = json!(status.as_str());
                }
            }
            Self::Unsaved {
                job_id,
                saved,
                unsaved,
                ..
            } => {
                error["job_id"] = json!(job_id);
                error["output_urls"] = json!(
                    unsaved
                        .iter()
                        .filter_map(|u| u.url.clone())
                        .collect::<Vec<_>>()
                );
                error["saved"] = json!(saved.iter().map(save::Saved::json).collect::<Vec<_>>());
                error["unsaved"] =
                    json!(unsaved.iter().map(save::Unsaved::json).collect::<Vec<_>>());
            }
            Self::BatchLine { line, .. } => error["line"] = json!(line),
            Self::Interrupted { job_id } | Self::PhotoshopInterrupted { job_id } => {
                error["job_id"] = json!(job_id)
            }
            Self::BatchInterrupted { job_ids, .. } => error["job_ids"] = json!(job_ids),
            Self::AudioVideoInterrupted { job_id } => error["job_id"] = json!(job_id),
            _ => {}
        }
        json!({ "error": error })
    }
}

/// The command that reads a Firefly job again.
pub const FIREFLY_STATUS: &str = "firefly job status";

/// The command that reads a Photoshop job again.
pub const PHOTOSHOP_STATUS: &str = "firefly photoshop status";

/// The command that reads an Audio/Video job again.
pub const AUDIO_VIDEO_STATUS: &str = "firefly audio status";

/// The exit status of a command line that cannot be used as given.
pub const USAGE: u8 = 2;

/// The exit status after Ctrl-C (SIGINT), as shells report it: 128 + 2.
pub const INTERRUPTED: u8 = 130;

/// The keys every error document has.
pub fn error_fields(kind: &str, message: &str) -> Value {
    json!({
        "kind": kind,
        "message": message,
        "status": null,
        "error_code": null,
        "request_id": null,
        "job_id": null,
        "output_urls": [],
    })
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sdk(error) => fmt::Display::fmt(error, f),
            Self::AboutJob { error, .. } => fmt::Display::fmt(error, f),
            Self::BatchFile { path, problem } => write!(f, "{}: {problem}", path.display()),
            Self::Usage(problem) | Self::BatchLine { problem, .. } => f.write_str(problem),
            Self::InputFile { path, source } => {
                write!(f, "cannot read the input file {}: {source}", path.display())
            }
            Self::OutputFile { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            Self::OutputFolder { path, source } => write!(
                f,
                "cannot save into {}: {source}; nothing was submitted",
                path.display()
            ),
            Self::Interrupted { job_id } => write!(
                f,
                // Ids come from the server: shown inert.
                "interrupted: job {0} goes on at Firefly and is paid for; \
                 `firefly job status {0}` shows it and its outputs' URLs (valid about an hour), \
                 `firefly job cancel {0}` stops it",
                terminal_safe(job_id)
            ),
            Self::PhotoshopInterrupted { job_id } => write!(
                f,
                "interrupted: Photoshop job {0} goes on (Photoshop jobs cannot be cancelled); \
                 `firefly photoshop status {0}` shows it and its outputs' URLs",
                terminal_safe(job_id)
            ),
            Self::AudioVideoInterrupted { job_id } => write!(
                f,
                "interrupted: Audio/Video job {0} goes on (the API cannot cancel a job); \
                 `firefly audio status {0}` shows it and its outputs' URLs",
                terminal_safe(job_id)
            ),
            Self::BatchInterrupted { journal, job_ids } => write!(
                f,
                "interrupted: {} jobs in flight go on at Firefly and are paid for; {} records \
                 them, so running the same command again adopts them and saves their outputs \
                 instead of paying again",
                job_ids.len(),
                journal.display()
            ),
            Self::FaultsSpec { spec, reason } => {
                write!(f, "bad --faults spec `{spec}`: {reason}")
            }
            Self::Unsaved {
                job_id,
                saved,
                unsaved,
                status_command,
            } => {
                let job_id = terminal_safe(job_id);
                write!(
                    f,
                    "job {job_id} succeeded, but {} of its {} outputs could not be saved",
                    unsaved.len(),
                    saved.len() + unsaved.len()
                )?;
                for file in saved {
                    write!(f, "\n  saved: {}", file.line())?;
                }
                for output in unsaved {
                    let url = terminal_safe(output.url.as_deref().unwrap_or("(no URL given)"));
                    write!(
                        f,
                        "\n  not saved: {} ({}); fetch it within about an hour from {url}, \
                         or read the job again with `{status_command} {job_id}`",
                        output.which(),
                        output.reason
                    )?;
                }
                Ok(())
            }
            Self::EmulatorStart(error) => write!(f, "cannot start the emulator: {error}"),
            Self::Runtime(error) => write!(f, "cannot start the async runtime: {error}"),
            Self::Stdout(error) => write!(f, "cannot write to standard output: {error}"),
            Self::Fleet(problem) | Self::OverBudget(problem) | Self::Stage(problem) => {
                f.write_str(problem)
            }
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Sdk(error) => Some(error),
            Self::AboutJob { error, .. } => Some(error.as_ref()),
            Self::InputFile { source, .. }
            | Self::OutputFile { source, .. }
            | Self::OutputFolder { source, .. }
            | Self::EmulatorStart(source)
            | Self::Runtime(source)
            | Self::Stdout(source) => Some(source),
            Self::BatchFile { .. }
            | Self::BatchLine { .. }
            | Self::Usage(_)
            | Self::FaultsSpec { .. }
            | Self::Unsaved { .. }
            | Self::Interrupted { .. }
            | Self::PhotoshopInterrupted { .. }
            | Self::BatchInterrupted { .. }
            | Self::Fleet(_)
            | Self::OverBudget(_)
            | Self::Stage(_) => None,
            Self::AudioVideoInterrupted { .. } => None,
        }
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        Self::Sdk(error)
    }
}

impl From<ConfigError> for CliError {
    fn from(error: ConfigError) -> Self {
        Self::Sdk(error.into())
    }
}

impl From<AuthError> for CliError {
    fn from(error: AuthError) -> Self {
        Self::Sdk(error.into())
    }
}
