//! The commands that start from an image: `firefly image expand`, `fill`,
//! `similar` and `composite`, and turning an image argument (a file, an
//! upload id or a URL) into the request's input.

use std::process::ExitCode;

use adobe_firefly::{
    Api, Firefly,
    types::SourceImage,
    types::{
        ExpandImageRequest, FillImageRequest, GenerateObjectCompositeRequest,
        GenerateSimilarImagesRequest, InputImage, InputSource, Mask,
    },
};

use super::{Destination, built, finish_paid, upload};
use crate::{
    args::{CompositeArgs, ExpandArgs, FillArgs, SimilarArgs},
    context::Context,
    error::CliError,
    naming,
    parse::ImageInput,
};

pub async fn expand(args: ExpandArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let firefly = ctx.firefly()?;
    let options = &args.image_options;
    let request: ExpandImageRequest = built(
        ExpandImageRequest::builder()
            .image(input_image(firefly, &args.image).await?)
            .prompt(args.prompt)
            .num_variations(options.variations)
            .seeds(options.seeds.clone())
            .size(options.size.clone()),
    )?;
    let destination = Destination::of_images(&options.saving, "expanded".into(), &request, None)?;
    let admitted = ctx.spend.admit(Api::Firefly, "image expand", &request)?;
    let job = firefly.expand_image(request).await?;
    finish_paid(ctx, admitted, job, &destination).await
}

pub async fn fill(args: FillArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let firefly = ctx.firefly()?;
    let options = &args.image_options;
    let mask = input_image(firefly, &args.mask).await?;
    let request: FillImageRequest = built(
        FillImageRequest::builder()
            .image(input_image(firefly, &args.image).await?)
            .mask(Mask {
                source: mask.source,
                invert: None,
            })
            .prompt(args.prompt)
            .num_variations(options.variations)
            .seeds(options.seeds.clone())
            .size(options.size.clone()),
    )?;
    let destination = Destination::of_images(&options.saving, "filled".into(), &request, None)?;
    let admitted = ctx.spend.admit(Api::Firefly, "image fill", &request)?;
    let job = firefly.fill_image(request).await?;
    finish_paid(ctx, admitted, job, &destination).await
}

pub async fn similar(args: SimilarArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let firefly = ctx.firefly()?;
    let options = &args.image_options;
    let request: GenerateSimilarImagesRequest = built(
        GenerateSimilarImagesRequest::builder()
            .image(SourceImage {
                source: input_image(firefly, &args.image).await?.source,
            })
            .num_variations(options.variations)
            .seeds(options.seeds.clone())
            .size(options.size.clone()),
    )?;
    let destination = Destination::of_images(&options.saving, "similar".into(), &request, None)?;
    let admitted = ctx.spend.admit(Api::Firefly, "image similar", &request)?;
    let job = firefly.generate_similar_images(request).await?;
    finish_paid(ctx, admitted, job, &destination).await
}

pub async fn composite(args: CompositeArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let firefly = ctx.firefly()?;
    let options = &args.image_options;
    let request: GenerateObjectCompositeRequest = built(
        GenerateObjectCompositeRequest::builder()
            .image(input_image(firefly, &args.image).await?)
            .prompt(args.prompt.clone())
            .num_variations(options.variations)
            .seeds(options.seeds.clone())
            .size(options.size.clone()),
    )?;
    let destination =
        Destination::of_images(&options.saving, naming::slug(&args.prompt), &request, None)?;
    let admitted = ctx.spend.admit(Api::Firefly, "image composite", &request)?;
    let job = firefly.generate_object_composite(request).await?;
    finish_paid(ctx, admitted, job, &destination).await
}

/// The request's input image: a file is uploaded first; an upload id or a
/// URL is passed on as it is.
async fn input_image(firefly: &Firefly, given: &ImageInput) -> Result<InputImage, CliError> {
    let source = match located(firefly, given).await? {
        Located::Upload(id) => InputSource {
            upload_id: Some(id),
            url: None,
        },
        Located::Url(url) => InputSource {
            upload_id: None,
            url: Some(url),
        },
    };
    Ok(InputImage { source, mask: None })
}

/// Where Firefly reads an input image from: an upload id or a URL.
pub enum Located {
    Upload(String),
    Url(String),
}

/// An image argument, as Firefly will read it: a file is uploaded first
/// (and its upload id used); an upload id or a URL is passed on as it is.
pub async fn located(firefly: &Firefly, given: &ImageInput) -> Result<Located, CliError> {
    Ok(match given {
        ImageInput::Upload(id) => Located::Upload(id.clone()),
        ImageInput::Url(url) => Located::Url(url.clone()),
        ImageInput::File(path) => Located::Upload(upload::upload_file(firefly, path).await?.id),
    })
}
