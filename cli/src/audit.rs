//! `--audit-log FILE` (or `FIREFLY_AUDIT_LOG`): a record of what was paid
//! for, one JSON line per event, appended:
//!
//! - `submitted`, written as soon as a paid job's id arrives and before any
//!   waiting, so a crash or a kill keeps it: the time, the API, what was
//!   run, the job id, the estimate, a hash of the request (the prompt too
//!   only with `--audit-prompts`);
//! - `ended`, when the outcome is known: the job id and the outcome.
//!
//! The file is opened once, before anything is sent, with `O_APPEND` and
//! `O_NOFOLLOW`, and must be a regular file; each line is one `write`, so
//! lines from processes appending at once never interleave. It is never
//! read.

use std::{
    fs::{File, OpenOptions},
    io::Write,
    path::{Path, PathBuf},
    sync::{Mutex, PoisonError},
    time::SystemTime,
};

use adobe_firefly::Api;
use serde_json::{Value, json};

use crate::error::CliError;

/// The audit log of a run, or none.
#[derive(Debug, Default)]
pub struct Audit {
    log: Option<(PathBuf, Mutex<File>)>,
    /// `--audit-prompts`: the prompt is written too.
    pub prompts: bool,
}

impl Audit {
    /// Opens (or creates, mode 0600) the log at `path`, if one is asked
    /// for: a link, a directory, a FIFO or a device is refused here,
    /// before anything is sent.
    pub fn open(path: Option<&Path>, prompts: bool) -> Result<Self, CliError> {
        let Some(path) = path else {
            return Ok(Self { log: None, prompts });
        };
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = crate::files::open_regular(path, &mut options).map_err(|error| {
            CliError::Usage(format!(
                "cannot use {} as the audit log: {error}; nothing was sent",
                path.display()
            ))
        })?;
        Ok(Self {
            log: Some((path.to_owned(), Mutex::new(file))),
            prompts,
        })
    }

    /// Whether a log is kept.
    pub fn enabled(&self) -> bool {
        self.log.is_some()
    }

    /// A paid job was submitted.
    pub fn submitted(&self, api: Api, what: &str, job_id: &str, mut details: Value) {
        if let Value::Object(fields) = &mut details {
            fields.insert("event".into(), "submitted".into());
            fields.insert("api".into(), api.name().into());
            fields.insert("operation".into(), what.into());
            fields.insert("job_id".into(), job_id.into());
        }
        self.append(details);
    }

    /// A paid job's outcome: `succeeded`, `failed`, `cancelled`,
    /// `interrupted`, `unsaved`...
    pub fn ended(&self, api: Api, job_id: &str, outcome: &str) {
        self.append(json!({
            "event": "ended",
            "api": api.name(),
            "job_id": job_id,
            "outcome": outcome,
        }));
    }

    /// One line, in one `write`. A log that cannot be written costs a
    /// warning, never the job.
    fn append(&self, mut entry: Value) {
        let Some((path, file)) = &self.log else {
            return;
        };
        if let Value::Object(fields) = &mut entry {
            let time = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
            fields.insert("time".into(), time.into());
        }
        let mut line = entry.to_string();
        line.push('\n');
        let mut file = file.lock().unwrap_or_else(PoisonError::into_inner);
        match file.write(line.as_bytes()) {
            Ok(written) if written == line.len() => {}
            Ok(written) => eprintln!(
                "warning: the audit log {} took {written} of {} bytes of a line",
                path.display(),
                line.len()
            ),
            Err(error) => eprintln!(
                "warning: cannot write the audit log {}: {error}",
                path.display()
            ),
        }
    }
}
