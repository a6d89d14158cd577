//! `firefly audio ...` and `firefly video reframe`: Audio/Video API jobs.
//! Each command builds its request as Adobe's JSON, reads it as the SDK's
//! typed request (so Adobe's schema and prose rules are checked before
//! anything is sent), admits it against the run's spending limit, submits
//! it through the run's one client, waits for the job with a spinner and
//! downloads every output it lists, never over a file.

use std::{future::Future, process::ExitCode};

use adobe_firefly::{
    Api, EstimateCost, WaitOptions,
    audio_video::{AudioVideo, AudioVideoJob, AudioVideoRequest, AudioVideoStatus, types},
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{JobOutputs, save_job_outputs, usable_folder};
use crate::{
    args::{
        AudioCommand, DubArgs, MediaInput, MediaOutput, ReframeArgs, SpeechArgs, TranscribeArgs,
    },
    context::Context,
    error::CliError,
    save::{Fetch, Saved},
    terminal::terminal_safe,
};

/// Runs one `firefly audio` command.
pub async fn run(command: AudioCommand, ctx: &Context) -> Result<ExitCode, CliError> {
    match command {
        AudioCommand::Voices => voices(ctx).await,
        AudioCommand::Status { job_id } => status(&job_id, ctx).await,
        AudioCommand::Speech(args) => speech(args, ctx).await,
        AudioCommand::Transcribe(args) => transcribe(args, ctx).await,
        AudioCommand::Dub(args) => dub(args, ctx).await,
    }
}

/// `firefly video reframe`.
pub async fn reframe(args: ReframeArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let body = json!({
        "video": {"source": {"url": args.input.input}, "mediaType": media_type(&args.input, true)?},
        "outputConfig": {"aspectRatios": args.ratios},
    });
    let call = |av: &AudioVideo, r: types::ReframeRequest| {
        let av = av.clone();
        async move { av.reframe(r).await }
    };
    job(ctx, "video reframe", "reframe", body, &args.output, call).await
}

async fn voices(ctx: &Context) -> Result<ExitCode, CliError> {
    let voices = ctx.firefly()?.audio_video().voices().await?;
    let lines: Vec<String> = voices
        .voices
        .iter()
        .map(|voice| {
            let word = |value: Option<String>| terminal_safe(value.as_deref().unwrap_or("?"));
            format!(
                "{}\t{}\t{}\t{}",
                word(voice.voice_id.clone()),
                word(voice.display_name.clone()),
                word(voice.gender.clone()),
                word(voice.style.map(|style| style.to_string())),
            )
        })
        .collect();
    ctx.out
        .done(lines.join("\n"), json!({"voices": voices.voices}));
    Ok(ExitCode::SUCCESS)
}

async fn speech(args: SpeechArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let voice = match args.voice {
        Some(voice) => voice,
        // A dry run asks nothing: the voice stays a placeholder.
        None if ctx.spend.dry_run => "VOICE_ID".to_owned(),
        None => ctx
            .firefly()?
            .audio_video()
            .voices()
            .await?
            .voices
            .into_iter()
            .find_map(|voice| voice.voice_id)
            .ok_or_else(|| CliError::Usage("the API lists no voice; give --voice".into()))?,
    };
    let mut script = json!({"localeCode": args.locale, "mediaType": "text/plain"});
    match (args.text, args.script_url) {
        (_, Some(url)) => script["source"] = json!({"url": url}),
        (Some(text), None) => script["text"] = json!(text),
        (None, None) => return Err(CliError::Usage("give the text to speak".into())),
    }
    let body = json!({"voiceId": voice, "script": script, "output": {"mediaType": "audio/wav"}});
    let call = |av: &AudioVideo, r: types::SpeechRequest| {
        let av = av.clone();
        async move { av.generate_speech(r).await }
    };
    job(ctx, "audio speech", "speech", body, &args.output, call).await
}

async fn transcribe(args: TranscribeArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let mut body = media(&args.input)?;
    if !args.locales.is_empty() {
        body["targetLocaleCodes"] = json!(args.locales);
    }
    if args.captions {
        body["captions"] = json!({"targetFormats": ["SRT"]});
    }
    let call = |av: &AudioVideo, r: types::TranscribeRequest| {
        let av = av.clone();
        async move { av.transcribe(r).await }
    };
    job(
        ctx,
        "audio transcribe",
        "transcript",
        body,
        &args.output,
        call,
    )
    .await
}

async fn dub(args: DubArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let mut body = media(&args.input)?;
    if !args.locales.is_empty() {
        body["targetLocaleCodes"] = json!(args.locales);
    }
    if !args.transcripts.is_empty() {
        let transcripts: Vec<Value> = args
            .transcripts
            .iter()
            .map(|url| json!({"source": {"url": url}}))
            .collect();
        body["transcripts"] = json!(transcripts);
    }
    if args.lip_sync {
        if body.get("video").is_none() {
            return Err(CliError::Usage("--lip-sync needs a video".into()));
        }
        body["lipSync"] = json!(true);
    }
    let call = |av: &AudioVideo, r: types::DubRequest| {
        let av = av.clone();
        async move { av.dub(r).await }
    };
    job(ctx, "audio dub", "dub", body, &args.output, call).await
}

/// The media type of the input: given, or from the URL's extension.
fn media_type(input: &MediaInput, video_only: bool) -> Result<String, CliError> {
    if let Some(given) = &input.media_type {
        return Ok(given.clone());
    }
    let path = input.input.split(['?', '#']).next().unwrap_or_default();
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let guessed = match extension.as_deref() {
        Some("mp4" | "m4v") => Some("video/mp4"),
        Some("mov") => Some("video/quicktime"),
        Some("wav") if !video_only => Some("audio/wav"),
        Some("mp3") if !video_only => Some("audio/mpeg"),
        Some("aac") if !video_only => Some("audio/aac"),
        _ => None,
    };
    guessed.map(str::to_owned).ok_or_else(|| {
        CliError::Usage(format!(
            "cannot tell the media type of {} from its name: give --media-type",
            terminal_safe(path)
        ))
    })
}

/// The request's `audio` or `video`, by the input's media type.
fn media(input: &MediaInput) -> Result<Value, CliError> {
    let media_type = media_type(input, false)?;
    let field = if media_type.starts_with("video/") {
        "video"
    } else {
        "audio"
    };
    Ok(json!({field: {"source": {"url": input.input}, "mediaType": media_type}}))
}

/// Types, checks, admits, submits and waits for one job, then saves its
/// outputs and reports.
async fn job<T, F, Sent>(
    ctx: &Context,
    command: &'static str,
    stem: &str,
    body: Value,
    output: &MediaOutput,
    operation: F,
) -> Result<ExitCode, CliError>
where
    T: AudioVideoRequest + DeserializeOwned + Serialize + EstimateCost,
    F: FnOnce(&AudioVideo, T) -> Sent,
    Sent: Future<Output = Result<AudioVideoJob, adobe_firefly::Error>>,
{
    let request: T = serde_json::from_value(body.clone())
        .map_err(|e| CliError::Usage(format!("the request is not one Adobe accepts: {e}")))?;
    let audio_video = ctx.firefly()?.audio_video();
    audio_video.check(&request)?;
    // A job is paid for: a folder that cannot take its outputs is found
    // before it is submitted.
    usable_folder(&output.output)?;
    let admitted = ctx.spend.admit(Api::AudioVideo, command, &request)?;
    let job = operation(audio_video, request).await?;
    ctx.spend.submitted(&admitted, &job.job_id);
    let done = wait(audio_video, &job, &ctx.wait, ctx).await;
    ctx.spend.ended(&admitted, &job.job_id, &done);
    let done = done?;
    let fetches = fetches_of(&done);
    let outputs = JobOutputs {
        job_id: &job.job_id,
        status_command: crate::error::AUDIO_VIDEO_STATUS,
        fetches: &fetches,
    };
    let saved = save_job_outputs(ctx, outputs, &output.output, stem, &body).await?;
    let lines: Vec<String> = saved.iter().map(Saved::line).collect();
    ctx.out.done(
        lines.join("\n"),
        json!({
            "job_id": job.job_id,
            "status": done.status,
            "outputs": saved.iter().map(Saved::json).collect::<Vec<_>>(),
            "result": done,
        }),
    );
    Ok(ExitCode::SUCCESS)
}

/// Waits for the job with a spinner. Ctrl-C stops the waiting, not the
/// job (the API has no cancel), and names the job.
async fn wait(
    audio_video: &AudioVideo,
    job: &AudioVideoJob,
    options: &WaitOptions,
    ctx: &Context,
) -> Result<AudioVideoStatus, CliError> {
    let spinner = ctx.out.spinner(&job.job_id);
    spinner.set_message("waiting for the Audio/Video API");
    let finished = tokio::select! {
        finished = audio_video.wait_for_job_with(job, options, |status| {
            if let Some(word) = &status.status {
                spinner.set_message(format!("Audio/Video job {word}"));
            }
        }) => finished.map_err(CliError::from),
        _ = tokio::signal::ctrl_c() => Err(CliError::AudioVideoInterrupted {
            job_id: job.job_id.clone(),
        }),
    };
    spinner.finish_and_clear();
    finished
}

/// The media type of an output, from its URL's extension.
fn output_type(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let media_type = match path.rsplit_once('.')?.1.to_ascii_lowercase().as_str() {
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "json" => "application/json",
        "srt" => "application/x-subrip",
        _ => return None,
    };
    Some(media_type.to_owned())
}

/// Every output the finished job lists, typed from its file extension.
fn fetches_of(done: &AudioVideoStatus) -> Vec<Fetch> {
    done.output_urls()
        .into_iter()
        .map(|url| Fetch {
            seed: None,
            url: Some(url.to_owned()),
            media_type: output_type(url),
        })
        .collect()
}

/// `firefly audio status JOB_ID`.
async fn status(job_id: &str, ctx: &Context) -> Result<ExitCode, CliError> {
    let audio_video = ctx.firefly()?.audio_video();
    let status = audio_video
        .job_status(&AudioVideoJob::new(job_id))
        .await
        .map_err(|error| CliError::AboutJob {
            job_id: job_id.to_owned(),
            error: Box::new(error.into()),
        })?;
    let word = status
        .status
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), ToString::to_string);
    let mut text = terminal_safe(&word);
    if let Some(code) = &status.error_code {
        text.push_str(&format!(
            "\n{}: {}",
            terminal_safe(code),
            terminal_safe(status.message.as_deref().unwrap_or_default())
        ));
    }
    for url in status.output_urls() {
        text.push('\n');
        text.push_str(&terminal_safe(url));
    }
    ctx.out.done(text, json!(status));
    Ok(ExitCode::SUCCESS)
}
