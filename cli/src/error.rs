//! The CLI's own failures beside the SDK's: local files it cannot read or
//! write, and settings that are not the SDK's (the emulator's faults).

use std::{fmt, path::PathBuf};

use adobe_firefly::Error;

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// The SDK's error, with Adobe's status, code and request id.
    Firefly(Error),
    /// A local file could not be read or written.
    File {
        /// What the CLI was doing (`create the output folder`).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An option's value is unusable.
    Usage(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Firefly(error) => write!(f, "{error}"),
            Self::File {
                action,
                path,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
            Self::Usage(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for CliError {}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        Self::Firefly(error)
    }
}

impl From<adobe_firefly::ConfigError> for CliError {
    fn from(error: adobe_firefly::ConfigError) -> Self {
        Self::Firefly(error.into())
    }
}

impl From<adobe_firefly::auth::AuthError> for CliError {
    fn from(error: adobe_firefly::auth::AuthError) -> Self {
        Self::Firefly(error.into())
    }
}

impl CliError {
    /// A failed local file operation.
    pub fn file(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::File {
            action,
            path: path.into(),
            source,
        }
    }

    /// The SDK's error, if it is one.
    pub fn firefly(&self) -> Option<&Error> {
        match self {
            Self::Firefly(error) => Some(error),
            _ => None,
        }
    }
}
