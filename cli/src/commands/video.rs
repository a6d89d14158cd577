//! `firefly video generate`: a video from a prompt, saved under the prompt's slug.

use std::process::ExitCode;

use adobe_firefly::{
    Api,
    types::{GenerateVideoRequest, VideoSize},
};

use super::{Destination, built, finish_paid};
use crate::{args::VideoArgs, context::Context, error::CliError, naming};

pub async fn run(args: VideoArgs, ctx: &Context) -> Result<ExitCode, CliError> {
    let firefly = ctx.firefly()?;
    let sizes: Vec<VideoSize> = args
        .size
        .map(|s| VideoSize {
            width: s.width,
            height: s.height,
        })
        .into_iter()
        .collect();
    let request: GenerateVideoRequest = built(
        GenerateVideoRequest::builder()
            .prompt(args.prompt.clone())
            .sizes(sizes),
    )?;
    let destination = Destination::new(
        &args.output,
        naming::slug(&args.prompt),
        &request,
        None,
        args.force,
    )?;
    let admitted = ctx.spend.admit(Api::Firefly, "video generate", &request)?;
    let job = firefly.generate_video(request).await?;
    finish_paid(ctx, admitted, job, &destination).await
}
