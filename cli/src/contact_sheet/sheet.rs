//! What the contact sheet shows, read back from the batch journal: one row
//! per request (and per line that was not one), its latest state, and the
//! images of it that are on disk.

use std::{
    collections::HashMap,
    io,
    path::{Path, PathBuf},
};

use crate::journal;

/// Where a row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowState {
    /// Every output saved.
    Succeeded,
    /// The request (or the line) failed; `error` says why.
    Failed,
    /// Submitted or being submitted; not finished (yet).
    Pending,
}

impl RowState {
    /// The batch status vocabulary, plus `pending`.
    pub fn word(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Pending => "pending",
        }
    }
}

/// Why a row failed, as Adobe (or the batch file check) said.
#[derive(Clone, Debug, Default)]
pub struct Failure {
    pub error_code: Option<String>,
    pub message: String,
    pub status: Option<u64>,
    pub request_id: Option<String>,
}

/// One saved image.
#[derive(Clone, Debug)]
pub struct Image {
    /// Relative to the output folder.
    pub file_name: String,
    pub seed: Option<i64>,
}

/// One request (or rejected line) of the batch.
#[derive(Clone, Debug)]
pub struct Row {
    pub line: u64,
    pub prompt: String,
    pub state: RowState,
    pub model: Option<String>,
    pub size: Option<String>,
    pub job_id: Option<String>,
    pub images: Vec<Image>,
    pub failure: Option<Failure>,
}

/// Every row, in the batch file's order.
#[derive(Debug, Default)]
pub struct Sheet {
    pub rows: Vec<Row>,
}

impl Sheet {
    /// Reads the journal in `dir`; rows whose files are gone show no image.
    pub fn read(dir: &Path) -> io::Result<Self> {
        let path = dir.join(journal::FILE_NAME);
        let file = match crate::files::open_regular(&path, std::fs::OpenOptions::new().read(true)) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(error) => return Err(error),
        };
        let mut order: Vec<String> = Vec::new();
        let mut rows: HashMap<String, Row> = HashMap::new();
        let mut files: HashMap<String, Vec<(u64, PathBuf, Option<i64>)>> = HashMap::new();
        for entry in journal::entries(file) {
            let Some(key) = entry["key"].as_str() else {
                continue;
            };
            let row = rows.entry(key.to_owned()).or_insert_with(|| {
                order.push(key.to_owned());
                Row {
                    line: 0,
                    prompt: String::new(),
                    state: RowState::Pending,
                    model: None,
                    size: None,
                    job_id: None,
                    images: Vec::new(),
                    failure: None,
                }
            });
            if let Some(number) = entry["line"].as_u64() {
                row.line = number;
            }
            if let Some(prompt) = entry["prompt"].as_str() {
                row.prompt = prompt.to_owned();
            }
            if let Some(job_id) = entry["job_id"].as_str() {
                row.job_id = Some(job_id.to_owned());
            }
            match entry["state"].as_str().unwrap_or_default() {
                "submitting" => {
                    row.state = RowState::Pending;
                    row.failure = None;
                    row.job_id = None;
                    row.model = entry["details"]["model"].as_str().map(str::to_owned);
                    row.size = entry["details"]["size"].as_str().map(str::to_owned);
                    files.remove(key);
                }
                "submitted" => row.state = RowState::Pending,
                "file" => {
                    if let (Some(index), Some(path)) =
                        (entry["index"].as_u64(), entry["path"].as_str())
                    {
                        let saved = files.entry(key.to_owned()).or_default();
                        saved.retain(|(i, _, _)| *i != index);
                        saved.push((index, PathBuf::from(path), entry["seed"].as_i64()));
                    }
                }
                "saved" => {
                    row.state = RowState::Succeeded;
                    row.failure = None;
                }
                "failed" => row.state = RowState::Failed,
                "error" => {
                    row.state = RowState::Failed;
                    let error = &entry["error"];
                    row.failure = Some(Failure {
                        error_code: error["error_code"].as_str().map(str::to_owned),
                        message: error["message"].as_str().unwrap_or_default().to_owned(),
                        status: error["status"].as_u64(),
                        request_id: error["request_id"].as_str().map(str::to_owned),
                    });
                }
                // A job a `firefly mcp` client left: paid for, not saved.
                "rejected" | "interrupted" => {
                    row.state = RowState::Failed;
                    row.failure = Some(Failure {
                        message: entry["problem"].as_str().unwrap_or_default().to_owned(),
                        ..Failure::default()
                    });
                }
                _ => {}
            }
        }
        let mut sheet: Vec<Row> = order
            .into_iter()
            .filter_map(|key| {
                let mut row = rows.remove(&key)?;
                let mut saved = files.remove(&key).unwrap_or_default();
                saved.sort_by_key(|(index, _, _)| *index);
                row.images = saved
                    .into_iter()
                    .filter_map(|(_, path, seed)| {
                        let name = path.file_name()?.to_str()?.to_owned();
                        dir.join(&name).is_file().then_some(Image {
                            file_name: name,
                            seed,
                        })
                    })
                    .collect();
                Some(row)
            })
            .collect();
        sheet.sort_by_key(|row| row.line);
        Ok(Self { rows: sheet })
    }

    /// How many rows are in a state.
    pub fn count(&self, state: RowState) -> usize {
        self.rows.iter().filter(|row| row.state == state).count()
    }

    /// How many images the page shows.
    pub fn images(&self) -> usize {
        self.rows.iter().map(|row| row.images.len()).sum()
    }
}
