//! `firefly image generate`: images from a prompt, saved under the prompt's slug.

use std::process::ExitCode;

use adobe_firefly::{
    Api,
    types::{GenerateImagesRequest, StyleOptions},
};

use super::{Destination, built, finish_paid};
use crate::{args::GenerateArgs, context::Context, error::CliError, naming};

pub async fn run(args: GenerateArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let firefly = ctx.firefly()?;
    let options = &args.image;
    let style = (!args.style_presets.is_empty()).then(|| StyleOptions {
        presets: args.style_presets.clone(),
        strength: None,
        image_reference: None,
    });
    let request: GenerateImagesRequest = built(
        GenerateImagesRequest::builder()
            .prompt(args.prompt.clone())
            .negative_prompt(args.negative_prompt.clone())
            .num_variations(options.variations)
            .seeds(options.seeds.clone())
            .size(options.size.clone())
            .content_class(args.content_class.clone())
            .custom_model_id(args.custom_model_id.clone())
            .style(style),
    )?;
    let destination = Destination::of_images(
        &options.saving,
        naming::slug(&args.prompt),
        &request,
        args.model.map(|m| m.to_string()).as_deref(),
    )?;
    let admitted = ctx.spend.admit(Api::Firefly, "image generate", &request)?;
    let job = match args.model {
        Some(model) => firefly.generate_images_with_model(request, model).await?,
        None => firefly.generate_images(request).await?,
    };
    finish_paid(ctx, admitted, job, &destination).await
}
