//! The tools, declared once in [`TOOLS`]: each one's name, what it tells
//! the model (including what it costs), its input schema and what a call
//! does. `tools/list` and `tools/call` both read that one table.

use std::sync::Arc;

use adobe_firefly::types::{
    AdaptiveCompositeRequest, ExpandImageRequest, FillImageRequest, GenerateObjectCompositeRequest,
    GenerateVideoRequest, Image5Request, PreciseCompositeRequest, UpscaleRequest,
};
use futures::future::BoxFuture;
use rmcp::model::{CallToolResult, JsonObject, Tool, ToolAnnotations};
use serde_json::Value;

use super::{
    audio_video,
    call::Call,
    firefly_jobs::{GenerateImages, GenerateSimilar, job},
    indesign,
    lookups::{self, Doctor, JobId, ListCustomModels, UploadImage},
    photoshop::{self, PhotoshopJobId},
    results::Made,
    schema, substance3d,
};
use crate::naming;

/// Said of every Firefly tool that makes something.
const COSTS: &str = "Each call spends Firefly generative credits of the configured Adobe \
organization and counts against its request quota (by default 4 requests a minute); \
the call waits for quota another call is using. Files are saved in the server's output \
folder and never overwrite existing ones; the result lists their paths, the pre-signed \
URLs (valid about an hour) and the seeds (pass a seed again to reproduce an image).";

/// How each paying kind is estimated (the SDK's `EstimateCost`, from
/// Adobe's published billing units), and what a cap does.
const IMAGES_ESTIMATE: &str = "Estimated cost: 1 Adobe operation per image made \
(numVariations, default 1).";
const VIDEO_ESTIMATE: &str = "Estimated cost: 0.4, 1 or 2 Adobe operations per second of \
video at 540p, 720p or 1080p (a clip counts as 5 seconds).";
const PHOTOSHOP_ESTIMATE: &str = "Estimated cost: 1 Adobe operation per job (Adobe publishes \
no billing unit for Photoshop API v2).";
const SUBSTANCE_ESTIMATE: &str = "Estimated cost: 1 Adobe operation per job (Adobe publishes \
no billing unit for Substance 3D).";
/// Said of every Substance 3D tool.
const SUBSTANCE_TERMS: &str = "Substance 3D reads its files from URLs or spaces: give each \
source as {\"url\": {\"url\": \"https://...\"}} or {\"space\": {\"id\": \"...\"}}, never \
inline. The render is downloaded into the server's output folder (never over an existing \
file). Each call counts against the organization's quota and may be billed. Cancelling the \
call stops the waiting; the job goes on.";
const AUDIO_VIDEO_ESTIMATE: &str = "Estimated cost: 1 Adobe operation per job (Adobe \
publishes no billing unit for the Audio/Video API).";

/// Said of every Audio/Video tool.
const AUDIO_VIDEO_TERMS: &str = "Every file (media, script, transcript) is given by URL \
(`source.url`, a pre-signed https URL for private storage), never inline. Every output \
the job lists is downloaded into the server's output folder (never over an existing \
file). Each call counts against the API's per-operation limits and may be billed. \
Progress is reported while the job runs; cancelling the call stops the waiting, but the \
API has no way to cancel a job: it goes on.";

const CAPPED: &str = "When the server runs with --max-operations, a call whose estimate is \
over what is left is refused with what is left, and nothing is sent.";

const IMAGES_RESULT: &str = "Returns a preview of each image (at most 512 px) besides the \
saved paths.";

/// Said of every Photoshop tool.
const PHOTOSHOP_TERMS: &str = "Photoshop reads its inputs from cloud storage: give each file \
as {\"url\": \"https://...\"} (a pre-signed URL) or {\"creativeCloudPath\": \"...\"}; a local \
file must be staged in cloud storage first. `outputs` may be left out: one output is then \
kept by Adobe for an hour and downloaded into the server's output folder (never over an \
existing file). Each call counts against the organization's Photoshop quota and may be \
billed. Progress is reported while the job runs; cancelling the call stops the waiting, \
but Photoshop has no way to cancel a job: it goes on (photoshop_job_status reads it).";

/// What a tool does, for its annotations and the terms added to its
/// description.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A Firefly job that makes images or a video, paid for.
    Makes(Made),
    /// A Photoshop job.
    Photoshop,
    /// A Substance 3D job.
    Substance3d,
    /// An Audio/Video job.
    AudioVideo,
    /// Reads something; spends nothing.
    Reads,
    /// Anything else (an upload, a cancellation).
    Other,
}

/// What a call does: given the call and its arguments, its answer.
pub type Run = for<'a> fn(Call<'a>, Value) -> BoxFuture<'a, CallToolResult>;

/// One tool.
pub struct ToolSpec {
    pub name: &'static str,
    pub kind: Kind,
    /// What it does; the terms of its kind are added.
    pub description: &'static str,
    pub schema: fn() -> Arc<JsonObject>,
    pub run: Run,
}

/// A [`Run`] from the body of an async function of `call` and `arguments`.
macro_rules! run {
    (|$call:ident, $arguments:ident| $body:expr) => {{
        #[allow(unused_mut)]
        fn run(mut $call: Call<'_>, $arguments: Value) -> BoxFuture<'_, CallToolResult> {
            Box::pin(async move { $body })
        }
        run as Run
    }};
}

/// Every tool, in the order `tools/list` gives them.
pub static TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "generate_images",
        kind: Kind::Makes(Made::Images),
        description: "Generate 1 to 4 images from a text prompt with Adobe Firefly.",
        schema: schema::input_schema::<GenerateImages>,
        run: run!(|call, arguments| {
            let stem = |args: &GenerateImages| naming::slug(&args.request.prompt);
            job(
                &mut call,
                arguments,
                Made::Images,
                stem,
                |firefly, args: GenerateImages| async move {
                    match args.model {
                        Some(model) => {
                            firefly
                                .generate_images_with_model(args.request, model)
                                .await
                        }
                        None => firefly.generate_images(args.request).await,
                    }
                },
            )
            .await
        }),
    },
    ToolSpec {
        name: "generate_similar_images",
        kind: Kind::Makes(Made::Images),
        description: "Generate variations of an image.",
        schema: schema::input_schema::<GenerateSimilar>,
        run: run!(|call, arguments| {
            let stem = |_: &GenerateSimilar| "similar".to_owned();
            job(
                &mut call,
                arguments,
                Made::Images,
                stem,
                |firefly, args: GenerateSimilar| async move {
                    match args.model {
                        Some(model) => {
                            firefly
                                .generate_similar_images_with_model(args.request, model)
                                .await
                        }
                        None => firefly.generate_similar_images(args.request).await,
                    }
                },
            )
            .await
        }),
    },
    ToolSpec {
        name: "expand_image",
        kind: Kind::Makes(Made::Images),
        description: "Expand an image beyond its borders to a new size, optionally guided by a \
                      prompt.",
        schema: schema::input_schema::<ExpandImageRequest>,
        run: run!(|call, arguments| {
            let stem = |_: &ExpandImageRequest| "expanded".to_owned();
            job(
                &mut call,
                arguments,
                Made::Images,
                stem,
                |firefly, request| async move { firefly.expand_image(request).await },
            )
            .await
        }),
    },
    ToolSpec {
        name: "fill_image",
        kind: Kind::Makes(Made::Images),
        description: "Fill the masked area of an image (the mask's white part), optionally \
                      guided by a prompt.",
        schema: schema::input_schema::<FillImageRequest>,
        run: run!(|call, arguments| {
            let stem = |_: &FillImageRequest| "filled".to_owned();
            job(
                &mut call,
                arguments,
                Made::Images,
                stem,
                |firefly, request| async move { firefly.fill_image(request).await },
            )
            .await
        }),
    },
    ToolSpec {
        name: "generate_object_composite",
        kind: Kind::Makes(Made::Images),
        description: "Place the object of an image into a scene generated from a prompt.",
        schema: schema::input_schema::<GenerateObjectCompositeRequest>,
        run: run!(|call, arguments| {
            let stem = |request: &GenerateObjectCompositeRequest| naming::slug(&request.prompt);
            job(
                &mut call,
                arguments,
                Made::Images,
                stem,
                |firefly, request| async move { firefly.generate_object_composite(request).await },
            )
            .await
        }),
    },
    ToolSpec {
        name: "generate_video",
        kind: Kind::Makes(Made::Video),
        description: "Generate a short video from a prompt, optionally starting from an image. \
                      Takes minutes; returns the saved path and URL, no preview.",
        schema: schema::input_schema::<GenerateVideoRequest>,
        run: run!(|call, arguments| {
            let stem = |request: &GenerateVideoRequest| {
                naming::slug(request.prompt.as_deref().unwrap_or("video"))
            };
            job(
                &mut call,
                arguments,
                Made::Video,
                stem,
                |firefly, request| async move { firefly.generate_video(request).await },
            )
            .await
        }),
    },
    ToolSpec {
        name: "image5",
        kind: Kind::Makes(Made::Images),
        description: "Generate one image from a prompt with Firefly Image Model 5, or edit an \
                      image: give one image in referenceBlobs and say in the prompt how to \
                      change it (the edit keeps the image's shape: leave aspectRatio out or set \
                      it to auto). prompt_reasoner `quality` also describes the image \
                      (altText).",
        schema: schema::input_schema::<Image5Request>,
        run: run!(|call, arguments| {
            let stem = |request: &Image5Request| naming::slug(&request.prompt);
            job(
                &mut call,
                arguments,
                Made::Images,
                stem,
                |firefly, request| async move { firefly.generate_image5(request).await },
            )
            .await
        }),
    },
    ToolSpec {
        name: "upscale_image",
        kind: Kind::Makes(Made::Images),
        description: "Make an image 2, 3, 4 or 6 times (upscaleFactor) wider and taller; one \
                      output per seed (1 to 4 seeds, required).",
        schema: schema::input_schema::<UpscaleRequest>,
        run: run!(|call, arguments| {
            let stem = |_: &UpscaleRequest| "upscaled".to_owned();
            job(
                &mut call,
                arguments,
                Made::Images,
                stem,
                |firefly, request| async move { firefly.upscale_image(request).await },
            )
            .await
        }),
    },
    ToolSpec {
        name: "precise_composite",
        kind: Kind::Makes(Made::Images),
        description: "Place an object image into the area of a background image that \
                      fillAreaMask marks; blend (0 to 1) sets how much of the object's own look \
                      is kept (0: fully adapted to the scene, 1: as it is). 1 to 3 variations.",
        schema: schema::input_schema::<PreciseCompositeRequest>,
        run: run!(|call, arguments| {
            let stem = |_: &PreciseCompositeRequest| "composite".to_owned();
            job(
                &mut call,
                arguments,
                Made::Images,
                stem,
                |firefly, request| async move { firefly.precise_composite(request).await },
            )
            .await
        }),
    },
    ToolSpec {
        name: "adaptive_composite",
        kind: Kind::Makes(Made::Images),
        description: "Place an object image into the area of a background image that \
                      fillAreaMask marks, adapting its light and colour (harmonization) and \
                      shadow (shadowIntensity) to the scene. 1 to 3 variations.",
        schema: schema::input_schema::<AdaptiveCompositeRequest>,
        run: run!(|call, arguments| {
            let stem = |_: &AdaptiveCompositeRequest| "composite".to_owned();
            job(
                &mut call,
                arguments,
                Made::Images,
                stem,
                |firefly, request| async move { firefly.adaptive_composite(request).await },
            )
            .await
        }),
    },
    ToolSpec {
        name: "upload_image",
        kind: Kind::Other,
        description: "Upload a local image (JPEG, PNG, WebP, JPEG XL or TIFF, at most 15 MiB) \
                      to Firefly's storage and return `upload:<id>`, usable as the image of the \
                      other tools for about a day. Uploading spends no credits; the image tools \
                      also accept the path directly.",
        schema: schema::input_schema::<UploadImage>,
        run: run!(|call, arguments| lookups::upload_image(&call, arguments).await),
    },
    ToolSpec {
        name: "job_status",
        kind: Kind::Reads,
        description: "Read the status of a Firefly job by id: pending, running, succeeded (with \
                      its output URLs), failed, cancel_pending, cancelled or timeout (Firefly \
                      gave up on it). Spends no credits.",
        schema: schema::input_schema::<JobId>,
        run: run!(|call, arguments| lookups::job_status(&call, arguments).await),
    },
    ToolSpec {
        name: "cancel_job",
        kind: Kind::Other,
        description: "Cancel a running Firefly job by id. Credits already spent may not be \
                      refunded.",
        schema: schema::input_schema::<JobId>,
        run: run!(|call, arguments| lookups::cancel_job(&call, arguments).await),
    },
    ToolSpec {
        name: "list_custom_models",
        kind: Kind::Reads,
        description: "List the organization's custom Firefly models (ids to pass as \
                      customModelId with an *_custom model). Spends no credits.",
        schema: schema::input_schema::<ListCustomModels>,
        run: run!(|call, arguments| lookups::list_custom_models(&call, arguments).await),
    },
    ToolSpec {
        name: "doctor",
        kind: Kind::Reads,
        description: "Check why the Adobe credentials do not work: the configuration, the clock, \
                      IMS and the token's scopes, each API (with a request that spends \
                      nothing: not entitled, wrong scopes, rate limited...) and the fleet's \
                      Redis, each with a fix. Spends no credits.",
        schema: schema::input_schema::<Doctor>,
        run: run!(|call, _arguments| lookups::doctor(&call).await),
    },
    ToolSpec {
        name: "photoshop_edit",
        kind: Kind::Photoshop,
        description: "Edit a photo with Photoshop's Lightroom adjustments (edits: exposure, \
                      contrast, white balance, autoTone, ...); outputs JPEG by default, or PNG, \
                      DNG or XMP.",
        schema: photoshop::edit_schema,
        run: run!(|call, arguments| photoshop::edit(&mut call, arguments).await),
    },
    ToolSpec {
        name: "photoshop_actions",
        kind: Kind::Photoshop,
        description: "Play Photoshop actions (options.actions: .atn files or inline ActionJSON) \
                      on a document; outputs PNG by default.",
        schema: photoshop::actions_schema,
        run: run!(|call, arguments| photoshop::actions(&mut call, arguments).await),
    },
    ToolSpec {
        name: "photoshop_composite",
        kind: Kind::Photoshop,
        description: "Compose a Photoshop document: edit it and its layers (add, move, delete \
                      layers, text, smart objects, crop, resize) and export it; outputs PNG by \
                      default.",
        schema: photoshop::composite_schema,
        run: run!(|call, arguments| photoshop::composite(&mut call, arguments).await),
    },
    ToolSpec {
        name: "photoshop_artboard",
        kind: Kind::Photoshop,
        description: "Make one Photoshop document with an artboard per input image (images: 1 \
                      to 25); outputs a PSD by default.",
        schema: photoshop::artboard_schema,
        run: run!(|call, arguments| photoshop::artboard(&mut call, arguments).await),
    },
    ToolSpec {
        name: "photoshop_manifest",
        kind: Kind::Photoshop,
        description: "Describe a Photoshop document (its size and layer tree) as JSON, saved \
                      and returned.",
        schema: photoshop::manifest_schema,
        run: run!(|call, arguments| photoshop::manifest(&mut call, arguments).await),
    },
    ToolSpec {
        name: "photoshop_auto_crop",
        kind: Kind::Photoshop,
        description: "Crop an image to its subject at given aspect ratios (smartCrop, \
                      subjectCrop), or find what it shows (fullSceneDetection, objectDetection) \
                      with bounding boxes. The image is a URL only; the crops are downloaded.",
        schema: photoshop::auto_crop_schema,
        run: run!(|call, arguments| photoshop::auto_crop(&mut call, arguments).await),
    },
    ToolSpec {
        name: "substance_render",
        kind: Kind::Substance3d,
        description: "Render one 3D model with Substance 3D, framed automatically (scene: \
                      modelFile, camera, environment, materials; size, background, ground \
                      plane); the image is saved as a PNG.",
        schema: substance3d::render_schema,
        run: run!(|call, arguments| substance3d::render(&mut call, arguments).await),
    },
    ToolSpec {
        name: "photoshop_job_status",
        kind: Kind::Reads,
        description: "Read the status of a Photoshop job by id: pending, running, succeeded \
                      (with its outputs) or failed (with Adobe's reasons).",
        schema: schema::raw_input_schema::<PhotoshopJobId>,
        run: run!(|call, arguments| photoshop::job_status(&call, arguments).await),
    },
    ToolSpec {
        name: "speech",
        kind: Kind::AudioVideo,
        description: "Speak a script (script.text, or script.source.url of a text file) in one \
                      of the Audio/Video API's voices (voiceId) and save the WAV.",
        schema: audio_video::speech_schema,
        run: run!(|call, arguments| audio_video::speech(&mut call, arguments).await),
    },
    ToolSpec {
        name: "transcribe",
        kind: Kind::AudioVideo,
        description: "Transcribe an audio or video file (audio or video, with source.url), \
                      optionally into other languages (targetLocaleCodes) and with SRT \
                      captions; the transcripts (JSON) and captions are saved.",
        schema: audio_video::transcribe_schema,
        run: run!(|call, arguments| audio_video::transcribe(&mut call, arguments).await),
    },
    ToolSpec {
        name: "dub",
        kind: Kind::AudioVideo,
        description: "Dub an audio or video file (audio or video, with source.url) into other \
                      languages (targetLocaleCodes, or edited transcripts), optionally with \
                      lip sync for video; each dubbed file is saved.",
        schema: audio_video::dub_schema,
        run: run!(|call, arguments| audio_video::dub(&mut call, arguments).await),
    },
    ToolSpec {
        name: "reframe",
        kind: Kind::AudioVideo,
        description: "Reframe a video (video.source.url) to other aspect ratios \
                      (outputConfig.aspectRatios, such as 9:16), following its subject; each \
                      reframed MP4 is saved.",
        schema: audio_video::reframe_schema,
        run: run!(|call, arguments| audio_video::reframe(&mut call, arguments).await),
    },
    ToolSpec {
        name: "indesign_rendition",
        kind: Kind::Other,
        description: "Render an InDesign document as PDF, JPEG or PNG (params.outputMediaType, \
                      pageRange, resolution). Files by URL only: assets from pre-signed GET \
                      URLs, outputs written to pre-signed PUT URLs. Costs 1 operation per job \
                      (an estimate), within the server's --max-operations.",
        schema: indesign::rendition_schema,
        run: run!(|call, arguments| indesign::rendition(&mut call, arguments).await),
    },
    ToolSpec {
        name: "indesign_merge",
        kind: Kind::Other,
        description: "Merge the records of a CSV file into an InDesign template (params: \
                      targetDocument, dataSource, outputMediaType: INDD, PDF, JPEG or PNG). \
                      Files by URL only: assets from pre-signed GET URLs, outputs written to \
                      pre-signed PUT URLs. Costs 1 operation per job (an estimate), within the \
                      server's --max-operations.",
        schema: indesign::merge_schema,
        run: run!(|call, arguments| indesign::merge(&mut call, arguments).await),
    },
];

impl ToolSpec {
    /// The tool as `tools/list` describes it.
    fn tool(&self) -> Tool {
        let description = match self.kind {
            Kind::Makes(Made::Images) => format!(
                "{} {IMAGES_RESULT} {COSTS} {IMAGES_ESTIMATE} {CAPPED}",
                self.description
            ),
            Kind::Makes(Made::Video) => {
                format!("{} {COSTS} {VIDEO_ESTIMATE} {CAPPED}", self.description)
            }
            Kind::Photoshop => format!(
                "{} {PHOTOSHOP_TERMS} {PHOTOSHOP_ESTIMATE} {CAPPED}",
                self.description
            ),
            Kind::Substance3d => format!(
                "{} {SUBSTANCE_TERMS} {SUBSTANCE_ESTIMATE} {CAPPED}",
                self.description
            ),
            Kind::AudioVideo => format!(
                "{} {AUDIO_VIDEO_TERMS} {AUDIO_VIDEO_ESTIMATE} {CAPPED}",
                self.description
            ),
            Kind::Reads | Kind::Other => self.description.to_owned(),
        };
        let tool = Tool::new(self.name, description, (self.schema)());
        match self.kind {
            Kind::Makes(_) | Kind::Photoshop | Kind::AudioVideo | Kind::Substance3d => tool
                .annotate(
                    ToolAnnotations::new()
                        .read_only(false)
                        .destructive(false)
                        .idempotent(false)
                        .open_world(true),
                ),
            Kind::Reads => tool.annotate(ToolAnnotations::new().read_only(true).open_world(true)),
            Kind::Other => tool,
        }
    }
}

impl Kind {
    /// Whether a call only reads (a status, a list): what `--read-only`
    /// serves. Everything else spends, or changes something.
    fn only_reads(self) -> bool {
        matches!(self, Self::Reads)
    }
}

/// Every tool, as `tools/list` answers; with `read_only`, only the tools
/// that only read.
pub fn catalog(read_only: bool) -> Vec<Tool> {
    TOOLS
        .iter()
        .filter(|tool| !read_only || tool.kind.only_reads())
        .map(ToolSpec::tool)
        .collect()
}

/// Runs the tool `name`; `None` when there is no such tool. With
/// `read_only`, a tool that spends or changes something is a tool error
/// saying so, and nothing is sent.
pub async fn call(
    name: &str,
    arguments: JsonObject,
    call: Call<'_>,
    read_only: bool,
) -> Option<CallToolResult> {
    let tool = TOOLS.iter().find(|tool| tool.name == name)?;
    if read_only && !tool.kind.only_reads() {
        return Some(super::results::invalid(format!(
            "{name} is not served: this server runs with --read-only, which serves only the \
             tools that spend nothing and change nothing (statuses and lists)"
        )));
    }
    Some((tool.run)(call, Value::Object(arguments)).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_a_name_of_its_own_and_an_object_schema() {
        let mut names: Vec<&str> = TOOLS.iter().map(|tool| tool.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TOOLS.len(), "a name given twice");
        for tool in catalog(false) {
            assert_eq!(
                tool.input_schema.get("type").and_then(Value::as_str),
                Some("object"),
                "{}",
                tool.name
            );
        }
    }
}
