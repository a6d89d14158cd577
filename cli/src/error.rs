//! What a command can fail with: an SDK error, or a problem the tool finds
//! itself; how each is shown, and the exit code it maps to.

use std::{fmt, path::PathBuf, process::ExitCode};

use adobe_firefly::{ConfigError, Error, auth::AuthError};
use serde_json::{Value, json};

use crate::output;

/// A failed command.
#[derive(Debug)]
pub enum CliError {
    /// The SDK (or the service behind it) failed.
    Sdk(Error),
    /// The batch file cannot be read or has no usable prompts.
    BatchFile { path: PathBuf, problem: String },
    /// An input image file cannot be read (missing, a directory, no
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
    /// A job succeeded (and was paid for) but some of its outputs could not
    /// be saved: the job id and their URLs let the user fetch them.
    Unsaved {
        job_id: String,
        saved: Vec<output::Saved>,
        unsaved: Vec<output::Unsaved>,
    },
    /// `firefly emulator --faults` does not parse; `reason` is the
    /// emulator's own parse error.
    FaultsSpec { spec: String, reason: String },
    /// The emulator could not start (the port is taken, say).
    EmulatorStart(std::io::Error),
    /// The fleet's Redis cannot be used (a bad URL, or a build without the
    /// `redis` feature).
    Fleet(String),
}

impl CliError {
    /// The process's exit status: 2 for an unusable batch file, 1 otherwise.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::BatchFile { .. } => ExitCode::from(2),
            _ => ExitCode::FAILURE,
        }
    }

    /// The SDK's error, when it is one.
    pub fn sdk(&self) -> Option<&Error> {
        match self {
            Self::Sdk(error) => Some(error),
            _ => None,
        }
    }

    /// The error as the JSON document printed with `--json`.
    pub fn json(&self) -> Value {
        match self {
            Self::Sdk(error) => output::error_json(error),
            Self::BatchFile { problem, .. } => json!({"error": {"message": problem}}),
            Self::Unsaved {
                job_id,
                saved,
                unsaved,
            } => json!({"error": {
                "message": self.to_string(),
                "status": null,
                "error_code": null,
                "request_id": null,
                "job_id": job_id,
                "output_urls": unsaved.iter().filter_map(|u| u.url.clone()).collect::<Vec<_>>(),
                "saved": saved.iter().map(output::Saved::json).collect::<Vec<_>>(),
                "unsaved": unsaved.iter().map(output::Unsaved::json).collect::<Vec<_>>(),
            }}),
            // The same keys as an SDK error, so scripts read every error alike.
            other => json!({"error": {
                "message": other.to_string(),
                "status": null,
                "error_code": null,
                "request_id": null,
                "job_id": null,
            }}),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sdk(error) => fmt::Display::fmt(error, f),
            Self::BatchFile { path, problem } => write!(f, "{}: {problem}", path.display()),
            Self::InputFile { path, source } => {
                write!(f, "cannot read the image file {}: {source}", path.display())
            }
            Self::OutputFile { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            Self::FaultsSpec { spec, reason } => {
                write!(f, "bad --faults spec `{spec}`: {reason}")
            }
            Self::Unsaved {
                job_id,
                saved,
                unsaved,
            } => {
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
                    let url = output.url.as_deref().unwrap_or("(no URL given)");
                    write!(
                        f,
                        "\n  not saved: seed {} ({}); fetch it within about an hour from {url}, \
                         or read the job again with `firefly status {job_id}`",
                        output.seed, output.reason
                    )?;
                }
                Ok(())
            }
            Self::EmulatorStart(error) => write!(f, "cannot start the emulator: {error}"),
            Self::Fleet(problem) => f.write_str(problem),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Sdk(error) => Some(error),
            Self::InputFile { source, .. }
            | Self::OutputFile { source, .. }
            | Self::EmulatorStart(source) => Some(source),
            Self::BatchFile { .. }
            | Self::FaultsSpec { .. }
            | Self::Unsaved { .. }
            | Self::Fleet(_) => None,
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
