//! `firefly image gallery DIR`: rebuilds a batch folder's contact sheet.

use std::{path::Path, process::ExitCode};

use serde_json::json;

use crate::{
    contact_sheet::{self, RowState},
    error::CliError,
    output::Output,
};

pub fn run(dir: &Path, out: &Output) -> Result<ExitCode, CliError> {
    if !dir.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is not a folder: give the output folder of `firefly image batch`",
            dir.display()
        )));
    }
    if !dir.join(crate::journal::FILE_NAME).is_file() {
        return Err(CliError::Usage(format!(
            "{} has no batch journal ({}): it is not the output folder of `firefly image batch`",
            dir.display(),
            crate::journal::FILE_NAME
        )));
    }
    let (path, sheet) = contact_sheet::write(dir).map_err(|source| CliError::OutputFile {
        path: dir.join(contact_sheet::FILE_NAME),
        source,
    })?;
    let (succeeded, failed, pending) = (
        sheet.count(RowState::Succeeded),
        sheet.count(RowState::Failed),
        sheet.count(RowState::Pending),
    );
    out.done(
        format!(
            "{}: {} prompts ({succeeded} succeeded, {failed} failed, {pending} pending), {} images",
            path.display(),
            sheet.rows.len(),
            sheet.images()
        ),
        json!({
            "index": path,
            "prompts": sheet.rows.len(),
            "succeeded": succeeded,
            "failed": failed,
            "pending": pending,
            "images": sheet.images(),
        }),
    );
    Ok(ExitCode::SUCCESS)
}
