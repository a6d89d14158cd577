//! The commands for Adobe's 2026 operations: `firefly image model5` (generate, or
//! edit a --reference image), `upscale`, `precise-composite` and
//! `adaptive-composite`. Image arguments are files (uploaded first),
//! `upload:<id>` or URLs, as for the other image commands.

use std::process::ExitCode;

use adobe_firefly::{
    Api, Firefly,
    types::{
        AdaptiveCompositeObject, AdaptiveCompositeRequest, AspectRatio, CompositeBackground,
        CompositeImage, CompositeObject, CompositeOutput, Image5Options, Image5Request,
        PreciseCompositeRequest, ReferenceImage, SourceImage, UpscaleFactor, UpscaleRequest,
    },
};

use super::{
    Destination, built, finish_paid,
    image_ops::{Located, located},
    usable_folder,
};
use crate::{
    args::{AdaptiveCompositeArgs, Image5Args, PreciseCompositeArgs, UpscaleArgs},
    context::Context,
    error::CliError,
    naming,
    parse::ImageInput,
};

pub async fn image5(args: Image5Args, ctx: &Context) -> Result<ExitCode, CliError> {
    // Checked here as well as by the SDK, because the reference would be
    // uploaded before the SDK sees the request.
    if args.reference.is_some() && args.aspect_ratio.is_some_and(|r| r != AspectRatio::Auto) {
        return Err(CliError::Usage(
            "--aspect-ratio must be auto or absent with --reference: an edit keeps the \
             reference's shape"
                .into(),
        ));
    }
    usable_folder(&args.saving.output)?;
    let firefly = ctx.firefly()?;
    let options = (args.reasoner.is_some() || args.locale.is_some()).then(|| Image5Options {
        locale_code: args.locale.clone(),
        prompt_reasoner: args.reasoner,
    });
    let references = match &args.reference {
        Some(given) => vec![match located(firefly, given).await? {
            Located::Upload(id) => ReferenceImage::upload(id),
            Located::Url(url) => ReferenceImage::url(url),
        }],
        None => Vec::new(),
    };
    let request: Image5Request = built(
        Image5Request::builder()
            .prompt(args.prompt.clone())
            .aspect_ratio(args.aspect_ratio)
            .resolution_level(args.resolution)
            .model_specific_payload(options)
            .seeds(args.seed.into_iter().collect::<Vec<_>>())
            .reference_blobs(references),
    )?;
    let destination = Destination::of_images(
        &args.saving,
        naming::slug(&args.prompt),
        &request,
        Some("image5"),
    )?;
    let admitted = ctx.spend.admit(Api::Firefly, "image model5", &request)?;
    let job = firefly.generate_image5(request).await?;
    finish_paid(ctx, admitted, job, &destination).await
}

pub async fn upscale(args: UpscaleArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    usable_folder(&args.saving.output)?;
    let firefly = ctx.firefly()?;
    // Adobe requires 1 to 4 seeds; one random seed stands for "any".
    let seeds = if args.seeds.is_empty() {
        vec![i64::from(fastrand::u32(1..100_000))]
    } else {
        args.seeds.clone()
    };
    let image = match located(firefly, &args.image).await? {
        Located::Upload(id) => SourceImage::upload(id),
        Located::Url(url) => SourceImage::url(url),
    };
    let request: UpscaleRequest = built(
        UpscaleRequest::builder()
            .image(image)
            .seeds(seeds)
            .upscale_factor(args.factor.map(UpscaleFactor)),
    )?;
    let stem = format!("upscaled-{}x", args.factor.unwrap_or(2));
    let destination = Destination::of_images(&args.saving, stem, &request, None)?;
    let admitted = ctx.spend.admit(Api::Firefly, "image upscale", &request)?;
    let job = firefly.upscale_image(request).await?;
    finish_paid(ctx, admitted, job, &destination).await
}

pub async fn precise_composite(
    args: PreciseCompositeArgs,
    ctx: &Context,
) -> Result<ExitCode, CliError> {
    usable_folder(&args.saving.output)?;
    let firefly = ctx.firefly()?;
    let inputs = &args.inputs;
    let request: PreciseCompositeRequest = built(
        PreciseCompositeRequest::builder()
            .object(CompositeObject {
                image: composite_image(firefly, &inputs.object).await?,
            })
            .background(background(firefly, &inputs.background, &inputs.area).await?)
            .blend(args.blend)
            .num_variations(inputs.variations)
            .seeds(inputs.seeds.clone())
            .output(inputs.format.map(|media_type| CompositeOutput {
                media_type: Some(media_type),
            })),
    )?;
    let destination = Destination::of_images(&args.saving, "composite".into(), &request, None)?;
    let admitted = ctx
        .spend
        .admit(Api::Firefly, "image precise-composite", &request)?;
    let job = firefly.precise_composite(request).await?;
    finish_paid(ctx, admitted, job, &destination).await
}

pub async fn adaptive_composite(
    args: AdaptiveCompositeArgs,
    ctx: &Context,
) -> Result<ExitCode, CliError> {
    usable_folder(&args.saving.output)?;
    let firefly = ctx.firefly()?;
    let inputs = &args.inputs;
    let mask = match &args.object_mask {
        Some(given) => Some(composite_image(firefly, given).await?),
        None => None,
    };
    let request: AdaptiveCompositeRequest = built(
        AdaptiveCompositeRequest::builder()
            .object(AdaptiveCompositeObject {
                image: composite_image(firefly, &inputs.object).await?,
                mask,
            })
            .background(background(firefly, &inputs.background, &inputs.area).await?)
            .harmonization(args.harmonization)
            .shadow_intensity(args.shadow)
            .preserve_background(args.preserve_background.then_some(true))
            .num_variations(inputs.variations)
            .seeds(inputs.seeds.clone())
            .output(inputs.format.map(|media_type| CompositeOutput {
                media_type: Some(media_type),
            })),
    )?;
    let destination = Destination::of_images(&args.saving, "composite".into(), &request, None)?;
    let admitted = ctx
        .spend
        .admit(Api::Firefly, "image adaptive-composite", &request)?;
    let job = firefly.adaptive_composite(request).await?;
    finish_paid(ctx, admitted, job, &destination).await
}

async fn composite_image(
    firefly: &Firefly,
    given: &ImageInput,
) -> Result<CompositeImage, CliError> {
    Ok(match located(firefly, given).await? {
        Located::Upload(id) => CompositeImage::upload(id),
        Located::Url(url) => CompositeImage::url(url),
    })
}

async fn background(
    firefly: &Firefly,
    image: &ImageInput,
    area: &ImageInput,
) -> Result<CompositeBackground, CliError> {
    Ok(CompositeBackground {
        image: composite_image(firefly, image).await?,
        fill_area_mask: composite_image(firefly, area).await?,
    })
}
