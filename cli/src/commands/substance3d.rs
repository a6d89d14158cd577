//! `firefly substance ...`: Substance 3D jobs. Each command builds its
//! request as Adobe's JSON, reads it as the SDK's typed request (every
//! limit of Adobe's schema checked before anything is sent), admits it by
//! the run's spending rules, uploads its local inputs into one new space
//! (not in a dry run), submits it, waits for the job and downloads what it
//! made into the output folder, never over a file.

use std::{future::Future, path::PathBuf, process::ExitCode};

use adobe_firefly::{
    Api, Error, EstimateCost,
    substance3d::{
        Space, Substance3d, Substance3dJob, Substance3dRequest, Substance3dResult, types,
    },
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{JobOutputs, save_job_outputs, usable_folder};
use crate::{
    args::{SubstanceCommand, SubstanceInputs},
    context::Context,
    error::CliError,
    save::{Fetch, Saved},
    terminal::terminal_safe,
};

/// The space id a request holds for local files until they are uploaded
/// (and, in a dry run, in the request shown).
const PENDING_SPACE: &str = "(local files, uploaded when sent)";

/// An input as the command line gave it.
enum Input {
    Local(PathBuf),
    Url(String),
    Space(String),
}

impl Input {
    fn parse(value: &str) -> Result<Self, CliError> {
        if let Some(id) = value.strip_prefix("space:") {
            if id.trim().is_empty() {
                return Err(CliError::Usage("`space:` needs the space's id".into()));
            }
            return Ok(Self::Space(id.to_owned()));
        }
        if value.starts_with("https://") || value.starts_with("http://") {
            return Ok(Self::Url(value.to_owned()));
        }
        let path = PathBuf::from(value);
        // Checked now, so a wrong path costs nothing; read (regular files
        // only, bounded) when the space is made.
        match std::fs::metadata(&path) {
            Ok(metadata) if metadata.is_file() => Ok(Self::Local(path)),
            Ok(_) => Err(CliError::InputFile {
                path,
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
            }),
            Err(source) => Err(CliError::InputFile { path, source }),
        }
    }

    /// Its file name in the job's tree, when the command line shows it.
    fn name(&self) -> Option<String> {
        match self {
            Self::Local(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()),
            Self::Url(url) => url
                .split(['?', '#'])
                .next()
                .and_then(|path| path.rsplit('/').next())
                .filter(|name| !name.is_empty())
                .map(str::to_owned),
            Self::Space(_) => None,
        }
    }
}

/// The inputs: their sources (local files as one space, its id pending),
/// the local files, and the first input's name.
struct Sources {
    locals: Vec<PathBuf>,
    others: Vec<Value>,
    first_name: Option<String>,
}

impl Sources {
    fn of(common: &SubstanceInputs) -> Result<Self, CliError> {
        let inputs = common
            .inputs
            .iter()
            .map(|value| Input::parse(value))
            .collect::<Result<Vec<_>, _>>()?;
        let first_name = inputs.first().and_then(Input::name);
        let mut locals = Vec::new();
        let mut others = Vec::new();
        for input in inputs {
            match input {
                Input::Local(path) => locals.push(path),
                Input::Url(url) => others.push(json!({"url": {"url": url}})),
                Input::Space(id) => others.push(json!({"space": {"id": id}})),
            }
        }
        Ok(Self {
            locals,
            others,
            first_name,
        })
    }

    /// The request's `sources`, with the local files' space as `space_id`.
    fn json(&self, space_id: &str) -> Value {
        let mut sources = self.others.clone();
        if !self.locals.is_empty() {
            sources.insert(0, json!({"space": {"id": space_id}}));
        }
        json!(sources)
    }
}

/// What one command sends and saves.
struct Prepared {
    command: &'static str,
    body: Value,
    stem: &'static str,
    /// The media type of the scene files it writes, for their extension.
    scene_type: Option<&'static str>,
}

/// Runs one `firefly substance` command.
pub async fn run(command: SubstanceCommand, ctx: &Context) -> Result<ExitCode, CliError> {
    let (common, prepared) = match &command {
        SubstanceCommand::Render(args) => {
            let sources = Sources::of(&args.common)?;
            let model = args.model.clone().or(sources.first_name.clone());
            let mut body =
                json!({"size": {"width": args.width, "height": args.height}, "scene": {}});
            if let Some(model) = model {
                body["scene"]["modelFile"] = json!(model);
            }
            (
                &args.common,
                (
                    sources,
                    Prepared {
                        command: "substance render",
                        body,
                        stem: "render",
                        scene_type: None,
                    },
                ),
            )
        }
        SubstanceCommand::Compose(args) => {
            let sources = Sources::of(&args.common)?;
            let mut body = json!({"prompt": args.prompt, "heroAsset": args.hero,
                                  "numVariations": args.variations});
            if let Some(scene) = args.scene.clone().or(sources.first_name.clone()) {
                body["sceneFile"] = json!(scene);
            }
            if let (Some(width), Some(height)) = (args.width, args.height) {
                body["size"] = json!({"width": width, "height": height});
            }
            (
                &args.common,
                (
                    sources,
                    Prepared {
                        command: "substance compose",
                        body,
                        stem: "composite",
                        scene_type: None,
                    },
                ),
            )
        }
        SubstanceCommand::Assemble(args) => {
            let sources = Sources::of(&args.common)?;
            let mut body = json!({"encoding": args.format.api_name(), "fileBaseName": args.name,
                                  "scene": {}});
            if let Some(base) = args.base.clone().or(sources.first_name.clone()) {
                body["scene"]["baseFile"] = json!({"file": base});
            }
            let scene_type = Some(args.format.media_type());
            (
                &args.common,
                (
                    sources,
                    Prepared {
                        command: "substance assemble",
                        body,
                        stem: "assembled",
                        scene_type,
                    },
                ),
            )
        }
        SubstanceCommand::Convert(args) => {
            let sources = Sources::of(&args.common)?;
            let mut body = json!({"format": args.format.api_name()});
            if let Some(entry) = &args.entry {
                body["modelEntrypoint"] = json!(entry);
            }
            let scene_type = Some(args.format.media_type());
            (
                &args.common,
                (
                    sources,
                    Prepared {
                        command: "substance convert",
                        body,
                        stem: "converted",
                        scene_type,
                    },
                ),
            )
        }
        SubstanceCommand::Describe(args) => {
            let sources = Sources::of(&args.common)?;
            let mut body = json!({});
            if let Some(scene) = &args.scene {
                body["sceneFile"] = json!(scene);
            }
            (
                &args.common,
                (
                    sources,
                    Prepared {
                        command: "substance describe",
                        body,
                        stem: "described",
                        scene_type: None,
                    },
                ),
            )
        }
    };
    let (sources, prepared) = prepared;
    let describes = matches!(command, SubstanceCommand::Describe(_));
    // A job is paid for: a folder that cannot take its outputs is found
    // before it is submitted.
    if !describes {
        usable_folder(&common.output)?;
    }
    let substance = ctx.firefly()?.substance3d();
    let (job, space) = match &command {
        SubstanceCommand::Render(_) => {
            send(
                ctx,
                substance,
                &sources,
                &prepared,
                |r: types::RenderBasicRequest| substance.render_model(r),
            )
            .await?
        }
        SubstanceCommand::Compose(_) => {
            send(
                ctx,
                substance,
                &sources,
                &prepared,
                |r: types::ComposeRequest| substance.compose_scene(r),
            )
            .await?
        }
        SubstanceCommand::Assemble(_) => {
            send(
                ctx,
                substance,
                &sources,
                &prepared,
                |r: types::AssembleRequest| substance.assemble_scene(r),
            )
            .await?
        }
        SubstanceCommand::Convert(_) => {
            send(
                ctx,
                substance,
                &sources,
                &prepared,
                |r: types::ConvertRequest| substance.convert_model(r),
            )
            .await?
        }
        SubstanceCommand::Describe(_) => {
            send(
                ctx,
                substance,
                &sources,
                &prepared,
                |r: types::DescribeRequest| substance.describe_scene(r),
            )
            .await?
        }
    };
    let (job, admitted) = job;
    let spinner = ctx.out.spinner(&job.id);
    spinner.set_message("waiting for Substance 3D");
    let done = substance
        .wait_for_job_with(&job, &ctx.wait, |status| {
            spinner.set_message(format!("Substance 3D: {}", terminal_safe(&status.status)));
        })
        .await
        .map_err(CliError::from);
    spinner.finish_and_clear();
    ctx.spend.ended(&admitted, &job.id, &done);
    let done = done?;
    let result = done.result.as_ref();
    let urls: Vec<&str> = result
        .map(Substance3dResult::output_urls)
        .unwrap_or_default();
    let fetches: Vec<Fetch> = urls
        .iter()
        .map(|url| Fetch {
            seed: None,
            url: Some((*url).to_owned()),
            media_type: prepared.scene_type.map(str::to_owned),
        })
        .collect();
    let outputs = JobOutputs {
        job_id: &job.id,
        status_command: SUBSTANCE_STATUS,
        fetches: &fetches,
    };
    let saved =
        save_job_outputs(ctx, outputs, &common.output, prepared.stem, &prepared.body).await?;
    let mut lines: Vec<String> = Vec::new();
    if let Some(space) = &space {
        lines.push(format!(
            "uploaded into space {} (expires {})",
            terminal_safe(&space.id),
            terminal_safe(&space.expiry)
        ));
    }
    if let Some(Substance3dResult::Describe(described)) = result {
        let stats = &described.stats;
        lines.push(format!(
            "{} meshes, {} faces, {} textures; cameras: {}; materials: {}",
            stats.num_meshes,
            stats.num_faces,
            stats.num_textures,
            terminal_safe(&stats.camera_names.clone().unwrap_or_default().join(", ")),
            terminal_safe(&stats.material_names.clone().unwrap_or_default().join(", ")),
        ));
    }
    lines.extend(saved.iter().map(Saved::line));
    let result_json = match result {
        Some(Substance3dResult::Render(r)) => json!(r),
        Some(Substance3dResult::Compose(r)) => json!(r),
        Some(Substance3dResult::Assemble(r)) => json!(r),
        Some(Substance3dResult::Convert(r)) => json!(r),
        Some(Substance3dResult::Describe(r)) => json!(r),
        _ => Value::Null,
    };
    ctx.out.done(
        lines.join("\n"),
        json!({
            "job_id": job.id,
            "job_url": job.url,
            "status": done.status,
            "space": space.as_ref().map(|space| json!({"id": space.id, "expiry": space.expiry})),
            "outputs": saved.iter().map(Saved::json).collect::<Vec<_>>(),
            "result": result_json,
        }),
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks and admits the request, uploads the local inputs into a new
/// space (not in a dry run), and submits it; the job, what the spending
/// rules admitted, and the space made.
async fn send<T, F, Sent>(
    ctx: &Context,
    substance: &Substance3d,
    sources: &Sources,
    prepared: &Prepared,
    operation: F,
) -> Result<((Substance3dJob, crate::spend::Admitted), Option<Space>), CliError>
where
    T: Substance3dRequest + DeserializeOwned + Serialize + EstimateCost,
    F: FnOnce(T) -> Sent,
    Sent: Future<Output = Result<Substance3dJob, Error>>,
{
    let with_sources = |space_id: &str| -> Result<T, CliError> {
        let mut body = prepared.body.clone();
        body["sources"] = sources.json(space_id);
        serde_json::from_value(body).map_err(|error| {
            CliError::Usage(format!("Substance 3D would refuse the request: {error}"))
        })
    };
    let request = with_sources(PENDING_SPACE)?;
    substance.check(&request)?;
    let admitted = ctx
        .spend
        .admit(Api::Substance3d, prepared.command, &request)?;
    let (request, space) = if sources.locals.is_empty() || ctx.spend.dry_run {
        (request, None)
    } else {
        let space = substance.create_space(&sources.locals).await?;
        (with_sources(&space.id)?, Some(space))
    };
    let job = operation(request).await?;
    ctx.spend.submitted(&admitted, &job.id);
    Ok(((job, admitted), space))
}

/// How a Substance 3D job is read again: at its URL, which `--json`
/// prints as `job_url`.
const SUBSTANCE_STATUS: &str = "the job's URL (`job_url` in --json) for";
