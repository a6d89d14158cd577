//! The batch journal: one JSON line per event in `<output>/.firefly-journal.jsonl`,
//! appended and flushed to disk *before* the CLI waits for a job, so a batch
//! that is killed, crashes or loses its network can be rerun without paying
//! twice: a rerun adopts jobs in flight by id and never replaces an image it
//! already saved.
//!
//! A prompt is known by its request (prompt and every option), not by its
//! file name, so two prompts that look alike are never confused.

use std::{
    collections::{BTreeMap, HashMap},
    fs::OpenOptions,
    io::{BufRead, BufReader, Read, Write},
    path::{Path, PathBuf},
    sync::Mutex,
};

use serde_json::{Value, json};

pub use crate::naming::request_key;

/// The journal's file name inside the output directory.
pub const FILE_NAME: &str = ".firefly-journal.jsonl";

/// The longest journal line read. No entry the CLI writes comes near it; a
/// longer line (a planted or damaged journal) is skipped with a warning
/// without ever being held in memory whole.
pub const MAX_LINE: usize = 64 * 1024;

/// The entries of a journal, in order: each line that is JSON. A line cut
/// by a crash is skipped, and so is a line longer than [`MAX_LINE`], with a
/// warning; reading stops at the first read error.
pub fn entries(journal: impl Read) -> impl Iterator<Item = Value> {
    let mut reader = BufReader::new(journal);
    let mut line = Vec::new();
    let mut number = 0_u64;
    std::iter::from_fn(move || {
        loop {
            line.clear();
            number += 1;
            let read = (&mut reader)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut line)
                .ok()?;
            if read == 0 {
                return None;
            }
            if line.len() > MAX_LINE && line.last() != Some(&b'\n') {
                tracing::warn!(
                    line = number,
                    "a batch journal line longer than {MAX_LINE} bytes is skipped"
                );
                reader.skip_until(b'\n').ok()?;
                continue;
            }
            if let Ok(entry) = serde_json::from_slice(&line) {
                return Some(entry);
            }
        }
    })
}

/// Where a request stands, as the journal last recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Submitted as this job; not (completely) saved yet. `files` are the
    /// outputs already saved, by their index in the job's outputs.
    Submitted {
        job_id: String,
        files: BTreeMap<usize, PathBuf>,
    },
    /// Every output saved, as these files.
    Saved { files: Vec<PathBuf> },
    /// The job ended without results (failed, canceled, timed out): a rerun
    /// submits the request again.
    Failed,
    /// An earlier run was stopped while submitting: Firefly may or may not
    /// have created the job, and no id came back, so it cannot be adopted.
    Submitting,
}

/// An open journal.
pub struct Journal {
    path: PathBuf,
    states: HashMap<String, State>,
    writer: Mutex<()>,
}

impl Journal {
    /// Opens (or starts) the journal in `dir`, reading what earlier runs
    /// recorded. Unreadable lines (a write cut by a crash) are skipped.
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(FILE_NAME);
        let mut states = HashMap::new();
        // Never through a planted link, and only a regular file.
        let existing = match crate::files::open_regular(&path, OpenOptions::new().read(true)) {
            Ok(file) => Some(file),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return Err(error),
        };
        if let Some(file) = existing {
            for entry in entries(file) {
                let Some(key) = entry["key"].as_str() else {
                    continue;
                };
                if entry["state"] == "file" {
                    if let (Some(State::Submitted { files, .. }), Some(index), Some(path)) = (
                        states.get_mut(key),
                        entry["index"].as_u64(),
                        entry["path"].as_str(),
                    ) {
                        files.insert(index as usize, PathBuf::from(path));
                    }
                    continue;
                }
                let state = match entry["state"].as_str() {
                    Some("submitted") => entry["job_id"].as_str().map(|id| State::Submitted {
                        job_id: id.to_owned(),
                        files: BTreeMap::new(),
                    }),
                    Some("saved") => Some(State::Saved {
                        files: entry["files"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|f| f.as_str().map(PathBuf::from))
                            .collect(),
                    }),
                    Some("failed") => Some(State::Failed),
                    Some("submitting") => Some(State::Submitting),
                    _ => None,
                };
                if let Some(state) = state {
                    states.insert(key.to_owned(), state);
                }
            }
        }
        Ok(Self {
            path,
            states,
            writer: Mutex::new(()),
        })
    }

    /// The jobs submitted and not yet saved: what a rerun adopts.
    pub fn in_flight(&self) -> Vec<String> {
        self.states
            .values()
            .filter_map(|state| match state {
                State::Submitted { job_id, .. } => Some(job_id.clone()),
                _ => None,
            })
            .collect()
    }

    /// What earlier runs recorded for this request.
    pub fn state(&self, key: &str) -> Option<&State> {
        self.states.get(key)
    }

    /// Records that the request is about to be submitted, so a run stopped
    /// before the job id comes back is known to have maybe paid.
    /// `details` (the model and size, say) are kept for the contact sheet.
    pub fn submitting(
        &self,
        key: &str,
        line: usize,
        prompt: &str,
        details: &Value,
    ) -> std::io::Result<()> {
        self.append(json!({
            "key": key, "line": line, "prompt": prompt, "state": "submitting", "details": details,
        }))
    }

    /// Records that the request was submitted as `job_id`, durably, before
    /// anything waits for the job.
    pub fn submitted(
        &self,
        key: &str,
        line: usize,
        prompt: &str,
        job_id: &str,
    ) -> std::io::Result<()> {
        self.append(json!({
            "key": key, "line": line, "prompt": prompt, "state": "submitted", "job_id": job_id,
        }))
    }

    /// Records that one output (by its index in the job's outputs) was saved
    /// as `path`, so a rerun keeps it instead of fetching it again.
    pub fn file_saved(
        &self,
        key: &str,
        index: usize,
        path: &Path,
        seed: Option<i64>,
    ) -> std::io::Result<()> {
        self.append(
            json!({"key": key, "state": "file", "index": index, "path": path, "seed": seed}),
        )
    }

    /// Records that every output of the request was saved.
    pub fn saved(
        &self,
        key: &str,
        line: usize,
        job_id: &str,
        files: &[PathBuf],
    ) -> std::io::Result<()> {
        self.append(json!({
            "key": key, "line": line, "state": "saved", "job_id": job_id, "files": files,
        }))
    }

    /// Records why a request failed, for the contact sheet; what a rerun
    /// does is decided by the other entries.
    pub fn error(&self, key: &str, line: usize, error: &Value) -> std::io::Result<()> {
        self.append(json!({"key": key, "line": line, "state": "error", "error": error}))
    }

    /// Records a line of the batch file that is not a request, for the
    /// contact sheet.
    pub fn rejected(&self, line: usize, text: &str, problem: &str) -> std::io::Result<()> {
        let key = format!("line-{line}-{}", request_key(&json!(text), None));
        self.append(json!({
            "key": key, "line": line, "prompt": text, "state": "rejected", "problem": problem,
        }))
    }

    /// Records that a submission was refused, so certainly made no job: a
    /// rerun submits it again, without a doubt about an earlier charge.
    pub fn not_submitted(&self, key: &str, line: usize) -> std::io::Result<()> {
        self.append(json!({"key": key, "line": line, "state": "failed", "job_id": null}))
    }

    /// Records that a request was not submitted because its estimate was
    /// over what `--max-operations` left (`reason`): a rerun submits it, so
    /// a rerun with a higher cap carries on where this one stopped.
    pub fn skipped(&self, key: &str, line: usize, text: &str, reason: &str) -> std::io::Result<()> {
        self.append(json!({
            "key": key, "line": line, "prompt": text, "state": "skipped", "reason": reason,
        }))
    }

    /// Records that the job ended without results.
    pub fn failed(&self, key: &str, line: usize, job_id: &str) -> std::io::Result<()> {
        self.append(json!({"key": key, "line": line, "state": "failed", "job_id": job_id}))
    }

    /// Records a job submitted by a `firefly mcp` call whose client went
    /// away before it ended: paid for, its outputs not (all) saved, and
    /// `problem` says what became of it (cancelled, or why not). A rerun
    /// leaves it alone (it is not a request of the batch); the contact
    /// sheet shows it with its job id.
    pub fn interrupted(
        &self,
        key: &str,
        tool: &str,
        prompt: Option<&str>,
        job_id: &str,
        problem: &str,
    ) -> std::io::Result<()> {
        self.append(json!({
            "key": key, "state": "interrupted", "tool": tool, "prompt": prompt,
            "job_id": job_id, "problem": problem,
        }))
    }

    fn append(&self, entry: Value) -> std::io::Result<()> {
        let _one_writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let mut file =
            crate::files::open_regular(&self.path, OpenOptions::new().create(true).append(true))?;
        let mut line = entry.to_string();
        line.push('\n');
        file.write_all(line.as_bytes())?;
        file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder for one test's journal, not yet made (the journal makes
    /// it), in a temporary directory removed when the first value is dropped.
    fn scratch(name: &str) -> (tempfile::TempDir, PathBuf) {
        let parent = tempfile::Builder::new()
            .prefix(&format!("firefly-journal-{name}-"))
            .tempdir()
            .unwrap();
        let dir = parent.path().join("out");
        (parent, dir)
    }

    #[test]
    fn states_survive_a_reopen_and_the_last_one_wins() {
        let (_parent, dir) = scratch("reopen");
        let journal = Journal::open(&dir).unwrap();
        journal.submitted("k1", 1, "a cat", "job-1").unwrap();
        journal
            .file_saved("k1", 0, &dir.join("c.png"), Some(7))
            .unwrap();
        journal.submitted("k2", 2, "a dog", "job-2").unwrap();
        journal
            .saved("k2", 2, "job-2", &[dir.join("a.png")])
            .unwrap();
        let again = Journal::open(&dir).unwrap();
        assert_eq!(
            again.state("k1"),
            Some(&State::Submitted {
                job_id: "job-1".into(),
                files: [(0, dir.join("c.png"))].into_iter().collect(),
            })
        );
        assert_eq!(
            again.state("k2"),
            Some(&State::Saved {
                files: vec![dir.join("a.png")]
            })
        );
        assert_eq!(again.state("k3"), None);
    }

    #[test]
    fn an_interrupted_job_is_recorded_but_not_adopted() {
        let (_parent, dir) = scratch("interrupted");
        let journal = Journal::open(&dir).unwrap();
        journal
            .interrupted("k1", "generate_images", Some("a cat"), "job-1", "cancelled")
            .unwrap();
        let text = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap();
        let entry: Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(entry["state"], "interrupted");
        assert_eq!(entry["job_id"], "job-1");
        assert_eq!(entry["tool"], "generate_images");
        let again = Journal::open(&dir).unwrap();
        assert_eq!(again.state("k1"), None);
        assert!(again.in_flight().is_empty());
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let (_parent, dir) = scratch("torn");
        let journal = Journal::open(&dir).unwrap();
        journal.submitted("k1", 1, "a cat", "job-1").unwrap();
        let mut file = OpenOptions::new()
            .append(true)
            .open(dir.join(FILE_NAME))
            .unwrap();
        file.write_all(br#"{"key":"k1","state":"sav"#).unwrap();
        let again = Journal::open(&dir).unwrap();
        assert!(matches!(again.state("k1"), Some(State::Submitted { .. })));
    }

    #[test]
    fn a_line_longer_than_the_bound_is_skipped_and_the_next_one_read() {
        let entry = |prompt: &str| json!({"key": "k", "prompt": prompt}).to_string();
        // The longest line read: the bound exactly, its newline not counted.
        let fits = entry(&"a".repeat(MAX_LINE - entry("").len()));
        assert_eq!(fits.len(), MAX_LINE);
        let too_long = entry(&"b".repeat(MAX_LINE - entry("").len() + 1));
        let text = [entry("first"), too_long, fits.clone(), entry("last")].join("\n");
        let read: Vec<Value> = entries(text.as_bytes()).collect();
        let prompts: Vec<&str> = read.iter().map(|e| e["prompt"].as_str().unwrap()).collect();
        assert_eq!(prompts.len(), 3, "{}", prompts.len());
        assert_eq!(prompts[0], "first");
        assert_eq!(prompts[1].len(), fits.len() - entry("").len());
        assert_eq!(prompts[2], "last");
        // Without a newline at all: skipped, never held whole.
        let endless = std::io::repeat(b'x').take(64 * MAX_LINE as u64);
        assert_eq!(entries(endless).count(), 0);
    }

    #[test]
    fn keys_tell_requests_apart_by_every_option() {
        let a = request_key(&json!({"prompt": "a cat"}), None);
        assert_eq!(a, request_key(&json!({"prompt": "a cat"}), None));
        assert_ne!(
            a,
            request_key(&json!({"prompt": "a cat", "numVariations": 2}), None)
        );
        assert_ne!(
            a,
            request_key(&json!({"prompt": "a cat"}), Some("image4_ultra"))
        );
        assert_ne!(a, request_key(&json!({"prompt": "кошка"}), None));
    }
}
