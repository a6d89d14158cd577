//! One module per subcommand, each with a `run` (or one function per
//! subcommand it covers) taking its parsed arguments and the run's
//! [`Context`](crate::context::Context) (or only its [`Output`]); plus what
//! several commands share: waiting for a job and saving what it made.

pub mod audio_video;
pub mod batch;
pub mod doctor;
pub mod emulator;
pub mod gallery;
pub mod generate;
pub mod image5_and_composites;
pub mod image_ops;
pub mod indesign;
pub mod jobs;
pub mod models;
pub mod photoshop;
pub mod quota;
pub mod secrets;
pub mod shell;
pub mod substance3d;
pub mod token;
pub mod upload;
pub mod video;

use std::{fmt::Display, path::Path, process::ExitCode};

use adobe_firefly::{Firefly, WaitOptions, types::JobAccepted};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    args::Saving,
    error::CliError,
    naming,
    output::{self, Output},
    save::{self, Fetch, Naming, Saved},
    show,
};

/// [`finish`] for a job just submitted through the run's spending rules:
/// the audit log gets its submission before the waiting and its outcome
/// after.
pub async fn finish_paid(
    ctx: &crate::context::Context,
    admitted: crate::spend::Admitted,
    job: JobAccepted,
    destination: &Destination<'_>,
) -> Result<ExitCode, CliError> {
    let firefly = ctx.firefly()?;
    let job_id = job.job_id.clone();
    ctx.spend.submitted(&admitted, &job_id);
    let finished = finish(firefly, job, destination, &ctx.out, &ctx.wait).await;
    ctx.spend.ended(&admitted, &job_id, &finished);
    finished
}

/// Builds a request from its builder, as the SDK would, so that it can be
/// hashed for its file names before it is sent.
pub fn built<T, B>(builder: B) -> Result<T, CliError>
where
    B: TryInto<T>,
    B::Error: Display,
{
    builder
        .try_into()
        .map_err(|e| CliError::Usage(format!("incomplete request: {e}")))
}

/// Checks that `dir` can take the outputs (making it if needed), before
/// anything is uploaded or paid for.
pub fn usable_folder(dir: &Path) -> Result<(), CliError> {
    save::check_folder(dir).map_err(|source| CliError::OutputFolder {
        path: dir.to_owned(),
        source,
    })
}

/// Where a command saves its outputs and how it names them.
pub struct Destination<'a> {
    pub dir: &'a Path,
    /// The readable start of the names (the prompt's slug, say).
    pub stem: String,
    /// A hash of the whole request (and model), for names that are taken.
    pub request_hash: String,
    /// `--force`: replace a file with the same name.
    pub force: bool,
    /// `--show`: print the images in the terminal.
    pub show: bool,
}

impl<'a> Destination<'a> {
    /// The destination of a request, once its folder is known to take
    /// files: a job is paid for, so a folder that cannot hold its outputs
    /// is found before it is submitted.
    pub fn new(
        dir: &'a Path,
        stem: String,
        request: &impl Serialize,
        model: Option<&str>,
        force: bool,
    ) -> Result<Self, CliError> {
        usable_folder(dir)?;
        let body = serde_json::to_value(request).unwrap_or_default();
        Ok(Self {
            dir,
            stem,
            request_hash: naming::request_key(&body, model),
            force,
            show: false,
        })
    }

    /// The destination of an image command: its `-o`, `--force` and
    /// `--show`.
    pub fn of_images(
        options: &'a Saving,
        stem: String,
        request: &impl Serialize,
        model: Option<&str>,
    ) -> Result<Self, CliError> {
        Ok(Self::new(&options.output, stem, request, model, options.force)?.showing(options.show))
    }

    /// With `--show`.
    pub fn showing(mut self, show: bool) -> Self {
        self.show = show;
        self
    }
}

/// Waits for a job with a progress spinner, saves its outputs in the
/// destination (never over an existing file unless forced) and reports them.
pub async fn finish(
    firefly: &Firefly,
    job: JobAccepted,
    destination: &Destination<'_>,
    out: &Output,
    wait: &WaitOptions,
) -> Result<ExitCode, CliError> {
    let spinner = out.spinner(&job.job_id);
    // From here the job is paid for: Ctrl-C stops the waiting and saving,
    // not the job, so its id is printed for `firefly job status`.
    let finished = tokio::select! {
        finished = wait_and_save(firefly, &job, destination, wait, &spinner) => finished,
        _ = tokio::signal::ctrl_c() => Err(CliError::Interrupted { job_id: job.job_id.clone() }),
    };
    spinner.finish_and_clear();
    let (saved, alt_text) = finished?;
    let mut lines: Vec<String> = saved.iter().map(Saved::line).collect();
    if let Some(alt_text) = &alt_text {
        lines.push(format!(
            "alt text: {}",
            crate::terminal::terminal_safe(alt_text)
        ));
    }
    out.done(
        lines.join("\n"),
        json!({
            "job_id": job.job_id,
            "outputs": saved.iter().map(Saved::json).collect::<Vec<_>>(),
            "alt_text": alt_text,
        }),
    );
    if destination.show && show::available(out.json) {
        show::images(saved.iter().map(|s| s.path.as_path()));
    }
    Ok(ExitCode::SUCCESS)
}

async fn wait_and_save(
    firefly: &Firefly,
    job: &JobAccepted,
    destination: &Destination<'_>,
    wait: &WaitOptions,
    spinner: &indicatif::ProgressBar,
) -> Result<(Vec<Saved>, Option<String>), CliError> {
    let result = firefly
        .wait_for_job_with(job, wait, |status| {
            spinner.set_message(output::describe(status))
        })
        .await?;
    let naming = Naming {
        stem: &destination.stem,
        request_hash: &destination.request_hash,
        replace: destination.force,
    };
    let report = save::save_outputs(
        firefly,
        &result,
        destination.dir,
        &naming,
        &Default::default(),
        |_, _, _| {},
    )
    .await;
    if !report.unsaved.is_empty() {
        return Err(CliError::Unsaved {
            job_id: job.job_id.clone(),
            saved: report.saved,
            unsaved: report.unsaved,
            status_command: crate::error::FIREFLY_STATUS,
        });
    }
    // Adobe sends an empty alt text when it wrote none.
    let alt_text = result.alt_text.filter(|text| !text.trim().is_empty());
    Ok((report.saved, alt_text))
}

/// The outputs of a finished job to download, and what the user needs to
/// read the job again if one of them cannot be saved.
pub struct JobOutputs<'a> {
    /// The job, as its API names it.
    pub job_id: &'a str,
    /// How to read the job again (see [`CliError::Unsaved`]).
    pub status_command: &'static str,
    /// Each output's URL and type.
    pub fetches: &'a [Fetch],
}

/// Downloads a job's outputs into `dir`, never over a file, named from
/// `stem` and a hash of the request `body`. An output that cannot be saved
/// fails the command with the job's id, what was saved and each unsaved URL,
/// so nothing paid for is lost.
pub async fn save_job_outputs(
    ctx: &crate::context::Context,
    outputs: JobOutputs<'_>,
    dir: &Path,
    stem: &str,
    body: &Value,
) -> Result<Vec<Saved>, CliError> {
    if outputs.fetches.is_empty() {
        return Ok(Vec::new());
    }
    let request_hash = naming::request_key(body, None);
    let naming = Naming {
        stem,
        request_hash: &request_hash,
        replace: false,
    };
    let report = save::save_fetched(
        ctx.firefly()?,
        outputs.fetches,
        dir,
        &naming,
        &Default::default(),
        |_, _, _| {},
    )
    .await;
    if !report.unsaved.is_empty() {
        return Err(CliError::Unsaved {
            job_id: outputs.job_id.to_owned(),
            saved: report.saved,
            unsaved: report.unsaved,
            status_command: outputs.status_command,
        });
    }
    Ok(report.saved)
}
