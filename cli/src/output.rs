//! What the tool prints: text or one JSON document (results and errors),
//! progress only on a terminal, and tables.

use std::{io::IsTerminal, time::Duration};

use adobe_firefly::types::JobStatusResponse;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::{error::CliError, terminal::terminal_safe};

/// Where results go: text for people, or one JSON document for programs.
pub struct Output {
    pub json: bool,
    show_progress: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self {
            json,
            show_progress: !json && std::io::stdout().is_terminal(),
        }
    }

    /// The final result of a command.
    pub fn done(&self, text: impl AsRef<str>, document: Value) {
        if self.json {
            println!("{document}");
        } else if !text.as_ref().is_empty() {
            println!("{}", text.as_ref());
        }
    }

    /// A failed command: the error on stderr, and as JSON on stdout with
    /// `--json` so scripts can read it.
    pub fn error(&self, error: &CliError) {
        eprintln!("error: {error}");
        if self.json {
            println!("{}", error.json());
        }
    }

    /// A progress bar target: drawn on a terminal, hidden otherwise.
    pub fn draw_target(&self) -> ProgressDrawTarget {
        if self.show_progress {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        }
    }

    /// A spinner for one job.
    pub fn spinner(&self, job_id: &str) -> ProgressBar {
        let spinner = ProgressBar::with_draw_target(None, self.draw_target());
        spinner.set_style(
            ProgressStyle::with_template("{spinner} {prefix} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.set_prefix(terminal_safe(job_id));
        spinner.set_message("submitted");
        spinner.enable_steady_tick(Duration::from_millis(120));
        spinner
    }
}

/// A job's state as Firefly named it, or `unknown` when the answer had none.
pub fn status_word(status: &JobStatusResponse) -> &str {
    status.status.as_ref().map_or("unknown", |s| s.as_str())
}

/// A job's state for a progress line: `running 40%`.
pub fn describe(status: &JobStatusResponse) -> String {
    let word = terminal_safe(status_word(status));
    match status.progress {
        Some(progress) => format!("{word} {progress:.0}%"),
        None => word,
    }
}

/// A plain text table with a header row. Columns are as wide as a
/// terminal draws their text: a CJK character takes two cells.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell}{}", " ".repeat(width - cell.width())))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(
        rows.iter()
            .map(|row| line(row.iter().map(String::as_str).collect())),
    );
    out.join("\n")
}

/// `23h 59m`, `5m 3s`, `42s`.
pub fn duration(span: Duration) -> String {
    let secs = span.as_secs();
    match (secs / 3600, (secs % 3600) / 60, secs % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, m, _) => format!("{h}h {m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_lines_up_wide_characters_as_a_terminal_draws_them() {
        let text = table(
            &["prompt", "status"],
            &[
                vec!["猫".into(), "succeeded".into()],
                vec!["a cat".into(), "failed".into()],
            ],
        );
        let columns: Vec<usize> = text
            .lines()
            .map(|line| {
                let prompt = line.split("  ").next().unwrap();
                line[..prompt.len()].width() + line[prompt.len()..].find(|c| c != ' ').unwrap()
            })
            .collect();
        assert!(
            columns.iter().all(|c| *c == columns[0]),
            "{text}\n{columns:?}"
        );
    }
}
