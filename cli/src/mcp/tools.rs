//! The tools: their names, what they tell the model (including what they
//! cost), their input schemas, and what each call does.

use std::{future::Future, sync::Arc};

use adobe_firefly::{
    Error, Firefly,
    types::{
        AdaptiveCompositeRequest, ExpandImageRequest, FillImageRequest, GenerateImagesRequest,
        GenerateObjectCompositeRequest, GenerateSimilarImagesRequest, GenerateVideoRequest,
        Image5Request, ImageModelVersion, JobAccepted, PreciseCompositeRequest,
        SimilarImageModelVersion, UpscaleRequest,
    },
};
use rmcp::model::{CallToolResult, JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

use super::{
    call::Call,
    lookups::{self, JobId, ListCustomModels, UploadImage},
    progress::{self, Waited},
    results::{self, Made},
    schema,
    session::Ending,
};
use crate::{error::CliError, naming, save::Naming};

/// Said of every tool that makes something.
const COSTS: &str = "Each call spends Firefly generative credits of the configured Adobe \
organization and counts against its request quota (by default 4 requests a minute); \
the call waits for quota another call is using. Files are saved in the server's output \
folder and never overwrite existing ones; the result lists their paths, the pre-signed \
URLs (valid about an hour) and the seeds (pass a seed again to reproduce an image).";

const IMAGES_RESULT: &str = "Returns a preview of each image (at most 512 px) besides the \
saved paths.";

/// A text-to-image request, with the model to use.
#[derive(Clone, Deserialize, Serialize, JsonSchema)]
struct GenerateImages {
    #[serde(flatten)]
    request: GenerateImagesRequest,
    /// The Firefly image model (default image3); image4_standard and
    /// image4_ultra give higher quality, the *_custom ones need customModelId.
    #[serde(default)]
    model: Option<ImageModelVersion>,
}

/// A request for variations of an image, with the model to use.
#[derive(Clone, Deserialize, Serialize, JsonSchema)]
struct GenerateSimilar {
    #[serde(flatten)]
    request: GenerateSimilarImagesRequest,
    /// The Firefly image model (default image3).
    #[serde(default)]
    model: Option<SimilarImageModelVersion>,
}

/// Every tool, as `tools/list` answers.
pub fn catalog() -> Vec<Tool> {
    let generating = |name: &'static str, what: &str, schema: Arc<JsonObject>| {
        Tool::new(name, format!("{what} {COSTS}"), schema).annotate(
            ToolAnnotations::new()
                .read_only(false)
                .destructive(false)
                .idempotent(false)
                .open_world(true),
        )
    };
    let looking = |name: &'static str, what: &'static str, schema: Arc<JsonObject>| {
        Tool::new(name, what, schema)
            .annotate(ToolAnnotations::new().read_only(true).open_world(true))
    };
    vec![
        generating(
            "generate_images",
            &format!(
                "Generate 1 to 4 images from a text prompt with Adobe Firefly. {IMAGES_RESULT}"
            ),
            schema::input_schema::<GenerateImages>(),
        ),
        generating(
            "generate_similar_images",
            &format!("Generate variations of an image. {IMAGES_RESULT}"),
            schema::input_schema::<GenerateSimilar>(),
        ),
        generating(
            "expand_image",
            &format!(
                "Expand an image beyond its borders to a new size, optionally guided by a prompt. \
                 {IMAGES_RESULT}"
            ),
            schema::input_schema::<ExpandImageRequest>(),
        ),
        generating(
            "fill_image",
            &format!(
                "Fill the masked area of an image (the mask's white part), optionally guided by \
                 a prompt. {IMAGES_RESULT}"
            ),
            schema::input_schema::<FillImageRequest>(),
        ),
        generating(
            "generate_object_composite",
            &format!(
                "Place the object of an image into a scene generated from a prompt. \
                 {IMAGES_RESULT}"
            ),
            schema::input_schema::<GenerateObjectCompositeRequest>(),
        ),
        generating(
            "generate_video",
            "Generate a short video from a prompt, optionally starting from an image. Takes \
             minutes; returns the saved path and URL, no preview.",
            schema::input_schema::<GenerateVideoRequest>(),
        ),
        generating(
            "image5",
            &format!(
                "Generate one image from a prompt with Firefly Image Model 5, or edit an image: \
                 give one image in referenceBlobs and say in the prompt how to change it (the \
                 edit keeps the image's shape: leave aspectRatio out or set it to auto). \
                 prompt_reasoner `quality` also describes the image (altText). {IMAGES_RESULT}"
            ),
            schema::input_schema::<Image5Request>(),
        ),
        generating(
            "upscale_image",
            &format!(
                "Make an image 2, 3, 4 or 6 times (upscaleFactor) wider and taller; one output \
                 per seed (1 to 4 seeds, required). {IMAGES_RESULT}"
            ),
            schema::input_schema::<UpscaleRequest>(),
        ),
        generating(
            "precise_composite",
            &format!(
                "Place an object image into the area of a background image that fillAreaMask \
                 marks; blend (0 to 1) sets how much of the object's own look is kept (0: fully \
                 adapted to the scene, 1: as it is). 1 to 3 variations. {IMAGES_RESULT}"
            ),
            schema::input_schema::<PreciseCompositeRequest>(),
        ),
        generating(
            "adaptive_composite",
            &format!(
                "Place an object image into the area of a background image that fillAreaMask \
                 marks, adapting its light and colour (harmonization) and shadow \
                 (shadowIntensity) to the scene. 1 to 3 variations. {IMAGES_RESULT}"
            ),
            schema::input_schema::<AdaptiveCompositeRequest>(),
        ),
        Tool::new(
            "upload_image",
            "Upload a local image (JPEG, PNG, WebP, JPEG XL or TIFF, at most 15 MiB) to Firefly's storage and \
             return `upload:<id>`, usable as the image of the other tools for about a day. \
             Uploading spends no credits; the image tools also accept the path directly.",
            schema::input_schema::<UploadImage>(),
        ),
        looking(
            "job_status",
            "Read the status of a Firefly job by id: pending, running, succeeded (with its \
             output URLs), failed, cancel_pending, cancelled or timeout (Firefly gave up on \
             it). Spends no credits.",
            schema::input_schema::<JobId>(),
        ),
        Tool::new(
            "cancel_job",
            "Cancel a running Firefly job by id. Credits already spent may not be refunded.",
            schema::input_schema::<JobId>(),
        ),
        looking(
            "list_custom_models",
            "List the organization's custom Firefly models (ids to pass as customModelId with \
             an *_custom model). Spends no credits.",
            schema::input_schema::<ListCustomModels>(),
        ),
    ]
}

/// Runs the tool `name`; `None` when there is no such tool.
pub async fn call(name: &str, arguments: JsonObject, mut call: Call<'_>) -> Option<CallToolResult> {
    let arguments = Value::Object(arguments);
    let result = match name {
        "generate_images" => {
            job(
                &mut call,
                arguments,
                Made::Images,
                |args: &GenerateImages| naming::slug(&args.request.prompt),
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
        }
        "generate_similar_images" => {
            job(
                &mut call,
                arguments,
                Made::Images,
                |_: &GenerateSimilar| "similar".into(),
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
        }
        "expand_image" => {
            job(
                &mut call,
                arguments,
                Made::Images,
                |_: &ExpandImageRequest| "expanded".into(),
                |firefly, request: ExpandImageRequest| async move {
                    firefly.expand_image(request).await
                },
            )
            .await
        }
        "fill_image" => job(
            &mut call,
            arguments,
            Made::Images,
            |_: &FillImageRequest| "filled".into(),
            |firefly, request: FillImageRequest| async move { firefly.fill_image(request).await },
        )
        .await,
        "generate_object_composite" => {
            job(
                &mut call,
                arguments,
                Made::Images,
                |request: &GenerateObjectCompositeRequest| naming::slug(&request.prompt),
                |firefly, request: GenerateObjectCompositeRequest| async move {
                    firefly.generate_object_composite(request).await
                },
            )
            .await
        }
        "generate_video" => {
            job(
                &mut call,
                arguments,
                Made::Video,
                |request: &GenerateVideoRequest| {
                    naming::slug(request.prompt.as_deref().unwrap_or("video"))
                },
                |firefly, request: GenerateVideoRequest| async move {
                    firefly.generate_video(request).await
                },
            )
            .await
        }
        "image5" => job(
            &mut call,
            arguments,
            Made::Images,
            |request: &Image5Request| naming::slug(&request.prompt),
            |firefly, request: Image5Request| async move { firefly.generate_image5(request).await },
        )
        .await,
        "upscale_image" => job(
            &mut call,
            arguments,
            Made::Images,
            |_: &UpscaleRequest| "upscaled".into(),
            |firefly, request: UpscaleRequest| async move { firefly.upscale_image(request).await },
        )
        .await,
        "precise_composite" => {
            job(
                &mut call,
                arguments,
                Made::Images,
                |_: &PreciseCompositeRequest| "composite".into(),
                |firefly, request: PreciseCompositeRequest| async move {
                    firefly.precise_composite(request).await
                },
            )
            .await
        }
        "adaptive_composite" => {
            job(
                &mut call,
                arguments,
                Made::Images,
                |_: &AdaptiveCompositeRequest| "composite".into(),
                |firefly, request: AdaptiveCompositeRequest| async move {
                    firefly.adaptive_composite(request).await
                },
            )
            .await
        }
        "upload_image" => lookups::upload_image(&call, arguments).await,
        "job_status" => lookups::job_status(&call, arguments).await,
        "cancel_job" => lookups::cancel_job(&call, arguments).await,
        "list_custom_models" => lookups::list_custom_models(&call, arguments).await,
        _ => return None,
    };
    Some(result)
}

/// A generation tool: its image strings resolved (files uploaded), the
/// arguments read as the SDK's request, the job submitted within the quota,
/// waited for with progress, and its outputs saved.
async fn job<A, S, F, Fut>(
    call: &mut Call<'_>,
    mut arguments: Value,
    made: Made,
    stem_of: S,
    submit: F,
) -> CallToolResult
where
    A: DeserializeOwned + Serialize + Clone + JsonSchema,
    S: FnOnce(&A) -> String,
    F: Fn(Firefly, A) -> Fut,
    Fut: Future<Output = Result<JobAccepted, Error>>,
{
    // A job is paid for: a folder that cannot hold its outputs is found
    // before it is submitted.
    if let Err(source) = crate::save::check_folder(call.output_dir) {
        return results::invalid(format!(
            "cannot save into {}: {source}; the server's --output-dir must be a folder it can \
             write to",
            call.output_dir.display()
        ));
    }
    if let Err(error) = schema::resolve_images(call.firefly, &mut arguments).await {
        return match error {
            CliError::InputFile { .. } | CliError::Usage(_) => results::invalid(error.to_string()),
            other => results::failure(&other),
        };
    }
    let args: A = match schema::parse_arguments(arguments) {
        Ok(args) => args,
        Err(message) => return results::invalid(message),
    };
    let stem = stem_of(&args);
    // The whole request (model included) names the files when the plain
    // name is taken, as the other commands do.
    let request = serde_json::to_value(&args).unwrap_or_default();
    let request_hash = naming::request_key(&request, None);
    let submitted = progress::submit_within_quota(&mut call.progress, &call.cancelled, || {
        submit(call.firefly.clone(), args.clone())
    })
    .await;
    let job = match submitted {
        Ok(Some(job)) => job,
        Ok(None) => return results::invalid("the call was cancelled before the job was submitted"),
        Err(error) if error.is_validation() => return results::invalid(error.to_string()),
        Err(error) => return results::failure(&error.into()),
    };
    // Paid for from here: a session that closes before the call ends
    // records the job.
    let prompt = request["prompt"].as_str();
    call.session
        .submitted(&job.job_id, call.tool, &request_hash, prompt);
    // Cancelled while the submission was on its way: the job exists now.
    if call.cancelled.is_cancelled() {
        let cancel = progress::cancel(call.firefly, &job).await;
        call.session
            .ended(&job.job_id, Ending::Cancelled(cancel.clone()));
        return results::cancelled(&job.job_id, cancel);
    }
    let waited = progress::wait_for_job(
        call.firefly,
        &job,
        call.wait,
        &mut call.progress,
        &call.cancelled,
    )
    .await;
    let (answer, ending) = match waited {
        Waited::Finished(Ok(result)) => {
            let answer = results::finished(
                call.firefly,
                &job.job_id,
                &result,
                call.output_dir,
                &Naming {
                    stem: &stem,
                    request_hash: &request_hash,
                    replace: false,
                },
                made,
            )
            .await;
            // An error answer here means outputs that were not saved.
            let ending = if answer.is_error == Some(true) {
                Ending::Unsaved
            } else {
                Ending::Settled
            };
            (answer, ending)
        }
        Waited::Finished(Err(error)) => (results::failure(&error.into()), Ending::Settled),
        Waited::Cancelled(cancel) => (
            results::cancelled(&job.job_id, cancel.clone()),
            Ending::Cancelled(cancel),
        ),
    };
    call.session.ended(&job.job_id, ending);
    answer
}
