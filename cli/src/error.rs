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
    /// `firefly emulator --faults` does not parse; `reason` is the
    /// emulator's own parse error.
    FaultsSpec { spec: String, reason: String },
    /// The emulator could not start (the port is taken, say).
    EmulatorStart(std::io::Error),
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
            Self::EmulatorStart(error) => write!(f, "cannot start the emulator: {error}"),
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
            Self::BatchFile { .. } | Self::FaultsSpec { .. } => None,
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
